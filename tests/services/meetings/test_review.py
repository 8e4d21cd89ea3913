"""The consent rule at a meeting: who an agenda item lists by name, and the counts of the rest."""

from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.services import consents, meetings
from kaa_web.services.errors import NotFound
from tests import factories
from tests.services.meetings import reading

TODAY = local_today()


def _review(db, actor, meeting_id):
    views = meetings.meeting_page(db, actor=actor, meeting_id=meeting_id).agenda
    return views[0].review


def _review_names(db, actor, meeting):
    views = meetings.meeting_page(db, actor=actor, meeting_id=meeting.id).agenda
    return [line.name for line in views[0].listed]


def _district(db, name):
    from kaa_web.models.register import District

    return db.exec(select(District.id).where(District.name == name)).one()


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


@pytest.mark.usefixtures("kaa2_in_group")
def test_a_removed_member_no_longer_counts_as_represented_before_the_meeting(
    db_session, people, group, make_youth
):
    youth = make_youth("Alva", "Lämnadsson", occupation="ingen")
    factories.consent(db_session, people["kaa"], youth, parties={"socialtjansten"})
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    organisations = {o for o, _ in meetings.review.represented_organisations(db_session, meeting)}
    assert "arbetsformedlingen" in organisations

    reading.remove_member_named(db_session, people, group, "Petra Af")

    organisations = {o for o, _ in meetings.review.represented_organisations(db_session, meeting)}
    assert organisations == {"kommunen", "socialtjansten"}
    views = meetings.meeting_page(db_session, actor=people["kaa"], meeting_id=meeting.id).agenda
    assert [line.name for line in views[0].listed] == ["Alva Lämnadsson"]


@pytest.mark.usefixtures("kaa2_in_group")
def test_a_removed_member_who_attended_still_counts_at_that_meeting(
    db_session, people, group, make_youth
):
    youth = make_youth("Bo", "Närvarsson", occupation="ingen")
    factories.consent(db_session, people["kaa"], youth, parties={"socialtjansten"})
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    petra = reading.member_named(db_session, group, "Petra Af")
    meetings.record_attendance(
        db_session, actor=people["kaa"], meeting_id=meeting.id, statuses={petra.id: "narvarande"}
    )
    db_session.commit()

    reading.remove_member_named(db_session, people, group, "Petra Af")

    assert meetings.review.represented_organisations(db_session, meeting) == {
        ("arbetsformedlingen", "")
    }
    views = meetings.meeting_page(db_session, actor=people["kaa"], meeting_id=meeting.id).agenda
    assert views[0].listed == [] and views[0].review.summary.total == 1


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
