"""A previewed register extract applied on the job runner, not in the request.

"Genomför importen" queues the batch with one conditional UPDATE (a double click or a second
tab queues it once, and the view enqueues the job only then). A worker applies it in one
transaction that begins by claiming the row, so the import is all or nothing: a worker killed
halfway leaves the batch queued and the register as it was, and the minutely check enqueues it
again (PostgreSQL skips a batch another worker holds). Its page shows where it is.
"""

from __future__ import annotations

import json
import logging

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.base import utcnow
from kaa_web.models.register import ImportBatch
from kaa_web.permissions import Actor
from kaa_web.services import jobs
from kaa_web.services.errors import Invalid, NotFound
from kaa_web.services.register.importing import import_rows

log = logging.getLogger(__name__)

TASK = "register.import"
QUEUED, APPLIED, FAILED = "koad", "genomford", "misslyckad"
EXPIRED = "Förhandsgranskningen har gått ut och filen är raderad. Ladda upp den igen."
FAILED_MESSAGE = (
    "Importen kunde inte genomföras, och inget har sparats. Försök igen, och kontakta "
    "systemförvaltningen om det händer igen."
)


def get_import(db: Session, *, actor: Actor, batch_id: int) -> ImportBatch:
    """The batch for its page; NotFound for one that does not exist or an actor who may not
    import."""
    batch = db.get(ImportBatch, batch_id, populate_existing=True)
    if batch is None or not actor.can("register.import"):
        raise NotFound("import_batch")
    return batch


def queue_import(db: Session, *, actor: Actor, batch_id: int) -> bool:
    """Queue a previewed extract to be applied as `actor`; True when this call queued it (the
    caller commits, then enqueues TASK), False when it was queued or applied already."""
    batch = get_import(db, actor=actor, batch_id=batch_id)
    actor.need("register.protect")  # an extract sets and clears skyddade personuppgifter
    if batch.status == "utgangen":
        raise Invalid(EXPIRED)
    applier = {"staff_id": actor.staff_id, "username": actor.username, "roles": actor.role_text}
    queued = db.exec(
        sa.update(ImportBatch)
        .where(ImportBatch.id == batch_id, ImportBatch.status == "forhandsgranskad")
        .values(status=QUEUED, applied_at=utcnow(), applied_by=json.dumps(applier))
    ).rowcount
    if queued:
        audit.record(db, actor, "update", object_type="import_batch", object_id=batch_id)
    return bool(queued)


def _applier(batch: ImportBatch) -> Actor:
    """Who the job works as: the one who applied the batch, with their roles then."""
    who = json.loads(batch.applied_by)
    roles = frozenset(r for r in who["roles"].split(",") if r)
    return Actor(staff_id=who["staff_id"], username=who["username"], roles=roles)


def _claim(db: Session, batch_id: int) -> ImportBatch | None:
    """The queued batch, held by this transaction until it commits or rolls back (None: applied,
    failed, or being applied by another worker)."""
    free = (
        select(ImportBatch.id)
        .where(ImportBatch.id == batch_id, ImportBatch.status == QUEUED)
        .with_for_update(skip_locked=True)  # PostgreSQL: another worker's batch is skipped
    )
    if db.exec(free).first() is None:
        return None
    held = db.exec(  # SQLite: takes the write lock, so a second worker waits and then finds none
        sa.update(ImportBatch)
        .where(ImportBatch.id == batch_id, ImportBatch.status == QUEUED)
        .values(applied_at=utcnow())
    ).rowcount
    return db.get(ImportBatch, batch_id, populate_existing=True) if held else None


@jobs.task(TASK)
def run_import_job(db: Session, *, batch_id: int) -> None:
    """Apply a queued extract: every row or none, then its summary; or why it failed."""
    batch = _claim(db, batch_id)
    if batch is None:
        db.rollback()
        return
    actor = _applier(batch)
    try:
        preview = import_rows(db, actor=actor, content=batch.content)
    except Invalid as error:
        _fail(db, batch_id, " ".join(error.messages[:20]))
        return
    except Exception:
        log.exception("import batch %s failed", batch_id)
        _fail(db, batch_id, FAILED_MESSAGE)
        return
    batch.status, batch.summary, batch.content = APPLIED, preview.summary, None
    db.add(batch)
    audit.record(db, actor, "update", object_type="import_batch", object_id=batch_id)
    db.commit()


def _fail(db: Session, batch_id: int, reason: str) -> None:
    db.rollback()
    db.exec(
        sa.update(ImportBatch)
        .where(ImportBatch.id == batch_id, ImportBatch.status == QUEUED)
        .values(status=FAILED, summary=reason[:500], content=None)
    )
    db.commit()


@jobs.every_minute
def resume_stalled_imports(db: Session) -> None:
    """Enqueue again a batch queued longer than the lease that no worker holds: its message was
    lost, or its worker stopped (its transaction rolled back with it)."""
    stalled = db.exec(
        select(ImportBatch.id)
        .where(ImportBatch.status == QUEUED, ImportBatch.applied_at < utcnow() - jobs.lease(db))
        .with_for_update(skip_locked=True)
    ).all()
    db.rollback()
    for batch_id in stalled:
        log.warning("import batch %s stalled: enqueued again", batch_id)
        jobs.enqueue(TASK, batch_id=batch_id)
