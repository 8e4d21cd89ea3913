"""Administration pages: the overview, the audit log, districts."""

from flask import Blueprint, flash, render_template, request, url_for

from kaa_web.db import get_db
from kaa_web.forms import db_int
from kaa_web.forms.admin import ACTION_LABELS, AuditFilterForm, DistrictForm
from kaa_web.htmx import redirect, render
from kaa_web.permissions import current_actor, require
from kaa_web.services import admin as admin_service
from kaa_web.services import register
from kaa_web.services.errors import Invalid
from kaa_web.views import already_saved, rejected, saved

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@require("admin.manage")
def index():
    return render_template("admin/index.html")


@bp.get("/granskningslogg")
@require("audit.read")
def audit_log():
    form = AuditFilterForm(request.args)
    if request.args and not form.validate():
        return render_template(
            "admin/audit_log.html", form=form, result=None, labels=ACTION_LABELS
        ), 400
    filters = admin_service.AuditFilter(
        username=form.username.data or "",
        action=form.action.data or "",
        youth_id=form.youth_id.data,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )
    page = request.args.get("sida", 1, type=db_int)
    result = admin_service.list_audit_events(
        get_db(), actor=current_actor(), filters=filters, page=page
    )
    return render(
        "admin/audit_log.html",
        "admin/_audit_table.html",
        form=form,
        result=result,
        labels=ACTION_LABELS,
    )


@bp.route("/kommundelar", methods=["GET", "POST"])
@require("admin.manage")
def districts():
    """The configurable list of districts; a new one is added from the form below the list."""
    form = DistrictForm(prefix="ny")
    errors: list[str] = []
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            admin_service.save_district(
                get_db(),
                actor=current_actor(),
                code=form.code.data,
                name=form.name.data,
                active=True,
            )
            return saved("Kommundelen är tillagd.", url_for("admin.districts"), form)
        except Invalid as error:
            errors = rejected(form, error)
    status = 400 if form.errors or errors else 200
    rows = register.districts(get_db(), include_inactive=True)
    return render_template("admin/districts.html", form=form, rows=rows, errors=errors), status


@bp.post("/kommundelar/<int:district_id>/spara")
@require("admin.manage")
def save_district(district_id: int):
    form = DistrictForm()
    if not form.validate():
        flash("Kod och namn måste fyllas i (koden med a–z, siffror, - och _).", "error")
        return redirect(url_for("admin.districts"))
    try:
        admin_service.save_district(
            get_db(),
            actor=current_actor(),
            code=form.code.data,
            name=form.name.data,
            active=form.active.data,
            district_id=district_id,
        )
    except Invalid as error:
        get_db().rollback()
        flash(" ".join(error.messages), "error")
        return redirect(url_for("admin.districts"))
    return saved("Kommundelen är sparad.", url_for("admin.districts"))
