"""Log in and log out."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from kaa_web.db import get_db
from kaa_web.directory import DirectoryUnavailable
from kaa_web.forms.auth import LoginForm
from kaa_web.htmx import local_path
from kaa_web.login import end_session, start_session
from kaa_web.permissions import current_actor, require
from kaa_web.services import auth as auth_service

bp = Blueprint("auth", __name__)

MESSAGES = {
    "invalid": "Fel användarnamn eller lösenord.",
    "rate_limited": "För många misslyckade inloggningsförsök. Vänta en stund och försök igen.",
}


def _no_role_message() -> str:
    contact = current_app.config["KAA_SETTINGS"].support_contact
    return f"Ditt konto har ingen behörighet i KAA-systemet. Kontakta {contact} om du behöver det."


@bp.route("/logga-in", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(local_path(request.args.get("next"), url_for("main.start")))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.errors else 200
    try:
        result = auth_service.log_in(
            get_db(),
            current_app.config["KAA_SETTINGS"],
            actor=current_actor(),
            username=form.username.data,
            password=form.password.data,
        )
    except DirectoryUnavailable:
        return render_template("errors/login_unavailable.html"), 503
    if result.status != "ok":
        message = _no_role_message() if result.status == "no_role" else MESSAGES[result.status]
        status = {"rate_limited": 429, "no_role": 403}.get(result.status, 401)
        form.password.data = ""
        return render_template("auth/login.html", form=form, login_error=message), status
    start_session(result)
    return redirect(local_path(request.args.get("next"), url_for("main.start")), code=303)


@bp.post("/logga-ut")
@require("signed_in")
def logout():
    auth_service.log_out(get_db(), actor=current_actor())
    end_session()
    flash("Du är utloggad.", "info")
    return redirect(url_for("auth.login"), code=303)
