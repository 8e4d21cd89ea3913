"""The registration periods a report period reads, the breakdowns' groups, and running a
grouped statement: what every figure's SQL is built on."""

from __future__ import annotations

import statistics as pystats
from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from kaa_web.models.catalogue import Measure
from kaa_web.models.plans import PlanMeasure
from kaa_web.models.register import CHANNELS, ContactAttempt, RegistrationPeriod, Youth
from kaa_web.rules.report_periods import ReportPeriod, age_threshold
from kaa_web.services.statistics.definitions import AGE_GROUPS

P = RegistrationPeriod.__table__
Y = Youth.__table__
C = ContactAttempt.__table__
PM = PlanMeasure.__table__
M = Measure.__table__
ALL = "alla"
OUTREACH_KINDS = tuple(CHANNELS)

# {group key: {column: number}} for one figure, breakdown and period
Grouped = dict[str, dict[str, float | int | None]]


def _day(value: date):
    return sa.literal(value, sa.Date)


def spans_of(period: ReportPeriod):
    """The registration periods overlapping the report period, clipped to it (lo..hi), each
    numbered per person from the latest (rn = 1: the one a person is counted with).

    Open periods and those ended since the start are read apart (UNION ALL): each is a range of
    the index on deregistered_on, so the archive of periods that ended long ago is never read.
    """
    start, end = _day(period.start), _day(period.end)
    columns = (
        P.c.id,
        P.c.youth_id,
        P.c.registered_on,
        P.c.deregistered_on,
        P.c.registration_reason,
        P.c.deregistration_reason,
        P.c.deregistration_result,
    )
    begun = P.c.registered_on <= period.end
    overlapping = sa.union_all(
        sa.select(*columns).where(P.c.deregistered_on.is_(None), begun),
        sa.select(*columns).where(P.c.deregistered_on >= period.start, begun),
    ).subquery("overlapping")
    o = overlapping.c
    ends_after = sa.or_(o.deregistered_on.is_(None), o.deregistered_on > period.end)
    return sa.select(
        o.id.label("period_id"),
        o.youth_id,
        o.registered_on,
        o.deregistered_on,
        o.registration_reason.label("reason"),
        o.deregistration_reason,
        o.deregistration_result,
        sa.case((o.registered_on < period.start, start), else_=o.registered_on).label("lo"),
        sa.case((ends_after, end), else_=o.deregistered_on).label("hi"),
        sa.func.row_number()
        .over(partition_by=o.youth_id, order_by=(o.registered_on.desc(), o.id.desc()))
        .label("rn"),
    ).cte("spans")


def _group(dimension: str, span, youth, period: ReportPeriod):
    """The breakdown's group of a row; a protected identity's district is never told."""
    if dimension == "hela":
        return sa.literal(ALL)
    if dimension == "kommundel":
        return sa.case(
            (youth.c.protected_identity, sa.null()), else_=sa.cast(youth.c.district_id, sa.String)
        )
    if dimension == "kon":
        return youth.c.gender
    if dimension == "orsak":
        return span.c.reason
    if dimension == "alder":
        ages = [key for key in AGE_GROUPS if key != "under_16"]
        whens = [
            (youth.c.birth_date <= age_threshold(period.end, int(key)), key)
            for key in reversed(ages)
        ]
        return sa.case(*whens, else_="under_16")
    raise ValueError(f"unknown breakdown {dimension!r}")


class Query:
    """One figure's statement builder for a period and a breakdown."""

    def __init__(self, period: ReportPeriod, dimension: str):
        self.period = period
        self.dimension = dimension
        self.spans = spans_of(period)
        self.people = self.spans.alias("people")  # filtered to rn = 1 where used
        self.youth = Y.alias("y")

    def group_of(self, span):
        return _group(self.dimension, span, self.youth, self.period).label("g")

    def from_spans(self, span=None):
        span = span if span is not None else self.spans
        return span.join(self.youth, self.youth.c.id == span.c.youth_id)

    def person_rows(self):
        """From the people (one row each, their latest period) with their group."""
        p = self.people
        return p, self.from_spans(p), p.c.rn == 1

    def in_span(self, column, span=None):
        span = span if span is not None else self.spans
        return sa.and_(column >= span.c.lo, column <= span.c.hi)


def run(db: Session, statement, column: str = "n") -> Grouped:
    out: Grouped = defaultdict(dict)
    for row in db.exec(statement):
        out[group_key(row.g)][column] = row.n
    return dict(out)


def run_categories(db: Session, statement) -> Grouped:
    out: Grouped = defaultdict(lambda: defaultdict(int))
    for row in db.exec(statement):
        out[group_key(row.g)][row.cat or "ej_angiven"] += row.n
    return {g: dict(cells) for g, cells in out.items()}


def group_key(group) -> str:
    return "" if group is None else str(group)


def count_people(db, population) -> Grouped:
    """Count the distinct people of a (g, youth_id) population per group."""
    sub = population.subquery()
    n = sa.func.count(sa.distinct(sub.c.youth_id)).label("n")
    return run(db, sa.select(sub.c.g, n).group_by(sub.c.g))


def median(values: list[int]) -> dict:
    return {"antal": len(values), "median": pystats.median(values) if values else None}


def months_bucket(days: int) -> str:
    months = days / 30.44
    for bound, key in ((3, "under_3"), (6, "3_6"), (12, "6_12"), (24, "12_24")):
        if months < bound:
            return key
    return "over_24"
