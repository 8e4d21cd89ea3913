"""The audit log page (/admin/granskningslogg): filter, page through, and htmx's table swaps."""

from flask import Blueprint, render_template, request

from kaa_web.db import get_db
from kaa_web.forms import db_int
from kaa_web.forms.audit_log import AuditFilterForm
from kaa_web.htmx import render
from kaa_web.models.audit import AUDIT_ACTIONS, AUDIT_OBJECTS, AUDIT_OUTCOMES
from kaa_web.permissions import current_actor, require
from kaa_web.services import audit_log

bp = Blueprint("audit_log", __name__)


@bp.get("/admin/granskningslogg")
@require("audit.read")
def index():
    form = AuditFilterForm(request.args)
    if request.args and not form.validate():
        return render_template("audit_log/index.html", form=form, result=None), 400
    page = request.args.get("sida", 1, type=db_int)
    db = get_db()
    result = audit_log.audit_log_page(db, actor=current_actor(), filters=form.filters(), page=page)
    db.commit()  # the read of the log is logged
    return render(
        "audit_log/index.html",
        "audit_log/_table.html",
        form=form,
        result=result,
        actions=AUDIT_ACTIONS,
        objects=AUDIT_OBJECTS,
        outcomes=AUDIT_OUTCOMES,
    )
