"""The KAA inbox: school reports by type and age, matching to the register, status and answer."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, render_template, request, url_for

from kaa_web.db import get_db
from kaa_web.forms.inbox_assignment import RegisterFromReportForm, TakeReportForm
from kaa_web.forms.school_reports import InboxFilterForm, OtherMunicipalityForm, StatusForm
from kaa_web.htmx import redirect
from kaa_web.models.base import local_today
from kaa_web.models.school_reports import ASSIGNMENT_RULES, REPORT_KINDS, REPORT_STATUSES
from kaa_web.permissions import current_actor, require
from kaa_web.rules import eligibility, municipalities
from kaa_web.rules import personnummer as pnr
from kaa_web.services import inbox_assignment, register
from kaa_web.services import school_reports as service
from kaa_web.services.errors import Invalid
from kaa_web.views import saved

bp = Blueprint("inbox", __name__, url_prefix="/inkorg")


def _own_code() -> str:
    return current_app.config["KAA_SETTINGS"].municipality_code


@bp.get("/")
@require("inbox.handle")
def index():
    form = InboxFilterForm(request.args)
    form.validate()
    kind = form.typ.data if not form.typ.errors else ""
    status = form.status.data if "status" in request.args and not form.status.errors else "oppna"
    db, actor = get_db(), current_actor()
    rows = service.list_inbox(db, actor=actor, kind=kind or "", status=status or "")
    returning = service.returning_reports(db, actor=actor, report_ids=[r.id for r in rows])
    return render_template(
        "inbox/index.html",
        form=form,
        rows=rows,
        returning=returning,
        counts=service.inbox_counts(db, actor=actor),
        kinds=REPORT_KINDS,
        statuses=REPORT_STATUSES,
        me=actor.staff_id,
    )


def _report_page(report_id: int, status_form=None, municipality_form=None, errors=(), code=200):
    db, actor = get_db(), current_actor()
    view = service.get_report(db, actor=actor, report_id=report_id)
    if status_form is None:
        status_form = StatusForm(
            formdata=None, status=view.report.status, answer=view.report.answer
        )
    if municipality_form is None:
        municipality_form = OtherMunicipalityForm(formdata=None)
    municipality_form.set_choices(municipalities.municipalities(), _own_code())
    unlinked = [s for s in view.students if not s.youth_id and not s.home_municipality]
    candidates = service.register_candidates(db, actor, unlinked)
    returning = service.returning_students(db, actor, view.students)
    too_old = {
        s.id: eligibility.too_old_sv(s.birth_date, "Eleven")
        for s in unlinked
        if not eligibility.covered_on(s.birth_date, local_today())
    }
    db.commit()
    return render_template(
        "inbox/report.html",
        view=view,
        kinds=REPORT_KINDS,
        statuses=REPORT_STATUSES,
        status_form=status_form,
        municipality_form=municipality_form,
        candidates=candidates,
        returning=returning,
        too_old=too_old,
        municipality_names=municipalities.municipalities(),
        display_pnr=pnr.display,
        can_register=actor.can("register.write"),
        districts=register.districts(db),
        rule=ASSIGNMENT_RULES[inbox_assignment.current_rule(db).rule],
        me=actor.staff_id,
        errors=list(errors),
    ), code


@bp.get("/<int:report_id>")
@require("inbox.handle")
def report(report_id: int):
    return _report_page(report_id)


@bp.post("/<int:report_id>/status")
@require("inbox.handle")
def change_status(report_id: int):
    form = StatusForm()
    if not form.validate():
        return _report_page(report_id, status_form=form, code=400)
    service.set_status(
        get_db(),
        actor=current_actor(),
        report_id=report_id,
        status=form.status.data,
        answer=form.answer.data or "",
    )
    return saved(
        "Status och svar till skolan är sparade.", url_for("inbox.report", report_id=report_id)
    )


@bp.post("/<int:report_id>/ta-arendet")
@require("inbox.handle")
def take(report_id: int):
    """One click: the report, its students in the register and its open tasks become mine."""
    form = TakeReportForm()
    if not form.validate():
        abort(400)
    db = get_db()
    try:
        inbox_assignment.take_report(
            db, actor=current_actor(), report_id=report_id, current_handler=form.shown_handler()
        )
    except Invalid as error:
        db.rollback()
        flash(" ".join(error.messages), "error")
    else:
        db.commit()
        flash("Du har tagit ärendet och är nu handläggare för eleven och uppgifterna.", "success")
    return redirect(url_for("inbox.report", report_id=report_id))


def _student_action(action, student_id: int, done: str, **options):
    db = get_db()
    try:
        result = action(db, actor=current_actor(), student_id=student_id, **options)
    except Invalid as error:
        db.rollback()
        flash(" ".join(error.messages), "error")
        result = None
    else:
        db.commit()
        flash(done if result else "Det finns ingen i registret med det personnumret.", "success")
    report_id = service.report_id_of(db, student_id)
    return redirect(url_for("inbox.report", report_id=report_id))


@bp.post("/elev/<int:student_id>/koppla")
@require("inbox.handle")
def link(student_id: int):
    return _student_action(service.link_student, student_id, "Eleven är kopplad till registret.")


@bp.post("/elev/<int:student_id>/registrera")
@require("inbox.handle")
@require("register.write")
def register_student(student_id: int):
    form = RegisterFromReportForm()
    form.set_districts(register.districts(get_db()))
    if not form.validate():
        abort(400)
    return _student_action(
        service.register_student,
        student_id,
        "Eleven är registrerad i KAA från anmälan.",
        district_id=form.district_id.data,
    )


@bp.post("/elev/<int:student_id>/hemkommun")
@require("inbox.handle")
def other_municipality(student_id: int):
    form = OtherMunicipalityForm()
    form.set_choices(municipalities.municipalities(), _own_code())
    db = get_db()
    report_id = service.report_id_of(db, student_id)
    if report_id is None:
        abort(404)
    if form.validate():
        try:
            service.mark_other_municipality(
                db,
                actor=current_actor(),
                student_id=student_id,
                code=form.municipality.data or "",
                note=form.forward_note.data or "",
                own_code=_own_code(),
            )
            return saved(
                "Elevens hemkommun är sparad.", url_for("inbox.report", report_id=report_id)
            )
        except Invalid as error:
            db.rollback()
            return _report_page(report_id, municipality_form=form, errors=error.messages, code=400)
    return _report_page(report_id, municipality_form=form, code=400)
