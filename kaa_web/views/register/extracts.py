"""Importing a register extract: the preview page and applying it."""

from __future__ import annotations

from flask import flash, render_template, request, url_for

from kaa_web.db import get_db
from kaa_web.forms.register import (
    ImportForm,
)
from kaa_web.htmx import redirect
from kaa_web.permissions import current_actor, require
from kaa_web.services.errors import Invalid
from kaa_web.services.register import extract, importing
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
    try:
        preview = importing.apply_import(get_db(), actor=current_actor(), batch_id=batch_id)
    except Invalid as error:
        get_db().rollback()
        flash(" ".join(error.messages[:20]), "error")
        return redirect(url_for("register.import_extract"))
    get_db().commit()
    flash(f"Importen är genomförd: {preview.summary}.", "success")
    return redirect(url_for("register.index", sort="registrerad"))
