"""Register journeys in Chromium: search in place, a person's page, a contact, the worklist."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from e2e.conftest import assert_accessible, login, make_person
from kaa_web.demo import seed_districts
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import local_today
from kaa_web.rules import personnummer as pnr
from tests import factories


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


def test_the_list_works_without_javascript(kaa_without_javascript, server_url, people):
    page = kaa_without_javascript
    page.goto(server_url + "/ungdomar/")
    page.get_by_label("Sök på namn").fill("lind")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("link", name="Bo Lind")).to_be_visible()
    expect(page.get_by_role("link", name="Alva Öberg")).to_have_count(0)
    assert page.url.endswith("/ungdomar/sok")


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


@pytest.fixture
def mine_and_late(db):
    """Ada and Bea are kaa's and overdue; Cid is kaa's but not due; Dan is nobody's."""
    officer = db.exec(select(StaffUser).where(StaffUser.username == "kaa")).one()
    late, recent = local_today() - timedelta(days=45), local_today() - timedelta(days=2)
    return [
        make_person(db, "Ada", "Sen", 11, officer_id=officer.id, registered_on=late),
        make_person(db, "Bea", "Sen", 12, officer_id=officer.id, registered_on=late),
        make_person(db, "Cid", "Ny", 13, officer_id=officer.id, registered_on=recent),
        make_person(db, "Dan", "Annan", 14, registered_on=late),
    ]


# The filters in the address bar, in any order: "Mina" and "Försenade".
MINE_AND_LATE_URL = re.compile(r"/ungdomar/\?(?=.*\bofficer=mig\b)(?=.*\bdue=forfallna\b)")


def _filter_mine_and_late(page) -> None:
    page.get_by_label("Handläggare", exact=True).select_option(label="Mina")
    page.get_by_label("Nästa steg förfaller").select_option(label="Försenade")


def _save_and_reopen(page, name: str) -> None:
    page.get_by_text("Spara filtren som en vy").click()
    page.get_by_label("Namn på vyn").fill(name)
    page.get_by_role("button", name="Spara vyn").click()
    expect(page.get_by_text(f"Vyn \u201d{name}\u201d är sparad.")).to_be_visible()
    page.goto(page.url.split("/ungdomar/")[0] + "/ungdomar/")  # start again from all
    expect(page.locator("#resultat")).to_contain_text("Dan Annan")
    page.get_by_role("navigation", name="Sparade vyer").get_by_role("link", name=name).click()


def _shows_only_mine_and_late(page) -> None:
    results = page.locator("#resultat")
    expect(results).to_contain_text("2 ungdomar")
    for shown in ("Ada Sen", "Bea Sen"):
        expect(results.get_by_role("link", name=shown)).to_be_visible()
    for hidden in ("Cid Ny", "Dan Annan"):
        expect(results.get_by_role("link", name=hidden)).to_have_count(0)


def test_a_view_saved_after_filtering_in_place_reopens_with_the_same_rows(
    page, server_url, mine_and_late
):
    login(page, server_url, "kaa")
    page.goto(server_url + "/ungdomar/")
    _filter_mine_and_late(page)
    expect(page.locator("#resultat")).to_contain_text("2 ungdomar")
    # the filtered URL is in the address bar: bookmarkable, and the back button returns to it
    expect(page).to_have_url(MINE_AND_LATE_URL)
    _shows_only_mine_and_late(page)
    assert_accessible(page)
    _save_and_reopen(page, "Mina försenade")
    _shows_only_mine_and_late(page)
    expect(page).to_have_url(MINE_AND_LATE_URL)
    expect(page.get_by_label("Handläggare", exact=True)).to_have_value("mig")
    assert_accessible(page)
    page.go_back()
    expect(page.locator("#resultat")).to_contain_text("Dan Annan")


def test_a_view_saved_without_javascript_reopens_with_the_same_rows(
    kaa_without_javascript, server_url, mine_and_late
):
    page = kaa_without_javascript
    page.goto(server_url + "/ungdomar/")
    _filter_mine_and_late(page)
    page.get_by_role("button", name="Visa").click()
    expect(page).to_have_url(MINE_AND_LATE_URL)
    _shows_only_mine_and_late(page)
    _save_and_reopen(page, "Utan skript")
    _shows_only_mine_and_late(page)


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
    kaa_without_javascript, server_url, people
):
    page = kaa_without_javascript
    page.goto(f"{server_url}/ungdomar/{people[1].id}/kontakt")
    _check_contact_form_shows_only_the_kind_chosen(page)


def test_social_services_see_what_the_consent_covers_not_the_case_file(page, server_url, db):
    from kaa_web.services import consents

    youth = make_person(db, "Ines", "Delad", 15, phone="070-555 12 34")
    kaa = db.exec(select(StaffUser).where(StaffUser.username == "kaa")).one()
    consents.record_consent(
        db,
        actor=factories.actor("kaa", {"kaa": kaa}),
        youth=youth,
        data=consents.ConsentData(
            given_by="ungdomen",  # make_person(n=15) is 18
            parties=frozenset({"socialtjansten"}),
            purpose="Samordna stödet inför studiestart.",
            given_on=local_today(),
            form="skriftligt",
        ),
    )
    db.commit()
    login(page, server_url, "ifo")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ungdomar").click()
    expect(page.get_by_label("Nästa steg förfaller")).to_have_count(0)
    expect(page.get_by_role("columnheader", name="Nästa steg")).to_have_count(0)
    assert_accessible(page)
    page.locator("#resultat").get_by_role("link", name="Ines Delad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ines Delad")
    expect(page.get_by_text("Syfte: Samordna stödet inför studiestart.")).to_be_visible()
    expect(page.get_by_text("070-555 12 34")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(pnr.display(youth.personnummer))
    expect(page.get_by_role("heading", name="Tidslinje")).to_have_count(0)
    assert_accessible(page)


def test_a_person_who_left_kaa_is_registered_again_and_the_page_lists_both_periods(
    page, server_url, people, db
):
    from kaa_web.services import register

    left = people[1]
    register.deregister_youth(
        db,
        actor=factories.actor("kaa", roles={"kaa"}),
        youth_id=left.id,
        reason="nationellt_program",
        on=local_today() - timedelta(days=10),
        result="studier",
    )
    db.commit()
    login(page, server_url, "kaa")
    page.goto(f"{server_url}/ungdomar/{left.id}")
    periods = page.locator("section[aria-labelledby=perioder] tbody tr")
    expect(periods).to_have_count(1)
    expect(periods.first).to_contain_text("Har börjat nationellt program")
    assert_accessible(page)
    again = page.locator("section[aria-labelledby=registrera-igen]")
    again.get_by_label("Orsak till att ungdomen omfattas").select_option("avbrott_nationellt")
    again.get_by_label("Hur blev ungdomen känd?").select_option("skolanmalan")
    again.get_by_role("button", name="Registrera igen").click()
    expect(page.get_by_text("Ungdomen är registrerad i KAA igen.")).to_be_visible()
    expect(periods).to_have_count(2)
    expect(periods.first).to_contain_text("Pågår")
    expect(periods.nth(1)).to_contain_text("Har börjat nationellt program")
    expect(page.locator(".timeline")).to_contain_text("Registrerad i KAA igen, återkommer")
    assert_accessible(page)
