"""The log review's flags: each raised by a case built for it, and silent on ordinary work;
reviews are recorded once, never by the reviewer on their own events, and logged."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent, AuditFlagReview
from kaa_web.models.base import LOCAL_TZ
from kaa_web.models.register import ContactAttempt
from kaa_web.rules.working_hours import WorkingHours
from kaa_web.services.audit_review import review
from kaa_web.services.audit_review.flags import ReviewFilter, ReviewRules, find_flags
from kaa_web.services.errors import Invalid, NotFound
from tests import factories

RULES = ReviewRules(WorkingHours.parse("07:00-18:00"), bulk_export_people=3)
MONDAY = date(2026, 11, 23)
SATURDAY = date(2026, 11, 28)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LOCAL_TZ)


@pytest.fixture
def log(db_session):
    """log(username, action, object_type, youth_id, when, request=…) adds one event as the
    app records it (roles as the directory gives them)."""
    serial = iter(range(1, 10_000))

    def _add(username, action, object_type, youth_id=None, when=None, *, request=None, **extra):
        event = AuditEvent(
            at=when or at(MONDAY, 10),
            username=username,
            role=",".join(sorted(factories.DIRECTORY_ROLES[username])),
            action=action,
            object_type=object_type,
            object_id=str(youth_id or ""),
            youth_id=youth_id,
            request_id=request or f"req-{next(serial)}",
            **extra,
        )
        db_session.add(event)
        db_session.commit()
        return event

    return _add


@pytest.fixture
def people(make_youth, staff):
    """Two young people: Karin's (kaa) and Johan's (kaa2), and a protected one of Karin's."""
    return {
        "karins": make_youth("Karins", "Ungdom", officer_id=staff["kaa"].id),
        "johans": make_youth("Johans", "Ungdom", officer_id=staff["kaa2"].id),
        "protected": make_youth(
            "Skyddad", "Ungdom", officer_id=staff["kaa"].id, protected_identity=True
        ),
    }


def flags_of(db, day=MONDAY, **filters):
    found, _ = find_flags(db, filters=ReviewFilter(day, day, **filters), rules=RULES)
    return [(f.kind, f.event.username, f.event.youth_id) for f in found]


def test_ordinary_work_raises_no_flag(db_session, log, people):
    karins = people["karins"].id
    log("kaa", "view", "youth_list")  # the register list, with its per-person rows
    for person in people.values():
        log("kaa", "view", "youth_list", person.id, request="list-1")
    log("kaa", "view", "youth", karins, at(MONDAY, 9, 15))  # her own person's page
    log("kaa2", "view", "youth", None)  # nothing about a person
    log("chef", "view", "youth", people["johans"].id)  # a manager has no caseload
    log("kaa", "export", "youth_list", request="small-export")
    log("kaa", "export", "youth_list", karins, request="small-export")
    log("kaa", "view", "youth", people["protected"].id)  # the protected person's own officer
    log("skola", "view", "school_report_student", karins)  # a school reads its own report
    assert flags_of(db_session) == []


def test_reading_a_record_of_another_officers_caseload_is_flagged(db_session, log, people):
    log("kaa2", "view", "youth", people["karins"].id)
    log("arbetsmarknad", "view", "youth", people["johans"].id)
    assert flags_of(db_session) == [
        ("caseload", "kaa2", people["karins"].id),
        ("caseload", "arbetsmarknad", people["johans"].id),
    ]


def test_reads_outside_working_hours_are_flagged_once_per_request(db_session, log, people):
    karins = people["karins"].id
    log("kaa", "view", "youth", karins, at(MONDAY, 6, 59))
    log("kaa", "view", "youth", karins, at(MONDAY, 18, 0), request="late")
    log("kaa", "view", "youth_list", karins, at(MONDAY, 18, 0), request="late")
    log("kaa", "view", "youth", karins, at(MONDAY, 17, 59))  # still working hours
    assert flags_of(db_session) == [("outside_hours", "kaa", karins)] * 2
    log("kaa", "view", "youth_list", None, at(SATURDAY, 11))
    found, _ = find_flags(db_session, filters=ReviewFilter(SATURDAY, SATURDAY), rules=RULES)
    assert [(f.kind, f.detail) for f in found] == [("outside_hours", "kl. 11.00 en lördag")]


def test_an_export_of_many_people_is_flagged_on_the_export_itself(db_session, log, make_youth):
    many = [make_youth(f"Export{n}", "Exempel").id for n in range(3)]
    header = log("chef", "export", "youth_list", request="big")
    for youth_id in many:
        log("chef", "export", "youth_list", youth_id, request="big")
    found, _ = find_flags(db_session, filters=ReviewFilter(MONDAY, MONDAY), rules=RULES)
    assert [(f.kind, f.event.id, f.detail) for f in found] == [
        ("bulk_export", header.id, "3 ungdomar i samma export")
    ]
    # a review of one of the exported people finds it too, on their own row of it
    assert flags_of(db_session, youth_id=many[1]) == [("bulk_export", "chef", many[1])]


def test_reading_a_protected_identity_is_flagged_except_for_the_own_officer(
    db_session, log, people
):
    protected = people["protected"].id
    log("kaa", "view", "youth", protected)  # her own officer
    log("chef", "view", "youth", protected)
    log("kaa2", "export", "youth_list", protected, request="one-row-export")
    assert flags_of(db_session) == [
        ("protected", "chef", protected),
        ("protected", "kaa2", protected),
    ]


def test_school_and_social_services_outside_their_role_are_flagged(db_session, log, people):
    karins, johans = people["karins"].id, people["johans"].id
    log("skola", "view", "youth", karins)  # schools never read register records
    log("skola2", "denied", "school_report", outcome="not_found_or_denied")
    log("ifo", "view", "mapping", karins)  # KAA's case file
    log("ifo", "view", "youth", johans)  # no consent, no orosanmälan
    assert [(k, u) for k, u, _ in flags_of(db_session)] == [
        ("role_scope", "skola"),
        ("role_scope", "skola2"),
        ("role_scope", "ifo"),
        ("role_scope", "ifo"),
    ]


def test_social_services_with_a_basis_that_day_are_not_flagged(
    db_session, log, people, staff
):
    karins, johans = people["karins"], people["johans"]
    tuesday = MONDAY + timedelta(days=1)
    factories.consent(db_session, factories.actor("kaa", staff), karins, given_on=tuesday)
    db_session.add(
        ContactAttempt(youth_id=johans.id, kind="orosanmalan", on=MONDAY - timedelta(days=3))
    )
    db_session.commit()
    log("ifo", "view", "youth", karins.id, at(tuesday, 10))
    log("ifo", "view", "youth", johans.id, at(tuesday, 10))
    assert flags_of(db_session, day=tuesday) == []
    # the day before the consent was given, the same read is outside the role
    log("ifo", "view", "youth", karins.id, at(MONDAY, 10))
    assert flags_of(db_session) == [("role_scope", "ifo", karins.id)]


def test_a_flag_is_reviewed_once_with_a_comment_and_the_review_is_logged(
    db_session, log, people, staff
):
    event = log("kaa2", "view", "youth", people["karins"].id)
    chef = factories.actor("chef", staff)
    review.mark_reviewed(
        db_session, actor=chef, event_id=event.id, kind="caseload", comment="Vikarie.", rules=RULES
    )
    db_session.commit()
    found, _ = find_flags(db_session, filters=ReviewFilter(MONDAY, MONDAY), rules=RULES)
    assert found[0].review.comment == "Vikarie." and found[0].review.reviewed_by == staff["chef"].id
    logged = db_session.exec(select(AuditEvent).where(AuditEvent.object_type == "audit_flag")).one()
    assert (logged.username, logged.action, logged.object_id) == ("chef", "create", str(event.id))
    with pytest.raises(Invalid, match="redan granskad"):
        review.mark_reviewed(
            db_session, actor=chef, event_id=event.id, kind="caseload", comment="Igen", rules=RULES
        )
    db_session.rollback()
    assert len(db_session.exec(select(AuditFlagReview)).all()) == 1


def test_nobody_reviews_their_own_events_or_a_flag_that_is_not_raised(
    db_session, log, people, staff
):
    own = log("chef", "view", "youth", people["protected"].id)
    chef = factories.actor("chef", staff)
    with pytest.raises(Invalid, match="dina egna"):
        review.mark_reviewed(
            db_session, actor=chef, event_id=own.id, kind="protected", comment="Ok", rules=RULES
        )
    ordinary = log("kaa", "view", "youth", people["karins"].id)
    with pytest.raises(NotFound):
        review.mark_reviewed(
            db_session, actor=chef, event_id=ordinary.id, kind="caseload", comment="x", rules=RULES
        )


def test_case_officers_may_not_review(db_session, staff):
    with pytest.raises(PermissionError):
        review.review_page(
            db_session,
            actor=factories.actor("kaa", staff),
            filters=ReviewFilter(MONDAY, MONDAY),
            rules=RULES,
        )
