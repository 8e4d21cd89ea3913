"""Making the half-year's file: refused while a value has no code or problems are unconfirmed,
stored with its mapping, maker and summary, replacing the half-year's earlier file; downloads
logged per person in it."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.scb import ScbExport, ScbMapping
from kaa_web.permissions import Actor
from kaa_web.rules import scb as rules
from kaa_web.rules.personnummer import mask
from kaa_web.services import tasks
from kaa_web.services.errors import Invalid
from kaa_web.services.scb.checks import check_half_year, latest_export, reportable
from kaa_web.services.scb.file import extension, file_bytes, headers, person_rows, writer_for
from kaa_web.services.scb.mapping import unmapped

REMINDER_SOURCE = "scb_halvar"  # the worklist task's source: the half-year's key
CONFIRM = "Bekräfta att filen ska göras trots problemen som finns kvar."


def make_export(db: Session, *, actor: Actor, key: int, confirmed: bool) -> ScbExport:
    """The complete file for the half-year through its own mapping, stored; the half-year's
    export task on the worklist is done."""
    actor.need("scb.export")
    checked = check_half_year(db, key, against_sent=False)
    if checked.mapping is None:
        raise Invalid(
            f"Det finns ingen mappning som gäller för {rules.label(key).lower()}. "
            "Administratören lägger upp den under Administration, SCB-filen."
        )
    if missing := unmapped(checked.mapping):
        raise Invalid("Filen kan inte göras: alla värden måste ha en kod i mappningen.", *missing)
    problems = checked.figures.problems
    if problems and not confirmed:
        raise Invalid(CONFIRM, field_errors={"bekraftar": CONFIRM})
    period = rules.period_of(key)
    header = headers(checked.mapping)
    snapshot, rows = {}, []
    writer = writer_for(checked.mapping, period)
    for person in checked.people:
        if not reportable(person.personnummer):
            continue
        own = person_rows(writer, person)
        rows += own
        snapshot[str(person.youth_id)] = {"pnr": person.personnummer, "rows": own}
    content, content_type = file_bytes(checked.mapping, header, rows)
    earlier = latest_export(db, key)
    export = ScbExport(
        half_year=key,
        mapping_id=checked.mapping_id,
        mapping_version=_version(db, checked.mapping_id),
        file_name=f"kaa-scb-{rules.short(key)}.{extension(checked.mapping)}",
        content_type=content_type,
        content=content,
        rows=len(rows),
        people=len(snapshot),
        problems=problems,
        confirmed=bool(problems and confirmed),
        replaces_id=earlier.id if earlier else None,
        snapshot=json.dumps({"headers": header, "people": snapshot}, ensure_ascii=False),
        created_by=actor.username,
    )
    db.add(export)
    db.flush()
    audit.record(db, actor, "create", object_type="scb_export", object_id=export.id)
    tasks.close_tasks_for(db, actor=actor, source_type=REMINDER_SOURCE, source_id=key)
    return export


def _version(db: Session, mapping_id: int) -> int:
    return db.get(ScbMapping, mapping_id).version


def get_export(db: Session, *, actor: Actor, export_id: int) -> ScbExport:
    actor.need("scb.export")
    export = db.get(ScbExport, export_id)
    if export is None:
        raise audit.record_denied(db, actor, object_type="scb_export", object_id=export_id)
    return export


def exports_of(db: Session, *, actor: Actor, key: int) -> list[ScbExport]:
    """The half-year's files, the newest (the one that counts) first."""
    actor.need("scb.export")
    return list(
        db.exec(select(ScbExport).where(ScbExport.half_year == key).order_by(ScbExport.id.desc()))
    )


def download(db: Session, *, actor: Actor, export_id: int) -> ScbExport:
    """The file, each person in it logged as exported to this user."""
    export = get_export(db, actor=actor, export_id=export_id)
    people = json.loads(export.snapshot)["people"]
    audit.record(db, actor, "export", object_type="scb_export", object_id=export.id)
    audit.record_many(
        db,
        actor,
        "export",
        object_type="scb_export",
        items=[(export.id, int(youth_id)) for youth_id in people],
    )
    return export


@dataclass(frozen=True)
class Change:
    youth_id: int
    personnummer: str  # masked
    columns: tuple[str, ...]  # the headers whose value changed ("" for added/removed)


@dataclass(frozen=True)
class Diff:
    earlier: ScbExport | None
    added: tuple[Change, ...]
    removed: tuple[Change, ...]
    changed: tuple[Change, ...]


def diff_of(db: Session, *, actor: Actor, export: ScbExport) -> Diff:
    """What this file changes against the one it replaces: people added, removed, changed."""
    actor.need("scb.export")
    earlier = db.get(ScbExport, export.replaces_id) if export.replaces_id else None
    if earlier is None:
        return Diff(None, (), (), ())
    new, old = json.loads(export.snapshot), json.loads(earlier.snapshot)
    new_by, old_by = _by_number(new), _by_number(old)
    added = [_change(new_by[n], ()) for n in sorted(new_by.keys() - old_by.keys())]
    removed = [_change(old_by[n], ()) for n in sorted(old_by.keys() - new_by.keys())]
    changed = []
    for number in sorted(new_by.keys() & old_by.keys()):
        columns = _changed_columns(
            new["headers"], new_by[number][1], old["headers"], old_by[number][1]
        )
        if columns:
            changed.append(_change(new_by[number], columns))
    shown = [*added, *removed, *changed]
    audit.record_many(
        db, actor, "view", object_type="scb_export", items=[(export.id, c.youth_id) for c in shown]
    )
    return Diff(earlier, tuple(added), tuple(removed), tuple(changed))


def _by_number(snapshot: dict) -> dict[str, tuple[int, list, str]]:
    return {
        p["pnr"]: (int(youth_id), p["rows"], p["pnr"]) for youth_id, p in snapshot["people"].items()
    }


def _change(entry: tuple[int, list, str], columns) -> Change:
    return Change(entry[0], mask(entry[2]), tuple(columns))


def _changed_columns(new_headers, new_rows, old_headers, old_rows) -> tuple[str, ...]:
    """The headers whose values differ, compared by header (a new mapping may reorder them)."""
    if len(new_rows) != len(old_rows):
        return ("antal rader",)
    changed = []
    for new_row, old_row in zip(new_rows, old_rows, strict=True):
        old = dict(zip(old_headers, old_row, strict=False))
        for header, value in zip(new_headers, new_row, strict=False):
            if old.get(header) != value and header not in changed:
                changed.append(header)
    return tuple(changed)
