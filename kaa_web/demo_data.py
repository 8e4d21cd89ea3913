"""Clearly fictitious demo data for `kaa seed-demo`: staff, school units, each feature's rows."""

from __future__ import annotations

from sqlmodel import Session, select

from kaa_web.demo_directory import DEMO_PEOPLE, school_group_dn
from kaa_web.models.auth import StaffUser
from kaa_web.models.school_reports import SchoolUnit
from kaa_web.services.letter_context import ensure_letterhead

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
                phone=person.phone,
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
    seed_inbox_assignment(db)
    seed_school_reports(db)
    ensure_letterhead(db)
    db.flush()
    seed_mailout(db)
    seed_plans(db)
    seed_meetings(db)
    from kaa_web.demo_history import seed_history  # three years of periods for the statistics

    seed_history(db)
    from kaa_web.demo_scb import seed_scb  # a half-year with problems for the SCB check

    seed_scb(db)
    db.commit()


def seed_mailout(db: Session) -> None:
    """A term-start mail-out by the demo KAA officer, printed and confirmed as posted."""
    from kaa_web.models.base import local_today
    from kaa_web.models.mailout import MailoutJob
    from kaa_web.models.register import Youth
    from kaa_web.permissions import Actor
    from kaa_web.services import mailout

    if db.exec(select(MailoutJob.id)).first():
        return
    officer = db.exec(select(StaffUser).where(StaffUser.username == "kaa")).first()
    due = db.exec(
        select(Youth.id)
        .where(Youth.status == "aktiv", Youth.next_step.in_(("brev", "vykort", "brev_20")))
        .order_by(Youth.protected_identity.desc(), Youth.next_step_due, Youth.id)
        .limit(15)
    ).all()
    if officer is None or not due:
        return
    actor = Actor(staff_id=officer.id, username=officer.username, roles=frozenset({"kaa"}))
    today = local_today()
    job = mailout.start_mailout(db, actor=actor, youth_ids=list(due), on=today)
    db.commit()
    mailout.run_mailout_job(db, job_id=job.id)
    mailout.confirm_mailout(db, actor=actor, job_id=job.id, posted_on=today)


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


def seed_inbox_assignment(db: Session) -> None:
    """New reports go to the demo's KAA officer until an admin sets another rule."""
    from kaa_web.models.school_reports import InboxAssignment
    from kaa_web.services.inbox_assignment import RULE_ID

    officer = db.exec(select(StaffUser).where(StaffUser.username == "kaa")).first()
    if officer is not None and db.get(InboxAssignment, RULE_ID) is None:
        db.add(InboxAssignment(id=RULE_ID, rule="inkorg", inbox_officer_id=officer.id))
        db.flush()


DEMO_SCHOOL_CONTACTS = {
    "90000001": ("Sara Lund, SYV", "010-123 40 01", "syv@exempelgymnasiet.example.se", True),
    "90000002": ("Erik Holm, rektor", "010-123 40 02", "rektor@fiktivafriskolan.example.se", False),
}


def seed_school_reports(db: Session) -> None:
    """Reports from both demo schools: new, in progress, answered, another municipality, a list."""
    from datetime import timedelta

    from kaa_web.models.base import local_today
    from kaa_web.models.register import Youth
    from kaa_web.models.school_reports import SchoolReport
    from kaa_web.permissions import Actor
    from kaa_web.rules import personnummer as pnr
    from kaa_web.services import inbox_assignment
    from kaa_web.services import school_reports as service

    if db.exec(select(SchoolReport.id)).first():
        return
    units = {u.code: u for u in db.exec(select(SchoolUnit)).all()}
    for code, (contact, phone, email, own) in DEMO_SCHOOL_CONTACTS.items():
        unit = units.get(code)
        if unit is not None and not unit.contact_name:
            unit.contact_name, unit.contact_phone, unit.contact_email = contact, phone, email
            unit.own_huvudman, unit.city = own, "Exempelstad"
            db.add(unit)
    if len(units) < 2:
        return
    staff = {s.username: s for s in db.exec(select(StaffUser)).all()}
    today = local_today()

    def number(years: int, serial: int) -> str:
        return pnr.make_valid(today - timedelta(days=years * 365 + serial), 900 + serial)

    def school(username: str, code: str) -> Actor:
        return Actor(
            staff_id=staff[username].id if username in staff else None,
            username=username,
            roles=frozenset({"skola"}),
            school_unit_ids=frozenset({units[code].id}),
        )

    def send(actor, code, kind, students, fields, **extra):
        data = service.ReportData(
            kind=kind,
            school_unit_id=units[code].id,
            contact_name=DEMO_SCHOOL_CONTACTS[code][0],
            contact_phone=DEMO_SCHOOL_CONTACTS[code][1],
            details={"fields": fields, **extra},
            students=[service.StudentData(*s) for s in students],
        )
        return service.submit_report(db, actor=actor, data=data)

    first, second = school("skola", "90000001"), school("skola2", "90000002")
    guardian = {
        "guardian1_name": "Vårdnadshavare Exempelsson",
        "guardian1_phone": "070-000 11 22",
        "guardian1_street_address": "Påhittade vägen 7",
        "guardian1_postal_code": "123 45",
        "guardian1_city": "Exempelstad",
    }
    registered = db.exec(select(Youth).order_by(Youth.id)).first()
    send(
        first,
        "90000001",
        "studieavbrott",
        [(number(17, 1), "Ella", "Exempelsson", "Ekonomiprogrammet, åk 2", guardian)],
        [
            ["Datum för avbrottet", str(today - timedelta(days=3))],
            ["Orsak till avbrottet", "Låg motivation / trivs inte"],
            ["Lämnar eleven med studiebevis?", "Ja"],
            [
                "Stöd och vägledning skolan har gett",
                "Samtal med mentor och SYV, anpassad studiegång.",
            ],
            ["Eleven har informerats om det kommunala aktivitetsansvaret", "Ja"],
        ],
        registration_reason="avbrott_nationellt",
    )
    risk = send(
        second,
        "90000002",
        "risk",
        [(number(16, 2), "Noah", "Påhittad", "Teknikprogrammet, åk 1", guardian)],
        [
            ["Elevens situation", "Ökande frånvaro"],
            ["Stöd skolan redan har gett", "Extra anpassningar och veckovisa samtal."],
            ["Skolan begär ett gemensamt möte med KAA", "Ja"],
        ],
    )
    kaa = Actor(
        staff_id=staff["kaa"].id if "kaa" in staff else None,
        username="kaa",
        roles=frozenset({"kaa"}),
    )
    inbox_assignment.take_report(db, actor=kaa, report_id=risk.id, current_handler=None)
    service.set_status(
        db,
        actor=kaa,
        report_id=risk.id,
        status="under_handlaggning",
        answer="Vi kontaktar er för att boka ett möte.",
    )
    if registered is not None:
        send(
            first,
            "90000001",
            "franvaro",
            [
                (
                    registered.personnummer,
                    registered.first_name,
                    registered.last_name,
                    "Introduktionsprogram, åk 1",
                    {},
                )
            ],
            [
                ["Frånvarons omfattning", "Cirka 45 % av lektionerna"],
                [
                    "Stöd och åtgärder skolan har gett",
                    "Utredning startad, åtgärdsprogram upprättat.",
                ],
            ],
        )
    moved = send(
        second,
        "90000002",
        "studieavbrott",
        [(number(18, 3), "Wilma", "Fiktivsdotter", "Naturvetenskapsprogrammet, åk 3", {})],
        [["Orsak till avbrottet", "Flyttar"]],
        registration_reason="avbrott_nationellt",
    )
    service.mark_other_municipality(
        db,
        actor=kaa,
        student_id=service.report_students(db, moved.id)[0].id,
        code="0182",
        note="Vidarebefordrad till KAA i hemkommunen per e-post.",
    )
    service.set_status(
        db,
        actor=kaa,
        report_id=moved.id,
        status="avslutad",
        answer="Eleven är skriven i en annan kommun; anmälan är vidarebefordrad.",
    )
    send(
        first,
        "90000001",
        "studiebevis",
        [
            (number(19, n), f"Elev{n}", "Exempeldemo", "Samhällsvetenskapsprogrammet", {})
            for n in (4, 5, 6)
        ],
        [["Läsår", f"{today.year - 1}/{str(today.year)[2:]}"]],
        registration_reason="studiebevis",
    )
    db.flush()


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
    from kaa_web.services import catalogue as measures_catalogue
    from kaa_web.services import consents
    from kaa_web.services.plans import mapping, measures, plan, referrals

    measures_catalogue.seed_measures(db)
    db.flush()
    if db.exec(select(Plan.id)).first():
        return
    officer = db.exec(select(StaffUser).where(StaffUser.username == "kaa")).first()
    if officer is None:
        return
    actor = Actor(staff_id=officer.id, username=officer.username, roles=frozenset({"kaa"}))
    catalogue = {m.name: m for m in measures_catalogue.list_measures(db)}
    today = local_today()
    reached = db.exec(
        select(Youth).where(Youth.reached_on.is_not(None)).order_by(Youth.id).limit(6)
    ).all()
    for n, youth in enumerate(reached):
        start = max(youth.reached_on, today - timedelta(days=30))
        mapping.save_mapping(
            db,
            actor=actor,
            youth=youth,
            data=mapping.MappingData(
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
        plan.save_plan(
            db,
            actor=actor,
            youth=youth,
            data=plan.PlanData(
                goal=DEMO_GOALS[n % len(DEMO_GOALS)],
                agreed_on=start,
                follow_up_on=today + timedelta(days=7 + n * 3),
                evaluation_on=today + timedelta(days=90),
            ),
        )
        measure = catalogue["Hälsoträdgården" if n % 2 else "MIA VärNa"]
        row = measures.add_plan_measure(
            db,
            actor=actor,
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
        measures.add_plan_measure(
            db,
            actor=actor,
            youth=youth,
            data=measures.PlanMeasureData(
                title="Besöka Komvux öppet hus",
                responsible="ungdomen",
                start_on=start,
                agreed_on=start,
                end_on=start + timedelta(days=30),
            ),
        )
        referrals.make_referral(db, actor=actor, youth=youth, plan_measure_id=row.id, sent_on=start)
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


DEMO_GROUPS = (
    (
        "Samverkansgruppen KAA",
        "samverkansgrupp",
        "terminsstart",
        "kaa",
        ("arbetsmarknad", "ifo"),
        (
            ("Genomgång av aktuella ungdomar", "ingen_sysselsattning"),
            ("Nya sedan förra mötet", "nya"),
            ("Uppföljning av handlingsplanen", ""),
            ("Statistik", ""),
        ),
    ),
    (
        "Arbetsgruppen för unga utan sysselsättning",
        "arbetsgrupp",
        "manadsvis",
        "kaa2",
        ("kaa", "arbetsmarknad", "ifo"),
        (("Försenade uppföljningar", "forsenad_uppfoljning"), ("Insatser och platser", "")),
    ),
    (
        "Ledningsgruppen för KAA",
        "ledningsgrupp",
        "en_gang_per_termin",
        "chef",
        ("kaa",),
        (("Uppföljning av handlingsplanen", ""), ("Årsrapporten", "")),
    ),
)


def seed_meetings(db: Session) -> None:
    """Three groups; the samverkansgrupp has adjusted minutes and a meeting coming up."""
    from datetime import time, timedelta

    from kaa_web.models.base import local_today
    from kaa_web.models.meetings import MeetingGroup
    from kaa_web.permissions import Actor
    from kaa_web.services import meetings

    if db.exec(select(MeetingGroup.id)).first():
        return
    staff = {s.username: s for s in db.exec(select(StaffUser)).all()}
    if not {"chef", "kaa", "kaa2", "arbetsmarknad", "ifo"} <= set(staff):
        return
    chef = Actor(staff_id=staff["chef"].id, username="chef", roles=frozenset({"chef"}))
    groups = []
    for name, kind, frequency, convener, others, items in DEMO_GROUPS:
        group = meetings.create_group(
            db,
            actor=chef,
            name=name,
            kind=kind,
            frequency=frequency,
            convener_id=staff[convener].id,
            standing_items=list(items),
        )
        for username in others:
            data = meetings.MemberData(staff_id=staff[username].id)
            meetings.add_member(db, actor=chef, group_id=group.id, data=data)
        groups.append(group)
    main = groups[0]
    for data in (
        meetings.MemberData(name="Petra Exempelsdotter", organisation="arbetsformedlingen"),
        meetings.MemberData(
            name="Sam Fiktivsson", organisation="skola", organisation_name="Exempelgymnasiet"
        ),
    ):
        meetings.add_member(db, actor=chef, group_id=main.id, data=data)
    kaa = Actor(staff_id=staff["kaa"].id, username="kaa", roles=frozenset({"kaa"}))
    today = local_today()
    standing = [s.id for s in meetings.agenda.standing_items_of(db, main.id)]
    past = meetings.plan_meeting(
        db,
        actor=kaa,
        group_id=main.id,
        on=today - timedelta(days=60),
        starts_at=time(13, 0),
        place="Stadshuset, rum Ekbacken",
        standing_item_ids=standing,
    )
    members = meetings.groups.members_of(db, main.id)
    meetings.record_attendance(
        db,
        actor=kaa,
        meeting_id=past.id,
        statuses={
            m.id: "anmalt_forhinder" if m.organisation == "skola" else "narvarande" for m in members
        },
    )
    agenda = meetings.agenda.agenda_of(db, past.id)
    meetings.record_notes(
        db,
        actor=kaa,
        meeting_id=past.id,
        item_id=agenda[2].id,
        notes="Handlingsplanen följdes upp. Uppsökande arbete under sommaren behöver förstärkas.",
    )
    meetings.record_decision(
        db,
        actor=kaa,
        meeting_id=past.id,
        item_id=agenda[2].id,
        text="Handlingsplanen revideras inför vårterminen.",
    )
    by_name = {m.name: m for m in members}
    done = meetings.add_action_point(
        db,
        actor=kaa,
        meeting_id=past.id,
        what="Sammanställa statistik per område",
        member_id=by_name[staff["kaa"].display_name].id,
        due=today - timedelta(days=30),
    )
    meetings.add_action_point(
        db,
        actor=kaa,
        meeting_id=past.id,
        what="Ta fram en gemensam rutin för överlämning till Arbetsförmedlingen",
        member_id=by_name[staff["arbetsmarknad"].display_name].id,
        due=today - timedelta(days=5),
    )
    meetings.complete_action_point(db, actor=kaa, action_point_id=done.id)
    meetings.adjust_minutes(db, actor=kaa, meeting_id=past.id, adjuster="Petra Exempelsdotter")
    meetings.generate_minutes(db, actor=kaa, meeting_id=past.id)
    upcoming = meetings.plan_meeting(
        db,
        actor=kaa,
        group_id=main.id,
        on=today + timedelta(days=10),
        starts_at=time(9, 30),
        place="Teams-länk skickas med kallelsen",
        standing_item_ids=standing,
        extra_items=[meetings.ExtraItem("Sommarens uppsökande arbete", "Karin Berg", 15)],
    )
    meetings.generate_notice(db, actor=kaa, meeting_id=upcoming.id)
