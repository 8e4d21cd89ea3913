"""The term-start mail-out: preview the letters due, then a job renders and records them.

Background work: the POST that starts a mail-out stores a `mailout_job` row (its token from the
preview page is unique, so a double click finds the same job) and starts a thread that runs it
with a session of its own; the job page polls the row's status. A thread rather than chunks
driven by the polling requests because the whole mail-out must be one transaction — one .docx
per document type and every contact attempt commit together, or nothing does — and chunks would
either split the documents or hold a transaction open across requests. 5,000 letters take a few
seconds, well inside one worker thread. The thread claims the job with a conditional UPDATE
(queued → running), so it runs at most once; a job left "running" by a stopped server is shown
as failed after STALE_AFTER, and since its transaction never committed nothing was recorded.
"""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from kaa_web import audit, documents
from kaa_web.db import chunks, insert_rows
from kaa_web.document_types import get_type
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import utcnow
from kaa_web.models.documents import GeneratedDocument, GeneratedDocumentYouth
from kaa_web.models.mailout import MAILOUT_STATUSES, MailoutJob
from kaa_web.models.register import ContactAttempt, Guardian, Youth
from kaa_web.permissions import Actor
from kaa_web.rules import outreach as ladder
from kaa_web.rules import personnummer as pnr
from kaa_web.services import documents as document_service
from kaa_web.services import outreach
from kaa_web.services.access import youth_visibility
from kaa_web.services.errors import Invalid, NotFound

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)
MAX_PEOPLE = 10_000
# The document type each due letter kind is printed with (to the young person / the guardians).
YOUTH_TYPES = {
    "brev": "brev_ungdom",
    "vykort": "vykort",
    "brev_20": "brev_fore_20",
    "besoksvykort": "besoksvykort",
}
GUARDIAN_TYPES = {
    "brev": "brev_vardnadshavare",
    "vykort": "vykort",
    "brev_20": "brev_fore_20",
    "besoksvykort": "besoksvykort",
}
TYPE_ORDER = ("brev_ungdom", "brev_vardnadshavare", "vykort", "brev_fore_20")
FAILED_MESSAGE = (
    "Utskicket kunde inte skapas, och inget har registrerats. Försök igen, och kontakta "
    "systemförvaltningen om det händer igen."
)
STALE_MESSAGE = (
    "Utskicket avbröts innan det blev klart (servern startades om), och inget har registrerats. "
    "Starta det igen från Att göra."
)
PDF_FAILED = "PDF-filerna kunde inte skapas. Word-filerna och registreringarna är sparade."


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    masked_pnr: str


@dataclass(frozen=True)
class Recipient:
    """One letter: who it concerns, which document type, and the address it is printed with."""

    youth: Person
    doc_type: str
    name: str
    street: str
    postal_code: str
    city: str
    to_guardians: bool

    @property
    def type_name(self) -> str:
        return get_type(self.doc_type).name


@dataclass
class Preview:
    """What a mail-out will print and record; protected identities and visit cards by hand."""

    on: date
    youth_ids: list[int] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    protected: list[Person] = field(default_factory=list)
    visit_cards: list[Person] = field(default_factory=list)
    not_due: list[Person] = field(default_factory=list)

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        """(type code, Swedish name, letters) for each document type in the mail-out."""
        per_type = {code: 0 for code in TYPE_ORDER}
        for r in self.recipients:
            per_type[r.doc_type] += 1
        return [(code, get_type(code).name, n) for code, n in per_type.items() if n]


def _person(youth: Youth) -> Person:
    return Person(youth.id, youth.full_name, pnr.mask(youth.personnummer))


def _load_people(db: Session, actor: Actor, youth_ids: list[int]) -> list[Youth]:
    """The selected people in selection order; NotFound if any is unknown or not visible."""
    wanted = list(dict.fromkeys(youth_ids))
    if not wanted or len(wanted) > MAX_PEOPLE:
        raise NotFound("mail-out selection")
    people: dict[int, Youth] = {}
    for chunk in chunks(wanted):
        for youth in db.exec(select(Youth).where(Youth.id.in_(chunk), youth_visibility(actor))):
            people[youth.id] = youth
    if len(people) != len(wanted):
        raise NotFound("mail-out selection")
    return [people[i] for i in wanted]


def _guardians(db: Session, youth_ids: list[int]) -> dict[int, list[Guardian]]:
    found: dict[int, list[Guardian]] = {i: [] for i in youth_ids}
    for chunk in chunks(youth_ids):
        for g in db.exec(
            select(Guardian).where(Guardian.youth_id.in_(chunk)).order_by(Guardian.id)
        ):
            found[g.youth_id].append(g)
    return found


def _sent_on(db: Session, youth_ids: list[int], on: date) -> set[int]:
    """The people who already have a letter recorded on `on` (a second click prints nothing)."""
    sent: set[int] = set()
    for chunk in chunks(youth_ids):
        sent.update(
            db.exec(
                select(ContactAttempt.youth_id).where(
                    ContactAttempt.youth_id.in_(chunk),
                    ContactAttempt.on == on,
                    ContactAttempt.kind.in_(outreach.LETTER_KINDS),
                )
            )
        )
    return sent


def _recipients(
    youth: Youth, guardians: list[Guardian], on: date, step: str | None = None
) -> list[Recipient]:
    """The letters for a person's step (default: their due one): to them, or their guardians."""
    step = step or youth.next_step
    person = _person(youth)
    facts = ladder.PersonFacts(youth.birth_date, youth.registered_on)
    if not ladder.letter_to_guardians(facts, on):
        return [
            Recipient(
                person,
                YOUTH_TYPES[step],
                youth.full_name,
                youth.street_address,
                youth.postal_code,
                youth.city,
                False,
            )
        ]
    doc_type = GUARDIAN_TYPES[step]
    if not guardians:  # one letter to the young person's address, to whoever has custody
        return [
            Recipient(
                person,
                doc_type,
                f"Vårdnadshavare till {youth.full_name}",
                youth.street_address,
                youth.postal_code,
                youth.city,
                True,
            )
        ]
    return [
        Recipient(person, doc_type, g.name, g.street_address, g.postal_code, g.city, True)
        for g in guardians
    ]


def _classify(db: Session, people: list[Youth], on: date) -> Preview:
    preview = Preview(on=on)
    sent = _sent_on(db, [p.id for p in people], on)
    due = []
    for youth in people:
        if youth.id in sent or youth.next_step not in outreach.LETTER_KINDS:
            preview.not_due.append(_person(youth))
        elif youth.protected_identity:
            preview.protected.append(_person(youth))
        elif youth.next_step == "besoksvykort":
            preview.visit_cards.append(_person(youth))
        else:
            due.append(youth)
    guardians = _guardians(db, [y.id for y in due])
    for youth in due:
        preview.youth_ids.append(youth.id)
        preview.recipients.extend(_recipients(youth, guardians[youth.id], on))
    return preview


def preview_mailout(db: Session, *, actor: Actor, youth_ids: list[int], on: date) -> Preview:
    """What a mail-out of these people on `on` prints, and who is left for manual handling.

    NotFound when any selected person does not exist or is not visible to the actor. The preview
    shows names and addresses, so it is logged as a view of each person; the caller commits.
    """
    actor.need("documents.generate")
    people = _load_people(db, actor, youth_ids)
    audit.record_many(db, actor, "view", object_type="youth", items=((y.id, y.id) for y in people))
    return _classify(db, people, on)


# --- generating and recording -------------------------------------------------------------


@dataclass
class MailoutResult:
    documents: list[GeneratedDocument]
    protected: list[Person]
    contacts: list[outreach.SentLetter]
    letter_count: int


def _sender(db: Session, actor: Actor) -> dict:
    staff = db.get(StaffUser, actor.staff_id) if actor.staff_id else None
    kommun = document_service.letterhead_context(db)
    return {
        "namn": staff.display_name if staff else kommun["namn"],
        "telefon": kommun["telefon"],
        "epost": staff.email if staff else "",
    }


def _context(recipient: Recipient, youth: Youth, sender: dict, on: date) -> dict:
    ungdom = {"fornamn": youth.first_name, "efternamn": youth.last_name}
    if recipient.doc_type == "brev_fore_20":
        ungdom["fyller_20"] = pnr.birthday(youth.birth_date, 20)
    return {
        "datum": on,
        "handlaggare": sender,
        "mottagare": {
            "namn": recipient.name,
            "utdelningsadress": recipient.street,
            "postnummer": recipient.postal_code,
            "postort": recipient.city,
        },
        "ungdom": ungdom,
    }


def generate_mailout(
    db: Session, *, actor: Actor, youth_ids: list[int], on: date, today: date | None = None
) -> MailoutResult:
    """Print one .docx per document type (one letter a page) and record each person's letter.

    Protected identities are never printed and get no contact attempt; nor do visit cards
    (they need a date and time each) or people whose letter is no longer due. The caller
    commits: documents, timeline entries, audit events and contacts go in one transaction.
    """
    actor.need("documents.generate")
    people = _load_people(db, actor, youth_ids)
    preview = _classify(db, people, on)
    by_id = {p.id: p for p in people}
    sender = _sender(db, actor)
    made = []
    for code in TYPE_ORDER:
        letters = [r for r in preview.recipients if r.doc_type == code]
        if not letters:
            continue
        made.append(
            document_service.generate_batch(
                db,
                actor=actor,
                doc_type=code,
                contexts=[_context(r, by_id[r.youth.id], sender, on) for r in letters],
                youth_ids=[r.youth.id for r in letters],
            )
        )
    contacts = outreach.record_letters_sent(
        db, actor=actor, people=[by_id[i] for i in preview.youth_ids], on=on, today=today
    )
    return MailoutResult(made, preview.protected, contacts, len(preview.recipients))


# --- one person's letter ------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    """The announced home visit a visit card (besöksvykort) names."""

    on: date
    time: str  # TT:MM


def generate_letter(
    db: Session,
    *,
    actor: Actor,
    youth_id: int,
    step: str,
    on: date,
    visit: Visit | None = None,
) -> GeneratedDocument:
    """One person's letter, postcard, visit card or letter before 20, printed and recorded.

    To the guardians when under 18 (one letter each); never for a protected identity, whose
    address must not be printed. Records the contact attempt; the caller commits.
    """
    actor.need("documents.generate")
    if step not in YOUTH_TYPES:
        raise Invalid("Välj vilket brev som ska skapas.")
    if step == "besoksvykort" and visit is None:
        raise Invalid(
            "Ange datum och tid för hembesöket.",
            field_errors={"visit_on": "Ange datum och tid för hembesöket."},
        )
    youth = _load_people(db, actor, [youth_id])[0]
    if youth.protected_identity:
        raise Invalid(
            "Ungdomen har skyddade personuppgifter. Adressen får inte skrivas ut: "
            "skicka brevet manuellt enligt kommunens rutin."
        )
    recipients = _recipients(youth, _guardians(db, [youth.id])[youth.id], on, step)
    sender = _sender(db, actor)
    contexts = [_context(r, youth, sender, on) for r in recipients]
    if visit is not None:
        for context in contexts:
            context["besok"] = {"datum": visit.on, "tid": f"kl. {visit.time}"}
    document = document_service.generate_batch(
        db,
        actor=actor,
        doc_type=recipients[0].doc_type,
        contexts=contexts,
        youth_ids=[youth.id] * len(contexts),
    )
    outreach.record_contact(
        db,
        actor=actor,
        youth=youth,
        data=outreach.ContactData(
            kind=step,
            on=on,
            planned_visit=visit.on if visit else None,
            planned_time=visit.time if visit else None,
        ),
    )
    return document


# --- jobs ---------------------------------------------------------------------------------


def start_mailout(
    db: Session,
    *,
    actor: Actor,
    token: str,
    youth_ids: list[int],
    on: date,
    make_pdf: bool = False,
) -> tuple[MailoutJob, bool]:
    """Store a queued job for these people; (job, True) when new, (the same job, False) when
    the token was used already (a double click). Commits. NotFound for people not visible."""
    actor.need("documents.generate")
    existing = _by_token(db, token)
    if existing is not None:
        return _owned(actor, existing), False
    people = _load_people(db, actor, youth_ids)
    job = MailoutJob(
        token=token[:64],
        created_by=actor.username,
        created_by_id=actor.staff_id,
        sending_date=on,
        make_pdf=make_pdf,
        youth_ids=json.dumps([p.id for p in people]),
        person_count=len(people),
    )
    db.add(job)
    try:
        db.flush()
    except IntegrityError:  # the other click got there first
        db.rollback()
        return _owned(actor, _by_token(db, token)), False
    audit.record(db, actor, "create", object_type="mailout_job", object_id=job.id)
    db.commit()
    return job, True


def _by_token(db: Session, token: str) -> MailoutJob | None:
    return db.exec(select(MailoutJob).where(MailoutJob.token == token[:64])).first()


def _owned(actor: Actor, job: MailoutJob | None) -> MailoutJob:
    if job is None or (job.created_by != actor.username and not actor.has_role("kaa")):
        raise NotFound("mailout_job")
    return job


def run_mailout_job(engine: sa.Engine, *, actor: Actor, job_id: int) -> None:
    """Run a queued job in a session of its own (the thread's); at most once per job."""
    with Session(engine, expire_on_commit=False) as db:
        claimed = db.exec(
            sa.update(MailoutJob)
            .where(MailoutJob.id == job_id, MailoutJob.status == "queued")
            .values(
                status="running", phase="Skapar brev och registrerar kontakter", started_at=utcnow()
            )
        ).rowcount
        db.commit()
        if not claimed:
            return
        job = db.get(MailoutJob, job_id)
        try:
            result = generate_mailout(
                db, actor=actor, youth_ids=json.loads(job.youth_ids), on=job.sending_date
            )
            _finish(job, result, pdf_pending=job.make_pdf)
            db.add(job)
            db.commit()
        except Exception:
            log.exception("mail-out job %s failed", job_id)
            db.rollback()
            _fail(db, job_id, FAILED_MESSAGE)
            return
        if job.make_pdf:
            _add_pdfs(db, actor, job, result.documents)


def _finish(job: MailoutJob, result: MailoutResult, *, pdf_pending: bool) -> None:
    job.document_ids = json.dumps([d.id for d in result.documents])
    job.protected_ids = json.dumps([p.id for p in result.protected])
    job.letter_count = result.letter_count
    job.contact_count = len(result.contacts)
    if pdf_pending and result.documents:
        job.phase = "Skapar PDF-filer"
    else:
        job.status, job.phase, job.finished_at = "done", "", utcnow()


def _fail(db: Session, job_id: int, message: str) -> None:
    job = db.get(MailoutJob, job_id)
    job.status, job.phase, job.error, job.finished_at = "failed", "", message, utcnow()
    db.add(job)
    db.commit()


def _give_up(db: Session, job: MailoutJob) -> None:
    """A job its server stopped running: failed before its commit, or only its PDFs missing."""
    if json.loads(job.document_ids):  # the letters and contacts were committed
        job.status, job.phase, job.error, job.finished_at = "done", "", PDF_FAILED, utcnow()
        db.add(job)
        db.commit()
    else:
        _fail(db, job.id, STALE_MESSAGE)


def _add_pdfs(db: Session, actor: Actor, job: MailoutJob, made: list[GeneratedDocument]) -> None:
    """PDF copies of the committed .docx files, after the fact: LibreOffice may be slow."""
    try:
        with tempfile.TemporaryDirectory(prefix="kaa-mailout-") as tmp:
            files = []
            for document in made:
                path = Path(tmp) / document.file_name
                path.write_bytes(document.content)
                files.append(path)
            pdfs = documents.convert_to_pdf(files, Path(tmp) / "pdf") or []
            ids = [
                _store_pdf(db, actor, d, p.read_bytes()) for d, p in zip(made, pdfs, strict=True)
            ]
    except Exception:
        log.exception("mail-out job %s: PDF conversion failed", job.id)
        db.rollback()
        ids, job.error = [], PDF_FAILED
    job.document_ids = json.dumps([*json.loads(job.document_ids), *ids])
    job.status, job.phase, job.finished_at = "done", "", utcnow()
    db.add(job)
    db.commit()


def _store_pdf(db: Session, actor: Actor, docx: GeneratedDocument, content: bytes) -> int:
    youth_ids = document_service.youth_ids_of(db, docx)
    pdf = GeneratedDocument(
        doc_type=docx.doc_type,
        template_version=docx.template_version,
        file_name=docx.file_name.removesuffix(".docx") + ".pdf",
        content_type=documents.PDF_CONTENT_TYPE,
        content=content,
        letter_count=docx.letter_count,
        created_by=actor.username,
    )
    db.add(pdf)
    db.flush()
    links = [{"document_id": pdf.id, "youth_id": y} for y in youth_ids]
    insert_rows(db, GeneratedDocumentYouth.__table__, links)
    audit.record_many(
        db,
        actor,
        "document_generated",
        object_type="generated_document",
        items=[(pdf.id, youth_id) for youth_id in youth_ids],
    )
    return pdf.id


def pdf_available() -> bool:
    return documents.soffice_path() is not None


@dataclass(frozen=True)
class JobDocument:
    id: int
    file_name: str
    type_name: str
    letter_count: int
    is_pdf: bool


@dataclass(frozen=True)
class JobView:
    """A job as its page shows it: status, the documents to download, people to handle by hand."""

    job: MailoutJob
    documents: list[JobDocument]
    protected: list[Person]

    @property
    def finished(self) -> bool:
        return self.job.status in ("done", "failed")

    @property
    def status_label(self) -> str:
        return MAILOUT_STATUSES[self.job.status]


def _job_documents(db: Session, ids: list[int]) -> list[JobDocument]:
    rows = db.exec(
        select(
            GeneratedDocument.id,
            GeneratedDocument.file_name,
            GeneratedDocument.doc_type,
            GeneratedDocument.letter_count,
            GeneratedDocument.content_type,
        )
        .where(GeneratedDocument.id.in_(ids))
        .order_by(GeneratedDocument.id)
    ).all()
    return [
        JobDocument(r[0], r[1], get_type(r[2]).name, r[3], r[4] == documents.PDF_CONTENT_TYPE)
        for r in rows
    ]


def get_mailout_job(db: Session, *, actor: Actor, job_id: int) -> JobView:
    """A job for its creator or a KAA officer; NotFound for anyone else.

    Once the job is done its page names people, so that read is logged (not every poll).
    """
    actor.need("documents.generate")
    job = _owned(actor, db.get(MailoutJob, job_id))
    if job.status in ("queued", "running") and job.created_at < utcnow() - STALE_AFTER:
        _give_up(db, job)
    if job.status != "done":
        return JobView(job, [], [])
    protected_ids = json.loads(job.protected_ids)
    protected = (
        [_person(y) for y in _load_people(db, actor, protected_ids)] if protected_ids else []
    )
    audit.record(db, actor, "view", object_type="mailout_job", object_id=job.id)
    audit.record_many(db, actor, "view", object_type="youth", items=((i, i) for i in protected_ids))
    db.commit()
    return JobView(job, _job_documents(db, json.loads(job.document_ids)), protected)


@dataclass(frozen=True)
class JobSummary:
    id: int
    status_label: str
    created_by: str
    sending_date: date
    person_count: int
    letter_count: int
    contact_count: int


def list_mailout_jobs(db: Session, *, actor: Actor, limit: int = 50) -> list[JobSummary]:
    """The latest mail-outs: the actor's own, or everyone's for a KAA officer (no names)."""
    actor.need("documents.generate")
    query = select(
        MailoutJob.id,
        MailoutJob.status,
        MailoutJob.created_by,
        MailoutJob.sending_date,
        MailoutJob.person_count,
        MailoutJob.letter_count,
        MailoutJob.contact_count,
    ).order_by(MailoutJob.id.desc())
    if not actor.has_role("kaa"):
        query = query.where(MailoutJob.created_by == actor.username)
    return [
        JobSummary(r[0], MAILOUT_STATUSES[r[1]], r[2], r[3], r[4], r[5], r[6])
        for r in db.exec(query.limit(limit))
    ]
