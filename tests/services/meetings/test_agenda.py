"""A meeting's agenda items and a group's standing items: add, change, move, remove."""

import pytest

from kaa_web.services import meetings
from kaa_web.services.errors import Invalid, NotFound
from tests import factories
from tests.services.meetings import reading


def _standing_titles(db, group) -> list[str]:
    return [s.title for s in meetings.agenda.standing_items_of(db, group.id)]


@pytest.mark.usefixtures("kaa2_in_group")
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
    assert _standing_titles(db_session, group) == [
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
    assert _standing_titles(db_session, group) == ["Statistik per område", "Nya sedan förra mötet"]


@pytest.mark.usefixtures("kaa2_in_group")
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


@pytest.mark.usefixtures("kaa2_in_group")
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


@pytest.mark.usefixtures("kaa2_in_group")
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
    assert _standing_titles(db_session, group) == ["Genomgång av aktuella ungdomar", "Statistik"]


@pytest.mark.usefixtures("kaa2_in_group")
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


def test_the_convener_adds_edits_moves_and_removes_agenda_items(db_session, people, group):
    kaa = people["kaa"]
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=7)
    assert reading.agenda_titles(db_session, meeting) == [
        (1, "Genomgång av aktuella ungdomar"),
        (2, "Statistik"),
    ]

    added = meetings.add_agenda_item(
        db_session,
        actor=kaa,
        meeting_id=meeting.id,
        data=meetings.ExtraItem("Sommarjobb 2027", "Petra Af", 20),
    )
    meetings.move_agenda_item(
        db_session,
        actor=kaa,
        meeting_id=meeting.id,
        item_id=added.id,
        direction="upp",
        from_position=3,
    )
    # the same button clicked twice: the second request finds the item moved and does nothing
    meetings.move_agenda_item(
        db_session,
        actor=kaa,
        meeting_id=meeting.id,
        item_id=added.id,
        direction="upp",
        from_position=3,
    )
    db_session.commit()
    assert reading.agenda_titles(db_session, meeting) == [
        (1, "Genomgång av aktuella ungdomar"),
        (2, "Sommarjobb 2027"),
        (3, "Statistik"),
    ]

    statistics = meetings.agenda.agenda_of(db_session, meeting.id)[2]
    meetings.update_agenda_item(
        db_session,
        actor=kaa,
        meeting_id=meeting.id,
        item_id=statistics.id,
        data=meetings.ExtraItem("Statistik HT", "Ingrid", 15, "forsenad_uppfoljning"),
    )
    first = meetings.agenda.agenda_of(db_session, meeting.id)[0]
    meetings.remove_agenda_item(db_session, actor=kaa, meeting_id=meeting.id, item_id=first.id)
    meetings.remove_agenda_item(db_session, actor=kaa, meeting_id=meeting.id, item_id=first.id)
    db_session.commit()

    items = meetings.agenda.agenda_of(db_session, meeting.id)
    assert [(i.position, i.title) for i in items] == [(1, "Sommarjobb 2027"), (2, "Statistik HT")]
    assert (items[1].owner, items[1].minutes, items[1].youth_filter) == (
        "Ingrid",
        15,
        "forsenad_uppfoljning",
    )


def test_bad_agenda_values_are_refused_with_swedish_errors(db_session, people, group):
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    with pytest.raises(Invalid) as refused:
        meetings.add_agenda_item(
            db_session,
            actor=people["kaa"],
            meeting_id=meeting.id,
            data=meetings.ExtraItem("  ", minutes=0, youth_filter="alla"),
        )
    assert set(refused.value.field_errors) == {"title", "minutes", "youth_filter"}
    assert refused.value.field_errors["minutes"] == "Ange 1–240 minuter."


def test_an_item_with_decisions_stays_on_the_agenda(db_session, people, group):
    kaa = people["kaa"]
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=7)
    item = meetings.agenda.agenda_of(db_session, meeting.id)[1]
    meetings.record_decision(
        db_session, actor=kaa, meeting_id=meeting.id, item_id=item.id, text="Godkänns."
    )
    db_session.commit()
    with pytest.raises(Invalid, match="har beslut"):
        meetings.remove_agenda_item(db_session, actor=kaa, meeting_id=meeting.id, item_id=item.id)


def test_adjusted_minutes_refuse_agenda_changes(db_session, people, group):
    kaa = people["kaa"]
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=0)
    item = meetings.agenda.agenda_of(db_session, meeting.id)[0]
    meetings.adjust_minutes(db_session, actor=kaa, meeting_id=meeting.id, adjuster="Ingrid")
    db_session.commit()
    data = meetings.ExtraItem("Sent tillagd")
    with pytest.raises(Invalid, match="justerat"):
        meetings.add_agenda_item(db_session, actor=kaa, meeting_id=meeting.id, data=data)
    with pytest.raises(Invalid, match="justerat"):
        meetings.remove_agenda_item(db_session, actor=kaa, meeting_id=meeting.id, item_id=item.id)
    with pytest.raises(Invalid, match="justerat"):
        meetings.cancel_meeting(db_session, actor=kaa, meeting_id=meeting.id)
    assert len(meetings.agenda.agenda_of(db_session, meeting.id)) == 2


def test_a_member_who_does_not_run_the_group_cannot_change_the_agenda(db_session, people, group):
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    with pytest.raises(NotFound):
        meetings.add_agenda_item(
            db_session,
            actor=people["ifo"],
            meeting_id=meeting.id,
            data=meetings.ExtraItem("Från IFO"),
        )
    with pytest.raises(NotFound):
        meetings.cancel_meeting(db_session, actor=people["kaa2"], meeting_id=meeting.id)
