"""The figures as grouped SQL over registration periods: one statement per figure and breakdown.

Every figure reads the registration periods that overlap the report period (`spans`), so a
period's figures depend only on what happened within it: someone who comes back later gets a
new period after it and changes nothing. Events (contacts, measures) count when they fall in
the report period and within one of the person's registration periods.
"""

from __future__ import annotations

import statistics as pystats
from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from kaa_web.models.catalogue import Measure
from kaa_web.models.plans import DeclinedOffer, Mapping, Plan, PlanMeasure, PlanRevision
from kaa_web.models.register import CHANNELS, ContactAttempt, RegistrationPeriod, Youth
from kaa_web.rules.report_periods import ReportPeriod, age_threshold
from kaa_web.services.statistics.definitions import AGE_GROUPS, RETURNED, figure

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


def _spans(period: ReportPeriod):
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


spans_of = _spans


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
        self.spans = _spans(period)
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


def _run(db: Session, statement, column: str = "n") -> Grouped:
    out: Grouped = defaultdict(dict)
    for row in db.exec(statement):
        out[_key(row.g)][column] = row.n
    return dict(out)


def _run_categories(db: Session, statement) -> Grouped:
    out: Grouped = defaultdict(lambda: defaultdict(int))
    for row in db.exec(statement):
        out[_key(row.g)][row.cat or "ej_angiven"] += row.n
    return {g: dict(cells) for g, cells in out.items()}


def _key(group) -> str:
    return "" if group is None else str(group)


# --- coverage ---------------------------------------------------------------------------


def _count_people(db, population) -> Grouped:
    """Count the distinct people of a (g, youth_id) population per group."""
    sub = population.subquery()
    n = sa.func.count(sa.distinct(sub.c.youth_id)).label("n")
    return _run(db, sa.select(sub.c.g, n).group_by(sub.c.g))


def covered_people(q: Query):
    p, joined, first = q.person_rows()
    return sa.select(q.group_of(p), p.c.youth_id).select_from(joined).where(first)


def _span_people(q: Query, *where):
    s = q.spans
    return sa.select(q.group_of(s), s.c.youth_id).select_from(q.from_spans()).where(*where)


def start_people(q):
    return _span_people(q, q.spans.c.registered_on < q.period.start)


def end_people(q):
    s = q.spans
    return _span_people(
        q, sa.or_(s.c.deregistered_on.is_(None), s.c.deregistered_on > q.period.end)
    )


def new_people(q):
    return _span_people(q, q.spans.c.registered_on >= q.period.start)


def covered(db, q):
    return _count_people(db, covered_people(q))


def covered_start(db, q):
    return _count_people(db, start_people(q))


def covered_end(db, q):
    return _count_people(db, end_people(q))


def registrations(db, q):
    """Registrations, not people: someone who comes back twice in the period counts twice."""
    s = q.spans
    n = sa.func.count().label("n")
    stmt = (
        sa.select(q.group_of(s), n)
        .select_from(q.from_spans())
        .where(s.c.registered_on >= q.period.start)
        .group_by("g")
    )
    return _run(db, stmt)


def _deregistered(db, q: Query, category) -> Grouped:
    s = q.spans
    stmt = (
        sa.select(q.group_of(s), category.label("cat"), sa.func.count().label("n"))
        .select_from(q.from_spans())
        .where(s.c.deregistered_on <= q.period.end)
        .group_by("g", "cat")
    )
    return _run_categories(db, stmt)


def deregistration_reasons(db, q):
    return _deregistered(db, q, q.spans.c.deregistration_reason)


def deregistration_results(db, q):
    return _deregistered(db, q, q.spans.c.deregistration_result)


# --- outreach ---------------------------------------------------------------------------


def _contacts(q: Query, *where):
    """People (grouped by their latest period) joined to their contacts within any span."""
    p, joined, first = q.person_rows()
    s = q.spans
    c = C.alias("c")
    joined = joined.join(s, s.c.youth_id == p.c.youth_id).join(
        c, sa.and_(c.c.youth_id == s.c.youth_id, q.in_span(c.c.on, s))
    )
    return p, c, joined, [first, c.c.kind.in_(OUTREACH_KINDS), *where]


def sought_people(q):
    p, _, joined, where = _contacts(q)
    return sa.select(q.group_of(p), p.c.youth_id).select_from(joined).where(*where)


def reached_people(q):
    p, c, joined, where = _contacts(q)
    stmt = sa.select(q.group_of(p), p.c.youth_id).select_from(joined)
    return stmt.where(*where, c.c.outcome == "nadd")


def sought(db, q):
    return _count_people(db, sought_people(q))


def reached(db, q):
    return _count_people(db, reached_people(q))


def reached_channel(db, q):
    p, c, joined, where = _contacts(q)
    first = sa.func.row_number().over(partition_by=p.c.youth_id, order_by=(c.c.on, c.c.id))
    ranked = (
        sa.select(q.group_of(p), c.c.kind.label("cat"), first.label("nth"))
        .select_from(joined)
        .where(*where, c.c.outcome == "nadd")
        .subquery()
    )
    stmt = (
        sa.select(ranked.c.g, ranked.c.cat, sa.func.count().label("n"))
        .where(ranked.c.nth == 1)
        .group_by(ranked.c.g, ranked.c.cat)
    )
    return _run_categories(db, stmt)


def outreach_efforts(db, q):
    p, c, joined, where = _contacts(q)
    stmt = (
        sa.select(q.group_of(p), c.c.kind.label("cat"), sa.func.count().label("n"))
        .select_from(joined)
        .where(*where)
        .group_by("g", "cat")
    )
    return _run_categories(db, stmt)


def first_attempts(db, q: Query) -> dict[str, list[tuple[date, date | None]]]:
    """Each registration that began in the period with its first attempt (or None) by its end."""
    s = q.spans
    c = C.alias("c")
    first = (
        sa.select(sa.func.min(c.c.on))
        .where(
            c.c.youth_id == s.c.youth_id,
            c.c.kind.in_(OUTREACH_KINDS),
            c.c.on >= s.c.registered_on,
            c.c.on <= s.c.hi,
        )
        .scalar_subquery()
    )
    stmt = (
        sa.select(q.group_of(s), s.c.registered_on, first.label("first_on"))
        .select_from(q.from_spans())
        .where(s.c.registered_on >= q.period.start)
    )
    out = defaultdict(list)
    for row in db.exec(stmt):
        out[_key(row.g)].append((row.registered_on, row.first_on))
    return dict(out)


def days_to_first_attempt(db, q):
    return {
        g: _median([(first - on).days for on, first in rows if first is not None])
        for g, rows in first_attempts(db, q).items()
    }


def first_attempt_in_time(db, q, days: int):
    """numerator/denominator: registrations with the whole delay inside the period, attempted
    within it."""
    last_day = q.period.end - timedelta(days=days)
    out = {}
    for g, rows in first_attempts(db, q).items():
        due = [(on, first) for on, first in rows if on <= last_day]
        within = sum(1 for on, first in due if first is not None and (first - on).days <= days)
        out[g] = {"taljare": within, "namnare": len(due)}
    return out


def _median(values: list[int]) -> dict:
    return {"antal": len(values), "median": pystats.median(values) if values else None}


# --- mapping and plan -------------------------------------------------------------------


def mapped_people(q):
    p, joined, first = q.person_rows()
    m = Mapping.__table__
    joined = joined.join(m, m.c.youth_id == p.c.youth_id)
    stmt = sa.select(q.group_of(p), p.c.youth_id).select_from(joined)
    return stmt.where(first, m.c.on <= q.period.end)


def plan_people(q):
    p, joined, first = q.person_rows()
    plan, revision = Plan.__table__, PlanRevision.__table__
    first_agreed = (
        sa.select(sa.func.min(revision.c.agreed_on))
        .where(revision.c.plan_id == plan.c.id)
        .scalar_subquery()
    )
    joined = joined.join(plan, plan.c.youth_id == p.c.youth_id)
    stmt = sa.select(q.group_of(p), p.c.youth_id).select_from(joined)
    return stmt.where(first, sa.func.coalesce(first_agreed, plan.c.agreed_on) <= q.period.end)


def studiebevis_people(q):
    p, joined, first = q.person_rows()
    stmt = sa.select(q.group_of(p), p.c.youth_id).select_from(joined)
    return stmt.where(first, p.c.reason == "studiebevis")


def mapped(db, q):
    return _count_people(db, mapped_people(q))


def with_plan(db, q):
    return _count_people(db, plan_people(q))


def studiebevis(db, q):
    return _count_people(db, studiebevis_people(q))


# --- measures ---------------------------------------------------------------------------


def _measure_group(q: Query, title=None):
    """Measures also break down by SCB category and by catalogue measure."""
    if q.dimension == "kategori":
        return sa.func.coalesce(M.c.category, "annan").label("g")
    if q.dimension == "insats":
        return sa.func.coalesce(M.c.name, title if title is not None else "").label("g")
    return q.group_of(q.people)


def _measures(q: Query, table, day, *where, title=None):
    """Rows of `table` (measures or declined offers) dated `day` within a span, with the
    person's group and the catalogue measure."""
    p, joined, first = q.person_rows()
    s = q.spans
    joined = (
        joined.join(s, s.c.youth_id == p.c.youth_id)
        .join(table, sa.and_(table.c.youth_id == s.c.youth_id, q.in_span(day, s)))
        .outerjoin(M, M.c.id == table.c.measure_id)
    )
    return _measure_group(q, title), joined, [first, *where]


def _count_measures(db, q, stage: str, table, day, *where, title=None) -> Grouped:
    group, joined, conditions = _measures(q, table, day, *where, title=title)
    stmt = (
        sa.select(group, sa.func.count(sa.distinct(table.c.id)).label("n"))
        .select_from(joined)
        .where(*conditions)
        .group_by("g")
    )
    return _run(db, stmt, stage)


def measure_stages(db, q):
    started = _count_measures(db, q, "paborjade", PM, PM.c.start_on, title=PM.c.title)
    ended = _count_measures(db, q, "avslutade", PM, PM.c.ended_on, title=PM.c.title)
    d = DeclinedOffer.__table__
    declined = _count_measures(db, q, "avbojda", d, d.c.on)
    ongoing = _ongoing(db, q)
    out: Grouped = defaultdict(dict)
    for part in (started, ended, declined, ongoing):
        for g, cells in part.items():
            out[g].update(cells)
    for cells in out.values():
        cells["erbjudna"] = cells.get("paborjade", 0) + cells.get("avbojda", 0)
    return dict(out)


def _ongoing(db, q):
    """Measures started while registered and still going on at the period's end, for people
    still registered then."""
    s = q.spans
    still = sa.or_(s.c.deregistered_on.is_(None), s.c.deregistered_on > q.period.end)
    running = sa.or_(PM.c.ended_on.is_(None), PM.c.ended_on > q.period.end)
    p, joined, first = q.person_rows()
    joined = (
        joined.join(s, s.c.youth_id == p.c.youth_id)
        .join(PM, sa.and_(PM.c.youth_id == s.c.youth_id, PM.c.start_on <= q.period.end))
        .outerjoin(M, M.c.id == PM.c.measure_id)
    )
    stmt = (
        sa.select(
            _measure_group(q, PM.c.title),
            sa.func.count(sa.distinct(PM.c.id)).label("n"),
        )
        .select_from(joined)
        .where(first, still, running)
        .group_by("g")
    )
    return _run(db, stmt, "pagaende")


def occupation_after_measure(db, q):
    group, joined, where = _measures(q, PM, PM.c.ended_on, title=PM.c.title)
    stmt = (
        sa.select(group, PM.c.occupation_after.label("cat"), sa.func.count().label("n"))
        .select_from(joined)
        .where(*where)
        .group_by("g", "cat")
    )
    return _run_categories(db, stmt)


def returned_after_measure(db, q):
    group, joined, where = _measures(q, PM, PM.c.ended_on, title=PM.c.title)
    latest = sa.func.row_number().over(
        partition_by=PM.c.youth_id, order_by=(PM.c.ended_on.desc(), PM.c.id.desc())
    )
    ranked = (
        sa.select(group, PM.c.occupation_after.label("after"), latest.label("nth"))
        .select_from(joined)
        .where(*where)
        .subquery()
    )
    returned = sa.func.sum(sa.case((ranked.c.after.in_(RETURNED), 1), else_=0))
    stmt = (
        sa.select(ranked.c.g, returned.label("taljare"), sa.func.count().label("namnare"))
        .where(ranked.c.nth == 1)
        .group_by(ranked.c.g)
    )
    return {
        _key(r.g): {"taljare": int(r.taljare or 0), "namnare": r.namnare} for r in db.exec(stmt)
    }


# --- results ----------------------------------------------------------------------------


def time_in_kaa(db, q):
    s = q.spans
    stmt = (
        sa.select(q.group_of(s), s.c.registered_on, s.c.deregistered_on)
        .select_from(q.from_spans())
        .where(s.c.deregistered_on <= q.period.end)
    )
    days = defaultdict(list)
    for row in db.exec(stmt):
        days[_key(row.g)].append((row.deregistered_on - row.registered_on).days)
    out = {}
    for g, values in days.items():
        cells = {**_median(values), **dict.fromkeys(figure("tid_i_kaa").categories, 0)}
        for value in values:
            cells[_months_bucket(value)] += 1
        out[g] = cells
    return out


def _months_bucket(days: int) -> str:
    months = days / 30.44
    for bound, key in ((3, "under_3"), (6, "3_6"), (12, "6_12"), (24, "12_24")):
        if months < bound:
            return key
    return "over_24"


def _latest_occupations(q: Query):
    """Each covered person's occupation at their latest contact that noted one (g, youth_id,
    cat), within their latest registration period."""
    p, joined, first = q.person_rows()
    c = C.alias("c")
    joined = joined.join(
        c,
        sa.and_(
            c.c.youth_id == p.c.youth_id,
            c.c.on >= p.c.registered_on,
            c.c.on <= p.c.hi,
            c.c.occupation.is_not(None),
        ),
    )
    latest = sa.func.row_number().over(
        partition_by=p.c.youth_id, order_by=(c.c.on.desc(), c.c.id.desc())
    )
    ranked = (
        sa.select(q.group_of(p), p.c.youth_id, c.c.occupation.label("cat"), latest.label("nth"))
        .select_from(joined)
        .where(first)
        .subquery()
    )
    return ranked


def unknown_occupation_people(q):
    """Covered people without a known occupation: no contact noted one, or it was "okänd"."""
    ranked = _latest_occupations(q)
    known = sa.select(ranked.c.youth_id).where(ranked.c.nth == 1, ranked.c.cat != "okand")
    return covered_people(q).where(q.people.c.youth_id.not_in(known))


def latest_occupation(db, q):
    ranked = _latest_occupations(q)
    stmt = (
        sa.select(ranked.c.g, ranked.c.cat, sa.func.count().label("n"))
        .where(ranked.c.nth == 1)
        .group_by(ranked.c.g, ranked.c.cat)
    )
    known = _run_categories(db, stmt)
    for g, cells in covered(db, q).items():
        row = known.setdefault(g, {})
        row["okand"] = row.get("okand", 0) + cells["n"] - sum(row.values())
    return known
