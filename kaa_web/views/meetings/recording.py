"""A meeting's page and its recording page (/samverkan/moten/<id>, …/protokollfor): the
agenda with its lists, attendance, notes as they are typed, decisions, addenda."""

from flask import render_template, request, url_for

from kaa_web.db import get_db
from kaa_web.forms import choices
from kaa_web.forms.meetings import AddendumForm, DocumentForm, NotesForm
from kaa_web.htmx import is_partial
from kaa_web.models.base import local_today, utcnow
from kaa_web.models.meetings import AgendaItem
from kaa_web.permissions import current_actor, require
from kaa_web.services import meetings
from kaa_web.services.errors import EditConflict, Invalid
from kaa_web.views import already_saved, rejected, saved
from kaa_web.views.meetings.blueprint import bp, context_of, small_limit
from kaa_web.views.meetings.record_form import (
    NOTES_CONFLICT,
    RecordForms,
    record_anchor,
    record_data,
    record_forms,
    refused_errors,
    saved_message,
    unsaved_text,
)


def meeting_page(
    meeting_id: int,
    *,
    recording: bool,
    forms: RecordForms | None = None,
    conflicts: dict | None = None,
    addendum_form=None,
    errors=(),
    status=200,
):
    """The agenda as members see it, or (recording) the convener's page with its one form;
    a failed save comes back with `forms` as posted and someone else's changes in `conflicts`."""
    db = get_db()
    page = meetings.meeting_page(
        db,
        actor=current_actor(),
        meeting_id=meeting_id,
        recording=recording,
        small_limit=small_limit(),
    )
    forms = forms or record_forms(page.attendance, [v.item for v in page.agenda])
    named = choices(page.named, blank="Ingen namngiven ungdom")
    for decision in forms.decisions.values():
        decision.youth_id.choices = named
    forms.action.member_id.choices = choices(page.active_members, blank="Välj")
    conflicts = conflicts or {}
    for item_id, current in conflicts.items():
        if item_id == meetings.ATTENDANCE_CONFLICT:
            forms.attendance_version = meetings.attendance_version(current)
        elif item_id in forms.notes:  # a second save now replaces the other one knowingly
            forms.notes[item_id].version.data = meetings.notes_version(current.notes)
    context = context_of(page) | dict(
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
    return meeting_page(meeting_id, recording=False)


@bp.get("/samverkan/moten/<int:meeting_id>/protokollfor")
@require("meetings.convene")
def record(meeting_id: int):
    return meeting_page(meeting_id, recording=True)


@bp.post("/samverkan/moten/<int:meeting_id>/protokollfor")
@require("meetings.convene")
def save_record(meeting_id: int):
    """Every button of the recording page: saves everything typed on it, or nothing."""
    db, actor = get_db(), current_actor()
    state = meetings.recording_state(db, actor=actor, meeting_id=meeting_id)
    forms = record_forms(state.attendance, state.items, request.form)
    again = dict(recording=True, forms=forms, status=400)
    if not all([form.validate() for form in (forms.record, *forms.parts())]):
        return meeting_page(meeting_id, **again)
    if done := already_saved(forms.record):
        return done
    try:
        result = meetings.record_meeting(
            db, actor=actor, meeting_id=meeting_id, data=record_data(forms, request.form)
        )
    except meetings.RecordRefused as refused:
        db.rollback()
        errors = refused_errors(forms, refused, state.items)
        again |= dict(conflicts=refused.conflicts, status=409 if refused.conflicts else 400)
        return meeting_page(meeting_id, **again, errors=errors)
    except Invalid as error:  # locked or cancelled meanwhile (say, in another tab)
        db.rollback()
        typed = unsaved_text(forms, state.items)
        if not typed:
            return meeting_page(meeting_id, **again, errors=error.messages)
        kept = AddendumForm(formdata=None, text=typed)  # adjusted minutes take addenda
        errors = [*error.messages, f"Det här skrev du, men det är inte sparat: {typed}"]
        return meeting_page(meeting_id, **again, addendum_form=kept, errors=errors)
    anchor = record_anchor(request.form, state.items)
    location = url_for("meetings.record", meeting_id=meeting_id, _anchor=anchor)
    return saved(saved_message(result), location, forms.record)


@bp.post("/samverkan/moten/<int:meeting_id>/punkter/<int:item_id>/anteckningar")
@require("meetings.convene")
def notes(meeting_id: int, item_id: int):
    """One item's notes as they are typed (htmx): only the save's status and the notes'
    version come back, so nothing typed meanwhile is replaced."""
    db, actor = get_db(), current_actor()
    meetings.check_part(db, actor, AgendaItem, item_id, meeting_id=meeting_id)
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
    if not is_partial() and state == "saved":
        location = url_for("meetings.record", meeting_id=meeting_id, _anchor=f"punkt-{item_id}")
        return saved("Anteckningarna är sparade.", location)
    now = meetings.recording_state(db, actor=actor, meeting_id=meeting_id)
    item = next(i for i in now.items if i.id == item_id)
    if not is_partial():
        forms = record_forms(now.attendance, now.items, request.form)
        conflicts = {item_id: item} if state == "conflict" else None
        errors = [NOTES_CONFLICT.format(position=item.position)] if conflicts else [problem]
        return meeting_page(
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
    form = AddendumForm()
    again = dict(recording=True, addendum_form=form, status=400)
    if not form.validate_on_submit():
        return meeting_page(meeting_id, **again)
    if done := already_saved(form):
        return done
    try:
        meetings.add_addendum(
            get_db(), actor=current_actor(), meeting_id=meeting_id, text=form.text.data or ""
        )
    except Invalid as error:
        return meeting_page(meeting_id, **again, errors=rejected(form, error))
    location = url_for("meetings.record", meeting_id=meeting_id, _anchor="justering")
    return saved("Tillägget är sparat.", location, form)
