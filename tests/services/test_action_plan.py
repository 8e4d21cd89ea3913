"""The action plan: a year's draft, its sections' history, comments, adoption and locking,
next year's copy and the comparison; who may do what; every change logged."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from kaa_web.models.action_plan import SECTIONS, ActionPlanText
from kaa_web.models.audit import AuditEvent
from kaa_web.services import action_plan
from kaa_web.services.errors import EditConflict, Invalid, NotFound
from tests import factories

LAST_YEAR = {
    key: f"{title} enligt planen.\n\n- Punkt ett\n- Punkt två" for key, title in SECTIONS.items()
}


@pytest.fixture
def people(staff):
    return {
        name: factories.actor(name, staff)
        for name in ("chef", "kaa", "arbetsmarknad", "ifo", "skola", "admin")
    }


def _write(db, chef, year, texts):
    for key, body in texts.items():
        current = action_plan.plan_page(db, actor=chef, year=year).sections
        base = next(s.text_id for s in current if s.key == key)
        action_plan.save_section(
            db, actor=chef, year=year, section=key, body=body, base_text_id=base
        )
    db.commit()


def _adopt(db, chef, year):
    plan = action_plan.get_plan(db, actor=chef, year=year)
    action_plan.adopt(
        db,
        actor=chef,
        year=year,
        decision_body="Utbildningsnämnden",
        decision_reference="§ 12",
        decided_on=date(year - 1, 12, 15),
        version=plan.version,
    )
    db.commit()


@pytest.fixture
def two_years(db_session, people):
    """2025's plan adopted; 2026's drafted from it with the goals and the measures changed."""
    chef = people["chef"]
    action_plan.start_draft(db_session, actor=chef, year=2025)
    _write(db_session, chef, 2025, LAST_YEAR)
    _adopt(db_session, chef, 2025)
    action_plan.start_draft(db_session, actor=chef, year=2026)
    db_session.commit()
    changed = {
        "mal": LAST_YEAR["mal"].replace("- Punkt två", "- 90 % återgår till studier eller arbete"),
        "insatser": LAST_YEAR["insatser"] + "\n- Sommarjobb för 16-åringar",
    }
    _write(db_session, chef, 2026, changed)
    return changed


def test_next_years_draft_starts_as_a_copy_and_the_comparison_shows_exactly_the_changes(
    db_session, people, two_years
):
    page = action_plan.plan_page(db_session, actor=people["kaa"], year=2026)
    assert page.plan.status == "utkast" and page.previous.year == 2025
    bodies = {s.key: s.body for s in page.sections}
    assert bodies["uppdrag"] == LAST_YEAR["uppdrag"]
    assert bodies["mal"] == two_years["mal"]
    previous, changes = action_plan.compare(db_session, actor=people["kaa"], year=2026)
    assert previous.year == 2025
    assert [c.key for c in changes if c.changed] == ["mal", "insatser"]
    goals = next(c for c in changes if c.key == "mal")
    assert ("borttaget", "- Punkt två") in goals.lines
    assert ("lagt_till", "- 90 % återgår till studier eller arbete") in goals.lines
    measures = next(c for c in changes if c.key == "insatser")
    assert [line for line in measures.lines if line[0] != "samma"] == [
        ("lagt_till", "- Sommarjobb för 16-åringar")
    ]


def test_an_adopted_plan_is_locked_and_keeps_its_decision(db_session, people, two_years):
    chef = people["chef"]
    plan = action_plan.get_plan(db_session, actor=chef, year=2025)
    assert (plan.status, plan.decision_body, plan.decision_reference) == (
        "antagen",
        "Utbildningsnämnden",
        "§ 12",
    )
    assert plan.adopted_by_id == chef.staff_id and plan.adopted_at is not None
    text_id = next(
        s.text_id
        for s in action_plan.plan_page(db_session, actor=chef, year=2025).sections
        if s.key == "mal"
    )
    with pytest.raises(Invalid, match="antagen och kan inte ändras"):
        action_plan.save_section(
            db_session, actor=chef, year=2025, section="mal", body="Nya mål", base_text_id=text_id
        )
    with pytest.raises(Invalid, match="antagen"):
        action_plan.add_comment(
            db_session, actor=people["kaa"], year=2025, section="", body="Sent påpekande"
        )
    with pytest.raises(Invalid, match="antagen"):
        action_plan.adopt(
            db_session,
            actor=chef,
            year=2025,
            decision_body="X",
            decision_reference="1",
            decided_on=date.today(),
            version=plan.version,
        )


def test_every_saved_text_is_kept_as_history(db_session, people, two_years):
    plan = action_plan.get_plan(db_session, actor=people["chef"], year=2026)
    rows = db_session.exec(
        select(ActionPlanText.body)
        .where(ActionPlanText.plan_id == plan.id, ActionPlanText.section == "mal")
        .order_by(ActionPlanText.id)
    ).all()
    assert rows == [LAST_YEAR["mal"], two_years["mal"]]


def test_a_save_over_someone_elses_newer_text_is_a_conflict_and_keeps_theirs(
    db_session, people, two_years
):
    chef = people["chef"]
    stale = next(
        s.text_id
        for s in action_plan.plan_page(db_session, actor=chef, year=2026).sections
        if s.key == "ansvar"
    )
    action_plan.save_section(
        db_session,
        actor=chef,
        year=2026,
        section="ansvar",
        body="Första ändringen",
        base_text_id=stale,
    )
    db_session.commit()
    with pytest.raises(EditConflict) as conflict:
        action_plan.save_section(
            db_session,
            actor=chef,
            year=2026,
            section="ansvar",
            body="Andra fliken",
            base_text_id=stale,
        )
    assert conflict.value.current.body == "Första ändringen"


def test_a_plan_is_adopted_only_when_every_section_has_text_and_not_from_a_stale_page(
    db_session, people
):
    chef = people["chef"]
    plan = action_plan.start_draft(db_session, actor=chef, year=2024)
    db_session.commit()

    def adopt(version=plan.version, decided_on=date(2024, 3, 1)):
        action_plan.adopt(
            db_session,
            actor=chef,
            year=2024,
            decision_body="UBN",
            decision_reference="§ 1",
            decided_on=decided_on,
            version=version,
        )

    with pytest.raises(Invalid, match="Saknas: Uppdrag och lagstöd"):
        adopt()
    _write(db_session, chef, 2024, LAST_YEAR)
    with pytest.raises(EditConflict):
        adopt(version=plan.version + 1)
    with pytest.raises(Invalid) as future:
        adopt(decided_on=date.today() + timedelta(days=1))
    assert "framtiden" in future.value.field_errors["decided_on"]
    adopt()
    assert action_plan.get_plan(db_session, actor=chef, year=2024).status == "antagen"


def test_a_year_has_one_plan(db_session, people, two_years):
    with pytest.raises(Invalid) as twice:
        action_plan.start_draft(db_session, actor=people["chef"], year=2026)
    assert twice.value.field_errors == {"year": "Det finns redan en handlingsplan för 2026."}


def test_managers_write_officers_comment_and_others_may_not_read(db_session, people, two_years):
    kaa = people["kaa"]
    comment = action_plan.add_comment(
        db_session, actor=kaa, year=2026, section="mal", body="Målet bör mätas per kommundel."
    )
    db_session.commit()
    page = action_plan.plan_page(db_session, actor=people["arbetsmarknad"], year=2026)
    assert [c.id for c in next(s for s in page.sections if s.key == "mal").comments] == [comment.id]
    with pytest.raises(PermissionError):
        action_plan.save_section(
            db_session, actor=kaa, year=2026, section="mal", body="x", base_text_id=None
        )
    with pytest.raises(PermissionError):
        action_plan.start_draft(db_session, actor=kaa, year=2027)
    for name in ("ifo", "skola", "admin"):
        with pytest.raises(PermissionError):
            action_plan.plan_page(db_session, actor=people[name], year=2026)
    with pytest.raises(NotFound):
        action_plan.plan_page(db_session, actor=kaa, year=2030)


def test_the_adopted_plan_keeps_the_linked_parts_as_they_were(db_session, people, staff):
    chef = people["chef"]
    factories.group(db_session, staff)
    action_plan.start_draft(db_session, actor=chef, year=2023)
    _write(db_session, chef, 2023, LAST_YEAR)
    _adopt(db_session, chef, 2023)
    adopted_groups = action_plan.plan_page(db_session, actor=chef, year=2023).linked.groups
    assert len(adopted_groups) == 1
    factories.group(db_session, staff, name="Ledningsgruppen")
    assert action_plan.plan_page(db_session, actor=chef, year=2023).linked.groups == adopted_groups
    assert len(action_plan.linked_parts(db_session).groups) == 2


def test_every_change_and_read_is_logged(db_session, people, two_years):
    events = db_session.exec(
        select(AuditEvent.action, AuditEvent.object_type).where(
            AuditEvent.object_type.like("action_plan%")
        )
    ).all()
    assert ("create", "action_plan") in events and ("update", "action_plan") in events
    assert ("update", "action_plan_text") in events and ("view", "action_plan") in events


def _covered(db, n, registered_on, deregistered_on=None):
    """`n` people with one registration period from `registered_on`."""
    spec = {"registered_on": registered_on, "deregistered_on": deregistered_on}
    return [factories.history(db, [spec], birth_date=date(2009, 5, 1 + i)) for i in range(n)]


@pytest.fixture
def measured(db_session, people):
    """2026: four covered, three mapped (75 %); 2025: two covered, one mapped (50 %)."""
    for i, person in enumerate(_covered(db_session, 2, date(2025, 3, 1), date(2025, 12, 31))):
        if i == 0:
            factories.mapping_on(db_session, person, date(2025, 4, 1))
    for i, person in enumerate(_covered(db_session, 4, date(2026, 2, 1))):
        if i < 3:
            factories.mapping_on(db_session, person, date(2026, 3, 1))
    chef = people["chef"]
    action_plan.start_draft(db_session, actor=chef, year=2026)
    goal = action_plan.GoalData
    action_plan.add_goal(
        db_session,
        actor=chef,
        year=2026,
        data=goal("Alla nya kartläggs", "kartlagda", "ar", "minst", 90, 70),
    )
    action_plan.add_goal(
        db_session,
        actor=chef,
        year=2026,
        data=goal("Fler åter till studier", "ater_studier_arbete", "ar", "minst", 90, 75),
    )
    db_session.commit()


def test_each_goal_is_measured_from_live_data_beside_last_year(db_session, people, measured):
    page = action_plan.plan_page(db_session, actor=people["kaa"], year=2026)
    mapped, returned = page.goals
    assert (mapped.measured.value, mapped.measured.numerator, mapped.measured.denominator) == (
        75.0,
        3,
        4,
    )
    assert mapped.last_year.value == 50.0
    assert mapped.fulfilment == "delvis" and mapped.unit == "%"
    assert mapped.period.start == date(2026, 1, 1) and mapped.period.end == date(2026, 12, 31)
    assert returned.measured.value is None and returned.fulfilment == "okant"


@pytest.mark.parametrize(
    ("direction", "target", "partial", "value", "expected"),
    [
        ("minst", 90, 70, 90.0, "helt"),
        ("minst", 90, 70, 70.0, "delvis"),
        ("minst", 90, 70, 69.9, "ej"),
        ("hogst", 30, 45, 30.0, "helt"),
        ("hogst", 30, 45, 45.0, "delvis"),
        ("hogst", 30, 45, 46.0, "ej"),
        ("minst", 90, 70, None, "okant"),
    ],
)
def test_fulfilment_follows_the_goals_own_thresholds(direction, target, partial, value, expected):
    from kaa_web.models.action_plan import ActionPlanGoal

    goal = ActionPlanGoal(
        plan_id=1,
        title="x",
        indicator="kartlagda",
        direction=direction,
        target=target,
        partial=partial,
    )
    assert action_plan.fulfilment(goal, value) == expected


def test_goals_are_copied_to_next_year_and_their_changes_compared(db_session, people, measured):
    chef = people["chef"]
    _write(db_session, chef, 2026, LAST_YEAR)
    _adopt(db_session, chef, 2026)
    action_plan.start_draft(db_session, actor=chef, year=2027)
    db_session.commit()
    page = action_plan.plan_page(db_session, actor=chef, year=2027)
    assert [r.goal.title for r in page.goals] == ["Alla nya kartläggs", "Fler åter till studier"]
    first = page.goals[0].goal
    action_plan.update_goal(
        db_session,
        actor=chef,
        year=2027,
        goal_id=first.id,
        data=action_plan.GoalData("Alla nya kartläggs", "kartlagda", "ar", "minst", 95, 80),
    )
    db_session.commit()
    _, changes = action_plan.compare(db_session, actor=chef, year=2027)
    goals = next(c for c in changes if c.key == action_plan.GOALS_KEY)
    assert [c.key for c in changes if c.changed] == [action_plan.GOALS_KEY]
    assert [line for line in goals.lines if line[0] != "samma"] == [
        ("borttaget", "Alla nya kartläggs – Kartlagda, minst 90, delvis från 70, kalenderår"),
        ("lagt_till", "Alla nya kartläggs – Kartlagda, minst 95, delvis från 80, kalenderår"),
    ]
    with pytest.raises(Invalid, match="antagen"):
        action_plan.remove_goal(
            db_session,
            actor=chef,
            year=2026,
            goal_id=action_plan.plan_page(db_session, actor=chef, year=2026).goals[0].goal.id,
        )


def test_a_goal_with_impossible_thresholds_is_refused_in_swedish(db_session, people, measured):
    with pytest.raises(Invalid) as refused:
        action_plan.add_goal(
            db_session,
            actor=people["chef"],
            year=2026,
            data=action_plan.GoalData("", "fordelning", "egen", "minst", 120, 130),
        )
    assert refused.value.field_errors == {
        "title": "Beskriv målet.",
        "indicator": "Välj ett mått i listan.",
        "period_kind": "Välj en period i listan.",
        "partial": "Gränsen för delvis uppfyllt kan inte ligga över målvärdet.",
    }


def _meeting(db, group, on, cancelled=False):
    from datetime import UTC, datetime, time

    from kaa_web.models.meetings import Meeting

    row = Meeting(
        group_id=group.id,
        on=on,
        starts_at=time(13),
        place="Rum Ekbacken",
        cancelled_at=datetime(2026, 1, 1, tzinfo=UTC) if cancelled else None,
    )
    db.add(row)
    db.flush()
    return row


def test_the_reviews_collaboration_table_matches_the_meetings_held(db_session, people, staff):
    from datetime import UTC, datetime

    from kaa_web.models.meetings import ActionPoint, Attendance, GroupMember

    group = factories.group(db_session, staff)  # ifo, and Petra Af from Arbetsförmedlingen
    members = {
        m.organisation: m
        for m in db_session.exec(select(GroupMember).where(GroupMember.group_id == group.id))
    }
    first, second = (
        _meeting(db_session, group, date(2026, 2, 10)),
        _meeting(db_session, group, date(2026, 9, 8)),
    )
    _meeting(db_session, group, date(2026, 5, 5), cancelled=True)
    _meeting(db_session, group, date(2025, 9, 9))  # last year's: not counted
    for meeting, org, status in [
        (first, "socialtjansten", "narvarande"),
        (first, "arbetsformedlingen", "narvarande"),
        (second, "socialtjansten", "narvarande"),
        (second, "arbetsformedlingen", "anmalt_forhinder"),
    ]:
        db_session.add(Attendance(meeting_id=meeting.id, member_id=members[org].id, status=status))
    for done in (True, False):
        db_session.add(
            ActionPoint(
                group_id=group.id,
                meeting_id=first.id,
                what="Kontakta skolan",
                member_id=members["socialtjansten"].id,
                due=date(2026, 3, 1),
                done_at=datetime(2026, 2, 20, tzinfo=UTC) if done else None,
            )
        )
    action_plan.start_draft(db_session, actor=people["chef"], year=2026)
    db_session.commit()
    page = action_plan.review_page(db_session, actor=people["kaa"], year=2026)
    (outcome,) = page.groups
    assert (outcome.name, outcome.planned, outcome.held, outcome.cancelled) == (
        "Samverkansgruppen KAA",
        "Vid varje terminsstart",
        2,
        1,
    )
    assert outcome.attendance == {"Socialtjänsten": 2, "Arbetsförmedlingen": 1}
    assert (outcome.points_opened, outcome.points_closed) == (2, 1)
    samverkan = next(a for a in page.areas if a.key == "samverkan")
    assert samverkan.evidence == "2 samverkansmöten i 1 grupp hölls."


def test_the_review_is_written_by_managers_and_its_changes_start_next_years_draft(
    db_session, people, measured
):
    chef = people["chef"]
    page = action_plan.review_page(db_session, actor=chef, year=2026)
    assert next(a for a in page.areas if a.key == "kartlaggning").evidence == (
        "Kartlagda: 75 % (3 av 4)."
    )
    assert dict(page.questions)["Vilka resurser har verksamheten?"] is None
    assert dict(page.questions)["Hur många ungdomar omfattas av aktivitetsansvaret?"] == (
        "4 ungdomar"
    )
    assessments = {
        "dokumentation": ("delvis", "Planer saknas för en del."),
        "samverkan": ("uppfyllt", ""),
    }
    review = action_plan.save_review(
        db_session,
        actor=chef,
        year=2026,
        assessments=assessments,
        conclusions="Kartläggningen fungerar.",
        changes="Mät per kommundel.",
        version=None,
    )
    db_session.commit()
    with pytest.raises(EditConflict):
        action_plan.save_review(
            db_session,
            actor=chef,
            year=2026,
            assessments={},
            conclusions="",
            changes="",
            version=None,
        )
    with pytest.raises(PermissionError):
        action_plan.save_review(
            db_session,
            actor=people["kaa"],
            year=2026,
            assessments={},
            conclusions="",
            changes="",
            version=review.version,
        )
    areas = {a.key: a for a in action_plan.review_page(db_session, actor=chef, year=2026).areas}
    assert (areas["dokumentation"].rating, areas["dokumentation"].justification) == (
        "delvis",
        "Planer saknas för en del.",
    )
    assert areas["resurser"].rating == ""
    svg = action_plan.radar_svg(list(areas.values()))
    assert svg.startswith(b"<?xml") and b"Dokumentation" in svg and b"(ej bed" in svg
    _write(db_session, chef, 2026, LAST_YEAR)
    _adopt(db_session, chef, 2026)
    action_plan.start_draft(db_session, actor=chef, year=2027)
    db_session.commit()
    comments = action_plan.plan_page(db_session, actor=chef, year=2027).general_comments
    assert [c.body for c in comments] == [
        "Beslutade ändringar i uppföljningen av 2026: Mät per kommundel."
    ]
