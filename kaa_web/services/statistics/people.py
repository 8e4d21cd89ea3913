"""The people behind a figure: a register list of exactly those counted (or those a share
still misses), for users who may see them, each person shown logged like any list."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from kaa_web import audit
from kaa_web.models.register import District, Youth
from kaa_web.permissions import Actor
from kaa_web.rules.personnummer import mask
from kaa_web.rules.report_periods import ReportPeriod
from kaa_web.services.access import youth_visibility
from kaa_web.services.statistics import queries as q
from kaa_web.services.statistics.definitions import UNKNOWN_DISTRICT

MAX_ROWS = 500


def _without(population):
    """Those covered whom `population` leaves out (not mapped, no plan)."""

    def missing(query: q.Query):
        found = population(query).subquery()
        covered = q.covered_people(query)
        return covered.where(query.people.c.youth_id.not_in(sa.select(found.c.youth_id)))

    return missing


# figure key -> (what the list is called, the population)
LISTS = {
    "omfattade": ("Omfattade under perioden", q.covered_people),
    "omfattade_start": ("Omfattade vid periodens början", q.start_people),
    "omfattade_slut": ("Omfattade vid periodens slut", q.end_people),
    "nya": ("Nyregistrerade under perioden", q.new_people),
    "sokta": ("Sökta", q.sought_people),
    "nadda": ("Nådda", q.reached_people),
    "kartlagda": ("Omfattade utan kartläggning", _without(q.mapped_people)),
    "med_plan": ("Omfattade utan individuell plan", _without(q.plan_people)),
    "sysselsattning_senaste": (
        "Omfattade utan känd sysselsättning",
        q.unknown_occupation_people,
    ),
}


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    personnummer: str  # masked
    district: str


@dataclass(frozen=True)
class PeopleList:
    title: str
    period: ReportPeriod
    people: tuple[Person, ...]
    more: bool  # more than MAX_ROWS: the list is cut


def people_behind(
    db: Session,
    *,
    actor: Actor,
    key: str,
    period: ReportPeriod,
    dimension: str = "hela",
    group: str = q.ALL,
) -> PeopleList:
    """The people counted in one cell of a figure's table, as many as the actor may see."""
    actor.need("statistics.people")
    title, population = LISTS[key]
    found = population(q.Query(period, dimension)).subquery()
    wanted = found.c.g.is_(None) if group == "" else found.c.g == group
    ids = sa.select(found.c.youth_id).where(wanted)
    rows = db.exec(
        sa.select(
            Youth.id,
            Youth.first_name,
            Youth.last_name,
            Youth.personnummer,
            Youth.protected_identity,
            District.name,
        )
        .outerjoin(District, District.id == Youth.district_id)
        .where(Youth.id.in_(ids), youth_visibility(actor))
        .order_by(Youth.last_name_key, Youth.first_name_key, Youth.id)
        .limit(MAX_ROWS + 1)
    ).all()
    people = tuple(
        Person(
            r.id,
            f"{r.first_name} {r.last_name}",
            mask(r.personnummer),
            UNKNOWN_DISTRICT if r.protected_identity or not r.name else r.name,
        )
        for r in rows[:MAX_ROWS]
    )
    audit.record(db, actor, "view", object_type="statistics_people", object_id=key)
    audit.record_many(
        db, actor, "view", object_type="statistics_people", items=[(key, p.id) for p in people]
    )
    return PeopleList(title, period, people, len(rows) > MAX_ROWS)
