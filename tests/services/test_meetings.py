"""Meeting services against the real database: the consent rule, carry-over, locked minutes."""

from datetime import time, timedelta

import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.register import TimelineEntry
from kaa_web.models.tasks import Task
from kaa_web.services import consents, meetings, register, tasks, worklist
from kaa_web.services.errors import Invalid, NotFound
from tests import factories

TODAY = local_today()


def _review(db, actor, meeting_id):
    views = meetings.meeting_page(db, actor=actor, meeting_id=meeting_id).agenda
    return views[0].review


def test_a_young_person_is_named_when_consent_covers_every_organisation_present(
    db_session, people, group, make_youth
):
    youth = make_youth("Alva", "Consentsson", occupation="ingen")
    factories.consent(
        db_session, people["kaa"], youth, parties={"socialtjansten", "arbetsformedlingen"}
    )
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)

    review = _review(db_session, people["kaa"], meeting.id)

    assert [(line.name, line.youth_id) for line in review.named] == [("Alva Consentsson", youth.id)]
    assert (review.named_total, review.unnamed) == (1, False)
    logged = db_session.exec(
        select(AuditEvent).where(
            AuditEvent.object_type == "meeting", AuditEvent.youth_id == youth.id
        )
    ).all()
    assert [(e.action, e.object_id, e.username) for e in logged] == [
        ("view", str(meeting.id), "kaa")
    ]


def test_a_young_person_is_anonymised_when_one_organisation_is_not_covered(
    db_session, people, group, make_youth
):
    youth = make_youth(
        "Bo", "Halvsson", occupation="ingen", birth_date=TODAY - timedelta(days=6940)
    )
    factories.consent(db_session, people["kaa"], youth, parties={"socialtjansten"})
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)

    review = _review(db_session, people["kaa"], meeting.id)

    assert review.named == [] and review.unnamed
    # counted only, and (Arbetsförmedlingen is there) a single person is under five
    summary = review.summary
    assert (summary.total, summary.total_shown) == (1, "<5")
    assert summary.by_age == [meetings.Count("19 år", "<5")]
    assert summary.by_situation == [meetings.Count("Ingen sysselsättning", "<5")]
    assert (
        db_session.exec(
            select(AuditEvent).where(
                AuditEvent.youth_id == youth.id, AuditEvent.object_type == "meeting"
            )
        ).all()
        == []
    )


def test_a_consent_withdrawn_between_planning_and_the_meeting_makes_the_name_disappear(
    db_session, people, group, make_youth
):
    youth = make_youth("Cleo", "Drarsig", occupation="ingen")
    consent = factories.consent(
        db_session, people["kaa"], youth, parties={"socialtjansten", "arbetsformedlingen"}
    )
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    assert _review(db_session, people["kaa"], meeting.id).named

    consents.withdraw_consent(db_session, actor=people["kaa"], youth=youth, consent_id=consent.id)
    db_session.commit()

    assert _review(db_session, people["kaa"], meeting.id).named == []


def test_only_organisations_present_count_once_attendance_is_recorded(
    db_session, people, group, make_youth
):
    youth = make_youth("Dina", "Närvarosson", occupation="ingen")
    factories.consent(db_session, people["kaa"], youth, parties={"socialtjansten"})
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    members = meetings.groups.members_of(db_session, group.id)
    statuses = {
        m.id: ("anmalt_forhinder" if m.organisation == "arbetsformedlingen" else "narvarande")
        for m in members
    }
    meetings.record_attendance(
        db_session, actor=people["kaa"], meeting_id=meeting.id, statuses=statuses
    )
    db_session.commit()

    assert [line.name for line in _review(db_session, people["kaa"], meeting.id).named] == [
        "Dina Närvarosson"
    ]


def test_a_decision_about_a_named_person_goes_to_their_timeline_and_is_numbered(
    db_session, people, group, make_youth, staff
):
    youth = make_youth("Eli", "Beslutsson", occupation="ingen")
    factories.consent(
        db_session, people["kaa"], youth, parties={"socialtjansten", "arbetsformedlingen"}
    )
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    review = meetings.agenda.agenda_of(db_session, meeting.id)[0]

    first = meetings.record_decision(
        db_session, actor=people["kaa"], meeting_id=meeting.id, item_id=review.id, text="Noterat."
    )
    second = meetings.record_decision(
        db_session,
        actor=people["kaa"],
        meeting_id=meeting.id,
        item_id=review.id,
        text="Erbjuds praktik via Arbetsförmedlingen.",
        youth_id=youth.id,
    )
    db_session.commit()

    assert (first.number, second.number) == (1, 2)
    entries = db_session.exec(
        select(TimelineEntry).where(
            TimelineEntry.youth_id == youth.id, TimelineEntry.kind == "mote"
        )
    ).all()
    assert [e.title for e in entries] == [
        f"Beslut § 2 i Samverkansgruppen KAA {meeting.on.isoformat()}"
    ]

    def text_on_timeline(actor):
        items = register.person_timeline(db_session, actor=actor, youth=youth)
        [item] = [i for i in items if i.ref_type == "decision"]
        return item.text, item.text_withheld

    # The text is for those who may read the minutes, and for the young person's officer.
    shown = ("Erbjuds praktik via Arbetsförmedlingen.", False)
    assert text_on_timeline(people["kaa"]) == shown  # the convener, a member
    assert text_on_timeline(people["chef"]) == shown
    assert text_on_timeline(people["arbetsmarknad"]) == ("", True)  # not in the group
    youth.officer_id = staff["arbetsmarknad"].id
    db_session.add(youth)
    db_session.commit()
    assert text_on_timeline(people["arbetsmarknad"]) == shown


def test_a_decision_cannot_name_a_person_without_consent_for_everyone(
    db_session, people, group, make_youth
):
    youth = make_youth("Fia", "Utansson", occupation="ingen")
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    review = meetings.agenda.agenda_of(db_session, meeting.id)[0]
    with pytest.raises(Invalid):
        meetings.record_decision(
            db_session,
            actor=people["kaa"],
            meeting_id=meeting.id,
            item_id=review.id,
            text="Kallas till möte.",
            youth_id=youth.id,
        )


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


def test_adjusted_minutes_refuse_edits_and_take_an_addendum(db_session, people, group):
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=0)
    item = meetings.agenda.agenda_of(db_session, meeting.id)[1]
    meetings.record_notes(
        db_session, actor=people["kaa"], meeting_id=meeting.id, item_id=item.id, notes="Före."
    )
    meetings.adjust_minutes(
        db_session, actor=people["kaa"], meeting_id=meeting.id, adjuster="Ingrid Sjöberg"
    )
    db_session.commit()

    with pytest.raises(Invalid, match="justerat"):
        meetings.record_notes(
            db_session, actor=people["kaa"], meeting_id=meeting.id, item_id=item.id, notes="Efter."
        )
    with pytest.raises(Invalid, match="justerat"):
        meetings.record_decision(
            db_session, actor=people["kaa"], meeting_id=meeting.id, item_id=item.id, text="Nytt."
        )
    meetings.add_addendum(
        db_session,
        actor=people["kaa"],
        meeting_id=meeting.id,
        text="Rättelse: statistiken gäller HT.",
    )
    db_session.commit()

    db_session.refresh(item)
    assert item.notes == "Före."
    assert [a.text for a in meetings.minutes.addenda_of(db_session, meeting.id)] == [
        "Rättelse: statistiken gäller HT."
    ]


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


def test_the_minutes_hold_attendance_notes_numbered_decisions_actions_and_the_adjuster(
    db_session, people, group, staff
):
    import io

    from docx import Document

    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=-1)
    first, second = meetings.agenda.agenda_of(db_session, meeting.id)[:2]
    members = meetings.groups.members_of(db_session, group.id)
    meetings.record_attendance(
        db_session,
        actor=people["kaa"],
        meeting_id=meeting.id,
        statuses={m.id: "narvarande" for m in members},
    )
    meetings.record_notes(
        db_session,
        actor=people["kaa"],
        meeting_id=meeting.id,
        item_id=second.id,
        notes="Andelen nåda ökade.",
    )
    for item, text in ((first, "KAA bjuder in."), (second, "Statistiken godkänns.")):
        meetings.record_decision(
            db_session, actor=people["kaa"], meeting_id=meeting.id, item_id=item.id, text=text
        )
    meetings.add_action_point(
        db_session,
        actor=people["kaa"],
        meeting_id=meeting.id,
        what="Skicka statistiken",
        member_id=members[0].id,
        due=TODAY + timedelta(days=14),
    )
    meetings.adjust_minutes(
        db_session, actor=people["kaa"], meeting_id=meeting.id, adjuster="Ingrid Sjöberg"
    )
    notice = meetings.generate_notice(db_session, actor=people["kaa"], meeting_id=meeting.id)
    minutes = meetings.generate_minutes(db_session, actor=people["kaa"], meeting_id=meeting.id)
    db_session.commit()

    def text(document):
        doc = Document(io.BytesIO(document.content))
        cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)

    assert "Genomgång av aktuella ungdomar" in text(notice)
    body = text(minutes)
    assert "Petra Af, Arbetsförmedlingen: Närvarande" in body
    assert "Andelen nåda ökade." in body
    assert "Beslut 1: KAA bjuder in." in body and "Beslut 2: Statistiken godkänns." in body
    assert "Skicka statistiken" in body
    assert "Ingrid Sjöberg" in body


def test_the_demo_shows_groups_adjusted_minutes_and_a_carried_action_point_once(db_session):
    from kaa_web.demo_data import seed_demo
    from kaa_web.models.meetings import Meeting, MeetingGroup

    seed_demo(db_session)
    seed_demo(db_session)

    groups = db_session.exec(select(MeetingGroup).order_by(MeetingGroup.id)).all()
    assert [g.name for g in groups][0] == "Samverkansgruppen KAA" and len(groups) == 3
    past, upcoming = db_session.exec(
        select(Meeting).where(Meeting.group_id == groups[0].id).order_by(Meeting.on)
    ).all()
    assert past.adjusted_at is not None and upcoming.adjusted_at is None
    carried = [
        i.title for i in meetings.agenda.agenda_of(db_session, upcoming.id) if i.action_point_id
    ]
    assert carried == [
        "Åtgärdspunkt: Ta fram en gemensam rutin för överlämning till Arbetsförmedlingen"
    ]
    (open_point,) = meetings.action_points.action_points(db_session, groups[0].id)
    assert open_point.overdue
    assert [d.doc_type for d in meetings.minutes.meeting_documents(db_session, past.id)] == [
        "protokoll"
    ]
    assert [d.doc_type for d in meetings.minutes.meeting_documents(db_session, upcoming.id)] == [
        "kallelse"
    ]


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
