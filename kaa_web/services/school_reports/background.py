"""What schools have reported about a person's schooling, for a new mapping."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session, select

from kaa_web.models.school_reports import SchoolReport, SchoolReportStudent, SchoolUnit


@dataclass(frozen=True)
class SchoolBackground:
    """What schools have reported about a person's schooling: a new mapping starts from it."""

    reference: str
    last_school: str
    programme: str
    school_ending: str | None  # a mapping SCHOOL_ENDINGS code, or None while still at school


SCHOOL_ENDING_FOR_KIND = {"studieavbrott": "avbrott", "studiebevis": "studiebevis"}


def school_background(db: Session, *, youth_id: int) -> SchoolBackground | None:
    """From the latest report that says how the schooling ended (a dropout or a studiebevis
    list), else the latest report about the person (the school they are at); None if none."""
    rows = db.exec(
        select(SchoolReportStudent.programme, SchoolReport, SchoolUnit.name)
        .join(SchoolReport, SchoolReport.id == SchoolReportStudent.report_id)
        .join(SchoolUnit, SchoolUnit.id == SchoolReport.school_unit_id)
        .where(SchoolReportStudent.youth_id == youth_id)
        .order_by(SchoolReport.submitted_at.desc(), SchoolReport.id.desc())
    ).all()
    if not rows:
        return None
    programme, report, school = next(
        (r for r in rows if r[1].kind in SCHOOL_ENDING_FOR_KIND), rows[0]
    )
    ending = json.loads(report.details or "{}").get("school_ending")
    return SchoolBackground(
        report.reference,
        school,
        programme,
        ending or SCHOOL_ENDING_FOR_KIND.get(report.kind),
    )
