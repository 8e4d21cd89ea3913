"""Collaboration groups, their meetings, agenda items, attendance, decisions and action points."""

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kaa_web.models.base import utcnow

GROUP_KINDS = {
    "samverkansgrupp": "Samverkansgrupp (KAA, arbetsmarknad, IFO)",
    "arbetsgrupp": "Arbetsgrupp",
    "ledningsgrupp": "Ledningsgrupp",
    "samverkansforum": "Samverkansforum",
    "annan": "Annan grupp",
}
FREQUENCIES = {
    "terminsstart": "Vid varje terminsstart",
    "manadsvis": "Varje månad",
    "en_gang_per_termin": "En gång per termin",
    "vid_behov": "Vid behov",
}
# Who a member represents. "kommunen" is the municipality itself (KAA, education): sharing
# within it needs no consent; every other organisation must be covered by a consent.
ORGANISATIONS = {
    "kommunen": "Kommunen (KAA, utbildning, arbetsmarknad)",
    "socialtjansten": "Socialtjänsten",
    "arbetsformedlingen": "Arbetsförmedlingen",
    "forsakringskassan": "Försäkringskassan",
    "regionen": "Regionens hälso- och sjukvård",
    "skola": "Skola",
}
YOUTH_FILTERS = {
    "": "Ingen lista över ungdomar",
    "nya": "Nya sedan förra mötet",
    "ingen_sysselsattning": "Utan sysselsättning",
    "forsenad_uppfoljning": "Försenad uppföljning",
}
ITEM_KINDS = {"staende": "Stående punkt", "extra": "Extra punkt", "atgardspunkt": "Åtgärdspunkt"}
ATTENDANCE = {"narvarande": "Närvarande", "anmalt_forhinder": "Anmält förhinder"}


class MeetingGroup(SQLModel, table=True):
    """A standing collaboration group (samverkansgrupp, arbetsgrupp, ledningsgrupp …)."""

    __tablename__ = "meeting_group"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=30)
    frequency: str = Field(max_length=30)
    convener_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)


class GroupMember(SQLModel, table=True):
    """A member: a directory user (staff_id) or a named external participant."""

    __tablename__ = "group_member"

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="meeting_group.id", index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id", index=True)
    name: str = Field(max_length=200)
    organisation: str = Field(max_length=30)
    organisation_name: str = Field(default="", max_length=200)  # the school's name
    email: str = Field(default="", max_length=200)
    # Members leave softly: their attendance and action points keep their name.
    removed_at: datetime | None = None


class StandingItem(SQLModel, table=True):
    """A reusable agenda item of a group; may list the young people currently covered."""

    __tablename__ = "standing_item"

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="meeting_group.id", index=True)
    position: int = Field(default=0)
    title: str = Field(max_length=200)
    youth_filter: str = Field(default="", max_length=30)
    minutes: int = Field(default=10)


class Meeting(SQLModel, table=True):
    """One meeting of a group; the minutes lock once adjusted (justerade)."""

    __tablename__ = "meeting"
    __table_args__ = (sa.Index("ix_meeting_group_on", "group_id", "on"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="meeting_group.id")
    on: date
    starts_at: time
    place: str = Field(max_length=300)
    convener_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_by: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    adjusted_by: str = Field(default="", max_length=200)  # the adjuster's name (justerare)
    adjusted_at: datetime | None = None
    cancelled_at: datetime | None = None  # inställt: kept, so a sent notice stays explained
    # what the minutes said when adjusted (JSON): later changes elsewhere never alter them
    minutes_snapshot: str = Field(default="", sa_type=sa.Text)


class AgendaItem(SQLModel, table=True):
    """A point on a meeting's agenda (dagordning) with its notes from the meeting."""

    __tablename__ = "agenda_item"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    position: int = Field(default=0)
    kind: str = Field(max_length=20)
    title: str = Field(max_length=300)
    owner: str = Field(default="", max_length=200)
    minutes: int = Field(default=10)
    youth_filter: str = Field(default="", max_length=30)
    action_point_id: int | None = Field(default=None, foreign_key="action_point.id")
    notes: str = Field(default="", sa_type=sa.Text)


class Attendance(SQLModel, table=True):
    """Whether a member was present or excused."""

    __tablename__ = "attendance"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id")
    member_id: int = Field(foreign_key="group_member.id")
    status: str = Field(max_length=20)


class Decision(SQLModel, table=True):
    """A decision (beslut) under an agenda item, numbered within the meeting."""

    __tablename__ = "decision"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    agenda_item_id: int = Field(foreign_key="agenda_item.id")
    number: int
    text: str = Field(sa_type=sa.Text)
    youth_id: int | None = Field(default=None, foreign_key="youth.id")
    created_by: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)


class ActionPoint(SQLModel, table=True):
    """Who does what by when; comes back on the group's agendas until done."""

    __tablename__ = "action_point"
    __table_args__ = (sa.Index("ix_action_point_group_open", "group_id", "done_at"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="meeting_group.id")
    meeting_id: int = Field(foreign_key="meeting.id")
    what: str = Field(max_length=500)
    member_id: int = Field(foreign_key="group_member.id")
    due: date
    done_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class MinutesAddendum(SQLModel, table=True):
    """A correction after the minutes were adjusted: the minutes themselves never change."""

    __tablename__ = "minutes_addendum"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    text: str = Field(sa_type=sa.Text)
    created_by: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)
