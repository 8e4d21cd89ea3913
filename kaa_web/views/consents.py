"""A young person's consents (samtycken) and orosanmälningar (/ungdomar/<id>/samtycken)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from kaa_web.db import get_db
from kaa_web.forms import text_of
from kaa_web.forms.consents import ConcernForm, ConsentForm
from kaa_web.models.base import local_today
from kaa_web.models.plans import CONSENT_FORMS, CONSENT_GIVERS
from kaa_web.permissions import current_actor, require
from kaa_web.services import consents
from kaa_web.services.access import get_youth
from kaa_web.services.errors import Invalid
from kaa_web.views import already_saved, rejected, saved

bp = Blueprint("consents", __name__)


@bp.context_processor
def _labels() -> dict:
    return {"CONSENT_FORMS": CONSENT_FORMS, "CONSENT_GIVERS": CONSENT_GIVERS}


def _page(youth_id: int, errors=(), status=200, consent_form=None, concern_form=None):
    """The consents page of a person whose case file the user sees, its read logged."""
    db, today = get_db(), local_today()
    page = consents.consents_page(db, actor=current_actor(), youth_id=youth_id, today=today)
    response = render_template(
        "consents/index.html",
        youth=page.youth,
        consents=page.consents,
        reports=page.reports,
        sip_agencies=page.sip_agencies,
        consent_form=consent_form or ConsentForm(formdata=None, data={"given_on": today}),
        concern_form=concern_form or ConcernForm(formdata=None, data={"on": today}),
        errors=list(errors),
        can_write=page.can_write,
        can_documents=page.can_documents,
    )
    db.commit()
    return response, status


def _to_page(youth_id: int, anchor: str | None = None) -> str:
    return url_for("consents.index", youth_id=youth_id, _anchor=anchor)


@bp.get("/ungdomar/<int:youth_id>/samtycken")
@require("register.read")
def index(youth_id: int):
    return _page(youth_id)


@bp.post("/ungdomar/<int:youth_id>/samtycken")
@require("plans.write")
def add_consent(youth_id: int):
    db, actor = get_db(), current_actor()
    youth = get_youth(db, actor=actor, youth_id=youth_id, may="case_file")
    form = ConsentForm()
    errors = []
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            consents.record_consent(db, actor=actor, youth=youth, data=form.consent_data())
            return saved("Samtycket är registrerat.", _to_page(youth_id), form)
        except Invalid as error:
            errors = rejected(form, error)
    return _page(youth_id, errors, 400, consent_form=form)


@bp.post("/ungdomar/<int:youth_id>/samtycken/<int:consent_id>/aterkalla")
@require("plans.write")
def withdraw(youth_id: int, consent_id: int):
    db, actor = get_db(), current_actor()
    youth = get_youth(db, actor=actor, youth_id=youth_id, may="case_file")
    try:
        consents.withdraw_consent(db, actor=actor, youth=youth, consent_id=consent_id)
    except Invalid as error:
        db.rollback()
        return _page(youth_id, error.messages, 400)
    return saved("Samtycket är återkallat.", _to_page(youth_id))


@bp.post("/ungdomar/<int:youth_id>/orosanmalan")
@require("plans.write")
def add_concern(youth_id: int):
    db, actor = get_db(), current_actor()
    youth = get_youth(db, actor=actor, youth_id=youth_id, may="case_file")
    form = ConcernForm()
    errors = []
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            consents.record_orosanmalan(
                db, actor=actor, youth=youth, on=form.on.data, recipient=text_of(form.recipient)
            )
            return saved("Orosanmälan är registrerad.", _to_page(youth_id, "orosanmalan"), form)
        except Invalid as error:
            errors = rejected(form, error)
    return _page(youth_id, errors, 400, concern_form=form)


@bp.post("/ungdomar/<int:youth_id>/orosanmalan/utkast")
@require("documents.generate")
def concern_draft(youth_id: int):
    db, actor = get_db(), current_actor()
    youth = get_youth(db, actor=actor, youth_id=youth_id, may="case_file")
    form = ConcernForm()
    if not form.validate_on_submit():
        return _page(youth_id, ["Ange mottagaren."], 400, concern_form=form)
    document = consents.generate_concern_draft(
        db, actor=actor, youth=youth, recipient=text_of(form.recipient)
    )
    return saved(None, url_for("documents.download", document_id=document.id))
