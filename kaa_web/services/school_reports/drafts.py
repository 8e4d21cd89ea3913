"""Drafts: what a school user has typed, kept until the report is sent (purged nightly)."""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web.models.base import utcnow
from kaa_web.models.school_reports import REPORT_KINDS, ReportDraft
from kaa_web.permissions import Actor
from kaa_web.services.errors import Invalid

MAX_DRAFT_CHARS = 50_000


def save_draft(db: Session, *, actor: Actor, form: str, data: dict) -> None:
    """Keep what the user has typed (never the CSRF token) until the report is sent."""
    if actor.staff_id is None or form not in REPORT_KINDS:
        return
    clean = {k: v for k, v in data.items() if k not in ("csrf_token", "file")}
    text = json.dumps(clean, ensure_ascii=False)
    if len(text) > MAX_DRAFT_CHARS:
        raise Invalid("Utkastet är för stort för att sparas.")
    draft = db.exec(
        select(ReportDraft).where(ReportDraft.staff_id == actor.staff_id, ReportDraft.form == form)
    ).first() or ReportDraft(staff_id=actor.staff_id, form=form)
    draft.data, draft.updated_at = text, utcnow()
    db.add(draft)


def get_draft(db: Session, *, actor: Actor, form: str) -> dict | None:
    draft = db.exec(
        select(ReportDraft).where(ReportDraft.staff_id == actor.staff_id, ReportDraft.form == form)
    ).first()
    return json.loads(draft.data) if draft else None


def purge_old_drafts(db: Session, *, retention_days: int) -> int:
    """Delete drafts untouched for `retention_days` (the nightly job): they hold personal data."""
    cutoff = utcnow() - timedelta(days=retention_days)
    result = db.exec(sa.delete(ReportDraft).where(ReportDraft.updated_at < cutoff))
    db.commit()
    return result.rowcount


def delete_draft(db: Session, *, actor: Actor, form: str) -> None:
    for draft in db.exec(
        select(ReportDraft).where(ReportDraft.staff_id == actor.staff_id, ReportDraft.form == form)
    ).all():
        db.delete(draft)
