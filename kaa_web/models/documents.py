"""Document templates and their versions, the letterhead, and every generated document as sent."""

from datetime import datetime

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from kaa_web.models.base import utcnow

BUILTIN_VERSION = 0  # the template committed in doc_templates/


class DocumentTemplateVersion(SQLModel, table=True):
    """An uploaded version of one document type's Word template; versions are never deleted."""

    __tablename__ = "document_template_version"
    __table_args__ = (UniqueConstraint("doc_type", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    doc_type: str = Field(max_length=40, index=True)
    version: int  # 1, 2, … per type; 0 is the built-in template, which has no row
    file_name: str = Field(max_length=200)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sha256: str = Field(max_length=64)
    uploaded_by: str = Field(max_length=100)
    uploaded_at: datetime = Field(default_factory=utcnow)


class ActiveDocumentTemplate(SQLModel, table=True):
    """Which version a type uses now; no row, or no version, means the built-in template."""

    __tablename__ = "active_document_template"

    doc_type: str = Field(primary_key=True, max_length=40)
    version_id: int | None = Field(default=None, foreign_key="document_template_version.id")
    changed_by: str = Field(max_length=100)
    changed_at: datetime = Field(default_factory=utcnow)


class Letterhead(SQLModel, table=True):
    """The municipality's letterhead on every document: a single row (id 1)."""

    __tablename__ = "letterhead"

    id: int | None = Field(default=None, primary_key=True)
    namn: str = Field(max_length=200)
    adress: str = Field(default="", max_length=300)
    telefon: str = Field(default="", max_length=50)
    webb: str = Field(default="", max_length=200)
    kaa_kontakt: str = Field(default="", max_length=300)
    logotyp: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    updated_by: str = Field(default="", max_length=100)
    updated_at: datetime = Field(default_factory=utcnow)


class GeneratedDocument(SQLModel, table=True):
    """A document exactly as it was generated (and sent), with the template version it used."""

    __tablename__ = "generated_document"

    id: int | None = Field(default=None, primary_key=True)
    doc_type: str = Field(max_length=40, index=True)
    template_version: int  # 0 = built-in
    file_name: str = Field(max_length=200)
    content_type: str = Field(max_length=120)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    letter_count: int = Field(default=1)
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    # The young person of a single letter (None for a mail-out; see GeneratedDocumentYouth).
    youth_id: int | None = Field(default=None, foreign_key="youth.id", index=True)
    # The meeting of a notice (kallelse) or minutes (protokoll); its members may download it.
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)


class GeneratedDocumentYouth(SQLModel, table=True):
    """The young people a generated document concerns: one for a letter, many for a mail-out."""

    __tablename__ = "generated_document_youth"

    document_id: int = Field(foreign_key="generated_document.id", primary_key=True)
    youth_id: int = Field(foreign_key="youth.id", primary_key=True, index=True)
