"""A planned meeting changes: agenda editing, moving and cancelling, documents, carried points."""

import io
from datetime import time, timedelta

import pytest
from docx import Document
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.register import TimelineEntry
from kaa_web.services import meetings
from kaa_web.services.errors import Invalid, NotFound
from tests import factories
from tests.services.test_meetings import TODAY


def _titles(db, meeting):
    return [(i.position, i.title) for i in meetings.agenda.agenda_of(db, meeting.id)]


def _docx_text(document) -> str:
    doc = Document(io.BytesIO(document.content))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_convener_adds_edits_moves_and_removes_agenda_items(db_session, people, group):
    kaa = people["kaa"]
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=7)
    assert _titles(db_session, meeting) == [(1, "Genomgång av aktuella ungdomar"), (2, "Statistik")]

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
    assert _titles(db_session, meeting) == [
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
    carried = [t for _, t in _titles(db_session, next_meeting) if t.startswith("Åtgärdspunkt")]
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
    assert "Åtgärdspunkt: Kontakta skolan (klar)" in _docx_text(minutes)


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
    assert "Statistik" in _docx_text(opened)
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


def test_a_decision_under_any_item_may_name_a_person_the_consent_rule_allows(
    db_session, people, group, make_youth
):
    kaa = people["kaa"]
    named = make_youth("Alva", "Namnsson", occupation="ingen")
    typed = make_youth("Bea", "Nummersson", occupation="studier")
    hidden = make_youth("Cid", "Doldsson", occupation="studier")
    for youth in (named, typed):
        factories.consent(db_session, kaa, youth, parties={"socialtjansten", "arbetsformedlingen"})
    factories.consent(db_session, kaa, hidden, parties={"socialtjansten"})
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=7)
    page = meetings.meeting_page(db_session, actor=kaa, meeting_id=meeting.id)
    assert page.named == [(named.id, "Alva Namnsson")]
    statistics = meetings.agenda.agenda_of(db_session, meeting.id)[1]

    def decide(**person):
        return meetings.record_decision(
            db_session,
            actor=kaa,
            meeting_id=meeting.id,
            item_id=statistics.id,
            text="KAA kallar till SIP.",
            **person,
        )

    first = decide(youth_id=named.id)
    second = decide(personnummer=typed.personnummer)
    db_session.commit()
    assert (first.youth_id, second.youth_id) == (named.id, typed.id)
    timeline = db_session.exec(
        select(TimelineEntry.youth_id).where(TimelineEntry.kind == "mote")
    ).all()
    assert sorted(timeline) == sorted([named.id, typed.id])

    with pytest.raises(Invalid, match="samtycke"):  # Arbetsförmedlingen is not covered
        decide(personnummer=hidden.personnummer)
    with pytest.raises(Invalid, match="ingen ungdom"):
        decide(personnummer="19000101-0016")  # valid, nobody registered
    with pytest.raises(Invalid) as refused:
        decide(personnummer="12345")
    assert "personnummer" in refused.value.field_errors
    with pytest.raises(Invalid, match="inte båda"):
        decide(youth_id=named.id, personnummer=typed.personnummer)


def test_two_separate_consents_do_not_add_up_to_naming_before_both(
    db_session, people, group, make_youth
):
    kaa = people["kaa"]
    youth = make_youth("Dan", "Delsson", occupation="ingen")
    factories.consent(db_session, kaa, youth, parties={"socialtjansten"})
    factories.consent(db_session, kaa, youth, parties={"arbetsformedlingen"})
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=7)
    views = meetings.meeting_page(db_session, actor=kaa, meeting_id=meeting.id).agenda
    assert views[0].listed == [] and views[0].review.summary.total == 1


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
    assert _titles(db_session, later)[-1] == (3, "Åtgärdspunkt: Skicka statistiken")
    assert all(not t.startswith("Åtgärdspunkt") for _, t in _titles(db_session, now))


def _review_names(db, actor, meeting):
    views = meetings.meeting_page(db, actor=actor, meeting_id=meeting.id).agenda
    return [line.name for line in views[0].listed]


def test_a_viewer_who_may_not_see_the_person_gets_the_line_anonymised(
    db_session, people, group, staff, make_youth
):
    kaa = people["kaa"]
    youth = make_youth("Alva", "Afsson", occupation="ingen")
    factories.consent(db_session, kaa, youth, parties={"arbetsformedlingen"})
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=0)
    members = {m.name: m for m in meetings.groups.members_of(db_session, group.id)}
    ifo = next(m for m in members.values() if m.staff_id == staff["ifo"].id)
    meetings.record_attendance(
        db_session,
        actor=kaa,
        meeting_id=meeting.id,
        statuses={members["Petra Af"].id: "narvarande", ifo.id: "anmalt_forhinder"},
    )
    db_session.commit()

    # only Arbetsförmedlingen was there and its consent covers it: KAA sees the name ...
    assert _review_names(db_session, kaa, meeting) == ["Alva Afsson"]
    # ... the excused IFO member, without a consent covering social services, does not
    assert _review_names(db_session, people["ifo"], meeting) == []
    # and an administrator, who keeps groups' settings but not their content, sees no agenda
    db_session.commit()
    with pytest.raises(NotFound):
        _review_names(db_session, people["admin"], meeting)


def _district(db, name):
    from kaa_web.models.register import District

    return db.exec(select(District.id).where(District.name == name)).one()


def test_the_review_names_at_most_its_limit_and_counts_everyone(
    db_session, people, group, make_youth, monkeypatch, staff
):
    monkeypatch.setattr(meetings.review, "REVIEW_LIMIT", 2)
    kaa, centrum = people["kaa"], _district(db_session, "Centrum")
    for first in ("Ada", "Bo", "Cim"):
        youth = make_youth(first, "Listsson", occupation="ingen", district_id=centrum)
        factories.consent(db_session, kaa, youth, parties={"socialtjansten", "arbetsformedlingen"})
    make_youth("Dea", "Skyddsson", occupation="ingen", protected_identity=True, district_id=centrum)
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=7)
    views = meetings.meeting_page(db_session, actor=kaa, meeting_id=meeting.id).agenda
    review = views[0].review
    assert [line.name for line in review.named] == ["Ada Listsson", "Bo Listsson"]
    assert review.more and review.named_total == 3 and review.unnamed
    # a protected person's district is never counted (it could point to where they live)
    assert review.summary.by_district == [
        meetings.Count("Centrum", "<5"),
        meetings.Count("Okänt område", "<5"),
    ]


def test_the_review_counts_by_district_age_and_situation_hiding_small_numbers(
    db_session, people, group, make_youth
):
    kaa = people["kaa"]
    centrum, norra = _district(db_session, "Centrum"), _district(db_session, "Norra")
    born_16 = TODAY - timedelta(days=16 * 365 + 30)
    born_18 = TODAY - timedelta(days=18 * 365 + 30)
    rows = [(centrum, born_16, "ingen")] * 6 + [(centrum, born_18, "okand")] * 5
    rows += [(norra, born_18, "ingen")] * 2
    for n, (district, birth_date, occupation) in enumerate(rows):
        make_youth(
            f"Person{n}",
            "Räknad",
            district_id=district,
            birth_date=birth_date,
            occupation=occupation,
        )
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=7)
    views = meetings.meeting_page(db_session, actor=kaa, meeting_id=meeting.id).agenda
    summary = views[0].review.summary

    assert (summary.total, summary.total_shown, summary.limit) == (13, "13", 5)
    # Norra's 2 is under five, and 13 − 11 would give it away: Centrum is hidden too
    assert summary.by_district == [meetings.Count("Centrum", "dolt"), meetings.Count("Norra", "<5")]
    assert summary.by_age == [meetings.Count("16 år", "6"), meetings.Count("18 år", "7")]
    assert summary.by_situation == [
        meetings.Count("Ingen sysselsättning", "8"),
        meetings.Count("Okänd", "5"),
    ]
    assert summary.secondary
    assert views[0].listed == []  # nobody has a consent: counts only


def test_a_group_of_the_municipality_alone_sees_exact_counts_and_names(
    db_session, people, staff, make_youth
):
    chef, kaa = people["chef"], people["kaa"]
    group = meetings.create_group(
        db_session,
        actor=chef,
        name="Arbetsgruppen",
        kind="arbetsgrupp",
        frequency="manadsvis",
        convener_id=staff["kaa"].id,
        standing_items=[("Genomgång", "ingen_sysselsattning")],
    )
    db_session.commit()
    make_youth("Ebba", "Kommunsson", occupation="ingen")
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=7)
    views = meetings.meeting_page(db_session, actor=kaa, meeting_id=meeting.id).agenda
    review = views[0].review
    assert review.summary.limit is None and review.summary.total_shown == "1"
    assert [line.name for line in review.named] == ["Ebba Kommunsson"]


def test_a_cancelled_meeting_does_not_restart_the_new_since_last_meeting_list(
    db_session, people, group, make_youth
):
    kaa = people["kaa"]
    meetings.update_standing_item(
        db_session,
        actor=kaa,
        group_id=group.id,
        item_id=meetings.agenda.standing_items_of(db_session, group.id)[0].id,
        title="Nya sedan förra mötet",
        youth_filter="nya",
        minutes=20,
    )
    factories.planned_meeting(db_session, group, by=kaa, in_days=-60)
    cancelled = factories.planned_meeting(db_session, group, by=kaa, in_days=-2)
    meetings.cancel_meeting(db_session, actor=kaa, meeting_id=cancelled.id)
    make_youth("Ny", "Nyström", registered_on=TODAY - timedelta(days=10))
    db_session.commit()
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=7)
    views = meetings.meeting_page(db_session, actor=kaa, meeting_id=meeting.id).agenda
    assert views[0].review.summary.total == 1


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
    minutes = _docx_text(meetings.generate_minutes(db_session, actor=kaa, meeting_id=meeting.id))
    assert "Petra Af, Arbetsförmedlingen: Närvarande" in minutes
    assert "Omdöpt" not in minutes
    assert "Boka lokal\nPetra Af\n" in minutes  # the action list: what, who (then)
    assert "Rättelse: rum 2." in minutes


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
