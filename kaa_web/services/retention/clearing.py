"""What gallring clears in each data category, for a batch of people, as bulk statements.

Everything the statistics read stays: gender, birth year-month, district, registration periods,
contacts' dates, kinds and outcomes, mapping and plan dates, measures and their results. The
texts that may name the person go, and with the "register" category the identity itself."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, select

from kaa_web.models.base import utcnow
from kaa_web.models.documents import GeneratedDocument, GeneratedDocumentYouth
from kaa_web.models.mailout import MailoutPerson
from kaa_web.models.meetings import ActionPoint, AgendaItem, Decision, Meeting, MinutesAddendum
from kaa_web.models.plans import Consent, Mapping, MappingRevision, Plan, PlanRevision, Referral
from kaa_web.models.register import ContactAttempt, Guardian, TimelineEntry, Youth
from kaa_web.models.school_reports import SchoolReport, SchoolReportStudent
from kaa_web.models.tasks import Task
from kaa_web.rules import personnummer as pnr

GALLRAD = pnr.GALLRAD
TEXT_KEYS = ("goal", "goals", "last_school", "programme", "responsible_actor")


def among(db: Session, column, ids: list[int]):
    """`column IN ids`; on PostgreSQL one array parameter, not a placeholder per id (which
    the driver would parse in every statement of a batch)."""
    if db.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, list(ids), type_=ARRAY(sa.Integer)))
    return column.in_(ids)


def _run(db: Session, statement, rows: list[dict] | None = None) -> None:
    """A bulk statement on the session's connection: no ORM bookkeeping per row."""
    if rows is None or rows:
        db.connection().execute(statement, rows)


def _update(db: Session, model, ids: list[int], **values) -> None:
    """Set `values` on the people's rows that do not hold them yet (a run that takes a
    person's identity clears their other categories again: only what is left is written)."""
    differs = sa.or_(*(getattr(model, key) != value for key, value in values.items()))
    _run(db, sa.update(model).where(among(db, model.youth_id, ids), differs).values(**values))


def _update_each(db: Session, model, rows: list[dict]) -> None:
    """One statement run for many rows: each dict's "row_id" and its new values."""
    if rows:
        table = model.__table__
        values = {key: sa.bindparam(key) for key in rows[0] if key != "row_id"}
        statement = table.update().where(table.c.id == sa.bindparam("row_id")).values(values)
        _run(db, statement, rows)


def _scrub_snapshots(db: Session, model, rows: Iterable) -> None:
    """Revisions keep their dates and codes; their texts are emptied."""
    changed = []
    for row_id, snapshot in rows:
        data = json.loads(snapshot or "{}")
        for item in (data, *data.get("measures", ())):
            item.update({key: "" for key in TEXT_KEYS if item.get(key)})
        scrubbed = json.dumps(data, ensure_ascii=False)
        if scrubbed != snapshot:
            changed.append({"row_id": row_id, "snapshot": scrubbed})
    _update_each(db, model, changed)


def notes(db: Session, ids: list[int]) -> None:
    """Free text on contacts, mapping and plan, and the timeline's and tasks' titles."""
    _update(db, ContactAttempt, ids, note="")
    _update(db, Mapping, ids, goals="")
    _update(db, Plan, ids, goal="")
    _update(db, TimelineEntry, ids, title=GALLRAD)
    _update(db, Task, ids, title=GALLRAD)
    mappings = select(Mapping.id).where(among(db, Mapping.youth_id, ids))
    plans = select(Plan.id).where(among(db, Plan.youth_id, ids))
    _scrub_snapshots(
        db,
        MappingRevision,
        db.exec(
            select(MappingRevision.id, MappingRevision.snapshot).where(
                MappingRevision.mapping_id.in_(mappings)
            )
        ),
    )
    _scrub_snapshots(
        db,
        PlanRevision,
        db.exec(
            select(PlanRevision.id, PlanRevision.snapshot).where(PlanRevision.plan_id.in_(plans))
        ),
    )


def _delete_documents(db: Session, document_ids: list[int]) -> None:
    if not document_ids:
        return
    for model in (ContactAttempt, Referral):
        _run(
            db,
            sa.update(model)
            .where(among(db, model.document_id, document_ids))
            .values(document_id=None),
        )
    _run(
        db,
        sa.update(SchoolReport)
        .where(among(db, SchoolReport.receipt_document_id, document_ids))
        .values(receipt_document_id=None),
    )
    _run(
        db,
        sa.delete(GeneratedDocumentYouth).where(
            among(db, GeneratedDocumentYouth.document_id, document_ids)
        ),
    )
    _run(db, sa.delete(GeneratedDocument).where(among(db, GeneratedDocument.id, document_ids)))


def documents(db: Session, ids: list[int]) -> None:
    """The person's own letters go; a mail-out's file goes with the last person in it."""
    own = list(
        db.exec(select(GeneratedDocument.id).where(among(db, GeneratedDocument.youth_id, ids)))
    )
    shared = list(
        db.exec(
            select(GeneratedDocumentYouth.document_id)
            .where(among(db, GeneratedDocumentYouth.youth_id, ids))
            .distinct()
        )
    )
    _run(
        db, sa.delete(GeneratedDocumentYouth).where(among(db, GeneratedDocumentYouth.youth_id, ids))
    )
    still_linked = select(GeneratedDocumentYouth.document_id).where(
        among(db, GeneratedDocumentYouth.document_id, shared)
    )
    orphaned = list(
        db.exec(
            select(GeneratedDocument.id).where(
                among(db, GeneratedDocument.id, shared),
                GeneratedDocument.youth_id.is_(None),
                GeneratedDocument.meeting_id.is_(None),
                GeneratedDocument.id.not_in(still_linked),
            )
        )
    )
    _delete_documents(db, sorted(set(own) | set(orphaned)))


def school_reports(db: Session, ids: list[int]) -> None:
    """A report's student row keeps the school, programme and dates; not who it was."""
    _update(
        db,
        SchoolReportStudent,
        ids,
        personnummer="",
        first_name=GALLRAD,
        last_name="",
        contact="{}",
        forward_note="",
    )


def consents(db: Session, ids: list[int]) -> None:
    """A consent keeps its parties and dates; who gave it and why go."""
    _update(db, Consent, ids, guardian_name="", school_name="", purpose=GALLRAD)


WORD = re.compile(r"[\w-]+")


def _names_of(db: Session, ids: list[int]) -> dict[str, list[str]]:
    """The people's full names and numbers as written, by their last word."""
    people = db.exec(
        select(Youth.first_name, Youth.last_name, Youth.personnummer).where(
            among(db, Youth.id, ids)
        )
    ).all()
    phrases = set()
    for first, last, number in people:
        if first and last:
            phrases.add(f"{first} {last}")
        if number.isdigit():
            phrases |= {pnr.display(number), pnr.mask(number), number}
    by_last: dict[str, list[str]] = {}
    for phrase in phrases:
        by_last.setdefault(WORD.findall(phrase)[-1], []).append(phrase)
    return by_last


def _without_names(text: str, by_last: dict[str, list[str]]) -> str:
    """`text` with each of the phrases that stands in it as whole words made "Gallrad"."""
    found = [
        phrase
        for word in set(WORD.findall(text)) & by_last.keys()
        for phrase in by_last[word]
        if phrase in text
    ]
    for phrase in sorted(found, key=len, reverse=True):
        text = _replace_whole(text, phrase)
    return text


def _replace_whole(text: str, phrase: str) -> str:
    """Each occurrence of `phrase` that is not part of a longer word made "Gallrad"."""
    out, done, at = [], 0, text.find(phrase)
    while at >= 0:
        end = at + len(phrase)
        if not (_in_word(text, at - 1) or _in_word(text, end)):
            out += [text[done:at], GALLRAD]
            done = end
        at = text.find(phrase, end if done == end else at + 1)
    return "".join([*out, text[done:]])


def _in_word(text: str, at: int) -> bool:
    return 0 <= at < len(text) and (text[at].isalnum() or text[at] in "-_")


def _replace_in(db: Session, column, by_last: dict[str, list[str]]) -> None:
    model = column.class_
    changed = []
    for row_id, text in db.exec(select(model.id, column).where(column != "")):
        replaced = _without_names(text, by_last)
        if replaced != text:
            changed.append({"row_id": row_id, column.key: replaced})
    _update_each(db, model, changed)


def meeting_notes(db: Session, ids: list[int]) -> None:
    """Decisions about the person, and their name or number wherever meeting texts hold it."""
    _update(db, Decision, ids, text=GALLRAD)
    by_last = _names_of(db, ids)
    if not by_last:
        return
    for column in (
        Meeting.minutes_snapshot,
        AgendaItem.notes,
        Decision.text,
        MinutesAddendum.text,
        ActionPoint.what,
    ):
        _replace_in(db, column, by_last)


def register(db: Session, ids: list[int]) -> None:
    """The identity: name, number, address, contact details and guardians. Birth date keeps
    its year and month; open tasks about the person are closed."""
    _run(db, sa.delete(Guardian).where(among(db, Guardian.youth_id, ids)))
    _update(db, MailoutPerson, ids, missing="")
    _update(db, Mapping, ids, last_school="", programme="")
    _run(
        db,
        sa.update(Task)
        .where(among(db, Task.youth_id, ids), Task.done_at.is_(None))
        .values(done_at=utcnow()),
    )
    births = db.exec(select(Youth.id, Youth.birth_date).where(among(db, Youth.id, ids))).all()
    _update_each(
        db,
        Youth,
        [
            {
                "row_id": youth_id,
                "personnummer": pnr.anonymised(youth_id),
                "birth_date": birth.replace(day=1),
            }
            for youth_id, birth in births
        ],
    )
    table = Youth.__table__
    _run(
        db,
        table.update()
        .where(among(db, table.c.id, ids))
        .values(
            first_name="",
            last_name=GALLRAD,
            first_name_key="",
            last_name_key=GALLRAD.lower(),
            street_address="",
            postal_code="",
            city="",
            phone="",
            email="",
            protected_identity=False,
            status="gallrad",
            next_step=None,
            next_step_due=None,
            version=table.c.version + 1,
            updated_at=utcnow(),
        ),
    )


# In RETENTION_CATEGORIES' order: meeting texts are searched for names before they go.
CLEARS: dict[str, Callable[[Session, list[int]], None]] = {
    "notes": notes,
    "documents": documents,
    "school_reports": school_reports,
    "consents": consents,
    "meeting_notes": meeting_notes,
    "register": register,
}
