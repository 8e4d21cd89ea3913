"""The plan page: the plan's goal and dates, its measures, declined offers, the plan document."""

from __future__ import annotations

from flask import render_template, url_for

from kaa_web.db import get_db
from kaa_web.forms.plans import (
    DateOnlyForm,
    DeclinedForm,
    EndMeasureForm,
    PlanForm,
    PlanMeasureForm,
    ReferralForm,
)
from kaa_web.models.base import local_today
from kaa_web.permissions import current_actor, require
from kaa_web.services.access import get_youth
from kaa_web.services.catalogue import list_measures
from kaa_web.services.errors import EditConflict, Invalid
from kaa_web.services.plans import document, measures, plan
from kaa_web.services.plans.page import PlanPage, plan_page
from kaa_web.views import already_saved, rejected, saved
from kaa_web.views.plans.blueprint import CONFLICT, bp, conflicted


def _forms(page: PlanPage, **given) -> dict:
    """The page's forms, each as the user left it if it came back, else with today's dates.
    The page holds several forms: each one's own prefix keeps every field id unique."""
    today, current = local_today(), page.plan
    plan_form = given.get("plan_form") or PlanForm(
        formdata=None,
        data=(
            {
                "goal": current.goal,
                "agreed_on": today,
                "follow_up_on": current.follow_up_on,
                "evaluation_on": current.evaluation_on,
                "version": current.version,
            }
            if current
            else {"agreed_on": today}
        ),
    )
    measure_form = given.get("measure_form") or PlanMeasureForm(
        prefix="insats",
        formdata=None,
        data={"start_on": today, "agreed_on": today, "version": current and current.version},
    )
    measure_form.set_measures(page.offered)
    declined_form = given.get("declined_form") or DeclinedForm(
        prefix="avbojt", formdata=None, data={"on": today}
    )
    declined_form.set_measures(page.offered)
    return dict(
        plan_form=plan_form,
        measure_form=measure_form,
        declined_form=declined_form,
        end_form=given.get("end_form") or EndMeasureForm(formdata=None, data={"ended_on": today}),
        end_for=given.get("end_for"),
        referral_form=ReferralForm(formdata=None, data={"sent_on": today}),
        date_form=DateOnlyForm(formdata=None, data={"on": today}),
    )


def render_plan(youth_id: int, errors=(), conflict=None, status=200, **given):
    """The plan page (its read logged by the page query), with any form that came back."""
    db = get_db()
    page = plan_page(db, actor=current_actor(), youth_id=youth_id)
    response = render_template(
        "plans/plan.html",
        **vars(page),
        **_forms(page, **given),
        errors=list(errors),
        conflict=conflict,
    )
    db.commit()
    return response, status


def _to_plan(youth_id: int, anchor: str | None = None) -> str:
    return url_for("plans.plan", youth_id=youth_id, _anchor=anchor)


@bp.get("/ungdomar/<int:youth_id>/plan", endpoint="plan")
@require("register.read")
def plan_view(youth_id: int):
    return render_plan(youth_id)


@bp.post("/ungdomar/<int:youth_id>/plan")
@require("plans.write")
def save_plan(youth_id: int):
    db, actor = get_db(), current_actor()
    youth = get_youth(db, actor=actor, youth_id=youth_id, may="case_file")
    form = PlanForm()
    errors, conflict = [], None
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            plan.save_plan(
                db, actor=actor, youth=youth, data=form.plan_data(), version=form.version.data
            )
            return saved("Planen är sparad.", _to_plan(youth_id), form)
        except EditConflict as clash:
            errors, conflict = conflicted(form, clash), clash.current
        except Invalid as error:
            errors = rejected(form, error)
    return render_plan(youth_id, errors, conflict, 409 if conflict else 400, plan_form=form)


@bp.post("/ungdomar/<int:youth_id>/plan/insatser")
@require("plans.write")
def add_measure(youth_id: int):
    db, actor = get_db(), current_actor()
    youth = get_youth(db, actor=actor, youth_id=youth_id, may="case_file")
    form = PlanMeasureForm(prefix="insats")
    form.set_measures(list_measures(db))
    errors = []
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            measures.add_plan_measure(
                db, actor=actor, youth=youth, data=form.measure_data(), version=form.version.data
            )
            message = "Insatsen är tillagd och planen reviderad."
            return saved(message, _to_plan(youth_id, "insatser"), form)
        except EditConflict:
            errors = [*rejected(form), CONFLICT]
        except Invalid as error:
            errors = rejected(form, error)
    return render_plan(youth_id, errors, status=400, measure_form=form)


@bp.post("/ungdomar/<int:youth_id>/plan/insatser/<int:measure_id>/avsluta")
@require("plans.write")
def end_measure(youth_id: int, measure_id: int):
    db, actor = get_db(), current_actor()
    youth = get_youth(db, actor=actor, youth_id=youth_id, may="case_file")
    form = EndMeasureForm()
    errors = []
    if form.validate_on_submit():
        try:
            measures.end_plan_measure(
                db,
                actor=actor,
                youth=youth,
                plan_measure_id=measure_id,
                ended_on=form.ended_on.data,
                reason=form.reason.data,
                occupation_after=form.occupation_after.data,
            )
            message = "Insatsen är avslutad och planen reviderad."
            return saved(message, _to_plan(youth_id, "insatser"))
        except Invalid as error:
            errors = rejected(form, error)
    return render_plan(youth_id, errors, status=400, end_form=form, end_for=measure_id)


@bp.post("/ungdomar/<int:youth_id>/plan/avbojda")
@require("plans.write")
def declined(youth_id: int):
    db, actor = get_db(), current_actor()
    youth = get_youth(db, actor=actor, youth_id=youth_id, may="case_file")
    form = DeclinedForm(prefix="avbojt")
    form.set_measures(list_measures(db))
    errors = []
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            measures.record_declined_offer(
                db, actor=actor, youth=youth, measure_id=form.measure_id.data, on=form.on.data
            )
            message = "Det avböjda erbjudandet är registrerat."
            return saved(message, _to_plan(youth_id, "avbojda"), form)
        except Invalid as error:
            errors = rejected(form, error)
    return render_plan(youth_id, errors, status=400, declined_form=form)


@bp.post("/ungdomar/<int:youth_id>/plan/dokument")
@require("documents.generate")
def plan_document(youth_id: int):
    db, actor = get_db(), current_actor()
    youth = get_youth(db, actor=actor, youth_id=youth_id, may="case_file")
    try:
        made = document.generate_plan_document(db, actor=actor, youth=youth)
    except Invalid as error:
        db.rollback()
        return render_plan(youth_id, error.messages, status=400)
    return saved(None, url_for("documents.download", document_id=made.id))
