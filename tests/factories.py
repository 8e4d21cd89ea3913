"""Rows the service, request and browser tests build the same way, through the real services."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from kaa_web.models.auth import StaffUser
from kaa_web.models.base import local_today
from kaa_web.models.school_reports import SchoolReport, SchoolUnit
from kaa_web.permissions import Actor
from kaa_web.rules import personnummer as pnr
from kaa_web.services import school_reports


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
