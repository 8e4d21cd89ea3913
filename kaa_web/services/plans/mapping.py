"""The mapping (kartläggning): the structured first conversation, with every saved state kept."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.base import local_today, utcnow
from kaa_web.models.plans import AGENCIES, SCHOOL_ENDINGS, Mapping, MappingRevision
from kaa_web.models.register import OCCUPATIONS, STUDY_KINDS, Youth
from kaa_web.permissions import Actor
from kaa_web.services import outreach, timeline
from kaa_web.services.errors import EditConflict, Invalid
from kaa_web.services.staff import staff_names


@dataclass
class MappingData:
    on: date
    occupation: str
    declined: bool = False
    study_kind: str | None = None
    last_school: str = ""
    programme: str = ""
    school_ending: str | None = None
    eligible: bool | None = None
    goals: str = ""
    agencies: frozenset[str] = field(default_factory=frozenset)


def get_mapping(db: Session, youth_id: int) -> Mapping | None:
    """The person's current mapping, if one is documented (the caller has loaded the person)."""
    return db.exec(select(Mapping).where(Mapping.youth_id == youth_id)).first()


def mapping_agencies(mapping: Mapping | None) -> list[str]:
    """The agencies (codes) the young person has contact with according to the mapping."""
    if mapping is None:
        return []
    return [code for code in AGENCIES if getattr(mapping, f"agency_{code}")]


def mapping_history(db: Session, mapping: Mapping) -> list[dict]:
    """Every saved state, newest first, with who saved it."""
    names = staff_names(db)
    rows = db.exec(
        select(MappingRevision)
        .where(MappingRevision.mapping_id == mapping.id)
        .order_by(MappingRevision.version.desc())
    ).all()
    return [
        {
            "version": r.version,
            "at": r.saved_at,
            "by": names.get(r.staff_id, "Systemet"),
            "data": json.loads(r.snapshot),
        }
        for r in rows
    ]


def _validate(data: MappingData, today: date) -> None:
    errors = {}
    if data.occupation not in OCCUPATIONS:
        errors["occupation"] = "Välj vad ungdomen gör nu."
    if data.occupation == "studier" and data.study_kind not in STUDY_KINDS:
        errors["study_kind"] = "Ange vilken sorts studier."
    if data.on > today:
        errors["on"] = "Datumet kan inte ligga i framtiden."
    if data.school_ending and data.school_ending not in SCHOOL_ENDINGS:
        errors["school_ending"] = "Välj hur skolgången slutade."
    if not set(data.agencies) <= set(AGENCIES):
        errors["agencies"] = "Välj bland myndigheterna i listan."
    if errors:
        raise Invalid(*errors.values(), field_errors=errors)


SNAPSHOT = (
    "on",
    "declined",
    "occupation",
    "study_kind",
    "last_school",
    "programme",
    "school_ending",
    "eligible",
    "goals",
)


def _snapshot(mapping: Mapping) -> str:
    data = {k: getattr(mapping, k) for k in SNAPSHOT}
    data["on"] = mapping.on.isoformat()
    data["agencies"] = mapping_agencies(mapping)
    return json.dumps(data, ensure_ascii=False)


def _copy(mapping: Mapping, data: MappingData) -> None:
    for key in (
        "on",
        "occupation",
        "declined",
        "last_school",
        "programme",
        "school_ending",
        "eligible",
    ):
        setattr(mapping, key, getattr(data, key))
    mapping.study_kind = data.study_kind if data.occupation == "studier" else None
    mapping.goals = data.goals.strip()[:2000]
    for code in AGENCIES:
        setattr(mapping, f"agency_{code}", code in data.agencies)


def save_mapping(
    db: Session,
    *,
    actor: Actor,
    youth: Youth,
    data: MappingData,
    version: int | None = None,
    today: date | None = None,
) -> Mapping:
    """Document the mapping (first time: also a 'kartläggning' contact for the ladder) or edit it.

    An edit made on an old `version` raises EditConflict; every saved state is kept.
    """
    today = today or local_today()
    _validate(data, today)
    mapping = get_mapping(db, youth.id)
    if mapping is None:
        mapping = _first_mapping(db, actor, youth, data, today)
        title, action = None, "create"  # the contact "Kartläggning gjord" is its timeline line
    else:
        _edit(db, actor, mapping, data, version)
        title, action = "Kartläggningen ändrad", "update"
    db.add(
        MappingRevision(
            mapping_id=mapping.id,
            version=mapping.version,
            staff_id=actor.staff_id,
            snapshot=_snapshot(mapping),
        )
    )
    if title:
        timeline.add_entry(
            db,
            actor=actor,
            youth_id=youth.id,
            kind="kartlaggning",
            title=title,
            ref_type="mapping",
            ref_id=mapping.id,
        )
    audit.record(db, actor, action, object_type="mapping", object_id=mapping.id, youth_id=youth.id)
    return mapping


def _first_mapping(
    db: Session, actor: Actor, youth: Youth, data: MappingData, today: date
) -> Mapping:
    mapping = Mapping(
        youth_id=youth.id, on=data.on, occupation=data.occupation, staff_id=actor.staff_id
    )
    _copy(mapping, data)
    db.add(mapping)
    db.flush()
    outreach.record_contact(
        db,
        actor=actor,
        youth=youth,
        data=outreach.ContactData(
            kind="kartlaggning",
            on=data.on,
            outcome="avbojer" if data.declined else "nadd",
            occupation=data.occupation,
            study_kind=data.study_kind if data.occupation == "studier" else None,
        ),
        today=today,
    )
    return mapping


def _edit(
    db: Session, actor: Actor, mapping: Mapping, data: MappingData, version: int | None
) -> None:
    """Change the mapping made on `version` (optimistic lock: EditConflict if it moved on)."""
    if version is not None and mapping.version != version:
        raise EditConflict(mapping)
    current = mapping.version
    _copy(mapping, data)
    mapping.staff_id, mapping.updated_at = actor.staff_id, utcnow()
    db.flush()
    result = db.exec(
        sa.update(Mapping)
        .where(Mapping.id == mapping.id, Mapping.version == current)
        .values(version=current + 1)
    )
    if result.rowcount != 1:
        youth_id = mapping.youth_id
        db.rollback()
        raise EditConflict(get_mapping(db, youth_id))
    mapping.version = current + 1
