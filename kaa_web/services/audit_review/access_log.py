"""The read log of one young person for the data-protection officer: which staff read their
data, and when. An internal document, never sent out with the register extract."""

from __future__ import annotations

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.audit import AUDIT_ACTIONS, AUDIT_OBJECTS, AuditEvent
from kaa_web.models.base import LOCAL_TZ
from kaa_web.models.register import Youth
from kaa_web.permissions import ROLE_LABELS, Actor
from kaa_web.services import documents, letter_context
from kaa_web.services.audit_review.flags import READS, ReviewFilter, event_conditions
from kaa_web.services.auth import account_names
from kaa_web.services.errors import NotFound

MAX_ROWS = 5000  # a longer log is asked for a shorter period at a time


def _row(event: AuditEvent, names: dict[str, str]) -> dict:
    name = names.get(event.username.lower())
    roles = ", ".join(ROLE_LABELS.get(r, r) for r in event.role.split(",") if r)
    return {
        "tid": event.at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M"),
        "namn": f"{name} ({event.username})" if name else event.username,
        "roll": roles,
        "vad": f"{AUDIT_ACTIONS[event.action]}: {AUDIT_OBJECTS[event.object_type]}",
    }


def read_log_document(db: Session, *, actor: Actor, filters: ReviewFilter) -> tuple[str, bytes]:
    """(file name, .docx) of every read of the person `filters.youth_id` in the period, oldest
    first; making it is logged. The caller commits."""
    actor.need("audit.review")
    youth = db.get(Youth, filters.youth_id) if filters.youth_id is not None else None
    if youth is None:
        raise NotFound(filters.youth_id)
    events = list(
        db.exec(
            select(AuditEvent)
            .where(*event_conditions(filters), AuditEvent.action.in_(READS))
            .order_by(AuditEvent.at, AuditEvent.id)
            .limit(MAX_ROWS + 1)
        ).all()
    )
    names = account_names(db, (e.username for e in events))
    context = {
        "mottagare": letter_context.recipient("Dataskyddsombudet"),
        "handlaggare": letter_context.sender(db, actor),
        "ungdom": letter_context.young_person(youth),
        "logg": {
            "fran": filters.date_from,
            "till": filters.date_to,
            "rader": [_row(e, names) for e in events[:MAX_ROWS]],
            "fler": "Ja" if len(events) > MAX_ROWS else "",
        },
    }
    content = documents.render_internal(db, doc_type="atkomstlogg", context=context)
    audit.record(
        db, actor, "export", object_type="access_log", object_id=youth.id, youth_id=youth.id
    )
    return f"atkomstlogg_{youth.id}_{filters.date_from}_{filters.date_to}.docx", content
