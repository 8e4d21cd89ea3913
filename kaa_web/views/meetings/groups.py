"""Collaboration groups: the list, a new group, a group's page with its members and action
points (/samverkan, /samverkan/grupper/<id>, /samverkan/atgardspunkter/<id>/…)."""

from flask import abort, render_template, request, url_for

from kaa_web.db import get_db
from kaa_web.forms import db_int
from kaa_web.forms.meetings import EmptyForm, GroupForm, MemberForm
from kaa_web.htmx import local_path
from kaa_web.permissions import current_actor, require
from kaa_web.services import meetings
from kaa_web.services.errors import Invalid
from kaa_web.views import already_saved, rejected, saved
from kaa_web.views.meetings.blueprint import bp, context_of, staff_choices


@bp.get("/samverkan")
@require("meetings.use")
def index():
    page = meetings.groups_page(get_db(), actor=current_actor())
    return render_template("meetings/index.html", **context_of(page))


def _group_form() -> GroupForm:
    form = GroupForm()
    form.convener_id.choices = staff_choices(get_db(), "Välj", convening=True)
    return form


def _new_group_page(form, errors=(), status=200):
    return render_template("meetings/new_group.html", form=form, errors=errors), status


@bp.get("/samverkan/ny-grupp")
@require("meetings.manage_groups")
def new_group():
    return _new_group_page(_group_form())


@bp.post("/samverkan/ny-grupp")
@require("meetings.manage_groups")
def create_group():
    form = _group_form()
    if not form.validate_on_submit():
        return _new_group_page(form, status=400)
    if done := already_saved(form):
        return done
    try:
        group = meetings.create_group(
            get_db(),
            actor=current_actor(),
            **form.settings(),
            standing_items=form.standing_item_rows(),
        )
    except Invalid as error:
        return _new_group_page(form, rejected(form, error), 400)
    return saved("Gruppen är skapad.", url_for("meetings.group", group_id=group.id), form)


def _member_form() -> MemberForm:
    form = MemberForm()
    form.staff_id.choices = staff_choices(get_db(), "Ingen – en extern deltagare")
    return form


def _group_page(group_id: int, member_form=None, errors=(), status=200):
    """The group; its meetings and action points only for those who may read them."""
    page = meetings.group_page(get_db(), actor=current_actor(), group_id=group_id)
    context = context_of(page) | dict(
        reassign_to=page.reassign_to,
        member_form=member_form or _member_form(),
        errors=errors,
    )
    return render_template("meetings/group.html", **context), status


@bp.get("/samverkan/grupper/<int:group_id>")
@require("meetings.use")
def group(group_id: int):
    return _group_page(group_id)


@bp.post("/samverkan/grupper/<int:group_id>/deltagare")
@require("meetings.manage_groups")
def add_member(group_id: int):
    db, actor = get_db(), current_actor()
    group = meetings.get_group(db, actor=actor, group_id=group_id, may="manage")
    form = _member_form()
    if not form.validate_on_submit():
        return _group_page(group.id, form, status=400)
    if done := already_saved(form):
        return done
    try:
        meetings.add_member(db, actor=actor, group_id=group.id, data=form.member_data())
    except Invalid as error:
        return _group_page(group.id, form, rejected(form, error), 400)
    return saved("Deltagaren är tillagd.", url_for("meetings.group", group_id=group.id), form)


@bp.post("/samverkan/atgardspunkter/<int:action_point_id>/klar")
@require("meetings.attend")
def complete_action(action_point_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    point = meetings.complete_action_point(
        get_db(), actor=current_actor(), action_point_id=action_point_id
    )
    group_page = url_for("meetings.group", group_id=point.group_id)
    back = local_path(request.form.get("tillbaka"), group_page)
    return saved("Åtgärdspunkten är klar.", back)


@bp.post("/samverkan/atgardspunkter/<int:action_point_id>/ge-till")
@require("meetings.convene")
def reassign_action(action_point_id: int):
    db, actor = get_db(), current_actor()
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        point = meetings.reassign_action_point(
            db,
            actor=actor,
            action_point_id=action_point_id,
            member_id=request.form.get("member_id", type=db_int),
        )
    except Invalid as error:
        db.rollback()
        point, _ = meetings.get_action_point(db, actor=actor, action_point_id=action_point_id)
        return _group_page(point.group_id, errors=error.messages, status=400)
    location = url_for("meetings.group", group_id=point.group_id, _anchor="atgarder")
    return saved("Åtgärdspunkten har fått en ny ansvarig.", location)
