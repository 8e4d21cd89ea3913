"""The SIP suggestion (two or more agencies and a consent in force) and the person page's summary
of mapping, plan, referrals and consents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web.models.base import local_today
from kaa_web.models.plans import AGENCIES, ConcernReport, Referral
from kaa_web.services import plans
from kaa_web.services.consents.consent import ConsentRow, consents_of


def agencies_involved(mapping, measures) -> list[str]:
    """The agencies involved according to the mapping, plus other actors in open measures."""
    involved = [AGENCIES[code] for code in plans.mapping_agencies(mapping)]
    for measure in measures:
        actor_name = measure.responsible_actor
        open_elsewhere = measure.responsible == "annan" and measure.ended_on is None
        if open_elsewhere and actor_name and actor_name not in involved:
            involved.append(actor_name)
    return involved


def sip_suggestion(involved: list[str], consents: list[ConsentRow]) -> list[str] | None:
    """The agencies to name when suggesting a SIP: two or more involved and a consent in force."""
    if len(involved) < 2 or not any(row.active for row in consents):
        return None
    return involved


def sip_for(db: Session, youth_id: int, consents: list[ConsentRow]) -> list[str] | None:
    """`sip_suggestion` for a person whose consents are loaded already."""
    measures = plans.plan_measures(db, plans.get_plan(db, youth_id))
    return sip_suggestion(agencies_involved(plans.get_mapping(db, youth_id), measures), consents)


@dataclass(frozen=True)
class PersonSummary:
    """What the person page shows about mapping, plan, referrals and consents (a few queries)."""

    mapping: object
    plan: object
    open_measures: int
    referrals: int
    active_consents: list[ConsentRow]
    concern_reports: int
    sip_agencies: list[str] | None


def person_summary(db: Session, youth_id: int, today: date | None = None) -> PersonSummary:
    today = today or local_today()
    mapping, plan = plans.get_mapping(db, youth_id), plans.get_plan(db, youth_id)
    measures = plans.plan_measures(db, plan)
    consents = consents_of(db, youth_id, today)

    def count(model) -> int:
        return db.exec(select(sa.func.count()).where(model.youth_id == youth_id)).one()

    return PersonSummary(
        mapping=mapping,
        plan=plan,
        open_measures=sum(1 for m in measures if m.ended_on is None),
        referrals=count(Referral),
        active_consents=[c for c in consents if c.active],
        concern_reports=count(ConcernReport),
        sip_agencies=sip_suggestion(agencies_involved(mapping, measures), consents),
    )
