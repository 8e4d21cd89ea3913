"""The action plan (handlingsplan): yearly versions drafted, commented, adopted by a nämnd
decision and then locked; next year's draft starts as a copy; what changed, section by section.

Only "chef" writes and adopts; KAA and labour-market officers read and comment (the permission
table). Nothing here is about a young person: the plan is the municipality's own document.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass, fields
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.action_plan import (
    SECTIONS,
    ActionPlanComment,
    ActionPlanText,
    ActionPlanVersion,
)
from kaa_web.models.base import utcnow
from kaa_web.models.meetings import FREQUENCIES, GROUP_KINDS, MeetingGroup
from kaa_web.models.plans import MEASURE_CATEGORIES, Measure
from kaa_web.permissions import Actor
from kaa_web.rules.outreach import LadderRules
from kaa_web.services import outreach
from kaa_web.services.errors import EditConflict, Invalid, NotFound
from kaa_web.services.staff import staff_names

MAX_TEXT = 20_000
LOCKED = "Planen är antagen och kan inte ändras. Påbörja nästa års utkast för att ändra den."

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
class Section:
    key: str
    title: str
    body: str
    text_id: int | None  # the version in force; the edit form's base (a later save conflicts)
    comments: list[ActionPlanComment]


@dataclass(frozen=True)
class LinkedParts:
    """What the plan states but the system already holds: shown, never retyped."""

    groups: list[dict]
    ladder: list[tuple[str, int]]
    measures: list[dict]
    calendar: list[tuple[str, str, str]]


@dataclass(frozen=True)
class PlanPage:
    plan: ActionPlanVersion
    sections: list[Section]
    general_comments: list[ActionPlanComment]
    linked: LinkedParts
    previous: ActionPlanVersion | None  # the adopted plan this one is compared with
    names: dict[int, str]


@dataclass(frozen=True)
class SectionChange:
    key: str
    title: str
    changed: bool
    lines: list[tuple[str, str]]  # ("lagt_till" | "borttaget" | "samma", text)


def versions(db: Session, *, actor: Actor) -> list[ActionPlanVersion]:
    """Every year's plan, newest first."""
    actor.need("action_plan.read")
    return list(db.exec(select(ActionPlanVersion).order_by(ActionPlanVersion.year.desc())))


def get_plan(db: Session, *, actor: Actor, year: int, may: str = "read") -> ActionPlanVersion:
    """The plan of `year` for an actor who may `read`, `comment` or `write` it; else NotFound
    (or PermissionError for a permission the actor lacks)."""
    actor.need(f"action_plan.{may}")
    plan = db.exec(select(ActionPlanVersion).where(ActionPlanVersion.year == year)).first()
    if plan is None:
        raise NotFound(f"action plan {year}")
    return plan


def _texts(db: Session, plan_id: int) -> dict[str, ActionPlanText]:
    """The text in force of each section (the newest saved)."""
    newest = (
        select(func.max(ActionPlanText.id))
        .where(ActionPlanText.plan_id == plan_id)
        .group_by(ActionPlanText.section)
    )
    rows = db.exec(select(ActionPlanText).where(ActionPlanText.id.in_(newest.scalar_subquery())))
    return {t.section: t for t in rows}


def _previous_adopted(db: Session, year: int) -> ActionPlanVersion | None:
    return db.exec(
        select(ActionPlanVersion)
        .where(ActionPlanVersion.year < year, ActionPlanVersion.status == "antagen")
        .order_by(ActionPlanVersion.year.desc())
    ).first()


def plan_page(db: Session, *, actor: Actor, year: int) -> PlanPage:
    """The plan as its readers see it; the read is logged. The caller commits."""
    plan = get_plan(db, actor=actor, year=year)
    texts = _texts(db, plan.id)
    comments = list(
        db.exec(
            select(ActionPlanComment)
            .where(ActionPlanComment.plan_id == plan.id)
            .order_by(ActionPlanComment.id)
        )
    )
    sections = [
        Section(
            key=key,
            title=title,
            body=texts[key].body if key in texts else "",
            text_id=texts[key].id if key in texts else None,
            comments=[c for c in comments if c.section == key],
        )
        for key, title in SECTIONS.items()
    ]
    audit.record(db, actor, "view", object_type="action_plan", object_id=plan.id)
    return PlanPage(
        plan=plan,
        sections=sections,
        general_comments=[c for c in comments if not c.section],
        linked=_snapshot(plan) or linked_parts(db),
        previous=_previous_adopted(db, year),
        names=staff_names(db),
    )


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
        ladder=[(LADDER_LABELS[f.name], getattr(rules, f.name)) for f in fields(rules)
                if f.name in LADDER_LABELS],
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


def _snapshot(plan: ActionPlanVersion) -> LinkedParts | None:
    if not plan.linked_snapshot:
        return None
    data = json.loads(plan.linked_snapshot)
    return LinkedParts(
        groups=data["groups"],
        ladder=[tuple(row) for row in data["ladder"]],
        measures=data["measures"],
        calendar=[tuple(row) for row in data["calendar"]],
    )


def start_draft(db: Session, *, actor: Actor, year: int) -> ActionPlanVersion:
    """A new draft for `year`, starting as a copy of the newest adopted plan before it (or an
    empty plan for the first year). The caller commits."""
    actor.need("action_plan.write")
    if not 2000 <= year <= date.today().year + 5:
        raise Invalid(field_errors={"year": "Ange ett år mellan 2000 och fem år framåt."})
    if db.exec(select(ActionPlanVersion.id).where(ActionPlanVersion.year == year)).first():
        raise Invalid(field_errors={"year": f"Det finns redan en handlingsplan för {year}."})
    source = _previous_adopted(db, year)
    plan = ActionPlanVersion(
        year=year, based_on_id=source.id if source else None, created_by_id=actor.staff_id
    )
    db.add(plan)
    db.flush()
    if source is not None:
        for text in _texts(db, source.id).values():
            db.add(
                ActionPlanText(
                    plan_id=plan.id, section=text.section, body=text.body,
                    saved_by_id=actor.staff_id,
                )
            )
    audit.record(db, actor, "create", object_type="action_plan", object_id=plan.id)
    return plan


def _draft(db: Session, actor: Actor, year: int, may: str) -> ActionPlanVersion:
    plan = get_plan(db, actor=actor, year=year, may=may)
    if plan.status != "utkast":
        raise Invalid(LOCKED)
    return plan


def save_section(
    db: Session, *, actor: Actor, year: int, section: str, body: str, base_text_id: int | None
) -> ActionPlanText | None:
    """Save one section's text as its new version (the old one stays as history). EditConflict
    if someone saved the section since the form was loaded; None if nothing changed. The caller
    commits."""
    if section not in SECTIONS:
        raise NotFound(f"section {section}")
    plan = _draft(db, actor, year, "write")
    if len(body) > MAX_TEXT:
        raise Invalid(field_errors={"body": f"Texten får vara högst {MAX_TEXT} tecken."})
    current = _texts(db, plan.id).get(section)
    if (current.id if current else None) != base_text_id:
        raise EditConflict(current)
    if (current.body if current else "") == body:
        return None
    text = ActionPlanText(plan_id=plan.id, section=section, body=body, saved_by_id=actor.staff_id)
    db.add(text)
    db.flush()
    audit.record(db, actor, "update", object_type="action_plan_text", object_id=text.id)
    return text


def add_comment(
    db: Session, *, actor: Actor, year: int, section: str, body: str
) -> ActionPlanComment:
    """A comment on a draft (a section, or "" for the whole plan). The caller commits."""
    if section and section not in SECTIONS:
        raise Invalid(field_errors={"section": "Välj ett avsnitt i listan."})
    plan = _draft(db, actor, year, "comment")
    comment = ActionPlanComment(
        plan_id=plan.id, section=section, body=body.strip(), staff_id=actor.staff_id
    )
    db.add(comment)
    db.flush()
    audit.record(db, actor, "create", object_type="action_plan_comment", object_id=comment.id)
    return comment


def adopt(
    db: Session,
    *,
    actor: Actor,
    year: int,
    decision_body: str,
    decision_reference: str,
    decided_on: date,
    version: int,
) -> ActionPlanVersion:
    """Adopt the draft as the nämnd decided: who, when, which decision; then it is locked,
    with the linked parts as they are today. The caller commits."""
    plan = _draft(db, actor, year, "write")
    if plan.version != version:
        raise EditConflict(plan)
    if decided_on > date.today():
        raise Invalid(field_errors={"decided_on": "Beslutsdatumet kan inte ligga i framtiden."})
    texts = _texts(db, plan.id)
    missing = [t for k, t in SECTIONS.items() if k not in texts or not texts[k].body.strip()]
    if missing:
        raise Invalid("Alla avsnitt måste ha text innan planen antas. Saknas: "
                      + ", ".join(missing) + ".")
    plan.status = "antagen"
    plan.decision_body = decision_body.strip()
    plan.decision_reference = decision_reference.strip()
    plan.decided_on = decided_on
    plan.adopted_by_id = actor.staff_id
    plan.adopted_at = utcnow()
    plan.linked_snapshot = json.dumps(asdict(linked_parts(db)), ensure_ascii=False)
    plan.version += 1
    db.add(plan)
    audit.record(db, actor, "update", object_type="action_plan", object_id=plan.id)
    return plan


def compare(db: Session, *, actor: Actor, year: int) -> tuple[ActionPlanVersion | None,
                                                               list[SectionChange]]:
    """This year's plan against the newest adopted plan before it, section by section (every
    line added or removed). The caller commits (the read is logged)."""
    plan = get_plan(db, actor=actor, year=year)
    previous = _previous_adopted(db, year)
    now = _texts(db, plan.id)
    before = _texts(db, previous.id) if previous else {}
    changes = []
    for key, title in SECTIONS.items():
        old = before[key].body.splitlines() if key in before else []
        new = now[key].body.splitlines() if key in now else []
        lines = _line_diff(old, new)
        changes.append(SectionChange(key=key, title=title, changed=old != new, lines=lines))
    audit.record(db, actor, "view", object_type="action_plan", object_id=plan.id)
    return previous, changes


_KINDS = {"+": "lagt_till", "-": "borttaget", " ": "samma"}


def _line_diff(old: list[str], new: list[str]) -> list[tuple[str, str]]:
    return [
        (_KINDS[line[0]], line[2:])
        for line in difflib.ndiff(old, new)
        if line[0] in _KINDS
    ]
