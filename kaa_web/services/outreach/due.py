"""What is due on the ladder: the worklist's groups of next steps and the start page's counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.auth import StaffUser
from kaa_web.models.register import Youth
from kaa_web.permissions import Actor
from kaa_web.rules import outreach as ladder
from kaa_web.rules import personnummer as pnr
from kaa_web.services.access import youth_visibility

WORKLIST_GROUPS = (
    ("brev", "Brev och kort att skicka", ("brev", "vykort", "besoksvykort", "brev_20")),
    ("kontakt", "Samtal, sms och e-post", ("kontakt",)),
    ("besok", "Hembesök att genomföra", ("hembesok",)),
    ("uppfoljning", "Kartläggning och uppföljning", ("kartlaggning", "uppfoljning")),
    ("anmalan", "Anmälningar att göra", ("skatteverket", "orosanmalan")),
    ("avregistrering", "Avregistreringar", ("avregistrering",)),
)
WORKLIST_LIMIT = 50


@dataclass(frozen=True)
class WorkRow:
    id: int
    name: str
    masked_pnr: str
    step: str
    step_label: str
    due: date
    overdue: bool
    due_today: bool
    officer: str


@dataclass(frozen=True)
class WorkGroup:
    key: str
    title: str
    rows: list[WorkRow]
    total: int


def due_conditions(actor: Actor, scope: str, today: date) -> list:
    conditions = [
        youth_visibility(actor),
        Youth.status == "aktiv",
        Youth.next_step_due <= today + timedelta(days=14),
    ]
    if scope == "mina":
        conditions.append(Youth.officer_id == actor.staff_id)
    elif scope == "ofordelade":
        conditions.append(Youth.officer_id.is_(None))
    return conditions


def _due_rows(db: Session, conditions: list, step: str) -> tuple[list, int]:
    """One step's earliest due rows and a capped count.

    One query per step (not an IN over the group's steps) so the (officer, status, step, due)
    index hands rows over in due order: the work stays page-sized at any register size.
    """
    where = [*conditions, Youth.next_step == step]
    rows = db.exec(
        select(
            Youth.id,
            Youth.first_name,
            Youth.last_name,
            Youth.personnummer,
            Youth.next_step,
            Youth.next_step_due,
            StaffUser.display_name,
        )
        .outerjoin(StaffUser, StaffUser.id == Youth.officer_id)
        .where(*where)
        .order_by(Youth.next_step_due, Youth.id)
        .limit(WORKLIST_LIMIT)
    ).all()
    capped = select(Youth.id).where(*where).limit(WORKLIST_LIMIT + 1).subquery()
    return list(rows), db.exec(select(sa.func.count()).select_from(capped)).one()


def worklist(db: Session, *, actor: Actor, scope: str, today: date) -> list[WorkGroup]:
    """What is due: overdue, today and the next 14 days, grouped by step (bounded queries)."""
    conditions = due_conditions(actor, scope, today)
    groups = []
    for key, title, steps in WORKLIST_GROUPS:
        raw, total = [], 0
        for step in steps:
            rows, count = _due_rows(db, conditions, step)
            raw.extend(rows)
            total += count
        raw = sorted(raw, key=lambda r: (r.next_step_due, r.id))[:WORKLIST_LIMIT]
        rows = [
            WorkRow(
                r.id,
                f"{r.first_name} {r.last_name}",
                pnr.mask(r.personnummer),
                r.next_step,
                ladder.STEP_LABELS[r.next_step],
                r.next_step_due,
                r.next_step_due < today,
                r.next_step_due == today,
                r.display_name or "",
            )
            for r in raw
        ]
        groups.append(WorkGroup(key, title, rows, total))
    audit.record(db, actor, "view", object_type="worklist")
    shown = [(row.id, row.id) for group in groups for row in group.rows]
    audit.record_many(db, actor, "view", object_type="worklist", items=shown)  # each person
    return groups


@dataclass(frozen=True)
class DueSummary:
    overdue: int
    today: int
    coming: int


def due_summary(db: Session, *, actor: Actor, today: date) -> DueSummary:
    """The signed-in officer's own next steps: overdue, due today, due within 14 days."""
    mine = [youth_visibility(actor), Youth.status == "aktiv", Youth.officer_id == actor.staff_id]

    def count(*conditions) -> int:
        capped = select(Youth.id).where(*mine, *conditions).limit(1000).subquery()
        return db.exec(select(sa.func.count()).select_from(capped)).one()

    return DueSummary(
        overdue=count(Youth.next_step_due < today),
        today=count(Youth.next_step_due == today),
        coming=count(
            Youth.next_step_due > today, Youth.next_step_due <= today + timedelta(days=14)
        ),
    )
