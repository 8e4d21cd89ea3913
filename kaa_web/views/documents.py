"""Document pages: template catalogue and versions, the letterhead, downloading generated files."""

from __future__ import annotations

import base64
import io

from flask import Blueprint, render_template, send_file, url_for

from kaa_web.db import get_db
from kaa_web.docx.package import MAX_TEMPLATE_BYTES
from kaa_web.docx.render import DOCX_CONTENT_TYPE
from kaa_web.docx.types import DOCUMENT_TYPES
from kaa_web.forms import text_of
from kaa_web.forms.documents import ActivateTemplateForm, LetterheadForm, UploadTemplateForm
from kaa_web.permissions import current_actor, require
from kaa_web.services import documents as service
from kaa_web.services import downloads, letter_context
from kaa_web.services.errors import Invalid
from kaa_web.views import one_of, saved

bp = Blueprint("documents", __name__)
CODES = one_of(DOCUMENT_TYPES)


def _read(file_storage, limit: int) -> bytes:
    """At most limit + 1 bytes, so an oversized file is seen as oversized without reading it all."""
    return file_storage.stream.read(limit + 1)


@bp.get("/admin/dokumentmallar")
@require("templates.manage")
def catalogue():
    overviews = service.list_document_types(get_db(), actor=current_actor())
    return render_template("documents/catalogue.html", overviews=overviews)


def _type_page(code: str, form: UploadTemplateForm, problems=None, status: int = 200):
    overview = service.describe_document_type(get_db(), actor=current_actor(), code=code)
    return render_template(
        "documents/template_type.html",
        overview=overview,
        form=form,
        activate_form=ActivateTemplateForm(),
        problems=problems or [],
    ), status


@bp.get(f"/admin/dokumentmallar/<{CODES}:code>")
@require("templates.manage")
def template_type(code: str):
    return _type_page(code, UploadTemplateForm())


@bp.post(f"/admin/dokumentmallar/<{CODES}:code>/ny-version")
@require("templates.manage")
def upload(code: str):
    form = UploadTemplateForm()
    if not form.validate_on_submit():
        return _type_page(code, form, status=400)
    upload_file = form.template.data
    try:
        version = service.upload_template(
            get_db(),
            actor=current_actor(),
            code=code,
            file_name=upload_file.filename or "",
            data=_read(upload_file, MAX_TEMPLATE_BYTES),
        )
    except Invalid as rejected:
        get_db().rollback()
        return _type_page(code, form, problems=rejected.messages, status=400)
    message = f"Version {version.version} är uppladdad och används nu."
    return saved(message, url_for("documents.template_type", code=code))


@bp.post(f"/admin/dokumentmallar/<{CODES}:code>/anvand-version")
@require("templates.manage")
def activate(code: str):
    form = ActivateTemplateForm()
    if not form.validate_on_submit():
        return _type_page(
            code, UploadTemplateForm(), problems=["Ange en giltig version."], status=400
        )
    service.activate_template(get_db(), actor=current_actor(), code=code, version=form.version.data)
    label = "standardmallen" if form.version.data == 0 else f"version {form.version.data}"
    return saved(f"Nu används {label}.", url_for("documents.template_type", code=code))


@bp.get(f"/admin/dokumentmallar/<{CODES}:code>/versioner/<int:version>")
@require("templates.manage")
def download_template(code: str, version: int):
    name, data = service.template_file(get_db(), actor=current_actor(), code=code, version=version)
    return send_file(
        io.BytesIO(data), mimetype=DOCX_CONTENT_TYPE, as_attachment=True, download_name=name
    )


def _letterhead_page(form: LetterheadForm, problems=None, status: int = 200):
    row = letter_context.get_letterhead(get_db())
    logo = base64.b64encode(row.logotyp).decode() if row.logotyp else None
    mime = "image/png" if row.logotyp and row.logotyp.startswith(b"\x89PNG") else "image/jpeg"
    return render_template(
        "documents/letterhead.html",
        form=form,
        logo=logo,
        logo_mime=mime,
        saved=row.updated_by != "",
        problems=problems or [],
    ), status


@bp.get("/admin/brevhuvud")
@require("templates.manage")
def letterhead():
    return _letterhead_page(LetterheadForm(obj=letter_context.get_letterhead(get_db())))


@bp.post("/admin/brevhuvud")
@require("templates.manage")
def save_letterhead():
    form = LetterheadForm()
    if not form.validate_on_submit():
        return _letterhead_page(form, status=400)
    logo = form.logotyp.data
    change = service.LetterheadChange(
        namn=text_of(form.namn),
        adress=text_of(form.adress),
        telefon=text_of(form.telefon),
        webb=text_of(form.webb),
        kaa_kontakt=text_of(form.kaa_kontakt),
        logotyp=_read(logo, service.MAX_LOGO_BYTES) if logo and logo.filename else None,
        remove_logo=form.ta_bort_logotyp.data,
    )
    try:
        service.save_letterhead(get_db(), actor=current_actor(), change=change)
    except Invalid as problem:
        get_db().rollback()
        return _letterhead_page(form, problems=problem.messages, status=400)
    return saved("Brevhuvudet är sparat.", url_for("documents.letterhead"))


@bp.get("/dokument/<int:document_id>")
@require("documents.generate")
def download(document_id: int):
    db = get_db()
    document = downloads.open_document(db, actor=current_actor(), document_id=document_id)
    db.commit()  # the read is logged
    return send_file(
        io.BytesIO(document.content),
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.file_name,
    )
