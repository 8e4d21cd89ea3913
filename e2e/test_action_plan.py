"""The manager's year, in the browser: a handlingsplan drafted, written, commented, adopted,
made a Word document and compared with the next year's draft, each page accessible; officers
comment without JavaScript."""

from docx import Document
from playwright.sync_api import expect

from e2e.conftest import assert_accessible, login, samverkansgrupp
from kaa_web.models.action_plan import SECTIONS
from tests import factories


def _write_every_section(page, server_url, year):
    for key, title in SECTIONS.items():
        page.goto(f"{server_url}/handlingsplan/{year}/avsnitt/{key}")
        page.get_by_label("Text").fill(
            f"{title} gäller.\n\n| Vad | Hur | När | Ansvar | Uppföljning |\n"
            "|---|---|---|---|---|\n| Brev till nya | Post | Inom 30 dagar | KAA | Tertialvis |"
        )
        assert_accessible(page)
        page.get_by_role("button", name="Spara avsnittet").click()
        expect(page.get_by_text(f"Avsnittet ”{title}” är sparat.")).to_be_visible()


def _make_the_plan_document(page):
    """The adopted plan as a Word document: made, listed with its version, downloaded."""
    page.get_by_role("button", name="Skapa handlingsplanen som Word-dokument").click()
    expect(page.get_by_text("Handlingsplanen är skapad som Word-dokument.")).to_be_visible()
    expect(page.get_by_role("region", name="Skapade dokument")).to_contain_text("Plan 2")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Hämta").first.click()
    assert download.value.suggested_filename == "handlingsplan_2025_v2.docx"
    word = Document(download.value.path())
    texts = [p.text for p in word.paragraphs]
    assert "Handlingsplan för det kommunala aktivitetsansvaret 2025" in texts
    assert ["Brev till nya", "Post", "Inom 30 dagar", "KAA", "Tertialvis"] in [
        [c.text for c in row.cells] for t in word.tables for row in t.rows
    ]


def test_a_manager_drafts_adopts_and_next_year_sees_what_changed(page, server_url):
    login(page, server_url, "chef", check_accessibility=False)
    page.goto(f"{server_url}/handlingsplan")
    assert_accessible(page)
    page.get_by_label("År").fill("2025")
    page.get_by_role("button", name="Påbörja utkast").click()
    expect(page.get_by_text("Utkastet för 2025 är påbörjat.")).to_be_visible()
    assert_accessible(page)
    _write_every_section(page, server_url, 2025)
    expect(page.locator("#avsnitt-rutiner table").first).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Beslutande nämnd").fill("Utbildningsnämnden")
    page.get_by_label("Paragraf eller diarienummer").fill("§ 45")
    page.get_by_label("Beslutsdatum").fill("2025-02-20")
    page.get_by_role("button", name="Anta och lås planen").click()
    expect(page.get_by_text("Handlingsplanen för 2025 är antagen och låst.")).to_be_visible()
    expect(page.get_by_role("link", name="Ändra ”Mål”")).to_have_count(0)
    _make_the_plan_document(page)

    page.goto(f"{server_url}/handlingsplan")
    page.get_by_label("År").fill("2026")
    page.get_by_role("button", name="Påbörja utkast").click()
    expect(page.get_by_text("Utkastet för 2026 är påbörjat.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ändra ”Mål”").click()
    assert_accessible(page)
    page.get_by_label("Text").fill("Mål gäller.\n\n- 90 % återgår till studier eller arbete")
    page.get_by_role("button", name="Spara avsnittet").click()
    page.get_by_role("link", name="Jämför med planen för 2025").click()
    expect(page.get_by_text("1 av 10 delar har ändrats")).to_be_visible()
    expect(page.locator(".diff__added")).to_contain_text("90 % återgår")
    assert_accessible(page)

    page.goto(f"{server_url}/handlingsplan/2025/uppfoljning")
    assert_accessible(page)
    page.get_by_label("Samverkan: bedömning").select_option(label="Delvis uppfyllt")
    page.get_by_label("Samverkan: motivering").fill("Socialtjänsten deltog inte i alla möten.")
    page.get_by_role("button", name="Spara uppföljningen").click()
    expect(page.get_by_text("Uppföljningen är sparad.")).to_be_visible()
    expect(page.get_by_role("region", name="Självskattning 2025")).to_contain_text(
        "Socialtjänsten deltog inte i alla möten."
    )
    assert_accessible(page)


def test_an_officer_comments_without_javascript(browser, server_url, page):
    login(page, server_url, "chef", check_accessibility=False)
    page.goto(f"{server_url}/handlingsplan")
    assert_accessible(page)
    page.get_by_label("År").fill("2026")
    page.get_by_role("button", name="Påbörja utkast").click()
    assert_accessible(page)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 400, "height": 900})
    officer = context.new_page()
    login(officer, server_url, "kaa", check_accessibility=False)
    officer.goto(f"{server_url}/handlingsplan/2026")
    officer.get_by_label("Avsnitt", exact=True).select_option(label="Mål")
    officer.get_by_label("Kommentar", exact=True).fill("Målet bör mätas per kommundel.")
    officer.get_by_role("button", name="Spara kommentaren").click()
    expect(officer.locator("#avsnitt-mal")).to_contain_text("Målet bör mätas per kommundel.")
    context.close()


def test_a_social_worker_in_the_group_reads_the_shared_review(browser, page, server_url, db):
    group = samverkansgrupp(db)
    meeting = factories.planned_meeting(db, group)
    login(page, server_url, "chef", check_accessibility=False)
    page.goto(f"{server_url}/handlingsplan")
    assert_accessible(page)
    page.get_by_label("År").fill("2026")
    page.get_by_role("button", name="Påbörja utkast").click()
    assert_accessible(page)
    page.goto(f"{server_url}/handlingsplan/2026/uppfoljning")
    page.get_by_label("Slutsatser").fill("Samverkan med socialtjänsten fungerar.")
    page.get_by_role("button", name="Spara uppföljningen").click()
    page.get_by_label("Punkt på dagordningen").select_option(
        label=f"{group.name}, {meeting.on.isoformat()}: § 2 Uppföljning av handlingsplanen"
    )
    page.get_by_role("button", name="Dela uppföljningen").click()
    expect(page.get_by_text("Uppföljningen är delad med gruppen.")).to_be_visible()
    page.get_by_role("button", name="Skapa uppföljningen som Word-dokument").click()
    expect(page.get_by_text("Uppföljningen är skapad som Word-dokument.")).to_be_visible()
    assert_accessible(page)

    context = browser.new_context(java_script_enabled=False, viewport={"width": 400, "height": 900})
    social = context.new_page()
    login(social, server_url, "ifo", check_accessibility=False)
    social.goto(f"{server_url}/samverkan/moten/{meeting.id}")
    social.get_by_role("link", name="Uppföljning av handlingsplanen 2026").click()
    expect(social.get_by_role("heading", name="Uppföljning av handlingsplan 2026")).to_be_visible()
    expect(social.get_by_text("Samverkan med socialtjänsten fungerar.")).to_be_visible()
    expect(social.get_by_role("button", name="Spara uppföljningen")).to_have_count(0)
    shared_url = social.url
    context.close()
    page.goto(shared_url)  # the manager sees what the group sees, with axe
    expect(page.get_by_text("Delad med samverkansgruppen.")).to_be_visible()
    assert_accessible(page)
