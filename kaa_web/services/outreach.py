"""Outreach: recording contacts, each person's stored next step, the worklist and bulk letters."""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.db import chunks
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import local_today, utcnow
from kaa_web.models.plans import Plan, PlanRevision
from kaa_web.models.register import (
    ACTIONS,
    CHANNELS,
    OCCUPATIONS,
    OUTCOMES,
    STUDY_KINDS,
    ContactAttempt,
    Youth,
)
from kaa_web.permissions import Actor
from kaa_web.rules import outreach as ladder
from kaa_web.rules import personnummer as pnr
from kaa_web.services.access import visibility_condition, visibility_of, youth_visibility
from kaa_web.services.errors import Invalid

LETTER_KINDS = ("brev", "vykort", "besoksvykort", "brev_20")

WORKLIST_GROUPS = (
    ("brev", "Brev och kort att skicka", ("brev", "vykort", "besoksvykort", "brev_20")),
    ("kontakt", "Samtal, sms och e-post", ("kontakt",)),
    ("besok", "Hembesök att genomföra", ("hembesok",)),
    ("uppfoljning", "Kartläggning och uppföljning", ("kartlaggning", "uppfoljning")),
    ("anmalan", "Anmälningar att göra", ("skatteverket", "orosanmalan")),
    ("avregistrering", "Avregistreringar", ("avregistrering",)),
)
WORKLIST_LIMIT = 50


def rules(db: Session) -> ladder.LadderRules:
    """The ladder's delays from the app's settings, carried by its sessions (kaa_web.db); the
    defaults for a session made without them."""
    return db.info.get("ladder_rules", ladder.DEFAULT_RULES)


def kind_label(kind: str) -> str:
    return CHANNELS.get(kind) or ACTIONS.get(kind) or kind


def describe(contact: ContactAttempt) -> str:
    """A contact as one line of the timeline, e.g. 'Telefon – nådd (studier: Komvux)' or
    'Brev skickat till vårdnadshavarna'."""
    text = kind_label(contact.kind)
    if contact.kind in LETTER_KINDS and not text.endswith(" skickat"):
        text += " skickat"
    if contact.kind in LETTER_KINDS and contact.to_guardians:
        text += " till vårdnadshavarna"
    if contact.outcome:
        text += " – " + OUTCOMES[contact.outcome].lower()
    if contact.occupation:
        occupation = OCCUPATIONS[contact.occupation].lower()
        if contact.study_kind:
            occupation += ": " + STUDY_KINDS[contact.study_kind]
        text += f" ({occupation})"
    if contact.planned_visit:
        text += (
            f", hembesök planerat {contact.planned_visit.isoformat()} {contact.planned_time or ''}"
        )
    return text.strip()


# --- the stored next step ---------------------------------------------------------------------


def _events(contacts, plan_agreed: date | None) -> list[ladder.Event]:
    # The plan first: on the day it is agreed, a later unanswered call counts after it.
    events = [] if plan_agreed is None else [ladder.Event(kind="plan", on=plan_agreed)]
    return events + [
        ladder.Event(
            kind=c.kind,
            on=c.on,
            outcome=c.outcome,
            occupation=c.occupation,
            study_end=c.study_end,
            planned_visit=c.planned_visit,
        )
        for c in contacts
    ]


def plans_agreed(db: Session, youth_ids: list[int]) -> dict[int, date]:
    """The day each of these people's plan was first agreed (the ladder's "plan" event)."""
    if not youth_ids:
        return {}
    rows = db.exec(
        select(Plan.youth_id, PlanRevision.agreed_on)
        .join(PlanRevision, PlanRevision.plan_id == Plan.id)
        .where(PlanRevision.revision == 1, Plan.youth_id.in_(youth_ids))
    )
    return dict(rows.all())


def compute_next_step(
    youth: Youth,
    contacts,
    today: date,
    plan_agreed: date | None = None,
    delays: ladder.LadderRules = ladder.DEFAULT_RULES,
) -> ladder.NextStep | None:
    facts = ladder.PersonFacts(
        birth_date=youth.birth_date,
        registered_on=youth.registered_on,
        active=youth.status == "aktiv",
    )
    return ladder.next_step(facts, _events(contacts, plan_agreed), today, delays)


def refresh_next_step(db: Session, youth: Youth, today: date | None = None) -> None:
    """Recompute and store the person's next step (lists filter and sort on the stored value)."""
    contacts = db.exec(select(ContactAttempt).where(ContactAttempt.youth_id == youth.id)).all()
    plan_agreed = plans_agreed(db, [youth.id]).get(youth.id)
    step = compute_next_step(youth, contacts, today or local_today(), plan_agreed, rules(db))
    youth.next_step = step.kind if step else None
    youth.next_step_due = step.due if step else None
    db.add(youth)


def refresh_all(db: Session, *, today: date, batch: int = 2000) -> int:
    """The nightly job: recompute every active person's next step, a batch at a time."""
    last_id, changed = 0, 0
    while True:
        people = db.exec(
            select(Youth)
            .where(Youth.status == "aktiv", Youth.id > last_id)
            .order_by(Youth.id)
            .limit(batch)
        ).all()
        if not people:
            return changed
        ids = [p.id for p in people]
        by_youth: dict[int, list] = {i: [] for i in ids}
        for c in db.exec(select(ContactAttempt).where(ContactAttempt.youth_id.in_(ids))):
            by_youth[c.youth_id].append(c)
        agreed, delays = plans_agreed(db, ids), rules(db)
        for youth in people:
            step = compute_next_step(youth, by_youth[youth.id], today, agreed.get(youth.id), delays)
            kind, due = (step.kind, step.due) if step else (None, None)
            if (youth.next_step, youth.next_step_due) != (kind, due):
                youth.next_step, youth.next_step_due = kind, due
                db.add(youth)
                changed += 1
        db.commit()
        last_id = ids[-1]


# --- recording contacts -----------------------------------------------------------------------


@dataclass
class ContactData:
    kind: str
    on: date
    outcome: str | None = None
    occupation: str | None = None
    study_kind: str | None = None
    study_end: date | None = None
    planned_visit: date | None = None
    planned_time: str | None = None
    second_staff_id: int | None = None
    note: str = ""


def _only_for_kind(data: ContactData) -> ContactData:
    keep = ladder.contact_fields(data.kind, data.outcome, data.occupation)
    return replace(data, **{f.name: None for f in fields(data) if f.name not in keep})


def _validate_contact(db: Session, actor: Actor, data: ContactData, today: date) -> None:
    errors: dict[str, str] = {}
    if data.kind not in CHANNELS and data.kind not in ACTIONS:
        errors["kind"] = "Välj vilken sorts kontakt det var."
    if data.on > today:
        errors["on"] = "Datumet kan inte ligga i framtiden."
    if data.kind in CHANNELS and data.kind not in LETTER_KINDS and not data.outcome:
        errors["outcome"] = "Ange hur kontakten gick."
    if data.outcome == "nadd" and not data.occupation:
        errors["occupation"] = "Ange vad ungdomen gör nu (sysselsättning)."
    if data.occupation == "studier" and not data.study_kind:
        errors["study_kind"] = "Ange vilken sorts studier."
    if data.kind == "besoksvykort" and not (data.planned_visit and data.planned_time):
        errors["planned_visit"] = "Ange datum och tid för det aviserade hembesöket."
    if data.kind == "hembesok":
        second = db.get(StaffUser, data.second_staff_id) if data.second_staff_id else None
        if second is None or second.id == actor.staff_id:
            errors["second_staff_id"] = "Ett hembesök görs alltid av två personer. Ange den andra."
    if errors:
        raise Invalid(*errors.values(), field_errors=errors)


def record_contact(
    db: Session, *, actor: Actor, youth: Youth, data: ContactData, today: date | None = None
) -> ContactAttempt:
    """Record one contact attempt or action on a person the caller has already fetched.

    Only the parts that apply to its kind are kept (ladder.contact_fields): a visit date
    typed before the kind was changed to an sms is not stored.
    """
    today = today or local_today()
    data = _only_for_kind(data)
    _validate_contact(db, actor, data, today)
    contact = ContactAttempt(
        youth_id=youth.id,
        kind=data.kind,
        on=data.on,
        outcome=data.outcome,
        occupation=data.occupation,
        study_kind=data.study_kind,
        study_end=data.study_end,
        planned_visit=data.planned_visit,
        planned_time=data.planned_time,
        to_guardians=data.kind in LETTER_KINDS
        and ladder.letter_to_guardians(
            ladder.PersonFacts(youth.birth_date, youth.registered_on), data.on
        ),
        note=data.note.strip()[:500],
        staff_id=actor.staff_id,
        second_staff_id=data.second_staff_id,
    )
    db.add(contact)
    _update_latest(youth, contact)
    db.flush()
    refresh_next_step(db, youth, today)
    audit.record(
        db, actor, "create", object_type="contact_attempt", object_id=contact.id, youth_id=youth.id
    )
    return contact


def _update_latest(youth: Youth, contact: ContactAttempt) -> None:
    if contact.kind in CHANNELS and (youth.last_contact_on or date.min) <= contact.on:
        youth.last_contact_on = contact.on
    if contact.outcome == "nadd":
        youth.reached_on = max(youth.reached_on or date.min, contact.on)
        youth.occupation = contact.occupation
        youth.study_kind = contact.study_kind


def mark_letters_sent(db: Session, *, actor: Actor, youth_ids: list[int], on: date) -> int:
    """Record 'brev skickat' for the selected people the caller may see; once per person and day.

    The batch path (record_letters_sent): a visit card needs a planned visit and is left out,
    and pressing the button twice records nothing the second time.
    """
    people = db.exec(select(Youth).where(Youth.id.in_(youth_ids), youth_visibility(actor))).all()
    return len(record_letters_sent(db, actor=actor, people=list(people), on=on))


@dataclass(frozen=True)
class SentLetter:
    """A letter contact recorded in bulk (the fields the ladder reads, without an ORM object)."""

    id: int
    youth_id: int
    kind: str
    on: date
    to_guardians: bool
    outcome: str | None = None
    occupation: str | None = None
    study_end: date | None = None
    planned_visit: date | None = None


def record_letters_sent(
    db: Session,
    *,
    actor: Actor,
    people: list[Youth],
    on: date,
    today: date | None = None,
    printed: dict[int, tuple[str, bool]] | None = None,
    documents: dict[int, int] | None = None,
) -> list[SentLetter]:
    """Record "brev skickat" (each person's due letter kind) for many people at once.

    The batch path of record_contact for a mail-out: the people's contacts are loaded in one
    query per thousand and their next steps computed in memory, never a query per person.
    People who already have a letter recorded on `on` are skipped (a second click records
    nothing). `printed` — a confirmed mail-out — gives each person's letter kind and whether it
    went to the guardians as it was printed; those are recorded whatever the next step is now,
    since the letter was posted, each linked to the document it was printed in (`documents`,
    person -> document id). The caller commits.
    """
    today = today or local_today()
    if on > today:
        raise Invalid("Datumet kan inte ligga i framtiden.")
    if printed is None:
        printed = {
            youth.id: (youth.next_step, _to_guardians(youth, on))
            for youth in people
            if youth.next_step in LETTER_KINDS
            and youth.next_step != "besoksvykort"  # needs a planned visit: one at a time
        }
    history: dict[int, list[ContactAttempt]] = {p.id: [] for p in people}
    ids, delays = list(history), rules(db)
    agreed: dict[int, date] = {}
    for chunk in chunks(ids):
        for contact in db.exec(select(ContactAttempt).where(ContactAttempt.youth_id.in_(chunk))):
            history[contact.youth_id].append(contact)
        agreed |= plans_agreed(db, chunk)
    due = [
        youth
        for youth in people
        if youth.id in printed
        and not any(c.on == on and c.kind in LETTER_KINDS for c in history[youth.id])
    ]
    rows = [
        {
            "youth_id": youth.id,
            "kind": printed[youth.id][0],
            "on": on,
            "to_guardians": printed[youth.id][1],
            "note": "",
            "staff_id": actor.staff_id,
            "document_id": (documents or {}).get(youth.id),
            "created_at": utcnow(),
        }
        for youth in due
    ]
    if not rows:
        return []
    table = ContactAttempt.__table__
    ids = db.exec(
        sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), params=rows
    ).scalars()
    contacts = [
        SentLetter(i, row["youth_id"], row["kind"], on, row["to_guardians"])
        for i, row in zip(ids, rows, strict=True)
    ]
    db.exec(
        sa.update(Youth.__table__).where(Youth.__table__.c.id == sa.bindparam("b_id")),
        params=[
            _after_letter(youth, contact, history[youth.id], today, agreed.get(youth.id), delays)
            for youth, contact in zip(due, contacts, strict=True)
        ],
    )
    audit.record_many(
        db,
        actor,
        "create",
        object_type="contact_attempt",
        items=[(c.id, c.youth_id) for c in contacts],
    )
    return contacts


def _to_guardians(youth: Youth, on: date) -> bool:
    return ladder.letter_to_guardians(ladder.PersonFacts(youth.birth_date, youth.registered_on), on)


def _after_letter(
    youth: Youth,
    contact: SentLetter,
    history: list,
    today: date,
    plan_agreed: date | None,
    delays: ladder.LadderRules,
) -> dict:
    """The person's new stored state after a letter (kept in step in the session, too)."""
    step = compute_next_step(youth, [*history, contact], today, plan_agreed, delays)
    values = {
        "last_contact_on": max(youth.last_contact_on or date.min, contact.on),
        "next_step": step.kind if step else None,
        "next_step_due": step.due if step else None,
        "updated_at": utcnow(),
    }
    for name, value in values.items():
        set_committed_value(youth, name, value)
    return {"b_id": youth.id, **values}


def due_letter_ids(db: Session, *, actor: Actor, scope: str, today: date) -> list[int]:
    """Every letter due in a worklist view, not only the rows shown (a mail-out's "select all")."""
    where = [*_worklist_conditions(actor, scope, today), Youth.next_step.in_(LETTER_KINDS)]
    return list(db.exec(select(Youth.id).where(*where).order_by(Youth.next_step_due, Youth.id)))


# --- the worklist -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkRow:
    id: int
    name: str
    masked_pnr: str
    step: str
    step_label: str
    due: date
    overdue: bool
    due_today: bool
    officer: str


@dataclass(frozen=True)
class WorkGroup:
    key: str
    title: str
    rows: list[WorkRow]
    total: int


def _worklist_conditions(actor: Actor, scope: str, today: date) -> list:
    conditions = [
        youth_visibility(actor),
        Youth.status == "aktiv",
        Youth.next_step_due <= today + timedelta(days=14),
    ]
    return conditions + _scope_conditions(scope, actor.staff_id)


def _scope_conditions(scope: str, staff_id) -> list:
    if scope == "mina":
        return [Youth.officer_id == staff_id]
    if scope == "ofordelade":
        return [Youth.officer_id.is_(None)]
    return []


def _step_rows(conditions: list, step: str):
    """One step's earliest due rows: its own ORDER BY and LIMIT, so the (officer, status, step,
    due) index hands them over in due order and the work stays page-sized at any register size."""
    return (
        select(
            Youth.id,
            Youth.first_name,
            Youth.last_name,
            Youth.personnummer,
            Youth.next_step,
            Youth.next_step_due,
            Youth.officer_id,
        )
        .where(*conditions, Youth.next_step == step)
        .order_by(Youth.next_step_due, Youth.id)
        .limit(WORKLIST_LIMIT)
        .subquery()
    )


def _step_count(conditions: list, step: str):
    """One step's count, capped past a page."""
    capped = select(Youth.id).where(*conditions, Youth.next_step == step)
    capped = capped.limit(WORKLIST_LIMIT + 1).subquery()
    return select(sa.func.count()).select_from(capped).scalar_subquery()


WORKLIST_STEPS = [step for _key, _title, steps in WORKLIST_GROUPS for step in steps]


@functools.cache
def _worklist_statements(visibility: str, scope: str):
    """The worklist's two statements, built once per kind of viewer and scope (building them
    cost more than running them): every step's earliest due rows (a UNION ALL of the per-step
    queries) and every step's capped count. Run with today, the horizon and the viewer's id."""
    conditions = [
        visibility_condition(visibility, sa.bindparam("today", type_=sa.Date)),
        Youth.status == "aktiv",
        Youth.next_step_due <= sa.bindparam("horizon", type_=sa.Date),
        *_scope_conditions(scope, sa.bindparam("staff_id", type_=sa.Integer)),
    ]
    due = sa.union_all(*(select(_step_rows(conditions, s)) for s in WORKLIST_STEPS)).subquery()
    rows = select(due, StaffUser.display_name).outerjoin(
        StaffUser, StaffUser.id == due.c.officer_id
    )
    return rows, select(*(_step_count(conditions, s) for s in WORKLIST_STEPS))


def _due(db: Session, actor: Actor, scope: str, today: date) -> tuple[dict, dict]:
    """Every step's earliest due rows and its capped count, in two statements."""
    rows_statement, counts_statement = _worklist_statements(visibility_of(actor), scope)
    params = {"today": today, "horizon": today + timedelta(days=14), "staff_id": actor.staff_id}
    connection = db.connection()
    rows_of: dict[str, list] = {step: [] for step in WORKLIST_STEPS}
    for row in connection.execute(rows_statement, params):
        rows_of[row.next_step].append(row)
    counts = connection.execute(counts_statement, params).one()
    return rows_of, dict(zip(WORKLIST_STEPS, counts, strict=True))


def worklist(db: Session, *, actor: Actor, scope: str, today: date) -> list[WorkGroup]:
    """What is due: overdue, today and the next 14 days, grouped by step (bounded queries)."""
    rows_of, count_of = _due(db, actor, scope, today)
    groups = []
    for key, title, group_steps in WORKLIST_GROUPS:
        raw = sorted(
            (r for step in group_steps for r in rows_of[step]),
            key=lambda r: (r.next_step_due, r.id),
        )[:WORKLIST_LIMIT]
        rows = [
            WorkRow(
                r.id,
                f"{r.first_name} {r.last_name}",
                pnr.mask(r.personnummer),
                r.next_step,
                ladder.STEP_LABELS[r.next_step],
                r.next_step_due,
                r.next_step_due < today,
                r.next_step_due == today,
                r.display_name or "",
            )
            for r in raw
        ]
        groups.append(WorkGroup(key, title, rows, sum(count_of[s] for s in group_steps)))
    audit.record(db, actor, "view", object_type="worklist")
    shown = [(row.id, row.id) for group in groups for row in group.rows]
    audit.record_many(db, actor, "view", object_type="worklist", items=shown)  # each person
    return groups


@dataclass(frozen=True)
class DueSummary:
    overdue: int
    today: int
    coming: int


def due_summary(db: Session, *, actor: Actor, today: date) -> DueSummary:
    """The signed-in officer's own next steps: overdue, due today, due within 14 days."""
    mine = [youth_visibility(actor), Youth.status == "aktiv", Youth.officer_id == actor.staff_id]

    def count(*conditions) -> int:
        capped = select(Youth.id).where(*mine, *conditions).limit(1000).subquery()
        return db.exec(select(sa.func.count()).select_from(capped)).one()

    return DueSummary(
        overdue=count(Youth.next_step_due < today),
        today=count(Youth.next_step_due == today),
        coming=count(
            Youth.next_step_due > today, Youth.next_step_due <= today + timedelta(days=14)
        ),
    )
