"""Registering a new person and editing one."""

from __future__ import annotations

from flask import render_template, request, url_for

from kaa_web.db import get_db
from kaa_web.forms import text_of
from kaa_web.forms.register import (
    EditYouthForm,
    YouthForm,
)
from kaa_web.models.register import Youth
from kaa_web.permissions import current_actor, require
from kaa_web.services import register, staff
from kaa_web.services.access import can_see_address, record_read
from kaa_web.services.errors import EditConflict, Invalid
from kaa_web.views import already_saved, rejected, saved, youth_or_404
from kaa_web.views.register.blueprint import bp


def _youth_data(form) -> register.YouthData:
    may_protect = current_actor().can("register.protect")  # others are not offered the box
    return register.YouthData(
        first_name=text_of(form.first_name),
        last_name=text_of(form.last_name),
        gender=form.gender.data or None,
        protected_identity=form.protected_identity.data if may_protect else None,
        street_address=text_of(form.street_address),
        postal_code=text_of(form.postal_code),
        city=text_of(form.city),
        phone=text_of(form.phone),
        email=text_of(form.email),
        district_id=form.district_id.data,
        officer_id=form.officer_id.data,
        registration_reason=form.registration_reason.data,
        registration_source=form.registration_source.data,
        registered_on=form.registered_on.data,
        guardians=[register.GuardianData(**g) for g in form.guardians()],
    )


def _prepare(form):
    db = get_db()
    form.set_choices(register.districts(db), staff.officers(db))
    return form


@bp.route("/ny", methods=["GET", "POST"])
@require("register.write")
def new():
    form = _prepare(YouthForm())
    errors: list[str] = []
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            youth = register.register_youth(
                get_db(),
                actor=current_actor(),
                personnummer=form.personnummer.data,
                data=_youth_data(form),
            )
            return saved(
                "Ungdomen är registrerad.", url_for("register.person", youth_id=youth.id), form
            )
        except Invalid as error:
            errors = rejected(form, error)
    status = 400 if request.method == "POST" else 200
    return render_template("register/form.html", **_form_context(form, errors)), status


def _form_context(form, errors, youth=None, conflict=None) -> dict:
    """The form page; a protected address the user may not see is neither filled in nor shown."""
    actor = current_actor()
    return dict(
        form=form,
        errors=errors,
        youth=youth,
        conflict=conflict,
        show_address=youth is None or can_see_address(actor, conflict or youth),
        can_protect=actor.can("register.protect"),
    )


def _edit_initial(youth: Youth) -> dict:
    hidden = () if can_see_address(current_actor(), youth) else register.ADDRESS
    period = register.current_period(get_db(), youth.id)
    data = {
        name: getattr(period if name in register.PERIOD_FIELDS else youth, name)
        for name in register.EDITABLE
        if name not in hidden
    }
    for n, guardian in enumerate(register.guardians_of(get_db(), youth.id)[:2], start=1):
        for key in ("name", "street_address", "postal_code", "city", "phone"):
            if key not in hidden:
                data[f"guardian{n}_{key}"] = getattr(guardian, key)
    data["version"] = youth.version
    return data


@bp.route("/<int:youth_id>/redigera", methods=["GET", "POST"])
@require("register.write")
def edit(youth_id: int):
    youth = youth_or_404(youth_id, log=request.method == "GET")
    if request.method == "GET":
        form = _prepare(EditYouthForm(data=_edit_initial(youth)))
        get_db().commit()
        return render_template("register/form.html", **_form_context(form, [], youth))
    form = _prepare(EditYouthForm())
    errors: list[str] = []
    conflict = None
    if form.validate_on_submit():
        try:
            register.update_youth(
                get_db(),
                actor=current_actor(),
                youth_id=youth_id,
                version=form.version.data or 0,
                data=_youth_data(form),
            )
            return saved("Ändringarna är sparade.", url_for("register.person", youth_id=youth_id))
        except EditConflict as clash:
            get_db().rollback()
            conflict = clash.current
            form.version.data = conflict.version
            errors = [
                "Någon annan har sparat ändringar för den här personen medan du redigerade. "
                "Dina ändringar är inte sparade ännu: jämför med de aktuella uppgifterna "
                "nedan och spara igen."
            ]
        except Invalid as error:
            errors = rejected(form, error)
    record_read(get_db(), current_actor(), youth)  # shown again
    get_db().commit()
    return render_template(
        "register/form.html", **_form_context(form, errors, youth, conflict)
    ), 409 if conflict else 400
