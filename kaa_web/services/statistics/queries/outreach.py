"""Outreach: who was sought and reached, how, the attempts by type and the days to the first."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa

from kaa_web.services.statistics.queries.spans import (
    OUTREACH_KINDS,
    C,
    Query,
    count_people,
    group_key,
    median,
    run_categories,
)


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
    return count_people(db, sought_people(q))


def reached(db, q):
    return count_people(db, reached_people(q))


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
    return run_categories(db, stmt)


def outreach_efforts(db, q):
    p, c, joined, where = _contacts(q)
    stmt = (
        sa.select(q.group_of(p), c.c.kind.label("cat"), sa.func.count().label("n"))
        .select_from(joined)
        .where(*where)
        .group_by("g", "cat")
    )
    return run_categories(db, stmt)


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
        out[group_key(row.g)].append((row.registered_on, row.first_on))
    return dict(out)


def days_to_first_attempt(db, q):
    return {
        g: median([(first - on).days for on, first in rows if first is not None])
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
