"""Flask-Login wiring: the signed-in user comes from the server-side session and is re-checked."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, flash, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, logout_user

from kaa_web.db import get_db
from kaa_web.directory import DirectoryUnavailable
from kaa_web.htmx import is_htmx
from kaa_web.htmx import redirect as htmx_redirect
from kaa_web.models.base import utcnow
from kaa_web.permissions import PUBLIC_ENDPOINTS, current_actor
from kaa_web.services import auth as auth_service

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Logga in för att fortsätta."
login_manager.login_message_category = "info"
login_manager.session_protection = None  # the server-side session already rotates at login


class CurrentUser(UserMixin):
    """The signed-in member of staff, built from the session without a database query."""

    def __init__(self, data: dict):
        self.staff_id = int(data["_user_id"])
        self.username = data["username"]
        self.display_name = data["display_name"]
        self.roles = list(data.get("roles", []))
        self.school_unit_ids = list(data.get("school_unit_ids", []))

    def get_id(self) -> str:
        return str(self.staff_id)


@login_manager.user_loader
def _load_user(user_id: str):
    if session.get("_user_id") != user_id or "username" not in session:
        return None
    return CurrentUser(session)


def start_session(result: auth_service.LoginResult) -> None:
    """Put the freshly authenticated user into a newly issued session."""
    from flask_login import login_user

    session.clear()
    session.regenerate()
    session.update(
        username=result.username,
        display_name=result.display_name,
        roles=sorted(result.roles),
        school_unit_ids=sorted(result.school_unit_ids),
        roles_checked_at=utcnow().isoformat(),
    )
    login_user(CurrentUser({**session, "_user_id": str(result.staff_id)}))


def end_session() -> None:
    logout_user()
    session.destroy()


# Logging out must work while the directory is down; public pages and static files show nothing
# that depends on roles.
NO_ROLE_CHECK = PUBLIC_ENDPOINTS | {"auth.logout"}


def refresh_roles_if_due():
    """Re-read the account and its groups from the directory when the last check is too old.

    Runs before every request but logout and the public ones. A user whose account was removed
    or disabled, or who lost every role, is signed out at once.
    """
    if request.endpoint in NO_ROLE_CHECK or not current_user.is_authenticated:
        return None
    settings = current_app.config["KAA_SETTINGS"]
    checked = datetime.fromisoformat(session.get("roles_checked_at", "1970-01-01T00:00:00+00:00"))
    if utcnow() - checked < timedelta(minutes=settings.role_refresh_minutes):
        return None
    try:
        refreshed = auth_service.refresh_access(get_db(), settings, actor=current_actor())
    except DirectoryUnavailable:
        # Never serve on roles that could not be confirmed; the session stays for a retry,
        # unchanged: refused requests do not keep it alive past its idle time.
        session.hold()
        return render_template("errors/login_unavailable.html"), 503
    get_db().commit()
    if refreshed is None:
        end_session()
        flash("Din behörighet har ändrats. Logga in igen.", "error")
        return htmx_redirect(url_for("auth.login"))
    session.update(
        roles=sorted(refreshed.roles),
        school_unit_ids=sorted(refreshed.school_unit_ids),
        roles_checked_at=utcnow().isoformat(),
    )
    current_user.roles = sorted(refreshed.roles)
    current_user.school_unit_ids = sorted(refreshed.school_unit_ids)
    return None


@login_manager.unauthorized_handler
def _unauthorized():
    if getattr(session, "expired", False):
        flash("Din session har gått ut. Logga in igen.", "info")
    else:
        flash(login_manager.login_message, "info")
    target = request.full_path.rstrip("?") if request.method == "GET" and not is_htmx() else None
    return htmx_redirect(url_for("auth.login", next=target))
