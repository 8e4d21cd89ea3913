"""One builder per kind of row, for service, request and browser tests alike.

Rows are made through the real services (and the demo's own seeding for staff, schools and
districts, kaa_web/demo/), so a test's data is what the product itself would store. Each
builder commits, so what it made is there for the next request as well.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, time, timedelta

from sqlmodel import Session, delete, select, update

from kaa_web.demo import seed_districts, seed_schools, seed_staff
from kaa_web.demo.meetings import build_group, plan_from_standing_items
from kaa_web.demo_directory import DEMO_PEOPLE
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import local_today
from kaa_web.models.catalogue import Measure
from kaa_web.models.meetings import Meeting, MeetingGroup
from kaa_web.models.plans import Consent, DeclinedOffer, Mapping, Plan, PlanMeasure
from kaa_web.models.register import (
    ContactAttempt,
    District,
    Guardian,
    RegistrationPeriod,
    Youth,
)
from kaa_web.models.school_reports import SchoolReport, SchoolUnit
from kaa_web.permissions import Actor
from kaa_web.rules import personnummer as pnr
from kaa_web.services import consents, meetings, outreach, school_reports
from kaa_web.services.plans.plan import PlanData, save_plan
from kaa_web.services.register import new_youth
from kaa_web.services.register.periods import open_period

# The test directory's people (tests/ldif/directory.ldif, the demo's): username -> roles.
DIRECTORY_ROLES = {person.username: frozenset(person.roles) for person in DEMO_PEOPLE}
_serials = itertools.count(201)


def actor(
    username: str,
    staff: dict[str, StaffUser] | None = None,
    *,
    roles: Iterable[str] | None = None,
    school_units: Iterable[int] = (),
) -> Actor:
    """Who a service call is made as: `username` with their roles in the test directory
    (`kaa2` is a KAA officer, `skola2` school staff …) unless `roles` says otherwise, and their
    staff row's id when `staff` (the `staff` fixture's rows by username) holds one."""
    row = (staff or {}).get(username)
    return Actor(
        staff_id=row.id if row else None,
        username=username,
        roles=frozenset(DIRECTORY_ROLES[username] if roles is None else roles),
        school_unit_ids=frozenset(school_units),
    )


def staff_rows(db: Session) -> dict[str, StaffUser]:
    """The directory's people as staff rows (as after their first logins), with the demo's
    districts; by username."""
    seed_staff(db)
    seed_districts(db)
    db.commit()
    return {s.username: s for s in db.exec(select(StaffUser)).all()}


def youth(
    db: Session,
    first_name: str = "Test",
    last_name: str = "Testsson",
    *,
    birth_date: date | None = None,
    contacts: Iterable[tuple[str, date, str]] = (),
    serial: int | None = None,
    **fields,
) -> Youth:
    """A registered young person (17 unless `birth_date` says otherwise) with their contacts
    (kind, on, outcome) and the stored next step the ladder gives them."""
    birth = birth_date or local_today() - timedelta(days=17 * 365)
    number = pnr.parse(pnr.make_valid(birth, next(_serials) if serial is None else serial))
    period = dict(
        reason=fields.pop("registration_reason", "avbrott_nationellt"),
        source=fields.pop("registration_source", "import"),
        on=fields.pop("registered_on", local_today() - timedelta(days=10)),
    )
    person = new_youth(number, first_name, last_name, **fields)
    db.add(person)
    db.flush()
    open_period(db, person, **period)
    for kind, on, outcome in contacts:
        db.add(ContactAttempt(youth_id=person.id, kind=kind, on=on, outcome=outcome))
    db.flush()
    outreach.refresh_next_step(db, person)
    db.commit()
    return person


def guardian(db: Session, person: Youth, name: str = "Förälder Testsson", **address) -> Guardian:
    """A guardian of `person`, with an address when given (street_address, postal_code, city)."""
    row = Guardian(youth_id=person.id, name=name, **address)
    db.add(row)
    db.commit()
    return row


def contact(db: Session, person: Youth, kind: str, on: date, outcome: str = "") -> ContactAttempt:
    """An outreach contact as the import or an old record holds it (no audit, no timeline),
    with the person's next step recomputed."""
    row = ContactAttempt(youth_id=person.id, kind=kind, on=on, outcome=outcome)
    db.add(row)
    db.flush()
    outreach.refresh_next_step(db, person)
    db.commit()
    return row


def consent(
    db: Session,
    by: Actor,
    person: Youth,
    *,
    parties: Iterable[str] = ("socialtjansten",),
    given_on: date | None = None,
    **fields,
) -> Consent:
    """A written consent to `parties`, given by the young person from 18 and by a guardian
    before that (as the service demands)."""
    given_on = given_on or local_today()
    adult = pnr.age_on(person.birth_date, given_on) >= 18
    data = consents.ConsentData(
        given_by=fields.pop("given_by", "ungdomen" if adult else "vardnadshavare"),
        guardian_name=fields.pop("guardian_name", "" if adult else "Vårdnadshavare Exempel"),
        parties=frozenset(parties),
        purpose=fields.pop("purpose", "Samordna stödet i samverkansgruppen."),
        given_on=given_on,
        form=fields.pop("form", "skriftligt"),
        **fields,
    )
    made = consents.record_consent(db, actor=by, youth=person, data=data)
    db.commit()
    return made


def plan(db: Session, by: Actor, person: Youth, goal: str = "Börja på Komvux", **dates) -> Plan:
    """The person's individual plan, agreed today unless `agreed_on` says otherwise."""
    data = PlanData(goal=goal, agreed_on=dates.pop("agreed_on", local_today()), **dates)
    made = save_plan(db, actor=by, youth=person, data=data)
    db.commit()
    return made


def district(db: Session, name: str, code: str | None = None) -> District:
    row = District(code=code or f"test-{name.lower()}"[:30], name=name)
    db.add(row)
    db.commit()
    return row


def history(
    db: Session,
    periods: Iterable[dict],
    *,
    birth_date: date,
    gender: str = "kvinna",
    **fields,
) -> Youth:
    """A person with exactly the registration periods given, oldest first: each a dict with
    `registered_on` and optionally `reason`, `source`, `deregistered_on`, `deregistration_reason`
    and `result` (the person's own row follows the latest period)."""
    periods = list(periods)
    latest = periods[-1]
    person = youth(
        db,
        birth_date=birth_date,
        gender=gender,
        registered_on=periods[0]["registered_on"],
        registration_reason=latest.get("reason", "avbrott_nationellt"),
        **fields,
    )
    db.exec(delete(RegistrationPeriod).where(RegistrationPeriod.youth_id == person.id))
    for n, spec in enumerate(periods, start=1):
        period(db, person, **spec, latest=n == len(periods))
    if latest.get("deregistered_on"):
        person.status = "avregistrerad"
        db.add(person)
        db.commit()
    return person


def period(
    db: Session,
    person: Youth,
    registered_on: date,
    *,
    reason: str = "avbrott_nationellt",
    source: str = "import",
    deregistered_on: date | None = None,
    deregistration_reason: str | None = None,
    result: str | None = None,
    latest: bool = True,
) -> RegistrationPeriod:
    """One registration period of `person`, as the register keeps it (`latest`: the one the
    person's lists show; a person has exactly one)."""
    if latest:  # a new latest period: the earlier one is history from now on
        db.exec(
            update(RegistrationPeriod)
            .where(RegistrationPeriod.youth_id == person.id, RegistrationPeriod.latest)
            .values(latest=False)
        )
    row = RegistrationPeriod(
        youth_id=person.id,
        registered_on=registered_on,
        registration_reason=reason,
        registration_source=source,
        deregistered_on=deregistered_on,
        deregistration_reason=deregistration_reason or (deregistered_on and "annan"),
        deregistration_result=result,
        latest=latest,
    )
    db.add(row)
    db.commit()
    return row


def end_period(
    db: Session, person: Youth, on: date, reason: str = "nationellt_program", result=None
) -> RegistrationPeriod:
    """End `person`'s open registration period on `on`."""
    row = db.exec(
        select(RegistrationPeriod).where(
            RegistrationPeriod.youth_id == person.id, RegistrationPeriod.deregistered_on.is_(None)
        )
    ).one()
    row.deregistered_on, row.deregistration_reason, row.deregistration_result = on, reason, result
    db.add(row)
    db.commit()
    return row


def mapping_on(db: Session, person: Youth, on: date, occupation: str = "ingen") -> Mapping:
    """A documented mapping (kartläggning) dated `on`, as an old record holds it."""
    row = Mapping(youth_id=person.id, on=on, occupation=occupation)
    db.add(row)
    db.commit()
    return row


def outreach_contact(
    db: Session, person: Youth, kind: str, on: date, outcome: str = "", occupation=None
) -> ContactAttempt:
    """A contact as an old record holds it, with the occupation noted at it."""
    row = ContactAttempt(
        youth_id=person.id, kind=kind, on=on, outcome=outcome, occupation=occupation
    )
    db.add(row)
    db.commit()
    return row


def catalogue_measure(
    db: Session, name: str = "Studieförberedande praktik", category: str = "arbetsinriktad"
) -> Measure:
    row = Measure(name=name, category=category)
    db.add(row)
    db.commit()
    return row


def plan_measure(
    db: Session, made: Plan, measure: Measure, start_on: date, *, ended_on=None, after=None
) -> PlanMeasure:
    """A measure in `made`'s plan, ended with the occupation after it when `ended_on` is given."""
    row = PlanMeasure(
        plan_id=made.id,
        youth_id=made.youth_id,
        measure_id=measure.id,
        title=measure.name,
        responsible="kommunen",
        start_on=start_on,
        ended_on=ended_on,
        end_reason="genomford" if ended_on else None,
        occupation_after=after,
    )
    db.add(row)
    db.commit()
    return row


def declined_offer(db: Session, person: Youth, measure: Measure, on: date) -> DeclinedOffer:
    row = DeclinedOffer(youth_id=person.id, measure_id=measure.id, on=on)
    db.add(row)
    db.commit()
    return row


def school_unit(db: Session, code: str = "90000001") -> SchoolUnit:
    """One of the demo's school units (Exempelgymnasiet; 90000002 is Fiktiva Friskolan)."""
    seed_schools(db)
    db.commit()
    return db.exec(select(SchoolUnit).where(SchoolUnit.code == code)).one()


def risk_report(
    db: Session, *, unit: SchoolUnit, serial: int, personnummer: str | None = None
) -> SchoolReport:
    """A risk-of-dropout report from `unit`, sent by the test directory's "skola" as its form
    would (it creates the "Möte med skolan" task); committed."""
    sender = db.exec(select(StaffUser).where(StaffUser.username == "skola")).one()
    school = Actor(sender.id, "skola", frozenset({"skola"}), frozenset({unit.id}))
    number = personnummer or pnr.make_valid(
        local_today() - timedelta(days=17 * 365 + serial), serial
    )
    report = school_reports.submit_report(
        db,
        actor=school,
        data=school_reports.ReportData(
            kind="risk",
            school_unit_id=unit.id,
            contact_name="Sara Lund",
            contact_phone="010-123 45 67",
            details={"fields": [["Elevens situation", "Ökande frånvaro"]]},
            students=[school_reports.StudentData(number, "Rut", f"Risk{serial}", "Bygg, åk 1")],
        ),
    )
    db.commit()
    return report


SAMVERKAN_ITEMS = (("Genomgång av aktuella ungdomar", "ingen_sysselsattning"),)


def group(
    db: Session,
    staff: dict[str, StaffUser],
    *,
    name: str = "Samverkansgruppen KAA",
    convener: str = "kaa",
    members: Iterable[str | tuple[str, str]] = ("ifo", ("Petra Af", "arbetsformedlingen")),
    standing_items: Iterable[tuple[str, str]] = SAMVERKAN_ITEMS,
) -> MeetingGroup:
    """A samverkansgrupp the manager (chef) set up: convened by `convener`, its `members`
    usernames of staff or (name, organisation) of people outside the municipality."""
    made = build_group(
        db,
        by=actor("chef", staff),
        name=name,
        kind="samverkansgrupp",
        frequency="terminsstart",
        convener_id=staff[convener].id,
        standing_items=standing_items,
        members=[
            meetings.MemberData(staff_id=staff[member].id)
            if isinstance(member, str)
            else meetings.MemberData(name=member[0], organisation=member[1])
            for member in members
        ],
    )
    db.commit()
    return made


def planned_meeting(
    db: Session,
    of: MeetingGroup,
    *,
    by: Actor | None = None,
    in_days: int = 3,
    on: date | None = None,
    starts_at: time = time(13, 0),
    place: str = "Rum Ekbacken",
) -> Meeting:
    """A meeting of the group `in_days` from today (or `on`), planned from all its standing
    items by `by`, the group's convener unless said otherwise."""
    if by is None:
        convener = db.get(StaffUser, of.convener_id)
        by = actor(convener.username, {convener.username: convener})
    made = plan_from_standing_items(
        db,
        by=by,
        group=of,
        on=on or local_today() + timedelta(days=in_days),
        starts_at=starts_at,
        place=place,
    )
    db.commit()
    return made
