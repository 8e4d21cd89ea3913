"""Each person's stored next step on the outreach ladder: computed from their contacts and plan,
stored (lists filter and sort on it) and recomputed nightly for what only the calendar changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web.db import any_of
from kaa_web.models.base import local_today
from kaa_web.models.plans import Plan, PlanRevision
from kaa_web.models.register import ContactAttempt, RegistrationPeriod, Youth
from kaa_web.rules import outreach as ladder


def rules(db: Session) -> ladder.LadderRules:
    """The ladder's delays from the app's settings, carried by its sessions (kaa_web.db); the
    defaults for a session made without them."""
    return db.info.get("ladder_rules", ladder.DEFAULT_RULES)


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
        .where(PlanRevision.revision == 1, any_of(db, Plan.youth_id, youth_ids))
    )
    return dict(rows.all())


@dataclass(frozen=True)
class Coverage:
    """The person's current registration period as the ladder reads it."""

    registered_on: date
    # the end of their previous period: contacts up to then belong to that one, not this
    earlier_until: date | None = None


def coverage(db: Session, youth_ids: list[int]) -> dict[int, Coverage]:
    """Each person's current period start and the end of the period before it."""
    if not youth_ids:
        return {}
    ends = dict(
        db.exec(
            select(RegistrationPeriod.youth_id, sa.func.max(RegistrationPeriod.deregistered_on))
            .where(any_of(db, RegistrationPeriod.youth_id, youth_ids), ~RegistrationPeriod.latest)
            .group_by(RegistrationPeriod.youth_id)
        ).all()
    )
    starts = db.exec(
        select(RegistrationPeriod.youth_id, RegistrationPeriod.registered_on).where(
            any_of(db, RegistrationPeriod.youth_id, youth_ids), RegistrationPeriod.latest
        )
    )
    return {youth_id: Coverage(on, ends.get(youth_id)) for youth_id, on in starts.all()}


def compute_next_step(
    youth: Youth,
    cover: Coverage,
    contacts,
    today: date,
    plan_agreed: date | None,
    delays: ladder.LadderRules,
) -> ladder.NextStep | None:
    """The ladder's next step for the person's current period, under the ladder's `delays` (an
    earlier period's contacts and plan do not count: someone who comes back starts again)."""
    facts = ladder.PersonFacts(
        birth_date=youth.birth_date,
        registered_on=cover.registered_on,
        active=youth.status == "aktiv",
    )
    until = cover.earlier_until or date.min
    contacts = [c for c in contacts if c.on > until]
    plan_agreed = plan_agreed if plan_agreed and plan_agreed > until else None
    return ladder.next_step(facts, _events(contacts, plan_agreed), today, delays)


def refresh_next_step(db: Session, youth: Youth, today: date | None = None) -> None:
    """Recompute and store the person's next step (lists filter and sort on the stored value)."""
    contacts = db.exec(select(ContactAttempt).where(ContactAttempt.youth_id == youth.id)).all()
    plan_agreed = plans_agreed(db, [youth.id]).get(youth.id)
    cover = coverage(db, [youth.id])[youth.id]
    step = compute_next_step(youth, cover, contacts, today or local_today(), plan_agreed, rules(db))
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
        contacts = select(ContactAttempt).where(any_of(db, ContactAttempt.youth_id, ids))
        for c in db.exec(contacts):
            by_youth[c.youth_id].append(c)
        agreed, delays, covers = plans_agreed(db, ids), rules(db), coverage(db, ids)
        for youth in people:
            step = compute_next_step(
                youth, covers[youth.id], by_youth[youth.id], today, agreed.get(youth.id), delays
            )
            kind, due = (step.kind, step.due) if step else (None, None)
            if (youth.next_step, youth.next_step_due) != (kind, due):
                youth.next_step, youth.next_step_due = kind, due
                db.add(youth)
                changed += 1
        db.commit()
        last_id = ids[-1]
