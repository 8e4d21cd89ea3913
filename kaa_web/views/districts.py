"""The districts' admin page (/admin/kommundelar): the list, a new district, changing one."""

from flask import Blueprint, flash, render_template, url_for

from kaa_web.db import get_db
from kaa_web.forms.districts import DistrictForm
from kaa_web.htmx import redirect
from kaa_web.permissions import current_actor, require
from kaa_web.services import districts as service
from kaa_web.services.errors import Invalid
from kaa_web.views import already_saved, rejected, saved

bp = Blueprint("districts", __name__, url_prefix="/admin/kommundelar")


@bp.route("", methods=["GET", "POST"])
@require("admin.manage")
def index():
    """The configurable list of districts; a new one is added from the form below the list."""
    db, actor = get_db(), current_actor()
    form = DistrictForm(prefix="ny")
    errors: list[str] = []
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            service.save_district(
                db, actor=actor, code=form.code.data, name=form.name.data, active=True
            )
            return saved("Kommundelen är tillagd.", url_for("districts.index"), form)
        except Invalid as error:
            errors = rejected(form, error)
    status = 400 if form.errors or errors else 200
    rows = service.districts_page(db, actor=actor)
    return render_template("districts/index.html", form=form, rows=rows, errors=errors), status


@bp.post("/<int:district_id>/spara")
@require("admin.manage")
def save(district_id: int):
    """A row of the list saved: its code, name and whether it is in use; refused, the list
    again with why (the row's own inputs are in the list, not in a form of their own)."""
    form = DistrictForm()
    if not form.validate():
        flash("Kod och namn måste fyllas i (koden med a–z, siffror, - och _).", "error")
        return redirect(url_for("districts.index"))
    try:
        service.save_district(
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
        return redirect(url_for("districts.index"))
    return saved("Kommundelen är sparad.", url_for("districts.index"))
