"""The demo's young people: fictitious names and numbers, each with a short outreach history."""

from __future__ import annotations

from sqlmodel import Session, select

from kaa_web.models.auth import StaffUser

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


def seed_register(db: Session, *, count: int = 120, seed: int = 2026) -> None:
    """Fictitious young people (Faker sv_SE names, valid made-up numbers) with varied histories."""
    import random
    from datetime import datetime, time, timedelta

    from faker import Faker

    from kaa_web.models.base import LOCAL_TZ, local_today
    from kaa_web.models.register import ContactAttempt, District, Guardian, Youth
    from kaa_web.permissions import SYSTEM_ACTOR, has_permission
    from kaa_web.rules import personnummer as pnr
    from kaa_web.services import outreach, timeline
    from kaa_web.services.register import new_youth
    from kaa_web.services.register.periods import open_period

    if db.exec(select(Youth.id)).first():
        return
    fake, rnd, today = Faker("sv_SE"), random.Random(seed), local_today()
    fake.seed_instance(seed)
    districts = [d.id for d in db.exec(select(District)).all()]
    officers = [
        s.id
        for s in db.exec(select(StaffUser)).all()
        if has_permission(s.role_list, "register.responsible")
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
        youth = new_youth(
            number,
            first,
            last,
            protected_identity=n % 37 == 5,
            street_address=fake.street_address(),
            postal_code=fake.postcode(),
            city="Exempelstad",
            phone=f"070-{n:03d} 00 00",
            email=f"ungdom{n}@example.se",
            district_id=rnd.choice(districts),
            officer_id=rnd.choice(officers + [None]),
        )
        db.add(youth)
        db.flush()
        open_period(
            db,
            youth,
            reason=rnd.choice(reasons),
            source=rnd.choice(["import", "import", "skolanmalan", "egen_kontakt"]),
            on=registered,
        )
        entry = timeline.add_entry(
            db,
            actor=SYSTEM_ACTOR,
            youth_id=youth.id,
            kind="registrerad",
            title="Registrerad i KAA (demodata)",
        )
        entry.at = datetime.combine(registered, time(9), LOCAL_TZ)
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
