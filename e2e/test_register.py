"""Register journeys in Chromium: search in place, a person's page, a contact, the worklist."""


import pytest
from playwright.sync_api import expect
from sqlmodel import select

from e2e.conftest import assert_accessible, login, make_person
from kaa_web.demo_data import seed_districts
from kaa_web.models.auth import StaffUser
from kaa_web.rules import personnummer as pnr


@pytest.fixture
def people(db):
    seed_districts(db)
    officer = db.exec(select(StaffUser).where(StaffUser.username == "kaa")).one()
    names = [("Alva", "Öberg"), ("Bo", "Lind"), ("Cecilia", "Berg")]
    return [
        make_person(db, first, last, n, officer_id=officer.id)
        for n, (first, last) in enumerate(names)
    ]


def test_officer_searches_in_place_records_a_call_and_sees_the_timeline(page, server_url, people):
    login(page, server_url, "kaa")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ungdomar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ungdomar i KAA-registret")
    assert_accessible(page)
    page.get_by_label("Sök på namn").fill("öber")
    results = page.locator("#resultat")
    expect(results.get_by_role("link", name="Alva Öberg")).to_be_visible()
    expect(results.get_by_role("link", name="Bo Lind")).to_have_count(0)
    assert "ber" not in page.url  # the search never reaches the address bar
    expect(results).to_contain_text(pnr.mask(people[0].personnummer))
    results.get_by_role("link", name="Alva Öberg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alva Öberg")
    expect(page.locator("section[aria-labelledby=nasta-steg]")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Registrera kontakt eller åtgärd").click()
    assert_accessible(page)
    page.get_by_label("Typ av kontakt").select_option("telefon")
    page.get_by_label("Utfall").select_option("nadd")
    page.get_by_label("Sysselsättning när ungdomen nåddes").select_option("studier")
    page.get_by_label("Vilken sorts studier").select_option("komvux")
    page.get_by_role("button", name="Registrera").click()
    expect(page.get_by_text("Kontakten är registrerad.")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("Telefon – nådd (studier: Komvux)")
    expect(page.locator("section[aria-labelledby=nasta-steg]")).to_contain_text("Gör kartläggning")


def test_the_list_works_without_javascript(browser, server_url, people):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    login(page, server_url, "kaa", check_accessibility=False)
    page.goto(server_url + "/ungdomar/")
    page.get_by_label("Sök på namn").fill("lind")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("link", name="Bo Lind")).to_be_visible()
    expect(page.get_by_role("link", name="Alva Öberg")).to_have_count(0)
    assert page.url.endswith("/ungdomar/sok")
    context.close()


def test_worklist_marks_selected_letters_sent(page, server_url, people):
    login(page, server_url, "kaa")
    page.goto(server_url + "/att-gora/")
    assert_accessible(page)
    letters = page.locator("#grupp-brev").locator("xpath=..")
    letters.get_by_label("Markera brev till Alva Öberg").check()
    letters.get_by_label("Markera brev till Bo Lind").check()
    letters.get_by_role("button", name="Markera valda som skickade").click()
    expect(page.get_by_text("2 brev och kort registrerade som skickade.")).to_be_visible()
    expect(page.locator("#grupp-brev").locator("xpath=..")).to_contain_text("Cecilia Berg")
    expect(page.locator("#grupp-brev").locator("xpath=..")).not_to_contain_text("Alva Öberg")
    assert_accessible(page)


def _visible_contact_fields(page) -> set[str]:
    labels = {
        "Utfall": "utfall",
        "Aviserat hembesök, datum": "besoksdatum",
        "Aviserat hembesök, tid": "besokstid",
        "Andra personen vid hembesöket": "andra",
        "Sysselsättning när ungdomen nåddes": "sysselsattning",
        "Vilken sorts studier": "studier",
    }
    return {key for label, key in labels.items() if page.get_by_label(label).is_visible()}


def _check_contact_form_shows_only_the_kind_chosen(page) -> None:
    page.get_by_label("Typ av kontakt").select_option("sms")
    assert _visible_contact_fields(page) == {"utfall"}
    page.get_by_label("Utfall").select_option("nadd")
    assert _visible_contact_fields(page) == {"utfall", "sysselsattning"}
    page.get_by_label("Sysselsättning när ungdomen nåddes").select_option("studier")
    assert _visible_contact_fields(page) == {"utfall", "sysselsattning", "studier"}
    page.get_by_label("Typ av kontakt").select_option("besoksvykort")
    page.get_by_label("Utfall").select_option("")
    assert _visible_contact_fields(page) == {"utfall", "besoksdatum", "besokstid"}
    page.get_by_label("Typ av kontakt").select_option("hembesok")
    assert _visible_contact_fields(page) == {"utfall", "andra"}
    page.get_by_label("Typ av kontakt").select_option("skatteverket")
    assert _visible_contact_fields(page) == set()


def test_the_contact_form_shows_only_the_fields_of_the_kind_chosen(page, server_url, people):
    login(page, server_url, "kaa")
    page.goto(f"{server_url}/ungdomar/{people[1].id}/kontakt")
    assert _visible_contact_fields(page) == set()  # nothing chosen yet
    _check_contact_form_shows_only_the_kind_chosen(page)
    assert_accessible(page)
    # a visit date typed for a visit card is not saved with the sms it became
    page.get_by_label("Typ av kontakt").select_option("besoksvykort")
    page.get_by_label("Aviserat hembesök, datum").fill("2030-01-01")
    page.get_by_label("Typ av kontakt").select_option("sms")
    page.get_by_label("Utfall").select_option("ej_nadd")
    page.get_by_label("Anteckning").fill("Skickade sms om tid för samtal.")
    page.get_by_role("button", name="Registrera").click()
    expect(page.get_by_text("Kontakten är registrerad.")).to_be_visible()
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Sms – ej nådd")
    expect(timeline).not_to_contain_text("hembesök planerat")
    expect(timeline.locator(".timeline__text")).to_have_text("Skickade sms om tid för samtal.")
    assert_accessible(page)


def test_the_contact_form_shows_only_the_fields_of_the_kind_chosen_without_javascript(
    browser, server_url, people
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    login(page, server_url, "kaa", check_accessibility=False)
    page.goto(f"{server_url}/ungdomar/{people[1].id}/kontakt")
    _check_contact_form_shows_only_the_kind_chosen(page)
    context.close()
