"""Writing the action plan: a year's draft (a copy of the adopted plan before it), its sections'
texts (every save kept), comments, and the adoption that locks it."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.action_plan import (
    SECTIONS,
    ActionPlanComment,
    ActionPlanText,
    ActionPlanVersion,
)
from kaa_web.models.base import utcnow
from kaa_web.permissions import Actor
from kaa_web.services.action_plan.base import draft_of, previous_adopted, texts_in_force
from kaa_web.services.action_plan.goals import copy_goals
from kaa_web.services.action_plan.linked import linked_parts
from kaa_web.services.action_plan.review import decided_changes
from kaa_web.services.errors import EditConflict, Invalid, NotFound

MAX_TEXT = 20_000


def start_draft(db: Session, *, actor: Actor, year: int) -> ActionPlanVersion:
    """A new draft for `year`, starting as a copy of the newest adopted plan before it (or an
    empty plan for the first year). The caller commits."""
    actor.need("action_plan.write")
    if not 2000 <= year <= date.today().year + 5:
        raise Invalid(field_errors={"year": "Ange ett år mellan 2000 och fem år framåt."})
    if db.exec(select(ActionPlanVersion.id).where(ActionPlanVersion.year == year)).first():
        raise Invalid(field_errors={"year": f"Det finns redan en handlingsplan för {year}."})
    source = previous_adopted(db, year)
    plan = ActionPlanVersion(
        year=year, based_on_id=source.id if source else None, created_by_id=actor.staff_id
    )
    db.add(plan)
    db.flush()
    if source is not None:
        copy_goals(db, source, plan)
        if changes := decided_changes(db, source.id):
            db.add(
                ActionPlanComment(
                    plan_id=plan.id,
                    body=f"Beslutade ändringar i uppföljningen av {source.year}: {changes}"[:2000],
                    staff_id=actor.staff_id,
                )
            )
        for text in texts_in_force(db, source.id).values():
            db.add(
                ActionPlanText(
                    plan_id=plan.id,
                    section=text.section,
                    body=text.body,
                    saved_by_id=actor.staff_id,
                )
            )
    audit.record(db, actor, "create", object_type="action_plan", object_id=plan.id)
    return plan


def save_section(
    db: Session, *, actor: Actor, year: int, section: str, body: str, base_text_id: int | None
) -> ActionPlanText | None:
    """Save one section's text as its new version (the old one stays as history). EditConflict
    if someone saved the section since the form was loaded; None if nothing changed. The caller
    commits."""
    if section not in SECTIONS:
        raise NotFound(f"section {section}")
    plan = draft_of(db, actor, year, "write")
    if len(body) > MAX_TEXT:
        raise Invalid(field_errors={"body": f"Texten får vara högst {MAX_TEXT} tecken."})
    current = texts_in_force(db, plan.id).get(section)
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
    plan = draft_of(db, actor, year, "comment")
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
    plan = draft_of(db, actor, year, "write")
    if plan.version != version:
        raise EditConflict(plan)
    if decided_on > date.today():
        raise Invalid(field_errors={"decided_on": "Beslutsdatumet kan inte ligga i framtiden."})
    texts = texts_in_force(db, plan.id)
    missing = [t for k, t in SECTIONS.items() if k not in texts or not texts[k].body.strip()]
    if missing:
        raise Invalid(
            "Alla avsnitt måste ha text innan planen antas. Saknas: " + ", ".join(missing) + "."
        )
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
