"""Who gallring reaches in each category on a given day, and who it holds back and why.

A person's periods count from the end of their last registration period. A person with an
open case (a current registration period) or an ongoing measure is never reached, whatever
their earlier periods' age; each category reaches a person once (RetentionMark)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from kaa_web.config import RETENTION_CATEGORIES
from kaa_web.models.plans import PlanMeasure
from kaa_web.models.register import RegistrationPeriod, Youth
from kaa_web.models.retention import RetentionMark

P = RegistrationPeriod


def _open_case():
    current = aliased(RegistrationPeriod)
    return sa.exists().where(current.youth_id == Youth.id, current.deregistered_on.is_(None))


def _came_back(ended_before: date):
    """An earlier period ended on or before `ended_before` (and a new one is open)."""
    earlier = aliased(RegistrationPeriod)
    return sa.exists().where(earlier.youth_id == Youth.id, earlier.deregistered_on <= ended_before)


def _ongoing_measure():
    return sa.exists().where(PlanMeasure.youth_id == Youth.id, PlanMeasure.ended_on.is_(None))


def _not_marked(category: str):
    return ~sa.exists().where(
        RetentionMark.youth_id == Youth.id, RetentionMark.category == category
    )


def cutoff(today: date, days: int) -> date:
    """Periods ended on or before this day have passed a retention of `days`."""
    return today - timedelta(days=days)


def _past(category: str, ended_before: date):
    """People whose latest period ended on or before `ended_before`, not yet cleared in
    `category`. The latest period is the one that ended last (an open one is always the
    latest), read from the index on deregistered_on."""
    stmt = select(Youth.id).join(P, (P.youth_id == Youth.id) & P.latest)
    return stmt.where(P.deregistered_on <= ended_before, _not_marked(category))


def due(db: Session, category: str, ended_before: date, limit: int, after: int = 0) -> list[int]:
    """The next `limit` people (by id, after `after`) whose `category` gallring reaches now."""
    stmt = _past(category, ended_before).where(Youth.id > after, ~_open_case(), ~_ongoing_measure())
    return list(db.exec(stmt.order_by(Youth.id).limit(limit)))


def _count(db: Session, stmt) -> int:
    return db.exec(select(sa.func.count()).select_from(stmt.subquery())).one()


@dataclass(frozen=True)
class Preview:
    """What a run on `today` would do: people per category, and those held back per reason."""

    today: date
    due: dict[str, int]
    open_case: int
    ongoing_measure: int


def preview(db: Session, days: dict[str, int], today: date) -> Preview:
    counts = {
        category: _count(
            db,
            _past(category, cutoff(today, days[category])).where(
                ~_open_case(), ~_ongoing_measure()
            ),
        )
        for category in RETENTION_CATEGORIES
    }
    ended_before = cutoff(today, days["register"])
    came_back = select(Youth.id).where(
        _came_back(ended_before), _open_case(), _not_marked("register")
    )
    return Preview(
        today=today,
        due=counts,
        open_case=_count(db, came_back),
        ongoing_measure=_count(
            db, _past("register", ended_before).where(~_open_case(), _ongoing_measure())
        ),
    )
