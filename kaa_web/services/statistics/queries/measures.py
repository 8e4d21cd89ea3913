"""Measures offered, declined, started, ongoing and ended, and what followed them."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from kaa_web.models.plans import DeclinedOffer
from kaa_web.services.statistics.definitions import RETURNED
from kaa_web.services.statistics.queries.spans import (
    PM,
    Grouped,
    M,
    Query,
    group_key,
    run,
    run_categories,
)


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
    return run(db, stmt, stage)


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
    return run(db, stmt, "pagaende")


def occupation_after_measure(db, q):
    group, joined, where = _measures(q, PM, PM.c.ended_on, title=PM.c.title)
    stmt = (
        sa.select(group, PM.c.occupation_after.label("cat"), sa.func.count().label("n"))
        .select_from(joined)
        .where(*where)
        .group_by("g", "cat")
    )
    return run_categories(db, stmt)


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
        group_key(r.g): {"taljare": int(r.taljare or 0), "namnare": r.namnare}
        for r in db.exec(stmt)
    }
