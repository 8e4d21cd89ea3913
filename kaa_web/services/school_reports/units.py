"""School units: the ones a school user reports for, and admin's register of them."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.school_reports import SchoolUnit
from kaa_web.permissions import Actor
from kaa_web.rules import municipalities
from kaa_web.services.errors import Invalid, NotFound


def my_units(db: Session, *, actor: Actor) -> list[SchoolUnit]:
    """The active school units the school user is bound to (none: they cannot report)."""
    if not actor.school_unit_ids:
        return []
    return list(
        db.exec(
            select(SchoolUnit)
            .where(SchoolUnit.id.in_(actor.school_unit_ids), SchoolUnit.active)
            .order_by(SchoolUnit.name)
        ).all()
    )


def all_units(db: Session) -> list[SchoolUnit]:
    return list(db.exec(select(SchoolUnit).order_by(SchoolUnit.name)).all())


@dataclass
class SchoolUnitData:
    code: str
    name: str
    huvudman: str = ""
    own_huvudman: bool = False
    municipality_code: str = ""
    directory_group: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    street_address: str = ""
    postal_code: str = ""
    city: str = ""
    active: bool = True


def save_school_unit(
    db: Session, *, actor: Actor, data: SchoolUnitData, unit_id: int | None = None
) -> SchoolUnit:
    """Add or change a school unit; the skolenhetskod is unique."""
    actor.need("admin.manage")
    clash = db.exec(select(SchoolUnit).where(SchoolUnit.code == data.code)).first()
    if clash is not None and clash.id != unit_id:
        raise Invalid(
            "Skolenhetskoden används redan.", field_errors={"code": "Koden används redan."}
        )
    if data.municipality_code and data.municipality_code not in municipalities.municipalities():
        raise Invalid(
            "Välj en kommun i listan.", field_errors={"municipality_code": "Okänd kommun."}
        )
    unit = db.get(SchoolUnit, unit_id) if unit_id else SchoolUnit(code=data.code, name=data.name)
    if unit is None:
        raise NotFound
    for name, value in asdict(data).items():
        setattr(unit, name, value)
    db.add(unit)
    db.flush()
    action = "update" if unit_id else "create"
    audit.record(db, actor, action, object_type="school_unit", object_id=unit.id)
    return unit


def get_school_unit(db: Session, *, actor: Actor, unit_id: int) -> SchoolUnit:
    actor.need("admin.manage")
    unit = db.get(SchoolUnit, unit_id)
    if unit is None:
        raise NotFound
    return unit
