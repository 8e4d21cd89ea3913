"""Action points: carried from agenda to agenda, on the assignee's worklist, handed over."""

from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.tasks import Task
from kaa_web.services import meetings, tasks, worklist
from kaa_web.services.errors import Invalid, NotFound
from tests import factories
from tests.services.meetings import reading

TODAY = local_today()


def test_action_points_come_back_on_every_agenda_until_done(db_session, people, group, staff):
    first = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=-30)
    ifo_member = next(
        m for m in meetings.groups.members_of(db_session, group.id) if m.staff_id == staff["ifo"].id
    )
    point = meetings.add_action_point(
        db_session,
        actor=people["kaa"],
        meeting_id=first.id,
        what="Ta fram rutin för gemensamma möten",
        member_id=ifo_member.id,
        due=TODAY - timedelta(days=1),
    )
    db_session.commit()

    def carried(meeting):
        return [i.action_point_id for i in meetings.agenda.agenda_of(db_session, meeting.id)]

    assert point.id in carried(
        factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    )
    assert point.id in carried(
        factories.planned_meeting(db_session, group, by=people["kaa"], in_days=37)
    )
    (row,) = meetings.action_points.action_points(db_session, group.id)
    assert row.overdue and row.who == "Ingrid Sjöberg"

    meetings.complete_action_point(db_session, actor=people["ifo"], action_point_id=point.id)
    db_session.commit()

    assert point.id not in carried(
        factories.planned_meeting(db_session, group, by=people["kaa"], in_days=67)
    )
    assert meetings.action_points.action_points(db_session, group.id) == []


def test_a_staff_assignee_sees_the_action_point_in_their_worklist_until_done(
    db_session, people, group, staff
):
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    ifo_member = next(
        m for m in meetings.groups.members_of(db_session, group.id) if m.staff_id == staff["ifo"].id
    )
    point = meetings.add_action_point(
        db_session,
        actor=people["kaa"],
        meeting_id=meeting.id,
        what="Kontakta skolan",
        member_id=ifo_member.id,
        due=TODAY + timedelta(days=3),
    )
    db_session.commit()
    rows = tasks.tasks_due(db_session, actor=people["ifo"], scope="mina", today=TODAY)
    assert [r.kind_label for r in rows] == ["Åtgärdspunkt"]

    meetings.complete_action_point(db_session, actor=people["kaa"], action_point_id=point.id)
    db_session.commit()
    task = db_session.exec(select(Task).where(Task.source_id == point.id)).one()
    assert task.done_at is not None


def test_ticking_the_task_in_the_worklist_marks_the_action_point_done(
    db_session, people, group, staff
):
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    ifo_member = next(
        m for m in meetings.groups.members_of(db_session, group.id) if m.staff_id == staff["ifo"].id
    )
    point = meetings.add_action_point(
        db_session,
        actor=people["kaa"],
        meeting_id=meeting.id,
        what="Kontakta skolan",
        member_id=ifo_member.id,
        due=TODAY + timedelta(days=3),
    )
    db_session.commit()
    task = db_session.exec(select(Task).where(Task.source_id == point.id)).one()

    worklist.complete_task(db_session, actor=people["ifo"], task_id=task.id)
    db_session.commit()

    db_session.refresh(point)
    assert point.done_at is not None
    assert meetings.action_points.action_points(db_session, group.id) == []


def test_a_carried_action_point_shows_on_the_agenda_with_its_owner_and_whether_it_is_done(
    db_session, people, group, staff
):
    kaa = people["kaa"]
    earlier = factories.planned_meeting(db_session, group, by=kaa, in_days=-30)
    ifo_member = next(
        m for m in meetings.groups.members_of(db_session, group.id) if m.staff_id == staff["ifo"].id
    )
    point = meetings.add_action_point(
        db_session,
        actor=kaa,
        meeting_id=earlier.id,
        what="Kontakta skolan",
        member_id=ifo_member.id,
        due=TODAY - timedelta(days=1),
    )
    db_session.commit()
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=7)

    def carried(actor):
        views = meetings.meeting_page(db_session, actor=actor, meeting_id=meeting.id).agenda
        (view,) = [v for v in views if v.action is not None]
        return view

    before = carried(people["ifo"])
    assert before.item.owner == ifo_member.name
    assert before.action.overdue and before.action.mine and before.action.point.done_at is None
    assert not carried(kaa).action.mine

    meetings.complete_action_point(db_session, actor=people["ifo"], action_point_id=point.id)
    db_session.commit()
    after = carried(kaa)
    assert after.action.point.done_at is not None and not after.action.overdue
    minutes = meetings.generate_minutes(db_session, actor=kaa, meeting_id=meeting.id)
    assert "Åtgärdspunkt: Kontakta skolan (klar)" in reading.docx_text(minutes)


def test_the_assignee_finds_open_action_points_of_every_group_on_the_start_page(
    db_session, people, group, staff
):
    kaa = people["kaa"]
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=-1)
    ifo_member = next(
        m for m in meetings.groups.members_of(db_session, group.id) if m.staff_id == staff["ifo"].id
    )
    for what in ("Boka SIP", "Återkoppla"):
        meetings.add_action_point(
            db_session,
            actor=kaa,
            meeting_id=meeting.id,
            what=what,
            member_id=ifo_member.id,
            due=TODAY + timedelta(days=3),
        )
    db_session.commit()
    mine = meetings.my_action_points(db_session, actor=people["ifo"])
    assert [(a.row.point.what, a.group.name) for a in mine] == [
        ("Boka SIP", "Samverkansgruppen KAA"),
        ("Återkoppla", "Samverkansgruppen KAA"),
    ]
    meetings.complete_action_point(
        db_session, actor=people["ifo"], action_point_id=mine[0].row.point.id
    )
    db_session.commit()
    assert [
        a.row.point.what for a in meetings.my_action_points(db_session, actor=people["ifo"])
    ] == ["Återkoppla"]
    assert meetings.my_action_points(db_session, actor=people["kaa2"]) == []


def test_an_open_action_point_is_handed_over_and_its_task_moves_with_it(
    db_session, people, group, staff
):
    from kaa_web.models.tasks import Task

    kaa = people["kaa"]
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=7)
    members = {
        m.staff_id: m for m in meetings.groups.members_of(db_session, group.id) if m.staff_id
    }
    point = meetings.add_action_point(
        db_session,
        actor=kaa,
        meeting_id=meeting.id,
        what="Boka lokal",
        member_id=members[staff["ifo"].id].id,
        due=TODAY + timedelta(days=7),
    )
    db_session.commit()
    with pytest.raises(Invalid, match="öppna åtgärdspunkter"):
        meetings.remove_member(
            db_session,
            actor=people["chef"],
            group_id=group.id,
            member_id=members[staff["ifo"].id].id,
        )
    db_session.rollback()
    with pytest.raises(NotFound):  # a member who does not run the group
        meetings.reassign_action_point(
            db_session,
            actor=people["ifo"],
            action_point_id=point.id,
            member_id=members[staff["kaa"].id].id,
        )

    meetings.reassign_action_point(
        db_session, actor=kaa, action_point_id=point.id, member_id=members[staff["kaa"].id].id
    )
    db_session.commit()
    open_tasks = db_session.exec(
        select(Task.assigned_to).where(Task.kind == "atgardspunkt", Task.done_at.is_(None))
    ).all()
    assert open_tasks == [staff["kaa"].id]
    assert [a.row.point.what for a in meetings.my_action_points(db_session, actor=kaa)] == [
        "Boka lokal"
    ]
    assert meetings.my_action_points(db_session, actor=people["ifo"]) == []
    meetings.remove_member(
        db_session, actor=people["chef"], group_id=group.id, member_id=members[staff["ifo"].id].id
    )
    db_session.commit()


def test_an_action_point_joins_the_agenda_of_a_later_meeting_planned_already(
    db_session, people, group
):
    kaa = people["kaa"]
    now = factories.planned_meeting(db_session, group, by=kaa, in_days=1)
    later = factories.planned_meeting(db_session, group, by=kaa, in_days=30)
    member = meetings.groups.members_of(db_session, group.id)[0]
    meetings.add_action_point(
        db_session,
        actor=kaa,
        meeting_id=now.id,
        what="Skicka statistiken",
        member_id=member.id,
        due=TODAY + timedelta(days=14),
    )
    db_session.commit()
    assert reading.agenda_titles(db_session, later)[-1] == (3, "Åtgärdspunkt: Skicka statistiken")
    assert all(not t.startswith("Åtgärdspunkt") for _, t in reading.agenda_titles(db_session, now))


def test_handing_over_renames_the_owner_on_planned_agendas(db_session, people, group, staff):
    kaa = people["kaa"]
    earlier = factories.planned_meeting(db_session, group, by=kaa, in_days=-10)
    members = {m.name: m for m in meetings.groups.members_of(db_session, group.id)}
    point = meetings.add_action_point(
        db_session,
        actor=kaa,
        meeting_id=earlier.id,
        what="Boka lokal",
        member_id=members["Petra Af"].id,
        due=TODAY + timedelta(days=7),
    )
    db_session.commit()
    planned = factories.planned_meeting(db_session, group, by=kaa, in_days=7)
    kaa_member = next(m for m in members.values() if m.staff_id == staff["kaa"].id)
    meetings.reassign_action_point(
        db_session, actor=kaa, action_point_id=point.id, member_id=kaa_member.id
    )
    db_session.commit()
    (carried,) = [i for i in meetings.agenda.agenda_of(db_session, planned.id) if i.action_point_id]
    assert carried.owner == kaa_member.name


def test_a_new_action_point_is_not_added_to_a_meeting_already_held(db_session, people, group):
    kaa = people["kaa"]
    first = factories.planned_meeting(db_session, group, by=kaa, in_days=-20)
    held = factories.planned_meeting(db_session, group, by=kaa, in_days=-5)
    member = meetings.groups.members_of(db_session, group.id)[0]
    meetings.add_action_point(
        db_session, actor=kaa, meeting_id=first.id, what="Sent", member_id=member.id, due=TODAY
    )
    db_session.commit()
    assert all(i.action_point_id is None for i in meetings.agenda.agenda_of(db_session, held.id))
