"""Staff as every feature names them: display names, and the officers a young person can have."""

from __future__ import annotations

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


def officers(db: Session) -> list[StaffUser]:
    """Everyone who can be made a young person's responsible officer, by name."""
    staff = db.exec(select(StaffUser).where(StaffUser.active).order_by(StaffUser.display_name))
    return [s for s in staff.all() if _may_be_officer(s)]
