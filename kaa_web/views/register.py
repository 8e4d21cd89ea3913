"""The register pages: the list and search, a person, registering, editing, contacts, import."""

from __future__ import annotations

import dataclasses

from flask import Blueprint, flash, render_template, request, url_for

from kaa_web.db import get_db
from kaa_web.exports import csv_download
from kaa_web.forms import SELECTION_INVALID, db_int, id_list, text_of
from kaa_web.forms.register import (
    LETTER_CHOICES,
    AssignForm,
    ContactForm,
    DeregisterForm,
    EditYouthForm,
    ImportForm,
    LetterForm,
    ListFilterForm,
    SaveViewForm,
    SearchForm,
    YouthForm,
)
from kaa_web.htmx import is_htmx, local_path, push_url, redirect, render
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import local_today
from kaa_web.models.plans import CONSENT_FORMS, CONSENT_GIVERS
from kaa_web.models.register import District, Youth
from kaa_web.permissions import current_actor, require
from kaa_web.rules import outreach as ladder
from kaa_web.rules import personnummer as pnr
from kaa_web.rules.words import plural
from kaa_web.services import consents, mailout, outreach, register, register_import, staff
from kaa_web.services.access import can_see_address, sees_case_file
from kaa_web.services.errors import EditConflict, Invalid
from kaa_web.views import already_saved, rejected, saved, youth_or_404

bp = Blueprint("register", __name__, url_prefix="/ungdomar")


def _filter_form(source) -> tuple[ListFilterForm, register.ListFilter]:
    db = get_db()
    form = ListFilterForm(source)
    form.set_choices(register.districts(db), staff.officers(db))
    if not sees_case_file(current_actor()):
        form.without_case_work()
    form.validate()
    filters = register.ListFilter(
        status=form.status.data if form.status.data is not None else "aktiv",
        district_id=form.district_id.data if not form.district_id.errors else None,
        reason=form.reason.data or "" if not form.reason.errors else "",
        officer=form.officer.data or "" if not form.officer.errors else "",
        due=form.due.data or "" if not form.due.errors else "",
        step=form.step.data or "" if not form.step.errors else "",
        sort=form.sort.data if not form.sort.errors and form.sort.data else "namn",
    )
    return form, register.shown_filters(current_actor(), filters)


def _list_page(form, filters, search_form, page: int):
    db = get_db()
    actor = current_actor()
    result = register.list_youth(db, actor=actor, filters=filters, page=page)
    db.commit()
    context = dict(
        form=form,
        filters=filters,
        search_form=search_form,
        result=result,
        searching=bool(filters.search),
        views=register.saved_views(db, actor=actor),
        save_form=SaveViewForm(),
        step_labels=ladder.STEP_LABELS,
        assign_form=_assign_form(),
        can_write=actor.can("register.write"),
        case_file=sees_case_file(actor),
        can_import=actor.can("register.import"),
        can_mailout=actor.can("documents.generate"),
        can_export=actor.can("register.export"),
    )
    return render("register/index.html", "register/_list_update.html", **context)


def _assign_form(selected: int | None = None) -> AssignForm:
    form = AssignForm()
    form.set_choices(staff.officers(get_db()))
    if selected is not None and not form.is_submitted():
        form.officer_id.data = selected
    return form


@bp.get("/")
@require("register.read")
def index():
    form, filters = _filter_form(request.args)
    return _list_page(
        form, filters, SearchForm(formdata=None), max(request.args.get("sida", 1, type=db_int), 1)
    )


@bp.post("/sok")
@require("register.read")
def search():
    """Searching is a POST so that names and personnummer never end up in a URL or a log.

    The filters do belong in the address bar: with no search text a plain form post is
    redirected to the filtered list, and an htmx update pushes that URL.
    """
    form, filters = _filter_form(request.form)
    search_form = SearchForm()
    if not search_form.validate():
        search_form.search.data = (search_form.search.data or "")[:100]
    filters = dataclasses.replace(filters, search=search_form.search.data or "")
    filtered_url = url_for("register.index", **filters.query_args())
    if not filters.search and not is_htmx():
        return redirect(filtered_url)
    response = _list_page(form, filters, search_form, max(search_form.sida.data or 1, 1))
    return push_url(response, filtered_url)


@bp.get("/export.csv")
@require("register.export")
def export():
    """The filtered list as a CSV file for Excel, streamed."""
    _form, filters = _filter_form(request.args)
    rows = register.export_rows(get_db(), actor=current_actor(), filters=filters)
    return csv_download(rows, f"kaa-register-{local_today()}.csv")


@bp.post("/vyer/spara")
@require("register.read")
def save_view():
    form = SaveViewForm()
    _filters_form, filters = _filter_form(request.form)
    location = url_for("register.index", **filters.query_args())
    if not form.validate():
        flash("Ge vyn ett namn (högst 100 tecken).", "error")
        return redirect(location)
    if done := already_saved(form):
        return done
    register.save_view(get_db(), actor=current_actor(), name=form.name.data, filters=filters)
    return saved(f"Vyn \u201d{text_of(form.name)}\u201d är sparad.", location, form)


@bp.post("/vyer/<int:view_id>/ta-bort")
@require("register.read")
def delete_view(view_id: int):
    register.delete_saved_view(get_db(), actor=current_actor(), view_id=view_id)
    return saved("Vyn är borttagen.", url_for("register.index"))


@bp.post("/tilldela")
@require("register.write")
def assign():
    form = _assign_form()
    back = local_path(request.form.get("next"), url_for("main.start"))
    try:
        ids = id_list(request.form.getlist("youth_ids"))
    except ValueError:
        flash(SELECTION_INVALID, "error")
        return redirect(back)
    if not form.validate() or not ids:
        flash("Markera minst en ungdom och välj handläggare.", "error")
        return redirect(back)
    try:
        count = register.assign_officer(
            get_db(), actor=current_actor(), youth_ids=ids, officer_id=form.officer_id.data
        )
    except Invalid as error:
        flash(" ".join(error.messages), "error")
        return redirect(back)
    return saved(f"Handläggare ändrad för {plural(count, 'ungdom', 'ungdomar')}.", back)


# --- one person -------------------------------------------------------------------------------


def _person_context(youth: Youth, deregister_form=None, letter_form=None) -> dict:
    """Everything the person page shows; rendering it is logged as a view of the person."""
    db = get_db()
    actor = current_actor()
    register.record_view(db, actor=actor, youth=youth)
    officer = db.get(StaffUser, youth.officer_id) if youth.officer_id else None
    return dict(
        youth=youth,
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
        assign_form=_assign_form(selected=youth.officer_id),
        today=local_today(),
        case=consents.person_summary(db, youth.id),
    )


@bp.get("/<int:youth_id>")
@require("register.read")
def person(youth_id: int):
    youth = youth_or_404(youth_id, log=None)  # the page's context logs the view
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
    register.record_view(db, actor=actor, youth=youth)
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


def _youth_data(form) -> register.YouthData:
    may_protect = current_actor().can("register.protect")  # others are not offered the box
    return register.YouthData(
        first_name=text_of(form.first_name),
        last_name=text_of(form.last_name),
        gender=form.gender.data or None,
        protected_identity=form.protected_identity.data if may_protect else None,
        street_address=text_of(form.street_address),
        postal_code=text_of(form.postal_code),
        city=text_of(form.city),
        phone=text_of(form.phone),
        email=text_of(form.email),
        district_id=form.district_id.data,
        officer_id=form.officer_id.data,
        registration_reason=form.registration_reason.data,
        registration_source=form.registration_source.data,
        registered_on=form.registered_on.data,
        guardians=[register.GuardianData(**g) for g in form.guardians()],
    )


def _prepare(form):
    db = get_db()
    form.set_choices(register.districts(db), staff.officers(db))
    return form


@bp.route("/ny", methods=["GET", "POST"])
@require("register.write")
def new():
    form = _prepare(YouthForm())
    errors: list[str] = []
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            youth = register.register_youth(
                get_db(),
                actor=current_actor(),
                personnummer=form.personnummer.data,
                data=_youth_data(form),
            )
            return saved(
                "Ungdomen är registrerad.", url_for("register.person", youth_id=youth.id), form
            )
        except Invalid as error:
            errors = rejected(form, error)
    status = 400 if request.method == "POST" else 200
    return render_template("register/form.html", **_form_context(form, errors)), status


def _form_context(form, errors, youth=None, conflict=None) -> dict:
    """The form page; a protected address the user may not see is neither filled in nor shown."""
    actor = current_actor()
    return dict(
        form=form,
        errors=errors,
        youth=youth,
        conflict=conflict,
        show_address=youth is None or can_see_address(actor, conflict or youth),
        can_protect=actor.can("register.protect"),
    )


def _edit_initial(youth: Youth) -> dict:
    hidden = () if can_see_address(current_actor(), youth) else register.ADDRESS
    data = {name: getattr(youth, name) for name in register.EDITABLE if name not in hidden}
    for n, guardian in enumerate(register.guardians_of(get_db(), youth.id)[:2], start=1):
        for key in ("name", "street_address", "postal_code", "city", "phone"):
            if key not in hidden:
                data[f"guardian{n}_{key}"] = getattr(guardian, key)
    data["version"] = youth.version
    return data


@bp.route("/<int:youth_id>/redigera", methods=["GET", "POST"])
@require("register.write")
def edit(youth_id: int):
    youth = youth_or_404(youth_id, log="view" if request.method == "GET" else None)
    if request.method == "GET":
        form = _prepare(EditYouthForm(data=_edit_initial(youth)))
        get_db().commit()
        return render_template("register/form.html", **_form_context(form, [], youth))
    form = _prepare(EditYouthForm())
    errors: list[str] = []
    conflict = None
    if form.validate_on_submit():
        try:
            register.update_youth(
                get_db(),
                actor=current_actor(),
                youth_id=youth_id,
                version=form.version.data or 0,
                data=_youth_data(form),
            )
            return saved("Ändringarna är sparade.", url_for("register.person", youth_id=youth_id))
        except EditConflict as clash:
            get_db().rollback()
            conflict = clash.current
            form.version.data = conflict.version
            errors = [
                "Någon annan har sparat ändringar för den här personen medan du redigerade. "
                "Dina ändringar är inte sparade ännu: jämför med de aktuella uppgifterna "
                "nedan och spara igen."
            ]
        except Invalid as error:
            errors = rejected(form, error)
    register.record_view(get_db(), actor=current_actor(), youth=youth)  # shown again
    get_db().commit()
    return render_template(
        "register/form.html", **_form_context(form, errors, youth, conflict)
    ), 409 if conflict else 400


@bp.post("/<int:youth_id>/avregistrera")
@require("register.write")
def deregister(youth_id: int):
    youth = youth_or_404(youth_id, log=None)
    form = DeregisterForm()
    if form.validate():
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
                "Ungdomen är avregistrerad.", url_for("register.person", youth_id=youth_id)
            )
        except Invalid as error:
            get_db().rollback()
            form.reason.errors = [*form.reason.errors, *error.messages]
    context = _person_context(youth, deregister_form=form)
    get_db().commit()  # the logged view
    return render_template("register/person.html", **context), 400


@bp.route("/<int:youth_id>/kontakt", methods=["GET", "POST"])
@require("register.write")
def contact(youth_id: int):
    youth = youth_or_404(youth_id, log="view" if request.method == "GET" else None)
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
        register.record_view(get_db(), actor=current_actor(), youth=youth)
    get_db().commit()  # the logged view
    status = 400 if request.method == "POST" else 200
    return render_template(
        "register/contact.html",
        form=form,
        youth=youth,
        errors=errors,
        guardians_get_letters=ladder.letter_to_guardians(
            ladder.PersonFacts(youth.birth_date, youth.registered_on), local_today()
        ),
    ), status


@bp.post("/<int:youth_id>/dokument")
@require("documents.generate")
def create_letter(youth_id: int):
    """Print one person's letter, postcard, visit card or letter before 20 and record it."""
    youth = youth_or_404(youth_id, log=None)
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


# --- import -----------------------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
@require("register.import")
def import_extract():
    form = ImportForm()
    preview = None
    if form.validate_on_submit():
        upload = form.file.data
        preview = register_import.preview_import(
            get_db(),
            actor=current_actor(),
            filename=upload.filename or "utdrag.csv",
            content=upload.read(),
        )
        get_db().commit()
    status = (
        400 if request.method == "POST" and (form.errors or (preview and preview.errors)) else 200
    )
    return render_template(
        "register/import.html", form=form, preview=preview, columns=register_import.COLUMNS
    ), status


@bp.post("/import/<int:batch_id>/genomfor")
@require("register.import")
def apply_import(batch_id: int):
    try:
        preview = register_import.apply_import(get_db(), actor=current_actor(), batch_id=batch_id)
    except Invalid as error:
        get_db().rollback()
        flash(" ".join(error.messages[:20]), "error")
        return redirect(url_for("register.import_extract"))
    get_db().commit()
    flash(f"Importen är genomförd: {preview.summary}.", "success")
    return redirect(url_for("register.index", sort="registrerad"))
