"""The worklist's actions that reach into other features (composition: it imports them, they
never import it): a task ticked there also finishes what it came from."""

from __future__ import annotations

from sqlmodel import Session

from kaa_web.permissions import Actor
from kaa_web.services import meetings, tasks


def complete_task(db: Session, *, actor: Actor, task_id: int) -> None:
    """Tick a task; one from a meeting's action point marks the point done too. NotFound for a
    task the actor may not see."""
    task = tasks.complete_task(db, actor=actor, task_id=task_id)
    if task is not None and task.source_type == "action_point" and task.source_id is not None:
        meetings.action_point_done(db, actor=actor, action_point_id=task.source_id)
