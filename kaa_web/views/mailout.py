"""The term-start mail-out (/utskick): preview, start a job, follow its progress, confirm it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request, url_for

from kaa_web.db import get_db
from kaa_web.forms import id_list
from kaa_web.forms.mailout import CancelMailoutForm, ConfirmMailoutForm, StartMailoutForm
from kaa_web.forms.register import ListFilterForm
from kaa_web.htmx import redirect, render
from kaa_web.models.base import local_today
from kaa_web.models.mailout import LEFT_OUT_REASONS
from kaa_web.permissions import current_actor, require
from kaa_web.rules.recipients import HOUSEHOLD_RULE
from kaa_web.rules.words import plural
from kaa_web.services import jobs, mailout, outreach, register, staff
from kaa_web.services.errors import Invalid
from kaa_web.views import already_saved, rejected, saved

bp = Blueprint("mailout", __name__, url_prefix="/utskick")

SHOWN_RECIPIENTS = 200


def _register_filter() -> register.ListFilter:
    """The register list's filters as its page posts them (invalid values are left out)."""
    db = get_db()
    form = ListFilterForm(request.form)
    form.set_choices(register.districts(db), staff.officers(db))
    form.validate()
    values = {
        name: getattr(form, name).data
        for name in ("status", "district_id", "reason", "officer", "due", "step")
        if not getattr(form, name).errors and getattr(form, name).data not in (None, "")
    }
    return register.ListFilter(**values)


def _selection() -> list[int]:
    """The checked rows, every letter due in the worklist view ("select all"), or the letters
    due among the people a register filter selects."""
    if request.form.get("urval") == "register":
        return register.filtered_ids(
            get_db(),
            actor=current_actor(),
            filters=_register_filter(),
            next_steps=outreach.LETTER_KINDS,
            limit=mailout.MAX_PEOPLE,
        )
    if request.form.get("alla") == "ja":
        return outreach.due_letter_ids(
            get_db(),
            actor=current_actor(),
            scope=request.form.get("vy", "mina"),
            today=local_today(),
        )
    try:
        return id_list(request.form.getlist("youth_ids"), limit=mailout.MAX_PEOPLE)
    except ValueError:
        return []


@bp.post("/forhandsgranska")
@require("documents.generate")
def preview():
    """Not a change: a POST only because a selection of thousands does not fit in a URL."""
    ids = _selection()
    if not ids or len(ids) > mailout.MAX_PEOPLE:
        message = "Markera minst ett brev." if not ids else "Högst 10 000 ungdomar per utskick."
        flash(message, "error")
        return redirect(url_for("worklist.index", vy=request.form.get("vy", "mina")))
    result = mailout.preview_mailout(
        get_db(), actor=current_actor(), youth_ids=ids, on=local_today()
    )
    get_db().commit()  # the read of the selected people is logged
    form = StartMailoutForm(formdata=None, youth_ids=",".join(map(str, ids)))
    return render_template(
        "mailout/preview.html",
        preview=result,
        form=form,
        shown=SHOWN_RECIPIENTS,
        pdf_available=mailout.pdf_available(),
        household_rule=HOUSEHOLD_RULE,
        reasons=LEFT_OUT_REASONS,
    )


@bp.post("/")
@require("documents.generate")
def start():
    form = StartMailoutForm()
    if not form.validate_on_submit():
        return render_template("mailout/invalid.html", form=form), 400
    if done := already_saved(form):
        return done
    actor = current_actor()
    job = mailout.start_mailout(
        get_db(),
        actor=actor,
        youth_ids=form.selected_ids(),
        on=local_today(),
        make_pdf=form.pdf.data and mailout.pdf_available(),
    )
    response = saved(None, url_for("mailout.job", job_id=job.id), form)
    jobs.enqueue(mailout.TASK, job_id=job.id)  # committed: a worker makes the files
    return response


@bp.get("/")
@require("documents.generate")
def index():
    summaries = mailout.list_mailout_jobs(get_db(), actor=current_actor())
    return render_template("mailout/index.html", jobs=summaries)


def _job_page(job_id: int, confirm_form=None, errors=(), status: int = 200):
    view = mailout.get_mailout_job(get_db(), actor=current_actor(), job_id=job_id)
    confirm_form = confirm_form or ConfirmMailoutForm(formdata=None, posted_on=local_today())
    return render(
        "mailout/job.html",
        "mailout/_status.html",
        status,
        view=view,
        confirm_form=confirm_form,
        errors=list(errors),
        reasons=LEFT_OUT_REASONS,
    )


@bp.get("/<int:job_id>")
@require("documents.generate")
def job(job_id: int):
    return _job_page(job_id)


@bp.post("/<int:job_id>/bekrafta")
@require("documents.generate")
def confirm(job_id: int):
    """The officer confirms the letters were printed and posted: only now are they sent."""
    form = ConfirmMailoutForm()
    if not form.validate_on_submit():
        return _job_page(job_id, form, status=400)
    if done := already_saved(form):
        return done
    db = get_db()
    try:
        job = mailout.confirm_mailout(
            db, actor=current_actor(), job_id=job_id, posted_on=form.posted_on.data
        )
    except Invalid as error:
        return _job_page(job_id, form, rejected(form, error), status=400)
    message = plural(
        job.contact_count, "skickat brev är registrerat.", "skickade brev är registrerade."
    )
    return saved(message, url_for("mailout.job", job_id=job_id), form)


@bp.post("/<int:job_id>/makulera")
@require("documents.generate")
def cancel(job_id: int):
    """The files were never posted: nothing is recorded, and the people can be sent again."""
    if not CancelMailoutForm().validate_on_submit():
        abort(400)
    db = get_db()
    try:
        mailout.cancel_mailout(db, actor=current_actor(), job_id=job_id)
    except Invalid as error:
        db.rollback()
        return _job_page(job_id, errors=error.messages, status=400)
    return saved(
        "Utskicket är makulerat. Inget är registrerat.", url_for("mailout.job", job_id=job_id)
    )
