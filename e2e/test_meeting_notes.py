"""A secretary takes notes under several items: nothing typed is lost, with or without JavaScript,
and two tabs never overwrite each other silently."""

from datetime import time

from playwright.sync_api import expect

from e2e.conftest import assert_accessible, login, samverkansgrupp
from tests import factories


def _meeting(db):
    return factories.planned_meeting(db, samverkansgrupp(db), in_days=0, starts_at=time(9, 0))


def _item(page, position: int):
    return page.locator("article", has=page.get_by_role("heading", name=f"§ {position} "))


def _notes(page, position: int):
    return _item(page, position).get_by_role("textbox", name="Anteckningar")


def test_notes_under_two_items_survive_saving_one_navigating_and_reloading(page, server_url, db):
    meeting = _meeting(db)
    record = f"{server_url}/samverkan/moten/{meeting.id}/protokollfor"
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # "leave the page?": stay

    page.on("dialog", on_dialog)
    login(page, server_url, "kaa")
    page.goto(record)
    assert_accessible(page)

    # type under items 2 and 3, then press item 2's own button: both are saved
    _notes(page, 2).fill("Handlingsplanen följs upp i mars.")
    _notes(page, 3).fill("Statistiken för hösten visades.")
    _item(page, 2).get_by_role("button", name="Spara anteckningarna").click()
    expect(page.get_by_text("Anteckningarna är sparade.")).to_be_visible()
    page.reload()
    expect(_notes(page, 2)).to_have_value("Handlingsplanen följs upp i mars.")
    expect(_notes(page, 3)).to_have_value("Statistiken för hösten visades.")

    # typed text is saved as it is typed: leaving the page afterwards loses nothing
    _notes(page, 1).press_sequentially("Tre nya ungdomar sedan förra mötet.")
    expect(_item(page, 1).get_by_role("status")).to_contain_text("Sparat kl.")
    assert_accessible(page)
    page.get_by_role("link", name="← Samverkansgruppen KAA").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Samverkansgruppen KAA")
    assert dialogs == []
    assert_accessible(page)
    page.goto(record)
    expect(_notes(page, 1)).to_have_value("Tre nya ungdomar sedan förra mötet.")

    # leaving before the text is saved asks first, and staying keeps it
    _notes(page, 3).fill("Statistiken för hösten visades. Frågor om Norra.")
    page.get_by_role("link", name="← Samverkansgruppen KAA").click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    expect(_notes(page, 3)).to_have_value("Statistiken för hösten visades. Frågor om Norra.")
    expect(_item(page, 3).get_by_role("status")).to_contain_text("Sparat kl.")
    page.reload()
    expect(_notes(page, 3)).to_have_value("Statistiken för hösten visades. Frågor om Norra.")


def test_a_second_tab_is_told_before_it_overwrites_notes_saved_in_the_first(page, server_url, db):
    meeting = _meeting(db)
    record = f"{server_url}/samverkan/moten/{meeting.id}/protokollfor"
    login(page, server_url, "kaa", check_accessibility=False)
    page.goto(record)
    second = page.context.new_page()
    second.goto(record)  # both tabs show item 2 without notes

    _notes(page, 2).fill("Skrivet i första fliken.")
    expect(_item(page, 2).get_by_role("status")).to_contain_text("Sparat kl.")
    _notes(second, 2).fill("Skrivet i andra fliken.")

    conflict = _item(second, 2).get_by_role("alert")
    expect(conflict).to_contain_text("Någon annan har sparat anteckningar under punkten")
    expect(conflict).to_contain_text("Skrivet i första fliken.")
    expect(_item(second, 2).get_by_role("status")).to_have_text("Inte sparat.")
    expect(_notes(second, 2)).to_have_value("Skrivet i andra fliken.")
    assert_accessible(second)

    # the second tab keeps what it wants of both and saves: now knowingly replacing
    _notes(second, 2).fill("Skrivet i första fliken. Och i andra.")
    _item(second, 2).get_by_role("button", name="Spara anteckningarna").click()
    expect(second.get_by_text("Anteckningarna är sparade.")).to_be_visible()
    page.reload()
    expect(_notes(page, 2)).to_have_value("Skrivet i första fliken. Och i andra.")


def test_without_javascript_every_button_saves_every_items_notes(browser, server_url, db):
    meeting = _meeting(db)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    login(page, server_url, "kaa", check_accessibility=False)
    page.goto(f"{server_url}/samverkan/moten/{meeting.id}/protokollfor")

    _notes(page, 1).fill("Genomgången gjordes.")
    _notes(page, 3).fill("Statistiken godkändes.")
    page.get_by_role("group", name="Ingrid Sjöberg").get_by_label("Närvarande").check()
    page.get_by_role("button", name="Spara närvaron").click()  # not a notes button at all
    expect(page.get_by_text("Närvaron är sparad. Anteckningarna är sparade.")).to_be_visible()
    page.goto(f"{server_url}/samverkan/moten/{meeting.id}/protokollfor")
    expect(_notes(page, 1)).to_have_value("Genomgången gjordes.")
    expect(_notes(page, 3)).to_have_value("Statistiken godkändes.")
    context.close()
