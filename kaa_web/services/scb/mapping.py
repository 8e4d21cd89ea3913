"""The mappings per half-year: read as plain data, checked, copied and edited by the admin, and
the one that holds for a half-year found (a re-export of an old half-year uses its own)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.exports import FORMULA_STARTS
from kaa_web.models.base import utcnow
from kaa_web.models.register import REGISTRATION_REASONS
from kaa_web.models.scb import ScbExport, ScbMapping
from kaa_web.permissions import Actor
from kaa_web.rules import scb as rules
from kaa_web.services.errors import EditConflict, Invalid, NotFound

MAX_COLUMNS = 300
MAX_CODE = 20
MAX_HEADER = 60
MAX_GROUP = 20


@dataclass(frozen=True)
class MappingData:
    """A mapping as plain data, the same whether typed, uploaded or read from the database."""

    name: str
    valid_from: int
    valid_to: int | None
    file_type: str
    encoding: str
    date_format: str
    layout: str
    max_contacts: int
    max_measures: int
    columns: tuple[tuple[str, str], ...]
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    missing_reason_code: str = ""
    excluded_reasons: tuple[str, ...] = ()

    def code(self, table: str, value: str | None) -> str:
        return self.codes.get(table, {}).get(value or "", "")

    def spec(self) -> str:
        return json.dumps(
            {
                "columns": [list(c) for c in self.columns],
                "codes": self.codes,
                "missing_reason_code": self.missing_reason_code,
                "excluded_reasons": list(self.excluded_reasons),
            },
            ensure_ascii=False,
        )

    def valid_text(self) -> str:
        end = rules.label(self.valid_to) if self.valid_to else "tills vidare"
        return f"{rules.label(self.valid_from)} – {end}"


EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "scb_exempel_mappning.json"


def example_data() -> MappingData:
    """The example shipped with the system (also loaded by its migration)."""
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    spec = json.dumps(example["spec"], ensure_ascii=False)
    fields_ = {k: v for k, v in example.items() if k not in ("about", "spec")}
    return data_of(ScbMapping(**fields_, spec=spec, created_by=""))


def load_example(db: Session) -> ScbMapping | None:
    """The example as the first mapping, where there is none yet (the demo, a fresh test)."""
    if db.exec(select(ScbMapping.id)).first() is not None:
        return None
    row = ScbMapping(example=True, created_by="system", spec="")
    _fill(row, example_data())
    db.add(row)
    db.flush()
    return row


def data_of(row: ScbMapping) -> MappingData:
    spec = json.loads(row.spec)
    return MappingData(
        name=row.name,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        file_type=row.file_type,
        encoding=row.encoding,
        date_format=row.date_format,
        layout=row.layout,
        max_contacts=row.max_contacts,
        max_measures=row.max_measures,
        columns=tuple((str(h), str(c)) for h, c in spec.get("columns", [])),
        codes={t: {str(k): str(v) for k, v in c.items()} for t, c in spec.get("codes", {}).items()},
        missing_reason_code=str(spec.get("missing_reason_code", "")),
        excluded_reasons=tuple(spec.get("excluded_reasons", ())),
    )


def check_data(data: MappingData) -> None:
    """Invalid (with the field each problem belongs to) unless the mapping can write a file."""
    errors = _setting_errors(data)
    if problem := _columns_problem(data.columns):
        errors["kolumner"] = problem
    if problem := _codes_problem(data.codes):
        errors["koder"] = problem
    if any(reason not in REGISTRATION_REASONS for reason in data.excluded_reasons):
        errors["uteslutna_orsaker"] = "Välj bland registreringsorsakerna."
    if errors:
        raise Invalid(*errors.values(), field_errors=errors)


def _setting_errors(data: MappingData) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["namn"] = "Ange ett namn på mappningen."
    if data.valid_to is not None and data.valid_to < data.valid_from:
        errors["giltig_till"] = "Sista halvåret ligger före det första."
    for name, value, allowed in (
        ("filtyp", data.file_type, rules.FILE_TYPES),
        ("teckenkodning", data.encoding, rules.ENCODINGS),
        ("datumformat", data.date_format, rules.DATE_FORMATS),
        ("layout", data.layout, rules.LAYOUTS),
    ):
        if value not in allowed:
            errors[name] = "Välj ett av alternativen."
    for name, value in (
        ("antal_kontakter", data.max_contacts),
        ("antal_insatser", data.max_measures),
    ):
        if not 1 <= value <= MAX_GROUP:
            errors[name] = f"Ange ett antal från 1 till {MAX_GROUP}."
    return errors


def _columns_problem(columns) -> str | None:
    if not columns:
        return "Ange minst en kolumn."
    if len(columns) > MAX_COLUMNS:
        return f"Högst {MAX_COLUMNS} kolumner."
    seen: set[str] = set()
    for n, (header, concept) in enumerate(columns, start=1):
        if concept not in rules.CONCEPTS:
            return f"Rad {n}: okänt begrepp ”{concept[:40]}”."
        if header.startswith(FORMULA_STARTS):
            return f"Rad {n}: en rubrik får inte börja med = + - eller @."
        if not header or len(header) > MAX_HEADER or any(c in header for c in ';"\r\n\t'):
            return f'Rad {n}: rubriken får vara 1–{MAX_HEADER} tecken utan ; " och radbrytning.'
        if header in seen:
            return f"Rad {n}: rubriken ”{header}” finns redan."
        seen.add(header)
    return None


def _codes_problem(codes) -> str | None:
    for table, values in codes.items():
        if table not in rules.CODE_TABLES:
            return f"Okänd kodtabell ”{table[:40]}”."
        known = rules.CODE_TABLES[table][1]
        for value, code in values.items():
            if value not in known:
                return f"”{value[:40]}” är inget värde i tabellen {table}."
            if code.startswith(FORMULA_STARTS):
                return f"Koden för {table}.{value} får inte börja med = + - eller @."
            if len(code) > MAX_CODE or any(c in code for c in ';"\r\n\t'):
                return f'Koden för {table}.{value} får vara högst {MAX_CODE} tecken utan ; och ".'
    return None


def unmapped(data: MappingData) -> list[str]:
    """Every internal value the file may need that has no code, in Swedish: the export refuses
    while this is not empty."""
    used = {rules.CONCEPTS[c].table for _, c in data.columns if c in rules.CONCEPTS}
    tables = [t for t in rules.CODE_TABLES if t in rules.REQUIRED_TABLES or t in used]
    missing = []
    for table in tables:
        name, values = rules.CODE_TABLES[table]
        for value, label in values.items():
            if not data.code(table, value):
                missing.append(f"{name}: ”{label}” ({table}.{value}) saknar kod")
    return missing


def list_mappings(db: Session, *, actor: Actor) -> list[tuple[ScbMapping, int]]:
    """Every mapping, the newest validity first, with how many exports used it."""
    actor.need("scb.mapping")
    used = sa.select(sa.func.count()).where(ScbExport.mapping_id == ScbMapping.id).scalar_subquery()
    rows = db.exec(
        select(ScbMapping, used).order_by(ScbMapping.valid_from.desc(), ScbMapping.id.desc())
    ).all()
    return [(row, n) for row, n in rows]


def get_mapping(db: Session, *, actor: Actor, mapping_id: int) -> ScbMapping:
    actor.need("scb.mapping")
    row = db.get(ScbMapping, mapping_id)
    if row is None:
        raise NotFound
    return row


def is_used(db: Session, mapping_id: int) -> bool:
    return (
        db.exec(select(ScbExport.id).where(ScbExport.mapping_id == mapping_id)).first() is not None
    )


def mapping_for(db: Session, key: int) -> ScbMapping | None:
    """The mapping that holds for the half-year: the latest begun by it and not ended before."""
    return db.exec(
        select(ScbMapping)
        .where(
            ScbMapping.valid_from <= key,
            sa.or_(ScbMapping.valid_to.is_(None), ScbMapping.valid_to >= key),
        )
        .order_by(ScbMapping.valid_from.desc(), ScbMapping.id.desc())
    ).first()


def create_mapping(
    db: Session, *, actor: Actor, data: MappingData, based_on: int | None = None
) -> ScbMapping:
    actor.need("scb.mapping")
    check_data(data)
    row = ScbMapping(based_on_id=based_on, created_by=actor.username, spec="")
    _fill(row, data)
    db.add(row)
    db.flush()
    audit.record(db, actor, "create", object_type="scb_mapping", object_id=row.id)
    return row


def copy_mapping(db: Session, *, actor: Actor, mapping_id: int) -> ScbMapping:
    """The next half-year's mapping begins as a copy of this one, valid from the half-year after
    its last (or after its first, when it holds until further notice), no longer an example."""
    source = get_mapping(db, actor=actor, mapping_id=mapping_id)
    data = data_of(source)
    start = rules.following(data.valid_to or data.valid_from)
    copy = replace(data, name=f"Kopia av {data.name}"[:200], valid_from=start, valid_to=None)
    return create_mapping(db, actor=actor, data=copy, based_on=source.id)


def save_mapping(
    db: Session, *, actor: Actor, mapping_id: int, data: MappingData, version: int
) -> ScbMapping:
    """Save an edit; a mapping a file was made with stays as it was (copy it instead)."""
    row = get_mapping(db, actor=actor, mapping_id=mapping_id)
    if is_used(db, row.id):
        raise Invalid(
            "Mappningen har använts för en SCB-fil och kan inte ändras. "
            "Gör en kopia och ändra i den."
        )
    check_data(data)
    if row.version != version:
        raise EditConflict(row)
    _fill(row, data)
    row.version += 1
    row.example = False
    row.updated_at = utcnow()
    db.add(row)
    audit.record(db, actor, "update", object_type="scb_mapping", object_id=row.id)
    return row


def _fill(row: ScbMapping, data: MappingData) -> None:
    row.name = data.name.strip()[:200]
    row.valid_from, row.valid_to = data.valid_from, data.valid_to
    row.file_type, row.encoding = data.file_type, data.encoding
    row.date_format, row.layout = data.date_format, data.layout
    row.max_contacts, row.max_measures = data.max_contacts, data.max_measures
    row.spec = data.spec()


# --- the mapping as text (the browser's edit form) ----------------------------------------------


def columns_text(columns) -> str:
    return "\n".join(f"{header} = {concept}" for header, concept in columns)


def parse_columns(text: str) -> tuple[tuple[str, str], ...]:
    """ "Rubrik = begrepp" per line, in file order; ValueError naming the first bad line."""
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        header, sep, concept = line.rpartition("=")  # a concept never holds "="
        if not sep:
            raise ValueError(f"Rad {n}: skriv ”Rubrik = begrepp”.")
        out.append((header.strip(), concept.strip()))
    return tuple(out)


def codes_text(codes: dict[str, dict[str, str]]) -> str:
    """Every table's every internal value, also those without a code (so none is forgotten)."""
    lines = []
    for table, (_, values) in rules.CODE_TABLES.items():
        lines += [f"{table}.{value} = {codes.get(table, {}).get(value, '')}" for value in values]
    return "\n".join(lines)


def parse_codes(text: str) -> dict[str, dict[str, str]]:
    """ "tabell.värde = kod" per line; an empty code leaves the value without one."""
    out: dict[str, dict[str, str]] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, code = line.partition("=")
        table, dot, value = name.strip().partition(".")
        if not sep or not dot:
            raise ValueError(f"Rad {n}: skriv ”tabell.värde = kod”.")
        if code.strip():
            out.setdefault(table.strip(), {})[value.strip()] = code.strip()
    return out
