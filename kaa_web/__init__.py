"""The application factory: settings, extensions, blueprints, security headers, errors, CLI."""

from __future__ import annotations

import logging
import traceback
import uuid
from pathlib import Path

from flask import Flask, abort, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.middleware.proxy_fix import ProxyFix

from kaa_web import db as kaa_db
from kaa_web import htmx, once
from kaa_web.config import load_settings
from kaa_web.docx.limits import TemplateRenderError
from kaa_web.forms import IdConverter
from kaa_web.login import login_manager, refresh_roles_if_due
from kaa_web.navigation import nav_items
from kaa_web.permissions import ROLE_LABELS, endpoint_is_declared
from kaa_web.services import jobs
from kaa_web.services.errors import NotFound
from kaa_web.sessions import DatabaseSessionInterface
from kaa_web.templating import register_filters, register_labels

csrf = CSRFProtect()
DISK_FULL_SQLSTATE = "53100"  # PostgreSQL's disk_full
log = logging.getLogger(__name__)
_PACKAGE = Path(__file__).parent

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

ERRORS = {
    400: (
        "Felaktig begäran",
        "Sidan kunde inte visa det du skickade. Gå tillbaka och försök igen.",
    ),
    403: ("Ingen behörighet", "Du har inte behörighet till den här sidan."),
    404: ("Sidan finns inte", "Sidan du söker finns inte, eller så har du inte tillgång till den."),
    405: ("Otillåten metod", "Sidan kan inte användas på det sättet."),
    409: (
        "Någon annan sparade samtidigt",
        "Någon annan sparade samma uppgifter samtidigt som du, och det du skickade har inte "
        "sparats. Gå tillbaka, ladda om sidan och se vad som gäller nu.",
    ),
    413: ("Filen är för stor", "Filen du skickade är större än vad systemet tar emot."),
    429: ("För många försök", "Du har gjort för många försök. Vänta en stund och försök igen."),
    500: ("Något gick fel", "Ett oväntat fel inträffade. Inget av det du skickade har sparats."),
    503: (
        "Tjänsten är inte tillgänglig",
        "Tjänsten är inte tillgänglig just nu. Försök igen om en stund.",
    ),
}


class KaaFlask(Flask):
    """Flask whose log of an unhandled error carries no personal data."""

    overrides: dict

    def log_exception(self, exc_info) -> None:
        log.error(error_summary(exc_info[1]))

    def with_settings(self, **changes) -> Flask:
        """Another app like this one with some settings changed (the demo's own directory)."""
        return create_app({**self.overrides, **changes})


def error_summary(error: BaseException) -> str:
    """The request id, the exception types and where they were raised - never a message.

    Messages and tracebacks' arguments carry data (a database error quotes the row's values).
    """
    chain, seen = [], error
    while seen is not None and len(chain) < 5:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    types = " <- ".join(f"{type(e).__module__}.{type(e).__qualname__}" for e in chain)
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if _PACKAGE in Path(f.filename).parents][-6:]
    last = [f for f in frames[-1:] if f not in ours]
    where = " > ".join(_place(f) for f in [*ours, *last])
    return (
        f"unhandled error in request {g.get('request_id', '-')} "
        f"(endpoint {request.endpoint}): {types} at {where}"
    )


def _place(frame: traceback.FrameSummary) -> str:
    path = Path(frame.filename)
    shown = path.relative_to(_PACKAGE.parent) if _PACKAGE in path.parents else path.name
    return f"{shown}:{frame.lineno} {frame.name}"


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides settings by name (tests, the demo)."""
    settings = load_settings(**(config or {}))
    settings.check()
    app = KaaFlask(__name__)
    app.overrides = dict(config or {})
    app.config.update(
        KAA_SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        DEBUG=settings.debug,
        SESSION_COOKIE_SECURE=settings.production,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=settings.max_upload_mb * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the server-side session
        WTF_I18N_ENABLED=False,  # WTForms' own Swedish catalogue instead (kaa_web.forms)
    )
    if settings.proxy_count:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=settings.proxy_count, x_proto=settings.proxy_count
        )
    app.extensions["kaa_engine"] = kaa_db.create_engine(settings.database_url)
    app.extensions["kaa_jobs"] = jobs.Runner(app, settings)
    app.session_interface = DatabaseSessionInterface()
    csrf.init_app(app)
    login_manager.init_app(app)
    app.teardown_appcontext(kaa_db.close_db)
    app.url_map.converters["int"] = IdConverter  # before any route is added
    _register_blueprints(app)
    _register_request_hooks(app)
    _register_error_handlers(app)
    register_filters(app)
    app.jinja_env.globals.update(
        nav_items=nav_items, ROLE_LABELS=ROLE_LABELS, settings=settings, **register_labels
    )
    from kaa_web.cli import kaa_cli

    app.cli.add_command(kaa_cli)
    return app


def _register_blueprints(app: Flask) -> None:
    from kaa_web.views import (
        action_plan,
        admin,
        audit_log,
        audit_review,
        auth,
        catalogue,
        consents,
        districts,
        documents,
        inbox,
        mailout,
        main,
        meetings,
        plans,
        register,
        register_extract,
        retention,
        scb,
        school_admin,
        school_reports,
        statistics,
        worklist,
    )

    for module in (
        auth,
        main,
        admin,
        audit_log,
        districts,
        audit_review,
        retention,
        register,
        register_extract,
        worklist,
        documents,
        mailout,
        school_reports,
        inbox,
        school_admin,
        plans,
        consents,
        catalogue,
        meetings,
        action_plan,
        statistics,
        scb,
    ):
        app.register_blueprint(module.bp)


def _register_request_hooks(app: Flask) -> None:
    @app.before_request
    def _request_id_and_gate():
        g.request_id = uuid.uuid4().hex
        if request.endpoint is not None and not endpoint_is_declared(app, request.endpoint):
            abort(403)  # fail closed: a view without @require is never served
        if g.get("database_down") and request.endpoint != "static":
            return _database_unavailable_page()  # the session could not be read
        return None

    app.before_request(refresh_roles_if_due)

    @app.before_request
    def _refuse_nul_characters():
        """NUL belongs in no text: PostgreSQL refuses it in a string (a 500), and it would end
        up in exports and letters. One check for every form and query of the app."""
        sent = [*request.args.items(multi=True), *request.form.items(multi=True)]
        if any("\x00" in key or "\x00" in value for key, value in sent):
            return _error_page(
                400,
                "Det du skickade innehöll ett otillåtet tecken (NUL, tecken 0). Gå tillbaka, "
                "ta bort det (det kommer ofta med när text klistras in från en annan fil) och "
                "skicka igen.",
            )
        return None

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers["Content-Security-Policy"] = CSP
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        headers["X-Request-ID"] = g.get("request_id", "")
        if request.is_secure:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            headers["Cache-Control"] = "no-store"
        return response


def _error_page(code: int, message: str | None = None, title: str | None = None):
    default_title, default = ERRORS[code]
    return render_template(
        "errors/error.html", code=code, title=title or default_title, message=message or default
    ), code


DATABASE_DOWN = "Databasen svarar inte just nu. Försök igen om en stund."
NOTHING_SAVED = (
    "Databasen svarar inte just nu, så det du skickade har inte sparats. Gå tillbaka – det du "
    "skrev finns kvar i formuläret – och skicka igen om en stund."
)
DISK_FULL = (
    "Servern har slut på lagringsutrymme, så inget av det du skickade har sparats. Kontakta "
    "IT-supporten och försök igen när det är åtgärdat."
)


def _database_unavailable_page(message: str = ""):
    """The database cannot be reached (or cannot write): say so in Swedish without touching
    it again — no menu counts, no session write, the request's session dropped."""
    if not message:
        message = DATABASE_DOWN if request.method == "GET" else NOTHING_SAVED
    g.database_down = True
    g.without_badges = True
    db = g.pop("db", None)
    if db is not None:
        db.invalidate()  # its connection is gone or mid-failure: never back into the pool
    return _error_page(503, message)


def _nothing_saved() -> None:
    """Roll back what a refused request wrote, so the error page renders on a clean session."""
    db = g.get("db")
    if db is not None:
        db.rollback()


def _register_error_handlers(app: Flask) -> None:
    def handler(code):
        return lambda _error: _error_page(code)

    for code in ERRORS:
        if code != 500:
            app.register_error_handler(code, handler(code))

    @app.errorhandler(CSRFError)
    def _csrf(_error):
        return _error_page(
            400,
            "Formuläret hade hunnit gå ut eller saknade sin säkerhetskod. "
            "Ladda om sidan och skicka igen.",
        )

    _register_service_errors(app)

    @app.errorhandler(IntegrityError)
    def _saved_meanwhile(error):
        """Two requests wrote the same thing at once. The twin of a create form goes where the
        first went (kaa_web.once); any other clash is a 409 with nothing saved, never a 500."""
        db = kaa_db.get_db()
        db.rollback()
        if location := once.earlier_location(db, g.get("once_code", "")):
            return htmx.redirect(location)
        log.warning(error_summary(error))  # never the message: it quotes the row's values
        return _error_page(409)

    @app.errorhandler(OperationalError)
    def _database_failed(error):
        """PostgreSQL stopped, restarting or out of disk in the middle of a request: its
        transaction is rolled back by the database; the user gets the reason in Swedish."""
        log.warning(error_summary(error))
        disk_full = getattr(error.orig, "sqlstate", "") == DISK_FULL_SQLSTATE
        return _database_unavailable_page(DISK_FULL if disk_full else "")

    @app.errorhandler(500)
    def _server_error(_error):  # KaaFlask.log_exception has logged it
        db = g.pop("db", None)
        if db is not None:
            db.rollback()
            db.close()
        g.without_badges = True  # the page must render even when the database is what failed
        return _error_page(500)


def _register_service_errors(app: Flask) -> None:
    """What services raise, answered the same on every page: 403, 404, a template's reason."""

    @app.errorhandler(PermissionError)
    def _refused(_error):  # a service's Actor.need: the view's @require was not enough
        _nothing_saved()
        return _error_page(403)

    @app.errorhandler(NotFound)
    def _not_found(_error):  # a service's loader: no such object, or not one the actor may see
        _nothing_saved()
        return _error_page(404)

    @app.errorhandler(TemplateRenderError)
    def _template_failed(error):
        """A stored Word template that fails in its sandbox, on any page that makes a document:
        its Swedish reason (the raw error is logged by kaa_web.docx.limits), nothing saved."""
        _nothing_saved()
        return _error_page(
            400,
            f"Dokumentmallen gick inte att använda: {error} Kontakta administratören. "
            "Inget av det du skickade har sparats.",
            title="Dokumentet kunde inte skapas",
        )
