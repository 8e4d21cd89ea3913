"""A meeting's documents: the notice and the minutes made at a button press, and their
download (/samverkan/moten/<id>/kallelse, …/protokoll, …/dokument/<id>)."""

import io

from flask import send_file, url_for

from kaa_web.db import get_db
from kaa_web.docx.limits import TemplateRenderError
from kaa_web.forms.meetings import DocumentForm
from kaa_web.permissions import current_actor, require
from kaa_web.services import meetings
from kaa_web.services.errors import Invalid
from kaa_web.views import already_saved, rejected, saved
from kaa_web.views.meetings.blueprint import bp
from kaa_web.views.meetings.recording import meeting_page


def _document(meeting_id: int, generate, prefix: str):
    """Produce the notice or minutes and download it (a second click downloads the same one)."""
    form = DocumentForm(prefix=prefix)
    if not form.validate_on_submit():
        return meeting_page(meeting_id, recording=False, status=400)
    if done := already_saved(form):
        return done
    try:
        document = generate(get_db(), actor=current_actor(), meeting_id=meeting_id)
    except TemplateRenderError as problem:  # the meeting's page, with the template's reason
        reason = f"Dokumentmallen gick inte att använda: {problem} Kontakta administratören."
        error = Invalid(reason)
        return meeting_page(meeting_id, recording=False, errors=rejected(form, error), status=400)
    except Invalid as error:
        return meeting_page(meeting_id, recording=False, errors=rejected(form, error), status=400)
    location = url_for("meetings.document", meeting_id=meeting_id, document_id=document.id)
    return saved(None, location, form)


@bp.post("/samverkan/moten/<int:meeting_id>/kallelse")
@require("meetings.convene")
def notice(meeting_id: int):
    return _document(meeting_id, meetings.generate_notice, "kallelse")


@bp.post("/samverkan/moten/<int:meeting_id>/protokoll")
@require("meetings.convene")
def minutes(meeting_id: int):
    return _document(meeting_id, meetings.generate_minutes, "protokoll")


@bp.get("/samverkan/moten/<int:meeting_id>/dokument/<int:document_id>")
@require("meetings.attend")
def document(meeting_id: int, document_id: int):
    db = get_db()
    found = meetings.open_meeting_document(
        db, actor=current_actor(), meeting_id=meeting_id, document_id=document_id
    )
    db.commit()
    return send_file(
        io.BytesIO(found.content),
        mimetype=found.content_type,
        as_attachment=True,
        download_name=found.file_name,
    )
