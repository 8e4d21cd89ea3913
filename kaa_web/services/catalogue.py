"""The measures catalogue (/admin/insatser): what the municipality offers, managed by admin."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.catalogue import MEASURE_CATEGORIES, Measure
from kaa_web.permissions import Actor
from kaa_web.services.errors import Invalid, NotFound

# Examples from DOMAIN.md section 3 (Nacka): name, provider, min age, max age, category,
# first-contact days, monthly reports.
DEFAULT_MEASURES = (
    (
        "Studieförberedande praktik",
        "Kommunens arbetsmarknadsenhet",
        None,
        17,
        "arbetsinriktad",
        14,
        True,
    ),
    ("Jobbpeng grund", "Kommunens arbetsmarknadsenhet", 18, None, "arbetsinriktad", 14, True),
    ("Förstärkt jobbpeng", "Kommunens arbetsmarknadsenhet", 18, None, "arbetsinriktad", 14, True),
    ("Hälsoträdgården", "Hälsoträdgården", None, None, "halsa", 14, True),
    ("MIA VärNa", "MIA VärNa", None, None, "arbetsinriktad", 14, True),
    ("Komvux (dispens under 20 år)", "Komvux", None, None, "studier", 14, False),
    (
        "Folkhögskola, studiemotiverande kurs",
        "Folkhögskola via Arbetsförmedlingen",
        None,
        None,
        "studier",
        14,
        False,
    ),
    ("Språkintroduktion", "Gymnasieskolan", None, None, "studier", 14, False),
    ("Introduktionsprogram (IM/IA)", "Gymnasieskolan", None, None, "studier", 14, False),
    ("Studie- och yrkesvägledning", "KAA", None, None, "vagledning", 14, False),
)


def list_measures(db: Session, *, include_inactive: bool = False) -> list[Measure]:
    """The catalogue by name: what is offered now, or every measure ever offered."""
    query = select(Measure).order_by(Measure.name)
    if not include_inactive:
        query = query.where(Measure.active)
    return list(db.exec(query).all())


def age_limits_text(measure: Measure) -> str:
    """The measure's age limits in words ("16–19 år", "under 18 år", "alla åldrar")."""
    if measure.min_age and measure.max_age:
        return f"{measure.min_age}–{measure.max_age} år"
    if measure.max_age:
        return f"under {measure.max_age + 1} år"
    if measure.min_age:
        return f"från {measure.min_age} år"
    return "alla åldrar"


@dataclass(frozen=True)
class CataloguePage:
    rows: list[Measure]  # inactive ones too
    editing: Measure | None  # the measure whose edit form is open


def catalogue_page(db: Session, *, actor: Actor, edit_id: int | None = None) -> CataloguePage:
    """The catalogue as admin manages it, with the measure being changed (none if unknown)."""
    actor.need("measures.manage")
    editing = db.get(Measure, edit_id) if edit_id else None
    return CataloguePage(rows=list_measures(db, include_inactive=True), editing=editing)


@dataclass
class MeasureData:
    name: str
    provider: str = ""
    provider_street_address: str = ""
    provider_postal_code: str = ""
    provider_city: str = ""
    min_age: int | None = None
    max_age: int | None = None
    category: str = "annan"
    first_contact_days: int = 14
    monthly_reports: bool = False
    active: bool = True


def save_measure(
    db: Session, *, actor: Actor, data: MeasureData, measure_id: int | None = None
) -> Measure:
    """Add a measure to the catalogue, or change one (admin)."""
    actor.need("measures.manage")
    errors = {}
    if data.category not in MEASURE_CATEGORIES:
        errors["category"] = "Välj en kategori."
    if data.min_age and data.max_age and data.min_age > data.max_age:
        errors["max_age"] = "Högsta åldern kan inte vara lägre än den lägsta."
    if not 1 <= data.first_contact_days <= 90:
        errors["first_contact_days"] = "Ange mellan 1 och 90 dagar."
    errors |= _provider_address_errors(data)
    clash = db.exec(select(Measure).where(Measure.name == data.name)).first()
    if clash and clash.id != measure_id:
        errors["name"] = "Det finns redan en insats med det namnet."
    if errors:
        raise Invalid(*errors.values(), field_errors=errors)
    row = db.get(Measure, measure_id) if measure_id else Measure(name=data.name, category="annan")
    if row is None:
        raise NotFound
    for key, value in data.__dict__.items():
        setattr(row, key, value)
    db.add(row)
    db.flush()
    audit.record(
        db, actor, "update" if measure_id else "create", object_type="measure", object_id=row.id
    )
    return row


ADDRESS_PARTS = {
    "provider_street_address": "Ange anordnarens utdelningsadress, eller lämna hela adressen tom.",
    "provider_postal_code": "Ange anordnarens postnummer, eller lämna hela adressen tom.",
    "provider_city": "Ange anordnarens postort, eller lämna hela adressen tom.",
}


def _provider_address_errors(data: MeasureData) -> dict[str, str]:
    """The provider's address is optional; given, it is whole (the referral is posted to it)."""
    given = {name: getattr(data, name).strip() for name in ADDRESS_PARTS}
    if not any(given.values()):
        return {}
    errors = {name: message for name, message in ADDRESS_PARTS.items() if not given[name]}
    if not errors and not given["provider_postal_code"].replace(" ", "").isdigit():
        errors["provider_postal_code"] = "Ange postnumret med fem siffror."
    if errors and not data.provider.strip():
        errors["provider"] = "Ange anordnarens namn till adressen."
    return errors


def seed_measures(db: Session) -> None:
    """The catalogue's examples (idempotent)."""
    for name, provider, min_age, max_age, category, days, reports in DEFAULT_MEASURES:
        if db.exec(select(Measure.id).where(Measure.name == name)).first():
            continue
        db.add(
            Measure(
                name=name,
                provider=provider,
                min_age=min_age,
                max_age=max_age,
                category=category,
                first_contact_days=days,
                monthly_reports=reports,
            )
        )
