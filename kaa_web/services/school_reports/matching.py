"""Matching a report's students to the register: by personnummer, under the age limit, on the
person's timeline."""

from __future__ import annotations

from sqlmodel import Session, select

from kaa_web.models.base import local_today
from kaa_web.models.register import Youth
from kaa_web.models.school_reports import (
    REPORT_KINDS,
    SchoolReport,
    SchoolReportStudent,
    SchoolUnit,
)
from kaa_web.rules import eligibility
from kaa_web.services import timeline

NOT_KAA_CASE = "Det är inte ett KAA-ärende."


def youths_by_personnummer(db: Session, personnummers) -> dict[str, Youth]:
    """The register entries with these personnummer, in one query (not logged)."""
    wanted = sorted(set(personnummers))
    if not wanted:
        return {}
    found = db.exec(select(Youth).where(Youth.personnummer.in_(wanted))).all()
    return {youth.personnummer: youth for youth in found}


def under_age_limit(row: SchoolReportStudent) -> bool:
    return eligibility.covered_on(row.birth_date, local_today())


def add_to_timeline(db, actor, report: SchoolReport, unit: SchoolUnit, youth_id: int) -> None:
    timeline.add_entry(
        db,
        actor=actor,
        youth_id=youth_id,
        kind="skolanmalan",
        title=f"{REPORT_KINDS[report.kind]} från {unit.name} ({report.reference})",
        ref_type="school_report",
        ref_id=report.id,
    )
