"""The demo's organisation: staff (the demo directory's people), school units and districts;
the tests' factories seed the same."""

from __future__ import annotations

from sqlmodel import Session, select

from kaa_web.demo_directory import DEMO_PEOPLE, school_group_dn
from kaa_web.models.auth import StaffUser
from kaa_web.models.school_reports import SchoolUnit

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


DEMO_DISTRICTS = (
    ("centrum", "Centrum"),
    ("norra", "Norra"),
    ("sodra", "Södra"),
    ("vastra", "Västra"),
    ("ostra", "Östra"),
)


def seed_districts(db: Session) -> None:
    from kaa_web.models.register import District

    for code, name in DEMO_DISTRICTS:
        if not db.exec(select(District).where(District.code == code)).first():
            db.add(District(code=code, name=name))
