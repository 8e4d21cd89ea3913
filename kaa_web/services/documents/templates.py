"""Template versions: the catalogue of types, uploading a checked version, switching between
versions, and the template a type uses now."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePath

from sqlalchemy.orm import defer
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.docx import checks
from kaa_web.docx.types import DOCUMENT_TYPES, DocumentType, get_type
from kaa_web.models.base import utcnow
from kaa_web.models.documents import (
    BUILTIN_VERSION,
    ActiveDocumentTemplate,
    DocumentTemplateVersion,
)
from kaa_web.permissions import Actor
from kaa_web.services.auth import account_names
from kaa_web.services.errors import Invalid, NotFound


@dataclass
class TypeOverview:
    """One document type on the catalogue page: its variables, versions and the active one."""

    doc_type: DocumentType
    versions: list[DocumentTemplateVersion] = field(default_factory=list)
    active_version: int = BUILTIN_VERSION
    uploaders: dict[str, str] = field(default_factory=dict)  # account -> the person's name


def document_type(code: str) -> DocumentType:
    """The type with this code; NotFound for any other word."""
    try:
        return get_type(code)
    except KeyError:
        raise NotFound(code) from None


def _active_row(db: Session, code: str) -> DocumentTemplateVersion | None:
    choice = db.get(ActiveDocumentTemplate, code)
    if choice is None or choice.version_id is None:
        return None
    return db.get(DocumentTemplateVersion, choice.version_id)


def _overviews(db: Session, doc_types: list[DocumentType]) -> list[TypeOverview]:
    """The types' versions (newest first, without the template files) and the active ones."""
    codes = [t.code for t in doc_types]
    versions = db.exec(
        select(DocumentTemplateVersion)
        .options(defer(DocumentTemplateVersion.content))
        .where(DocumentTemplateVersion.doc_type.in_(codes))
        .order_by(DocumentTemplateVersion.version.desc())
    ).all()
    actives = {
        c.doc_type: c.version_id
        for c in db.exec(
            select(ActiveDocumentTemplate).where(ActiveDocumentTemplate.doc_type.in_(codes))
        ).all()
    }
    names = account_names(db, (v.uploaded_by for v in versions))
    overviews = []
    for doc_type in doc_types:
        mine = [v for v in versions if v.doc_type == doc_type.code]
        active_id = actives.get(doc_type.code)
        active = next((v.version for v in mine if v.id == active_id), BUILTIN_VERSION)
        overviews.append(TypeOverview(doc_type, mine, active, names))
    return overviews


def list_document_types(db: Session, *, actor: Actor) -> list[TypeOverview]:
    """Every type with its versions (newest first) and which one is active."""
    actor.need("templates.manage")
    return _overviews(db, list(DOCUMENT_TYPES.values()))


def describe_document_type(db: Session, *, actor: Actor, code: str) -> TypeOverview:
    """One type's overview; NotFound for an unknown code."""
    actor.need("templates.manage")
    [overview] = _overviews(db, [document_type(code)])
    return overview


def _safe_file_name(name: str, fallback: str) -> str:
    base = PurePath(name.replace("\\", "/")).name.strip()
    return (base or fallback)[:200]


def upload_template(
    db: Session, *, actor: Actor, code: str, file_name: str, data: bytes
) -> DocumentTemplateVersion:
    """Check an uploaded template and, if it passes, store it as the type's new active version.

    Raises Invalid with every problem found; nothing is stored then. The caller commits.
    """
    actor.need("templates.manage")
    doc_type = document_type(code)
    if not file_name.lower().endswith(".docx"):
        raise Invalid("Mallen måste vara en Word-fil som slutar på .docx.")
    problems = checks.check_template(data, doc_type)
    if problems:
        raise Invalid(*problems)
    latest = db.exec(
        select(DocumentTemplateVersion.version)
        .where(DocumentTemplateVersion.doc_type == code)
        .order_by(DocumentTemplateVersion.version.desc())
    ).first()
    version = DocumentTemplateVersion(
        doc_type=code,
        version=(latest or 0) + 1,
        file_name=_safe_file_name(file_name, doc_type.template_file),
        content=data,
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor.username,
    )
    db.add(version)
    db.flush()
    _set_active(db, actor, code, version.id)
    audit.record(db, actor, "update", object_type="document_template", object_id=version.id)
    return version


def _set_active(db: Session, actor: Actor, code: str, version_id: int | None) -> None:
    choice = db.get(ActiveDocumentTemplate, code) or ActiveDocumentTemplate(
        doc_type=code, changed_by=actor.username
    )
    choice.version_id, choice.changed_by, choice.changed_at = version_id, actor.username, utcnow()
    db.add(choice)


def activate_template(db: Session, *, actor: Actor, code: str, version: int) -> None:
    """Make an earlier version (or the built-in one, version 0) the type's active template;
    NotFound when the type has no such version. The caller commits."""
    actor.need("templates.manage")
    document_type(code)
    row = None
    if version != BUILTIN_VERSION:
        row = db.exec(
            select(DocumentTemplateVersion).where(
                DocumentTemplateVersion.doc_type == code,
                DocumentTemplateVersion.version == version,
            )
        ).first()
        if row is None:
            raise NotFound(f"{code} version {version}")
    _set_active(db, actor, code, row.id if row else None)
    audit.record(
        db,
        actor,
        "update",
        object_type="document_template",
        object_id=row.id if row else f"{code}:builtin",
    )


def template_file(db: Session, *, actor: Actor, code: str, version: int) -> tuple[str, bytes]:
    """(file name, bytes) of one version of a type's template; NotFound when there is none."""
    actor.need("templates.manage")
    doc_type = document_type(code)
    if version == BUILTIN_VERSION:
        return doc_type.template_file, doc_type.builtin_path.read_bytes()
    row = db.exec(
        select(DocumentTemplateVersion).where(
            DocumentTemplateVersion.doc_type == code, DocumentTemplateVersion.version == version
        )
    ).first()
    if row is None:
        raise NotFound(f"{code} version {version}")
    stem = PurePath(doc_type.template_file).stem
    return f"{stem}_v{row.version}.docx", row.content


def active_template(db: Session, code: str) -> tuple[int, bytes]:
    """(version number, bytes) of the template a type uses now."""
    row = _active_row(db, code)
    if row is None:
        return BUILTIN_VERSION, get_type(code).builtin_path.read_bytes()
    return row.version, row.content
