"""Changing a group against the real database: settings, members who leave, standing items."""

from datetime import time, timedelta

import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.meetings import GroupMember
from kaa_web.services import meetings
from kaa_web.services.errors import Invalid, NotFound
from tests import factories

TODAY = local_today()


@pytest.fixture
def group(group, db_session, staff, people):
    """The shared group (kaa convenes; ifo and Petra from Arbetsförmedlingen) plus kaa2."""
    data = meetings.MemberData(staff_id=staff["kaa2"].id)
    meetings.add_member(db_session, actor=people["chef"], group_id=group.id, data=data)
    db_session.commit()
    return group


def _member(db, group, name) -> GroupMember:
    rows = meetings.groups.members_of(db, group.id, include_removed=True)
    return next(m for m in rows if m.name == name)


def _names(members) -> list[str]:
    return [m.name for m in members]


def _remove(db, people, group, name):
    member = _member(db, group, name)
    meetings.remove_member(db, actor=people["chef"], group_id=group.id, member_id=member.id)
    db.commit()
    return member


def _audited(db, group) -> list[str]:
    return db.exec(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "meeting_group", AuditEvent.object_id == str(group.id)
        )
    ).all()


# --- settings ---------------------------------------------------------------------------------


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


def test_only_chef_and_admin_change_settings_and_members(db_session, staff, people, group):
    petra = _member(db_session, group, "Petra Af")
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


# --- members ----------------------------------------------------------------------------------


def test_chef_edits_an_external_member(db_session, people, group):
    petra = _member(db_session, group, "Petra Af")
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


def test_editing_an_external_member_validates_as_adding_one(db_session, people, group):
    petra = _member(db_session, group, "Petra Af")
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


def test_a_staff_member_is_not_edited_here(db_session, people, group):
    ifo = _member(db_session, group, "Ingrid Sjöberg")
    with pytest.raises(Invalid):
        meetings.update_member(
            db_session,
            actor=people["chef"],
            group_id=group.id,
            member_id=ifo.id,
            data=meetings.MemberData(name="Någon annan", organisation="kommunen"),
        )


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
    petra = _member(db_session, group, "Petra Af")
    with pytest.raises(NotFound):
        meetings.remove_member(
            db_session, actor=people["chef"], group_id=other.id, member_id=petra.id
        )


def test_a_removed_member_keeps_their_history_but_leaves_the_group(
    db_session, staff, people, group
):
    past = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    ingrid = _member(db_session, group, "Ingrid Sjöberg")
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

    _remove(db_session, people, group, "Ingrid Sjöberg")
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


def test_a_removed_staff_member_is_no_longer_a_convener_to_choose(db_session, staff, people, group):
    _remove(db_session, people, group, "Johan Wikström")
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


def test_a_removed_member_no_longer_counts_as_represented_before_the_meeting(
    db_session, people, group, make_youth
):
    youth = make_youth("Alva", "Lämnadsson", occupation="ingen")
    factories.consent(db_session, people["kaa"], youth, parties={"socialtjansten"})
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    organisations = {o for o, _ in meetings.review.represented_organisations(db_session, meeting)}
    assert "arbetsformedlingen" in organisations

    _remove(db_session, people, group, "Petra Af")

    organisations = {o for o, _ in meetings.review.represented_organisations(db_session, meeting)}
    assert organisations == {"kommunen", "socialtjansten"}
    views = meetings.meeting_page(db_session, actor=people["kaa"], meeting_id=meeting.id).agenda
    assert [line.name for line in views[0].listed] == ["Alva Lämnadsson"]


def test_a_removed_member_who_attended_still_counts_at_that_meeting(
    db_session, people, group, make_youth
):
    youth = make_youth("Bo", "Närvarsson", occupation="ingen")
    factories.consent(db_session, people["kaa"], youth, parties={"socialtjansten"})
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    petra = _member(db_session, group, "Petra Af")
    meetings.record_attendance(
        db_session, actor=people["kaa"], meeting_id=meeting.id, statuses={petra.id: "narvarande"}
    )
    db_session.commit()

    _remove(db_session, people, group, "Petra Af")

    assert meetings.review.represented_organisations(db_session, meeting) == {
        ("arbetsformedlingen", "")
    }
    views = meetings.meeting_page(db_session, actor=people["kaa"], meeting_id=meeting.id).agenda
    assert views[0].listed == [] and views[0].review.summary.total == 1


def test_the_convener_cannot_be_removed(db_session, people, group):
    karin = _member(db_session, group, "Karin Berg")
    with pytest.raises(Invalid) as refused:
        meetings.remove_member(
            db_session, actor=people["chef"], group_id=group.id, member_id=karin.id
        )
    assert "Välj en annan sammankallande först" in str(refused.value)
    db_session.rollback()
    assert "Karin Berg" in _names(meetings.groups.members_of(db_session, group.id))


def test_a_staff_member_already_in_the_group_is_refused(db_session, staff, people, group):
    with pytest.raises(Invalid) as refused:
        meetings.add_member(
            db_session,
            actor=people["chef"],
            group_id=group.id,
            data=meetings.MemberData(staff_id=staff["ifo"].id),
        )
    assert refused.value.field_errors == {"staff_id": "Ingrid Sjöberg är redan med i gruppen."}


def test_a_removed_staff_member_can_be_added_again_without_a_duplicate(
    db_session, staff, people, group
):
    old = _remove(db_session, people, group, "Ingrid Sjöberg")
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


# --- standing items ---------------------------------------------------------------------------


def _titles(db, group) -> list[str]:
    return [s.title for s in meetings.agenda.standing_items_of(db, group.id)]


def test_the_convener_adds_edits_moves_and_removes_standing_items(db_session, people, group):
    kaa = people["kaa"]
    added = meetings.add_standing_item(
        db_session,
        actor=kaa,
        group_id=group.id,
        title=" Nya sedan förra mötet ",
        youth_filter="nya",
        minutes=20,
    )
    db_session.commit()
    assert _titles(db_session, group) == [
        "Genomgång av aktuella ungdomar",
        "Statistik",
        "Nya sedan förra mötet",
    ]
    assert (added.youth_filter, added.minutes, added.position) == ("nya", 20, 3)

    def up(from_position):
        meetings.move_standing_item(
            db_session,
            actor=kaa,
            group_id=group.id,
            item_id=added.id,
            direction="upp",
            from_position=from_position,
        )

    up(3)
    up(3)  # the same button twice: the second finds the item moved and does nothing
    up(2)
    up(1)  # already first: stays
    db_session.commit()
    items = meetings.agenda.standing_items_of(db_session, group.id)
    assert [(s.title, s.position) for s in items] == [
        ("Nya sedan förra mötet", 1),
        ("Genomgång av aktuella ungdomar", 2),
        ("Statistik", 3),
    ]

    meetings.update_standing_item(
        db_session,
        actor=people["chef"],
        group_id=group.id,
        item_id=items[2].id,
        title="Statistik per område",
        youth_filter="",
        minutes=15,
    )
    meetings.remove_standing_item(db_session, actor=kaa, group_id=group.id, item_id=items[1].id)
    db_session.commit()
    items = meetings.agenda.standing_items_of(db_session, group.id)
    assert [(s.title, s.position, s.minutes) for s in items] == [
        ("Nya sedan förra mötet", 1, 20),
        ("Statistik per område", 2, 15),
    ]
    meetings.move_standing_item(
        db_session,
        actor=kaa,
        group_id=group.id,
        item_id=items[0].id,
        direction="ned",
        from_position=1,
    )
    db_session.commit()
    assert _titles(db_session, group) == ["Statistik per område", "Nya sedan förra mötet"]


def test_changing_standing_items_leaves_planned_agendas_alone(db_session, people, group):
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    before = [
        (i.title, i.youth_filter, i.minutes)
        for i in meetings.agenda.agenda_of(db_session, meeting.id)
    ]
    review, statistics = meetings.agenda.standing_items_of(db_session, group.id)

    meetings.update_standing_item(
        db_session,
        actor=people["kaa"],
        group_id=group.id,
        item_id=review.id,
        title="Försenade uppföljningar",
        youth_filter="forsenad_uppfoljning",
        minutes=45,
    )
    meetings.remove_standing_item(
        db_session, actor=people["kaa"], group_id=group.id, item_id=statistics.id
    )
    db_session.commit()

    after = [
        (i.title, i.youth_filter, i.minutes)
        for i in meetings.agenda.agenda_of(db_session, meeting.id)
    ]
    assert after == before
    assert before[:2] == [
        ("Genomgång av aktuella ungdomar", "ingen_sysselsattning", 10),
        ("Statistik", "", 10),
    ]
    nxt = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=30)
    assert [i.title for i in meetings.agenda.agenda_of(db_session, nxt.id)] == [
        "Försenade uppföljningar"
    ]


@pytest.mark.parametrize(
    ("title", "youth_filter", "minutes", "fields"),
    [
        ("", "", 10, {"title"}),
        ("Punkt", "alla", 10, {"youth_filter"}),
        ("Punkt", "", 0, {"minutes"}),
        ("Punkt", "", 241, {"minutes"}),
        ("Punkt", "", None, {"minutes"}),
    ],
)
def test_a_standing_item_needs_a_title_a_known_list_and_1_to_240_minutes(
    db_session, people, group, title, youth_filter, minutes, fields
):
    with pytest.raises(Invalid) as refused:
        meetings.add_standing_item(
            db_session,
            actor=people["kaa"],
            group_id=group.id,
            title=title,
            youth_filter=youth_filter,
            minutes=minutes,
        )
    assert set(refused.value.field_errors) == fields
    db_session.rollback()
    assert len(meetings.agenda.standing_items_of(db_session, group.id)) == 2


def test_only_the_convener_and_chef_change_standing_items(db_session, people, group):
    item = meetings.agenda.standing_items_of(db_session, group.id)[0]
    for who in ("kaa2", "ifo", "arbetsmarknad"):
        with pytest.raises(NotFound):
            meetings.add_standing_item(
                db_session, actor=people[who], group_id=group.id, title="Kapad"
            )
        with pytest.raises(NotFound):
            meetings.remove_standing_item(
                db_session, actor=people[who], group_id=group.id, item_id=item.id
            )
        with pytest.raises(NotFound):
            meetings.move_standing_item(
                db_session,
                actor=people[who],
                group_id=group.id,
                item_id=item.id,
                direction="ned",
                from_position=1,
            )
    db_session.rollback()
    assert _titles(db_session, group) == ["Genomgång av aktuella ungdomar", "Statistik"]


def test_a_standing_item_of_another_group_is_not_found(db_session, staff, people, group):
    other = meetings.create_group(
        db_session,
        actor=people["chef"],
        name="Annan grupp",
        kind="annan",
        frequency="vid_behov",
        convener_id=staff["kaa"].id,
        standing_items=[("Annat", "")],
    )
    db_session.commit()
    (foreign,) = meetings.agenda.standing_items_of(db_session, other.id)
    with pytest.raises(NotFound):
        meetings.remove_standing_item(
            db_session, actor=people["kaa"], group_id=group.id, item_id=foreign.id
        )


def test_the_documents_list_a_member_who_left_after_attending_but_not_one_who_did_not(
    db_session, people, group
):
    import io

    from docx import Document

    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    petra = _member(db_session, group, "Petra Af")
    meetings.record_attendance(
        db_session, actor=people["kaa"], meeting_id=meeting.id, statuses={petra.id: "narvarande"}
    )
    db_session.commit()
    _remove(db_session, people, group, "Petra Af")
    _remove(db_session, people, group, "Johan Wikström")

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
