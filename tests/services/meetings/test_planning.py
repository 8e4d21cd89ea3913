"""Planning a meeting, moving it, its convener, cancelling it."""

from datetime import time, timedelta

import pytest

from kaa_web.models.base import local_today
from kaa_web.services import meetings
from kaa_web.services.errors import Invalid, NotFound
from tests import factories
from tests.services.meetings import reading

TODAY = local_today()


def test_a_meeting_may_be_convened_by_another_staff_member_of_the_group(
    db_session, people, group, staff
):
    def plan(convener):
        return meetings.plan_meeting(
            db_session,
            actor=people["kaa"],
            group_id=group.id,
            on=TODAY,
            starts_at=time(9, 0),
            place="Rum 1",
            standing_item_ids=[],
            convener_id=staff[convener].id,
        )

    meetings.add_member(
        db_session,
        actor=people["chef"],
        group_id=group.id,
        data=meetings.MemberData(staff_id=staff["kaa2"].id),
    )
    assert plan("kaa2").convener_id == staff["kaa2"].id
    with pytest.raises(Invalid, match="bland gruppens deltagare"):
        plan("chef")
    with pytest.raises(Invalid, match="måste vara KAA-handläggare"):
        plan("ifo")


def test_a_meeting_is_moved_and_its_own_convener_runs_it(db_session, people, group, staff):
    kaa = people["kaa"]
    meetings.add_member(
        db_session,
        actor=people["chef"],
        group_id=group.id,
        data=meetings.MemberData(staff_id=staff["kaa2"].id),
    )
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=7)
    other = factories.planned_meeting(db_session, group, by=kaa, in_days=40)
    new_day = TODAY + timedelta(days=21)

    def move(convener, place="Teams-länk"):
        meetings.update_meeting(
            db_session,
            actor=kaa,
            meeting_id=meeting.id,
            on=new_day,
            starts_at=time(9, 30),
            place=place,
            convener_id=staff[convener].id,
        )

    move("kaa2")
    db_session.commit()
    db_session.refresh(meeting)
    assert (meeting.on, meeting.starts_at, meeting.place) == (new_day, time(9, 30), "Teams-länk")
    assert meeting.convener_id == staff["kaa2"].id
    assert {s.username for s in meetings.groups.possible_conveners(db_session, group.id)} == {
        "kaa",
        "kaa2",
    }
    # kaa2 runs this meeting, not the group's other meetings
    meetings.record_notes(
        db_session,
        actor=people["kaa2"],
        meeting_id=meeting.id,
        item_id=meetings.agenda.agenda_of(db_session, meeting.id)[0].id,
        notes="Förberett.",
    )
    db_session.commit()
    with pytest.raises(NotFound):
        meetings.record_notes(
            db_session,
            actor=people["kaa2"],
            meeting_id=other.id,
            item_id=meetings.agenda.agenda_of(db_session, other.id)[0].id,
            notes="x",
        )

    with pytest.raises(Invalid) as refused:  # social services may take part but not convene
        move("ifo")
    assert refused.value.field_errors == {
        "convener_id": "Den sammankallande måste vara KAA-handläggare eller chef."
    }
    with pytest.raises(Invalid) as refused:
        move("skola", place=" ")
    assert set(refused.value.field_errors) == {"place", "convener_id"}


def test_a_cancelled_meeting_is_kept_locked_and_its_points_come_back_next_time(
    db_session, people, group
):
    kaa = people["kaa"]
    earlier = factories.planned_meeting(db_session, group, by=kaa, in_days=-30)
    member = meetings.groups.members_of(db_session, group.id)[0]
    meetings.add_action_point(
        db_session,
        actor=kaa,
        meeting_id=earlier.id,
        what="Ta fram statistik",
        member_id=member.id,
        due=TODAY,
    )
    db_session.commit()
    cancelled = factories.planned_meeting(db_session, group, by=kaa, in_days=3)
    meetings.cancel_meeting(db_session, actor=kaa, meeting_id=cancelled.id)
    meetings.cancel_meeting(db_session, actor=kaa, meeting_id=cancelled.id)  # a second click
    db_session.commit()

    assert cancelled.cancelled_at is not None
    item = meetings.agenda.agenda_of(db_session, cancelled.id)[0]
    with pytest.raises(Invalid, match="inställt"):
        meetings.record_notes(
            db_session, actor=kaa, meeting_id=cancelled.id, item_id=item.id, notes="x"
        )
    next_meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=10)
    carried = [
        t
        for _, t in reading.agenda_titles(db_session, next_meeting)
        if t.startswith("Åtgärdspunkt")
    ]
    assert carried == ["Åtgärdspunkt: Ta fram statistik"]


def test_a_meeting_with_recorded_attendance_cannot_be_cancelled(db_session, people, group):
    kaa = people["kaa"]
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=7)
    member = meetings.groups.members_of(db_session, group.id)[0]
    meetings.record_attendance(
        db_session, actor=kaa, meeting_id=meeting.id, statuses={member.id: "narvarande"}
    )
    db_session.commit()
    with pytest.raises(Invalid, match="kan inte ställas in"):
        meetings.cancel_meeting(db_session, actor=kaa, meeting_id=meeting.id)


def test_planning_takes_several_ad_hoc_items_and_skips_empty_rows(db_session, people, group):
    meeting = meetings.plan_meeting(
        db_session,
        actor=people["kaa"],
        group_id=group.id,
        on=TODAY + timedelta(days=5),
        starts_at=time(10, 0),
        place="Rum 2",
        standing_item_ids=[],
        extra_items=[
            meetings.ExtraItem("Sommarjobb", "Petra", 15),
            meetings.ExtraItem("", "", 10),
            meetings.ExtraItem("Övrigt", "", 5),
        ],
    )
    db_session.commit()
    items = meetings.agenda.agenda_of(db_session, meeting.id)
    assert [(i.position, i.title, i.owner, i.minutes) for i in items] == [
        (1, "Sommarjobb", "Petra", 15),
        (2, "Övrigt", "", 5),
    ]
