"""Blueprints of thin views, and the one flow every view follows.

page → forms → service → render or redirect. Each view carries `@require(permission)`. Services
raise NotFound (answered 404), PermissionError (403) and TemplateRenderError (the template's
reason) for every view at once (kaa_web.create_app); a view catches only what changes its page
(Invalid, EditConflict). A POST ends in `saved` (the form's one-time code, commit, the message,
a 303) or, refused, `rejected` (roll back, the service's errors onto the form) and the same page
again with what was typed; a create form starts with `already_saved`.

Only names no view module shares here: `from kaa_web.views import register` must find the module.
"""

from flask import abort, flash, g

from kaa_web import once
from kaa_web.db import get_db
from kaa_web.forms import add_service_errors
from kaa_web.htmx import redirect
from kaa_web.models.register import Youth
from kaa_web.permissions import current_actor
from kaa_web.services.access import get_youth, record_read


def youth_or_404(youth_id: int, log: bool = True, case_file: bool = False) -> Youth:
    """The young person if this user may see them (with `case_file`, KAA's case file on them
    too; with `log`, the read logged), else 404."""
    db, actor = get_db(), current_actor()
    youth = get_youth(db, actor=actor, youth_id=youth_id, may="case_file" if case_file else "see")
    if log:
        record_read(db, actor, youth)
    return youth


def one_of(values) -> str:
    """A URL converter for a closed set of words, e.g. `<{one_of(REPORT_KINDS)}:kind>`: any
    other word is a 404 before the view runs (every URL parameter is typed)."""
    return "any(" + ", ".join(values) + ")"


def already_saved(form):
    """A create form's first step once it validates (see kaa_web.once): the redirect to where
    the same form's first submission went, or None to go ahead. Notes the code for the app's
    IntegrityError handler, which sends a racing twin the same way."""
    g.once_code = once.code_of(form)
    location = once.earlier_result(get_db(), form)
    return redirect(location) if location else None


def rejected(form, error=None) -> list[str]:
    """A create form the service refused: roll back. If a twin of the same form was saved
    meanwhile (a double click that raced the first), the refusal is the twin's own doing, so the
    user is sent where the first went; otherwise the service's errors go onto the form and the
    rest are returned for the error summary."""
    db = get_db()
    db.rollback()
    if location := once.earlier_result(db, form):
        abort(redirect(location))
    return add_service_errors(form, error) if error is not None else []


def saved(message: str | None, location: str, form=None):
    """A POST that changed something ends here: the form's one-time code remembered with where
    it leads, commit, the message flashed, and a 303 (or HX-Redirect) to `location`."""
    db = get_db()
    if form is not None:
        once.remember(db, form, location)
    db.commit()
    if message:
        flash(message, "success")
    return redirect(location)
