"""Mapping, the individual plan and the share with studiebevis."""

from __future__ import annotations

import sqlalchemy as sa

from kaa_web.models.plans import Mapping, Plan, PlanRevision
from kaa_web.services.statistics.queries.spans import (
    count_people,
)


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
    return count_people(db, mapped_people(q))


def with_plan(db, q):
    return count_people(db, plan_people(q))


def studiebevis(db, q):
    return count_people(db, studiebevis_people(q))
