"""What the plan states but the system already holds: the collaboration groups, the ladder's
settings, the measures catalogue and the reporting calendar, live or as adopted."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields

from sqlmodel import Session, select

from kaa_web.models.action_plan import ActionPlanVersion
from kaa_web.models.catalogue import MEASURE_CATEGORIES, Measure
from kaa_web.models.meetings import FREQUENCIES, GROUP_KINDS, MeetingGroup
from kaa_web.rules.outreach import LadderRules
from kaa_web.services import outreach

# The ladder settings a plan states (the routines' delays), in the plan's words.
LADDER_LABELS = {
    "first_letter_days": "Första brevet, dagar efter registreringen",
    "postcard_after_days": "Vykort, dagar efter brevet",
    "contact_after_days": "Telefon eller sms, dagar efter vykortet",
    "contact_interval_days": "Dagar mellan kontaktförsöken",
    "contact_attempts": "Antal kontaktförsök",
    "home_visit_after_days": "Hembesök, dagar efter sista försöket",
    "mapping_within_days": "Kartläggning, dagar efter att ungdomen nåtts",
    "follow_up_months": "Uppföljning av planen, månader",
}
# The reporting calendar (DOMAIN.md §6): what is reported, to whom and when.
CALENDAR = (
    ("SCB/Skolverket, första halvåret", "Januari–juni", "Lämnas i augusti"),
    ("SCB/Skolverket, andra halvåret", "Juli–december", "Lämnas i januari"),
    ("Nämnden, tertial 1", "Januari–april", "Maj"),
    ("Nämnden, tertial 2", "Januari–augusti", "September"),
    ("Nämnden, helår (verksamhetsberättelsen)", "Januari–december", "Februari"),
    ("Handlingsplanens årliga uppföljning", "Föregående år", "Första kvartalet"),
)


@dataclass(frozen=True)
class LinkedParts:
    """What the plan states but the system already holds: shown, never retyped."""

    groups: list[dict]
    ladder: list[tuple[str, int]]
    measures: list[dict]
    calendar: list[tuple[str, str, str]]


def linked_parts(db: Session) -> LinkedParts:
    """Today's collaboration groups, ladder settings, measures and reporting calendar."""
    groups = db.exec(select(MeetingGroup).order_by(MeetingGroup.name)).all()
    measures = db.exec(select(Measure).where(Measure.active).order_by(Measure.name)).all()
    rules: LadderRules = outreach.rules(db)
    return LinkedParts(
        groups=[
            {
                "name": g.name,
                "kind": GROUP_KINDS.get(g.kind, g.kind),
                "frequency": FREQUENCIES.get(g.frequency, g.frequency),
            }
            for g in groups
        ],
        ladder=[
            (LADDER_LABELS[f.name], getattr(rules, f.name))
            for f in fields(rules)
            if f.name in LADDER_LABELS
        ],
        measures=[
            {
                "name": m.name,
                "provider": m.provider,
                "category": MEASURE_CATEGORIES.get(m.category, m.category),
            }
            for m in measures
        ],
        calendar=list(CALENDAR),
    )


def snapshot(plan: ActionPlanVersion) -> LinkedParts | None:
    if not plan.linked_snapshot:
        return None
    data = json.loads(plan.linked_snapshot)
    return LinkedParts(
        groups=data["groups"],
        ladder=[tuple(row) for row in data["ladder"]],
        measures=data["measures"],
        calendar=[tuple(row) for row in data["calendar"]],
    )
