"""After the meeting: the notice and minutes as documents, adjusting the minutes, addenda."""

from __future__ import annotations

import json
import re
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import LOCAL_TZ, local_today, utcnow
from kaa_web.models.documents import GeneratedDocument
from kaa_web.models.meetings import (
    ATTENDANCE,
    ActionPoint,
    AgendaItem,
    Meeting,
    MeetingGroup,
    MinutesAddendum,
)
from kaa_web.permissions import Actor
from kaa_web.services import documents, letter_context
from kaa_web.services.errors import Invalid
from kaa_web.services.meetings.access import CANCELLED, LOCKED, get_meeting
from kaa_web.services.meetings.action_points import action_points
from kaa_web.services.meetings.agenda import agenda_of
from kaa_web.services.meetings.groups import members_for_meeting, organisation_label
from kaa_web.services.meetings.recording import attendance_of, decisions_by_item


def adjust_minutes(db: Session, *, actor: Actor, meeting_id: int, adjuster: str) -> Meeting:
    """Mark the minutes adjusted (justerade): from now on they are locked, as a snapshot."""
    meeting, group = get_meeting(db, actor=actor, meeting_id=meeting_id, may="run")
    if meeting.adjusted_at is not None and meeting.adjusted_by == adjuster.strip()[:200]:
        return meeting  # a second click
    if meeting.adjusted_at is not None:
        raise Invalid(LOCKED)
    if meeting.cancelled_at is not None:
        raise Invalid(CANCELLED)
    if meeting.on > local_today():
        raise Invalid("Mötet har inte hållits ännu. Protokollet justeras efter mötet.")
    if not adjuster.strip():
        message = "Ange justerarens namn."
        raise Invalid(message, field_errors={"adjuster": message})
    meeting.adjusted_by, meeting.adjusted_at = adjuster.strip()[:200], utcnow()
    context = _minutes_context(db, actor, meeting, group)
    meeting.minutes_snapshot = json.dumps(context, default=_date_to_json, ensure_ascii=False)
    db.add(meeting)
    audit.record(db, actor, "update", object_type="meeting", object_id=meeting.id)
    return meeting


def add_addendum(db: Session, *, actor: Actor, meeting_id: int, text: str) -> MinutesAddendum:
    """A later correction to adjusted minutes, kept beside them."""
    meeting, _ = get_meeting(db, actor=actor, meeting_id=meeting_id, may="run")
    if meeting.adjusted_at is None:
        raise Invalid("Protokollet är inte justerat ännu: ändra direkt i mötet.")
    if not text.strip():
        raise Invalid("Skriv tillägget.", field_errors={"text": "Skriv tillägget."})
    addendum = MinutesAddendum(meeting_id=meeting.id, text=text.strip(), created_by=actor.staff_id)
    db.add(addendum)
    db.flush()
    audit.record(db, actor, "update", object_type="meeting", object_id=meeting.id)
    return addendum


def addenda_of(db: Session, meeting_id: int) -> list[MinutesAddendum]:
    return list(
        db.exec(
            select(MinutesAddendum)
            .where(MinutesAddendum.meeting_id == meeting_id)
            .order_by(MinutesAddendum.created_at)
        )
    )


def _meeting_context(db: Session, actor: Actor, meeting: Meeting, group: MeetingGroup) -> dict:
    convener = db.get(StaffUser, meeting.convener_id) if meeting.convener_id else None
    members = members_for_meeting(db, meeting)
    return {
        "mottagare": letter_context.recipient(f"Deltagarna i {group.name}"),
        "handlaggare": letter_context.sender(db, actor),
        "motet": {
            "grupp": group.name,
            "datum": meeting.on,
            "tid": meeting.starts_at.strftime("%H.%M"),
            "plats": meeting.place,
            "sammankallande": convener.display_name if convener else "",
            "deltagare": [{"namn": m.name, "organisation": organisation_label(m)} for m in members],
            "dagordning": [
                {"nr": i.position, "rubrik": i.title, "ansvarig": i.owner, "minuter": i.minutes}
                for i in agenda_of(db, meeting.id)
            ],
        },
    }


def _document_name(kind: str, group: MeetingGroup, meeting: Meeting) -> str:
    """E.g. kallelse_Samverkansgruppen-KAA_2026-12-03.docx: the group and the meeting's date."""
    group_name = re.sub(r"[^\w]+", "-", group.name).strip("-")[:80] or "grupp"
    return f"{kind}_{group_name}_{meeting.on.isoformat()}.docx"


def generate_notice(db: Session, *, actor: Actor, meeting_id: int):
    """The notice with the agenda (kallelse) as a Word document; the caller commits."""
    meeting, group = get_meeting(db, actor=actor, meeting_id=meeting_id, may="run")
    if meeting.cancelled_at is not None:
        raise Invalid(CANCELLED)
    context = _meeting_context(db, actor, meeting, group)
    return documents.generate_meeting_document(
        db,
        actor=actor,
        doc_type="kallelse",
        context=context,
        meeting_id=meeting.id,
        file_name=_document_name("kallelse", group, meeting),
    )


def _minutes_items(db: Session, meeting: Meeting) -> list[dict]:
    decisions = decisions_by_item(db, meeting.id)
    items = agenda_of(db, meeting.id)
    ids = [i.action_point_id for i in items if i.action_point_id]
    carried = {p.id: p for p in db.exec(select(ActionPoint).where(ActionPoint.id.in_(ids)))}

    def title(item: AgendaItem) -> str:
        point = carried.get(item.action_point_id)
        if point is None:
            return item.title
        return f"{item.title} ({'klar' if point.done_at else 'ej klar'})"

    return [
        {
            "nr": item.position,
            "rubrik": title(item),
            "anteckningar": item.notes,
            "beslut": [{"nr": d.number, "text": d.text} for d in decisions.get(item.id, [])],
        }
        for item in items
    ]


def _date_to_json(value):
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    raise TypeError(type(value).__name__)


def _date_from_json(obj: dict):
    """The snapshot's dates come back as dates, so a template may use `.year` and the like."""
    return date.fromisoformat(obj["__date__"]) if obj.keys() == {"__date__"} else obj


def adjusted_snapshot(meeting: Meeting) -> dict:
    """What the minutes said when they were adjusted, dates as dates again."""
    return json.loads(meeting.minutes_snapshot, object_hook=_date_from_json)


def _minutes_context(db: Session, actor: Actor, meeting: Meeting, group: MeetingGroup) -> dict:
    """Everything the minutes say, except the addenda (added after adjustment)."""
    context = _meeting_context(db, actor, meeting, group)
    attendance = attendance_of(db, meeting.id)
    context["datum"] = local_today()
    context["motet"] |= {
        "narvaro": [
            {"namn": m.name, "organisation": organisation_label(m), "status": ATTENDANCE[s]}
            for m in members_for_meeting(db, meeting)
            if (s := attendance.get(m.id))
        ],
        "punkter": _minutes_items(db, meeting),
        "atgarder": [
            {
                "vad": row.point.what,
                "vem": row.who,
                "senast": row.point.due,
                "klar": "Klar" if row.point.done_at else "",
            }
            for row in action_points(db, group.id, meeting_id=meeting.id)
        ],
        "justerare": meeting.adjusted_by,
        "justerat": meeting.adjusted_at.astimezone(LOCAL_TZ).date() if meeting.adjusted_at else "",
    }
    return context


def generate_minutes(db: Session, *, actor: Actor, meeting_id: int):
    """The minutes (protokoll) at a button press; the caller commits.

    Once adjusted, the minutes are the snapshot taken then (later renamed members or handed-
    over action points do not change them), followed by the addenda.
    """
    meeting, group = get_meeting(db, actor=actor, meeting_id=meeting_id, may="run")
    if meeting.cancelled_at is not None:
        raise Invalid(CANCELLED)
    if meeting.minutes_snapshot:
        context = adjusted_snapshot(meeting)
    else:
        context = _minutes_context(db, actor, meeting, group)
    context["motet"]["tillagg"] = [
        {"datum": a.created_at.astimezone(LOCAL_TZ).date(), "text": a.text}
        for a in addenda_of(db, meeting.id)
    ]
    return documents.generate_meeting_document(
        db,
        actor=actor,
        doc_type="protokoll",
        context=context,
        meeting_id=meeting.id,
        file_name=_document_name("protokoll", group, meeting),
    )


def meeting_documents(db: Session, meeting_id: int) -> list[GeneratedDocument]:
    """The notices and minutes generated for a meeting, newest first (content not loaded)."""
    return list(
        db.exec(
            select(GeneratedDocument)
            .options(sa.orm.defer(GeneratedDocument.content))
            .where(GeneratedDocument.meeting_id == meeting_id)
            .order_by(GeneratedDocument.created_at.desc(), GeneratedDocument.id.desc())
        )
    )


def open_meeting_document(
    db: Session, *, actor: Actor, meeting_id: int, document_id: int
) -> GeneratedDocument:
    """A notice or minutes for download by anyone who sees the meeting; the read is logged."""
    meeting, _ = get_meeting(db, actor=actor, meeting_id=meeting_id)
    document = db.get(GeneratedDocument, document_id)
    if document is None or document.meeting_id != meeting.id:
        raise audit.record_denied(
            db, actor, object_type="generated_document", object_id=document_id
        )
    audit.record(db, actor, "view", object_type="generated_document", object_id=document.id)
    return document
