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
    ensure_letterhead(db)
    db.commit()
