"""The consent rule at a meeting: the young people an agenda item lists, counted and named."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web.db import any_of, id_batches
from kaa_web.models.base import local_today
from kaa_web.models.meetings import (
    YOUTH_FILTERS,
    AgendaItem,
    Attendance,
    Meeting,
)
from kaa_web.models.register import OCCUPATIONS, District, RegistrationPeriod, Youth
from kaa_web.permissions import Actor
from kaa_web.rules import personnummer as pnr
from kaa_web.rules import small_numbers
from kaa_web.services import consents
from kaa_web.services.access import youth_visibility
from kaa_web.services.meetings.groups import members_of


def represented_organisations(db: Session, meeting: Meeting) -> set[tuple[str, str]]:
    """(organisation, school name) of the members present, or of all members before the meeting."""
    present = set(
        db.exec(
            select(Attendance.member_id).where(
                Attendance.meeting_id == meeting.id, Attendance.status == "narvarande"
            )
        )
    )
    members = members_of(db, meeting.group_id, include_removed=bool(present))
    if present:
        members = [m for m in members if m.id in present]
    return {(m.organisation, m.organisation_name.strip().casefold()) for m in members}


def _consented(db: Session, youth_ids, organisations: set[tuple[str, str]], today: date):
    """The people among `youth_ids` who may be named before `organisations`: all of them when
    only the municipality is there, else those ONE consent in force covers for every
    organisation outside it (consents.covered_by_one_consent: consents given separately for
    other purposes do not add up)."""
    outside = [(code, school) for code, school in organisations if code != "kommunen"]
    if not outside:
        return None
    return consents.covered_by_one_consent(
        db,
        youth_ids,
        parties={code for code, _ in outside if code != "skola"},
        schools=[school for code, school in outside if code == "skola"],
        on=today,
    )


@dataclass(frozen=True)
class YouthLine:
    """A young person named on an agenda item (the consent rule allows it)."""

    youth_id: int
    name: str
    age: int
    district: str
    situation: str
    overdue: bool


@dataclass(frozen=True)
class Count:
    label: str
    shown: str  # the count, "<5", or "dolt" (see rules/small_numbers.py)


@dataclass(frozen=True)
class YouthSummary:
    """How many young people an item's list holds, by district, age and situation."""

    total: int
    total_shown: str
    by_district: list[Count]
    by_age: list[Count]
    by_situation: list[Count]
    limit: int | None  # counts under it are hidden (people from outside the municipality)

    @property
    def secondary(self) -> bool:
        """Some count is hidden so that a small one cannot be worked out from the total."""
        tables = (self.by_district, self.by_age, self.by_situation)
        return any(c.shown == small_numbers.HIDDEN for table in tables for c in table)


@dataclass(frozen=True)
class Review:
    """An item's list: everyone summarised, and by name those the consent rule allows."""

    summary: YouthSummary
    named: list[YouthLine]  # at most REVIEW_LIMIT
    named_total: int

    @property
    def more(self) -> bool:
        """More people may be named than the page lists."""
        return self.named_total > len(self.named)

    @property
    def unnamed(self) -> bool:
        return self.summary.total > self.named_total


def _previous_meeting_on(db: Session, meeting: Meeting) -> date | None:
    return db.exec(
        select(sa.func.max(Meeting.on)).where(
            Meeting.group_id == meeting.group_id,
            Meeting.on < meeting.on,
            Meeting.cancelled_at.is_(None),
        )
    ).first()


def _filter_condition(db: Session, meeting: Meeting, youth_filter: str, today: date):
    if youth_filter == "nya":
        since = _previous_meeting_on(db, meeting)
        if since is None:
            return sa.true()
        # registered (or registered again) since the group last met
        return Youth.id.in_(
            select(RegistrationPeriod.youth_id).where(
                RegistrationPeriod.latest, RegistrationPeriod.registered_on > since
            )
        )
    if youth_filter == "ingen_sysselsattning":
        return Youth.occupation.in_(("ingen", "okand"))
    return Youth.next_step_due < today


REVIEW_LIMIT = 200


UNKNOWN_DISTRICT = "Okänt område"


def _counted(counts: dict, labels: dict, limit: int | None) -> list[Count]:
    """`counts` in the order of `labels` (never by size: the order must not hint at a hidden
    count), each shown under the small-number rule when `limit` is set."""
    shown = (
        small_numbers.protect(counts, limit) if limit else {k: str(v) for k, v in counts.items()}
    )
    return [Count(label, shown[key]) for key, label in labels.items() if key in counts]


def _summary(rows, today: date, limit: int | None) -> YouthSummary:
    """Counts from (district, protected identity, birth date, occupation, number) rows."""
    districts, ages, situations = Counter(), Counter(), Counter()
    for district, protected, birth_date, occupation, number in rows:
        # a protected person's district could point to where they live
        districts[UNKNOWN_DISTRICT if protected or not district else district] += number
        ages[pnr.age_on(birth_date, today)] += number
        situations[occupation] += number
    total = sum(ages.values())
    district_labels = {d: d for d in sorted(districts, key=str.casefold) if d != UNKNOWN_DISTRICT}
    district_labels[UNKNOWN_DISTRICT] = UNKNOWN_DISTRICT
    situation_labels = OCCUPATIONS | {o: o for o in situations if o not in OCCUPATIONS}
    return YouthSummary(
        total=total,
        total_shown=small_numbers.shown_total(total, limit) if limit else str(total),
        by_district=_counted(districts, district_labels, limit),
        by_age=_counted(ages, {age: f"{age} år" for age in sorted(ages)}, limit),
        by_situation=_counted(situations, situation_labels, limit),
        limit=limit,
    )


def _named_lines(db, actor, condition, organisations, today) -> tuple[list, int]:
    """(the first REVIEW_LIMIT named lines, how many may be named): the people the viewer sees
    in the register whom ONE consent in force covers for every organisation represented."""
    outside = any(code != "kommunen" for code, _ in organisations)
    query = (
        select(Youth, District.name)
        .outerjoin(District, District.id == Youth.district_id)
        .where(condition, youth_visibility(actor, today))
        .order_by(Youth.last_name_key, Youth.first_name_key, Youth.id)
    )
    if outside:  # only those one consent covers can be named: evaluate just them
        seen = select(Youth.id).where(condition, youth_visibility(actor, today))
        covered = sorted(_consented(db, seen, organisations, today))
        batches = id_batches(db, covered)
        rows = [row for ids in batches for row in db.exec(query.where(any_of(db, Youth.id, ids)))]
        rows.sort(key=lambda row: (row[0].last_name_key, row[0].first_name_key, row[0].id))
        total = len(rows)
    else:  # everyone there belongs to the municipality: the viewer's register access decides
        total = db.exec(
            select(sa.func.count())
            .select_from(Youth)
            .where(condition, youth_visibility(actor, today))
        ).one()
        rows = db.exec(query.limit(REVIEW_LIMIT)).all()
    lines = [
        YouthLine(
            youth.id,
            youth.full_name,
            pnr.age_on(youth.birth_date, today),
            "Skyddad uppgift" if youth.protected_identity else district or UNKNOWN_DISTRICT,
            OCCUPATIONS.get(youth.occupation, youth.occupation),
            youth.next_step_due is not None and youth.next_step_due < today,
        )
        for youth, district in rows[:REVIEW_LIMIT]
    ]
    return lines, total


def review_for_item(
    db: Session,
    actor: Actor,
    meeting: Meeting,
    item: AgendaItem,
    today: date | None = None,
    small_limit: int = 5,
) -> Review | None:
    """The young people currently covered that the item's filter selects.

    Everyone is counted by district, age and situation; where an organisation outside the
    municipality is represented, counts under `small_limit` are hidden. A name is shown only
    if the consent rule allows it AND the viewer may see the person in the register.
    Evaluated on every view: a consent withdrawn after planning makes the name disappear.
    """
    if item.youth_filter not in YOUTH_FILTERS or not item.youth_filter:
        return None
    today = today or local_today()
    condition = sa.and_(
        Youth.status == "aktiv", _filter_condition(db, meeting, item.youth_filter, today)
    )
    organisations = represented_organisations(db, meeting)
    outside = any(code != "kommunen" for code, _ in organisations)
    rows = db.exec(
        select(
            District.name,
            Youth.protected_identity,
            Youth.birth_date,
            Youth.occupation,
            sa.func.count(),
        )
        .select_from(Youth)
        .outerjoin(District, District.id == Youth.district_id)
        .where(condition)
        .group_by(District.name, Youth.protected_identity, Youth.birth_date, Youth.occupation)
    ).all()
    summary = _summary(rows, today, small_limit if outside else None)
    named, named_total = _named_lines(db, actor, condition, organisations, today)
    return Review(summary, named, named_total)


def may_name_person(
    db: Session, actor: Actor, meeting: Meeting, youth_id: int, today: date | None = None
) -> bool:
    """The actor sees the person and a consent covers every organisation at the meeting."""
    today = today or local_today()
    visible = db.exec(
        select(Youth.id).where(Youth.id == youth_id, youth_visibility(actor, today))
    ).first()
    if visible is None:
        return False
    covered = _consented(db, [youth_id], represented_organisations(db, meeting), today)
    return covered is None or youth_id in covered
