"""The register's rules: who sees whom, registering, editing with optimistic locking, listing."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import LOCAL_TZ, local_today, utcnow
from kaa_web.models.register import (
    DEREGISTRATION_REASONS,
    OCCUPATIONS,
    REGISTRATION_REASONS,
    REGISTRATION_SOURCES,
    ContactAttempt,
    District,
    Guardian,
    SavedView,
    TimelineEntry,
    Youth,
)
from kaa_web.permissions import Actor
from kaa_web.rules import eligibility
from kaa_web.rules import personnummer as pnr
from kaa_web.services import meetings, outreach, timeline
from kaa_web.services.access import can_see_address, sees_case_file, youth_visibility
from kaa_web.services.errors import EditConflict, Invalid, NotFound
from kaa_web.services.plans.measures import end_open_measures
from kaa_web.services.staff import is_officer

PAGE_SIZE = 50
COUNT_CAP = 1000


def name_key(text: str) -> str:
    """Names as searched: case-folded, single spaces (within the key column's 200 characters:
    case-folding can make a name longer)."""
    return " ".join(text.casefold().split())[:200]


# --- reading one person ---------------------------------------------------------------------


def get_youth(
    db: Session,
    *,
    actor: Actor,
    youth_id: int,
    log: str | None = "view",
    case_file: bool = False,
) -> Youth:
    """The person if the actor may see them (with `case_file`, KAA's case file on them too);
    otherwise NotFound (and the refusal is logged)."""
    youth = db.exec(select(Youth).where(Youth.id == youth_id, youth_visibility(actor))).first()
    if youth is None or (case_file and not sees_case_file(actor)):
        raise audit.record_denied(db, actor, object_type="youth", object_id=youth_id)
    if log:
        audit.record(db, actor, log, object_type="youth", object_id=youth.id, youth_id=youth.id)
    return youth


def record_view(db: Session, *, actor: Actor, youth: Youth) -> None:
    """Log that a page showing this person's data was rendered (the caller commits)."""
    audit.record(db, actor, "view", object_type="youth", object_id=youth.id, youth_id=youth.id)


# --- registering and editing ------------------------------------------------------------------


@dataclass
class GuardianData:
    name: str
    street_address: str = ""
    postal_code: str = ""
    city: str = ""
    phone: str = ""


@dataclass
class YouthData:
    """What a form (or an import row) says about a person.

    `protected_identity` None keeps it as it is (new people: not protected)."""

    first_name: str
    last_name: str
    gender: str | None = None
    protected_identity: bool | None = None
    street_address: str = ""
    postal_code: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    district_id: int | None = None
    officer_id: int | None = None
    registration_reason: str = "annan"
    registration_source: str = "annan"
    registered_on: date | None = None
    guardians: list[GuardianData] = field(default_factory=list)


EDITABLE = (
    "first_name",
    "last_name",
    "gender",
    "protected_identity",
    "street_address",
    "postal_code",
    "city",
    "phone",
    "email",
    "district_id",
    "officer_id",
    "registration_reason",
    "registration_source",
    "registered_on",
)
FIELD_LABELS = {
    "first_name": "förnamn",
    "last_name": "efternamn",
    "gender": "kön",
    "protected_identity": "skyddade personuppgifter",
    "street_address": "adress",
    "postal_code": "postnummer",
    "city": "postort",
    "phone": "telefon",
    "email": "e-post",
    "district_id": "kommundel",
    "officer_id": "handläggare",
    "registration_reason": "orsak",
    "registration_source": "källa",
    "registered_on": "registreringsdatum",
    "guardians": "vårdnadshavare",
}


def _check_choices(db: Session, data: YouthData) -> None:
    if data.registration_reason not in REGISTRATION_REASONS:
        raise Invalid("Välj en orsak till registreringen.")
    if data.registration_source not in REGISTRATION_SOURCES:
        raise Invalid("Välj hur ungdomen blev känd.")
    if data.district_id is not None and db.get(District, data.district_id) is None:
        raise Invalid("Kommundelen finns inte.")
    if data.officer_id is not None and not is_officer(db, data.officer_id):
        raise Invalid("Handläggaren finns inte.")


def _apply(youth: Youth, data: YouthData) -> list[str]:
    """Copy the data onto the row; returns the names of the fields that changed."""
    changed = []
    for name in EDITABLE:
        value = getattr(data, name)
        if name in ("gender", "registered_on", "protected_identity") and value is None:
            continue
        if getattr(youth, name) != value:
            setattr(youth, name, value)
            changed.append(name)
    youth.first_name_key = name_key(youth.first_name)
    youth.last_name_key = name_key(youth.last_name)
    return changed


def _replace_guardians(db: Session, youth: Youth, guardians: list[GuardianData]) -> bool:
    existing = db.exec(select(Guardian).where(Guardian.youth_id == youth.id)).all()
    before = [(g.name, g.street_address, g.postal_code, g.city, g.phone) for g in existing]
    after = [(g.name, g.street_address, g.postal_code, g.city, g.phone) for g in guardians]
    if before == after:
        return False
    for row in existing:
        db.delete(row)
    for g in guardians:
        db.add(Guardian(youth_id=youth.id, **g.__dict__))
    return True


ADDRESS = ("street_address", "postal_code", "city")


def _keep_hidden_address(db: Session, actor: Actor, youth: Youth, data: YouthData) -> YouthData:
    """A protected address the actor may not see is never shown to them, so it stays as stored
    (the young person's and the guardians'), whatever the request says."""
    if can_see_address(actor, youth):
        return data
    stored = guardians_of(db, youth.id)
    by_name = {name_key(g.name): g for g in stored}
    guardians = []
    for n, wanted in enumerate(data.guardians):
        # the same guardian by name, else the one in the same place (a corrected name)
        same = by_name.get(name_key(wanted.name)) or (stored[n] if n < len(stored) else None)
        address = {k: getattr(same, k) if same else "" for k in ADDRESS}
        guardians.append(replace(wanted, **address))
    return replace(data, **{k: getattr(youth, k) for k in ADDRESS}, guardians=guardians)


def _check_protection_change(actor: Actor, current: bool, wanted: bool | None) -> None:
    """Only `register.protect` may set or clear skyddade personuppgifter."""
    if wanted is not None and wanted != current:
        actor.need("register.protect")


def _record_protection(db: Session, actor: Actor, youth: Youth) -> None:
    """Setting or clearing the protection is an audit action of its own."""
    action = "protection_set" if youth.protected_identity else "protection_cleared"
    audit.record(db, actor, action, object_type="youth", object_id=youth.id, youth_id=youth.id)


def new_youth(number: pnr.Personnummer, first_name: str, last_name: str, **fields) -> Youth:
    """A Youth row for a parsed number: birth date, gender and the search keys filled in."""
    return Youth(
        personnummer=number.canonical,
        birth_date=number.birth_date,
        gender=fields.pop("gender", None) or number.gender,
        first_name=first_name,
        last_name=last_name,
        first_name_key=name_key(first_name),
        last_name_key=name_key(last_name),
        **fields,
    )


def _check_age(birth_date: date, registered_on: date, field: str) -> None:
    """Only people under 20 on their registration date may enter the register."""
    if not eligibility.covered_on(birth_date, registered_on):
        message = eligibility.too_old_sv(birth_date)
        if field == "registered_on":  # the 20th birthday may still be ahead: no "fyllde"
            message = (
                f"Personen har fyllt 20 år på registreringsdatumet {registered_on.isoformat()} "
                f"(20 år den {eligibility.turns_20(birth_date).isoformat()}). Registret får "
                "bara innehålla ungdomar under 20 år (skollagen 29 kap. 9 §)."
            )
        raise Invalid(message, field_errors={field: message})


def register_youth(db: Session, *, actor: Actor, personnummer: str, data: YouthData) -> Youth:
    """Add a person to the register (or refuse a duplicate personnummer or someone 20 or older)."""
    number = pnr.parse(personnummer)
    if db.exec(select(Youth.id).where(Youth.personnummer == number.canonical)).first():
        raise Invalid(
            "Personen finns redan i registret.",
            field_errors={"personnummer": "Personen finns redan i registret."},
        )
    registered_on = data.registered_on or local_today()
    # Too old already today: the number is wrong; only on a later typed date: that date is.
    too_old = not eligibility.covered_on(number.birth_date, min(registered_on, local_today()))
    _check_age(number.birth_date, registered_on, "personnummer" if too_old else "registered_on")
    _check_choices(db, data)
    _check_protection_change(actor, False, data.protected_identity)
    youth = new_youth(
        number,
        data.first_name,
        data.last_name,
        gender=data.gender,
        registration_reason=data.registration_reason,
        registration_source=data.registration_source,
        registered_on=registered_on,
    )
    _apply(youth, replace(data, registered_on=youth.registered_on))
    db.add(youth)
    db.flush()
    _replace_guardians(db, youth, data.guardians)
    reason = REGISTRATION_REASONS[youth.registration_reason]
    source = REGISTRATION_SOURCES[youth.registration_source].lower()
    timeline.add_entry(
        db,
        actor=actor,
        youth_id=youth.id,
        kind="registrerad",
        title=f"Registrerad i KAA ({reason}; {source})",
    )
    outreach.refresh_next_step(db, youth)
    audit.record(db, actor, "create", object_type="youth", object_id=youth.id, youth_id=youth.id)
    if youth.protected_identity:
        _record_protection(db, actor, youth)
    return youth


def update_youth(
    db: Session, *, actor: Actor, youth_id: int, version: int, data: YouthData
) -> Youth:
    """Save an edit made on `version`; EditConflict if someone saved in between."""
    youth = get_youth(db, actor=actor, youth_id=youth_id, log=None)
    if youth.version != version:
        raise EditConflict(youth)
    if data.registered_on and data.registered_on != youth.registered_on:
        _check_age(youth.birth_date, data.registered_on, "registered_on")
    _check_choices(db, data)
    _check_protection_change(actor, youth.protected_identity, data.protected_identity)
    data = _keep_hidden_address(db, actor, youth, data)
    changed = _apply(youth, data)
    if _replace_guardians(db, youth, data.guardians):
        changed.append("guardians")
    if not changed:
        return youth
    youth.updated_at = utcnow()
    # Optimistic lock: the row is only written if nobody saved since `version` was read.
    db.flush()
    result = db.exec(
        sa.update(Youth)
        .where(Youth.id == youth.id, Youth.version == version)
        .values(version=version + 1)
    )
    if result.rowcount != 1:
        db.rollback()
        raise EditConflict(db.get(Youth, youth_id))
    youth.version = version + 1
    labels = ", ".join(FIELD_LABELS[name] for name in changed)
    timeline.add_entry(
        db, actor=actor, youth_id=youth.id, kind="andrad", title=f"Uppgifter ändrade: {labels}"
    )
    outreach.refresh_next_step(db, youth)
    audit.record(db, actor, "update", object_type="youth", object_id=youth.id, youth_id=youth.id)
    if "protected_identity" in changed:
        _record_protection(db, actor, youth)
    return youth


def deregister_youth(
    db: Session,
    *,
    actor: Actor,
    youth_id: int,
    reason: str,
    on: date | None = None,
    result: str | None = None,
) -> Youth:
    """Close the case with its reason and result (occupation at closure, SCB's concepts).

    Open measures in the plan end with the reason "left KAA" and the same occupation.
    """
    youth = get_youth(db, actor=actor, youth_id=youth_id, log=None)
    if reason not in DEREGISTRATION_REASONS:
        raise Invalid("Välj en orsak till avregistreringen.")
    if result is not None and result not in OCCUPATIONS:
        raise Invalid("Välj vad ungdomen gör när ärendet avslutas.")
    if youth.status != "aktiv":
        raise Invalid("Personen är redan avregistrerad.")
    _close(db, actor, youth, reason, on or local_today(), result)
    return youth


def _close(
    db: Session, actor: Actor, youth: Youth, reason: str, on: date, result: str | None = None
) -> None:
    result = result or youth.occupation
    end_open_measures(db, actor=actor, youth=youth, on=on, occupation=result)
    youth.status = "avregistrerad"
    youth.deregistered_on = on
    youth.deregistration_reason = reason
    youth.deregistration_result = result
    youth.next_step = None
    youth.next_step_due = None
    youth.version += 1
    youth.updated_at = utcnow()
    db.add(youth)
    timeline.add_entry(
        db,
        actor=actor,
        youth_id=youth.id,
        kind="avregistrerad",
        title=f"Avregistrerad: {DEREGISTRATION_REASONS[reason].lower()}; "
        f"resultat: {OCCUPATIONS[result].lower()}",
    )
    audit.record(db, actor, "update", object_type="youth", object_id=youth.id, youth_id=youth.id)


def deregister_turned_20(db: Session, *, actor: Actor, today: date) -> int:
    """The nightly job: everyone active who has turned 20 leaves the register."""
    born_before = pnr.birthday_cutoff(today, 20)
    rows = db.exec(select(Youth).where(Youth.status == "aktiv", Youth.birth_date <= born_before))
    count = 0
    for youth in rows.all():
        _close(db, actor, youth, "fyllt_20", pnr.birthday(youth.birth_date, 20))
        count += 1
    return count


def assign_officer(
    db: Session, *, actor: Actor, youth_ids: list[int], officer_id: int | None
) -> int:
    """Reassign many people in one action; each gets a timeline entry."""
    if officer_id is not None and not is_officer(db, officer_id):
        raise Invalid("Välj en handläggare.")
    officer = db.get(StaffUser, officer_id) if officer_id else None
    people = db.exec(select(Youth).where(Youth.id.in_(youth_ids), youth_visibility(actor))).all()
    if len(people) != len(set(youth_ids)):
        raise NotFound
    changed = [youth for youth in people if youth.officer_id != officer_id]
    for youth in changed:
        youth.officer_id = officer_id
        youth.version += 1
        db.add(youth)
    ids = [youth.id for youth in changed]
    title = f"Ny handläggare: {officer.display_name}" if officer else "Handläggare borttagen"
    timeline.add_entries(db, actor=actor, youth_ids=ids, kind="handlaggare", title=title)
    audit.record_many(db, actor, "update", object_type="youth", items=[(i, i) for i in ids])
    return len(people)


# --- reading ----------------------------------------------------------------------------------


def districts(db: Session, *, include_inactive: bool = False) -> list[District]:
    query = select(District).order_by(District.name)
    if not include_inactive:
        query = query.where(District.active)
    return list(db.exec(query).all())


def guardians_of(db: Session, youth_id: int) -> list[Guardian]:
    return list(
        db.exec(select(Guardian).where(Guardian.youth_id == youth_id).order_by(Guardian.id)).all()
    )


@dataclass(frozen=True)
class TimelineItem:
    on: date
    at_text: str
    title: str
    by: str
    kind: str
    ref_type: str = ""
    ref_id: int | None = None
    text: str = ""  # the note typed with a contact, or the decision's own words
    text_withheld: bool = False  # a decision whose text this viewer may not read


def person_timeline(db: Session, *, actor: Actor, youth: Youth) -> list[TimelineItem]:
    """Contacts with their notes and recorded events, newest first, each with who did it; a
    meeting decision carries its text when the viewer may read it (meetings.decision_texts)."""
    names = dict(db.exec(select(StaffUser.id, StaffUser.display_name)).all())
    entries = list(db.exec(select(TimelineEntry).where(TimelineEntry.youth_id == youth.id)))
    decisions = [e.ref_id for e in entries if e.ref_type == "decision" and e.ref_id]
    texts = meetings.decision_texts(db, actor=actor, youth=youth, decision_ids=decisions)
    items = [
        TimelineItem(
            e.at.astimezone(LOCAL_TZ).date(),
            e.at.isoformat(),
            e.title,
            names.get(e.staff_id, "Systemet"),
            e.kind,
            e.ref_type,
            e.ref_id,
            text=texts.get(e.ref_id, "") if e.ref_type == "decision" else "",
            text_withheld=e.ref_type == "decision" and e.ref_id not in texts,
        )
        for e in entries
    ]
    for c in db.exec(select(ContactAttempt).where(ContactAttempt.youth_id == youth.id)):
        by = names.get(c.staff_id, "Systemet")
        if c.second_staff_id:
            by += " och " + names.get(c.second_staff_id, "")
        items.append(
            TimelineItem(
                c.on,
                c.created_at.isoformat(),
                outreach.describe(c),
                by,
                "kontakt",
                "generated_document" if c.document_id else "",  # the letter as printed
                c.document_id,
                text=c.note,
            )
        )
    return sorted(items, key=lambda i: (i.on, i.at_text), reverse=True)


# --- the list ---------------------------------------------------------------------------------


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
    "registrerad": (Youth.registered_on.desc(), Youth.id.desc()),
}
_SEPARATORS = re.compile(r"[\s\-+\u2010-\u2015\u2212]")


def _with_names(*columns):
    """A select of Youth columns plus the district's and the officer's names (two outer joins)."""
    return (
        select(*columns, District.name, StaffUser.display_name)
        .outerjoin(District, District.id == Youth.district_id)
        .outerjoin(StaffUser, StaffUser.id == Youth.officer_id)
    )


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
        conditions.append(Youth.registration_reason == f.reason)
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
    query = select(Youth.id).where(*conditions).order_by(Youth.next_step_due, Youth.id)
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
            Youth.registration_reason,
            Youth.next_step,
            Youth.next_step_due,
        )
        .where(*conditions)
        .order_by(*SORTS.get(filters.sort, SORTS["namn"]))
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )
    raw = db.exec(query).all()
    capped = select(Youth.id).where(*conditions).limit(COUNT_CAP + 1).subquery()
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
                Youth.registration_reason,
                Youth.registered_on,
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
