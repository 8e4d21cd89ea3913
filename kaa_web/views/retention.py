"""Gallring (/admin/gallring): what the next run would anonymise, who is held back, the last
runs, and a run started now on the job runner."""

from flask import Blueprint, current_app, render_template, url_for

from kaa_web.db import get_db
from kaa_web.forms.retention import StartRunForm
from kaa_web.models.base import local_today
from kaa_web.models.retention import CATEGORY_LABELS, CATEGORY_SHORT, RUN_STATUSES
from kaa_web.permissions import current_actor, require
from kaa_web.services import jobs
from kaa_web.services.retention import page as retention_page
from kaa_web.services.retention import runs
from kaa_web.views import already_saved, saved

bp = Blueprint("retention", __name__, url_prefix="/admin/gallring")


@bp.get("/")
@require("retention.manage")
def index():
    data = retention_page.retention_page(
        get_db(),
        actor=current_actor(),
        settings=current_app.config["KAA_SETTINGS"],
        today=local_today(),
    )
    return render_template(
        "retention/index.html",
        page=data,
        form=StartRunForm(),
        labels=CATEGORY_LABELS,
        short_labels=CATEGORY_SHORT,
        statuses=RUN_STATUSES,
    )


@bp.post("/kor")
@require("retention.manage")
def start():
    """One run however often this is sent: the form's code, and one unfinished run at most."""
    form = StartRunForm()
    if not form.validate():
        return index(), 400
    if earlier := already_saved(form):
        return earlier
    db = get_db()
    run = runs.start(db, actor=current_actor(), today=local_today())
    response = saved("Gallringen är startad.", url_for("retention.index"), form)
    jobs.enqueue(runs.JOB, run_id=run.id)
    return response
