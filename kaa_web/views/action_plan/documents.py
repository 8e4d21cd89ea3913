"""The plan's and the review's Word documents: made by a manager (a double click makes one),
downloaded by the plan's readers."""

from flask import Response, url_for

from kaa_web.db import get_db
from kaa_web.forms.action_plan import DocumentForm
from kaa_web.permissions import current_actor, require
from kaa_web.services import action_plan
from kaa_web.services.errors import Invalid
from kaa_web.views import already_saved, rejected, saved
from kaa_web.views.action_plan.blueprint import bp, min_cell
from kaa_web.views.action_plan.plan import render_plan, render_review


@bp.post("/handlingsplan/<int:year>/dokument")
@require("action_plan.write")
def make_plan_document(year: int):
    """The adopted plan as a Word document."""
    form = DocumentForm()
    errors: list[str] = []
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            action_plan.make_plan_document(
                get_db(), actor=current_actor(), year=year, limit=min_cell()
            )
            location = url_for("action_plan.show", year=year, _anchor="dokument")
            return saved("Handlingsplanen är skapad som Word-dokument.", location, form)
        except Invalid as error:
            errors = rejected(form, error)
    return render_plan(year, errors=errors or ["Sidan var för gammal. Försök igen."], status=400)


@bp.post("/handlingsplan/<int:year>/uppfoljning/dokument")
@require("action_plan.write")
def make_review_document(year: int):
    """The review as a Word document."""
    form = DocumentForm()
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        action_plan.make_review_document(
            get_db(), actor=current_actor(), year=year, limit=min_cell()
        )
        location = url_for("action_plan.review", year=year, _anchor="dokument")
        return saved("Uppföljningen är skapad som Word-dokument.", location, form)
    return render_review(year, errors=["Sidan var för gammal. Försök igen."], status=400)


@bp.get("/handlingsplan/<int:year>/dokument/<int:document_id>")
@require("action_plan.read")
def document_file(year: int, document_id: int):
    db = get_db()
    document = action_plan.open_plan_document(
        db, actor=current_actor(), year=year, document_id=document_id
    )
    db.commit()  # the download is logged
    return Response(
        document.content,
        mimetype=document.content_type,
        headers={"Content-Disposition": f"attachment; filename={document.file_name}"},
    )
