"""Importing a register extract: the preview page, applying it on the job runner, its progress."""

from __future__ import annotations

from flask import flash, render_template, request, url_for

from kaa_web.db import get_db
from kaa_web.forms.register import (
    ImportForm,
)
from kaa_web.htmx import redirect, render
from kaa_web.permissions import current_actor, require
from kaa_web.services import jobs
from kaa_web.services.errors import Invalid
from kaa_web.services.register import extract, import_job, importing
from kaa_web.views.register.blueprint import bp


@bp.route("/import", methods=["GET", "POST"])
@require("register.import")
def import_extract():
    form = ImportForm()
    preview = None
    if form.validate_on_submit():
        upload = form.file.data
        preview = importing.preview_import(
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
        "register/import.html", form=form, preview=preview, columns=extract.COLUMNS
    ), status


@bp.post("/import/<int:batch_id>/genomfor")
@require("register.import")
def apply_import(batch_id: int):
    """Queue the previewed extract for the job worker; its page shows the import's progress."""
    db = get_db()
    try:
        queued = import_job.queue_import(db, actor=current_actor(), batch_id=batch_id)
    except Invalid as error:
        db.rollback()
        flash(" ".join(error.messages[:20]), "error")
        return redirect(url_for("register.import_extract"))
    db.commit()
    if queued:  # a double click or a second tab finds it queued: one job
        jobs.enqueue(import_job.TASK, batch_id=batch_id)
    return redirect(url_for("register.import_progress", batch_id=batch_id))


@bp.get("/import/<int:batch_id>")
@require("register.import")
def import_progress(batch_id: int):
    """Where the import is: queued or running (htmx polls; without JavaScript, reload), done
    with its summary, or why it failed."""
    batch = import_job.get_import(get_db(), actor=current_actor(), batch_id=batch_id)
    return render("register/import_progress.html", "register/_import_status.html", batch=batch)
