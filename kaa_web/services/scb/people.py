"""The people covered in a half-year with what the file reports about them: their registration
periods overlapping it, the contacts and the measures in it — read in four statements whose
cost follows the half-year's people, never the register's history (bench/scb.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from kaa_web.models.catalogue import Measure
from kaa_web.models.plans import DeclinedOffer, PlanMeasure
from kaa_web.models.register import CHANNELS, ContactAttempt, RegistrationPeriod, Youth
from kaa_web.rules.report_periods import ReportPeriod

P = RegistrationPeriod.__table__
Y = Youth.__table__
C = ContactAttempt.__table__
PM = PlanMeasure.__table__
D = DeclinedOffer.__table__
M = Measure.__table__


@dataclass(frozen=True)
class Span:
    registered_on: date
    deregistered_on: date | None
    reason: str
    deregistration_reason: str | None
    result: str | None

    def holds(self, day: date) -> bool:
        return self.registered_on <= day and (
            self.deregistered_on is None or day <= self.deregistered_on
        )


@dataclass(frozen=True)
class Contact:
    on: date
    outcome: str | None
    occupation: str | None
    study_kind: str | None


@dataclass(frozen=True)
class MeasureEvent:
    """A measure taken part in (a plan's measure) or declined (an offer), with its category."""

    outcome: str  # rules.scb.MEASURE_OUTCOMES
    category: str
    start_on: date
    ended_on: date | None = None
    occupation_after: str | None = None


@dataclass
class Person:
    youth_id: int
    personnummer: str
    first_name: str
    last_name: str
    address: str
    protected: bool
    gender: str
    birth_date: date
    spans: list[Span] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    measures: list[MeasureEvent] = field(default_factory=list)

    @property
    def latest(self) -> Span:
        return self.spans[-1]

    def in_spans(self, day: date) -> bool:
        return any(span.holds(day) for span in self.spans)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def _raw(column):
    """A date column as the driver gives it (SQLite: text), turned into a date by `_Days`."""
    return sa.type_coerce(column, sa.String).label(column.name)


class _Days:
    """Driver values to dates, each distinct day parsed once."""

    def __init__(self):
        self.seen: dict = {None: None}

    def __call__(self, value) -> date | None:
        found = self.seen.get(value, self)
        if found is self:
            found = self.seen[value] = (
                value if isinstance(value, date) else date.fromisoformat(value)
            )
        return found


def _fetch(db: Session, statement) -> list[tuple]:
    """The rows as the driver's plain tuples: the half-year's tens of thousands of contacts
    cost SQLAlchemy's row objects more than the query itself (bench/scb.py)."""
    return db.connection().execute(statement).cursor.fetchall()


def _covered(period: ReportPeriod):
    """The registration periods overlapping the half-year: open ones and those ended since its
    start, each a range of an index (the archive of long-ended periods is never read)."""
    begun = P.c.registered_on <= period.end
    columns = (
        P.c.youth_id,
        P.c.registered_on,
        P.c.deregistered_on,
        P.c.registration_reason,
        P.c.deregistration_reason,
        P.c.deregistration_result,
    )
    return sa.union_all(
        sa.select(*columns).where(P.c.deregistered_on.is_(None), begun),
        sa.select(*columns).where(P.c.deregistered_on >= period.start, begun),
    ).subquery("covered")


def half_year_people(db: Session, period: ReportPeriod) -> list[Person]:
    """Everyone covered some day of the half-year, in personnummer order."""
    covered = _covered(period)
    ids = sa.select(covered.c.youth_id)
    c = covered.c
    rows = _fetch(
        db,
        sa.select(
            c.youth_id,
            _raw(c.registered_on),
            _raw(c.deregistered_on),
            c.registration_reason,
            c.deregistration_reason,
            c.deregistration_result,
            Y.c.personnummer,
            Y.c.first_name,
            Y.c.last_name,
            Y.c.street_address,
            Y.c.postal_code,
            Y.c.city,
            Y.c.protected_identity,
            Y.c.gender,
            _raw(Y.c.birth_date),
        )
        .join(Y, Y.c.id == c.youth_id),
    )
    # Sorted here: ordered in SQL, SQLite walks every person in the register by personnummer
    # to find those deregistered since the start, instead of the periods' index.
    rows.sort(key=lambda r: (r[6], r[1]))
    people: dict[int, Person] = {}
    day = _Days()
    for youth_id, registered, left, reason, why_left, result, number, *person_columns in rows:
        person = people.get(youth_id)
        if person is None:
            first, last, street, postal_code, city, protected, gender, born = person_columns
            address = ", ".join(p for p in (street, f"{postal_code} {city}".strip()) if p)
            person = people[youth_id] = Person(
                youth_id, number, first, last, address, bool(protected), gender, day(born)
            )
        person.spans.append(Span(day(registered), day(left), reason, why_left, result))
    _add_contacts(db, people, ids, period, day)
    _add_measures(db, people, ids, period)
    return list(people.values())


def _add_contacts(db: Session, people: dict[int, Person], ids, period: ReportPeriod, day) -> None:
    rows = _fetch(
        db,
        sa.select(C.c.youth_id, _raw(C.c.on), C.c.outcome, C.c.occupation, C.c.study_kind)
        .where(
            C.c.youth_id.in_(ids),
            C.c.on >= period.start,
            C.c.on <= period.end,
            C.c.kind.in_(tuple(CHANNELS)),
        )
        .order_by(C.c.youth_id, C.c.on, C.c.id),
    )
    for youth_id, on, outcome, occupation, study_kind in rows:
        people[youth_id].contacts.append(Contact(day(on), outcome, occupation, study_kind))


def _add_measures(db: Session, people: dict[int, Person], ids, period: ReportPeriod) -> None:
    events: dict[int, list[MeasureEvent]] = defaultdict(list)
    overlapping = sa.or_(
        PM.c.ended_on.is_(None), PM.c.ended_on >= period.start, PM.c.start_on >= period.start
    )
    taken = db.exec(
        sa.select(PM.c.youth_id, PM.c.start_on, PM.c.ended_on, PM.c.occupation_after, M.c.category)
        .outerjoin(M, M.c.id == PM.c.measure_id)
        .where(PM.c.youth_id.in_(ids), PM.c.start_on <= period.end, overlapping)
    ).all()
    for r in taken:
        events[r.youth_id].append(
            MeasureEvent(
                "deltagit", r.category or "annan", r.start_on, r.ended_on, r.occupation_after
            )
        )
    declined = db.exec(
        sa.select(D.c.youth_id, D.c.on, M.c.category)
        .join(M, M.c.id == D.c.measure_id)
        .where(D.c.youth_id.in_(ids), D.c.on >= period.start, D.c.on <= period.end)
    ).all()
    for r in declined:
        events[r.youth_id].append(MeasureEvent("avbojd", r.category, r.on))
    for youth_id, found in events.items():
        people[youth_id].measures = sorted(found, key=lambda e: (e.start_on, e.outcome))
