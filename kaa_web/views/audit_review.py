"""The log review (/admin/behorighetsuppfoljning): search by person, staff and period, flags
and their review, the period's XLSX export and a person's read log for the data-protection
officer."""

import io

from flask import Blueprint, current_app, flash, render_template, request, send_file, url_for

from kaa_web.db import get_db
from kaa_web.docx.render import DOCX_CONTENT_TYPE
from kaa_web.exports import xlsx_bytes, xlsx_download
from kaa_web.forms import add_service_errors, db_int
from kaa_web.forms.audit_review import FlagReviewForm, PersonSearchForm, ReviewFilterForm
from kaa_web.htmx import redirect, render
from kaa_web.models.audit import AUDIT_ACTIONS, AUDIT_OBJECTS, AUDIT_OUTCOMES, FLAG_KINDS
from kaa_web.permissions import current_actor, require
from kaa_web.services.audit_review import access_log, review
from kaa_web.services.audit_review.flags import ReviewFilter, ReviewRules
from kaa_web.services.errors import Invalid
from kaa_web.views import one_of

bp = Blueprint("audit_review", __name__)
KIND = one_of(FLAG_KINDS)


def _rules() -> ReviewRules:
    settings = current_app.config["KAA_SETTINGS"]
    return ReviewRules(settings.working_hours(), settings.audit_bulk_export_people)


def _page(person_form=None, errors=(), status=200, failed=None):
    """The review page for the filters in the URL; `failed` is the (event id, kind) and form
    of a review the service refused, shown again as typed."""
    form = ReviewFilterForm(request.args)
    person_form = person_form or PersonSearchForm(formdata=None)
    context = dict(
        form=form,
        person_form=person_form,
        errors=list(errors),
        failed=failed,
        actions=AUDIT_ACTIONS,
        objects=AUDIT_OBJECTS,
        outcomes=AUDIT_OUTCOMES,
        kinds=FLAG_KINDS,
        working_hours=_rules().working_hours.text,
    )
    if not form.validate():
        return render_template("audit_review/index.html", result=None, **context), 400
    db = get_db()
    result = review.review_page(
        db,
        actor=current_actor(),
        filters=form.filters(),
        rules=_rules(),
        page=request.args.get("sida", 1, type=db_int),
        open_only=form.open_only.data,
    )
    db.commit()  # the read of the log is logged
    page = render("audit_review/index.html", "audit_review/_results.html", result=result, **context)
    page.status_code = status
    return page


@bp.get("/admin/behorighetsuppfoljning")
@require("audit.review")
def index():
    return _page()


@bp.post("/admin/behorighetsuppfoljning/ungdom")
@require("audit.review")
def find_person():
    form = PersonSearchForm()
    if not form.validate():
        return _page(person_form=form, status=400)
    db = get_db()
    try:
        youth_id = review.find_person(
            db, actor=current_actor(), personnummer=form.personnummer.data
        )
    except Invalid as error:
        db.commit()  # the search is logged even when it finds no one
        return _page(person_form=form, errors=add_service_errors(form, error), status=400)
    db.commit()
    args = {k: v for k, v in request.args.items() if k not in ("youth_id", "sida")}
    return redirect(url_for("audit_review.index", youth_id=youth_id, **args))


@bp.post(f"/admin/behorighetsuppfoljning/flaggor/<int:event_id>/<{KIND}:kind>")
@require("audit.review")
def mark_reviewed(event_id: int, kind: str):
    form = FlagReviewForm()
    db = get_db()
    if form.validate():
        try:
            review.mark_reviewed(
                db,
                actor=current_actor(),
                event_id=event_id,
                kind=kind,
                comment=form.comment.data,
                rules=_rules(),
            )
        except Invalid as error:
            db.rollback()
            return _page(errors=error.messages, status=400, failed=(event_id, kind, form))
        db.commit()
        flash("Flaggan är markerad som granskad.", "success")
        return redirect(
            url_for("audit_review.index", **request.args) + f"#flagga-{event_id}-{kind}"
        )
    return _page(status=400, failed=(event_id, kind, form))


@bp.get("/admin/behorighetsuppfoljning/export.xlsx")
@require("audit.review")
def export():
    form = ReviewFilterForm(request.args)
    if not form.validate():
        return _page(status=400)
    db = get_db()
    filters = form.filters()
    sheets = review.export_sheets(db, actor=current_actor(), filters=filters, rules=_rules())
    db.commit()  # the export is logged before its rows are read
    name = f"behorighetsuppfoljning_{filters.date_from}_{filters.date_to}.xlsx"
    return xlsx_download(xlsx_bytes(sheets), name)


@bp.get("/admin/behorighetsuppfoljning/ungdomar/<int:youth_id>/atkomstlogg.docx")
@require("audit.review")
def read_log(youth_id: int):
    form = ReviewFilterForm(request.args)
    if not form.validate():
        return _page(status=400)
    db = get_db()
    filters = form.filters()
    name, content = access_log.read_log_document(
        db,
        actor=current_actor(),
        filters=ReviewFilter(filters.date_from, filters.date_to, youth_id=youth_id),
    )
    db.commit()
    return send_file(
        io.BytesIO(content), mimetype=DOCX_CONTENT_TYPE, as_attachment=True, download_name=name
    )
