"""Who gallring reaches in each category on a given day, and who it holds back and why.

A person's periods count from the end of their last registration period. A person with an
open case (a current registration period) or an ongoing measure is never reached, whatever
their earlier periods' age; each category reaches a person once (RetentionMark)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web.config import RETENTION_CATEGORIES
from kaa_web.models.plans import PlanMeasure
from kaa_web.models.register import RegistrationPeriod, Youth
from kaa_web.models.retention import RetentionMark

P = RegistrationPeriod


def _last_end():
    return (
        select(P.youth_id, sa.func.max(P.deregistered_on).label("ended_on"))
        .group_by(P.youth_id)
        .subquery("last_end")
    )


def _open_case():
    return sa.exists().where(P.youth_id == Youth.id, P.deregistered_on.is_(None))


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
    last = _last_end()
    stmt = select(Youth.id).join(last, last.c.youth_id == Youth.id)
    return stmt.where(last.c.ended_on <= ended_before, _not_marked(category))


def due(db: Session, category: str, ended_before: date, limit: int) -> list[int]:
    """The next `limit` people (by id) whose `category` gallring reaches now."""
    stmt = _past(category, ended_before).where(~_open_case(), ~_ongoing_measure())
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
    past = _past("register", cutoff(today, days["register"]))
    return Preview(
        today=today,
        due=counts,
        open_case=_count(db, past.where(_open_case())),
        ongoing_measure=_count(db, past.where(~_open_case(), _ongoing_measure())),
    )
