"""Worklist tasks: features create them (with a source), staff complete them; imports no feature."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import utcnow
from kaa_web.models.register import Youth
from kaa_web.models.tasks import Task
from kaa_web.permissions import Actor
from kaa_web.services.access import youth_visibility
from kaa_web.services.errors import NotFound

TASK_KINDS = {
    "mote_skola": "Möte med skolan",
    "forsta_kontakt": "Anordnarens första kontakt",
    "manadsrapport": "Månadsrapport",
    "uppfoljning": "Uppföljning",
    "atgardspunkt": "Åtgärdspunkt",
    "scb_fil": "SCB-fil",
    "ovrigt": "Uppgift",
}


def create_task(
    db: Session,
    *,
    actor: Actor,
    kind: str,
    title: str,
    due: date,
    youth_id: int | None = None,
    assigned_to: int | None = None,
    source: tuple[str, int | None] = ("", None),
) -> Task:
    """Add a task in the caller's transaction."""
    if kind not in TASK_KINDS:
        raise ValueError(f"unknown task kind {kind!r}")
    task = Task(
        kind=kind,
        title=title[:300],
        due=due,
        youth_id=youth_id,
        assigned_to=assigned_to,
        source_type=source[0],
        source_id=source[1],
        created_by=actor.staff_id,
    )
    db.add(task)
    db.flush()
    return task


def close_tasks_for(
    db: Session,
    *,
    actor: Actor,
    source_type: str,
    source_id=None,
    kind: str | None = None,
) -> int:
    """Mark a source's open tasks done (e.g. when the report they ask for arrives).

    `source_id` is one id, or a subquery/list of ids to close many sources at once."""
    ids = source_id if isinstance(source_id, list | sa.Select) else [source_id]
    query = select(Task).where(
        Task.source_type == source_type, Task.source_id.in_(ids), Task.done_at.is_(None)
    )
    if kind:
        query = query.where(Task.kind == kind)
    tasks = db.exec(query).all()
    for task in tasks:
        task.done_at, task.done_by = utcnow(), actor.staff_id
        db.add(task)
    return len(tasks)


def _visible_tasks(actor: Actor):
    """Tasks about a person the actor may see; others only if theirs or unassigned.

    Applies to a query that outer-joins Youth on Task.youth_id, so the check is made per task
    row, never by listing every visible person (the register may hold 150,000).
    """
    about_visible = sa.and_(Task.youth_id.is_not(None), youth_visibility(actor))
    mine_or_open = sa.or_(Task.assigned_to == actor.staff_id, Task.assigned_to.is_(None))
    return sa.or_(about_visible, sa.and_(Task.youth_id.is_(None), mine_or_open))


def complete_task(db: Session, *, actor: Actor, task_id: int) -> Task | None:
    """Mark done a task the actor may see: the task, or None when it was done already.

    What the task came from is the caller's to finish (the worklist tells meetings)."""
    task = db.exec(
        select(Task)
        .outerjoin(Youth, Youth.id == Task.youth_id)
        .where(Task.id == task_id, _visible_tasks(actor))
    ).first()
    if task is None:
        raise NotFound
    if task.done_at is not None:
        return None
    task.done_at, task.done_by = utcnow(), actor.staff_id
    db.add(task)
    audit.record(db, actor, "update", object_type="task", object_id=task.id, youth_id=task.youth_id)
    return task


@dataclass(frozen=True)
class TaskRow:
    id: int
    kind_label: str
    title: str
    due: date
    overdue: bool
    due_today: bool
    youth_id: int | None
    youth_name: str
    assignee: str


def tasks_due(
    db: Session, *, actor: Actor, scope: str, today: date, limit: int = 100
) -> list[TaskRow]:
    """Open tasks due within 14 days (or overdue), for me, unassigned, or everyone."""
    conditions = [
        Task.done_at.is_(None),
        Task.due <= today + timedelta(days=14),
        _visible_tasks(actor),
    ]
    if scope == "mina":
        conditions.append(Task.assigned_to == actor.staff_id)
    elif scope == "ofordelade":
        conditions.append(Task.assigned_to.is_(None))
    rows = db.exec(
        select(Task, Youth.first_name, Youth.last_name, StaffUser.display_name)
        .outerjoin(Youth, Youth.id == Task.youth_id)
        .outerjoin(StaffUser, StaffUser.id == Task.assigned_to)
        .where(*conditions)
        .order_by(Task.due, Task.id)
        .limit(limit)
    ).all()
    about = [(t.id, t.youth_id) for t, *_names in rows if t.youth_id is not None]
    audit.record_many(db, actor, "view", object_type="task", items=about)  # names shown
    return [
        TaskRow(
            t.id,
            TASK_KINDS[t.kind],
            t.title,
            t.due,
            t.due < today,
            t.due == today,
            t.youth_id,
            f"{first} {last}" if first else "",
            assignee or "",
        )
        for t, first, last, assignee in rows
    ]
