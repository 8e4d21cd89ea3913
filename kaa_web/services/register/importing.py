"""Import of a register extract: preview new/returning/changed/missing, apply all or nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.db import insert_rows
from kaa_web.models.base import local_today, utcnow
from kaa_web.models.register import (
    REGISTRATION_REASONS,
    ImportBatch,
    RegistrationPeriod,
    TimelineEntry,
    Youth,
)
from kaa_web.permissions import Actor
from kaa_web.rules import eligibility
from kaa_web.rules import outreach as ladder
from kaa_web.rules.text import clean_line
from kaa_web.rules.words import plural, thousands
from kaa_web.services import outreach, timeline
from kaa_web.services.errors import Invalid, NotFound
from kaa_web.services.register.editing import FIELD_LABELS
from kaa_web.services.register.extract import ExtractRow, parse_extract
from kaa_web.services.register.periods import RETURNING, register_again
from kaa_web.services.register.person import name_key

COMPARED = (
    "first_name",
    "last_name",
    "street_address",
    "postal_code",
    "city",
    "phone",
    "email",
    "district_id",
    "protected_identity",
)


@dataclass(frozen=True)
class MissingPerson:
    """Someone active from an earlier extract but not in this one (a person judges what to do)."""

    id: int
    full_name: str


PREVIEW_SHOWN = 50  # people named per list on the preview page


@dataclass
class Preview:
    """What applying the extract would do; `errors` non-empty means it cannot be applied."""

    batch_id: int | None = None
    new: list[ExtractRow] = field(default_factory=list)
    changed: list[tuple[Youth, list[str], ExtractRow]] = field(default_factory=list)
    # deregistered people in the extract: they come back with a new period (and any changes)
    returning: list[tuple[Youth, list[str], ExtractRow]] = field(default_factory=list)
    missing: list[MissingPerson] = field(default_factory=list)
    too_old: list[ExtractRow] = field(default_factory=list)  # new, 20 or older: not registered
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def changed_shown(self) -> list[tuple[Youth, list[str], ExtractRow]]:
        """The changed people the preview page names (the first PREVIEW_SHOWN)."""
        return self.changed[:PREVIEW_SHOWN]

    @property
    def returning_shown(self) -> list[tuple[Youth, list[str], ExtractRow]]:
        """The returning people the preview page names (the first PREVIEW_SHOWN)."""
        return self.returning[:PREVIEW_SHOWN]

    @property
    def missing_shown(self) -> list[MissingPerson]:
        """The missing people the preview page names (the first PREVIEW_SHOWN)."""
        return self.missing[:PREVIEW_SHOWN]

    @property
    def summary(self) -> str:
        """What the import did, in words: "1 ny, 2 ändrade, 40 oförändrade, 0 saknas i utdraget"."""
        parts = [
            plural(len(self.new), "ny", "nya"),
            *([f"{thousands(len(self.returning))} {RETURNING}"] if self.returning else []),
            plural(len(self.changed), "ändrad", "ändrade"),
            plural(self.unchanged, "oförändrad", "oförändrade"),
            f"{thousands(len(self.missing))} saknas i utdraget",
        ]
        if self.too_old:
            parts.append(plural(len(self.too_old), "ny", "nya") + " över 20 år registrerades inte")
        return ", ".join(parts)


def _existing(db: Session, numbers: list[str]) -> dict[str, Youth]:
    found = {}
    for start in range(0, len(numbers), 900):
        chunk = numbers[start : start + 900]
        for youth in db.exec(select(Youth).where(Youth.personnummer.in_(chunk))):
            found[youth.personnummer] = youth
    return found


def _diff(db: Session, rows: list[ExtractRow], today: date) -> Preview:
    preview = Preview()
    existing = _existing(db, [r.personnummer for r in rows])
    for row in rows:
        youth = existing.get(row.personnummer)
        if youth is None:
            # The register may hold only people under 20: an older one is left out and
            # listed, not an error (a nightly extract must not fail on a 20th birthday).
            covered = eligibility.covered_on(row.birth_date, today)
            (preview.new if covered else preview.too_old).append(row)
            continue
        changed = [k for k in COMPARED if getattr(youth, k) != row.values[k]]
        if youth.status == "avregistrerad" and eligibility.covered_on(row.birth_date, today):
            preview.returning.append((youth, changed, row))
        elif changed:
            preview.changed.append((youth, changed, row))
        else:
            preview.unchanged += 1
    in_file = {r.personnummer for r in rows}
    imported = db.exec(
        select(Youth.id, Youth.personnummer, Youth.first_name, Youth.last_name)
        .join(
            RegistrationPeriod,
            sa.and_(RegistrationPeriod.youth_id == Youth.id, RegistrationPeriod.latest),
        )
        .where(Youth.status == "aktiv", RegistrationPeriod.registration_source == "import")
    ).all()
    preview.missing = [
        MissingPerson(r[0], f"{r[2]} {r[3]}") for r in imported if r[1] not in in_file
    ]
    for row in preview.new:
        if not row.reason:
            preview.errors.append(f"Rad {row.line}: ny person i registret behöver en orsak.")
    for _youth, _changed, row in preview.returning:
        if not row.reason:
            preview.errors.append(
                f"Rad {row.line}: personen {RETURNING} till KAA och behöver en orsak."
            )
    return preview


def preview_import(db: Session, *, actor: Actor, filename: str, content: bytes) -> Preview:
    """Parse and compare; a clean file is stored so the user can apply exactly what they saw."""
    if not actor.can("register.import"):
        raise NotFound
    today = local_today()
    rows, errors = parse_extract(db, content, today)
    if errors:
        return Preview(errors=errors)
    preview = _diff(db, rows, today)
    if preview.errors:
        return preview
    batch = ImportBatch(
        sha256=hashlib.sha256(content).hexdigest(),
        filename=clean_line(filename)[:200],
        content=content,
        staff_id=actor.staff_id,
        summary=f"Förhandsgranskad: {preview.summary}",
    )
    db.add(batch)
    db.flush()
    preview.batch_id = batch.id
    audit.record(db, actor, "create", object_type="import_batch", object_id=batch.id)
    shown = [youth.id for youth, _changed, _row in preview.changed_shown]
    shown += [youth.id for youth, _changed, _row in preview.returning_shown]
    shown += [person.id for person in preview.missing_shown]
    audit.record_many(
        db, actor, "view", object_type="youth", items=[(i, i) for i in dict.fromkeys(shown)]
    )
    return preview


def _new_rows(rows: list[ExtractRow], today: date, delays: ladder.LadderRules) -> list[dict]:
    """Insert values for new people, with their first next step (no history yet)."""
    now, values = utcnow(), []
    for row in rows:
        facts = ladder.PersonFacts(birth_date=row.birth_date, registered_on=today)
        step = ladder.next_step(facts, [], today, delays)
        values.append(
            dict(
                personnummer=row.personnummer,
                birth_date=row.birth_date,
                gender=row.gender,
                first_name_key=name_key(row.values["first_name"]),
                last_name_key=name_key(row.values["last_name"]),
                status="aktiv",
                occupation="okand",
                next_step=step.kind if step else None,
                next_step_due=step.due if step else None,
                version=1,
                created_at=now,
                updated_at=now,
                **row.values,
            )
        )
    return values


def _insert_new(db: Session, actor: Actor, rows: list[ExtractRow], today: date) -> list[int]:
    """New people in bulk (thousands per statement), each with a timeline entry and a log event.

    Bulk inserts, not ORM objects: building 20,000 ORM objects alone takes many seconds.
    """
    ids = insert_rows(
        db, Youth.__table__, _new_rows(rows, today, outreach.rules(db)), return_ids=True
    )
    now = utcnow()
    periods = [
        dict(
            youth_id=youth_id,
            registered_on=today,
            registration_reason=row.reason,
            registration_source="import",
            latest=True,
            created_at=now,
        )
        for youth_id, row in zip(ids, rows, strict=True)
    ]
    insert_rows(db, RegistrationPeriod.__table__, periods)
    entries = [
        dict(
            youth_id=youth_id,
            at=now,
            staff_id=actor.staff_id,
            kind="registrerad",
            title=f"Registrerad i KAA från registerutdrag "
            f"({REGISTRATION_REASONS[row.reason].lower()})",
            ref_type="",
        )
        for youth_id, row in zip(ids, rows, strict=True)
    ]
    insert_rows(db, TimelineEntry.__table__, entries)
    audit.record_many(db, actor, "create", object_type="youth", items=((i, i) for i in ids))
    return ids


def _record_protection(db: Session, actor: Actor, preview: Preview, new_ids: list[int]) -> None:
    """Skyddade personuppgifter set or cleared by the extract: audit actions of their own."""
    protected = [
        i for i, row in zip(new_ids, preview.new, strict=True) if row.values["protected_identity"]
    ]
    cleared = []
    for youth, changed, _row in preview.changed + preview.returning:
        if "protected_identity" in changed:
            (protected if youth.protected_identity else cleared).append(youth.id)
    for action, ids in (("protection_set", protected), ("protection_cleared", cleared)):
        audit.record_many(db, actor, action, object_type="youth", items=((i, i) for i in ids))


def _apply_changes(db: Session, actor: Actor, changes: list[tuple[Youth, list[str], ExtractRow]]):
    """The extract's new values onto people already in the register, each with a timeline line."""
    for youth, changed, row in changes:
        if not changed:
            continue
        for key in changed:
            setattr(youth, key, row.values[key])
        youth.first_name_key = name_key(youth.first_name)
        youth.last_name_key = name_key(youth.last_name)
        youth.version += 1
        youth.updated_at = utcnow()
        db.add(youth)
        labels = ", ".join(FIELD_LABELS[k] for k in changed)
        timeline.add_entry(
            db,
            actor=actor,
            youth_id=youth.id,
            kind="andrad",
            title=f"Uppgifter ändrade från registerutdrag: {labels}",
        )
    ids = [youth.id for youth, changed, _r in changes if changed]
    audit.record_many(db, actor, "update", object_type="youth", items=((i, i) for i in ids))


def _apply_rows(db: Session, actor: Actor, preview: Preview, today: date) -> None:
    new_ids = _insert_new(db, actor, preview.new, today)
    _apply_changes(db, actor, preview.changed + preview.returning)
    db.flush()
    for youth, _changed, row in preview.returning:
        register_again(
            db, actor=actor, youth_id=youth.id, reason=row.reason, source="import", on=today
        )
    _record_protection(db, actor, preview, new_ids)
    db.flush()


def import_rows(db: Session, *, actor: Actor, content: bytes) -> Preview:
    """Parse, compare and write in the caller's transaction: all rows or none."""
    if not actor.can("register.import"):
        raise NotFound
    actor.need("register.protect")  # an extract sets and clears skyddade personuppgifter
    today = local_today()
    rows, errors = parse_extract(db, content, today)
    if errors:
        raise Invalid(*errors)
    preview = _diff(db, rows, today)
    if preview.errors:
        raise Invalid(*preview.errors)
    _apply_rows(db, actor, preview, today)
    return preview


def apply_import(db: Session, *, actor: Actor, batch_id: int) -> Preview:
    """Apply a previewed extract once; applying the same file again changes nothing.

    The file's content is deleted as it is applied: its hash and summary are kept."""
    batch = db.get(ImportBatch, batch_id)
    if batch is None or not actor.can("register.import"):
        raise NotFound
    if batch.status == "utgangen":
        raise Invalid("Förhandsgranskningen har gått ut och filen är raderad. Ladda upp den igen.")
    # Claim the batch with a conditional update: a double click applies it exactly once.
    claimed = db.exec(
        sa.update(ImportBatch)
        .where(ImportBatch.id == batch_id, ImportBatch.status == "forhandsgranskad")
        .values(status="genomford", applied_at=utcnow())
    )
    if claimed.rowcount != 1:
        raise Invalid("Den här importen är redan genomförd.")
    db.refresh(batch)
    preview = import_rows(db, actor=actor, content=batch.content)
    batch.summary = preview.summary
    batch.content = None
    db.add(batch)
    audit.record(db, actor, "update", object_type="import_batch", object_id=batch.id)
    return preview


def purge_unapplied(db: Session, *, retention_hours: int) -> int:
    """The nightly job: delete the content of extracts previewed but not applied within
    `retention_hours` (they hold the whole register's names and addresses); keep hash and
    summary. Commits."""
    cutoff = utcnow() - timedelta(hours=retention_hours)
    result = db.exec(
        sa.update(ImportBatch)
        .where(ImportBatch.status == "forhandsgranskad", ImportBatch.created_at < cutoff)
        .values(status="utgangen", content=None)
    )
    db.commit()
    return result.rowcount
