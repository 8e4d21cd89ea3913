"""Referrals (uppdrag) from the plan page: sending one, the first contact, monthly reports."""

from __future__ import annotations

from flask import url_for

from kaa_web.db import get_db
from kaa_web.forms.plans import DateOnlyForm, ReferralForm
from kaa_web.permissions import current_actor, require
from kaa_web.services.access import get_youth
from kaa_web.services.errors import Invalid
from kaa_web.services.plans import referrals
from kaa_web.views import already_saved, rejected, saved
from kaa_web.views.plans.blueprint import bp
from kaa_web.views.plans.plan import render_plan


def _to_referrals(youth_id: int) -> str:
    return url_for("plans.plan", youth_id=youth_id, _anchor="uppdrag")


@bp.post("/ungdomar/<int:youth_id>/plan/insatser/<int:measure_id>/uppdrag")
@require("plans.write")
@require("documents.generate")
def make_referral(youth_id: int, measure_id: int):
    db, actor = get_db(), current_actor()
    youth = get_youth(db, actor=actor, youth_id=youth_id, may="case_file")
    form = ReferralForm()
    if not form.validate_on_submit():
        return render_plan(youth_id, ["Ange när uppdraget skickas (ÅÅÅÅ-MM-DD)."], status=400)
    if done := already_saved(form):
        return done
    try:
        referral = referrals.make_referral(
            db, actor=actor, youth=youth, plan_measure_id=measure_id, sent_on=form.sent_on.data
        )
    except Invalid as error:
        rejected(form)
        return render_plan(youth_id, error.messages, status=400)
    message = (
        f"Uppdraget till {referral.provider} är skapat. Första kontakt senast "
        f"{referral.first_contact_due.isoformat()} står på att göra-listan."
    )
    return saved(message, _to_referrals(youth_id), form)


@bp.post("/ungdomar/<int:youth_id>/uppdrag/<int:referral_id>/forsta-kontakt")
@require("plans.write")
def first_contact(youth_id: int, referral_id: int):
    db, actor = get_db(), current_actor()
    youth = get_youth(db, actor=actor, youth_id=youth_id, may="case_file")
    form = DateOnlyForm()
    if not form.validate_on_submit():
        message = "Ange datumet för första kontakten (ÅÅÅÅ-MM-DD)."
        return render_plan(youth_id, [message], status=400)
    try:
        referrals.record_first_contact(
            db, actor=actor, youth=youth, referral_id=referral_id, on=form.on.data
        )
    except Invalid as error:
        db.rollback()
        return render_plan(youth_id, error.messages, status=400)
    return saved("Första kontakten är registrerad.", _to_referrals(youth_id))


@bp.post("/ungdomar/<int:youth_id>/uppdrag/rapporter/<int:report_id>/godkann")
@require("plans.write")
def approve_report(youth_id: int, report_id: int):
    db, actor = get_db(), current_actor()
    youth = get_youth(db, actor=actor, youth_id=youth_id, may="case_file")
    form = DateOnlyForm()
    if not form.validate_on_submit():
        return render_plan(youth_id, ["Ange när rapporten kom in (ÅÅÅÅ-MM-DD)."], status=400)
    try:
        referrals.approve_monthly_report(
            db, actor=actor, youth=youth, report_id=report_id, received_on=form.on.data
        )
    except Invalid as error:
        db.rollback()
        return render_plan(youth_id, error.messages, status=400)
    return saved("Månadsrapporten är godkänd.", _to_referrals(youth_id))
