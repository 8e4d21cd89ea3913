"""The plans pages' reads: the mapping page and the plan page (access checked, read logged)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from kaa_web.models.catalogue import Measure
from kaa_web.models.plans import (
    DeclinedOffer,
    Mapping,
    MonthlyReport,
    Plan,
    PlanMeasure,
    Referral,
)
from kaa_web.models.register import Youth
from kaa_web.permissions import Actor
from kaa_web.services import school_reports
from kaa_web.services.access import get_youth, record_read
from kaa_web.services.catalogue import list_measures
from kaa_web.services.plans.mapping import get_mapping, mapping_history
from kaa_web.services.plans.measures import declined_offers
from kaa_web.services.plans.plan import get_plan, plan_measures, plan_revisions
from kaa_web.services.plans.referrals import referrals_of, reports_of


@dataclass(frozen=True)
class MappingPage:
    youth: Youth
    mapping: Mapping | None
    history: list[dict]  # every saved state, newest first: version, at, by, data
    background: school_reports.SchoolBackground | None  # what a new mapping starts from
    can_write: bool


def mapping_page(db: Session, *, actor: Actor, youth_id: int) -> MappingPage:
    """The mapping page, its read logged; a new mapping starts from what a school reported."""
    youth = get_youth(db, actor=actor, youth_id=youth_id, may="case_file")
    record_read(db, actor, youth)
    mapping = get_mapping(db, youth.id)
    return MappingPage(
        youth=youth,
        mapping=mapping,
        history=mapping_history(db, mapping) if mapping else [],
        background=None if mapping else school_reports.school_background(db, youth_id=youth.id),
        can_write=actor.can("plans.write"),
    )


@dataclass(frozen=True)
class PlanPage:
    youth: Youth
    plan: Plan | None
    measures: list[PlanMeasure]
    offered: list[Measure]  # what the catalogue offers now (the forms' choices)
    catalogue: dict[int, Measure]  # every measure ever offered, by id
    referrals: list[Referral]
    reports: dict[int, list[MonthlyReport]]  # by referral id
    referral_by_measure: dict[int, Referral]  # by plan measure id
    declined: list[tuple[DeclinedOffer, str]]  # with the measure's name
    revisions: list[dict]
    can_write: bool  # the actor may change the plan, and the person is still with KAA
    can_documents: bool


def plan_page(db: Session, *, actor: Actor, youth_id: int) -> PlanPage:
    """The plan page of a person whose case file the actor sees, its read logged."""
    youth = get_youth(db, actor=actor, youth_id=youth_id, may="case_file")
    record_read(db, actor, youth)
    plan = get_plan(db, youth.id)
    referrals = referrals_of(db, youth.id)
    every = list_measures(db, include_inactive=True)
    return PlanPage(
        youth=youth,
        plan=plan,
        measures=plan_measures(db, plan),
        offered=[m for m in every if m.active],
        catalogue={m.id: m for m in every},
        referrals=referrals,
        reports=reports_of(db, [r.id for r in referrals]),
        referral_by_measure={r.plan_measure_id: r for r in referrals},
        declined=declined_offers(db, youth.id),
        revisions=plan_revisions(db, plan),
        can_write=actor.can("plans.write") and youth.status == "aktiv",
        can_documents=actor.can("documents.generate"),
    )
