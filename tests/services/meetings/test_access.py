"""Who sees, reads, runs and manages a group and its meetings, against the real database."""

from datetime import time

import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.services import meetings
from kaa_web.services.errors import Invalid, NotFound
from tests import factories
from tests.services.meetings import reading

TODAY = local_today()


def test_only_members_and_chef_see_a_groups_meetings(db_session, people, group, staff):
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    assert meetings.get_meeting(db_session, actor=people["ifo"], meeting_id=meeting.id)
    assert meetings.get_meeting(db_session, actor=people["chef"], meeting_id=meeting.id)
    with pytest.raises(NotFound):
        meetings.get_meeting(db_session, actor=people["kaa2"], meeting_id=meeting.id)
    denied = db_session.exec(
        select(AuditEvent).where(AuditEvent.action == "denied", AuditEvent.object_type == "meeting")
    ).all()
    assert [e.username for e in denied] == ["kaa2"]


def test_a_member_who_is_not_the_convener_cannot_plan_or_record(db_session, people, group):
    with pytest.raises(NotFound):
        meetings.plan_meeting(
            db_session,
            actor=people["ifo"],
            group_id=group.id,
            on=TODAY,
            starts_at=time(9, 0),
            place="Rum 1",
            standing_item_ids=[],
        )


def test_admin_manages_a_group_but_reads_none_of_its_meetings(db_session, people, group, staff):
    """F11: the administrator keeps groups' settings and members, never their content."""
    admin, kaa = people["admin"], people["kaa"]
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=0)
    item = meetings.agenda.agenda_of(db_session, meeting.id)[0]
    meetings.record_notes(
        db_session, actor=kaa, meeting_id=meeting.id, item_id=item.id, notes="Vi gick igenom."
    )
    member = meetings.groups.members_of(db_session, group.id)[0]
    meetings.add_action_point(
        db_session,
        actor=kaa,
        meeting_id=meeting.id,
        what="Ring skolan",
        member_id=member.id,
        due=TODAY,
    )
    notice = meetings.generate_notice(db_session, actor=kaa, meeting_id=meeting.id)
    db_session.commit()

    assert group in meetings.groups_page(db_session, actor=admin).groups
    meetings.update_group(
        db_session,
        actor=admin,
        group_id=group.id,
        name="Samverkan Norr",
        kind=group.kind,
        frequency=group.frequency,
        convener_id=group.convener_id,
    )
    db_session.commit()
    for read in (
        lambda: meetings.get_meeting(db_session, actor=admin, meeting_id=meeting.id),
        lambda: meetings.meeting_page(db_session, actor=admin, meeting_id=meeting.id),
        lambda: meetings.open_meeting_document(
            db_session, actor=admin, meeting_id=meeting.id, document_id=notice.id
        ),
        lambda: meetings.generate_minutes(db_session, actor=admin, meeting_id=meeting.id),
        lambda: meetings.record_notes(
            db_session, actor=admin, meeting_id=meeting.id, item_id=item.id, notes="Ändrat"
        ),
    ):
        with pytest.raises(NotFound):
            read()
    assert not meetings.access.can_read(db_session, admin, group)
    assert meetings.my_action_points(db_session, actor=admin) == []
    denied = db_session.exec(
        select(AuditEvent).where(AuditEvent.action == "denied", AuditEvent.username == "admin")
    ).all()
    assert len(denied) == 5
    # nor can an administrator be made a member (and so a reader) of a group
    with pytest.raises(Invalid, match="kan delta"):
        meetings.add_member(
            db_session,
            actor=admin,
            group_id=group.id,
            data=meetings.MemberData(staff_id=staff["admin"].id),
        )
    # managers read and run every group's meetings for oversight without being members
    chef = people["chef"]
    assert meetings.get_meeting(db_session, actor=chef, meeting_id=meeting.id, may="run")
    db_session.refresh(item)
    assert item.notes == "Vi gick igenom."


@pytest.mark.usefixtures("kaa2_in_group")
def test_only_chef_and_admin_change_settings_and_members(db_session, staff, people, group):
    petra = reading.member_named(db_session, group, "Petra Af")
    for who in ("kaa", "kaa2", "ifo", "arbetsmarknad"):
        with pytest.raises(NotFound):
            meetings.update_group(
                db_session,
                actor=people[who],
                group_id=group.id,
                name="Kapad",
                kind="annan",
                frequency="vid_behov",
                convener_id=staff[who].id,
            )
        with pytest.raises(NotFound):
            meetings.remove_member(
                db_session, actor=people[who], group_id=group.id, member_id=petra.id
            )
        with pytest.raises(NotFound):
            meetings.update_member(
                db_session,
                actor=people[who],
                group_id=group.id,
                member_id=petra.id,
                data=meetings.MemberData(name="Kapad", organisation="regionen"),
            )
    db_session.rollback()
    db_session.refresh(group)
    db_session.refresh(petra)
    assert (group.name, petra.name, petra.removed_at) == ("Samverkansgruppen KAA", "Petra Af", None)
    denied = db_session.exec(select(AuditEvent.username).where(AuditEvent.action == "denied")).all()
    assert {"kaa", "kaa2", "ifo", "arbetsmarknad"} <= set(denied)
