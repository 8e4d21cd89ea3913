"""Who was covered in the period, at its start and end; registrations and deregistrations."""

from __future__ import annotations

import sqlalchemy as sa

from kaa_web.services.statistics.queries.spans import (
    Grouped,
    Query,
    count_people,
    run,
    run_categories,
)


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
    return count_people(db, covered_people(q))


def covered_start(db, q):
    return count_people(db, start_people(q))


def covered_end(db, q):
    return count_people(db, end_people(q))


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
    return run(db, stmt)


def _deregistered(db, q: Query, category) -> Grouped:
    s = q.spans
    stmt = (
        sa.select(q.group_of(s), category.label("cat"), sa.func.count().label("n"))
        .select_from(q.from_spans())
        .where(s.c.deregistered_on <= q.period.end)
        .group_by("g", "cat")
    )
    return run_categories(db, stmt)


def deregistration_reasons(db, q):
    return _deregistered(db, q, q.spans.c.deregistration_reason)


def deregistration_results(db, q):
    return _deregistered(db, q, q.spans.c.deregistration_result)
