"""The nämnd report: a draft of the manager's texts, then a Word document with the period's
protected figures, charts, SKR's questions and the definitions, opened with python-docx and
converted by LibreOffice."""

import io
import json
from datetime import date

import pytest
from docx import Document

from kaa_web.docx import pdf as docx_pdf
from kaa_web.models.documents import GeneratedDocument
from kaa_web.services.errors import EditConflict
from kaa_web.services.statistics import report as reports
from tests import factories


@pytest.fixture
def chef(staff):
    return factories.actor("chef", staff)


@pytest.fixture
def spring(db_session):
    """Seven people registered in the first tertial of 2026, two of them reached by phone."""
    people = [
        factories.history(
            db_session, [dict(registered_on=date(2026, 1, 5 + i))], birth_date=date(2009, 3, 1)
        )
        for i in range(7)
    ]
    for person in people[:2]:
        factories.outreach_contact(db_session, person, "telefon", date(2026, 2, 2), "nadd")
    return people


def test_a_draft_keeps_the_managers_texts_and_refuses_a_stale_save(db_session, chef):
    report = reports.open_report(db_session, actor=chef, kind="t1", year=2026)
    assert reports.open_report(db_session, actor=chef, kind="t1", year=2026).id == report.id
    texts = {"omfattning": {"analys": "Fler nya i januari.", "utveckling": ""}}
    reports.save_texts(db_session, actor=chef, report=report, texts=texts, version=1)
    db_session.commit()
    assert reports.texts_of(report).get("omfattning", "analys") == "Fler nya i januari."
    with pytest.raises(EditConflict):
        reports.save_texts(db_session, actor=chef, report=report, texts=texts, version=1)


def test_the_report_holds_protected_figures_charts_answers_and_definitions(
    db_session, chef, spring, tmp_path
):
    report = reports.open_report(db_session, actor=chef, kind="t1", year=2026)
    texts = {"uppsokande": {"analys": "Telefon fungerar bäst.", "utveckling": "Fler sms."}}
    reports.save_texts(db_session, actor=chef, report=report, texts=texts, version=1)
    document = reports.generate_report(db_session, actor=chef, report=report, limit=5)
    db_session.commit()
    stored = db_session.get(GeneratedDocument, report.document_id)
    assert stored.id == document.id and stored.doc_type == "namndrapport"
    assert (report.period_start, report.period_end) == (date(2026, 1, 1), date(2026, 4, 30))
    assert report.settings == "KAA_STATS_MIN_CELL=5" and report.data_at is not None

    word = Document(io.BytesIO(stored.content))
    text = "\n".join(p.text for p in word.paragraphs)
    rows = {
        row.cells[0].text: tuple(c.text for c in row.cells[1:])
        for t in word.tables
        for row in t.rows
    }
    assert rows["Omfattade under perioden"] == ("7", "0")
    assert rows["Nådda"] == ("<5", "0")  # 2 reached: under the limit
    assert rows["Period"] == ("2026-01-01 – 2026-04-30",)
    assert "Telefon fungerar bäst." in text and "Fler sms." in text
    assert "Hur många ungdomar i kommunen omfattas" in text
    assert "7 under perioden" in text
    assert "Sökta: Antal omfattade ungdomar med minst ett" in text
    charted = sum(1 for f in reports.FIGURES.values() if f.kind == "distribution") + 1
    assert len(word.inline_shapes) == charted

    path = tmp_path / "rapport.docx"
    path.write_bytes(stored.content)
    pdfs = docx_pdf.convert_to_pdf([path], tmp_path / "pdf")
    assert pdfs and pdfs[0].stat().st_size > 10_000


def test_texts_are_kept_per_section_only(db_session, chef):
    report = reports.open_report(db_session, actor=chef, kind="t3", year=2025)
    texts = {"omfattning": {"analys": "x" * 5000}, "okant": {"analys": "bort"}}
    reports.save_texts(db_session, actor=chef, report=report, texts=texts, version=1)
    stored = json.loads(report.texts)
    assert "okant" not in stored and len(stored["omfattning"]["analys"]) == 4000
