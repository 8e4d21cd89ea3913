"""The register extract: complete against a person with one of everything, a protected
address never in it, logged as an export, and only for KAA; the read log is the reviewers'."""

import io
import subprocess
from datetime import timedelta

import docx
import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.catalogue import Measure
from kaa_web.models.documents import GeneratedDocument
from kaa_web.models.meetings import Decision
from kaa_web.models.plans import (
    ConcernReport,
    DeclinedOffer,
    Mapping,
    MappingRevision,
    MonthlyReport,
    PlanMeasure,
    Referral,
)
from kaa_web.models.register import ContactAttempt, RegistrationPeriod
from kaa_web.models.tasks import Task
from kaa_web.rules import personnummer as pnr
from kaa_web.services import meetings
from kaa_web.services.plans import document as plan_document
from tests import factories

TODAY = local_today()


def everything_about(db, staff, person) -> dict[str, str]:
    """One of every kind of row about `person`; returns what the extract must show of each."""
    kaa = factories.actor("kaa", staff)
    factories.guardian(
        db, person, "Greta Förälder", street_address="Lindvägen 3", postal_code="12345", city="Byn"
    )
    db.add(
        RegistrationPeriod(
            youth_id=person.id,
            registered_on=TODAY - timedelta(days=400),
            registration_reason="introduktionsprogram",
            registration_source="skolanmalan",
            deregistered_on=TODAY - timedelta(days=300),
            deregistration_reason="flyttat",
            latest=False,  # an earlier period: the person is registered again since
        )
    )
    db.add(
        ContactAttempt(
            youth_id=person.id, kind="telefon", on=TODAY, outcome="nadd", note="Ringde om praktik"
        )
    )
    mapping = Mapping(youth_id=person.id, on=TODAY, occupation="ingen", goals="Bli snickare")
    db.add(mapping)
    db.flush()
    db.add(MappingRevision(mapping_id=mapping.id, version=1, snapshot="{}"))
    db.commit()
    plan = factories.plan(db, kaa, person, goal="Börja på Komvux i höst")
    measure = Measure(name="Hälsoträdgården test", provider="Trädgården AB", category="halsa")
    db.add(measure)
    db.flush()
    planned = PlanMeasure(
        plan_id=plan.id,
        youth_id=person.id,
        measure_id=measure.id,
        title="Praktik på snickeri",
        responsible="annan",
        responsible_actor="Snickeriet",
        start_on=TODAY,
    )
    db.add(planned)
    db.flush()
    referral = Referral(
        youth_id=person.id,
        plan_measure_id=planned.id,
        provider="Snickeriet i Byn AB",
        sent_on=TODAY,
        first_contact_due=TODAY + timedelta(days=14),
    )
    db.add(referral)
    db.flush()
    db.add(MonthlyReport(referral_id=referral.id, due=TODAY, received_on=TODAY))
    db.add(DeclinedOffer(youth_id=person.id, measure_id=measure.id, on=TODAY))
    db.add(ConcernReport(youth_id=person.id, on=TODAY, recipient="Socialtjänsten i Byn"))
    db.add(Task(kind="manuell", title="Ring om uppföljning", youth_id=person.id, due=TODAY))
    db.commit()
    factories.consent(db, kaa, person, purpose="Samordna stödet med socialtjänsten")
    report = factories.risk_report(
        db, unit=factories.school_unit(db), serial=7, personnummer=person.personnummer
    )
    plan_document.generate_plan_document(db, actor=kaa, youth=person)
    db.commit()
    group = factories.group(db, staff)
    meeting = factories.planned_meeting(db, group)
    item = meetings.agenda.agenda_of(db, meeting.id)[0]
    db.add(
        Decision(
            meeting_id=meeting.id,
            agenda_item_id=item.id,
            number=1,
            text="Erbjuds plats i snickeriprojektet",
            youth_id=person.id,
        )
    )
    db.commit()
    return {
        "person": pnr.display(person.personnummer),
        "address": "Storgatan 9",
        "phone": "070-111 22 33",
        "guardian": "Greta Förälder",
        "guardian address": "Lindvägen 3",
        "period": "Har flyttat från kommunen",
        "contact": "Ringde om praktik",
        "mapping": "Bli snickare",
        "plan revision": "Mål: Börja på Komvux i höst",
        "measure": "Praktik på snickeri",
        "declined": "Erbjuden och avböjd",
        "referral": "Snickeriet i Byn AB",
        "consent": "Samordna stödet med socialtjänsten",
        "concern report": "Socialtjänsten i Byn",
        "school report": report.reference,
        "school's words": "Elevens situation: Ökande frånvaro",
        "document sent": "Individuell plan",
        "decision": "Erbjuds plats i snickeriprojektet",
        "task": "Ring om uppföljning",
    }


def text_of(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def make(client_request, person, format_="word"):
    """The extract as the page's own form asks for it: the file's response."""
    form = client_request.get("register_extract.page", youth_id=person.id).form()
    response = client_request.client.post(form.action, data={**form.fields, "format": format_})
    assert response.status_code == 200
    return response


@pytest.fixture
def person(make_youth, staff):
    return make_youth(
        "Alva",
        "Allting",
        officer_id=staff["kaa"].id,
        street_address="Storgatan 9",
        postal_code="12345",
        city="Byn",
        phone="070-111 22 33",
    )


def test_the_extract_holds_one_of_everything_the_system_has_about_the_person(
    client_request, db_session, staff, person
):
    expected = everything_about(db_session, staff, person)
    response = make(client_request, person)
    assert response.mimetype.endswith("wordprocessingml.document")
    text = text_of(response.get_data())
    missing = {what: words for what, words in expected.items() if words not in text}
    assert missing == {}
    assert "Registerutdrag" in text and "Inga uppgifter" not in text.split("Personuppgifter")[1]


def test_making_the_extract_is_logged_and_it_is_kept_as_sent(client_request, db_session, person):
    make(client_request, person)
    events = db_session.exec(select(AuditEvent).where(AuditEvent.youth_id == person.id)).all()
    made = [(e.action, e.object_type) for e in events if e.username == "kaa"]
    assert ("export", "register_extract") in made
    assert ("document_generated", "generated_document") in made
    timeline = client_request.get("register.person", youth_id=person.id)
    assert "Dokument skapat: Registerutdrag" in timeline.text


@pytest.mark.parametrize("format_", ["word", "pdf"])
def test_a_double_click_on_make_stores_one_extract_and_both_get_its_file(
    client_request, db_session, person, format_
):
    form = client_request.get("register_extract.page", youth_id=person.id).form()
    data = {**form.fields, "format": format_}
    first = client_request.client.post(form.action, data=data)
    second = client_request.client.post(form.action, data=data)
    made = db_session.exec(
        select(GeneratedDocument).where(
            GeneratedDocument.youth_id == person.id, GeneratedDocument.doc_type == "registerutdrag"
        )
    ).all()
    assert len(made) == 1
    assert first.status_code == 200 and second.status_code == 303
    again = client_request.client.get(second.headers["Location"])
    assert again.status_code == 200 and again.get_data()[:4] == first.get_data()[:4]
    assert again.mimetype == first.mimetype


@pytest.fixture
def protected(make_youth, db_session, staff):
    hidden = make_youth(
        "Sigrid",
        "Skyddad",
        officer_id=staff["kaa"].id,
        protected_identity=True,
        street_address="Hemliga gatan 5",
        postal_code="99999",
        city="Gömstad",
    )
    factories.guardian(
        db_session, hidden, "Gustav Skyddad", street_address="Dolda vägen 2", postal_code="99998",
        city="Gömby",
    )
    return hidden


def test_a_protected_identity_s_address_is_in_no_copy_that_leaves_kaa(client_request, protected):
    text = text_of(make(client_request, protected).get_data())
    assert "Gustav Skyddad" in text and "skyddade personuppgifter" in text
    for secret in ("Hemliga gatan", "99999", "Gömstad", "Dolda vägen", "99998", "Gömby"):
        assert secret not in text


def test_the_pdf_extract_is_made_by_libreoffice_and_has_no_protected_address(
    client_request, protected, tmp_path
):
    response = make(client_request, protected, "pdf")
    assert response.mimetype == "application/pdf"
    path = tmp_path / "utdrag.pdf"
    path.write_bytes(response.get_data())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "Registerutdrag" in text and "Sigrid Skyddad" in text
    assert "Hemliga gatan" not in text and "Dolda vägen" not in text


@pytest.mark.parametrize("role", ["ifo", "skola", "chef", "arbetsmarknad", "admin"])
def test_only_kaa_makes_the_extract(client_request, person, role):
    pages = client_request.as_(role)
    pages.get("register_extract.page", youth_id=person.id, status=403)
    url = pages.url("register_extract.make", youth_id=person.id)
    assert pages.client.post_form(url, {"format": "word"}).status_code == 403


@pytest.mark.settings(audit_working_hours="00:00-23:59")
def test_the_read_log_names_who_read_the_person_and_only_reviewers_get_it(
    client_request, person, db_session
):
    client_request.as_("kaa2").get("register.person", youth_id=person.id)
    for role in ("kaa", "ifo", "skola"):
        client_request.as_(role).get("audit_review.read_log", youth_id=person.id, status=403)
    admin = client_request.as_("admin")
    page = admin.get("audit_review.index", youth_id=person.id)
    link = page.document.xpath("//a[contains(., 'Läslogg för dataskyddsombudet')]")[0]
    response = admin.client.get(link.get("href"))
    assert response.status_code == 200
    text = text_of(response.get_data())
    assert "Johan Wikström (kaa2)" in text and "Visning: Ungdom" in text
    assert "Alva Allting" in text
    logged = db_session.exec(select(AuditEvent).where(AuditEvent.object_type == "access_log"))
    assert [(e.username, e.youth_id) for e in logged] == [("admin", person.id)]
