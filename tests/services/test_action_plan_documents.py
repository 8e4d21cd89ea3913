"""The adopted plan and its review as Word documents: what a manager checks in them (decision,
section texts with their headings, lists and tables, goal values beside their targets, small
numbers hidden, the charts), what they are kept with, and that LibreOffice opens them."""

import io
from datetime import date

import pytest
from docx import Document
from sqlmodel import select

from kaa_web.docx import pdf as docx_pdf
from kaa_web.docx.types import get_type
from kaa_web.models.action_plan import SECTIONS, ActionPlanDocument
from kaa_web.models.audit import AuditEvent
from kaa_web.models.documents import GeneratedDocument
from kaa_web.services import action_plan, documents
from kaa_web.services.errors import Invalid, NotFound
from tests import factories
from tests.services.test_action_plan import _adopt, _covered, _write

ROUTINES = (
    "Så här når vi de unga.\n\n## Kontaktförsök\n\n- Brev inom 30 dagar\n- Vykort efter brevet\n\n"
    "1. Ring\n2. Besök\n\n| Vad | Hur | När | Ansvar | Uppföljning |\n|---|---|---|---|---|\n"
    "| Brev till nya | Post | Inom 30 dagar | KAA | Tertialvis |"
)


@pytest.fixture
def people(staff):
    return {name: factories.actor(name, staff) for name in ("chef", "kaa", "skola")}


@pytest.fixture
def adopted(db_session, people):
    """2025: eight covered, six mapped (75 %), two reached; 2024: two covered, one mapped. The
    2025 plan has both as goals and is adopted."""
    for i, person in enumerate(_covered(db_session, 2, date(2024, 3, 1), date(2024, 12, 31))):
        if i == 0:
            factories.mapping_on(db_session, person, date(2024, 4, 1))
    for i, person in enumerate(_covered(db_session, 8, date(2025, 2, 1))):
        if i < 6:
            factories.mapping_on(db_session, person, date(2025, 3, 1))
        if i < 2:
            factories.outreach_contact(db_session, person, "telefon", date(2025, 2, 10), "nadd")
    chef = people["chef"]
    action_plan.start_draft(db_session, actor=chef, year=2025)
    goal = action_plan.GoalData
    action_plan.add_goal(
        db_session,
        actor=chef,
        year=2025,
        data=goal("Alla nya kartläggs", "kartlagda", "ar", "minst", 90, 70),
    )
    action_plan.add_goal(
        db_session, actor=chef, year=2025, data=goal("Fler nås", "nadda", "ar", "minst", 10, 5)
    )
    texts = {key: f"{title} gäller." for key, title in SECTIONS.items()} | {"rutiner": ROUTINES}
    _write(db_session, chef, 2025, texts)
    _adopt(db_session, chef, 2025)


def _word(db, row: ActionPlanDocument):
    stored = db.get(GeneratedDocument, row.document_id)
    return stored, Document(io.BytesIO(stored.content))


def _rows(word) -> dict:
    return {r.cells[0].text: [c.text for c in r.cells[1:]] for t in word.tables for r in t.rows}


def _converts(stored, tmp_path):
    path = tmp_path / stored.file_name
    path.write_bytes(stored.content)
    pdfs = docx_pdf.convert_to_pdf([path], tmp_path / "pdf")
    assert pdfs and pdfs[0].stat().st_size > 10_000


def test_the_adopted_plan_document_holds_its_texts_goals_and_hidden_small_numbers(
    db_session, people, adopted, tmp_path
):
    row = action_plan.make_plan_document(db_session, actor=people["chef"], year=2025, limit=5)
    db_session.commit()
    stored, word = _word(db_session, row)
    assert stored.doc_type == "handlingsplan" and stored.file_name == "handlingsplan_2025_v2.docx"
    assert (row.kind, row.plan_version, row.review_version) == ("plan", 2, None)
    assert row.settings == "KAA_STATS_MIN_CELL=5" and row.data_at is not None
    assert row.created_by_id == people["chef"].staff_id

    paragraphs = [(p.style.name, p.text) for p in word.paragraphs]
    texts = [text for _, text in paragraphs]
    assert "Handlingsplan för det kommunala aktivitetsansvaret 2025" in texts
    assert all(title in texts for title in SECTIONS.values())
    assert "Kontaktförsök" in texts and "Så här når vi de unga." in texts
    assert ("List Bullet", "Brev inom 30 dagar") in paragraphs
    assert "1. Ring" in texts and "2. Besök" in texts
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in word.tables]
    assert [
        ["Vad", "Hur", "När", "Ansvar", "Uppföljning"],
        ["Brev till nya", "Post", "Inom 30 dagar", "KAA", "Tertialvis"],
    ] in tables

    rows = _rows(word)
    assert rows["Beslut"] == ["Antagen av Utbildningsnämnden 2024-12-15 (§ 12)"]
    mapped = rows["Alla nya kartläggs (Kartlagda, Kalenderåret 2025)"]
    # 6 of 8 shown; last year's 1 of 2 is too few to show
    assert mapped == [
        "Minst 90 %, delvis från 70",
        "75 % (6 av 8)",
        "dolt (färre än 5)",
        "Delvis uppfyllt",
    ]
    reached = rows["Fler nås (Nådda, Kalenderåret 2025)"]
    assert reached == [
        "Minst 10 ungdomar, delvis från 5",
        "<5",
        "0 ungdomar",
        "Visas inte (för få)",
    ]
    assert len(word.inline_shapes) == 2  # one chart per goal
    _converts(stored, tmp_path)


def test_the_review_document_holds_the_assessment_radar_chart_and_conclusions(
    db_session, people, adopted, tmp_path
):
    chef = people["chef"]
    review = action_plan.save_review(
        db_session,
        actor=chef,
        year=2025,
        assessments={"dokumentation": ("delvis", "Planer saknas för en del.")},
        conclusions="Vi har lärt oss:\n\n- Kartläggningen fungerar\n- Fler behöver nås",
        changes="Mät per kommundel.",
        version=None,
    )
    row = action_plan.make_review_document(db_session, actor=chef, year=2025, limit=5)
    db_session.commit()
    stored, word = _word(db_session, row)
    assert stored.doc_type == "handlingsplan_uppfoljning"
    assert (row.kind, row.plan_version, row.review_version) == ("uppfoljning", 2, review.version)
    rows = _rows(word)
    assert rows["Dokumentation"][:2] == ["Delvis uppfyllt", "Planer saknas för en del."]
    assert rows["Resurser"][0] == "Inte bedömt"
    assert rows["Alla nya kartläggs (Kartlagda, Kalenderåret 2025)"][1] == "75 % (6 av 8)"
    assert rows["Fler nås (Nådda, Kalenderåret 2025)"][1] == "<5"
    texts = [(p.style.name, p.text) for p in word.paragraphs]
    assert ("List Bullet", "Fler behöver nås") in texts
    assert ("Normal", "Mät per kommundel.") in texts
    assert ("Normal", "2 ungdomar") not in texts
    answers = {t for _, t in texts}
    assert "Hur många nåddes?" in answers and "dolt (färre än 5)" in answers
    assert len(word.inline_shapes) == 3  # the radar chart and one chart per goal
    _converts(stored, tmp_path)


def test_only_a_manager_makes_them_and_only_of_an_adopted_plan(db_session, people, adopted):
    with pytest.raises(PermissionError):
        action_plan.make_plan_document(db_session, actor=people["kaa"], year=2025, limit=5)
    action_plan.start_draft(db_session, actor=people["chef"], year=2026)
    with pytest.raises(Invalid, match="måste vara antagen"):
        action_plan.make_plan_document(db_session, actor=people["chef"], year=2026, limit=5)


def test_readers_list_and_open_the_documents_and_each_download_is_logged(
    db_session, people, adopted
):
    row = action_plan.make_plan_document(db_session, actor=people["chef"], year=2025, limit=5)
    db_session.commit()
    listed = action_plan.plan_documents(db_session, actor=people["kaa"], year=2025)
    assert [(d.id, d.kind, d.plan_version) for d in listed] == [(row.id, "plan", 2)]
    opened = action_plan.open_plan_document(
        db_session, actor=people["kaa"], year=2025, document_id=row.id
    )
    assert opened.id == row.document_id
    action_plan.start_draft(db_session, actor=people["chef"], year=2026)
    db_session.commit()  # a refusal is logged in a session of its own
    with pytest.raises(NotFound):  # not a document of that year's plan
        action_plan.open_plan_document(
            db_session, actor=people["kaa"], year=2026, document_id=row.id
        )
    with pytest.raises(PermissionError):
        action_plan.open_plan_document(
            db_session, actor=people["skola"], year=2025, document_id=row.id
        )
    db_session.commit()
    events = db_session.exec(
        select(AuditEvent.action, AuditEvent.object_id).where(
            AuditEvent.object_type == "action_plan_document"
        )
    ).all()
    assert ("create", str(row.id)) in events and ("export", str(row.id)) in events


def _with_paragraph(template: bytes, text: str) -> bytes:
    word = Document(io.BytesIO(template))
    word.add_paragraph(text)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def test_an_uploaded_template_is_checked_and_then_makes_the_plan(
    db_session, people, adopted, staff
):
    admin = factories.actor("admin", staff)
    builtin = get_type("handlingsplan").builtin_path.read_bytes()
    with pytest.raises(Invalid, match="plan.hemligt"):
        documents.upload_template(
            db_session,
            actor=admin,
            code="handlingsplan",
            file_name="egen.docx",
            data=_with_paragraph(builtin, "{{ plan.hemligt }}"),
        )
    with pytest.raises(Invalid):
        documents.upload_template(
            db_session,
            actor=admin,
            code="handlingsplan",
            file_name="egen.docx",
            data=_with_paragraph(builtin, "{{ plan.__class__ }}"),
        )
    documents.upload_template(
        db_session,
        actor=admin,
        code="handlingsplan",
        file_name="egen.docx",
        data=_with_paragraph(builtin, "Kommunens egen mall, år {{ plan.ar }}"),
    )
    row = action_plan.make_plan_document(db_session, actor=people["chef"], year=2025, limit=5)
    stored, word = _word(db_session, row)
    assert stored.template_version == 1
    assert "Kommunens egen mall, år 2025" in [p.text for p in word.paragraphs]
