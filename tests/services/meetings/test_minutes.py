"""The notice and the minutes: what they hold, adjusting them, what stays once adjusted."""

import io
from datetime import timedelta

import pytest
from docx import Document
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.meetings import Meeting
from kaa_web.services import meetings
from kaa_web.services.errors import Invalid, NotFound
from tests import factories
from tests.services.meetings import reading

TODAY = local_today()


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


def test_the_minutes_hold_attendance_notes_numbered_decisions_actions_and_the_adjuster(
    db_session, people, group, staff
):

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
    from kaa_web.demo import seed_demo
    from kaa_web.models.meetings import MeetingGroup

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


@pytest.mark.usefixtures("kaa2_in_group")
def test_the_documents_list_a_member_who_left_after_attending_but_not_one_who_did_not(
    db_session, people, group
):

    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    petra = reading.member_named(db_session, group, "Petra Af")
    meetings.record_attendance(
        db_session, actor=people["kaa"], meeting_id=meeting.id, statuses={petra.id: "narvarande"}
    )
    db_session.commit()
    reading.remove_member_named(db_session, people, group, "Petra Af")
    reading.remove_member_named(db_session, people, group, "Johan Wikström")

    minutes = meetings.generate_minutes(db_session, actor=people["kaa"], meeting_id=meeting.id)
    notice = meetings.generate_notice(db_session, actor=people["kaa"], meeting_id=meeting.id)
    db_session.commit()

    def text(document):
        doc = Document(io.BytesIO(document.content))
        cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)

    assert "Petra Af, Arbetsförmedlingen: Närvarande" in text(minutes)
    listed = text(notice)
    assert "Ingrid Sjöberg" in listed and "Petra Af" in listed
    assert "Johan Wikström" not in listed and "Johan Wikström" not in text(minutes)


def test_chef_produces_the_notice_and_every_member_may_download_it(db_session, people, group):
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    notice = meetings.generate_notice(db_session, actor=people["chef"], meeting_id=meeting.id)
    minutes = meetings.generate_minutes(db_session, actor=people["chef"], meeting_id=meeting.id)
    db_session.commit()

    listed = meetings.minutes.meeting_documents(db_session, meeting.id)
    assert {d.id for d in listed} == {notice.id, minutes.id}
    opened = meetings.open_meeting_document(
        db_session, actor=people["ifo"], meeting_id=meeting.id, document_id=notice.id
    )
    db_session.commit()
    assert "Statistik" in reading.docx_text(opened)
    views = db_session.exec(
        select(AuditEvent).where(
            AuditEvent.object_type == "generated_document", AuditEvent.action == "view"
        )
    ).all()
    assert [(e.username, e.object_id) for e in views] == [("ifo", str(notice.id))]

    other = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=14)
    with pytest.raises(NotFound):  # a document of another meeting
        meetings.open_meeting_document(
            db_session, actor=people["ifo"], meeting_id=other.id, document_id=notice.id
        )
    with pytest.raises(NotFound):  # a member who does not run the group cannot produce one
        meetings.generate_notice(db_session, actor=people["ifo"], meeting_id=meeting.id)


def test_minutes_are_adjusted_only_after_the_meeting_and_a_second_click_is_harmless(
    db_session, people, group
):
    kaa = people["kaa"]
    coming = factories.planned_meeting(db_session, group, by=kaa, in_days=3)
    with pytest.raises(Invalid, match="inte hållits"):
        meetings.adjust_minutes(db_session, actor=kaa, meeting_id=coming.id, adjuster="Ingrid")
    held = factories.planned_meeting(db_session, group, by=kaa, in_days=0)
    first = meetings.adjust_minutes(db_session, actor=kaa, meeting_id=held.id, adjuster="Ingrid")
    adjusted_at = first.adjusted_at
    db_session.commit()
    again = meetings.adjust_minutes(db_session, actor=kaa, meeting_id=held.id, adjuster="Ingrid")
    assert again.adjusted_at == adjusted_at
    with pytest.raises(Invalid, match="justerat"):
        meetings.adjust_minutes(db_session, actor=kaa, meeting_id=held.id, adjuster="Någon annan")


def test_no_notice_for_a_cancelled_meeting(db_session, people, group):
    kaa = people["kaa"]
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=7)
    meetings.cancel_meeting(db_session, actor=kaa, meeting_id=meeting.id)
    db_session.commit()
    with pytest.raises(Invalid, match="inställt"):
        meetings.generate_notice(db_session, actor=kaa, meeting_id=meeting.id)


def test_adjusted_minutes_keep_what_they_said_when_members_change_later(
    db_session, people, group, staff
):
    kaa = people["kaa"]
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=0)
    members = {m.name: m for m in meetings.groups.members_of(db_session, group.id)}
    petra = members["Petra Af"]
    meetings.record_attendance(
        db_session, actor=kaa, meeting_id=meeting.id, statuses={petra.id: "narvarande"}
    )
    point = meetings.add_action_point(
        db_session,
        actor=kaa,
        meeting_id=meeting.id,
        what="Boka lokal",
        member_id=petra.id,
        due=TODAY + timedelta(days=7),
    )
    meetings.adjust_minutes(db_session, actor=kaa, meeting_id=meeting.id, adjuster="Ingrid")
    db_session.commit()

    meetings.update_member(
        db_session,
        actor=people["chef"],
        group_id=group.id,
        member_id=petra.id,
        data=meetings.MemberData(name="Petra Omdöpt", organisation="arbetsformedlingen"),
    )
    kaa_member = next(m for m in members.values() if m.staff_id == staff["kaa"].id)
    meetings.reassign_action_point(
        db_session, actor=kaa, action_point_id=point.id, member_id=kaa_member.id
    )
    meetings.add_addendum(db_session, actor=kaa, meeting_id=meeting.id, text="Rättelse: rum 2.")
    minutes = reading.docx_text(
        meetings.generate_minutes(db_session, actor=kaa, meeting_id=meeting.id)
    )
    assert "Petra Af, Arbetsförmedlingen: Närvarande" in minutes
    assert "Omdöpt" not in minutes
    assert "Boka lokal\nPetra Af\n" in minutes  # the action list: what, who (then)
    assert "Rättelse: rum 2." in minutes
