"""The school's pages: choose and fill in a report, drafts, the receipt, the school's own list."""

from __future__ import annotations

import io

from flask import Blueprint, render_template, request, send_file, url_for
from werkzeug.datastructures import MultiDict

from kaa_web.db import get_db
from kaa_web.forms.school_reports import FORMS
from kaa_web.models.school_reports import REPORT_KINDS, REPORT_STATUSES
from kaa_web.permissions import current_actor, require
from kaa_web.services import school_reports as service
from kaa_web.services.errors import Invalid
from kaa_web.views import already_saved, one_of, rejected, saved

KINDS = one_of(FORMS)

bp = Blueprint("school_reports", __name__, url_prefix="/skola")


@bp.get("/anmalan")
@require("school_reports.submit")
def index():
    db, actor = get_db(), current_actor()
    context = dict(
        units=service.my_units(db, actor=actor),
        rows=service.list_school_reports(db, actor=actor),
        kinds=REPORT_KINDS,
        statuses=REPORT_STATUSES,
    )
    db.commit()  # the names shown are logged
    return render_template("school_reports/index.html", **context)


def _students(form, kind: str) -> list[service.StudentData]:
    if kind == "studiebevis":
        return [
            service.StudentData(r["personnummer"], r["fornamn"], r["efternamn"], r["program"])
            for r in form.parsed
        ]
    return [
        service.StudentData(
            form.personnummer.data,
            form.first_name.data or "",
            form.last_name.data or "",
            form.programme_text(),
            form.contact(),
        )
    ]


def _report_data(form, kind: str) -> service.ReportData:
    return service.ReportData(
        kind=kind,
        school_unit_id=form.school_unit_id.data,
        contact_name=form.contact_name.data or "",
        contact_phone=form.contact_phone.data or "",
        contact_email=form.contact_email.data or "",
        details=form.details(),
        students=_students(form, kind),
    )


def _draft_data() -> dict:
    return {key: request.form.getlist(key)[-1] for key in request.form}


def _new_form(kind: str, units):
    """The user's saved draft when there is one (e.g. after a timeout), else a fresh form with
    the school's contact filled in from the signed-in person and the school unit."""
    db, actor = get_db(), current_actor()
    draft = service.get_draft(db, actor=actor, form=kind)
    if draft:
        form = FORMS[kind](formdata=MultiDict(draft))
    else:
        form = FORMS[kind](formdata=None, **service.contact_defaults(db, actor=actor, units=units))
    form.set_units(units)
    return form, bool(draft)


def _page(kind, form, units, *, errors=(), restored=False, status=200):
    return render_template(
        "school_reports/form.html",
        kind=kind,
        kind_label=REPORT_KINDS[kind],
        form=form,
        units=units,
        help=service.help_texts(get_db(), kind),
        errors=list(errors),
        restored=restored,
    ), status


def _submit(kind: str, form):
    if done := already_saved(form):
        return done
    report = service.submit_report(get_db(), actor=current_actor(), data=_report_data(form, kind))
    return saved(
        f"Anmälan är skickad. Referensnummer {report.reference}.",
        url_for("school_reports.report", report_id=report.id),
        form,
    )


@bp.route(f"/anmalan/<{KINDS}:kind>", methods=["GET", "POST"])
@require("school_reports.submit")
def form(kind: str):
    db, actor = get_db(), current_actor()
    units = service.my_units(db, actor=actor)
    if not units:
        return render_template("school_reports/no_unit.html"), 403
    if request.method == "GET":
        form, restored = _new_form(kind, units)
        return _page(kind, form, units, restored=restored)
    form = FORMS[kind]()
    form.set_units(units)
    errors: list[str] = []
    if form.validate():
        try:
            return _submit(kind, form)
        except Invalid as error:
            errors = rejected(form, error)
    service.save_draft(db, actor=actor, form=kind, data=_draft_data())
    db.commit()
    return _page(kind, form, units, errors=errors, status=400)


@bp.post(f"/anmalan/<{KINDS}:kind>/utkast")
@require("school_reports.submit")
def save_draft(kind: str):
    """htmx autosave on change: the typed form survives a session timeout."""
    db = get_db()
    try:
        service.save_draft(db, actor=current_actor(), form=kind, data=_draft_data())
    except Invalid:
        return "", 413
    db.commit()
    return "", 204


@bp.post(f"/anmalan/<{KINDS}:kind>/rensa")
@require("school_reports.submit")
def discard_draft(kind: str):
    service.delete_draft(get_db(), actor=current_actor(), form=kind)
    return saved("Utkastet är borttaget.", url_for("school_reports.form", kind=kind))


def _own_or_404(report_id: int, log: bool = True):
    return service.get_own_report(get_db(), actor=current_actor(), report_id=report_id, log=log)


@bp.get("/anmalningar/<int:report_id>")
@require("school_reports.submit")
def report(report_id: int):
    view = _own_or_404(report_id)
    get_db().commit()
    return render_template(
        "school_reports/report.html", view=view, kinds=REPORT_KINDS, statuses=REPORT_STATUSES
    )


@bp.get("/anmalningar/<int:report_id>/kvitto.docx")
@require("school_reports.submit")
def receipt(report_id: int):
    name, content = service.receipt_document(get_db(), actor=current_actor(), report_id=report_id)
    get_db().commit()
    return send_file(
        io.BytesIO(content),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        as_attachment=True,
        download_name=name,
    )
