"""The action plan as its readers see it: the plan page (sections, comments, linked parts, goals
with their measured values) and the comparison with the adopted plan before it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.action_plan import SECTIONS, ActionPlanComment, ActionPlanVersion
from kaa_web.models.base import local_today
from kaa_web.permissions import Actor
from kaa_web.services.action_plan.base import get_plan, previous_adopted, texts_in_force
from kaa_web.services.action_plan.goals import GoalResult, goal_lines, goal_results
from kaa_web.services.action_plan.linked import LinkedParts, linked_parts, snapshot
from kaa_web.services.errors import NotFound
from kaa_web.services.staff import staff_names

GOALS_KEY, GOALS_TITLE = "malvarden", "Mål med mått och målvärden"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    body: str
    text_id: int | None  # the version in force; the edit form's base (a later save conflicts)
    comments: list[ActionPlanComment]


@dataclass(frozen=True)
class PlanPage:
    plan: ActionPlanVersion
    sections: list[Section]
    general_comments: list[ActionPlanComment]
    linked: LinkedParts
    previous: ActionPlanVersion | None  # the adopted plan this one is compared with
    names: dict[int, str]
    goals: list[GoalResult]


@dataclass(frozen=True)
class SectionChange:
    key: str
    title: str
    changed: bool
    lines: list[tuple[str, str]]  # ("lagt_till" | "borttaget" | "samma", text)


def plan_page(db: Session, *, actor: Actor, year: int) -> PlanPage:
    """The plan as its readers see it; the read is logged. The caller commits."""
    plan = get_plan(db, actor=actor, year=year)
    texts = texts_in_force(db, plan.id)
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
        linked=snapshot(plan) or linked_parts(db),
        previous=previous_adopted(db, year),
        names=staff_names(db),
        goals=goal_results(db, plan, local_today()),
    )


def section_for_edit(
    db: Session, *, actor: Actor, year: int, section: str
) -> tuple[ActionPlanVersion, Section]:
    """A draft's section for its edit form: the text in force only, no goal figures (those are
    the plan page's); an adopted plan has no edit page (NotFound). The caller commits."""
    plan = get_plan(db, actor=actor, year=year, may="write")
    if plan.status != "utkast" or section not in SECTIONS:
        raise NotFound(f"editable section {section} of {year}")
    text = texts_in_force(db, plan.id).get(section)
    audit.record(db, actor, "view", object_type="action_plan", object_id=plan.id)
    return plan, Section(
        key=section,
        title=SECTIONS[section],
        body=text.body if text else "",
        text_id=text.id if text else None,
        comments=[],
    )


def compare(
    db: Session, *, actor: Actor, year: int
) -> tuple[ActionPlanVersion | None, list[SectionChange]]:
    """This year's plan against the newest adopted plan before it, section by section (every
    line added or removed). The caller commits (the read is logged)."""
    plan = get_plan(db, actor=actor, year=year)
    previous = previous_adopted(db, year)
    now = texts_in_force(db, plan.id)
    before = texts_in_force(db, previous.id) if previous else {}
    changes = []
    for key, title in SECTIONS.items():
        old = before[key].body.splitlines() if key in before else []
        new = now[key].body.splitlines() if key in now else []
        lines = _line_diff(old, new)
        changes.append(SectionChange(key=key, title=title, changed=old != new, lines=lines))
    old, new = (goal_lines(db, previous.id) if previous else []), goal_lines(db, plan.id)
    changes.append(
        SectionChange(
            key=GOALS_KEY, title=GOALS_TITLE, changed=old != new, lines=_line_diff(old, new)
        )
    )
    audit.record(db, actor, "view", object_type="action_plan", object_id=plan.id)
    return previous, changes


_KINDS = {"+": "lagt_till", "-": "borttaget", " ": "samma"}


def _line_diff(old: list[str], new: list[str]) -> list[tuple[str, str]]:
    return [(_KINDS[line[0]], line[2:]) for line in difflib.ndiff(old, new) if line[0] in _KINDS]
