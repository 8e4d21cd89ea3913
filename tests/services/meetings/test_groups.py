"""A group's settings and members: who changes them, members who leave and come back."""

from datetime import time, timedelta

import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.meetings import GroupMember
from kaa_web.services import meetings
from kaa_web.services.errors import Invalid, NotFound
from tests import factories
from tests.services.meetings import reading

TODAY = local_today()


def _names(members) -> list[str]:
    return [m.name for m in members]


def _audited(db, group) -> list[str]:
    return db.exec(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "meeting_group", AuditEvent.object_id == str(group.id)
        )
    ).all()


@pytest.mark.usefixtures("kaa2_in_group")
def test_chef_changes_the_settings_and_a_new_convener_becomes_a_member(db_session, staff, people):
    group = meetings.create_group(
        db_session,
        actor=people["chef"],
        name="Arbetsgruppen",
        kind="arbetsgrupp",
        frequency="manadsvis",
        convener_id=staff["kaa"].id,
    )
    db_session.commit()
    before = len(_audited(db_session, group))

    meetings.update_group(
        db_session,
        actor=people["admin"],
        group_id=group.id,
        name="  Ledningsgruppen för KAA ",
        kind="ledningsgrupp",
        frequency="en_gang_per_termin",
        convener_id=staff["kaa2"].id,
    )
    db_session.commit()

    assert (group.name, group.kind, group.frequency, group.convener_id) == (
        "Ledningsgruppen för KAA",
        "ledningsgrupp",
        "en_gang_per_termin",
        staff["kaa2"].id,
    )
    assert _names(meetings.groups.members_of(db_session, group.id)) == [
        "Johan Wikström",
        "Karin Berg",
    ]
    assert len(_audited(db_session, group)) > before
    assert meetings.can_run(people["kaa2"], group)
    assert not meetings.can_run(people["kaa"], group)


@pytest.mark.usefixtures("kaa2_in_group")
def test_a_convener_who_is_already_a_member_is_not_added_twice(db_session, staff, people, group):
    meetings.update_group(
        db_session,
        actor=people["chef"],
        group_id=group.id,
        name=group.name,
        kind=group.kind,
        frequency=group.frequency,
        convener_id=staff["kaa2"].id,
    )
    db_session.commit()
    rows = db_session.exec(
        select(GroupMember).where(
            GroupMember.group_id == group.id, GroupMember.staff_id == staff["kaa2"].id
        )
    ).all()
    assert len(rows) == 1


@pytest.mark.usefixtures("kaa2_in_group")
def test_bad_settings_are_refused_with_swedish_field_errors_and_nothing_changes(
    db_session, staff, people, group
):
    with pytest.raises(Invalid) as refused:
        meetings.update_group(
            db_session,
            actor=people["chef"],
            group_id=group.id,
            name="  ",
            kind="klubb",
            frequency="ibland",
            convener_id=staff["kaa"].id,
        )
    assert refused.value.field_errors == {
        "name": "Ange gruppens namn.",
        "kind": "Välj typ av grupp.",
        "frequency": "Välj hur ofta gruppen brukar träffas.",
    }
    db_session.rollback()
    db_session.refresh(group)
    assert group.name == "Samverkansgruppen KAA"


@pytest.mark.usefixtures("kaa2_in_group")
def test_chef_edits_an_external_member(db_session, people, group):
    petra = reading.member_named(db_session, group, "Petra Af")
    meetings.update_member(
        db_session,
        actor=people["chef"],
        group_id=group.id,
        member_id=petra.id,
        data=meetings.MemberData(
            name="Petra Skolsdotter",
            organisation="skola",
            organisation_name="Exempelgymnasiet",
            email="petra@exempel.se",
        ),
    )
    db_session.commit()
    db_session.refresh(petra)
    assert (petra.name, petra.organisation, petra.organisation_name, petra.email) == (
        "Petra Skolsdotter",
        "skola",
        "Exempelgymnasiet",
        "petra@exempel.se",
    )
    assert meetings.organisation_label(petra) == "Exempelgymnasiet"


@pytest.mark.usefixtures("kaa2_in_group")
def test_editing_an_external_member_validates_as_adding_one(db_session, people, group):
    petra = reading.member_named(db_session, group, "Petra Af")
    with pytest.raises(Invalid) as refused:
        meetings.update_member(
            db_session,
            actor=people["chef"],
            group_id=group.id,
            member_id=petra.id,
            data=meetings.MemberData(name="", organisation="skola", organisation_name=" "),
        )
    assert refused.value.field_errors == {
        "name": "Ange deltagarens namn.",
        "organisation_name": "Ange vilken skola.",
    }
    with pytest.raises(Invalid):
        meetings.update_member(
            db_session,
            actor=people["chef"],
            group_id=group.id,
            member_id=petra.id,
            data=meetings.MemberData(name="Petra", organisation="foreningen"),
        )


@pytest.mark.usefixtures("kaa2_in_group")
def test_a_staff_member_is_not_edited_here(db_session, people, group):
    ifo = reading.member_named(db_session, group, "Ingrid Sjöberg")
    with pytest.raises(Invalid):
        meetings.update_member(
            db_session,
            actor=people["chef"],
            group_id=group.id,
            member_id=ifo.id,
            data=meetings.MemberData(name="Någon annan", organisation="kommunen"),
        )


@pytest.mark.usefixtures("kaa2_in_group")
def test_a_member_of_another_group_cannot_be_edited_or_removed_through_this_one(
    db_session, staff, people, group
):
    other = meetings.create_group(
        db_session,
        actor=people["chef"],
        name="Annan grupp",
        kind="annan",
        frequency="vid_behov",
        convener_id=staff["kaa2"].id,
    )
    db_session.commit()
    petra = reading.member_named(db_session, group, "Petra Af")
    with pytest.raises(NotFound):
        meetings.remove_member(
            db_session, actor=people["chef"], group_id=other.id, member_id=petra.id
        )


@pytest.mark.usefixtures("kaa2_in_group")
def test_a_removed_member_keeps_their_history_but_leaves_the_group(
    db_session, staff, people, group
):
    past = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    ingrid = reading.member_named(db_session, group, "Ingrid Sjöberg")
    meetings.record_attendance(
        db_session,
        actor=people["kaa"],
        meeting_id=past.id,
        statuses={ingrid.id: "narvarande"},
    )
    point = meetings.add_action_point(
        db_session,
        actor=people["kaa"],
        meeting_id=past.id,
        what="Kontakta familjen",
        member_id=ingrid.id,
        due=TODAY + timedelta(days=14),
    )
    meetings.complete_action_point(db_session, actor=people["kaa"], action_point_id=point.id)
    db_session.commit()

    reading.remove_member_named(db_session, people, group, "Ingrid Sjöberg")
    later = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=40)

    assert "Ingrid Sjöberg" not in _names(meetings.groups.members_of(db_session, group.id))
    assert "Ingrid Sjöberg" in _names(
        meetings.groups.members_of(db_session, group.id, include_removed=True)
    )
    assert "Ingrid Sjöberg" in _names(meetings.groups.members_for_meeting(db_session, past))
    assert "Ingrid Sjöberg" not in _names(meetings.groups.members_for_meeting(db_session, later))
    assert meetings.recording.attendance_of(db_session, past.id) == {ingrid.id: "narvarande"}
    done = meetings.action_points.action_points(db_session, group.id, meeting_id=past.id)
    assert [row.who for row in done] == ["Ingrid Sjöberg"]
    # re-saving the earlier meeting's attendance keeps hers
    meetings.record_attendance(
        db_session,
        actor=people["kaa"],
        meeting_id=past.id,
        statuses={ingrid.id: "narvarande"},
    )
    assert meetings.recording.attendance_of(db_session, past.id) == {ingrid.id: "narvarande"}
    # she is no longer someone to give an action point to, and no longer sees the group
    with pytest.raises(Invalid) as refused:
        meetings.add_action_point(
            db_session,
            actor=people["kaa"],
            meeting_id=later.id,
            what="Ny uppgift",
            member_id=ingrid.id,
            due=TODAY + timedelta(days=50),
        )
    assert "member_id" in refused.value.field_errors
    db_session.commit()
    with pytest.raises(NotFound):
        meetings.get_group(db_session, actor=people["ifo"], group_id=group.id)
    assert group not in meetings.groups_page(db_session, actor=people["ifo"]).groups


@pytest.mark.usefixtures("kaa2_in_group")
def test_a_removed_staff_member_is_no_longer_a_convener_to_choose(db_session, staff, people, group):
    reading.remove_member_named(db_session, people, group, "Johan Wikström")
    with pytest.raises(Invalid) as refused:
        meetings.plan_meeting(
            db_session,
            actor=people["kaa"],
            group_id=group.id,
            on=TODAY + timedelta(days=3),
            starts_at=time(9, 0),
            place="Rum Ekbacken",
            standing_item_ids=[],
            convener_id=staff["kaa2"].id,
        )
    assert "convener_id" in refused.value.field_errors


@pytest.mark.usefixtures("kaa2_in_group")
def test_the_convener_cannot_be_removed(db_session, people, group):
    karin = reading.member_named(db_session, group, "Karin Berg")
    with pytest.raises(Invalid) as refused:
        meetings.remove_member(
            db_session, actor=people["chef"], group_id=group.id, member_id=karin.id
        )
    assert "Välj en annan sammankallande först" in str(refused.value)
    db_session.rollback()
    assert "Karin Berg" in _names(meetings.groups.members_of(db_session, group.id))


@pytest.mark.usefixtures("kaa2_in_group")
def test_a_staff_member_already_in_the_group_is_refused(db_session, staff, people, group):
    with pytest.raises(Invalid) as refused:
        meetings.add_member(
            db_session,
            actor=people["chef"],
            group_id=group.id,
            data=meetings.MemberData(staff_id=staff["ifo"].id),
        )
    assert refused.value.field_errors == {"staff_id": "Ingrid Sjöberg är redan med i gruppen."}


@pytest.mark.usefixtures("kaa2_in_group")
def test_a_removed_staff_member_can_be_added_again_without_a_duplicate(
    db_session, staff, people, group
):
    old = reading.remove_member_named(db_session, people, group, "Ingrid Sjöberg")
    again = meetings.add_member(
        db_session,
        actor=people["chef"],
        group_id=group.id,
        data=meetings.MemberData(staff_id=staff["ifo"].id),
    )
    db_session.commit()

    assert again.id == old.id and again.removed_at is None
    rows = db_session.exec(
        select(GroupMember).where(
            GroupMember.group_id == group.id, GroupMember.staff_id == staff["ifo"].id
        )
    ).all()
    assert len(rows) == 1
    assert meetings.get_group(db_session, actor=people["ifo"], group_id=group.id) == group


def test_school_staff_join_a_group_as_external_participants(db_session, people, group, staff):
    with pytest.raises(Invalid, match="extern deltagare"):
        meetings.add_member(
            db_session,
            actor=people["chef"],
            group_id=group.id,
            data=meetings.MemberData(staff_id=staff["skola"].id),
        )
    with pytest.raises(Invalid, match="måste vara KAA-handläggare"):
        meetings.create_group(
            db_session,
            actor=people["chef"],
            name="Arbetsgruppen",
            kind="arbetsgrupp",
            frequency="manadsvis",
            convener_id=staff["ifo"].id,
        )


def test_a_second_click_on_remove_does_nothing_and_a_meeting_convener_stays(
    db_session, people, group, staff
):

    chef, kaa = people["chef"], people["kaa"]
    petra = next(
        m for m in meetings.groups.members_of(db_session, group.id) if m.name == "Petra Af"
    )
    for _ in range(2):
        meetings.remove_member(db_session, actor=chef, group_id=group.id, member_id=petra.id)
    item = meetings.agenda.standing_items_of(db_session, group.id)[1]
    for _ in range(2):
        meetings.remove_standing_item(db_session, actor=kaa, group_id=group.id, item_id=item.id)
    db_session.commit()
    assert [s.title for s in meetings.agenda.standing_items_of(db_session, group.id)] == [
        "Genomgång av aktuella ungdomar"
    ]

    meetings.add_member(
        db_session,
        actor=chef,
        group_id=group.id,
        data=meetings.MemberData(staff_id=staff["kaa2"].id),
    )
    kaa2 = next(
        m
        for m in meetings.groups.members_of(db_session, group.id)
        if m.staff_id == staff["kaa2"].id
    )
    meeting = meetings.plan_meeting(
        db_session,
        actor=kaa,
        group_id=group.id,
        on=TODAY,
        starts_at=time(9, 0),
        place="Rum 1",
        standing_item_ids=[],
        convener_id=staff["kaa2"].id,
    )
    db_session.commit()
    with pytest.raises(Invalid, match="sammankallande för ett planerat möte"):
        meetings.remove_member(db_session, actor=chef, group_id=group.id, member_id=kaa2.id)
    db_session.rollback()

    meetings.adjust_minutes(db_session, actor=kaa, meeting_id=meeting.id, adjuster="Ingrid")
    snapshot = meetings.minutes.adjusted_snapshot(meeting)
    assert snapshot["motet"]["datum"] == TODAY  # a date again, as templates expect
