"""The mapping page (kartläggning): documented once, then edited with every state kept."""

from __future__ import annotations

from flask import render_template, url_for

from kaa_web.db import get_db
from kaa_web.forms.plans import MappingForm
from kaa_web.models.base import local_today
from kaa_web.permissions import current_actor, require
from kaa_web.services.access import get_youth
from kaa_web.services.errors import EditConflict, Invalid
from kaa_web.services.plans import mapping
from kaa_web.services.plans.page import MappingPage, mapping_page
from kaa_web.views import already_saved, rejected, saved
from kaa_web.views.plans.blueprint import bp, conflicted


def _new_form(page: MappingPage) -> MappingForm:
    """The form as the page opens: the mapping as it stands, or today and what a school
    reported about the person's schooling."""
    if page.mapping:
        return MappingForm(data=MappingForm.initial(page.mapping))
    school = page.background
    from_school = (
        {
            "last_school": school.last_school,
            "programme": school.programme,
            "school_ending": school.school_ending,
        }
        if school
        else {}
    )
    return MappingForm(data={"on": local_today(), **from_school})


def _render(page: MappingPage, form, errors=(), conflict=None, status=200):
    """The page; a form sent back says nothing of where its first values came from."""
    context = vars(page) | {"background": page.background if status == 200 else None}
    return render_template(
        "plans/mapping.html", **context, form=form, errors=list(errors), conflict=conflict
    ), status


@bp.get("/ungdomar/<int:youth_id>/kartlaggning", endpoint="mapping")
@require("register.read")
def mapping_view(youth_id: int):
    page = mapping_page(get_db(), actor=current_actor(), youth_id=youth_id)
    response = _render(page, _new_form(page))
    get_db().commit()
    return response


@bp.post("/ungdomar/<int:youth_id>/kartlaggning")
@require("plans.write")
def save_mapping(youth_id: int):
    db, actor = get_db(), current_actor()
    youth = get_youth(db, actor=actor, youth_id=youth_id, may="case_file")
    form = MappingForm()
    errors, conflict = [], None
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            mapping.save_mapping(
                db, actor=actor, youth=youth, data=form.mapping_data(), version=form.version.data
            )
            location = url_for("plans.mapping", youth_id=youth_id)
            return saved("Kartläggningen är sparad.", location, form)
        except EditConflict as clash:
            errors, conflict = conflicted(form, clash), clash.current
        except Invalid as error:
            errors = rejected(form, error)
    page = mapping_page(db, actor=actor, youth_id=youth_id)
    response = _render(page, form, errors, conflict, 409 if conflict else 400)
    db.commit()
    return response
