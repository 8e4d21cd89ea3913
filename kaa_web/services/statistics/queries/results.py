"""Results: time in KAA and the occupation at the latest contact."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from kaa_web.services.statistics.definitions import figure
from kaa_web.services.statistics.queries.coverage import covered, covered_people
from kaa_web.services.statistics.queries.spans import (
    C,
    Query,
    group_key,
    median,
    months_bucket,
    run_categories,
)


def time_in_kaa(db, q):
    s = q.spans
    stmt = (
        sa.select(q.group_of(s), s.c.registered_on, s.c.deregistered_on)
        .select_from(q.from_spans())
        .where(s.c.deregistered_on <= q.period.end)
    )
    days = defaultdict(list)
    for row in db.exec(stmt):
        days[group_key(row.g)].append((row.deregistered_on - row.registered_on).days)
    out = {}
    for g, values in days.items():
        cells = {**median(values), **dict.fromkeys(figure("tid_i_kaa").categories, 0)}
        for value in values:
            cells[months_bucket(value)] += 1
        out[g] = cells
    return out


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
    known = run_categories(db, stmt)
    for g, cells in covered(db, q).items():
        row = known.setdefault(g, {})
        row["okand"] = row.get("okand", 0) + cells["n"] - sum(row.values())
    return known
