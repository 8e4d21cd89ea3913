"""One person's page and what is done from it: deregistering, registering again, contacts,
letters."""

from __future__ import annotations

from flask import render_template, request, url_for

from kaa_web.db import get_db
from kaa_web.forms.register import (
    LETTER_CHOICES,
    ContactForm,
    DeregisterForm,
    LetterForm,
    RegisterAgainForm,
)
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import local_today
from kaa_web.models.plans import CONSENT_FORMS, CONSENT_GIVERS
from kaa_web.models.register import District, Youth
from kaa_web.permissions import current_actor, require
from kaa_web.rules import outreach as ladder
from kaa_web.rules import personnummer as pnr
from kaa_web.services import consents, mailout, outreach, register, staff
from kaa_web.services.access import can_see_address, record_read, sees_case_file
from kaa_web.services.errors import Invalid
from kaa_web.views import already_saved, rejected, saved, youth_or_404
from kaa_web.views.register.blueprint import bp
from kaa_web.views.register.listing import assign_form


def _person_context(youth: Youth, deregister_form=None, letter_form=None, again_form=None) -> dict:
    """Everything the person page shows; rendering it is logged as a view of the person."""
    db = get_db()
    actor = current_actor()
    record_read(db, actor, youth)
    officer = db.get(StaffUser, youth.officer_id) if youth.officer_id else None
    periods = register.periods_of(db, youth.id)
    return dict(
        youth=youth,
        period=periods[0],
        periods=periods,
        again_form=again_form or RegisterAgainForm(formdata=None),
        display_pnr=pnr.display(youth.personnummer),
        age=pnr.age_on(youth.birth_date, local_today()),
        guardians=register.guardians_of(db, youth.id),
        timeline=register.person_timeline(db, actor=actor, youth=youth),
        officer=officer,
        district=db.get(District, youth.district_id) if youth.district_id else None,
        show_address=can_see_address(actor, youth),
        can_write=actor.can("register.write"),
        can_documents=actor.can("documents.generate"),
        can_extract=actor.can("register.extract"),
        step_label=ladder.STEP_LABELS.get(youth.next_step or "", ""),
        deregister_form=deregister_form or DeregisterForm(),
        letter_form=letter_form or LetterForm(formdata=None, step=_default_letter(youth)),
        assign_form=assign_form(selected=youth.officer_id),
        today=local_today(),
        case=consents.person_summary(db, youth.id),
    )


@bp.get("/<int:youth_id>")
@require("register.read")
def person(youth_id: int):
    youth = youth_or_404(youth_id, log=False)  # the page's context logs the view
    if not sees_case_file(current_actor()):
        context = _shared_context(youth)
        get_db().commit()
        return render_template("register/shared.html", **context)
    context = _person_context(youth)
    get_db().commit()
    return render_template("register/person.html", **context)


def _shared_context(youth: Youth) -> dict:
    """What social services see instead of the case file; rendering it is logged as a view."""
    db, actor = get_db(), current_actor()
    record_read(db, actor, youth)
    return dict(
        youth=youth,
        masked_pnr=pnr.mask(youth.personnummer),
        age=pnr.age_on(youth.birth_date, local_today()),
        shared=consents.shared_with_social_services(db, youth),
        show_address=can_see_address(actor, youth),
        consent_givers=CONSENT_GIVERS,
        consent_forms=CONSENT_FORMS,
    )


def _default_letter(youth: Youth) -> str:
    return youth.next_step if youth.next_step in LETTER_CHOICES else ""


@bp.post("/<int:youth_id>/avregistrera")
@require("register.write")
def deregister(youth_id: int):
    youth = youth_or_404(youth_id, log=False)
    form = DeregisterForm()
    if form.validate():
        if done := already_saved(form):
            return done
        try:
            register.deregister_youth(
                get_db(),
                actor=current_actor(),
                youth_id=youth_id,
                reason=form.reason.data,
                on=form.on.data,
                result=form.result.data,
            )
            return saved(
                "Ungdomen är avregistrerad.", url_for("register.person", youth_id=youth_id), form
            )
        except Invalid as error:
            rejected(form)
            form.reason.errors = [*form.reason.errors, *error.messages]
    context = _person_context(youth, deregister_form=form)
    get_db().commit()  # the logged view
    return render_template("register/person.html", **context), 400


@bp.post("/<int:youth_id>/registrera-igen")
@require("register.write")
def register_again(youth_id: int):
    """A deregistered person comes back: a new period; their earlier ones stay as they were."""
    youth = youth_or_404(youth_id, log=False)
    form = RegisterAgainForm()
    if form.validate():
        if done := already_saved(form):
            return done
        try:
            register.register_again(
                get_db(),
                actor=current_actor(),
                youth_id=youth_id,
                reason=form.registration_reason.data,
                source=form.registration_source.data,
                on=form.registered_on.data,
            )
            return saved(
                "Ungdomen är registrerad i KAA igen.",
                url_for("register.person", youth_id=youth_id),
                form,
            )
        except Invalid as error:
            leftover = rejected(form, error)
            form.registration_reason.errors = [*form.registration_reason.errors, *leftover]
    context = _person_context(youth, again_form=form)
    get_db().commit()  # the logged view
    return render_template("register/person.html", **context), 400


@bp.route("/<int:youth_id>/kontakt", methods=["GET", "POST"])
@require("register.write")
def contact(youth_id: int):
    youth = youth_or_404(youth_id, log=request.method == "GET")
    form = ContactForm()
    form.set_staff(staff.officers(get_db()))
    if request.method == "GET":
        form.kind.data = request.args.get("typ", "")
        form.on.data = local_today()
    errors: list[str] = []
    if form.validate_on_submit():
        data = outreach.ContactData(
            kind=form.kind.data,
            on=form.on.data,
            outcome=form.outcome.data or None,
            occupation=form.occupation.data or None,
            study_kind=form.study_kind.data or None,
            study_end=form.study_end.data,
            planned_visit=form.planned_visit.data,
            planned_time=form.planned_time.data or None,
            second_staff_id=form.second_staff_id.data,
            note=form.note.data or "",
        )
        if done := already_saved(form):
            return done
        try:
            outreach.record_contact(get_db(), actor=current_actor(), youth=youth, data=data)
            return saved(
                "Kontakten är registrerad.", url_for("register.person", youth_id=youth_id), form
            )
        except Invalid as error:
            errors = rejected(form, error)
    if request.method == "POST":  # the person is shown again (a GET logged it on the way in)
        record_read(get_db(), current_actor(), youth)
    get_db().commit()  # the logged view
    status = 400 if request.method == "POST" else 200
    return render_template(
        "register/contact.html",
        form=form,
        youth=youth,
        errors=errors,
        guardians_get_letters=ladder.letter_to_guardians(youth.birth_date, local_today()),
    ), status


@bp.post("/<int:youth_id>/dokument")
@require("documents.generate")
def create_letter(youth_id: int):
    """Print one person's letter, postcard, visit card or letter before 20 and record it."""
    youth = youth_or_404(youth_id, log=False)
    form = LetterForm()
    if form.validate():
        if done := already_saved(form):
            return done
        visit = None
        if form.step.data == "besoksvykort":
            visit = mailout.Visit(form.visit_on.data, form.visit_time.data)
        try:
            _document, missing = mailout.generate_letter(
                get_db(),
                actor=current_actor(),
                youth_id=youth_id,
                step=form.step.data,
                on=local_today(),
                visit=visit,
            )
            message = (
                "Dokumentet är skapat och kontakten registrerad. Det ligger överst i tidslinjen."
            )
            if missing:
                message += f" {' och '.join(missing)} saknar adress och fick inget brev."
            return saved(message, url_for("register.person", youth_id=youth_id), form)
        except Invalid as error:
            rejected(form)
            form.step.errors = [*form.step.errors, *error.messages]
    context = _person_context(youth, letter_form=form)
    get_db().commit()  # the logged view
    return render_template("register/person.html", **context), 400
