"""Staff as every feature names them: display names, and the officers a young person can have."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from kaa_web.models.auth import StaffUser
from kaa_web.permissions import has_permission


def staff_names(db: Session) -> dict[int, str]:
    """Display names of staff by id (who recorded what, on the person pages)."""
    return dict(db.exec(select(StaffUser.id, StaffUser.display_name)).all())


def _may_be_officer(staff: StaffUser) -> bool:
    return has_permission(staff.role_list, "register.responsible")


def is_officer(db: Session, staff_id: int) -> bool:
    """An active member of staff who can be responsible for young people."""
    staff = db.get(StaffUser, staff_id)
    return bool(staff and staff.active and _may_be_officer(staff))


@dataclass(frozen=True)
class Officer:
    id: int
    display_name: str


def officers(db: Session) -> list[Officer]:
    """Everyone who can be made a young person's responsible officer, by name: plain rows,
    not ORM objects (the register list's selects read every active member of staff)."""
    staff = db.exec(
        select(StaffUser.id, StaffUser.display_name, StaffUser.roles)
        .where(StaffUser.active)
        .order_by(StaffUser.display_name)
    )
    return [
        Officer(i, name)
        for i, name, roles in staff.all()
        if has_permission(roles.split(","), "register.responsible")
    ]
