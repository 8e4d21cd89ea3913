"""The statistics page (/statistik): who may open it, the period form, the read in the log."""

import io
from datetime import date

import openpyxl
import pytest
from docx import Document
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.statistics import NamndReportJob
from kaa_web.services.statistics import report as reports
from kaa_web.services.statistics import report_job
from tests import factories


@pytest.fixture
def covered(db_session, staff):
    """Three people covered in the first half of 2026, one of them reached in March."""
    db = db_session
    people = [
        factories.history(
            db,
            [dict(registered_on=date(2026, 1, 10 + i))],
            birth_date=date(2009, 1, 1),
            gender="kvinna",
        )
        for i in range(3)
    ]
    factories.outreach_contact(db, people[0], "telefon", date(2026, 3, 2), "nadd", "studier")
    return people


@pytest.mark.parametrize("role", ["chef", "kaa", "admin"])
def test_managers_kaa_and_admin_read_the_figures_with_their_definitions(
    client_request, covered, role
):
    page = client_request.as_(role).get("statistics.index", typ="h1", ar=2026)
    assert "Första halvåret 2026" in page.text
    row = page.document.xpath("//tr[th/a[@href='#figur-omfattade']]/td/text()")
    assert row == ["3", "0"]  # this half-year, the same a year earlier
    nadda = page.document.xpath("//tr[th/a[@href='#figur-nadda']]/td/text()")
    assert nadda == ["1", "0"]
    definition = page.document.xpath("//section[@id='figur-sokta']//details/p/text()")
    assert definition and definition[0].startswith("Antal omfattade ungdomar med minst ett")


@pytest.mark.parametrize("role", ["skola", "ifo", "arbetsmarknad"])
def test_school_social_services_and_labour_market_staff_are_refused(client_request, role):
    client_request.as_(role).get("statistics.index", status=403)


def test_the_menu_links_uppfoljning_for_managers_only(client_request):
    assert "Uppföljning" in client_request.as_("chef").get("main.start").text
    assert "Uppföljning" not in client_request.as_("skola").get("main.start").text


def test_a_breakdown_by_gender_lists_each_gender_with_the_total(client_request, covered):
    page = client_request.as_("chef").get("statistics.index", typ="h1", ar=2026, uppdelning="kon")
    cells = page.document.xpath(
        "//section[@id='figur-omfattade']//table//tr[th='Kvinna']/td/text()"
    )
    assert cells == ["3"]


def test_a_period_of_ones_own_must_run_forwards(client_request):
    page = client_request.as_("chef").get(
        "statistics.index", typ="egen", fran="2026-05-01", till="2026-04-01", status=400
    )
    assert "Slutdatumet ligger före startdatumet." in page.text
    assert page.document.xpath("//input[@name='fran']/@value") == ["2026-05-01"]


def test_reading_the_statistics_is_logged_as_an_act_naming_no_one(
    client_request, covered, db_session
):
    client_request.as_("chef").get("statistics.index", typ="t1", ar=2026)
    events = db_session.exec(select(AuditEvent).where(AuditEvent.object_type == "statistics")).all()
    assert [(e.username, e.object_id, e.youth_id) for e in events] == [("chef", "t1-2026", None)]


def test_a_manager_opens_the_people_behind_a_figure_and_each_is_logged(
    client_request, covered, db_session
):
    pages = client_request.as_("chef")
    page = pages.get("statistics.index", typ="h1", ar=2026, uppdelning="kon")
    link = page.document.xpath("//section[@id='figur-nadda']//tr[th='Kvinna']//a/@href")[0]
    listed = pages.check(pages.client.get(link), 200)
    assert listed.document.xpath("//tbody/tr/th/a/text()") == [covered[0].full_name]
    events = db_session.exec(
        select(AuditEvent).where(AuditEvent.object_type == "statistics_people")
    ).all()
    assert sorted((e.object_id, e.youth_id or 0) for e in events) == [
        ("nadda", 0),
        ("nadda", covered[0].id),
    ]


def test_the_list_of_those_without_a_plan_names_everyone_still_missing_one(client_request, covered):
    pages = client_request.as_("kaa")
    listed = pages.get("statistics.people", siffra="med_plan", typ="h1", ar=2026)
    assert len(listed.document.xpath("//tbody/tr/th/a")) == 3


def test_the_administrator_sees_the_figures_but_never_the_people(client_request, covered):
    pages = client_request.as_("admin")
    page = pages.get("statistics.index", typ="h1", ar=2026)
    assert not page.document.xpath("//a[contains(@href, '/statistik/ungdomar')]")
    pages.get("statistics.people", siffra="omfattade", typ="h1", ar=2026, status=403)


def test_an_unknown_figure_has_no_list(client_request):
    client_request.as_("chef").get("statistics.people", siffra="okand", status=404)


def test_the_workbook_hides_small_numbers_and_holds_no_formula(client_request, covered, db_session):
    factories.district(db_session, '=HYPERLINK("http://example.com","Klicka")')
    pages = client_request.as_("chef")
    response = pages.client.get(
        pages.url("statistics.export", typ="h1", ar=2026, uppdelning="kommundel")
    )
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=kaa-statistik-h1-2026.xlsx"
    )
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:2] == ["Om uttaget", "Översikt"]
    overview = {row[0]: row[1:] for row in book["Översikt"].iter_rows(values_only=True)}
    assert overview["Omfattade under perioden"] == ("<5", 0)  # 3 covered: under 5
    sheet = book["Omfattade under perioden"]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell for cell in cells if cell.data_type == "f"]
    hostile = [c for c in cells if c.value == '=HYPERLINK("http://example.com","Klicka")']
    assert hostile and all(c.data_type == "s" and c.quotePrefix for c in hostile)
    definitions = dict(book["Definitioner"].iter_rows(values_only=True))
    assert definitions["Sökta"].startswith("Antal omfattade ungdomar med minst ett")
    export = db_session.exec(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert (export.username, export.object_type) == ("chef", "statistics")


def test_a_chart_is_an_svg_with_its_title_as_text(client_request, covered):
    pages = client_request.as_("chef")
    page = pages.get("statistics.index", typ="h1", ar=2026)
    src = page.document.xpath("//section[@id='figur-nadda_kanal']//img/@src")[0]
    response = pages.client.get(src)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert "Hur de nåddes" in svg and "Telefon" in svg and "<script" not in svg


def test_a_manager_writes_the_tertial_report_saves_a_draft_and_makes_the_document(
    client_request, covered, db_session
):
    pages = client_request.as_("chef")
    start = pages.get("statistics.reports_index")
    opened = start.form().submit({"kind": "t1", "year": "2026"})
    again = start.form().submit({"kind": "t1", "year": "2026"})  # a second click: the same one
    assert opened.response.headers["Location"] == again.response.headers["Location"]
    page = pages.follow(opened)
    assert "Utkast: ingen rapport är skapad än." in page.text
    assert "Skriv inte känsliga personuppgifter" in page.text
    saved = page.form().submit({"analys_omfattning": "Tre nya i januari."}, button="Spara utkastet")
    page = pages.follow(saved)
    typed = page.document.xpath("//textarea[@name='analys_omfattning']/text()")
    assert [text.strip() for text in typed] == ["Tre nya i januari."]
    form = page.form()
    made = form.submit({"utveckling_uppsokande": "Ring tidigare."}, button="Skapa rapporten")
    twice = form.submit({"utveckling_uppsokande": "Ring tidigare."}, button="Skapa rapporten")
    assert made.response.headers["Location"] == twice.response.headers["Location"]
    assert len(db_session.exec(select(NamndReportJob)).all()) == 1  # a double click: one job
    page = pages.follow(made)  # the job ran at once (the tests' job runner)
    assert "Status: Klar." in page.text
    assert not page.document.xpath("//div[@id='rapport-status']/@hx-get")  # polling stops
    assert "(KAA_STATS_MIN_CELL=5)" in page.text
    link = page.document.xpath("//a[contains(@href, 'rapport.docx')]/@href")[0]
    response = pages.client.get(link)
    assert response.status_code == 200
    word = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Tertialrapport 1 2026" in text
    assert "Tre nya i januari." in text and "Ring tidigare." in text


def test_the_page_of_a_report_being_made_is_polled_or_reloaded_until_it_is_done(
    client_request, db_session, staff
):
    chef = factories.actor("chef", staff)
    report = reports.open_report(db_session, actor=chef, kind="t2", year=2026)
    job = report_job.request_report(db_session, actor=chef, report=report, limit=5)
    db_session.commit()  # not enqueued: no worker has taken it yet
    pages = client_request.as_("chef")
    page = pages.get("statistics.report_progress", report_id=report.id, job_id=job.id)
    assert "Status: Väntar på att starta" in page.text
    reload = page.document.xpath("//a[text()='Uppdatera sidan']/@href")  # without JavaScript
    assert reload == [f"/statistik/rapporter/{report.id}/skapas/{job.id}"]
    polled = page.document.xpath("//div[@id='rapport-status']/@hx-get")
    partial = pages.client.get(polled[0], headers={"HX-Request": "true"})
    assert partial.get_data(as_text=True).lstrip().startswith("<div id=\"rapport-status\"")
    draft = pages.get("statistics.report", report_id=report.id)
    assert "Rapporten skapas just nu" in draft.text
    report_job.run_report_job(db_session, job_id=job.id)  # a worker makes it
    done = pages.get("statistics.report_progress", report_id=report.id, job_id=job.id)
    assert "Status: Klar." in done.text and "Hämta rapporten (Word)" in done.text
    draft = pages.get("statistics.report", report_id=report.id)
    assert "Rapporten skapas just nu" not in draft.text
    other = reports.open_report(db_session, actor=chef, kind="t1", year=2026)
    db_session.commit()
    pages.get("statistics.report_progress", report_id=other.id, job_id=job.id, status=404)


def test_a_stale_draft_comes_back_with_the_text_typed(client_request, covered):
    pages = client_request.as_("kaa")
    opened = pages.get("statistics.reports_index").form().submit({"kind": "h1", "year": "2026"})
    first, second = pages.follow(opened), pages.follow(opened)
    first.form().submit({"analys_resultat": "Först."}, button="Spara utkastet")
    late = second.form().submit(
        {"analys_resultat": "Sen text."}, button="Spara utkastet", status=409
    )
    assert "Någon annan sparade rapporten samtidigt" in late.text
    typed = late.document.xpath("//textarea[@name='analys_resultat']/text()")
    assert [text.strip() for text in typed] == ["Sen text."]


@pytest.mark.parametrize("role", ["admin", "arbetsmarknad", "skola"])
def test_only_managers_and_kaa_make_reports(client_request, role):
    client_request.as_(role).get("statistics.reports_index", status=403)
