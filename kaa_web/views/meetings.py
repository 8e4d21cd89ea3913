"""Collaboration groups and their meetings: group page, planning, agenda, recording, minutes."""

from __future__ import annotations

import io
from contextlib import suppress
from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    url_for,
)
from sqlmodel import select

from kaa_web.db import get_db
from kaa_web.docx.limits import TemplateRenderError
from kaa_web.forms import choices, db_int, text_of
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
    RecordForm,
    StandingItemForm,
)
from kaa_web.htmx import is_partial, local_path
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import local_today, utcnow
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
from kaa_web.services.errors import EditConflict, Invalid
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


def _part_or_404(model, object_id: int, **parent: int) -> None:
    meetings.check_part(get_db(), current_actor(), model, object_id, **parent)


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
    try:
        result = action()
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
        "meetings/index.html", groups=groups, can_create=meetings.can_manage(actor)
    )


def _group_form() -> GroupForm:
    form = GroupForm()
    form.convener_id.choices = _staff_choices("Välj", meetings.may_convene)
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


def _group_or_404(group_id: int, may: str = "see"):
    return meetings.get_group(get_db(), actor=current_actor(), group_id=group_id, may=may)


def _group_page(group, member_form=None, errors=(), status=200):
    """The group; its meetings and action points only for those who may read them."""
    db, actor = get_db(), current_actor()
    today = local_today()
    can_read = meetings.can_read(db, actor, group)
    upcoming, past = meetings.meetings_of(db, group.id, today) if can_read else ([], [])
    actions = meetings.action_points(db, group.id, today=today, staff_id=actor.staff_id)
    context = dict(
        group=group,
        members=meetings.members_of(db, group.id),
        standing=meetings.standing_items_of(db, group.id),
        can_read=can_read,
        upcoming=upcoming,
        past=past,
        actions=actions if can_read else [],
        reassign_to=[(m.id, m.name) for m in meetings.members_of(db, group.id)],
        can_run=meetings.can_run(db, actor, group),
        can_edit=meetings.can_run(db, actor, group) or meetings.can_manage(actor),
        can_manage=meetings.can_manage(actor),
        member_form=member_form or _member_form(),
        errors=errors,
    )
    return render_template("meetings/group.html", **context), status


@bp.get("/samverkan/grupper/<int:group_id>")
@require("meetings.use")
def group(group_id: int):
    return _group_page(_group_or_404(group_id))


@bp.post("/samverkan/grupper/<int:group_id>/deltagare")
@require("meetings.manage_groups")
def add_member(group_id: int):
    db, actor = get_db(), current_actor()
    group = _group_or_404(group_id, "manage")
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


# --- changing a group: settings and members (meetings.manage_groups), standing items (also
# the convener) ---


def _settings_form(group=None) -> GroupSettingsForm:
    """The settings form: filled from the group, or (without one) from the request."""
    form = GroupSettingsForm(formdata=None, obj=group) if group else GroupSettingsForm()
    form.convener_id.choices = _staff_choices("Välj", meetings.may_convene)
    return form


def _edit_group_page(group, failed: dict | None = None, errors=(), status=200):
    """The edit page; `failed` holds the one form that came back with errors, by its key."""
    db, actor = get_db(), current_actor()
    failed = failed or {}
    can_manage = meetings.can_manage(actor)
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
@require("meetings.edit_groups")
def edit_group(group_id: int):
    return _edit_group_page(_group_or_404(group_id, "edit"))


@bp.post("/samverkan/grupper/<int:group_id>/andra")
@require("meetings.manage_groups")
def update_group(group_id: int):
    db, actor = get_db(), current_actor()
    group = _group_or_404(group_id, "manage")
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
@require("meetings.manage_groups")
def update_member(group_id: int, member_id: int):
    db, actor = get_db(), current_actor()
    group = _group_or_404(group_id, "manage")
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
@require("meetings.manage_groups")
def remove_member(group_id: int, member_id: int):
    db, actor = get_db(), current_actor()
    group = _group_or_404(group_id, "manage")

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
@require("meetings.edit_groups")
def add_standing_item(group_id: int):
    group = _group_or_404(group_id, "edit")
    form = StandingItemForm()
    action = _item_action(form, group.id)
    return _group_edited(group, "new-item", form, action, "Punkten är tillagd.", "staende")


@bp.post("/samverkan/grupper/<int:group_id>/staende-punkter/<int:item_id>")
@require("meetings.edit_groups")
def update_standing_item(group_id: int, item_id: int):
    group = _group_or_404(group_id, "edit")
    _part_or_404(StandingItem, item_id, group_id=group.id)
    form = StandingItemForm(prefix=f"punkt{item_id}")
    action = _item_action(form, group.id, item_id)
    return _group_edited(group, f"item-{item_id}", form, action, "Punkten är ändrad.", "staende")


@bp.post("/samverkan/grupper/<int:group_id>/staende-punkter/<int:item_id>/ta-bort")
@require("meetings.edit_groups")
def remove_standing_item(group_id: int, item_id: int):
    db, actor = get_db(), current_actor()
    group = _group_or_404(group_id, "edit")

    def action():
        meetings.remove_standing_item(db, actor=actor, group_id=group.id, item_id=item_id)

    return _group_edited(group, "remove", EmptyForm(), action, "Punkten är borttagen.", "staende")


@bp.post("/samverkan/grupper/<int:group_id>/staende-punkter/<int:item_id>/flytta")
@require("meetings.edit_groups")
def move_standing_item(group_id: int, item_id: int):
    db, actor = get_db(), current_actor()
    group = _group_or_404(group_id, "edit")
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
@require("meetings.attend")
def complete_action(action_point_id: int):
    db = get_db()
    if not EmptyForm().validate_on_submit():
        abort(400)
    point = meetings.complete_action_point(
        db, actor=current_actor(), action_point_id=action_point_id
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


@bp.get("/samverkan/grupper/<int:group_id>/planera")
@require("meetings.convene")
def plan(group_id: int):
    group = _group_or_404(group_id, "run")
    open_points = meetings.action_points(get_db(), group.id)
    return render_template(
        "meetings/plan.html", group=group, form=_plan_form(group), open_points=open_points
    )


@bp.post("/samverkan/grupper/<int:group_id>/planera")
@require("meetings.convene")
def create_meeting(group_id: int):
    db, actor = get_db(), current_actor()
    group = _group_or_404(group_id, "run")
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


def _small_limit() -> int:
    return current_app.config["KAA_SETTINGS"].stats_min_cell


def _statuses(formdata) -> dict[int, str]:
    """The attendance radios (narvaro-<member id>) of a posted form."""
    statuses = {}
    for key, value in formdata.items():
        if key.startswith("narvaro-"):
            with suppress(ValueError):  # not a member's id: not an attendance radio
                statuses[db_int(key.removeprefix("narvaro-"))] = value
    return statuses


@dataclass
class _RecordForms:
    """The recording page's one form and its parts: from the database, or as posted."""

    record: RecordForm
    notes: dict[int, NotesForm]
    decisions: dict[int, DecisionForm]
    action: ActionPointForm
    adjust: AdjustForm
    attendance: dict[int, str]
    attendance_version: str

    def parts(self) -> list:
        return [*self.notes.values(), *self.decisions.values(), self.action, self.adjust]


def _record_forms(db, meeting, items, formdata=None) -> _RecordForms:
    saved = meetings.attendance_of(db, meeting.id)
    posted = formdata is not None and "narvaro_version" in formdata
    return _RecordForms(
        record=RecordForm(formdata=formdata),
        notes={
            item.id: NotesForm(
                prefix=f"punkt{item.id}",
                formdata=formdata,
                notes=item.notes,
                version=meetings.notes_version(item.notes),
            )
            for item in items
        },
        decisions={
            item.id: DecisionForm(prefix=f"beslut{item.id}", formdata=formdata) for item in items
        },
        action=ActionPointForm(formdata=formdata),
        adjust=AdjustForm(formdata=formdata),
        attendance=_statuses(formdata) if posted else saved,
        attendance_version=(formdata.get("narvaro_version") if posted else None)
        or meetings.attendance_version(saved),
    )


def _meeting_page(
    meeting_id: int,
    *,
    recording: bool,
    forms: _RecordForms | None = None,
    conflicts: dict | None = None,
    addendum_form=None,
    errors=(),
    status=200,
):
    """The agenda as members see it, or (recording) the convener's page with its one form;
    a failed save comes back with `forms` as posted and someone else's changes in `conflicts`."""
    db, actor = get_db(), current_actor()
    meeting, group, items = meetings.view_agenda(
        db, actor=actor, meeting_id=meeting_id, small_limit=_small_limit()
    )
    can_run = meetings.can_run(db, actor, group, meeting)
    if recording and not can_run:
        abort(404)
    members = meetings.members_for_meeting(db, meeting)
    forms = forms or _record_forms(db, meeting, [v.item for v in items])
    named = choices(meetings.named_people(items), blank="Ingen namngiven ungdom")
    for decision in forms.decisions.values():
        decision.youth_id.choices = named
    active = [(m.id, m.name) for m in members if m.removed_at is None]
    forms.action.member_id.choices = choices(active, blank="Välj")
    conflicts = conflicts or {}
    for item_id, current in conflicts.items():
        if item_id == meetings.ATTENDANCE_CONFLICT:
            forms.attendance_version = meetings.attendance_version(current)
        elif item_id in forms.notes:  # a second save now replaces the other one knowingly
            forms.notes[item_id].version.data = meetings.notes_version(current.notes)
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
        forms=forms,
        conflicts=conflicts,
        addendum_form=addendum_form or AddendumForm(formdata=None),
        errors=errors,
    )
    db.commit()  # the audit events of the named people shown
    return render_template("meetings/meeting.html", **context), status


@bp.get("/samverkan/moten/<int:meeting_id>")
@require("meetings.attend")
def meeting(meeting_id: int):
    return _meeting_page(meeting_id, recording=False)


@bp.get("/samverkan/moten/<int:meeting_id>/protokollfor")
@require("meetings.convene")
def record(meeting_id: int):
    return _meeting_page(meeting_id, recording=True)


def _record_data(forms: _RecordForms, formdata) -> meetings.RecordData:
    """What the recording form holds; parts missing from the request are left alone."""
    return meetings.RecordData(
        attendance=forms.attendance if "narvaro_version" in formdata else None,
        attendance_version=forms.attendance_version,
        notes={
            item_id: (form.notes.data or "", form.version.data or None)
            for item_id, form in forms.notes.items()
            if form.notes.name in formdata
        },
        decisions={
            item_id: meetings.DecisionData(
                form.text.data or "", form.youth_id.data, text_of(form.personnummer)
            )
            for item_id, form in forms.decisions.items()
        },
        action=meetings.ActionData(
            text_of(forms.action.what), forms.action.member_id.data, forms.action.due.data
        ),
        done=formdata.get("klar", type=db_int),
        adjuster=text_of(forms.adjust.adjuster) if formdata.get("justera") else None,
    )


NOT_SAVED = "Inget av det du skrev är sparat ännu. Det finns kvar på sidan."


def _unsaved_text(forms: _RecordForms, items) -> str:
    """What was typed into a form that can no longer be saved, as one text to keep."""
    lines = []
    for item in items:
        notes = meetings.clean_notes(forms.notes[item.id].notes.data or "")
        if notes and notes != item.notes:
            lines.append(f"§ {item.position} {item.title}, anteckningar: {notes}")
        if decision := (forms.decisions[item.id].text.data or "").strip():
            lines.append(f"§ {item.position} {item.title}, beslut: {decision}")
    if what := text_of(forms.action.what):
        lines.append(f"Åtgärdspunkt: {what}")
    return "\n".join(lines)


def _refused_errors(forms: _RecordForms, refused: meetings.RecordRefused, items) -> list[str]:
    """The service's field errors onto the fields; the messages for the error summary."""
    fields = {f.name: f for form in forms.parts() for f in form}
    loose = [NOT_SAVED, *refused.messages]
    for name, message in refused.field_errors.items():
        if name in fields:
            fields[name].errors = [*fields[name].errors, message]
        else:
            loose.append(message)
    positions = {item.id: item.position for item in items}
    for key in refused.conflicts:
        if key == meetings.ATTENDANCE_CONFLICT:
            loose.append(ATTENDANCE_CHANGED)
        else:
            loose.append(NOTES_CONFLICT.format(position=positions[key]))
    return loose


ATTENDANCE_CHANGED = (
    "Närvaron ändrades av någon annan medan du hade sidan öppen. Kontrollera den och spara igen."
)
NOTES_CONFLICT = (
    "§ {position}: någon annan sparade anteckningar medan du skrev. Jämför med det som är "
    "sparat nu och spara igen: då ersätter din text den sparade."
)


def _saved_message(result: meetings.RecordResult) -> str:
    decisions = " och ".join(str(n) for n in result.decisions)
    parts = [
        result.attendance and "Närvaron är sparad.",
        result.notes and "Anteckningarna är sparade.",
        len(result.decisions) == 1 and f"Beslut {decisions} är sparat.",
        len(result.decisions) > 1 and f"Besluten {decisions} är sparade.",
        result.done and "Åtgärdspunkten är markerad som klar.",
        result.action and "Åtgärdspunkten är sparad.",
        result.adjusted and "Protokollet är justerat och låst.",
    ]
    return " ".join(p for p in parts if p) or "Det fanns inget nytt att spara."


def _record_anchor(formdata, items) -> str:
    """Where on the page the pressed button was (never anything but a known anchor)."""
    if formdata.get("justera"):
        return "justering"
    point = formdata.get("klar", type=db_int)
    anchors = {"narvaro", "atgarder", "justering"} | {f"punkt-{item.id}" for item in items}
    anchors |= {f"klar-{i.action_point_id}" for i in items if i.action_point_id}
    by_point = {f"klar-{i.action_point_id}": f"punkt-{i.id}" for i in items if i.action_point_id}
    wanted = f"klar-{point}" if point else formdata.get("spara", "")
    return by_point.get(wanted, wanted) if wanted in anchors else "dagordning"


@bp.post("/samverkan/moten/<int:meeting_id>/protokollfor")
@require("meetings.convene")
def save_record(meeting_id: int):
    """Every button of the recording page: saves everything typed on it, or nothing."""
    db, actor = get_db(), current_actor()
    meeting, _ = meetings.get_meeting(db, actor=actor, meeting_id=meeting_id, may="run")
    items = meetings.agenda_of(db, meeting.id)
    forms = _record_forms(db, meeting, items, request.form)

    def again(errors, conflicts=None, addendum_form=None):
        db.rollback()
        return _meeting_page(
            meeting_id,
            recording=True,
            forms=forms,
            conflicts=conflicts,
            addendum_form=addendum_form,
            errors=errors,
            status=409 if conflicts else 400,
        )

    if not all([form.validate() for form in (forms.record, *forms.parts())]):
        return again([])
    if done := already_saved(forms.record):
        return done
    try:
        result = meetings.record_meeting(
            db, actor=actor, meeting_id=meeting.id, data=_record_data(forms, request.form)
        )
    except meetings.RecordRefused as refused:
        return again(_refused_errors(forms, refused, items), refused.conflicts)
    except Invalid as error:  # locked or cancelled meanwhile (say, in another tab)
        typed = _unsaved_text(forms, items)
        if not typed:
            return again(error.messages)
        kept = AddendumForm(formdata=None, text=typed)  # adjusted minutes take addenda
        return again(
            [*error.messages, f"Det här skrev du, men det är inte sparat: {typed}"], None, kept
        )
    location = url_for(
        "meetings.record", meeting_id=meeting.id, _anchor=_record_anchor(request.form, items)
    )
    return saved(_saved_message(result), location, forms.record)


@bp.post("/samverkan/moten/<int:meeting_id>/punkter/<int:item_id>/anteckningar")
@require("meetings.convene")
def notes(meeting_id: int, item_id: int):
    """One item's notes as they are typed (htmx): only the save's status and the notes'
    version come back, so nothing typed meanwhile is replaced."""
    db, actor = get_db(), current_actor()
    _part_or_404(AgendaItem, item_id, meeting_id=meeting_id)
    form = NotesForm(prefix=f"punkt{item_id}")
    state, problem = "saved", None
    try:
        meetings.record_notes(
            db,
            actor=actor,
            meeting_id=meeting_id,
            item_id=item_id,
            notes=form.notes.data or "",
            version=form.version.data or None,
        )
        db.commit()
    except EditConflict:
        db.rollback()
        state = "conflict"
    except Invalid as error:
        db.rollback()
        state, problem = "problem", " ".join(error.messages)
    item = db.get(AgendaItem, item_id)
    if not is_partial():
        if state == "saved":
            location = url_for("meetings.record", meeting_id=meeting_id, _anchor=f"punkt-{item_id}")
            return saved("Anteckningarna är sparade.", location)
        meeting, _ = meetings.get_meeting(db, actor=actor, meeting_id=meeting_id)
        forms = _record_forms(db, meeting, meetings.agenda_of(db, meeting_id), request.form)
        conflicts = {item_id: item} if state == "conflict" else None
        errors = [NOTES_CONFLICT.format(position=item.position)] if conflicts else [problem]
        return _meeting_page(
            meeting_id, recording=True, forms=forms, conflicts=conflicts, errors=errors, status=409
        )
    html = render_template(
        "meetings/_autosave.html",
        meeting_id=meeting_id,
        item=item,
        notes_form=form,
        version=meetings.notes_version(item.notes),
        state=state,
        problem=problem,
        saved_at=utcnow(),
        oob=True,
    )
    return html, 200 if state == "saved" else 409


@bp.post("/samverkan/moten/<int:meeting_id>/tillagg")
@require("meetings.convene")
def addendum(meeting_id: int):
    db, actor = get_db(), current_actor()
    form = AddendumForm()

    def action():
        meetings.add_addendum(db, actor=actor, meeting_id=meeting_id, text=form.text.data or "")

    def page(failed, errors):
        return _meeting_page(
            meeting_id, recording=True, addendum_form=failed, errors=errors, status=400
        )

    location = url_for("meetings.record", meeting_id=meeting_id, _anchor="justering")
    return _submit(form, action, "Tillägget är sparat.", location, page)


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
@require("meetings.convene")
def notice(meeting_id: int):
    return _document(meeting_id, meetings.generate_notice, "kallelse")


@bp.post("/samverkan/moten/<int:meeting_id>/protokoll")
@require("meetings.convene")
def minutes(meeting_id: int):
    return _document(meeting_id, meetings.generate_minutes, "protokoll")


@bp.get("/samverkan/moten/<int:meeting_id>/dokument/<int:document_id>")
@require("meetings.attend")
def document(meeting_id: int, document_id: int):
    db = get_db()
    found = meetings.open_meeting_document(
        db, actor=current_actor(), meeting_id=meeting_id, document_id=document_id
    )
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
    meeting, group = meetings.get_meeting(db, actor=actor, meeting_id=meeting_id)
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
@require("meetings.convene")
def edit(meeting_id: int):
    return _edit_page(meeting_id)


@bp.post("/samverkan/moten/<int:meeting_id>/redigera")
@require("meetings.convene")
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
@require("meetings.convene")
def add_item(meeting_id: int):
    db, actor = get_db(), current_actor()
    form = AgendaItemForm(prefix="ny")

    def action():
        meetings.add_agenda_item(db, actor=actor, meeting_id=meeting_id, data=_item_data(form))

    back = url_for("meetings.edit", meeting_id=meeting_id, _anchor="dagordning")
    return _meeting_edited(meeting_id, "new", form, action, "Punkten är tillagd.", back)


@bp.post("/samverkan/moten/<int:meeting_id>/dagordning/<int:item_id>")
@require("meetings.convene")
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
@require("meetings.convene")
def remove_item(meeting_id: int, item_id: int):
    db, actor = get_db(), current_actor()

    def action():
        meetings.remove_agenda_item(db, actor=actor, meeting_id=meeting_id, item_id=item_id)

    back = url_for("meetings.edit", meeting_id=meeting_id, _anchor="dagordning")
    return _meeting_edited(meeting_id, "remove", EmptyForm(), action, "Punkten är borttagen.", back)


@bp.post("/samverkan/moten/<int:meeting_id>/dagordning/<int:item_id>/flytta")
@require("meetings.convene")
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
@require("meetings.convene")
def cancel(meeting_id: int):
    db, actor = get_db(), current_actor()

    def action():
        meetings.cancel_meeting(db, actor=actor, meeting_id=meeting_id)

    back = url_for("meetings.meeting", meeting_id=meeting_id)
    return _meeting_edited(meeting_id, "cancel", EmptyForm(), action, "Mötet är inställt.", back)
