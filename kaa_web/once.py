"""One-time form codes: a create form submitted twice (double click, reload, two racing tabs)
saves once, and the second submission is sent where the first went.

Every create form carries a random code (`OnceForm.engangskod`, or `once_code()` in a template
for a row of small forms). Before it writes, the view asks whether the code was used already
(`earlier_result`: then it redirects there and does nothing). Saving adds the code's row in the
same transaction (`remember`): a twin that raced past the first check fails on that row's key —
it waits for the first to commit — and the app's IntegrityError handler rolls the twin back and
sends it to `earlier_location(code)`. The row is written last so that nothing before it holds
SQLite's write lock (a refusal logged in a session of its own must not wait for it).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session

from kaa_web.models.base import utcnow
from kaa_web.models.submissions import FormSubmission

CODE_MAX = 64


def new_code() -> str:
    return secrets.token_urlsafe(16)


def code_of(form) -> str:
    """The form's one-time code ("" for a form without one)."""
    field = getattr(form, "engangskod", None)
    return (field.data or "")[:CODE_MAX] if field is not None else ""


def earlier_location(db: Session, code: str) -> str | None:
    row = db.get(FormSubmission, code, populate_existing=True) if code else None
    return row.location if row else None


def earlier_result(db: Session, form) -> str | None:
    """Where the first submission of this very form sent the user, if it was saved already."""
    return earlier_location(db, code_of(form))


def remember(db: Session, form, location: str) -> None:
    """Record the form as saved, in the caller's transaction (a racing twin then fails)."""
    if code := code_of(form):
        db.add(FormSubmission(token=code, location=location[:500]))


def purge(db: Session, *, older_than_days: int = 2) -> int:
    """Forget codes no page can still hold (the nightly job)."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    result = db.exec(delete(FormSubmission).where(FormSubmission.created_at < cutoff))
    db.commit()
    return result.rowcount
