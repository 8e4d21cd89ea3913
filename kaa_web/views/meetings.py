"""Collaboration groups and their meetings: group page, planning, agenda, recording, minutes."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

from flask import Blueprint, abort, render_template, request, send_file, url_for
from sqlmodel import select

from kaa_web.db import get_db
from kaa_web.documents import TemplateRenderError
from kaa_web.forms import choices, text_of
from kaa_web.forms.meetings import (
    ActionPointForm,
    AddendumForm,
    AdjustForm,
    AgendaItemForm,
    DecisionForm,
    DocumentForm,
    EmptyForm,
    ExternalMemberForm,
    GroupForm,
    GroupSettingsForm,
    MeetingDetailsForm,
    MemberForm,
    MoveForm,
    NotesForm,
    PlanMeetingForm,
    StandingItemForm,
)
from kaa_web.htmx import is_partial
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import local_today
from kaa_web.models.meetings import (
    ATTENDANCE,
    FREQUENCIES,
    GROUP_KINDS,
    ITEM_KINDS,
    ORGANISATIONS,
    YOUTH_FILTERS,
    ActionPoint,
    AgendaItem,
    GroupMember,
    StandingItem,
)
from kaa_web.permissions import current_actor, require
from kaa_web.services import meetings
from kaa_web.services.errors import Invalid, NotFound
from kaa_web.views import already_saved, rejected, saved

bp = Blueprint("meetings", __name__)


@bp.context_processor
def _labels() -> dict:
    return {
        "ATTENDANCE": ATTENDANCE,
        "FREQUENCIES": FREQUENCIES,
        "GROUP_KINDS": GROUP_KINDS,
        "ITEM_KINDS": ITEM_KINDS,
        "ORGANISATIONS": ORGANISATIONS,
        "YOUTH_FILTERS": YOUTH_FILTERS,
        "organisation_label": meetings.organisation_label,
    }


def _id_or_none(text: str) -> int | None:
    """A database id typed into a hand-parsed form field, or None."""
    return int(text) if re.fullmatch(r"[0-9]{1,9}", text or "") else None


def _local_path(value: str, fallback: str) -> str:
    """`value` if it is a path on this site, else `fallback` (never a redirect elsewhere)."""
    if any(c in value for c in "\t\r\n\\") or not value.startswith("/") or value.startswith("//"):
        return fallback
    parts = urlsplit(value)
    return fallback if parts.scheme or parts.netloc else value


def _part_or_404(model, object_id: int, **parent: int) -> None:
    try:
        meetings.check_part(get_db(), current_actor(), model, object_id, **parent)
    except NotFound:
        abort(404)


def _staff_choices(blank: str, allowed=meetings.may_take_part):
    """Directory users who may take part (or, with `may_convene`, convene)."""
    db = get_db()
    staff = db.exec(select(StaffUser).order_by(StaffUser.display_name)).all()
    return choices([(s.id, s.display_name) for s in staff if allowed(s)], blank=blank)


def _submit(form, action, message: str | None, location, page):
    """Validate the form and run the service call: redirect to `location` with the message,
    or roll back and return `page(form, errors)` (the page with the form as typed, 400).

    A form submitted a second time (see kaa_web.once) changes nothing and goes where the
    first went."""
    if not form.validate_on_submit():
        return page(form, [])
    if done := already_saved(form):
        return done
    db = get_db()
    try:
        result = action()
    except NotFound:
        db.rollback()
        abort(404)
    except Invalid as error:
        return page(form, rejected(form, error))
    location = location(result) if callable(location) else location
    return saved(message, location, form)


# --- groups -----------------------------------------------------------------------------------


@bp.get("/samverkan")
@require("meetings.use")
def index():
    actor = current_actor()
    groups = meetings.list_groups(get_db(), actor=actor)
    return render_template(
        "meetings/index.html", groups=groups, can_create=actor.has_role(*meetings.MANAGERS)
    )


def _group_form() -> GroupForm:
    form = GroupForm()
    form.convener_id.choices = _staff_choices("Välj", meetings.may_convene)
    return form


def _new_group_page(form, errors=(), status=200):
    return render_template("meetings/new_group.html", form=form, errors=errors), status


@bp.get("/samverkan/ny-grupp")
@require("meetings.manage")
def new_group():
    if not current_actor().has_role(*meetings.MANAGERS):
        abort(404)
    return _new_group_page(_group_form())


@bp.post("/samverkan/ny-grupp")
@require("meetings.manage")
def create_group():
    db, actor = get_db(), current_actor()
    form = _group_form()

    def action():
        titles = [t.strip() for t in (form.standing_items.data or "").splitlines() if t.strip()]
        items = [(t, "") for t in titles]
        if form.review_filter.data:
            items.insert(0, ("Genomgång av aktuella ungdomar", form.review_filter.data))
        return meetings.create_group(
            db,
            actor=actor,
            name=text_of(form.name),
            kind=form.kind.data,
            frequency=form.frequency.data,
            convener_id=form.convener_id.data,
            standing_items=items,
        )

    def location(group):
        return url_for("meetings.group", group_id=group.id)

    return _submit(form, action, "Gruppen är skapad.", location, _new_group_failed)


def _new_group_failed(form, errors):
    return _new_group_page(form, errors, 400)


def _member_form() -> MemberForm:
    form = MemberForm()
    form.staff_id.choices = _staff_choices("Ingen – en extern deltagare")
    return form


def _group_or_404(group_id: int):
    try:
        return meetings.get_group(get_db(), actor=current_actor(), group_id=group_id)
    except NotFound:
        abort(404)


def _group_page(group, member_form=None, errors=(), status=200):
    db, actor = get_db(), current_actor()
    today = local_today()
    upcoming, past = meetings.meetings_of(db, group.id, today)
    context = dict(
        group=group,
        members=meetings.members_of(db, group.id),
        standing=meetings.standing_items_of(db, group.id),
        upcoming=upcoming,
        past=past,
        actions=meetings.action_points(db, group.id, today=today, staff_id=actor.staff_id),
        reassign_to=[(m.id, m.name) for m in meetings.members_of(db, group.id)],
        can_run=meetings.can_run(db, actor, group),
        can_manage=actor.has_role(*meetings.MANAGERS),
        member_form=member_form or _member_form(),
        errors=errors,
    )
    return render_template("meetings/group.html", **context), status


@bp.get("/samverkan/grupper/<int:group_id>")
@require("meetings.use")
def group(group_id: int):
    return _group_page(_group_or_404(group_id))


@bp.post("/samverkan/grupper/<int:group_id>/deltagare")
@require("meetings.manage")
def add_member(group_id: int):
    db, actor = get_db(), current_actor()
    group = _group_or_404(group_id)
    form = _member_form()

    def action():
        data = meetings.MemberData(
            name=text_of(form.name),
            organisation=form.organisation.data or "kommunen",
            organisation_name=text_of(form.organisation_name),
            staff_id=form.staff_id.data,
            email=text_of(form.email),
        )
        meetings.add_member(db, actor=actor, group_id=group.id, data=data)

    def page(failed, errors):
        return _group_page(group, failed, errors, 400)

    location = url_for("meetings.group", group_id=group.id)
    return _submit(form, action, "Deltagaren är tillagd.", location, page)


# --- changing a group: settings and members (chef/admin), standing items (also the convener) ---


def _editable_group_or_404(group_id: int):
    """The group if the actor may use the edit page (chef/admin or the convener); else 404."""
    try:
        return meetings.editable_group(get_db(), actor=current_actor(), group_id=group_id)
    except NotFound:
        abort(404)


def _managed_group_or_404(group_id: int):
    """The group if the actor may change its settings and members (chef/admin); else 404."""
    try:
        return meetings.managed_group(get_db(), actor=current_actor(), group_id=group_id)
    except NotFound:
        abort(404)


def _settings_form(group=None) -> GroupSettingsForm:
    """The settings form: filled from the group, or (without one) from the request."""
    form = GroupSettingsForm(formdata=None, obj=group) if group else GroupSettingsForm()
    form.convener_id.choices = _staff_choices("Välj", meetings.may_convene)
    return form


def _edit_group_page(group, failed: dict | None = None, errors=(), status=200):
    """The edit page; `failed` holds the one form that came back with errors, by its key."""
    db, actor = get_db(), current_actor()
    failed = failed or {}
    can_manage = actor.has_role(*meetings.MANAGERS)
    members = meetings.members_of(db, group.id) if can_manage else []
    member_forms = {
        m.id: failed.get(f"member-{m.id}")
        or ExternalMemberForm(prefix=f"deltagare{m.id}", formdata=None, obj=m)
        for m in members
        if m.staff_id is None
    }
    standing = meetings.standing_items_of(db, group.id)
    item_forms = {
        s.id: failed.get(f"item-{s.id}")
        or StandingItemForm(prefix=f"punkt{s.id}", formdata=None, obj=s)
        for s in standing
    }
    context = dict(
        group=group,
        can_manage=can_manage,
        settings_form=failed.get("settings") or _settings_form(group),
        members=members,
        member_forms=member_forms,
        standing=standing,
        item_forms=item_forms,
        new_item_form=failed.get("new-item") or StandingItemForm(formdata=None),
        failed_form=next(iter(failed.values()), None),
        empty_form=EmptyForm(formdata=None),
        errors=errors,
    )
    return render_template("meetings/edit_group.html", **context), status


def _group_edited(group, key: str, form, action, message: str, anchor: str):
    location = url_for("meetings.edit_group", group_id=group.id, _anchor=anchor)

    def page(failed, errors):
        return _edit_group_page(group, {key: failed}, errors, 400)

    return _submit(form, action, message, location, page)


@bp.get("/samverkan/grupper/<int:group_id>/redigera")
@require("meetings.use")
def edit_group(group_id: int):
    return _edit_group_page(_editable_group_or_404(group_id))


@bp.post("/samverkan/grupper/<int:group_id>/andra")
@require("meetings.use")
def update_group(group_id: int):
    db, actor = get_db(), current_actor()
    group = _managed_group_or_404(group_id)
    form = _settings_form()

    def action():
        meetings.update_group(
            db,
            actor=actor,
            group_id=group.id,
            name=text_of(form.name),
            kind=form.kind.data,
            frequency=form.frequency.data,
            convener_id=form.convener_id.data,
        )

    return _group_edited(group, "settings", form, action, "Gruppen är ändrad.", "installningar")


@bp.post("/samverkan/grupper/<int:group_id>/deltagare/<int:member_id>")
@require("meetings.use")
def update_member(group_id: int, member_id: int):
    db, actor = get_db(), current_actor()
    group = _managed_group_or_404(group_id)
    _part_or_404(GroupMember, member_id, group_id=group.id)
    form = ExternalMemberForm(prefix=f"deltagare{member_id}")

    def action():
        data = meetings.MemberData(
            name=text_of(form.name),
            organisation=form.organisation.data or "",
            organisation_name=text_of(form.organisation_name),
            email=text_of(form.email),
        )
        meetings.update_member(db, actor=actor, group_id=group.id, member_id=member_id, data=data)

    key = f"member-{member_id}"
    return _group_edited(group, key, form, action, "Deltagaren är ändrad.", "deltagare")


@bp.post("/samverkan/grupper/<int:group_id>/deltagare/<int:member_id>/ta-bort")
@require("meetings.use")
def remove_member(group_id: int, member_id: int):
    db, actor = get_db(), current_actor()
    group = _managed_group_or_404(group_id)

    def action():
        meetings.remove_member(db, actor=actor, group_id=group.id, member_id=member_id)

    form = EmptyForm()
    return _group_edited(
        group, "remove", form, action, "Deltagaren är borttagen ur gruppen.", "deltagare"
    )


def _item_action(form, group_id: int, item_id: int | None = None):
    db, actor = get_db(), current_actor()
    fields = dict(
        title=text_of(form.title),
        youth_filter=form.youth_filter.data or "",
        minutes=form.minutes.data,
    )
    if item_id is None:
        return lambda: meetings.add_standing_item(db, actor=actor, group_id=group_id, **fields)
    return lambda: meetings.update_standing_item(
        db, actor=actor, group_id=group_id, item_id=item_id, **fields
    )


@bp.post("/samverkan/grupper/<int:group_id>/staende-punkter")
@require("meetings.use")
def add_standing_item(group_id: int):
    group = _editable_group_or_404(group_id)
    form = StandingItemForm()
    action = _item_action(form, group.id)
    return _group_edited(group, "new-item", form, action, "Punkten är tillagd.", "staende")


@bp.post("/samverkan/grupper/<int:group_id>/staende-punkter/<int:item_id>")
@require("meetings.use")
def update_standing_item(group_id: int, item_id: int):
    group = _editable_group_or_404(group_id)
    _part_or_404(StandingItem, item_id, group_id=group.id)
    form = StandingItemForm(prefix=f"punkt{item_id}")
    action = _item_action(form, group.id, item_id)
    return _group_edited(group, f"item-{item_id}", form, action, "Punkten är ändrad.", "staende")


@bp.post("/samverkan/grupper/<int:group_id>/staende-punkter/<int:item_id>/ta-bort")
@require("meetings.use")
def remove_standing_item(group_id: int, item_id: int):
    db, actor = get_db(), current_actor()
    group = _editable_group_or_404(group_id)

    def action():
        meetings.remove_standing_item(db, actor=actor, group_id=group.id, item_id=item_id)

    return _group_edited(group, "remove", EmptyForm(), action, "Punkten är borttagen.", "staende")


@bp.post("/samverkan/grupper/<int:group_id>/staende-punkter/<int:item_id>/flytta")
@require("meetings.use")
def move_standing_item(group_id: int, item_id: int):
    db, actor = get_db(), current_actor()
    group = _editable_group_or_404(group_id)
    form = MoveForm()

    def action():
        meetings.move_standing_item(
            db,
            actor=actor,
            group_id=group.id,
            item_id=item_id,
            direction=form.direction.data,
            from_position=form.position.data,
        )

    return _group_edited(group, "move", form, action, "Punkten är flyttad.", "staende")


@bp.post("/samverkan/atgardspunkter/<int:action_point_id>/klar")
@require("meetings.use")
def complete_action(action_point_id: int):
    db = get_db()
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        point = meetings.complete_action_point(
            db, actor=current_actor(), action_point_id=action_point_id
        )
    except NotFound:
        abort(404)
    group_page = url_for("meetings.group", group_id=point.group_id)
    back = _local_path(request.form.get("tillbaka", ""), group_page)
    return saved("Åtgärdspunkten är klar.", back)


@bp.post("/samverkan/atgardspunkter/<int:action_point_id>/ge-till")
@require("meetings.manage")
def reassign_action(action_point_id: int):
    db, actor = get_db(), current_actor()
    if not EmptyForm().validate_on_submit():
        abort(400)
    member_id = request.form.get("member_id", "")
    try:
        point = meetings.reassign_action_point(
            db,
            actor=actor,
            action_point_id=action_point_id,
            member_id=_id_or_none(member_id),
        )
    except NotFound:
        abort(404)
    except Invalid as error:
        db.rollback()
        group_id = db.exec(
            select(ActionPoint.group_id).where(ActionPoint.id == action_point_id)
        ).one()
        return _group_page(_group_or_404(group_id), errors=error.messages, status=400)
    location = url_for("meetings.group", group_id=point.group_id, _anchor="atgarder")
    return saved("Åtgärdspunkten har fått en ny ansvarig.", location)


# --- planning ---------------------------------------------------------------------------------


def _convener_choices(form, group) -> None:
    conveners = meetings.possible_conveners(get_db(), group.id)
    form.convener_id.choices = choices([(s.id, s.display_name) for s in conveners])


def _plan_form(group) -> PlanMeetingForm:
    standing = meetings.standing_items_of(get_db(), group.id)
    form = PlanMeetingForm()
    form.standing_item_ids.choices = choices([(s.id, s.title) for s in standing])
    _convener_choices(form, group)
    if request.method == "GET":
        form.standing_item_ids.data = [s.id for s in standing]
        form.convener_id.data = group.convener_id
    return form


def _runnable_group_or_404(group_id: int):
    group = _group_or_404(group_id)
    if not meetings.can_run(get_db(), current_actor(), group):
        abort(404)
    return group


@bp.get("/samverkan/grupper/<int:group_id>/planera")
@require("meetings.manage")
def plan(group_id: int):
    group = _runnable_group_or_404(group_id)
    open_points = meetings.action_points(get_db(), group.id)
    return render_template(
        "meetings/plan.html", group=group, form=_plan_form(group), open_points=open_points
    )


@bp.post("/samverkan/grupper/<int:group_id>/planera")
@require("meetings.manage")
def create_meeting(group_id: int):
    db, actor = get_db(), current_actor()
    group = _runnable_group_or_404(group_id)
    form = _plan_form(group)

    def action():
        extra = [
            meetings.ExtraItem(text_of(row.title), text_of(row.owner), row.minutes.data or 10)
            for row in form.extra_items
        ]
        return meetings.plan_meeting(
            db,
            actor=actor,
            group_id=group.id,
            on=form.on.data,
            starts_at=form.starts_at.data,
            place=text_of(form.place),
            standing_item_ids=form.standing_item_ids.data or [],
            extra_items=extra,
            convener_id=form.convener_id.data,
        )

    def location(meeting):
        return url_for("meetings.meeting", meeting_id=meeting.id)

    def page(failed, errors):
        open_points = meetings.action_points(db, group.id)
        html = render_template(
            "meetings/plan.html", group=group, form=failed, open_points=open_points, errors=errors
        )
        return html, 400

    return _submit(form, action, "Mötet är planerat.", location, page)


# --- the meeting ------------------------------------------------------------------------------


def _item_forms(items, failed: dict) -> dict:
    """Per agenda item: its notes form and decision form (the failed one keeps its input)."""
    forms = {}
    named = meetings.named_people(items)
    for view in items:
        item_id = view.item.id
        notes = failed.get(f"notes-{item_id}") or NotesForm(
            prefix=f"punkt{item_id}", formdata=None, notes=view.item.notes
        )
        decision = failed.get(f"decision-{item_id}") or DecisionForm(
            prefix=f"beslut{item_id}", formdata=None
        )
        decision.youth_id.choices = choices(named, blank="Ingen namngiven ungdom")
        forms[item_id] = (notes, decision)
    return forms


def _meeting_page(meeting_id: int, *, recording: bool, forms=None, errors=(), status=200):
    db, actor = get_db(), current_actor()
    try:
        meeting, group, items = meetings.view_agenda(db, actor=actor, meeting_id=meeting_id)
    except NotFound:
        abort(404)
    can_run = meetings.can_run(db, actor, group, meeting)
    if recording and not can_run:
        abort(404)
    members = meetings.members_for_meeting(db, meeting)
    forms = forms or {}
    action_form = forms.get("action") or ActionPointForm(formdata=None)
    active = [(m.id, m.name) for m in members if m.removed_at is None]
    action_form.member_id.choices = choices(active, blank="Välj")
    context = dict(
        meeting=meeting,
        group=group,
        agenda=items,
        members=members,
        attendance=meetings.attendance_of(db, meeting.id),
        actions=meetings.action_points(
            db, group.id, meeting_id=meeting.id, staff_id=actor.staff_id
        ),
        addenda=meetings.addenda_of(db, meeting.id),
        recording=recording,
        can_run=can_run,
        documents=meetings.meeting_documents(db, meeting.id),
        today=local_today(),
        notice_form=DocumentForm(prefix="kallelse", formdata=None),
        minutes_form=DocumentForm(prefix="protokoll", formdata=None),
        item_forms=_item_forms(items, forms),
        action_form=action_form,
        adjust_form=forms.get("adjust") or AdjustForm(formdata=None),
        addendum_form=forms.get("addendum") or AddendumForm(formdata=None),
        empty_form=EmptyForm(formdata=None),
        errors=errors,
    )
    db.commit()  # the audit events of the named people shown
    return render_template("meetings/meeting.html", **context), status


@bp.get("/samverkan/moten/<int:meeting_id>")
@require("meetings.use")
def meeting(meeting_id: int):
    return _meeting_page(meeting_id, recording=False)


@bp.get("/samverkan/moten/<int:meeting_id>/protokollfor")
@require("meetings.manage")
def record(meeting_id: int):
    return _meeting_page(meeting_id, recording=True)


def _call(meeting_id: int, key: str, form, action, message: str, anchor: str | None = None):
    """A change made while recording the meeting: back to the recording page."""
    location = url_for("meetings.record", meeting_id=meeting_id, _anchor=anchor)

    def page(failed, errors):
        forms = {key: failed}
        return _meeting_page(meeting_id, recording=True, forms=forms, errors=errors, status=400)

    return _submit(form, action, message, location, page)


@bp.post("/samverkan/moten/<int:meeting_id>/narvaro")
@require("meetings.manage")
def attendance(meeting_id: int):
    db, actor = get_db(), current_actor()
    statuses = {
        member_id: value
        for key, value in request.form.items()
        if key.startswith("narvaro-") and (member_id := _id_or_none(key.removeprefix("narvaro-")))
    }

    def action():
        meetings.record_attendance(db, actor=actor, meeting_id=meeting_id, statuses=statuses)

    form = EmptyForm()
    if is_partial():

        def context():
            meeting, _ = meetings.get_meeting(db, actor=actor, meeting_id=meeting_id)
            return dict(
                meeting=meeting,
                members=meetings.members_for_meeting(db, meeting),
                attendance=meetings.attendance_of(db, meeting_id),
            )

        return _saved_in_place(form, action, "meetings/_attendance_form.html", context)
    return _call(meeting_id, "attendance", form, action, "Närvaron är sparad.", "narvaro")


def _saved_in_place(form, action, template: str, context):
    """An htmx save that swaps only its own form, so what is typed elsewhere on the page stays.

    Problems are shown in the form (status 200, so htmx swaps it in)."""
    db = get_db()
    problem = None
    if not form.validate_on_submit():
        problem = "Det gick inte att spara. Ladda om sidan och försök igen."
    else:
        try:
            action()
            db.commit()
        except NotFound:
            db.rollback()
            abort(404)
        except Invalid as error:
            db.rollback()
            problem = " ".join(error.messages)
    return render_template(template, saved=problem is None, problem=problem, **context())


@bp.post("/samverkan/moten/<int:meeting_id>/punkter/<int:item_id>/anteckningar")
@require("meetings.manage")
def notes(meeting_id: int, item_id: int):
    db, actor = get_db(), current_actor()
    _part_or_404(AgendaItem, item_id, meeting_id=meeting_id)
    form = NotesForm(prefix=f"punkt{item_id}")

    def action():
        meetings.record_notes(
            db, actor=actor, meeting_id=meeting_id, item_id=item_id, notes=form.notes.data or ""
        )

    if is_partial():

        def context():
            meeting, _ = meetings.get_meeting(db, actor=actor, meeting_id=meeting_id)
            return dict(meeting=meeting, item=db.get(AgendaItem, item_id), notes_form=form)

        return _saved_in_place(form, action, "meetings/_notes_form.html", context)
    key = f"notes-{item_id}"
    return _call(meeting_id, key, form, action, "Anteckningarna är sparade.", f"punkt-{item_id}")


@bp.post("/samverkan/moten/<int:meeting_id>/punkter/<int:item_id>/beslut")
@require("meetings.manage")
def decision(meeting_id: int, item_id: int):
    db, actor = get_db(), current_actor()
    _part_or_404(AgendaItem, item_id, meeting_id=meeting_id)
    form = DecisionForm(prefix=f"beslut{item_id}")

    def action():
        meetings.record_decision(
            db,
            actor=actor,
            meeting_id=meeting_id,
            item_id=item_id,
            text=form.text.data or "",
            youth_id=form.youth_id.data,
            personnummer=text_of(form.personnummer),
        )

    key = f"decision-{item_id}"
    return _call(meeting_id, key, form, action, "Beslutet är sparat.", f"punkt-{item_id}")


@bp.post("/samverkan/moten/<int:meeting_id>/atgardspunkter")
@require("meetings.manage")
def add_action(meeting_id: int):
    db, actor = get_db(), current_actor()
    form = ActionPointForm()

    def action():
        meetings.add_action_point(
            db,
            actor=actor,
            meeting_id=meeting_id,
            what=text_of(form.what),
            member_id=form.member_id.data,
            due=form.due.data,
        )

    return _call(meeting_id, "action", form, action, "Åtgärdspunkten är sparad.", "atgarder")


@bp.post("/samverkan/moten/<int:meeting_id>/justera")
@require("meetings.manage")
def adjust(meeting_id: int):
    db, actor = get_db(), current_actor()
    form = AdjustForm()

    def action():
        meetings.adjust_minutes(
            db, actor=actor, meeting_id=meeting_id, adjuster=text_of(form.adjuster)
        )

    return _call(
        meeting_id, "adjust", form, action, "Protokollet är justerat och låst.", "protokoll"
    )


@bp.post("/samverkan/moten/<int:meeting_id>/tillagg")
@require("meetings.manage")
def addendum(meeting_id: int):
    db, actor = get_db(), current_actor()
    form = AddendumForm()

    def action():
        meetings.add_addendum(db, actor=actor, meeting_id=meeting_id, text=form.text.data or "")

    return _call(meeting_id, "addendum", form, action, "Tillägget är sparat.", "protokoll")


def _document(meeting_id: int, generate, prefix: str):
    """Produce the notice or minutes and download it (a second click downloads the same one)."""
    db, actor = get_db(), current_actor()
    form = DocumentForm(prefix=prefix)

    def action():
        try:
            return generate(db, actor=actor, meeting_id=meeting_id)
        except TemplateRenderError as problem:
            raise Invalid(
                f"Dokumentmallen gick inte att använda: {problem} Kontakta administratören."
            ) from None

    def location(document):
        return url_for("meetings.document", meeting_id=meeting_id, document_id=document.id)

    def page(failed, errors):
        return _meeting_page(meeting_id, recording=False, errors=errors, status=400)

    return _submit(form, action, None, location, page)


@bp.post("/samverkan/moten/<int:meeting_id>/kallelse")
@require("meetings.manage")
def notice(meeting_id: int):
    return _document(meeting_id, meetings.generate_notice, "kallelse")


@bp.post("/samverkan/moten/<int:meeting_id>/protokoll")
@require("meetings.manage")
def minutes(meeting_id: int):
    return _document(meeting_id, meetings.generate_minutes, "protokoll")


@bp.get("/samverkan/moten/<int:meeting_id>/dokument/<int:document_id>")
@require("meetings.use")
def document(meeting_id: int, document_id: int):
    db = get_db()
    try:
        found = meetings.open_meeting_document(
            db, actor=current_actor(), meeting_id=meeting_id, document_id=document_id
        )
    except NotFound:
        abort(404)
    db.commit()
    return send_file(
        io.BytesIO(found.content),
        mimetype=found.content_type,
        as_attachment=True,
        download_name=found.file_name,
    )


# --- changing a planned meeting ---------------------------------------------------------------


def _editable_meeting_or_404(meeting_id: int):
    db, actor = get_db(), current_actor()
    try:
        meeting, group = meetings.get_meeting(db, actor=actor, meeting_id=meeting_id)
    except NotFound:
        abort(404)
    if not meetings.can_run(db, actor, group, meeting):
        abort(404)
    return meeting, group


def _edit_page(meeting_id: int, failed: dict | None = None, errors=(), status=200):
    """The meeting's details and its agenda, each item with its own form."""
    meeting, group = _editable_meeting_or_404(meeting_id)
    failed = failed or {}
    details = failed.get("details") or MeetingDetailsForm(formdata=None, obj=meeting)
    _convener_choices(details, group)
    agenda = meetings.agenda_of(get_db(), meeting.id)
    item_forms = {
        item.id: failed.get(f"item-{item.id}")
        or AgendaItemForm(prefix=f"punkt{item.id}", formdata=None, obj=item)
        for item in agenda
    }
    context = dict(
        meeting=meeting,
        group=group,
        member_names=[m.name for m in meetings.members_of(get_db(), group.id)],
        agenda=agenda,
        details=details,
        item_forms=item_forms,
        new_item=failed.get("new") or AgendaItemForm(prefix="ny", formdata=None),
        empty_form=EmptyForm(formdata=None),
        errors=errors,
        failed=failed,
    )
    return render_template("meetings/edit.html", **context), status


def _meeting_edited(meeting_id: int, key: str, form, action, message: str, back=None):
    """A change to a planned meeting: back to its edit page (or `back`)."""
    _editable_meeting_or_404(meeting_id)
    location = back or url_for("meetings.edit", meeting_id=meeting_id)

    def page(failed, errors):
        return _edit_page(meeting_id, {key: failed}, errors, 400)

    return _submit(form, action, message, location, page)


@bp.get("/samverkan/moten/<int:meeting_id>/redigera")
@require("meetings.manage")
def edit(meeting_id: int):
    return _edit_page(meeting_id)


@bp.post("/samverkan/moten/<int:meeting_id>/redigera")
@require("meetings.manage")
def update(meeting_id: int):
    db, actor = get_db(), current_actor()
    form = MeetingDetailsForm()

    def action():
        meetings.update_meeting(
            db,
            actor=actor,
            meeting_id=meeting_id,
            on=form.on.data,
            starts_at=form.starts_at.data,
            place=text_of(form.place),
            convener_id=form.convener_id.data,
        )

    return _meeting_edited(meeting_id, "details", form, action, "Mötet är ändrat.")


def _item_data(form: AgendaItemForm) -> meetings.ExtraItem:
    return meetings.ExtraItem(
        text_of(form.title),
        text_of(form.owner),
        form.minutes.data or 10,
        form.youth_filter.data or "",
    )


@bp.post("/samverkan/moten/<int:meeting_id>/dagordning/ny-punkt")
@require("meetings.manage")
def add_item(meeting_id: int):
    db, actor = get_db(), current_actor()
    form = AgendaItemForm(prefix="ny")

    def action():
        meetings.add_agenda_item(db, actor=actor, meeting_id=meeting_id, data=_item_data(form))

    back = url_for("meetings.edit", meeting_id=meeting_id, _anchor="dagordning")
    return _meeting_edited(meeting_id, "new", form, action, "Punkten är tillagd.", back)


@bp.post("/samverkan/moten/<int:meeting_id>/dagordning/<int:item_id>")
@require("meetings.manage")
def update_item(meeting_id: int, item_id: int):
    db, actor = get_db(), current_actor()
    _part_or_404(AgendaItem, item_id, meeting_id=meeting_id)
    form = AgendaItemForm(prefix=f"punkt{item_id}")

    def action():
        meetings.update_agenda_item(
            db, actor=actor, meeting_id=meeting_id, item_id=item_id, data=_item_data(form)
        )

    back = url_for("meetings.edit", meeting_id=meeting_id, _anchor=f"punkt-{item_id}")
    return _meeting_edited(meeting_id, f"item-{item_id}", form, action, "Punkten är ändrad.", back)


@bp.post("/samverkan/moten/<int:meeting_id>/dagordning/<int:item_id>/ta-bort")
@require("meetings.manage")
def remove_item(meeting_id: int, item_id: int):
    db, actor = get_db(), current_actor()

    def action():
        meetings.remove_agenda_item(db, actor=actor, meeting_id=meeting_id, item_id=item_id)

    back = url_for("meetings.edit", meeting_id=meeting_id, _anchor="dagordning")
    return _meeting_edited(meeting_id, "remove", EmptyForm(), action, "Punkten är borttagen.", back)


@bp.post("/samverkan/moten/<int:meeting_id>/dagordning/<int:item_id>/flytta")
@require("meetings.manage")
def move_item(meeting_id: int, item_id: int):
    db, actor = get_db(), current_actor()
    form = MoveForm()

    def action():
        meetings.move_agenda_item(
            db,
            actor=actor,
            meeting_id=meeting_id,
            item_id=item_id,
            direction=form.direction.data,
            from_position=form.position.data,
        )

    back = url_for("meetings.edit", meeting_id=meeting_id, _anchor=f"punkt-{item_id}")
    return _meeting_edited(meeting_id, "move", form, action, "Dagordningen är ändrad.", back)


@bp.post("/samverkan/moten/<int:meeting_id>/stall-in")
@require("meetings.manage")
def cancel(meeting_id: int):
    db, actor = get_db(), current_actor()

    def action():
        meetings.cancel_meeting(db, actor=actor, meeting_id=meeting_id)

    back = url_for("meetings.meeting", meeting_id=meeting_id)
    return _meeting_edited(meeting_id, "cancel", EmptyForm(), action, "Mötet är inställt.", back)
