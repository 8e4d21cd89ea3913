"""The register list: filters, search, the CSV export, saved views, reassigning many."""

from __future__ import annotations

import dataclasses

from flask import flash, request, url_for

from kaa_web.db import get_db
from kaa_web.exports import csv_download
from kaa_web.forms import SELECTION_INVALID, db_int, id_list, text_of
from kaa_web.forms.register import (
    AssignForm,
    ListFilterForm,
    SaveViewForm,
    SearchForm,
)
from kaa_web.htmx import is_htmx, local_path, push_url, redirect, render
from kaa_web.models.base import local_today
from kaa_web.permissions import current_actor, require
from kaa_web.rules import outreach as ladder
from kaa_web.rules.words import plural
from kaa_web.services import register, staff
from kaa_web.services.access import sees_case_file
from kaa_web.services.errors import Invalid
from kaa_web.views import already_saved, saved
from kaa_web.views.register.blueprint import bp


def _filter_form(source, officers=None) -> tuple[ListFilterForm, register.ListFilter]:
    db = get_db()
    form = ListFilterForm(source)
    if officers is None:
        officers = staff.officers(db)
    form.set_choices(register.districts(db), officers)
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


def _list_page(form, filters, search_form, page: int, officers):
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
        assign_form=assign_form(officers=officers),
        can_write=actor.can("register.write"),
        case_file=sees_case_file(actor),
        can_import=actor.can("register.import"),
        can_mailout=actor.can("documents.generate"),
        can_export=actor.can("register.export"),
    )
    return render("register/index.html", "register/_list_update.html", **context)


def assign_form(selected: int | None = None, officers=None) -> AssignForm:
    form = AssignForm()
    if officers is None:
        officers = staff.officers(get_db())
    form.set_choices(officers)
    if selected is not None and not form.is_submitted():
        form.officer_id.data = selected
    return form


@bp.get("/")
@require("register.read")
def index():
    officers = staff.officers(get_db())  # the filter's select and the assign form's
    form, filters = _filter_form(request.args, officers)
    page = max(request.args.get("sida", 1, type=db_int), 1)
    return _list_page(form, filters, SearchForm(formdata=None), page, officers)


@bp.post("/sok")
@require("register.read")
def search():
    """Searching is a POST so that names and personnummer never end up in a URL or a log.

    The filters do belong in the address bar: with no search text a plain form post is
    redirected to the filtered list, and an htmx update pushes that URL.
    """
    officers = staff.officers(get_db())
    form, filters = _filter_form(request.form, officers)
    search_form = SearchForm()
    if not search_form.validate():
        search_form.search.data = (search_form.search.data or "")[:100]
    filters = dataclasses.replace(filters, search=search_form.search.data or "")
    filtered_url = url_for("register.index", **filters.query_args())
    if not filters.search and not is_htmx():
        return redirect(filtered_url)
    page = max(search_form.sida.data or 1, 1)
    response = _list_page(form, filters, search_form, page, officers)
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
    form = assign_form()
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
