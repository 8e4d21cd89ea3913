"""What a school's browser sends: a dropout report's fields, a submit, a studiebevis list."""

from datetime import timedelta

from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.school_reports import SchoolReport, SchoolUnit
from kaa_web.rules import personnummer as pnr


def student_number(years: int = 17, serial: int = 311) -> str:
    return pnr.make_valid(local_today() - timedelta(days=years * 365 + 40), serial)


def dropout(unit: SchoolUnit, token: str = "tok-1", **overrides) -> dict:
    data = {
        "engangskod": token,
        "school_unit_id": str(unit.id),
        "contact_name": "Sara Lund",
        "contact_phone": "010-123 40 01",
        "personnummer": student_number(),
        "first_name": "Ella",
        "last_name": "Exempelsson",
        "programme": "Ekonomiprogrammet",
        "school_year": "2",
        "programme_kind": "nationellt",
        "phone": "070-111 22 33",
        "guardian1_name": "Vera Exempelsson",
        "guardian1_phone": "070-222 33 44",
        "dropout_date": (local_today() - timedelta(days=2)).isoformat(),
        "reason": "motivation",
        "leaves_with_studiebevis": "ja",
        "support_given": "Samtal med mentor och studie- och yrkesvägledare.",
        "informed_consequences": "y",
        "informed_kaa": "y",
    }
    return {**data, **overrides}


def reports(db_session):
    db_session.expire_all()
    return db_session.exec(select(SchoolReport).order_by(SchoolReport.id)).all()


def submit(client, unit, kind="studieavbrott", **overrides):
    data = dropout(unit, **overrides) if kind == "studieavbrott" else overrides
    return client.post_form(client.url("school_reports.form", kind=kind), data)


def studiebevis(client, unit, token: str, rows: str, **extra):
    data = {
        "engangskod": token,
        "school_unit_id": str(unit.id),
        "contact_name": "Sara",
        "contact_phone": "010-1",
        "school_year": "2025/26",
        "rows": rows,
        **extra,
    }
    return client.post_form(
        client.url("school_reports.form", kind="studiebevis"),
        data,
        content_type="multipart/form-data",
    )
