"""The register extract page (/ungdomar/<id>/registerutdrag): make it as Word or PDF, once."""

import io

from flask import Blueprint, render_template, request, send_file, url_for

from kaa_web import once
from kaa_web.db import get_db
from kaa_web.docx.pdf import PDF_CONTENT_TYPE, ConversionError
from kaa_web.forms.register_extract import ExtractForm
from kaa_web.permissions import current_actor, require
from kaa_web.services.register_extract import document as extract
from kaa_web.views import already_saved, youth_or_404

bp = Blueprint("register_extract", __name__)
PDF_FAILED = (
    "PDF-filen kunde inte skapas just nu. Ta Word-filen i stället, eller försök igen senare."
)


def _page(youth_id: int, error: str = "", status: int = 200):
    youth = youth_or_404(youth_id, case_file=True)
    get_db().commit()  # the page shows the person: logged
    return render_template(
        "register_extract/page.html", youth=youth, form=ExtractForm(), error=error
    ), status


def _pdf(youth_id: int, document):
    """The stored extract as PDF, or the page again with why not (nothing is kept)."""
    try:
        content = extract.as_pdf(document)
    except (ConversionError, RuntimeError):
        get_db().rollback()
        return _page(youth_id, PDF_FAILED, 503)
    get_db().commit()
    name = document.file_name.removesuffix(".docx") + ".pdf"
    return send_file(
        io.BytesIO(content), mimetype=PDF_CONTENT_TYPE, as_attachment=True, download_name=name
    )


@bp.get("/ungdomar/<int:youth_id>/registerutdrag")
@require("register.extract")
def page(youth_id: int):
    return _page(youth_id)


@bp.post("/ungdomar/<int:youth_id>/registerutdrag")
@require("register.extract")
def make(youth_id: int):
    """A second submission of the same form (a double click) gets the first one's file."""
    form = ExtractForm()
    if not form.validate():
        return _page(youth_id, "Välj Word eller PDF.", 400)
    if earlier := already_saved(form):
        return earlier
    db = get_db()
    document = extract.make_extract(db, actor=current_actor(), youth_id=youth_id)
    wants_pdf = request.form.get("format") == "pdf"
    if wants_pdf:
        again = url_for("register_extract.as_pdf", youth_id=youth_id, document_id=document.id)
    else:
        again = url_for("documents.download", document_id=document.id)
    once.remember(db, form, again)
    if wants_pdf:
        return _pdf(youth_id, document)
    db.commit()
    return send_file(
        io.BytesIO(document.content),
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.file_name,
    )


@bp.get("/ungdomar/<int:youth_id>/registerutdrag/<int:document_id>.pdf")
@require("register.extract")
def as_pdf(youth_id: int, document_id: int):
    """An extract already made, as PDF again (where a twin submission is sent)."""
    document = extract.stored_extract(
        get_db(), actor=current_actor(), youth_id=youth_id, document_id=document_id
    )
    return _pdf(youth_id, document)
