"""One-time form codes: the same create form submitted twice saves once (double clicks, reloads)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session

from kaa_web.models.base import utcnow
from kaa_web.models.submissions import FormSubmission


def _token(form) -> str:
    field = getattr(form, "engangskod", None)
    return (field.data or "")[:64] if field is not None else ""


def earlier_result(db: Session, form) -> str | None:
    """Where the first submission of this very form sent the user, if it was saved already."""
    token = _token(form)
    row = db.get(FormSubmission, token) if token else None
    return row.location if row else None


def remember(db: Session, form, location: str) -> None:
    """Record the form as saved, in the caller's transaction (a racing twin then fails)."""
    if token := _token(form):
        db.add(FormSubmission(token=token, location=location[:500]))


def purge(db: Session, *, older_than_days: int = 2) -> int:
    """Forget codes no page can still hold (the nightly job)."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    result = db.exec(delete(FormSubmission).where(FormSubmission.created_at < cutoff))
    db.commit()
    return result.rowcount
