"""The SCB half-year file: the mappings (columns and codes per half-year, held as data) and the
exports made through them, each kept with what it was made from."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from kaa_web.models.base import utcnow


class ScbMapping(SQLModel, table=True):
    """How the file of the half-years `valid_from`..`valid_to` is written (kaa_web.rules.scb).

    `spec` is JSON: {"columns": [[header, concept], …], "codes": {table: {value: code}},
    "missing_reason_code": code, "excluded_reasons": [value, …]}. A mapping an export used is
    never edited again: the next half-year's is a copy."""

    __tablename__ = "scb_mapping"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    valid_from: int  # half-year key, e.g. 20182 (rules.scb.key_of)
    valid_to: int | None = None
    file_type: str = Field(max_length=10)  # rules.scb.FILE_TYPES
    encoding: str = Field(max_length=20)  # rules.scb.ENCODINGS
    date_format: str = Field(max_length=20)  # rules.scb.DATE_FORMATS
    layout: str = Field(max_length=20)  # rules.scb.LAYOUTS
    max_contacts: int = Field(default=3)
    max_measures: int = Field(default=3)
    spec: str = Field(sa_type=sa.Text)
    example: bool = Field(default=False)  # shipped with the system: check it against SCB's
    based_on_id: int | None = Field(default=None, foreign_key="scb_mapping.id")
    version: int = Field(default=1)
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ScbExport(SQLModel, table=True):
    """One file made for a half-year: the latest of a half-year replaces the earlier ones."""

    __tablename__ = "scb_export"
    __table_args__ = (sa.Index("ix_scb_export_half_year", "half_year", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    half_year: int
    mapping_id: int = Field(foreign_key="scb_mapping.id")
    mapping_version: int
    file_name: str = Field(max_length=200)
    content_type: str = Field(max_length=120)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    rows: int
    people: int
    problems: int  # unresolved when it was made
    confirmed: bool = Field(default=False)  # the user confirmed sending with those problems
    replaces_id: int | None = Field(default=None, foreign_key="scb_export.id")
    # JSON {"headers": [...], "people": {youth_id: [row, …]}}: the diff and the download's log
    snapshot: str = Field(sa_type=sa.Text)
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
