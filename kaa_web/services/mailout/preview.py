"""Who a mail-out prints for: the letters due, at which address, and who is left out and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.db import any_of, id_batches
from kaa_web.docx.types import get_type
from kaa_web.models.mailout import MailoutJob, MailoutPerson
from kaa_web.models.register import ContactAttempt, Guardian, Youth
from kaa_web.permissions import Actor
from kaa_web.rules import outreach as ladder
from kaa_web.rules import personnummer as pnr
from kaa_web.rules.recipients import Address, letter_recipients
from kaa_web.services import letter_context, outreach
from kaa_web.services.access import youth_visibility
from kaa_web.services.errors import NotFound

MAX_PEOPLE = 10_000
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


def person_of(youth: Youth) -> Person:
    return Person(youth.id, youth.full_name, pnr.mask(youth.personnummer))


def visible_people(db: Session, actor: Actor, youth_ids: list[int], what=Youth) -> dict[int, Youth]:
    """The people (or, with `what=Youth.id`, the ids) of `youth_ids` the actor may see."""
    found = {}
    for chunk in id_batches(db, youth_ids):
        visible = select(what).where(any_of(db, Youth.id, chunk), youth_visibility(actor))
        for row in db.exec(visible):
            found[row if what is Youth.id else row.id] = row
    return found


def checked_selection(youth_ids: list[int]) -> list[int]:
    wanted = list(dict.fromkeys(youth_ids))
    if not wanted or len(wanted) > MAX_PEOPLE:
        raise NotFound("mail-out selection")
    return wanted


def load_people(db: Session, actor: Actor, youth_ids: list[int]) -> list[Youth]:
    """The selected people in selection order; NotFound if any is unknown or not visible."""
    wanted = checked_selection(youth_ids)
    people = visible_people(db, actor, wanted)
    if len(people) != len(wanted):
        raise NotFound("mail-out selection")
    return [people[i] for i in wanted]


def guardians_of(db: Session, youth_ids: list[int]) -> dict[int, list[Guardian]]:
    found: dict[int, list[Guardian]] = {i: [] for i in youth_ids}
    for chunk in id_batches(db, youth_ids):
        for g in db.exec(
            select(Guardian).where(any_of(db, Guardian.youth_id, chunk)).order_by(Guardian.id)
        ):
            found[g.youth_id].append(g)
    return found


def letters_sent_on(
    db: Session, youth_ids: list[int], on: date, or_later: bool = False
) -> set[int]:
    """The people who already have a letter recorded on `on` (a second click prints nothing),
    or with `or_later` on any day since (one marked as sent by hand while the files waited)."""
    sent: set[int] = set()
    when = ContactAttempt.on >= on if or_later else ContactAttempt.on == on
    for chunk in id_batches(db, youth_ids):
        sent.update(
            db.exec(
                select(ContactAttempt.youth_id).where(
                    any_of(db, ContactAttempt.youth_id, chunk),
                    when,
                    ContactAttempt.kind.in_(outreach.LETTER_KINDS),
                )
            )
        )
    return sent


def _in_other_mailouts(db: Session, youth_ids: list[int], job_id: int | None) -> set[int]:
    """The people whose letter is in a mail-out not yet confirmed as posted (or cancelled)."""
    found: set[int] = set()
    for chunk in id_batches(db, youth_ids):
        found.update(
            db.exec(
                select(MailoutPerson.youth_id)
                .join(MailoutJob, MailoutJob.id == MailoutPerson.job_id)
                .where(
                    any_of(db, MailoutPerson.youth_id, chunk),
                    MailoutPerson.outcome == "med",
                    MailoutJob.status.in_(PENDING),
                    MailoutJob.id != (job_id or 0),
                )
            )
        )
    return found


def _address(row) -> Address:
    return Address(row.street_address, row.postal_code, row.city)


def recipients_for(
    youth: Youth, guardians: list[Guardian], on: date, step: str
) -> tuple[list[Recipient], list[str]]:
    """The letters for a person's step (the household rule), and who has no usable address."""
    person = person_of(youth)
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


def classify(db: Session, people: list[Youth], on: date, job_id: int | None = None) -> Preview:
    preview = Preview(on=on)
    ids = [p.id for p in people]
    sent, pending = letters_sent_on(db, ids, on), _in_other_mailouts(db, ids, job_id)
    due = []
    for youth in people:
        reason = _reason(youth, sent, pending)
        if reason:
            preview.leave_out(reason, person_of(youth))
        else:
            due.append(youth)
    guardians = guardians_of(db, [y.id for y in due])
    for youth in due:
        letters, missing = recipients_for(youth, guardians[youth.id], on, youth.next_step)
        preview.missing.extend(Missing(person_of(youth), name, not letters) for name in missing)
        if not letters:
            preview.leave_out("saknar_adress", person_of(youth))
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
    people = load_people(db, actor, youth_ids)
    audit.record_many(db, actor, "view", object_type="youth", items=((y.id, y.id) for y in people))
    preview = classify(db, people, on)
    included = [y for y in people if y.id in preview.steps]
    preview.signers = {i: s["namn"] for i, s in letter_context.signers(db, actor, included).items()}
    return preview
