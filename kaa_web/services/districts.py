"""Districts (kommundelar): the configurable list people are registered in, kept by admin."""

from __future__ import annotations

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.register import District
from kaa_web.permissions import Actor
from kaa_web.services.errors import Invalid, NotFound


def districts_page(db: Session, *, actor: Actor) -> list[District]:
    """Every district by name, the inactive ones too, as admin keeps the list."""
    actor.need("admin.manage")
    return list(db.exec(select(District).order_by(District.name)).all())


def save_district(
    db: Session,
    *,
    actor: Actor,
    code: str,
    name: str,
    active: bool = True,
    district_id: int | None = None,
) -> District:
    """Add a district or rename/deactivate one; codes are unique (import files use them)."""
    actor.need("admin.manage")
    code, name = code.strip().lower(), name.strip()
    clash = db.exec(select(District).where(District.code == code)).first()
    if clash is not None and clash.id != district_id:
        raise Invalid(
            "Koden används redan av en annan kommundel.",
            field_errors={"code": "Koden används redan."},
        )
    district = db.get(District, district_id) if district_id else District(code=code, name=name)
    if district is None:
        raise NotFound
    district.code, district.name, district.active = code, name, active
    db.add(district)
    db.flush()
    audit.record(
        db,
        actor,
        "update" if district_id else "create",
        object_type="district",
        object_id=district.id,
    )
    return district
