"""The demo's school reports: the inbox's rule and reports in every state from both schools."""

from __future__ import annotations

from sqlmodel import Session, select

from kaa_web.models.auth import StaffUser
from kaa_web.models.school_reports import SchoolUnit


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
