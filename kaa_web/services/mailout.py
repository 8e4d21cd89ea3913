"""The term-start mail-out: preview the letters due, make the files, then record them as sent.

Three steps. The preview shows who gets which letter at which address and who is left out and
why. "Skapa utskick" stores a `mailout_job` and starts a thread that makes the files with a
session of its own: who is included or left out first (`mailout_person` rows), then one .docx
per document type (at most LETTERS_PER_FILE letters a file), each committed as it is stored so
the job page can poll the progress ("312 av 1 000"). Nothing is recorded on anyone's ladder
then: only when the officer confirms on the job page that the letters were printed and posted
does each person get a "brev skickat" contact and their next step move on — a file that was
never posted must not count as an outreach attempt. The thread claims the job with a
conditional UPDATE (queued → running), so it runs at most once; a job left "running" by a
stopped server is shown as failed after STALE_AFTER, with nothing recorded.
"""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.db import chunks, insert_rows
from kaa_web.docx import pdf as docx_pdf
from kaa_web.docx.render import DOCX_CONTENT_TYPE
from kaa_web.docx.types import get_type
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import local_today, utcnow
from kaa_web.models.documents import GeneratedDocument, GeneratedDocumentYouth
from kaa_web.models.mailout import LEFT_OUT_REASONS, MAILOUT_STATUSES, MailoutJob, MailoutPerson
from kaa_web.models.register import ContactAttempt, Guardian, Youth
from kaa_web.permissions import Actor
from kaa_web.rules import outreach as ladder
from kaa_web.rules import personnummer as pnr
from kaa_web.rules.recipients import Address, letter_recipients
from kaa_web.services import documents as document_service
from kaa_web.services import letter_context, outreach
from kaa_web.services.access import youth_visibility
from kaa_web.services.errors import Invalid, NotFound

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)
MAX_PEOPLE = 10_000
LETTERS_PER_FILE = 1000  # a print run Word and the printer queue handle comfortably
UNFINISHED = ("queued", "running")
PENDING = ("queued", "running", "ready")  # its people must not be put in another mail-out
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
    "Utskicket kunde inte skapas, och inget är registrerat som skickat. Försök igen, och "
    "kontakta systemförvaltningen om det händer igen."
)
STALE_MESSAGE = (
    "Utskicket avbröts innan det blev klart (servern startades om), och inget är registrerat "
    "som skickat. Starta det igen från Att göra."
)
PDF_FAILED = "PDF-filerna kunde inte skapas. Word-filerna går att skriva ut som de är."


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
    at_youth_address: bool = False

    @property
    def type_name(self) -> str:
        return get_type(self.doc_type).name


@dataclass(frozen=True)
class Missing:
    """A recipient who gets no letter for want of a usable address."""

    youth: Person
    name: str
    left_out: bool  # True when the person gets no letter at all


@dataclass
class Preview:
    """What a mail-out will print; who is left out (LEFT_OUT_REASONS) and which addresses lack."""

    on: date
    youth_ids: list[int] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    left_out: dict[str, list[Person]] = field(default_factory=dict)
    missing: list[Missing] = field(default_factory=list)
    steps: dict[int, tuple[str, bool]] = field(default_factory=dict)
    signers: dict[int, str] = field(default_factory=dict)  # who signs each person's letters

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        """(type code, Swedish name, letters) for each document type in the mail-out."""
        per_type = {code: 0 for code in TYPE_ORDER}
        for r in self.recipients:
            per_type[r.doc_type] += 1
        return [(code, get_type(code).name, n) for code, n in per_type.items() if n]

    def leave_out(self, reason: str, person: Person) -> None:
        self.left_out.setdefault(reason, []).append(person)


def _person(youth: Youth) -> Person:
    return Person(youth.id, youth.full_name, pnr.mask(youth.personnummer))


def _visible(db: Session, actor: Actor, youth_ids: list[int], what=Youth) -> dict[int, Youth]:
    """The people (or, with `what=Youth.id`, the ids) of `youth_ids` the actor may see."""
    found = {}
    for chunk in chunks(youth_ids):
        for row in db.exec(select(what).where(Youth.id.in_(chunk), youth_visibility(actor))):
            found[row if what is Youth.id else row.id] = row
    return found


def _selection(youth_ids: list[int]) -> list[int]:
    wanted = list(dict.fromkeys(youth_ids))
    if not wanted or len(wanted) > MAX_PEOPLE:
        raise NotFound("mail-out selection")
    return wanted


def _load_people(db: Session, actor: Actor, youth_ids: list[int]) -> list[Youth]:
    """The selected people in selection order; NotFound if any is unknown or not visible."""
    wanted = _selection(youth_ids)
    people = _visible(db, actor, wanted)
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


def _sent_on(db: Session, youth_ids: list[int], on: date, or_later: bool = False) -> set[int]:
    """The people who already have a letter recorded on `on` (a second click prints nothing),
    or with `or_later` on any day since (one marked as sent by hand while the files waited)."""
    sent: set[int] = set()
    when = ContactAttempt.on >= on if or_later else ContactAttempt.on == on
    for chunk in chunks(youth_ids):
        sent.update(
            db.exec(
                select(ContactAttempt.youth_id).where(
                    ContactAttempt.youth_id.in_(chunk),
                    when,
                    ContactAttempt.kind.in_(outreach.LETTER_KINDS),
                )
            )
        )
    return sent


def _in_other_mailouts(db: Session, youth_ids: list[int], job_id: int | None) -> set[int]:
    """The people whose letter is in a mail-out not yet confirmed as posted (or cancelled)."""
    found: set[int] = set()
    for chunk in chunks(youth_ids):
        found.update(
            db.exec(
                select(MailoutPerson.youth_id)
                .join(MailoutJob, MailoutJob.id == MailoutPerson.job_id)
                .where(
                    MailoutPerson.youth_id.in_(chunk),
                    MailoutPerson.outcome == "med",
                    MailoutJob.status.in_(PENDING),
                    MailoutJob.id != (job_id or 0),
                )
            )
        )
    return found


def _address(row) -> Address:
    return Address(row.street_address, row.postal_code, row.city)


def _recipients(
    youth: Youth, guardians: list[Guardian], on: date, step: str
) -> tuple[list[Recipient], list[str]]:
    """The letters for a person's step (the household rule), and who has no usable address."""
    person = _person(youth)
    to_guardians = ladder.letter_to_guardians(youth.birth_date, on)
    doc_type = (GUARDIAN_TYPES if to_guardians else YOUTH_TYPES)[step]
    letters, missing = [], []
    for addressee in letter_recipients(
        youth.full_name,
        _address(youth),
        [(g.name, _address(g)) for g in guardians],
        to_guardians=to_guardians,
    ):
        if addressee.address is None:
            missing.append(addressee.name)
            continue
        a = addressee.address
        letters.append(
            Recipient(
                person,
                doc_type,
                addressee.name,
                a.street,
                a.postal_code,
                a.city,
                to_guardians,
                addressee.at_youth_address,
            )
        )
    return letters, missing


def _reason(youth: Youth, sent: set[int], pending: set[int]) -> str | None:
    """Why a selected person gets no letter before their addresses are looked at, or None."""
    if youth.id in sent or youth.next_step not in outreach.LETTER_KINDS:
        return "inte_aktuellt"
    if youth.id in pending:
        return "i_utskick"
    if youth.protected_identity:
        return "skyddad"
    if youth.next_step == "besoksvykort":
        return "besoksvykort"
    return None


def _classify(db: Session, people: list[Youth], on: date, job_id: int | None = None) -> Preview:
    preview = Preview(on=on)
    ids = [p.id for p in people]
    sent, pending = _sent_on(db, ids, on), _in_other_mailouts(db, ids, job_id)
    due = []
    for youth in people:
        reason = _reason(youth, sent, pending)
        if reason:
            preview.leave_out(reason, _person(youth))
        else:
            due.append(youth)
    guardians = _guardians(db, [y.id for y in due])
    for youth in due:
        letters, missing = _recipients(youth, guardians[youth.id], on, youth.next_step)
        preview.missing.extend(Missing(_person(youth), name, not letters) for name in missing)
        if not letters:
            preview.leave_out("saknar_adress", _person(youth))
            continue
        preview.youth_ids.append(youth.id)
        preview.recipients.extend(letters)
        preview.steps[youth.id] = (youth.next_step, letters[0].to_guardians)
    return preview


def preview_mailout(db: Session, *, actor: Actor, youth_ids: list[int], on: date) -> Preview:
    """What a mail-out of these people on `on` prints, and who is left out and why.

    NotFound when any selected person does not exist or is not visible to the actor. The preview
    shows names and addresses, so it is logged as a view of each person; the caller commits.
    """
    actor.need("documents.generate")
    people = _load_people(db, actor, youth_ids)
    audit.record_many(db, actor, "view", object_type="youth", items=((y.id, y.id) for y in people))
    preview = _classify(db, people, on)
    included = [y for y in people if y.id in preview.steps]
    preview.signers = {i: s["namn"] for i, s in letter_context.signers(db, actor, included).items()}
    return preview


# --- letters ------------------------------------------------------------------------------


def _context(recipient: Recipient, youth: Youth, signer: dict, on: date) -> dict:
    ungdom = {"fornamn": youth.first_name, "efternamn": youth.last_name}
    if recipient.doc_type == "brev_fore_20":
        ungdom["fyller_20"] = pnr.birthday(youth.birth_date, 20)
    return {
        "datum": on,
        "handlaggare": signer,
        "mottagare": letter_context.recipient(
            recipient.name, recipient.street, recipient.postal_code, recipient.city
        ),
        "ungdom": ungdom,
    }


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
) -> tuple[GeneratedDocument, list[str]]:
    """One person's letter, postcard, visit card or letter before 20, printed and recorded.

    To the guardians when under 18 (the household rule); never for a protected identity, whose
    address must not be printed, nor for a recipient without a usable address. Records the
    contact attempt; returns the document and the recipients left out for want of an address.
    The caller commits.
    """
    actor.need("documents.generate")
    if step not in YOUTH_TYPES:
        raise Invalid("Välj vilket brev som ska skapas.")
    if step == "besoksvykort" and not (visit and visit.on and visit.time):
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
    recipients, missing = _recipients(youth, _guardians(db, [youth.id])[youth.id], on, step)
    if not recipients:
        raise Invalid(
            f"Brevet kan inte skapas: {' och '.join(missing)} saknar fullständig adress. "
            "Lägg till adressen under Ändra uppgifter och försök igen."
        )
    signer = letter_context.signers(db, actor, [youth])[youth.id]
    contexts = [_context(r, youth, signer, on) for r in recipients]
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
    contact = outreach.record_contact(
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
    contact.document_id = document.id  # the letter is this one timeline line
    db.add(contact)
    return document, missing


# --- jobs: making the files ---------------------------------------------------------------


def start_mailout(
    db: Session, *, actor: Actor, youth_ids: list[int], on: date, make_pdf: bool = False
) -> MailoutJob:
    """A queued job for these people (the view's one-time code makes a double click start one).
    NotFound for people not visible. The caller commits, then starts run_mailout_job."""
    actor.need("documents.generate")
    wanted = _selection(youth_ids)
    if len(_visible(db, actor, wanted, what=Youth.id)) != len(wanted):
        raise NotFound("mail-out selection")
    job = MailoutJob(
        created_by=actor.username,
        created_by_id=actor.staff_id,
        sending_date=on,
        make_pdf=make_pdf,
        youth_ids=json.dumps(wanted),
        person_count=len(wanted),
    )
    db.add(job)
    db.flush()
    audit.record(db, actor, "create", object_type="mailout_job", object_id=job.id)
    return job


def run_mailout_job(engine: sa.Engine, *, actor: Actor, job_id: int) -> None:
    """Run a queued job in a session of its own (the thread's); at most once per job."""
    with Session(engine, expire_on_commit=False) as db:
        claimed = db.exec(
            sa.update(MailoutJob)
            .where(MailoutJob.id == job_id, MailoutJob.status == "queued")
            .values(status="running", phase="Skapar brev", started_at=utcnow())
        ).rowcount
        db.commit()
        if not claimed:
            return
        job = db.get(MailoutJob, job_id)
        try:
            made = _make_files(db, actor, job)
        except Exception:
            log.exception("mail-out job %s failed", job_id)
            db.rollback()
            _fail(db, job_id, FAILED_MESSAGE)
            return
        if job.make_pdf and made:
            _add_pdfs(db, actor, job, made)
        else:
            _ready(db, job)


def _make_files(db: Session, actor: Actor, job: MailoutJob) -> list[GeneratedDocument]:
    """Who is in, then each file, committed one at a time so the page can show the progress."""
    people = _load_people(db, actor, json.loads(job.youth_ids))
    preview = _classify(db, people, job.sending_date, job.id)
    _store_people(db, job, preview)
    job.letter_count = len(preview.recipients)
    db.add(job)
    db.commit()
    by_id = {p.id: p for p in people}
    signers = letter_context.signers(db, actor, [by_id[i] for i in preview.youth_ids])
    made = []
    for code in TYPE_ORDER:
        letters = [r for r in preview.recipients if r.doc_type == code]
        for start in range(0, len(letters), LETTERS_PER_FILE):
            part = letters[start : start + LETTERS_PER_FILE]
            document = document_service.generate_batch(
                db,
                actor=actor,
                doc_type=code,
                contexts=[
                    _context(r, by_id[r.youth.id], signers[r.youth.id], job.sending_date)
                    for r in part
                ],
                youth_ids=[r.youth.id for r in part],
            )
            made.append(document)
            job.document_ids = json.dumps([d.id for d in made])
            job.letters_done += len(part)
            db.add(job)
            db.commit()
    return made


def _store_people(db: Session, job: MailoutJob, preview: Preview) -> None:
    missing: dict[int, list[str]] = {}
    for m in preview.missing:
        missing.setdefault(m.youth.id, []).append(m.name)
    rows = [
        {
            "job_id": job.id,
            "youth_id": youth_id,
            "outcome": "med",
            "step": step,
            "to_guardians": to_guardians,
            "missing": "; ".join(missing.get(youth_id, []))[:500],
        }
        for youth_id, (step, to_guardians) in preview.steps.items()
    ]
    rows += [
        {
            "job_id": job.id,
            "youth_id": person.id,
            "outcome": reason,
            "step": "",
            "to_guardians": False,
            "missing": "; ".join(missing.get(person.id, []))[:500],
        }
        for reason, people in preview.left_out.items()
        for person in people
    ]
    insert_rows(db, MailoutPerson.__table__, rows)


def _ready(db: Session, job: MailoutJob) -> None:
    job.status, job.phase, job.finished_at = "ready", "", utcnow()
    db.add(job)
    db.commit()


def _fail(db: Session, job_id: int, message: str) -> None:
    job = db.get(MailoutJob, job_id)
    job.status, job.phase, job.error, job.finished_at = "failed", "", message, utcnow()
    db.add(job)
    db.commit()


def _give_up(db: Session, job: MailoutJob) -> None:
    """A job its server stopped running: failed before its last file, or only its PDFs missing."""
    if job.letter_count and job.letters_done == job.letter_count:
        job.error = PDF_FAILED
        _ready(db, job)
    else:
        _fail(db, job.id, STALE_MESSAGE)


def _add_pdfs(db: Session, actor: Actor, job: MailoutJob, made: list[GeneratedDocument]) -> None:
    """PDF copies of the committed .docx files, after the fact: LibreOffice may be slow."""
    job.phase = "Skapar PDF-filer"
    db.add(job)
    db.commit()
    try:
        with tempfile.TemporaryDirectory(prefix="kaa-mailout-") as tmp:
            files = []
            for n, document in enumerate(made):
                path = Path(tmp) / f"{n:03d}_{document.file_name}"
                path.write_bytes(document.content)
                files.append(path)
            pdfs = docx_pdf.convert_to_pdf(files, Path(tmp) / "pdf") or []
            ids = [
                _store_pdf(db, actor, d, p.read_bytes()) for d, p in zip(made, pdfs, strict=True)
            ]
    except Exception:
        log.exception("mail-out job %s: PDF conversion failed", job.id)
        db.rollback()
        ids, job.error = [], PDF_FAILED
    job.document_ids = json.dumps([*json.loads(job.document_ids), *ids])
    _ready(db, job)


def _store_pdf(db: Session, actor: Actor, docx: GeneratedDocument, content: bytes) -> int:
    youth_ids = document_service.youth_ids_of(db, docx)
    pdf = GeneratedDocument(
        doc_type=docx.doc_type,
        template_version=docx.template_version,
        file_name=docx.file_name.removesuffix(".docx") + ".pdf",
        content_type=docx_pdf.PDF_CONTENT_TYPE,
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
    return docx_pdf.soffice_path() is not None


# --- jobs: posted or cancelled ------------------------------------------------------------


def _owned(actor: Actor, job: MailoutJob | None) -> MailoutJob:
    if job is None or (job.created_by != actor.username and not actor.can("mailout.all_jobs")):
        raise NotFound("mailout_job")
    return job


def _claim_status(db: Session, job_id: int, to: str, **values) -> bool:
    """Move a ready job on, once: a second click or a second tab finds it moved already."""
    return bool(
        db.exec(
            sa.update(MailoutJob)
            .where(MailoutJob.id == job_id, MailoutJob.status == "ready")
            .values(status=to, **values)
        ).rowcount
    )


def confirm_mailout(
    db: Session, *, actor: Actor, job_id: int, posted_on: date, today: date | None = None
) -> MailoutJob:
    """The letters were printed and posted on `posted_on`: record "brev skickat" for each
    included person (the letter as printed) and move their next step on. Once per job;
    Invalid for a date before the mail-out or in the future. The caller commits."""
    actor.need("documents.generate")
    job = _owned(actor, db.get(MailoutJob, job_id, populate_existing=True))
    if job.status not in ("ready", "sent"):
        raise Invalid("Utskicket kan bara registreras som skickat när filerna är klara.")
    today = today or local_today()
    if not job.sending_date <= posted_on <= today:
        message = f"Ange ett datum från {job.sending_date.isoformat()} till i dag."
        raise Invalid(message, field_errors={"posted_on": message})
    values = dict(posted_on=posted_on, confirmed_by=actor.username, confirmed_at=utcnow())
    if not _claim_status(db, job.id, "sent", **values):
        return job
    printed = {
        youth_id: (step, to_guardians)
        for youth_id, step, to_guardians in db.exec(
            select(MailoutPerson.youth_id, MailoutPerson.step, MailoutPerson.to_guardians).where(
                MailoutPerson.job_id == job.id, MailoutPerson.outcome == "med"
            )
        )
    }
    for youth_id in _sent_on(db, list(printed), job.sending_date, or_later=True):
        del printed[youth_id]  # their letter was recorded by hand meanwhile: not twice
    # Everyone the actor can still see (the letters were posted whatever happened since).
    people = list(_visible(db, actor, list(printed)).values())
    contacts = outreach.record_letters_sent(
        db,
        actor=actor,
        people=people,
        on=posted_on,
        today=today,
        printed=printed,
        documents=_printed_from(db, job),
    )
    db.exec(
        sa.update(MailoutJob).where(MailoutJob.id == job.id).values(contact_count=len(contacts))
    )
    audit.record(db, actor, "update", object_type="mailout_job", object_id=job.id)
    db.refresh(job)
    return job


def _printed_from(db: Session, job: MailoutJob) -> dict[int, int]:
    """Each included person's Word file in the job: the document their letter was printed in."""
    rows = db.exec(
        select(GeneratedDocumentYouth.youth_id, GeneratedDocumentYouth.document_id)
        .join(GeneratedDocument, GeneratedDocument.id == GeneratedDocumentYouth.document_id)
        .where(
            GeneratedDocument.id.in_(json.loads(job.document_ids)),
            GeneratedDocument.content_type == DOCX_CONTENT_TYPE,
        )
    )
    return dict(rows.all())


def cancel_mailout(db: Session, *, actor: Actor, job_id: int) -> MailoutJob:
    """The files were not posted (makulerat): nothing is recorded and the people can be put in a
    new mail-out. Once per job, and only before it is confirmed. The caller commits."""
    actor.need("documents.generate")
    job = _owned(actor, db.get(MailoutJob, job_id, populate_existing=True))
    if job.status == "sent":
        raise Invalid("Utskicket är redan registrerat som skickat och kan inte makuleras.")
    if _claim_status(db, job.id, "cancelled", confirmed_by=actor.username, confirmed_at=utcnow()):
        audit.record(db, actor, "update", object_type="mailout_job", object_id=job.id)
    db.refresh(job)
    return job


# --- the job's page -------------------------------------------------------------------------


@dataclass(frozen=True)
class JobDocument:
    id: int
    file_name: str
    type_name: str
    letter_count: int
    is_pdf: bool


@dataclass(frozen=True)
class JobPerson:
    person: Person
    doc_type: str  # "" when left out
    missing: str

    @property
    def type_name(self) -> str:
        return get_type(self.doc_type).name if self.doc_type else ""


@dataclass(frozen=True)
class JobView:
    """A job as its page shows it: progress, the files, who was included and who left out."""

    job: MailoutJob
    documents: list[JobDocument]
    included: list[JobPerson]
    left_out: dict[str, list[JobPerson]]
    confirmed_by: str = ""  # the name of who confirmed or cancelled it

    @property
    def finished(self) -> bool:
        return self.job.status not in UNFINISHED

    @property
    def status_label(self) -> str:
        return MAILOUT_STATUSES[self.job.status]

    @property
    def left_out_count(self) -> int:
        return sum(len(people) for people in self.left_out.values())

    @property
    def needs_address(self) -> list[Missing]:
        """Everyone a letter was not made for want of an address (one guardian of two, too)."""
        partly = [Missing(p.person, p.missing, False) for p in self.included if p.missing]
        wholly = [
            Missing(p.person, p.missing, True) for p in self.left_out.get("saknar_adress", [])
        ]
        return partly + wholly


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
        JobDocument(r[0], r[1], get_type(r[2]).name, r[3], r[4] == docx_pdf.PDF_CONTENT_TYPE)
        for r in rows
    ]


def _job_people(db: Session, job: MailoutJob) -> tuple[list[JobPerson], dict]:
    rows = db.exec(
        select(MailoutPerson, Youth)
        .join(Youth, Youth.id == MailoutPerson.youth_id)
        .where(MailoutPerson.job_id == job.id)
        .order_by(Youth.last_name_key, Youth.first_name_key, Youth.id)
    ).all()
    included, left_out = [], {reason: [] for reason in LEFT_OUT_REASONS}
    for row, youth in rows:
        types = GUARDIAN_TYPES if row.to_guardians else YOUTH_TYPES
        entry = JobPerson(_person(youth), types.get(row.step, ""), row.missing)
        (included if row.outcome == "med" else left_out[row.outcome]).append(entry)
    return included, {reason: people for reason, people in left_out.items() if people}


def get_mailout_job(db: Session, *, actor: Actor, job_id: int) -> JobView:
    """A job for its creator or a KAA officer; NotFound for anyone else.

    Once the files are made its page names people, so that read is logged per person (the
    progress polls before it name nobody). Commits.
    """
    actor.need("documents.generate")
    job = _owned(actor, db.get(MailoutJob, job_id, populate_existing=True))
    if job.status in UNFINISHED and job.created_at < utcnow() - STALE_AFTER:
        _give_up(db, job)
    if job.status in UNFINISHED or job.status == "failed":
        return JobView(job, [], [], {})
    included, left_out = _job_people(db, job)
    shown = [p.person.id for p in included] + [p.person.id for g in left_out.values() for p in g]
    audit.record(db, actor, "view", object_type="mailout_job", object_id=job.id)
    audit.record_many(db, actor, "view", object_type="youth", items=((i, i) for i in shown))
    db.commit()
    files = _job_documents(db, json.loads(job.document_ids)) if job.status != "cancelled" else []
    by = db.exec(select(StaffUser.display_name).where(StaffUser.username == job.confirmed_by))
    return JobView(job, files, included, left_out, by.first() or job.confirmed_by)


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
    query = (
        select(
            MailoutJob.id,
            MailoutJob.status,
            sa.func.coalesce(StaffUser.display_name, MailoutJob.created_by),
            MailoutJob.sending_date,
            MailoutJob.person_count,
            MailoutJob.letter_count,
            MailoutJob.contact_count,
        )
        .outerjoin(StaffUser, StaffUser.id == MailoutJob.created_by_id)
        .order_by(MailoutJob.id.desc())
    )
    if not actor.can("mailout.all_jobs"):
        query = query.where(MailoutJob.created_by == actor.username)
    return [
        JobSummary(r[0], MAILOUT_STATUSES[r[1]], r[2], r[3], r[4], r[5], r[6])
        for r in db.exec(query.limit(limit))
    ]
