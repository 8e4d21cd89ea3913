"""What every section reads through: the person, the session, staff names and a query's rows."""

from __future__ import annotations

from sqlmodel import Session, select

from kaa_web.models.auth import StaffUser
from kaa_web.models.register import Youth


class Reader:
    """One person's extract being read: their row, staff names by id, and `all(query)`."""

    def __init__(self, db: Session, youth: Youth) -> None:
        self.db, self.youth = db, youth
        self.staff = dict(db.exec(select(StaffUser.id, StaffUser.display_name)).all())

    def all(self, query) -> list:
        return list(self.db.exec(query).all())
