"""The items of a group's standing list and of a meeting's agenda: add, change, move, remove."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.meetings import (
    YOUTH_FILTERS,
    ActionPoint,
    AgendaItem,
    Decision,
    Meeting,
    MeetingGroup,
    StandingItem,
)
from kaa_web.permissions import Actor
from kaa_web.services.errors import Invalid, NotFound
from kaa_web.services.meetings.access import get_group, get_open_meeting


@dataclass
class ExtraItem:
    """An ad-hoc agenda item (or the new values of any item when the agenda is edited)."""

    title: str
    owner: str = ""
    minutes: int = 10
    youth_filter: str = ""


def item_errors(item: ExtraItem) -> dict[str, str]:
    """Swedish errors per field of an agenda item's values (an empty dict when all is well)."""
    errors = {}
    if not item.title.strip():
        errors["title"] = "Ange punktens rubrik."
    if not 1 <= (item.minutes or 0) <= 240:
        errors["minutes"] = "Ange 1–240 minuter."
    if item.youth_filter not in YOUTH_FILTERS:
        errors["youth_filter"] = "Välj ett urval av ungdomar i listan."
    return errors


def _checked_item(item: ExtraItem) -> None:
    if errors := item_errors(item):
        raise Invalid(*errors.values(), field_errors=errors)


def as_agenda_item(item: ExtraItem) -> AgendaItem:
    return AgendaItem(
        kind="extra",
        title=item.title.strip()[:300],
        owner=item.owner.strip()[:200],
        minutes=item.minutes,
        youth_filter=item.youth_filter,
    )


def carried_item(point: ActionPoint, who: str) -> AgendaItem:
    """An open action point as an agenda item (it comes back until it is done)."""
    return AgendaItem(
        kind="atgardspunkt",
        title=f"Åtgärdspunkt: {point.what}"[:300],
        owner=who[:200],
        minutes=5,
        action_point_id=point.id,
    )


def renumber(db: Session, items: list[StandingItem] | list[AgendaItem]) -> None:
    """Positions 1..n in list order (standing items and agenda items alike)."""
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            db.add(item)
    db.flush()


MOVES = {"upp": -1, "ned": 1}


def _move(db: Session, items: list, item, direction: str, from_position: int) -> bool:
    """One step up or down; False when the item has left `from_position` (a second click)."""
    if direction not in MOVES:
        raise Invalid("Välj om punkten ska flyttas upp eller ned.")
    if item.position != from_position:
        return False
    index = next(i for i, other in enumerate(items) if other.id == item.id)
    other = index + MOVES[direction]
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    renumber(db, items)
    return True


def standing_items_of(db: Session, group_id: int) -> list[StandingItem]:
    return list(
        db.exec(
            select(StandingItem)
            .where(StandingItem.group_id == group_id)
            .order_by(StandingItem.position, StandingItem.id)
        )
    )


def _standing_item(db: Session, actor: Actor, group: MeetingGroup, item_id: int) -> StandingItem:
    item = db.get(StandingItem, item_id)
    if item is None or item.group_id != group.id:
        raise audit.record_denied(db, actor, object_type="standing_item", object_id=item_id)
    return item


def add_standing_item(
    db: Session,
    *,
    actor: Actor,
    group_id: int,
    title: str,
    youth_filter: str = "",
    minutes: int | None = 10,
) -> StandingItem:
    """A new standing item last in the list (the convener or chef/admin)."""
    group = get_group(db, actor=actor, group_id=group_id, may="edit")
    _checked_item(ExtraItem(title, minutes=minutes, youth_filter=youth_filter))
    items = standing_items_of(db, group.id)
    renumber(db, items)
    item = StandingItem(
        group_id=group.id,
        position=len(items) + 1,
        title=title.strip()[:200],
        youth_filter=youth_filter,
        minutes=minutes,
    )
    db.add(item)
    db.flush()
    audit.record(db, actor, "update", object_type="meeting_group", object_id=group.id)
    return item


def update_standing_item(
    db: Session,
    *,
    actor: Actor,
    group_id: int,
    item_id: int,
    title: str,
    youth_filter: str = "",
    minutes: int | None = 10,
) -> StandingItem:
    """Change a standing item; agendas already planned keep their own copy."""
    group = get_group(db, actor=actor, group_id=group_id, may="edit")
    item = _standing_item(db, actor, group, item_id)
    _checked_item(ExtraItem(title, minutes=minutes, youth_filter=youth_filter))
    item.title, item.youth_filter, item.minutes = title.strip()[:200], youth_filter, minutes
    db.add(item)
    db.flush()
    audit.record(db, actor, "update", object_type="meeting_group", object_id=group.id)
    return item


def remove_standing_item(db: Session, *, actor: Actor, group_id: int, item_id: int) -> None:
    """Remove a standing item; agendas already planned keep theirs."""
    group = get_group(db, actor=actor, group_id=group_id, may="edit")
    if db.get(StandingItem, item_id) is None:  # removed already: a second click
        return
    item = _standing_item(db, actor, group, item_id)
    db.delete(item)
    db.flush()
    renumber(db, standing_items_of(db, group.id))
    audit.record(db, actor, "update", object_type="meeting_group", object_id=group.id)


def move_standing_item(
    db: Session, *, actor: Actor, group_id: int, item_id: int, direction: str, from_position: int
) -> None:
    """One step up ("upp") or down ("ned"); positions become 1..n."""
    group = get_group(db, actor=actor, group_id=group_id, may="edit")
    item = _standing_item(db, actor, group, item_id)
    if _move(db, standing_items_of(db, group.id), item, direction, from_position):
        audit.record(db, actor, "update", object_type="meeting_group", object_id=group.id)


def agenda_of(db: Session, meeting_id: int) -> list[AgendaItem]:
    return list(
        db.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def item_of(db: Session, meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound
    return item


def add_agenda_item(db: Session, *, actor: Actor, meeting_id: int, data: ExtraItem) -> AgendaItem:
    """An ad-hoc item at the end of the agenda."""
    meeting, _ = get_open_meeting(db, actor=actor, meeting_id=meeting_id)
    _checked_item(data)
    item = as_agenda_item(data)
    item.meeting_id, item.position = meeting.id, len(agenda_of(db, meeting.id)) + 1
    db.add(item)
    db.flush()
    audit.record(db, actor, "update", object_type="meeting", object_id=meeting.id)
    return item


def update_agenda_item(
    db: Session, *, actor: Actor, meeting_id: int, item_id: int, data: ExtraItem
) -> AgendaItem:
    """New title, owner, time or list of young people for an item."""
    meeting, _ = get_open_meeting(db, actor=actor, meeting_id=meeting_id)
    item = item_of(db, meeting, item_id)
    _checked_item(data)
    item.title, item.owner = data.title.strip()[:300], data.owner.strip()[:200]
    item.minutes, item.youth_filter = data.minutes, data.youth_filter
    db.add(item)
    audit.record(db, actor, "update", object_type="meeting", object_id=meeting.id)
    return item


def remove_agenda_item(db: Session, *, actor: Actor, meeting_id: int, item_id: int) -> None:
    """Take an item off the agenda unless decisions were made under it."""
    meeting, _ = get_open_meeting(db, actor=actor, meeting_id=meeting_id)
    if db.get(AgendaItem, item_id) is None:  # removed already: a second click
        return
    item = item_of(db, meeting, item_id)
    if db.exec(select(Decision.id).where(Decision.agenda_item_id == item.id)).first():
        raise Invalid("Punkten har beslut och kan inte tas bort.")
    db.delete(item)
    db.flush()
    renumber(db, agenda_of(db, meeting.id))
    audit.record(db, actor, "update", object_type="meeting", object_id=meeting.id)


def move_agenda_item(
    db: Session,
    *,
    actor: Actor,
    meeting_id: int,
    item_id: int,
    direction: str,
    from_position: int,
) -> None:
    """One step up ("upp") or down ("ned") the agenda."""
    meeting, _ = get_open_meeting(db, actor=actor, meeting_id=meeting_id)
    item = item_of(db, meeting, item_id)
    if _move(db, agenda_of(db, meeting.id), item, direction, from_position):
        audit.record(db, actor, "update", object_type="meeting", object_id=meeting.id)
