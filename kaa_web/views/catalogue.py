"""The measures catalogue's admin page (/admin/insatser): what the municipality offers."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from kaa_web.db import get_db
from kaa_web.forms import db_int
from kaa_web.forms.catalogue import MeasureForm
from kaa_web.models.catalogue import MEASURE_CATEGORIES
from kaa_web.permissions import current_actor, require
from kaa_web.services import catalogue
from kaa_web.services.errors import Invalid
from kaa_web.views import already_saved, rejected, saved

bp = Blueprint("catalogue", __name__, url_prefix="/admin/insatser")


def _render(page: catalogue.CataloguePage, form: MeasureForm, errors=(), status=200):
    return render_template(
        "catalogue/index.html",
        form=form,
        rows=page.rows,
        errors=list(errors),
        edit_id=page.editing.id if page.editing else None,
        age_text=catalogue.age_limits_text,
        MEASURE_CATEGORIES=MEASURE_CATEGORIES,
    ), status


@bp.get("")
@require("measures.manage")
def index():
    edit_id = request.args.get("andra", type=db_int)
    page = catalogue.catalogue_page(get_db(), actor=current_actor(), edit_id=edit_id)
    return _render(page, MeasureForm(formdata=None, obj=page.editing))


@bp.post("")
@require("measures.manage")
def save():
    db, actor = get_db(), current_actor()
    form = MeasureForm()
    edit_id = request.form.get("measure_id", type=db_int)
    errors = []
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            catalogue.save_measure(db, actor=actor, data=form.measure_data(), measure_id=edit_id)
            return saved("Insatsen är sparad.", url_for("catalogue.index"), form)
        except Invalid as error:
            errors = rejected(form, error)
    page = catalogue.catalogue_page(db, actor=actor, edit_id=edit_id)
    return _render(page, form, errors, 400)
