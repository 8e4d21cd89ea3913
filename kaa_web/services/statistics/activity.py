"""A report period's activity, read once: the registration periods that overlap it (with the
person's breakdown attributes, first outreach attempt and latest noted occupation) and, for
exactly those people, their outreach attempts in the period, measures, declined offers, mapping
and plan up to its end. Every statement selects through an index on the periods' dates or on
the period's people (youth_id), so what is read follows the period's activity, not the
archive; the figures are then counted in Python (tally)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session

from kaa_web.models.catalogue import Measure
from kaa_web.models.plans import DeclinedOffer, Mapping, Plan, PlanMeasure, PlanRevision
from kaa_web.models.register import CHANNELS, ContactAttempt, Youth
from kaa_web.rules.report_periods import ReportPeriod
from kaa_web.services.statistics.queries.spans import spans_of

C = ContactAttempt.__table__
PM = PlanMeasure.__table__
M = Measure.__table__
Y = Youth.__table__
OUTREACH_KINDS = tuple(CHANNELS)


class Span(NamedTuple):
    """A registration period overlapping the report period, clipped to it (lo..hi), with the
    person's attributes the breakdowns read; rn = 1: the person's latest such period."""

    youth_id: int
    registered_on: date
    deregistered_on: date | None
    reason: str | None
    deregistration_reason: str | None
    deregistration_result: str | None
    lo: date
    hi: date
    rn: int
    district_id: int | None
    protected: bool
    gender: str | None
    birth_date: date | None
    first_attempt_on: date | None  # the first outreach attempt from registered_on to hi
    latest_occupation: str | None  # at the latest contact noting one, registered_on to hi


class MeasureRow(NamedTuple):
    """A plan measure (or, with `start_on` None, a declined offer dated `on`)."""

    id: int
    youth_id: int
    start_on: date | None
    ended_on: date | None
    on: date | None
    occupation_after: str | None
    title: str | None
    category: str | None
    name: str | None


@dataclass
class Activity:
    period: ReportPeriod
    spans: list[Span]
    attempts: dict[int, list] = field(default_factory=dict)  # each with .on, .id, .kind, .outcome
    measures: list[MeasureRow] = field(default_factory=list)
    declined: list[MeasureRow] = field(default_factory=list)
    mapped_on: dict[int, date] = field(default_factory=dict)  # the mapping's date
    planned_on: dict[int, date] = field(default_factory=dict)  # the plan's first agreement
    counted: dict = field(default_factory=dict)  # what the tally has worked out already

    def __post_init__(self):
        self.people = {s.youth_id: s for s in self.spans if s.rn == 1}
        self.spans_of: dict[int, list[Span]] = defaultdict(list)
        for s in self.spans:
            self.spans_of[s.youth_id].append(s)


def load(db: Session, period: ReportPeriod) -> Activity:
    """The period's activity in six indexed reads."""
    spans = spans_of(period)
    y = Y.alias("y")
    columns = (
        y.c.district_id,
        y.c.protected_identity,
        y.c.gender,
        y.c.birth_date,
        _first_attempt(spans),
        _latest_occupation(spans),
    )
    statement = sa.select(*(spans.c[name] for name in _SPAN_COLUMNS), *columns).select_from(
        spans.join(y, y.c.id == spans.c.youth_id)
    )
    activity = Activity(period, [Span(*row) for row in db.exec(statement).all()])
    if activity.spans:
        _events(db, activity, sa.select(spans.c.youth_id), period)
    return activity


_SPAN_COLUMNS = (
    "youth_id",
    "registered_on",
    "deregistered_on",
    "reason",
    "deregistration_reason",
    "deregistration_result",
    "lo",
    "hi",
    "rn",
)


def _contacts_in(spans, *where):
    c = C.alias("c")
    inside = (c.c.youth_id == spans.c.youth_id, c.c.on.between(spans.c.registered_on, spans.c.hi))
    return c, sa.and_(*inside, *(condition(c) for condition in where))


def _first_attempt(spans):
    c, inside = _contacts_in(spans, lambda c: c.c.kind.in_(OUTREACH_KINDS))
    return sa.select(sa.func.min(c.c.on)).where(inside).scalar_subquery()


def _latest_occupation(spans):
    c, inside = _contacts_in(spans, lambda c: c.c.occupation.is_not(None))
    latest = sa.select(c.c.occupation).where(inside).order_by(c.c.on.desc(), c.c.id.desc())
    return latest.limit(1).scalar_subquery()


def _events(db: Session, activity: Activity, people, period: ReportPeriod) -> None:
    end = period.end
    attempts = defaultdict(list)
    statement = sa.select(C.c.youth_id, C.c.on, C.c.id, C.c.kind, C.c.outcome).where(
        C.c.youth_id.in_(people), C.c.on.between(period.start, end), C.c.kind.in_(OUTREACH_KINDS)
    )
    for row in db.exec(statement).all():  # rows as read: (youth_id, on, id, kind, outcome)
        attempts[row[0]].append(row)
    activity.attempts = dict(attempts)
    measures = sa.select(
        PM.c.id,
        PM.c.youth_id,
        PM.c.start_on,
        PM.c.ended_on,
        sa.null(),
        PM.c.occupation_after,
        PM.c.title,
        M.c.category,
        M.c.name,
    ).select_from(PM.outerjoin(M, M.c.id == PM.c.measure_id))
    begun = sa.or_(PM.c.start_on <= end, PM.c.ended_on <= end)
    activity.measures = [
        MeasureRow(*r) for r in db.exec(measures.where(PM.c.youth_id.in_(people), begun)).all()
    ]
    d = DeclinedOffer.__table__
    declined = sa.select(
        d.c.id,
        d.c.youth_id,
        sa.null(),
        sa.null(),
        d.c.on,
        sa.null(),
        sa.null(),
        M.c.category,
        M.c.name,
    ).select_from(d.outerjoin(M, M.c.id == d.c.measure_id))
    activity.declined = [
        MeasureRow(*r)
        for r in db.exec(declined.where(d.c.youth_id.in_(people), d.c.on <= end)).all()
    ]
    m = Mapping.__table__
    activity.mapped_on = dict(
        db.exec(sa.select(m.c.youth_id, m.c.on).where(m.c.youth_id.in_(people))).all()
    )
    plan, revision = Plan.__table__, PlanRevision.__table__
    first_agreed = (
        sa.select(sa.func.min(revision.c.agreed_on))
        .where(revision.c.plan_id == plan.c.id)
        .scalar_subquery()
    )
    agreed = sa.func.coalesce(first_agreed, plan.c.agreed_on)
    activity.planned_on = dict(
        db.exec(sa.select(plan.c.youth_id, agreed).where(plan.c.youth_id.in_(people))).all()
    )
