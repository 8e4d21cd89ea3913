"""The demo's history: three years of people coming to KAA and leaving it.

Registrations peak in August–September; each person is sought by letter, postcard and phone,
most are reached, many are mapped and get a plan whose measures start and end, and most leave
with a reason and a result. Some come back later with a period of their own. Everything is
made through the services (as an officer would), dated in the past, and clearly fictitious, so
the statistics and the reports to the nämnd have real-looking figures to show.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web.models.auth import StaffUser
from kaa_web.models.base import LOCAL_TZ, local_today
from kaa_web.models.register import (
    CHANNELS,
    ContactAttempt,
    District,
    RegistrationPeriod,
    TimelineEntry,
    Youth,
)
from kaa_web.permissions import Actor, has_permission
from kaa_web.rules import eligibility
from kaa_web.rules import personnummer as pnr
from kaa_web.services import catalogue, outreach, register
from kaa_web.services.plans import mapping, measures, plan, referrals

# Weights by month, January first: the autumn term's start is when most are registered.
MONTH_WEIGHTS = (5, 5, 5, 5, 4, 7, 6, 18, 16, 11, 10, 8)
REASONS = {
    "avbrott_nationellt": 32,
    "studiebevis": 18,
    "aldrig_borjat": 8,
    "inflyttad": 10,
    "nyanland": 8,
    "introduktionsprogram": 4,
    "annan": 20,
}
SOURCES = {"import": 55, "skolanmalan": 30, "egen_kontakt": 10, "annan": 5}
LEAVING = {"nationellt_program": 40, "examen": 6, "flyttat": 16, "annan": 14}
REACHED_BY = {"telefon": 45, "sms": 20, "epost": 8, "besok_kontoret": 12, "sociala_medier": 5}
OCCUPATION_WHEN_REACHED = {"studier": 30, "arbete": 15, "ingen": 45, "annan": 10}
OCCUPATION_AFTER_MEASURE = {"studier": 45, "arbete": 25, "ingen": 20, "annan": 10}
MEASURES = (
    "Studie- och yrkesvägledning",
    "Komvux (dispens under 20 år)",
    "Hälsoträdgården",
    "MIA VärNa",
    "Folkhögskola, studiemotiverande kurs",
    "Jobbpeng grund",
    "Studieförberedande praktik",
)
GOALS = ("Börja studera på Komvux.", "Hitta ett arbete eller en praktikplats.")


def _pick(rnd: random.Random, weights: dict[str, int]) -> str:
    return rnd.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class _History:
    db: Session
    rnd: random.Random
    today: date
    actor: Actor
    districts: list[int]
    officers: list[int | None]
    catalogue: dict
    taken: set[str]

    @contextmanager
    def dated(self, youth_id: int, on: date):
        """What the services write to the person's timeline inside is dated `on`."""
        entries = TimelineEntry.__table__
        mark = self.db.exec(select(sa.func.max(entries.c.id))).one() or 0
        yield
        self.db.exec(
            sa.update(entries)
            .where(entries.c.youth_id == youth_id, entries.c.id > mark)
            .values(at=datetime.combine(on, time(10), LOCAL_TZ))
        )

    def registration_day(self, years: int) -> date:
        year = self.today.year - self.rnd.randint(0, years)
        month = self.rnd.choices(range(1, 13), weights=MONTH_WEIGHTS)[0]
        day = date(year, month, self.rnd.randint(1, 28))
        return day if day < self.today - timedelta(days=20) else self.registration_day(years)

    def number(self, birth: date) -> pnr.Personnummer:
        for serial in range(901, 1000):
            candidate = pnr.make_valid(birth, serial)
            if candidate not in self.taken:
                self.taken.add(candidate)
                return pnr.parse(candidate, self.today)
        return self.number(birth + timedelta(days=1))


def seed_history(db: Session, *, count: int = 180, years: int = 3, seed: int = 2027) -> None:
    """Idempotent: nothing is added once someone in the register has left KAA."""
    from faker import Faker

    closed = select(RegistrationPeriod.id).where(RegistrationPeriod.deregistered_on.is_not(None))
    officer = db.exec(select(StaffUser).where(StaffUser.username == "kaa")).first()
    if officer is None or db.exec(closed).first():
        return
    catalogue.seed_measures(db)
    db.flush()
    staff = db.exec(select(StaffUser)).all()
    history = _History(
        db=db,
        rnd=random.Random(seed),
        today=local_today(),
        actor=Actor(staff_id=officer.id, username=officer.username, roles=frozenset({"kaa"})),
        districts=list(db.exec(select(District.id)).all()),
        officers=[s.id for s in staff if has_permission(s.role_list, "register.responsible")],
        catalogue={m.name: m for m in catalogue.list_measures(db)},
        taken=set(db.exec(select(Youth.personnummer)).all()),
    )
    fake = Faker("sv_SE")
    fake.seed_instance(seed)
    for _n in range(count):
        _one_person(history, fake, years)
    db.flush()


def _one_person(h: _History, fake, years: int) -> None:
    start = h.registration_day(years)
    birth = start - timedelta(days=h.rnd.randint(16 * 365 + 40, 19 * 365 + 200))
    number = h.number(birth)
    female = number.gender == "kvinna"
    data = register.YouthData(
        first_name=fake.first_name_female() if female else fake.first_name_male(),
        last_name=fake.last_name(),
        street_address=fake.street_address(),
        postal_code=fake.postcode(),
        city="Exempelstad",
        district_id=h.rnd.choice(h.districts) if h.districts else None,
        officer_id=h.rnd.choice(h.officers) if h.officers else None,
        registration_reason=_pick(h.rnd, REASONS),
        registration_source=_pick(h.rnd, SOURCES),
        registered_on=start,
    )
    youth = register.register_youth(h.db, actor=h.actor, personnummer=number.canonical, data=data)
    h.db.exec(
        sa.update(TimelineEntry)
        .where(TimelineEntry.youth_id == youth.id)
        .values(at=datetime.combine(start, time(9), LOCAL_TZ))
    )
    left_on = _one_period(h, youth, start)
    back = left_on and left_on + timedelta(days=h.rnd.randint(40, 260))
    if back and h.rnd.random() < 0.22 and back < h.today - timedelta(days=15):
        if eligibility.covered_on(youth.birth_date, back):
            with h.dated(youth.id, back):
                register.register_again(
                    h.db,
                    actor=h.actor,
                    youth_id=youth.id,
                    reason=_pick(h.rnd, REASONS),
                    source=_pick(h.rnd, SOURCES),
                    on=back,
                )
            _one_period(h, youth, back)


def _one_period(h: _History, youth: Youth, start: date) -> date | None:
    """Outreach, perhaps a plan with measures, and perhaps leaving: the day they left, or None."""
    leave = start + timedelta(days=h.rnd.randint(45, 540))
    reason = _pick(h.rnd, LEAVING)
    if eligibility.turns_20(youth.birth_date) <= leave:
        leave, reason = eligibility.turns_20(youth.birth_date), "fyllt_20"
    horizon = min(leave, h.today)
    reached = _outreach(h, youth, start, horizon)
    occupation = youth.occupation
    if reached and h.rnd.random() < 0.7:
        occupation = _plan(h, youth, reached, horizon) or occupation
    if leave >= h.today:
        outreach.refresh_next_step(h.db, youth, h.today)
        return None
    result = {"nationellt_program": "studier", "flyttat": "okand"}.get(reason, occupation)
    with h.dated(youth.id, leave):
        register.deregister_youth(
            h.db, actor=h.actor, youth_id=youth.id, reason=reason, on=leave, result=result
        )
    return leave


def _outreach(h: _History, youth: Youth, start: date, horizon: date) -> date | None:
    """The ladder as an officer follows it; the day the person was reached, if they were."""
    on = start + timedelta(days=h.rnd.randint(2, 20))
    attempts = [("brev", None), ("vykort", None)] + [("telefon", "ej_nadd")] * h.rnd.randint(0, 3)
    reached_after = h.rnd.randint(1, len(attempts) + 1) if h.rnd.random() < 0.75 else None
    for n, (kind, outcome) in enumerate(attempts, start=1):
        if on >= horizon:
            return None
        if n == reached_after:
            kind, outcome = _pick(h.rnd, REACHED_BY), "nadd"
        _contact(h, youth, kind, on, outcome)
        if outcome == "nadd":
            return on
        on += timedelta(days=h.rnd.randint(10, 35))
    return None


def _contact(h: _History, youth: Youth, kind: str, on: date, outcome: str | None) -> None:
    occupation = _pick(h.rnd, OCCUPATION_WHEN_REACHED) if outcome == "nadd" else None
    h.db.add(
        ContactAttempt(
            youth_id=youth.id,
            kind=kind,
            on=on,
            outcome=outcome,
            occupation=occupation,
            study_kind="komvux" if occupation == "studier" else None,
            staff_id=youth.officer_id,
        )
    )
    if kind in CHANNELS:
        youth.last_contact_on = max(youth.last_contact_on or on, on)
    if occupation:
        youth.reached_on, youth.occupation = on, occupation
        youth.study_kind = "komvux" if occupation == "studier" else None
    h.db.add(youth)


def _plan(h: _History, youth: Youth, reached: date, horizon: date) -> str | None:
    """Mapping, a plan and one or two measures; the occupation after the last ended one."""
    mapped = reached + timedelta(days=h.rnd.randint(0, 7))
    agreed = mapped + timedelta(days=h.rnd.randint(0, 10))
    if agreed >= horizon:
        return None
    occupation = youth.occupation if youth.occupation != "okand" else "ingen"
    with h.dated(youth.id, mapped):
        mapping.save_mapping(
            h.db,
            actor=h.actor,
            youth=youth,
            data=mapping.MappingData(
                on=mapped,
                occupation=occupation,
                study_kind="komvux" if occupation == "studier" else None,
                goals=h.rnd.choice(GOALS),
            ),
            today=h.today,
        )
    new_plan = plan.get_plan(h.db, youth.id) is None  # someone back keeps their plan
    with h.dated(youth.id, agreed):
        if new_plan:
            plan.save_plan(
                h.db,
                actor=h.actor,
                youth=youth,
                data=plan.PlanData(goal=h.rnd.choice(GOALS), agreed_on=agreed),
            )
        if h.rnd.random() < 0.12:
            offered = h.catalogue[h.rnd.choice(MEASURES)]
            measures.record_declined_offer(
                h.db, actor=h.actor, youth=youth, measure_id=offered.id, on=agreed
            )
    after = None
    fitting = _fitting(h, youth, agreed)
    chosen = h.rnd.sample(fitting, k=min(len(fitting), h.rnd.randint(1, 2)))
    for n, measure in enumerate(chosen):
        referred = new_plan and n == 0  # a new plan's first measure goes to its provider
        after = _measure(h, youth, measure, agreed, horizon, referred) or after
    return after


def _fitting(h: _History, youth: Youth, on: date) -> list:
    age = pnr.age_on(youth.birth_date, on)
    return [
        m
        for name in MEASURES
        if (m := h.catalogue.get(name))
        and not (m.min_age and age < m.min_age)
        and not (m.max_age and age > m.max_age)
    ]


def _measure(
    h: _History, youth: Youth, measure, start: date, horizon: date, referred: bool
) -> str | None:
    """A catalogue measure in the plan (the first one referred to its provider), ended with the
    occupation after it unless it is still going on."""
    with h.dated(youth.id, start):
        row = measures.add_plan_measure(
            h.db,
            actor=h.actor,
            youth=youth,
            data=measures.PlanMeasureData(
                title="",
                responsible="annan",
                start_on=start,
                agreed_on=start,
                measure_id=measure.id,
                end_on=start + timedelta(days=120),
            ),
        )
        if referred:
            referrals.make_referral(
                h.db, actor=h.actor, youth=youth, plan_measure_id=row.id, sent_on=start
            )
    ended = start + timedelta(days=h.rnd.randint(40, 200))
    if ended >= horizon:
        return None  # still ongoing (or ended when the person leaves KAA)
    occupation = _pick(h.rnd, OCCUPATION_AFTER_MEASURE)
    with h.dated(youth.id, ended):
        measures.end_plan_measure(
            h.db,
            actor=h.actor,
            youth=youth,
            plan_measure_id=row.id,
            ended_on=ended,
            reason="genomford" if h.rnd.random() < 0.7 else "avbruten_ungdom",
            occupation_after=occupation,
        )
    return occupation
