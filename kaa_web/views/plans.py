"""Mapping, the individual plan, measures and referrals, consents and orosanmälan; the catalogue."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from kaa_web.db import get_db
from kaa_web.forms import db_int, text_of
from kaa_web.forms.plans import (
    ConcernForm,
    ConsentForm,
    DateOnlyForm,
    DeclinedForm,
    EndMeasureForm,
    MappingForm,
    MeasureCatalogueForm,
    PlanForm,
    PlanMeasureForm,
    ReferralForm,
)
from kaa_web.htmx import redirect
from kaa_web.models.base import local_today
from kaa_web.models.plans import (
    AGENCIES,
    CONSENT_FORMS,
    CONSENT_GIVERS,
    MEASURE_CATEGORIES,
    MEASURE_END_REASONS,
    RESPONSIBLE,
    SCHOOL_ENDINGS,
    Measure,
)
from kaa_web.models.register import Youth
from kaa_web.permissions import current_actor, require
from kaa_web.services import consents, plans, register
from kaa_web.services.errors import EditConflict, Invalid
from kaa_web.views import already_saved, rejected, saved, youth_or_404

bp = Blueprint("plans", __name__)


@bp.context_processor
def _labels() -> dict:
    return {
        "AGENCIES": AGENCIES,
        "CONSENT_FORMS": CONSENT_FORMS,
        "CONSENT_GIVERS": CONSENT_GIVERS,
        "MEASURE_CATEGORIES": MEASURE_CATEGORIES,
        "MEASURE_END_REASONS": MEASURE_END_REASONS,
        "RESPONSIBLE": RESPONSIBLE,
        "SCHOOL_ENDINGS": SCHOOL_ENDINGS,
    }


CONFLICT = (
    "Någon annan har sparat ändringar medan du redigerade. Det du skrev finns kvar i "
    "formuläret men är inte sparat ännu: jämför med det som gäller nu och spara igen."
)


def _done(message: str, endpoint: str, youth_id: int, anchor: str | None = None, form=None):
    return saved(message, url_for(endpoint, youth_id=youth_id, _anchor=anchor), form)


# --- mapping ----------------------------------------------------------------------------------


def _mapping_initial(mapping) -> dict:
    data = {
        k: getattr(mapping, k)
        for k in (
            "on",
            "declined",
            "occupation",
            "study_kind",
            "last_school",
            "programme",
            "school_ending",
            "goals",
        )
    }
    data["eligible"] = {True: "ja", False: "nej"}.get(mapping.eligible, "")
    data["agencies"] = plans.mapping_agencies(mapping)
    data["version"] = mapping.version
    return data


def _mapping_data(form: MappingForm) -> plans.MappingData:
    return plans.MappingData(
        on=form.on.data,
        occupation=form.occupation.data,
        declined=form.declined.data,
        study_kind=form.study_kind.data or None,
        last_school=text_of(form.last_school),
        programme=text_of(form.programme),
        school_ending=form.school_ending.data or None,
        eligible={"ja": True, "nej": False}.get(form.eligible.data or ""),
        goals=form.goals.data or "",
        agencies=frozenset(form.agencies.data or ()),
    )


@bp.get("/ungdomar/<int:youth_id>/kartlaggning")
@require("register.read")
def mapping(youth_id: int):
    youth = youth_or_404(youth_id, log=None, case_file=True)  # the page records the read
    current = plans.get_mapping(get_db(), youth.id)
    form = MappingForm(data=_mapping_initial(current) if current else {"on": local_today()})
    return _mapping_page(youth, form, current, [], None, 200)


@bp.post("/ungdomar/<int:youth_id>/kartlaggning")
@require("plans.write")
def save_mapping(youth_id: int):
    db, actor = get_db(), current_actor()
    youth = youth_or_404(youth_id, log=None)
    form = MappingForm()
    errors, conflict = [], None
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        version = form.version.data
        try:
            plans.save_mapping(
                db, actor=actor, youth=youth, data=_mapping_data(form), version=version
            )
            return _done("Kartläggningen är sparad.", "plans.mapping", youth_id, form=form)
        except EditConflict as clash:
            rejected(form)
            conflict = clash.current
            form.version.data = conflict.version
            errors = [CONFLICT]
        except Invalid as error:
            errors = rejected(form, error)
    status = 409 if conflict else 400
    return _mapping_page(youth, form, plans.get_mapping(db, youth.id), errors, conflict, status)


def _mapping_page(youth, form, current, errors, conflict, status):
    """The mapping with its history; showing it is a read of the person's data, logged here."""
    db = get_db()
    register.record_view(db, actor=current_actor(), youth=youth)
    context = dict(
        youth=youth,
        form=form,
        mapping=current,
        history=plans.mapping_history(db, current) if current else [],
        errors=errors,
        conflict=conflict,
        can_write=current_actor().can("plans.write"),
    )
    db.commit()
    return render_template("plans/mapping.html", **context), status


# --- the plan ---------------------------------------------------------------------------------


def _plan_forms(youth: Youth, plan, **given) -> dict:
    db = get_db()
    measures = plans.list_measures(db)
    today = local_today()
    plan_form = given.get("plan_form") or PlanForm(
        formdata=None,
        data=(
            {
                "goal": plan.goal,
                "agreed_on": today,
                "follow_up_on": plan.follow_up_on,
                "evaluation_on": plan.evaluation_on,
                "version": plan.version,
            }
            if plan
            else {"agreed_on": today}
        ),
    )
    measure_form = given.get("measure_form") or PlanMeasureForm(
        formdata=None,
        data={"start_on": today, "agreed_on": today, "version": plan.version if plan else None},
    )
    measure_form.set_measures(measures)
    declined_form = given.get("declined_form") or DeclinedForm(formdata=None, data={"on": today})
    declined_form.set_measures(measures)
    return dict(
        plan_form=plan_form,
        measure_form=measure_form,
        declined_form=declined_form,
        end_form=given.get("end_form") or EndMeasureForm(formdata=None, data={"ended_on": today}),
        end_for=given.get("end_for"),
        referral_form=ReferralForm(formdata=None, data={"sent_on": today}),
        date_form=DateOnlyForm(formdata=None, data={"on": today}),
    )


def _plan_page(youth: Youth, errors=(), conflict=None, status=200, **given):
    db = get_db()
    register.record_view(db, actor=current_actor(), youth=youth)  # the page shows the person
    plan = plans.get_plan(db, youth.id)
    referrals = plans.referrals_of(db, youth.id)
    context = dict(
        youth=youth,
        plan=plan,
        measures=plans.plan_measures(db, plan),
        catalogue={m.id: m for m in plans.list_measures(db, include_inactive=True)},
        referrals=referrals,
        reports=plans.reports_of(db, [r.id for r in referrals]),
        referral_by_measure={r.plan_measure_id: r for r in referrals},
        declined=plans.declined_offers(db, youth.id),
        revisions=plans.plan_revisions(db, plan),
        errors=list(errors),
        conflict=conflict,
        can_write=current_actor().can("plans.write") and youth.status == "aktiv",
        can_documents=current_actor().can("documents.generate"),
        **_plan_forms(youth, plan, **given),
    )
    db.commit()
    return render_template("plans/plan.html", **context), status


@bp.get("/ungdomar/<int:youth_id>/plan")
@require("register.read")
def plan(youth_id: int):
    return _plan_page(youth_or_404(youth_id, log=None, case_file=True))


@bp.post("/ungdomar/<int:youth_id>/plan")
@require("plans.write")
def save_plan(youth_id: int):
    db, actor = get_db(), current_actor()
    youth = youth_or_404(youth_id, log=None)
    form = PlanForm()
    errors, conflict = [], None
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        version = form.version.data
        data = plans.PlanData(
            goal=form.goal.data,
            agreed_on=form.agreed_on.data,
            follow_up_on=form.follow_up_on.data,
            evaluation_on=form.evaluation_on.data,
        )
        try:
            plans.save_plan(db, actor=actor, youth=youth, data=data, version=version)
            return _done("Planen är sparad.", "plans.plan", youth_id, form=form)
        except EditConflict as clash:
            rejected(form)
            conflict = clash.current
            form.version.data = conflict.version
            errors = [CONFLICT]
        except Invalid as error:
            errors = rejected(form, error)
    return _plan_page(youth, errors, conflict, 409 if conflict else 400, plan_form=form)


@bp.post("/ungdomar/<int:youth_id>/plan/insatser")
@require("plans.write")
def add_measure(youth_id: int):
    db, actor = get_db(), current_actor()
    youth = youth_or_404(youth_id, log=None)
    form = PlanMeasureForm()
    form.set_measures(plans.list_measures(db))
    errors = []
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        data = plans.PlanMeasureData(
            title=text_of(form.title),
            responsible=form.responsible.data,
            start_on=form.start_on.data,
            agreed_on=form.agreed_on.data,
            measure_id=form.measure_id.data,
            responsible_actor=text_of(form.responsible_actor),
            end_on=form.end_on.data,
        )
        try:
            plans.add_plan_measure(
                db, actor=actor, youth=youth, data=data, version=form.version.data
            )
            return _done(
                "Insatsen är tillagd och planen reviderad.",
                "plans.plan",
                youth_id,
                "insatser",
                form=form,
            )
        except EditConflict:
            errors = [*rejected(form), CONFLICT]
        except Invalid as error:
            errors = rejected(form, error)
    return _plan_page(youth, errors, status=400, measure_form=form)


@bp.post("/ungdomar/<int:youth_id>/plan/insatser/<int:measure_id>/avsluta")
@require("plans.write")
def end_measure(youth_id: int, measure_id: int):
    db, actor = get_db(), current_actor()
    youth = youth_or_404(youth_id, log=None)
    form = EndMeasureForm()
    errors = []
    if form.validate_on_submit():
        try:
            plans.end_plan_measure(
                db,
                actor=actor,
                youth=youth,
                plan_measure_id=measure_id,
                ended_on=form.ended_on.data,
                reason=form.reason.data,
                occupation_after=form.occupation_after.data,
            )
            return _done(
                "Insatsen är avslutad och planen reviderad.", "plans.plan", youth_id, "insatser"
            )
        except Invalid as error:
            errors = rejected(form, error)
    return _plan_page(youth, errors, status=400, end_form=form, end_for=measure_id)


@bp.post("/ungdomar/<int:youth_id>/plan/insatser/<int:measure_id>/uppdrag")
@require("plans.write")
@require("documents.generate")
def make_referral(youth_id: int, measure_id: int):
    db, actor = get_db(), current_actor()
    youth = youth_or_404(youth_id, log=None)
    form = ReferralForm()
    if not form.validate_on_submit():
        return _plan_page(youth, ["Ange när uppdraget skickas (ÅÅÅÅ-MM-DD)."], status=400)
    if done := already_saved(form):
        return done
    try:
        referral = plans.make_referral(
            db, actor=actor, youth=youth, plan_measure_id=measure_id, sent_on=form.sent_on.data
        )
    except Invalid as error:
        rejected(form)
        return _plan_page(youth, error.messages, status=400)
    return _done(
        f"Uppdraget till {referral.provider} är skapat. Första kontakt senast "
        f"{referral.first_contact_due.isoformat()} står på att göra-listan.",
        "plans.plan",
        youth_id,
        "uppdrag",
        form=form,
    )


@bp.post("/ungdomar/<int:youth_id>/uppdrag/<int:referral_id>/forsta-kontakt")
@require("plans.write")
def first_contact(youth_id: int, referral_id: int):
    db, actor = get_db(), current_actor()
    youth = youth_or_404(youth_id, log=None)
    form = DateOnlyForm()
    if not form.validate_on_submit():
        return _plan_page(youth, ["Ange datumet för första kontakten (ÅÅÅÅ-MM-DD)."], status=400)
    try:
        plans.record_first_contact(
            db, actor=actor, youth=youth, referral_id=referral_id, on=form.on.data
        )
    except Invalid as error:
        db.rollback()
        return _plan_page(youth, error.messages, status=400)
    return _done("Första kontakten är registrerad.", "plans.plan", youth_id, "uppdrag")


@bp.post("/ungdomar/<int:youth_id>/uppdrag/rapporter/<int:report_id>/godkann")
@require("plans.write")
def approve_report(youth_id: int, report_id: int):
    db, actor = get_db(), current_actor()
    youth = youth_or_404(youth_id, log=None)
    form = DateOnlyForm()
    if not form.validate_on_submit():
        return _plan_page(youth, ["Ange när rapporten kom in (ÅÅÅÅ-MM-DD)."], status=400)
    try:
        plans.approve_monthly_report(
            db, actor=actor, youth=youth, report_id=report_id, received_on=form.on.data
        )
    except Invalid as error:
        db.rollback()
        return _plan_page(youth, error.messages, status=400)
    return _done("Månadsrapporten är godkänd.", "plans.plan", youth_id, "uppdrag")


@bp.post("/ungdomar/<int:youth_id>/plan/avbojda")
@require("plans.write")
def declined(youth_id: int):
    db, actor = get_db(), current_actor()
    youth = youth_or_404(youth_id, log=None)
    form = DeclinedForm()
    form.set_measures(plans.list_measures(db))
    errors = []
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            plans.record_declined_offer(
                db, actor=actor, youth=youth, measure_id=form.measure_id.data, on=form.on.data
            )
            return _done(
                "Det avböjda erbjudandet är registrerat.",
                "plans.plan",
                youth_id,
                "avbojda",
                form=form,
            )
        except Invalid as error:
            errors = rejected(form, error)
    return _plan_page(youth, errors, status=400, declined_form=form)


@bp.post("/ungdomar/<int:youth_id>/plan/dokument")
@require("documents.generate")
def plan_document(youth_id: int):
    db, actor = get_db(), current_actor()
    youth = youth_or_404(youth_id, log=None)
    try:
        document = plans.generate_plan_document(db, actor=actor, youth=youth)
    except Invalid as error:
        db.rollback()
        return _plan_page(youth, error.messages, status=400)
    db.commit()
    return redirect(url_for("documents.download", document_id=document.id))


# --- consents and orosanmälan -----------------------------------------------------------------


def _consents_page(youth: Youth, errors=(), status=200, consent_form=None, concern_form=None):
    db = get_db()
    register.record_view(db, actor=current_actor(), youth=youth)  # the page shows the person
    today = local_today()
    rows = consents.consents_of(db, youth.id, today)
    context = dict(
        youth=youth,
        consents=rows,
        reports=consents.concern_reports(db, youth.id),
        sip_agencies=consents.sip_for(db, youth.id, rows),
        consent_form=consent_form or ConsentForm(formdata=None, data={"given_on": today}),
        concern_form=concern_form or ConcernForm(formdata=None, data={"on": today}),
        errors=list(errors),
        can_write=current_actor().can("plans.write") and youth.status == "aktiv",
        can_documents=current_actor().can("documents.generate"),
    )
    db.commit()
    return render_template("plans/consents.html", **context), status


@bp.get("/ungdomar/<int:youth_id>/samtycken")
@require("register.read")
def consent_list(youth_id: int):
    return _consents_page(youth_or_404(youth_id, log=None, case_file=True))


@bp.post("/ungdomar/<int:youth_id>/samtycken")
@require("plans.write")
def add_consent(youth_id: int):
    db, actor = get_db(), current_actor()
    youth = youth_or_404(youth_id, log=None)
    form = ConsentForm()
    errors = []
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        data = consents.ConsentData(
            given_by=form.given_by.data,
            parties=frozenset(form.parties.data or ()),
            purpose=form.purpose.data,
            given_on=form.given_on.data,
            form=form.form.data,
            guardian_name=text_of(form.guardian_name),
            school_name=text_of(form.school_name),
            expires_on=form.expires_on.data,
        )
        try:
            consents.record_consent(db, actor=actor, youth=youth, data=data)
            return _done("Samtycket är registrerat.", "plans.consent_list", youth_id, form=form)
        except Invalid as error:
            errors = rejected(form, error)
    return _consents_page(youth, errors, 400, consent_form=form)


@bp.post("/ungdomar/<int:youth_id>/samtycken/<int:consent_id>/aterkalla")
@require("plans.write")
def withdraw_consent(youth_id: int, consent_id: int):
    db, actor = get_db(), current_actor()
    youth = youth_or_404(youth_id, log=None)
    try:
        consents.withdraw_consent(db, actor=actor, youth=youth, consent_id=consent_id)
    except Invalid as error:
        db.rollback()
        return _consents_page(youth, error.messages, 400)
    return _done("Samtycket är återkallat.", "plans.consent_list", youth_id)


@bp.post("/ungdomar/<int:youth_id>/orosanmalan")
@require("plans.write")
def add_concern(youth_id: int):
    db, actor = get_db(), current_actor()
    youth = youth_or_404(youth_id, log=None)
    form = ConcernForm()
    errors = []
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            consents.record_orosanmalan(
                db, actor=actor, youth=youth, on=form.on.data, recipient=text_of(form.recipient)
            )
            return _done(
                "Orosanmälan är registrerad.",
                "plans.consent_list",
                youth_id,
                "orosanmalan",
                form=form,
            )
        except Invalid as error:
            errors = rejected(form, error)
    return _consents_page(youth, errors, 400, concern_form=form)


@bp.post("/ungdomar/<int:youth_id>/orosanmalan/utkast")
@require("documents.generate")
def concern_draft(youth_id: int):
    db, actor = get_db(), current_actor()
    youth = youth_or_404(youth_id, log=None)
    form = ConcernForm()
    if not form.validate_on_submit():
        return _consents_page(youth, ["Ange mottagaren."], 400, concern_form=form)
    document = consents.generate_concern_draft(
        db, actor=actor, youth=youth, recipient=text_of(form.recipient)
    )
    db.commit()
    return redirect(url_for("documents.download", document_id=document.id))


# --- the measures catalogue (admin) -----------------------------------------------------------


def _catalogue_data(form: MeasureCatalogueForm) -> plans.MeasureCatalogueData:
    return plans.MeasureCatalogueData(
        name=text_of(form.name),
        provider=text_of(form.provider),
        min_age=form.min_age.data,
        max_age=form.max_age.data,
        category=form.category.data,
        first_contact_days=form.first_contact_days.data,
        monthly_reports=form.monthly_reports.data,
        active=form.active.data,
    )


def _catalogue_page(form, errors=(), status=200, edit_id=None):
    db = get_db()
    rows = plans.list_measures(db, include_inactive=True)
    return render_template(
        "plans/measures.html",
        form=form,
        rows=rows,
        errors=list(errors),
        edit_id=edit_id,
        age_text=plans.age_limits_text,
    ), status


@bp.get("/admin/insatser")
@require("measures.manage")
def catalogue():
    edit_id = request.args.get("andra", type=db_int)
    row = get_db().get(Measure, edit_id) if edit_id else None
    form = (
        MeasureCatalogueForm(formdata=None, obj=row) if row else MeasureCatalogueForm(formdata=None)
    )
    return _catalogue_page(form, edit_id=row.id if row else None)


@bp.post("/admin/insatser")
@require("measures.manage")
def save_measure():
    db = get_db()
    form = MeasureCatalogueForm()
    edit_id = request.form.get("measure_id", type=db_int)
    errors = []
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            plans.save_measure(
                db, actor=current_actor(), data=_catalogue_data(form), measure_id=edit_id
            )
            return saved("Insatsen är sparad.", url_for("plans.catalogue"), form)
        except Invalid as error:
            errors = rejected(form, error)
    return _catalogue_page(form, errors, 400, edit_id)
