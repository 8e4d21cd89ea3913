"""Administration of school units (any huvudman), the school report forms' help texts and who
gets new reports (the inbox's assignment rule)."""

from __future__ import annotations

from flask import Blueprint, flash, render_template, url_for

from kaa_web.db import get_db
from kaa_web.forms import text_of
from kaa_web.forms.inbox_assignment import assignment_form
from kaa_web.forms.school_reports import FORMS, HelpTextForm, SchoolUnitForm
from kaa_web.htmx import redirect
from kaa_web.models.school_reports import REPORT_KINDS
from kaa_web.permissions import current_actor, require
from kaa_web.rules import municipalities
from kaa_web.services import inbox_assignment
from kaa_web.services import school_reports as service
from kaa_web.services.errors import Invalid
from kaa_web.views import already_saved, rejected, saved

bp = Blueprint("school_admin", __name__, url_prefix="/admin")


@bp.get("/skolenheter")
@require("admin.manage")
def units():
    return render_template(
        "admin/school_units.html",
        rows=service.all_units(get_db()),
        municipality_names=municipalities.municipalities(),
    )


def _unit_data(form) -> service.SchoolUnitData:
    return service.SchoolUnitData(
        **{
            field.name: text_of(field) if isinstance(field.data, str) else field.data
            for field in form
            if field.name in service.SchoolUnitData.__dataclass_fields__
        }
    )


@bp.route("/skolenheter/ny", methods=["GET", "POST"], endpoint="new_unit")
@bp.route("/skolenheter/<int:unit_id>", methods=["GET", "POST"])
@require("admin.manage")
def unit(unit_id: int | None = None):
    db, actor = get_db(), current_actor()
    existing = None
    if unit_id is not None:
        existing = service.get_school_unit(db, actor=actor, unit_id=unit_id)
    form = SchoolUnitForm(obj=existing)
    form.set_choices(municipalities.municipalities())
    errors: list[str] = []
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            service.save_school_unit(db, actor=actor, data=_unit_data(form), unit_id=unit_id)
            return saved("Skolenheten är sparad.", url_for("school_admin.units"), form)
        except Invalid as error:
            errors = rejected(form, error)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "admin/school_unit_form.html", form=form, unit=existing, errors=errors
    ), status


@bp.get("/hjalptexter")
@require("admin.manage")
def help_texts():
    db = get_db()
    sections = []
    for kind, label in REPORT_KINDS.items():
        texts = service.help_texts(db, kind)
        defaults = {f: t for (k, f), t in service.DEFAULT_HELP_TEXTS.items() if k == kind}
        fields = []
        for name, default in defaults.items():
            form_field = getattr(FORMS[kind], name, None)
            field_label = form_field.args[0] if form_field is not None else name
            fields.append((name, field_label, texts[name], default))
        sections.append((kind, label, fields))
    return render_template("admin/help_texts.html", sections=sections)


@bp.post("/hjalptexter/spara")
@require("admin.manage")
def save_help_text():
    form = HelpTextForm()
    if not form.validate():
        flash("Hjälptexten får vara högst 1000 tecken.", "error")
        return redirect(url_for("school_admin.help_texts"))
    service.save_help_text(
        get_db(),
        actor=current_actor(),
        form=form.form.data,
        field_name=form.field_name.data,
        text=form.text.data or "",
    )
    return saved("Hjälptexten är sparad.", url_for("school_admin.help_texts"))


@bp.route("/fordelning", methods=["GET", "POST"])
@require("admin.manage")
def assignment():
    """Who becomes responsible for people and tasks that arrive through the inbox."""
    db, actor = get_db(), current_actor()
    page = inbox_assignment.rule_page(db, actor=actor)
    form = assignment_form(page)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            inbox_assignment.save_rule(db, actor=actor, data=form.rule_data(page))
            return saved(
                "Fördelningen av nya ärenden är sparad.", url_for("school_admin.assignment")
            )
        except Invalid as error:
            errors = rejected(form, error)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/assignment.html", form=form, page=page, errors=errors), status
