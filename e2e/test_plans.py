"""An officer maps a newly reached young person, makes a plan with a referral, gets the document."""

import io
import re
from datetime import timedelta

from docx import Document
from playwright.sync_api import expect
from sqlmodel import select

from e2e.conftest import assert_accessible, login, make_person
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import local_today
from kaa_web.services import outreach, plans
from tests import factories


def _reached_person(db):
    plans.seed_measures(db)
    youth = make_person(db, "Noa", "Exempelsson", 7)
    officer = db.exec(select(StaffUser).where(StaffUser.username == "kaa")).one()
    actor = factories.actor("kaa", {"kaa": officer})
    outreach.record_contact(
        db,
        actor=actor,
        youth=youth,
        data=outreach.ContactData(
            kind="telefon", on=local_today(), outcome="nadd", occupation="ingen"
        ),
    )
    db.commit()
    return youth


def test_officer_maps_plans_refers_and_downloads_the_plan(page, server_url, db):
    youth = _reached_person(db)
    login(page, server_url, "kaa")
    page.goto(f"{server_url}/ungdomar/{youth.id}")
    expect(page.locator("section[aria-labelledby=nasta-steg]")).to_contain_text("Gör kartläggning")
    assert_accessible(page)

    # the mapping, one click from the next step
    page.get_by_role("link", name="Gör kartläggningen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kartläggning")
    assert_accessible(page)
    page.get_by_label("Sysselsättning nu").select_option("ingen")
    page.get_by_label("Senaste skola").fill("Exempelgymnasiet")
    page.get_by_label("Hur skolgången slutade").select_option("avbrott")
    page.get_by_label("Mål, behov och förväntningar").fill("Vill börja plugga igen.")
    page.get_by_label("Arbetsförmedlingen").check()
    page.get_by_role("button", name="Spara kartläggningen").click()
    expect(page.get_by_text("Kartläggningen är sparad.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Tillbaka till Noa Exempelsson").click()
    expect(page.locator("section[aria-labelledby=nasta-steg]")).to_contain_text("Följ upp")

    # the plan with two measures
    page.get_by_role("link", name="Individuell plan").click()
    assert_accessible(page)
    page.get_by_role("textbox", name="Planering och mål").fill("Börja på Komvux till hösten.")
    follow_up = (local_today() + timedelta(days=30)).isoformat()
    page.get_by_label("Datum för uppföljning").fill(follow_up)
    page.get_by_role("button", name="Spara planen").click()
    expect(page.get_by_text("Planen är sparad.")).to_be_visible()
    assert_accessible(page)

    page.get_by_text("Lägg till insats", exact=True).click()
    page.get_by_label("Eller beskriv insatsen").fill("Söka till Komvux")
    page.get_by_label("Vem ansvarar").select_option("ungdomen")
    page.get_by_role("button", name="Lägg till insatsen").click()
    expect(page.get_by_text("Insatsen är tillagd och planen reviderad.")).to_be_visible()

    page.get_by_text("Lägg till insats", exact=True).click()
    page.get_by_label("Insats ur katalogen").select_option(
        label="Hälsoträdgården (Hälsoträdgården)"
    )
    page.get_by_label("Vem ansvarar").select_option("annan")
    page.get_by_role("button", name="Lägg till insatsen").click()
    expect(page.get_by_text("Insatsen är tillagd och planen reviderad.")).to_be_visible()
    assert_accessible(page)

    # the referral and its deadline on the worklist
    page.get_by_role("button", name=re.compile("Skicka uppdrag.*Hälsoträdgården")).click()
    due = (local_today() + timedelta(days=14)).isoformat()
    expect(page.get_by_text(f"Första kontakt senast {due}: inte registrerad")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Att göra").first.click()
    row = page.get_by_role("row").filter(has_text="Anordnarens första kontakt")
    expect(row).to_contain_text(due)
    expect(row).to_contain_text("Hälsoträdgården")
    assert_accessible(page)

    # the plan document
    page.goto(f"{server_url}/ungdomar/{youth.id}/plan")
    with page.expect_download() as download:
        page.get_by_role("button", name="Skapa planen som Word-dokument").click()
    content = open(download.value.path(), "rb").read()
    document = Document(io.BytesIO(content))
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "Söka till Komvux" in cells and "Hälsoträdgården" in cells
    assert "Börja på Komvux till hösten." in paragraphs
    assert_accessible(page)


def test_officer_records_a_consent_and_sees_the_sip_suggestion(page, server_url, db):
    youth = _reached_person(db)
    officer = db.exec(select(StaffUser).where(StaffUser.username == "kaa")).one()
    actor = factories.actor("kaa", {"kaa": officer})
    plans.save_mapping(
        db,
        actor=actor,
        youth=youth,
        data=plans.MappingData(
            on=local_today(),
            occupation="ingen",
            agencies=frozenset({"arbetsformedlingen", "forsakringskassan"}),
        ),
    )
    db.commit()
    login(page, server_url, "kaa", check_accessibility=False)
    page.goto(f"{server_url}/ungdomar/{youth.id}/samtycken")
    assert_accessible(page)
    page.get_by_text("Registrera samtycke", exact=True).click()
    page.get_by_label("Vem gav samtycket").select_option("ungdomen")
    page.get_by_label("Socialtjänsten").check()
    page.get_by_label("Syfte").fill("Samordna stödet inför studiestart.")
    page.get_by_label("Form").select_option("skriftligt")
    page.get_by_role("button", name="Registrera samtycket").click()
    expect(page.get_by_text("Samtycket är registrerat.")).to_be_visible()
    expect(page.get_by_text("Föreslå en SIP")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Återkalla")).click()
    expect(page.get_by_text("Samtycket är återkallat.")).to_be_visible()
    expect(page.get_by_text("Föreslå en SIP")).to_have_count(0)
    assert_accessible(page)


def test_admin_adds_a_measure_to_the_catalogue(page, server_url):
    login(page, server_url, "admin", check_accessibility=False)
    page.goto(server_url + "/admin/")
    page.get_by_role("link", name="Insatser").click()
    assert_accessible(page)
    page.get_by_label("Namn", exact=True).fill("Sommarjobb för unga")
    page.get_by_label("Kategori i statistiken").select_option("arbetsinriktad")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("cell", name="Sommarjobb för unga", exact=True)).to_be_visible()
    assert_accessible(page)
