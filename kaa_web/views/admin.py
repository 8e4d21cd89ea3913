"""Administration pages: the overview, districts."""

from flask import Blueprint, flash, render_template, url_for

from kaa_web.db import get_db
from kaa_web.forms.admin import DistrictForm
from kaa_web.htmx import redirect
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
