"""What social services see of a person instead of KAA's case file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from kaa_web.models.auth import StaffUser
from kaa_web.models.base import local_today
from kaa_web.models.plans import ConcernReport
from kaa_web.models.register import Guardian, Youth
from kaa_web.rules import personnummer as pnr
from kaa_web.services.consents.concerns import concern_reports
from kaa_web.services.consents.consent import ConsentRow, consents_of


@dataclass(frozen=True)
class SharedRecord:
    """What social services may see of a person: never KAA's case file (services.access)."""

    consents: list[ConsentRow]  # in force and covering social services
    concern_reports: list[tuple[ConcernReport, str]]
    guardians: list[Guardian]  # with a consent in force and under 18 only
    officer: StaffUser | None  # whom at KAA to contact

    @property
    def contact_details(self) -> bool:
        """A consent in force shares the contact details its purpose needs; an orosanmälan
        alone shares only that it was made (the report itself went to social services)."""
        return bool(self.consents)


def shared_with_social_services(
    db: Session, youth: Youth, today: date | None = None
) -> SharedRecord:
    """The page social services get instead of the case file (the caller logs the read)."""
    today = today or local_today()
    rows = consents_of(db, youth.id, today)
    in_force = [row for row in rows if row.active and row.consent.social_services]
    minor = pnr.age_on(youth.birth_date, today) < 18
    guardians = db.exec(select(Guardian).where(Guardian.youth_id == youth.id).order_by(Guardian.id))
    return SharedRecord(
        consents=in_force,
        concern_reports=concern_reports(db, youth.id),
        guardians=list(guardians) if in_force and minor else [],
        officer=db.get(StaffUser, youth.officer_id) if youth.officer_id else None,
    )
