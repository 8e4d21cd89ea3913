"""What is due on the ladder: the worklist's groups of next steps and the start page's counts."""

from __future__ import annotations

import functools
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
from kaa_web.services.access import visibility_condition, visibility_of, youth_visibility

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
    return conditions + _scope_conditions(scope, actor.staff_id)


def _scope_conditions(scope: str, staff_id) -> list:
    if scope == "mina":
        return [Youth.officer_id == staff_id]
    if scope == "ofordelade":
        return [Youth.officer_id.is_(None)]
    return []


def _step_rows(conditions: list, step: str):
    """One step's earliest due rows: its own ORDER BY and LIMIT, so the (officer, status, step,
    due) index hands them over in due order and the work stays page-sized at any register size."""
    return (
        select(
            Youth.id,
            Youth.first_name,
            Youth.last_name,
            Youth.personnummer,
            Youth.next_step,
            Youth.next_step_due,
            Youth.officer_id,
        )
        .where(*conditions, Youth.next_step == step)
        .order_by(Youth.next_step_due, Youth.id)
        .limit(WORKLIST_LIMIT)
        .subquery()
    )


def _step_count(conditions: list, step: str):
    """One step's count, capped past a page."""
    capped = select(Youth.id).where(*conditions, Youth.next_step == step)
    capped = capped.limit(WORKLIST_LIMIT + 1).subquery()
    return select(sa.func.count()).select_from(capped).scalar_subquery()


WORKLIST_STEPS = [step for _key, _title, steps in WORKLIST_GROUPS for step in steps]


@functools.cache
def _worklist_statements(visibility: str, scope: str):
    """The worklist's two statements, built once per kind of viewer and scope (building them
    cost more than running them): every step's earliest due rows (a UNION ALL of the per-step
    queries) and every step's capped count. Run with today, the horizon and the viewer's id."""
    conditions = [
        visibility_condition(visibility, sa.bindparam("today", type_=sa.Date)),
        Youth.status == "aktiv",
        Youth.next_step_due <= sa.bindparam("horizon", type_=sa.Date),
        *_scope_conditions(scope, sa.bindparam("staff_id", type_=sa.Integer)),
    ]
    due = sa.union_all(*(select(_step_rows(conditions, s)) for s in WORKLIST_STEPS)).subquery()
    rows = select(due, StaffUser.display_name).outerjoin(
        StaffUser, StaffUser.id == due.c.officer_id
    )
    return rows, select(*(_step_count(conditions, s) for s in WORKLIST_STEPS))


def _due(db: Session, actor: Actor, scope: str, today: date) -> tuple[dict, dict]:
    """Every step's earliest due rows and its capped count, in two statements."""
    rows_statement, counts_statement = _worklist_statements(visibility_of(actor), scope)
    params = {"today": today, "horizon": today + timedelta(days=14), "staff_id": actor.staff_id}
    connection = db.connection()
    rows_of: dict[str, list] = {step: [] for step in WORKLIST_STEPS}
    for row in connection.execute(rows_statement, params):
        rows_of[row.next_step].append(row)
    counts = connection.execute(counts_statement, params).one()
    return rows_of, dict(zip(WORKLIST_STEPS, counts, strict=True))


def worklist(db: Session, *, actor: Actor, scope: str, today: date) -> list[WorkGroup]:
    """What is due: overdue, today and the next 14 days, grouped by step (bounded queries)."""
    rows_of, count_of = _due(db, actor, scope, today)
    groups = []
    for key, title, group_steps in WORKLIST_GROUPS:
        raw = sorted(
            (r for step in group_steps for r in rows_of[step]),
            key=lambda r: (r.next_step_due, r.id),
        )[:WORKLIST_LIMIT]
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
        groups.append(WorkGroup(key, title, rows, sum(count_of[s] for s in group_steps)))
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
