"""A convener plans a term-start meeting, records it, produces the minutes; the assignee acts."""

import io
import re
from datetime import time, timedelta

from docx import Document
from playwright.sync_api import expect

from e2e.conftest import assert_accessible, login, samverkansgrupp
from kaa_web.models.base import local_today
from tests import factories

TODAY = local_today()


def _text(path) -> str:
    document = Document(io.BytesIO(open(path, "rb").read()))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _decide(page, item_title: str, text: str, number: int):
    article = page.locator("article", has_text=item_title)
    article.get_by_text("Nytt beslut").click()
    article.get_by_role("textbox", name="Beslut").fill(text)
    article.get_by_role("button", name="Spara beslutet").click()
    expect(page.get_by_text(f"Beslut {number} är sparat.")).to_be_visible()


def _action(page, what: str, who: str, due):
    page.get_by_text("Ny åtgärdspunkt").click()
    page.get_by_label("Vad ska göras").fill(what)
    page.get_by_label("Vem", exact=True).select_option(label=who)
    page.get_by_label("Senast").fill(due.isoformat())
    page.get_by_role("button", name="Spara åtgärdspunkten").click()
    expect(page.get_by_text("Åtgärdspunkten är sparad.")).to_be_visible()


def test_convener_plans_records_and_adjusts_a_term_start_meeting(page, server_url, db):
    samverkansgrupp(db)
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    login(page, server_url, "kaa")
    page.goto(f"{server_url}/samverkan")
    assert_accessible(page)
    page.get_by_role("link", name="Samverkansgruppen KAA").click()
    assert_accessible(page)

    # plan the meeting from the group's standing items
    page.get_by_role("link", name="Planera möte").click()
    assert_accessible(page)
    page.get_by_label("Datum", exact=True).fill(TODAY.isoformat())
    page.get_by_label("Tid", exact=True).fill("13:00")
    page.get_by_label("Plats eller länk").fill("Rum Ekbacken, stadshuset")
    expect(page.get_by_label("Uppföljning av handlingsplanen")).to_be_checked()
    page.get_by_role("button", name="Planera mötet").click()
    expect(page.get_by_text("Mötet är planerat.")).to_be_visible()
    assert_accessible(page)

    # the consent rule: only the one whose consent covers every organisation is named
    review = page.locator("article", has_text="Genomgång av aktuella ungdomar")
    expect(review).to_contain_text("Noa Samtyckesson")
    expect(review).not_to_contain_text("Hemligsson")
    expect(review).to_contain_text("Övriga i urvalet visas bara i antal.")

    with page.expect_download() as download:
        page.get_by_role("button", name="Skapa kallelse med dagordning (Word)").click()
    notice = _text(download.value.path())
    assert "Kallelse till möte i Samverkansgruppen KAA" in notice
    assert "Uppföljning av handlingsplanen" in notice and "Statistik" in notice

    # during the meeting
    page.get_by_role("link", name="Protokollför mötet").click()
    assert_accessible(page)
    for name in ("Karin Berg", "Amir Haddad"):
        page.get_by_role("group", name=name).get_by_label("Närvarande").check()
    page.get_by_role("group", name="Ingrid Sjöberg").get_by_label("Anmält förhinder").check()
    page.get_by_role("button", name="Spara närvaron").click()
    expect(page.get_by_text("Närvaron är sparad.")).to_be_visible()

    _decide(page, "Uppföljning av handlingsplanen", "Handlingsplanen revideras till våren.", 1)
    _decide(page, "Statistik", "Statistiken för hösten godkänns.", 2)
    _action(page, "Skicka ut reviderad handlingsplan", "Amir Haddad", TODAY + timedelta(days=14))
    _action(page, "Boka lokal till nästa möte", "Karin Berg", TODAY + timedelta(days=30))
    _action(page, "Ta fram statistik per område", "Amir Haddad", TODAY + timedelta(days=21))
    assert_accessible(page)

    page.get_by_label("Justerare").fill("Amir Haddad")
    page.get_by_role("button", name="Markera protokollet som justerat").click()
    expect(page.get_by_text("Protokollet är justerat och låst.")).to_be_visible()
    assert questions == [
        "Markera protokollet som justerat? Därefter kan det bara kompletteras med tillägg."
    ]
    expect(page.get_by_role("button", name="Spara beslutet")).to_have_count(0)
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Skapa protokoll (Word)").click()
    minutes = _text(download.value.path())
    assert "Amir Haddad, Kommunen (KAA, utbildning, arbetsmarknad): Närvarande" in minutes
    assert "Ingrid Sjöberg, Socialtjänsten: Anmält förhinder" in minutes
    assert "Beslut 1: Handlingsplanen revideras till våren." in minutes
    assert "Beslut 2: Statistiken för hösten godkänns." in minutes
    assert "Ta fram statistik per område" in minutes and "Boka lokal till nästa möte" in minutes

    # the assignee sees their action point in the worklist
    page.context.clear_cookies()
    login(page, server_url, "arbetsmarknad", check_accessibility=False)
    page.goto(f"{server_url}/att-gora/?vy=mina")
    expect(page.get_by_text("Åtgärdspunkt").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("Åtgärdspunkt från Samverkansgruppen KAA")
    assert_accessible(page)


def test_convener_reshapes_the_agenda_and_a_member_downloads_the_notice(page, server_url, db):
    page.on("dialog", lambda dialog: dialog.accept())  # "Ta bort punkten …?"
    meeting = factories.planned_meeting(
        db, samverkansgrupp(db), on=TODAY + timedelta(days=7), starts_at=time(9, 0)
    )
    login(page, server_url, "kaa")
    page.goto(f"{server_url}/samverkan/moten/{meeting.id}")
    page.get_by_role("link", name="Ändra tid, plats eller dagordning").click()
    assert_accessible(page)

    page.get_by_label("Rubrik").last.fill("Sommarjobb 2027")
    page.get_by_label("Ansvarig").last.fill("Amir Haddad")
    page.get_by_role("button", name="Lägg till punkten").click()
    expect(page.get_by_text("Punkten är tillagd.")).to_be_visible()
    page.get_by_role("button", name=re.compile("Flytta upp.*§ 4 Sommarjobb 2027")).click()
    expect(page.get_by_text("Dagordningen är ändrad.")).to_be_visible()
    page.get_by_role(
        "button", name=re.compile("Ta bort.*§ 2 Uppföljning av handlingsplanen")
    ).click()
    expect(page.get_by_text("Punkten är borttagen.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="← Mötet").click()
    headings = page.locator("article h3").all_inner_texts()
    assert headings == [
        "§ 1 Genomgång av aktuella ungdomar",
        "§ 2 Sommarjobb 2027",
        "§ 3 Statistik",
    ]
    with page.expect_download():
        page.get_by_role("button", name="Skapa kallelse med dagordning (Word)").click()

    # a social services member, who produces no documents, downloads the notice sent out
    page.context.clear_cookies()
    login(page, server_url, "ifo", check_accessibility=False)
    page.goto(f"{server_url}/samverkan/moten/{meeting.id}")
    expect(page.get_by_role("button", name="Skapa kallelse med dagordning (Word)")).to_have_count(0)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Kallelse skapad").click()
    notice = _text(download.value.path())
    assert "Sommarjobb 2027" in notice and "Uppföljning av handlingsplanen" not in notice
