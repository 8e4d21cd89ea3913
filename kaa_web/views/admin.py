"""Administration pages: the overview and the audit log."""

from flask import Blueprint, abort, render_template, request

from kaa_web.db import get_db
from kaa_web.forms.admin import ACTION_LABELS, AuditFilterForm
from kaa_web.htmx import render
from kaa_web.permissions import current_actor, require
from kaa_web.services import admin as admin_service

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
    page = request.args.get("sida", 1, type=int)
    try:
        result = admin_service.list_audit_events(
            get_db(), actor=current_actor(), filters=filters, page=page
        )
    except PermissionError:
        abort(403)
    return render(
        "admin/audit_log.html",
        "admin/_audit_table.html",
        form=form,
        result=result,
        labels=ACTION_LABELS,
    )
