"""Planning a meeting and changing it before it is held: its details and agenda
(/samverkan/grupper/<id>/planera, /samverkan/moten/<id>/redigera, …/dagordning/…)."""

from flask import render_template, request, url_for

from kaa_web.db import get_db
from kaa_web.forms import choices
from kaa_web.forms.meetings import (
    AgendaItemForm,
    EmptyForm,
    MeetingDetailsForm,
    MoveForm,
    PlanMeetingForm,
)
from kaa_web.models.meetings import AgendaItem
from kaa_web.permissions import current_actor, require
from kaa_web.services import meetings
from kaa_web.services.errors import Invalid
from kaa_web.views import already_saved, rejected, saved
from kaa_web.views.meetings.blueprint import bp, context_of


def _convener_choices(form, conveners) -> None:
    form.convener_id.choices = choices([(s.id, s.display_name) for s in conveners])


def _plan_page(group_id: int, form=None, errors=(), status=200):
    """The planning form, from the group's standing items and convener unless posted."""
    page = meetings.plan_page(get_db(), actor=current_actor(), group_id=group_id)
    if form is None:
        form = PlanMeetingForm()
        _plan_choices(form, page)
    context = dict(group=page.group, form=form, open_points=page.open_points, errors=errors)
    return render_template("meetings/plan.html", **context), status


def _plan_choices(form, page) -> None:
    form.standing_item_ids.choices = choices([(s.id, s.title) for s in page.standing])
    _convener_choices(form, page.conveners)
    if request.method == "GET":
        form.standing_item_ids.data = [s.id for s in page.standing]
        form.convener_id.data = page.group.convener_id


@bp.get("/samverkan/grupper/<int:group_id>/planera")
@require("meetings.convene")
def plan(group_id: int):
    return _plan_page(group_id)


@bp.post("/samverkan/grupper/<int:group_id>/planera")
@require("meetings.convene")
def create_meeting(group_id: int):
    db, actor = get_db(), current_actor()
    page = meetings.plan_page(db, actor=actor, group_id=group_id)
    form = PlanMeetingForm()
    _plan_choices(form, page)
    if not form.validate_on_submit():
        return _plan_page(group_id, form, status=400)
    if done := already_saved(form):
        return done
    try:
        meeting = meetings.plan_meeting(
            db,
            actor=actor,
            group_id=page.group.id,
            **form.details(),
            standing_item_ids=form.standing_item_ids.data or [],
            extra_items=form.extras(),
        )
    except Invalid as error:
        return _plan_page(group_id, form, rejected(form, error), 400)
    return saved("Mötet är planerat.", url_for("meetings.meeting", meeting_id=meeting.id), form)


def _edit_page(meeting_id: int, failed: dict | None = None, errors=(), status=200):
    """The meeting's details and its agenda, each item with its own form."""
    page = meetings.edit_meeting_page(get_db(), actor=current_actor(), meeting_id=meeting_id)
    failed = failed or {}
    details = failed.get("details") or MeetingDetailsForm(formdata=None, obj=page.meeting)
    _convener_choices(details, page.conveners)
    item_forms = {
        item.id: failed.get(f"item-{item.id}")
        or AgendaItemForm(prefix=f"punkt{item.id}", formdata=None, obj=item)
        for item in page.agenda
    }
    context = context_of(page) | dict(
        details=details,
        item_forms=item_forms,
        new_item=failed.get("new") or AgendaItemForm(prefix="ny", formdata=None),
        empty_form=EmptyForm(formdata=None),
        errors=errors,
        failed=failed,
    )
    return render_template("meetings/edit.html", **context), status


def _back(meeting_id: int, anchor: str | None = None) -> str:
    return url_for("meetings.edit", meeting_id=meeting_id, _anchor=anchor)


def _runs(meeting_id: int) -> None:
    """A logged 404 unless the user runs the meeting: checked before a form is read."""
    meetings.get_meeting(get_db(), actor=current_actor(), meeting_id=meeting_id, may="run")


@bp.get("/samverkan/moten/<int:meeting_id>/redigera")
@require("meetings.convene")
def edit(meeting_id: int):
    return _edit_page(meeting_id)


@bp.post("/samverkan/moten/<int:meeting_id>/redigera")
@require("meetings.convene")
def update(meeting_id: int):
    _runs(meeting_id)
    form = MeetingDetailsForm()
    if not form.validate_on_submit():
        return _edit_page(meeting_id, {"details": form}, status=400)
    try:
        meetings.update_meeting(
            get_db(), actor=current_actor(), meeting_id=meeting_id, **form.details()
        )
    except Invalid as error:
        return _edit_page(meeting_id, {"details": form}, rejected(form, error), 400)
    return saved("Mötet är ändrat.", _back(meeting_id), form)


@bp.post("/samverkan/moten/<int:meeting_id>/dagordning/ny-punkt")
@require("meetings.convene")
def add_item(meeting_id: int):
    _runs(meeting_id)
    form = AgendaItemForm(prefix="ny")
    if not form.validate_on_submit():
        return _edit_page(meeting_id, {"new": form}, status=400)
    if done := already_saved(form):
        return done
    try:
        meetings.add_agenda_item(
            get_db(), actor=current_actor(), meeting_id=meeting_id, data=form.item_data()
        )
    except Invalid as error:
        return _edit_page(meeting_id, {"new": form}, rejected(form, error), 400)
    return saved("Punkten är tillagd.", _back(meeting_id, "dagordning"), form)


@bp.post("/samverkan/moten/<int:meeting_id>/dagordning/<int:item_id>")
@require("meetings.convene")
def update_item(meeting_id: int, item_id: int):
    db, actor = get_db(), current_actor()
    meetings.check_part(db, actor, AgendaItem, item_id, meeting_id=meeting_id)
    _runs(meeting_id)
    form = AgendaItemForm(prefix=f"punkt{item_id}")
    failed = {f"item-{item_id}": form}
    if not form.validate_on_submit():
        return _edit_page(meeting_id, failed, status=400)
    if done := already_saved(form):
        return done
    try:
        meetings.update_agenda_item(
            db, actor=actor, meeting_id=meeting_id, item_id=item_id, data=form.item_data()
        )
    except Invalid as error:
        return _edit_page(meeting_id, failed, rejected(form, error), 400)
    return saved("Punkten är ändrad.", _back(meeting_id, f"punkt-{item_id}"), form)


@bp.post("/samverkan/moten/<int:meeting_id>/dagordning/<int:item_id>/ta-bort")
@require("meetings.convene")
def remove_item(meeting_id: int, item_id: int):
    _runs(meeting_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        return _edit_page(meeting_id, {"remove": form}, status=400)
    try:
        meetings.remove_agenda_item(
            get_db(), actor=current_actor(), meeting_id=meeting_id, item_id=item_id
        )
    except Invalid as error:
        return _edit_page(meeting_id, {"remove": form}, rejected(form, error), 400)
    return saved("Punkten är borttagen.", _back(meeting_id, "dagordning"), form)


@bp.post("/samverkan/moten/<int:meeting_id>/dagordning/<int:item_id>/flytta")
@require("meetings.convene")
def move_item(meeting_id: int, item_id: int):
    _runs(meeting_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return _edit_page(meeting_id, {"move": form}, status=400)
    try:
        meetings.move_agenda_item(
            get_db(), actor=current_actor(), meeting_id=meeting_id, item_id=item_id, **form.move()
        )
    except Invalid as error:
        return _edit_page(meeting_id, {"move": form}, rejected(form, error), 400)
    return saved("Dagordningen är ändrad.", _back(meeting_id, f"punkt-{item_id}"), form)


@bp.post("/samverkan/moten/<int:meeting_id>/stall-in")
@require("meetings.convene")
def cancel(meeting_id: int):
    _runs(meeting_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        return _edit_page(meeting_id, {"cancel": form}, status=400)
    try:
        meetings.cancel_meeting(get_db(), actor=current_actor(), meeting_id=meeting_id)
    except Invalid as error:
        return _edit_page(meeting_id, {"cancel": form}, rejected(form, error), 400)
    return saved("Mötet är inställt.", url_for("meetings.meeting", meeting_id=meeting_id), form)
