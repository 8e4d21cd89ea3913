"""Clearly fictitious demo data for `kaa seed-demo`: staff, school units, each feature's rows."""

from __future__ import annotations

from sqlmodel import Session, select

from kaa_web.demo_directory import DEMO_PEOPLE, school_group_dn
from kaa_web.models.auth import StaffUser
from kaa_web.models.school_reports import SchoolUnit
from kaa_web.services.documents import ensure_letterhead

DEMO_SCHOOLS = (
    ("90000001", "Exempelgymnasiet", "Exempelkommun"),
    ("90000002", "Fiktiva Friskolan", "Fiktiva Skolor AB"),
)


def seed_staff(db: Session) -> None:
    for person in DEMO_PEOPLE:
        if db.exec(select(StaffUser).where(StaffUser.username == person.username)).first():
            continue
        db.add(
            StaffUser(
                username=person.username,
                display_name=person.display_name,
                email=f"{person.username}@exempelkommun.se",
                roles=",".join(person.roles),
            )
        )


def seed_schools(db: Session) -> None:
    for code, name, huvudman in DEMO_SCHOOLS:
        if db.exec(select(SchoolUnit).where(SchoolUnit.code == code)).first():
            continue
        db.add(
            SchoolUnit(
                code=code, name=name, huvudman=huvudman, directory_group=school_group_dn(code)
            )
        )


def seed_demo(db: Session) -> None:
    """Idempotent: running it twice adds nothing the second time."""
    seed_staff(db)
    seed_schools(db)
    seed_districts(db)
    db.flush()
    seed_register(db)
    ensure_letterhead(db)
    seed_plans(db)
    db.commit()


DEMO_DISTRICTS = (
    ("centrum", "Centrum"),
    ("norra", "Norra"),
    ("sodra", "Södra"),
    ("vastra", "Västra"),
    ("ostra", "Östra"),
)
# A spread of histories so the worklist shows every kind of step: (kind, outcome, occupation).
DEMO_HISTORIES = (
    (),
    (("brev", None, None),),
    (("brev", None, None), ("vykort", None, None)),
    (("brev", None, None), ("vykort", None, None), ("telefon", "ej_nadd", None)),
    (("brev", None, None), ("telefon", "nadd", "studier")),
    (("brev", None, None), ("sms", "nadd", "arbete"), ("kartlaggning", None, None)),
    (("brev", None, None), ("telefon", "fel_adress", None)),
    (("brev", None, None), ("telefon", "avbojer", None)),
)


def seed_districts(db: Session) -> None:
    from kaa_web.models.register import District

    for code, name in DEMO_DISTRICTS:
        if not db.exec(select(District).where(District.code == code)).first():
            db.add(District(code=code, name=name))


def seed_register(db: Session, *, count: int = 120, seed: int = 2026) -> None:
    """Fictitious young people (Faker sv_SE names, valid made-up numbers) with varied histories."""
    import random
    from datetime import timedelta

    from faker import Faker

    from kaa_web.models.base import local_today
    from kaa_web.models.register import ContactAttempt, District, Guardian, Youth
    from kaa_web.permissions import SYSTEM_ACTOR
    from kaa_web.rules import personnummer as pnr
    from kaa_web.services import outreach, timeline
    from kaa_web.services.register import name_key

    if db.exec(select(Youth.id)).first():
        return
    fake, rnd, today = Faker("sv_SE"), random.Random(seed), local_today()
    fake.seed_instance(seed)
    districts = [d.id for d in db.exec(select(District)).all()]
    officers = [
        s.id
        for s in db.exec(select(StaffUser)).all()
        if set(s.role_list) & {"kaa", "arbetsmarknad"}
    ]
    reasons = [
        "avbrott_nationellt",
        "studiebevis",
        "introduktionsprogram",
        "aldrig_borjat",
        "inflyttad",
        "nyanland",
    ]
    for n in range(count):
        birth = today - timedelta(days=rnd.randint(16 * 365 + 30, 20 * 365 - 20))
        number = pnr.parse(pnr.make_valid(birth, 100 + n % 800), today)
        first = fake.first_name_female() if number.gender == "kvinna" else fake.first_name_male()
        last = fake.last_name()
        registered = today - timedelta(days=rnd.randint(0, 150))
        youth = Youth(
            personnummer=number.canonical,
            first_name=first,
            last_name=last,
            first_name_key=name_key(first),
            last_name_key=name_key(last),
            birth_date=number.birth_date,
            gender=number.gender,
            protected_identity=n % 37 == 5,
            street_address=fake.street_address(),
            postal_code=fake.postcode(),
            city="Exempelstad",
            phone=f"070-{n:03d} 00 00",
            email=f"ungdom{n}@example.se",
            district_id=rnd.choice(districts),
            officer_id=rnd.choice(officers + [None]),
            registration_reason=rnd.choice(reasons),
            registration_source=rnd.choice(["import", "import", "skolanmalan", "egen_kontakt"]),
            registered_on=registered,
        )
        db.add(youth)
        db.flush()
        timeline.add_entry(
            db,
            actor=SYSTEM_ACTOR,
            youth_id=youth.id,
            kind="registrerad",
            title="Registrerad i KAA (demodata)",
        )
        if pnr.age_on(birth, today) < 18:
            db.add(
                Guardian(
                    youth_id=youth.id,
                    name=f"{fake.first_name()} {last}",
                    street_address=youth.street_address,
                    postal_code=youth.postal_code,
                    city="Exempelstad",
                    phone=f"073-{n:03d} 11 11",
                )
            )
        on = registered
        for kind, outcome, occupation in DEMO_HISTORIES[n % len(DEMO_HISTORIES)]:
            on = min(on + timedelta(days=rnd.randint(10, 35)), today)
            db.add(
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
            if outcome == "nadd":
                youth.reached_on, youth.occupation = on, occupation
        db.flush()
        outreach.refresh_next_step(db, youth, today)


# Clearly fictitious goals and consents for the demo's plans (no sensitive data).
DEMO_GOALS = (
    "Börja på Komvux till hösten och läsa in svenska och matematik.",
    "Prova på lagerarbete under våren och därefter söka ett introduktionsprogram.",
    "Hitta ett extrajobb och samtidigt gå en studiemotiverande kurs på folkhögskola.",
)


def seed_plans(db: Session) -> None:
    """The measures catalogue, and mappings, plans, referrals and consents for a few reached."""
    from datetime import timedelta

    from kaa_web.models.base import local_today
    from kaa_web.models.plans import Plan
    from kaa_web.models.register import Youth
    from kaa_web.permissions import Actor
    from kaa_web.rules import personnummer as pnr
    from kaa_web.services import consents, plans

    plans.seed_measures(db)
    db.flush()
    if db.exec(select(Plan.id)).first():
        return
    officer = db.exec(select(StaffUser).where(StaffUser.username == "kaa")).first()
    if officer is None:
        return
    actor = Actor(staff_id=officer.id, username=officer.username, roles=frozenset({"kaa"}))
    catalogue = {m.name: m for m in plans.list_measures(db)}
    today = local_today()
    reached = db.exec(
        select(Youth).where(Youth.reached_on.is_not(None)).order_by(Youth.id).limit(6)
    ).all()
    for n, youth in enumerate(reached):
        start = max(youth.reached_on, today - timedelta(days=30))
        plans.save_mapping(
            db,
            actor=actor,
            youth=youth,
            data=plans.MappingData(
                on=youth.reached_on,
                occupation=youth.occupation,
                study_kind=(youth.study_kind or "komvux")
                if youth.occupation == "studier"
                else None,
                last_school="Exempelgymnasiet",
                programme="Fiktiva programmet",
                school_ending="avbrott",
                eligible=n % 2 == 0,
                goals=DEMO_GOALS[n % len(DEMO_GOALS)],
                agencies=frozenset({"arbetsformedlingen", "socialtjansten"} if n % 3 == 0 else ()),
            ),
        )
        plans.save_plan(
            db,
            actor=actor,
            youth=youth,
            data=plans.PlanData(
                goal=DEMO_GOALS[n % len(DEMO_GOALS)],
                agreed_on=start,
                follow_up_on=today + timedelta(days=7 + n * 3),
                evaluation_on=today + timedelta(days=90),
            ),
        )
        measure = catalogue["Hälsoträdgården" if n % 2 else "MIA VärNa"]
        row = plans.add_plan_measure(
            db,
            actor=actor,
            youth=youth,
            data=plans.PlanMeasureData(
                title="",
                responsible="annan",
                start_on=start,
                agreed_on=start,
                measure_id=measure.id,
                end_on=start + timedelta(days=120),
            ),
        )
        plans.add_plan_measure(
            db,
            actor=actor,
            youth=youth,
            data=plans.PlanMeasureData(
                title="Besöka Komvux öppet hus",
                responsible="ungdomen",
                start_on=start,
                agreed_on=start,
                end_on=start + timedelta(days=30),
            ),
        )
        plans.make_referral(db, actor=actor, youth=youth, plan_measure_id=row.id, sent_on=start)
        if n % 3 == 0:
            adult = pnr.age_on(youth.birth_date, start) >= 18
            consents.record_consent(
                db,
                actor=actor,
                youth=youth,
                data=consents.ConsentData(
                    given_by="ungdomen" if adult else "vardnadshavare",
                    guardian_name="" if adult else "Vårdnadshavare Exempelsson",
                    parties=frozenset({"socialtjansten", "arbetsformedlingen"}),
                    purpose="Samordna stödet inför studiestart (demodata).",
                    given_on=start,
                    form="skriftligt",
                    expires_on=today + timedelta(days=180),
                ),
            )
