"""Changing a group (/samverkan/grupper/<id>/redigera …): settings and members (those who
manage groups), standing items (also the group's convener)."""

from flask import render_template, url_for

from kaa_web.db import get_db
from kaa_web.forms.meetings import (
    EmptyForm,
    ExternalMemberForm,
    GroupSettingsForm,
    MoveForm,
    StandingItemForm,
)
from kaa_web.models.meetings import GroupMember, StandingItem
from kaa_web.permissions import current_actor, require
from kaa_web.services import meetings
from kaa_web.services.errors import Invalid
from kaa_web.views import already_saved, rejected, saved
from kaa_web.views.meetings.blueprint import bp, context_of, staff_choices


def _settings_form(group=None) -> GroupSettingsForm:
    """The settings form: filled from the group, or (without one) from the request."""
    form = GroupSettingsForm(formdata=None, obj=group) if group else GroupSettingsForm()
    form.convener_id.choices = staff_choices(get_db(), "Välj", convening=True)
    return form


def _edit_group_page(group_id: int, failed: dict | None = None, errors=(), status=200):
    """The edit page; `failed` holds the one form that came back with errors, by its key."""
    page = meetings.edit_group_page(get_db(), actor=current_actor(), group_id=group_id)
    failed = failed or {}
    member_forms = {
        m.id: failed.get(f"member-{m.id}")
        or ExternalMemberForm(prefix=f"deltagare{m.id}", formdata=None, obj=m)
        for m in page.members
        if m.staff_id is None
    }
    item_forms = {
        s.id: failed.get(f"item-{s.id}")
        or StandingItemForm(prefix=f"punkt{s.id}", formdata=None, obj=s)
        for s in page.standing
    }
    context = context_of(page) | dict(
        settings_form=failed.get("settings") or _settings_form(page.group),
        member_forms=member_forms,
        item_forms=item_forms,
        new_item_form=failed.get("new-item") or StandingItemForm(formdata=None),
        failed_form=next(iter(failed.values()), None),
        empty_form=EmptyForm(formdata=None),
        errors=errors,
    )
    return render_template("meetings/edit_group.html", **context), status


def _back(group_id: int, anchor: str) -> str:
    return url_for("meetings.edit_group", group_id=group_id, _anchor=anchor)


@bp.get("/samverkan/grupper/<int:group_id>/redigera")
@require("meetings.edit_groups")
def edit_group(group_id: int):
    return _edit_group_page(group_id)


@bp.post("/samverkan/grupper/<int:group_id>/andra")
@require("meetings.manage_groups")
def update_group(group_id: int):
    db, actor = get_db(), current_actor()
    group = meetings.get_group(db, actor=actor, group_id=group_id, may="manage")
    form = _settings_form()
    if not form.validate_on_submit():
        return _edit_group_page(group.id, {"settings": form}, status=400)
    if done := already_saved(form):
        return done
    try:
        meetings.update_group(db, actor=actor, group_id=group.id, **form.settings())
    except Invalid as error:
        return _edit_group_page(group.id, {"settings": form}, rejected(form, error), 400)
    return saved("Gruppen är ändrad.", _back(group.id, "installningar"), form)


@bp.post("/samverkan/grupper/<int:group_id>/deltagare/<int:member_id>")
@require("meetings.manage_groups")
def update_member(group_id: int, member_id: int):
    db, actor = get_db(), current_actor()
    group = meetings.get_group(db, actor=actor, group_id=group_id, may="manage")
    meetings.check_part(db, actor, GroupMember, member_id, group_id=group.id)
    form = ExternalMemberForm(prefix=f"deltagare{member_id}")
    failed = {f"member-{member_id}": form}
    if not form.validate_on_submit():
        return _edit_group_page(group.id, failed, status=400)
    if done := already_saved(form):
        return done
    try:
        meetings.update_member(
            db, actor=actor, group_id=group.id, member_id=member_id, data=form.member_data()
        )
    except Invalid as error:
        return _edit_group_page(group.id, failed, rejected(form, error), 400)
    return saved("Deltagaren är ändrad.", _back(group.id, "deltagare"), form)


@bp.post("/samverkan/grupper/<int:group_id>/deltagare/<int:member_id>/ta-bort")
@require("meetings.manage_groups")
def remove_member(group_id: int, member_id: int):
    db, actor = get_db(), current_actor()
    group = meetings.get_group(db, actor=actor, group_id=group_id, may="manage")
    form = EmptyForm()
    if not form.validate_on_submit():
        return _edit_group_page(group.id, {"remove": form}, status=400)
    try:
        meetings.remove_member(db, actor=actor, group_id=group.id, member_id=member_id)
    except Invalid as error:
        return _edit_group_page(group.id, {"remove": form}, rejected(form, error), 400)
    return saved("Deltagaren är borttagen ur gruppen.", _back(group.id, "deltagare"), form)


@bp.post("/samverkan/grupper/<int:group_id>/staende-punkter")
@require("meetings.edit_groups")
def add_standing_item(group_id: int):
    db, actor = get_db(), current_actor()
    group = meetings.get_group(db, actor=actor, group_id=group_id, may="edit")
    form = StandingItemForm()
    if not form.validate_on_submit():
        return _edit_group_page(group.id, {"new-item": form}, status=400)
    if done := already_saved(form):
        return done
    try:
        meetings.add_standing_item(db, actor=actor, group_id=group.id, **form.item_fields())
    except Invalid as error:
        return _edit_group_page(group.id, {"new-item": form}, rejected(form, error), 400)
    return saved("Punkten är tillagd.", _back(group.id, "staende"), form)


@bp.post("/samverkan/grupper/<int:group_id>/staende-punkter/<int:item_id>")
@require("meetings.edit_groups")
def update_standing_item(group_id: int, item_id: int):
    db, actor = get_db(), current_actor()
    group = meetings.get_group(db, actor=actor, group_id=group_id, may="edit")
    meetings.check_part(db, actor, StandingItem, item_id, group_id=group.id)
    form = StandingItemForm(prefix=f"punkt{item_id}")
    failed = {f"item-{item_id}": form}
    if not form.validate_on_submit():
        return _edit_group_page(group.id, failed, status=400)
    if done := already_saved(form):
        return done
    try:
        meetings.update_standing_item(
            db, actor=actor, group_id=group.id, item_id=item_id, **form.item_fields()
        )
    except Invalid as error:
        return _edit_group_page(group.id, failed, rejected(form, error), 400)
    return saved("Punkten är ändrad.", _back(group.id, "staende"), form)


@bp.post("/samverkan/grupper/<int:group_id>/staende-punkter/<int:item_id>/ta-bort")
@require("meetings.edit_groups")
def remove_standing_item(group_id: int, item_id: int):
    db, actor = get_db(), current_actor()
    group = meetings.get_group(db, actor=actor, group_id=group_id, may="edit")
    form = EmptyForm()
    if not form.validate_on_submit():
        return _edit_group_page(group.id, {"remove": form}, status=400)
    try:
        meetings.remove_standing_item(db, actor=actor, group_id=group.id, item_id=item_id)
    except Invalid as error:
        return _edit_group_page(group.id, {"remove": form}, rejected(form, error), 400)
    return saved("Punkten är borttagen.", _back(group.id, "staende"), form)


@bp.post("/samverkan/grupper/<int:group_id>/staende-punkter/<int:item_id>/flytta")
@require("meetings.edit_groups")
def move_standing_item(group_id: int, item_id: int):
    db, actor = get_db(), current_actor()
    group = meetings.get_group(db, actor=actor, group_id=group_id, may="edit")
    form = MoveForm()
    if not form.validate_on_submit():
        return _edit_group_page(group.id, {"move": form}, status=400)
    try:
        meetings.move_standing_item(
            db, actor=actor, group_id=group.id, item_id=item_id, **form.move()
        )
    except Invalid as error:
        return _edit_group_page(group.id, {"move": form}, rejected(form, error), 400)
    return saved("Punkten är flyttad.", _back(group.id, "staende"), form)
