"""The register list: filters, search by name or number, paging, the CSV export, saved views."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import local_today
from kaa_web.models.register import District, RegistrationPeriod, SavedView, Youth
from kaa_web.permissions import Actor
from kaa_web.rules import personnummer as pnr
from kaa_web.services.access import sees_case_file, youth_visibility
from kaa_web.services.errors import NotFound
from kaa_web.services.register.person import name_key

PAGE_SIZE = 50
COUNT_CAP = 1000
# Each person's latest period: the registration the list shows, filters and sorts on.
LATEST = sa.and_(RegistrationPeriod.youth_id == Youth.id, RegistrationPeriod.latest)


@dataclass(frozen=True)
class ListFilter:
    """The list's filters; `search` is never put in a URL or saved."""

    search: str = ""
    status: str = "aktiv"
    district_id: int | None = None
    reason: str = ""
    officer: str = ""  # "", "mig", "ingen" or a staff id
    due: str = ""  # "", "forfallna", "idag", "14dagar"
    step: str = ""
    sort: str = "namn"

    def query_args(self) -> dict:
        """The filters as URL parameters (without the search text)."""
        args = {
            "status": self.status,
            "district_id": self.district_id,
            "reason": self.reason,
            "officer": self.officer,
            "due": self.due,
            "step": self.step,
            "sort": self.sort,
        }
        return {k: v for k, v in args.items() if v not in ("", None)}


@dataclass(frozen=True)
class ListRow:
    id: int
    name: str
    masked_pnr: str
    age: int
    district: str
    officer: str
    status: str
    reason: str
    next_step: str | None
    next_step_due: date | None


@dataclass(frozen=True)
class ListPage:
    rows: list[ListRow]
    page: int
    has_next: bool
    count: int
    count_capped: bool
    search_error: str = ""


SORTS = {
    "namn": (Youth.last_name_key, Youth.first_name_key, Youth.id),
    "forfallodatum": (Youth.next_step_due.is_(None), Youth.next_step_due, Youth.id),
    "registrerad": (RegistrationPeriod.registered_on.desc(), Youth.id.desc()),
}
_SEPARATORS = re.compile(r"[\s\-+\u2010-\u2015\u2212]")


def _with_names(*columns):
    """A select of Youth and latest-period columns plus the district's and the officer's names."""
    return (
        select(*columns, District.name, StaffUser.display_name)
        .select_from(Youth)
        .join(RegistrationPeriod, LATEST)
        .outerjoin(District, District.id == Youth.district_id)
        .outerjoin(StaffUser, StaffUser.id == Youth.officer_id)
    )


def _ids_where(conditions: list, reason: str):
    """A select of the ids the conditions keep; the period is joined only to filter on reason."""
    query = select(Youth.id)
    if reason:
        query = query.join(RegistrationPeriod, LATEST)
    return query.where(*conditions)


def _like_prefix(column, word: str):
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(escaped + "%", escape="\\")


def _prefix_range(column, word: str):
    """An index-friendly prefix match (a range on a C-collated key)."""
    return sa.and_(column >= word, column < word + "\uffff")


def _search_condition(text: str, today: date):
    compact = _SEPARATORS.sub("", text)
    if compact.isdigit():
        return _number_condition(compact, today)
    return _name_condition(name_key(text).split())


_NAME_KEYS = (Youth.last_name_key, Youth.first_name_key)


def _name_condition(words: list[str]):
    """Each word the start of a name; of two or more words, the first two start the first
    and the last name, in either order ("Erik Eriksson" is not every Eriksson).

    Written as two branches, each two ranges in one (status, name, name) index, so the
    database reads only the people who match, not everyone sharing the first word's name.
    """
    first, *rest = words
    if not rest:
        return sa.or_(*(_prefix_range(key, first) for key in _NAME_KEYS))
    second, *rest = rest
    last_key, first_key = _NAME_KEYS
    condition = sa.or_(
        sa.and_(_prefix_range(last_key, first), _prefix_range(first_key, second)),
        sa.and_(_prefix_range(first_key, first), _prefix_range(last_key, second)),
    )
    for word in rest:
        condition = sa.and_(condition, sa.or_(*(_like_prefix(key, word) for key in _NAME_KEYS)))
    return condition


def _number_condition(digits: str, today: date):
    if len(digits) in (10, 12):
        return Youth.personnummer == pnr.parse(digits, today).canonical
    if len(digits) in (6, 8):
        dates = pnr.dates_from_prefix(digits)
        if not dates:
            raise pnr.InvalidPersonnummer("Datumet finns inte.")
        return Youth.birth_date.in_(dates)
    raise pnr.InvalidPersonnummer(
        "Sök på namn, födelsedatum (ÅÅMMDD) eller hela personnumret (10 eller 12 siffror)."
    )


def _filter_conditions(f: ListFilter, actor: Actor, today: date) -> list:
    conditions = [youth_visibility(actor)]
    if f.status:
        conditions.append(Youth.status == f.status)
    if f.district_id:
        conditions.append(Youth.district_id == f.district_id)
    if f.reason:
        conditions.append(RegistrationPeriod.registration_reason == f.reason)
    if f.officer == "mig":
        conditions.append(Youth.officer_id == actor.staff_id)
    elif f.officer == "ingen":
        conditions.append(Youth.officer_id.is_(None))
    elif f.officer.isdigit():
        conditions.append(Youth.officer_id == int(f.officer))
    if f.step:
        conditions.append(Youth.next_step == f.step)
    due_limits = {
        "forfallna": today - timedelta(days=1),
        "idag": today,
        "14dagar": today + timedelta(days=14),
    }
    if f.due in due_limits:
        conditions.append(Youth.next_step_due <= due_limits[f.due])
    return conditions


def filtered_ids(
    db: Session,
    *,
    actor: Actor,
    filters: ListFilter,
    next_steps: tuple[str, ...] = (),
    limit: int = 10_000,
) -> list[int]:
    """The ids the list's filters select (never the search text), e.g. for a mail-out."""
    conditions = _filter_conditions(filters, actor, local_today())
    if next_steps:
        conditions.append(Youth.next_step.in_(next_steps))
    query = _ids_where(conditions, filters.reason).order_by(Youth.next_step_due, Youth.id)
    return list(db.exec(query.limit(limit)))


def shown_filters(actor: Actor, filters: ListFilter) -> ListFilter:
    """The filters this actor may use: social services do not filter or sort on KAA's own
    case work (reasons, officers, next steps)."""
    if sees_case_file(actor):
        return filters
    sort = "namn" if filters.sort == "forfallodatum" else filters.sort
    return replace(filters, reason="", officer="", due="", step="", sort=sort)


def list_youth(db: Session, *, actor: Actor, filters: ListFilter, page: int = 1) -> ListPage:
    """One page of the register: one query for the rows, one bounded count; the search is logged."""
    filters = shown_filters(actor, filters)
    case_file = sees_case_file(actor)
    today = local_today()
    conditions = _filter_conditions(filters, actor, today)
    if filters.search.strip():
        try:
            conditions.append(_search_condition(filters.search.strip(), today))
        except pnr.InvalidPersonnummer as exc:
            return ListPage([], 1, False, 0, False, search_error=str(exc))
    page = max(page, 1)
    query = (
        _with_names(
            Youth.id,
            Youth.first_name,
            Youth.last_name,
            Youth.personnummer,
            Youth.birth_date,
            Youth.status,
            RegistrationPeriod.registration_reason,
            Youth.next_step,
            Youth.next_step_due,
        )
        .where(*conditions)
        .order_by(*SORTS.get(filters.sort, SORTS["namn"]))
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )
    raw = db.exec(query).all()
    capped = _ids_where(conditions, filters.reason).limit(COUNT_CAP + 1).subquery()
    count = db.exec(select(sa.func.count()).select_from(capped)).one()
    rows = [
        ListRow(
            r.id,
            f"{r.first_name} {r.last_name}",
            pnr.mask(r.personnummer),
            pnr.age_on(r.birth_date, today),
            r.name or "",
            r.display_name or "",
            r.status,
            r.registration_reason,
            r.next_step if case_file else None,
            r.next_step_due if case_file else None,
        )
        for r in raw[:PAGE_SIZE]
    ]
    # The list shows names: the viewing is logged, a search as such (its text never), and so is
    # each person shown, so a review by person finds every list they appeared in.
    action = "search" if filters.search.strip() else "view"
    audit.record(db, actor, action, object_type="youth_list")
    items = [(r.id, r.id) for r in rows]
    audit.record_many(db, actor, action, object_type="youth_list", items=items)
    return ListPage(rows, page, len(raw) > PAGE_SIZE, min(count, COUNT_CAP), count > COUNT_CAP)


EXPORT_HEADER = (
    "personnummer",
    "fornamn",
    "efternamn",
    "kommundel",
    "handlaggare",
    "status",
    "orsak",
    "registrerad",
    "sysselsattning",
    "nasta_steg",
    "forfaller",
)


def export_rows(db: Session, *, actor: Actor, filters: ListFilter, batch: int = 2000):
    """Check and log the export now; return the rows, read a batch at a time (no timeouts).

    The search text is never part of an export.
    """
    if not actor.can("register.export"):
        raise NotFound
    conditions = _filter_conditions(filters, actor, local_today())
    audit.record(db, actor, "export", object_type="youth_list")
    db.commit()
    return _export_batches(db, actor, conditions, batch)


def _export_batches(db: Session, actor: Actor, conditions: list, batch: int):
    yield EXPORT_HEADER
    last_id = 0
    while True:
        raw = db.exec(
            _with_names(
                Youth.id,
                Youth.personnummer,
                Youth.first_name,
                Youth.last_name,
                Youth.status,
                RegistrationPeriod.registration_reason,
                RegistrationPeriod.registered_on,
                Youth.occupation,
                Youth.next_step,
                Youth.next_step_due,
            )
            .where(*conditions, Youth.id > last_id)
            .order_by(Youth.id)
            .limit(batch)
        ).all()
        if not raw:
            return
        # Each batch's people are logged, and the log committed, before their rows are sent.
        items = [(r.id, r.id) for r in raw]
        audit.record_many(db, actor, "export", object_type="youth_list", items=items)
        db.commit()
        for r in raw:
            due = r.next_step_due.isoformat() if r.next_step_due else ""
            yield (
                pnr.display(r.personnummer),
                r.first_name,
                r.last_name,
                r.name or "",
                r.display_name or "",
                r.status,
                r.registration_reason,
                r.registered_on.isoformat(),
                r.occupation,
                r.next_step or "",
                due,
            )
        last_id = raw[-1][0]


# --- saved views ------------------------------------------------------------------------------


def save_view(db: Session, *, actor: Actor, name: str, filters: ListFilter) -> SavedView:
    view = SavedView(
        staff_id=actor.staff_id,
        name=name.strip()[:100],
        query=json.dumps(filters.query_args(), sort_keys=True),
    )
    db.add(view)
    return view


def saved_views(db: Session, *, actor: Actor) -> list[SavedView]:
    return list(
        db.exec(
            select(SavedView).where(SavedView.staff_id == actor.staff_id).order_by(SavedView.name)
        ).all()
    )


def delete_saved_view(db: Session, *, actor: Actor, view_id: int) -> None:
    view = db.get(SavedView, view_id)
    if view is None or view.staff_id != actor.staff_id:
        raise NotFound
    db.delete(view)
