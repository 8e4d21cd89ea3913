"""Sessions: a signed-in user's live in the database (the cookie carries a random token); an
anonymous visitor's CSRF token and messages live only in a signed cookie, so no row is stored."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import g, request
from flask.sessions import SessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import OperationalError
from sqlmodel import Session
from werkzeug.datastructures import CallbackDict

from kaa_web.db import get_db
from kaa_web.models.auth import WebSession
from kaa_web.models.base import utcnow

COOKIE_NAME = "kaa_session"
# Over HTTPS: the browser only accepts it Secure, for this host, path / - no subdomain can
# plant or overwrite it (the cookie-tossing attack on the anonymous CSRF token).
SECURE_COOKIE_NAME = "__Host-kaa_session"
_ANONYMOUS = "a."  # prefix of a signed anonymous cookie; database tokens never contain a dot
ANONYMOUS_KEYS = ("csrf_token", "_flashes")  # all an anonymous visitor's session may hold
_TOUCH_EVERY = timedelta(seconds=60)
# The columns a request reads (plain values, no ORM object to build and throw away).
_STORED = sa.select(WebSession.data, WebSession.created_at, WebSession.last_seen_at)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def cookie_name(app) -> str:
    return SECURE_COOKIE_NAME if _secure(app) else COOKIE_NAME


def _secure(app) -> bool:
    """Secure cookies in production, and wherever the request arrived over HTTPS."""
    return app.config["SESSION_COOKIE_SECURE"] or request.is_secure


def signed_in(session) -> bool:
    return "_user_id" in session and "username" in session


class ServerSession(CallbackDict, SessionMixin):
    """Session data; regenerate() rotates the token at login, destroy() ends it at logout."""

    def __init__(self, initial=None, token: str | None = None, row_seen=None, expired=False):
        def on_update(_self):
            _self.modified = True

        super().__init__(initial, on_update)
        self.token = token
        self.row_seen = row_seen
        self.expired = expired
        self.modified = False
        self.rotate = False
        self.destroyed = False
        self.held = False

    def regenerate(self) -> None:
        """Issue a new token (and drop the old row) when this response is saved."""
        self.rotate = True
        self.modified = True

    def hold(self) -> None:
        """Leave the stored session as it is after this response: a request refused because
        the roles could not be re-checked must not extend the session's idle time."""
        self.held = True

    def destroy(self) -> None:
        """Delete the session row: a copied cookie is useless afterwards.

        Anything stored after this (a flash message) goes into an anonymous cookie.
        """
        self.clear()
        self.destroyed = True


class DatabaseSessionInterface(SessionInterface):
    """Looks the token up on every request and enforces the idle and absolute timeouts."""

    def _engine(self, app):
        return app.extensions["kaa_engine"]

    def _serializer(self, app) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(app.secret_key, salt="kaa-anonymous-session")

    def open_session(self, app, request):
        value = request.cookies.get(cookie_name(app))
        if not value or len(value) > 4000:
            return ServerSession()
        if value.startswith(_ANONYMOUS):
            return self._open_anonymous(app, value.removeprefix(_ANONYMOUS))
        try:
            return self._open_stored(app, value)
        except OperationalError:  # the database is down: the app answers 503 (kaa_web/__init__)
            g.database_down = True
            g.pop("db").invalidate()  # its connection failed: never back into the pool
            return ServerSession()

    def _open_stored(self, app, value: str) -> ServerSession:
        """Read on the request's own database session: one connection a request, not two."""
        settings = app.config["KAA_SETTINGS"]
        now = utcnow()
        db = get_db()
        key = token_hash(value)
        row = db.exec(_STORED.where(WebSession.id == key)).first()
        if row is None:
            return ServerSession(expired=True)
        idle = now - row.last_seen_at > timedelta(minutes=settings.session_idle_minutes)
        too_old = now - row.created_at > timedelta(hours=settings.session_max_hours)
        if idle or too_old:
            db.exec(sa.delete(WebSession).where(WebSession.id == key))
            db.commit()
            return ServerSession(expired=True)
        return ServerSession(json.loads(row.data), token=value, row_seen=row.last_seen_at)

    def _open_anonymous(self, app, signed: str) -> ServerSession:
        max_age = app.config["KAA_SETTINGS"].session_max_hours * 3600
        try:
            data = self._serializer(app).loads(signed, max_age=max_age)
        except BadSignature:  # forged, altered or too old: start afresh
            return ServerSession()
        if not isinstance(data, dict):
            return ServerSession()
        return ServerSession({k: data[k] for k in ANONYMOUS_KEYS if k in data})

    def save_session(self, app, session: ServerSession, response):
        if g.get("database_down"):  # nothing can be stored; the cookie stays as it was
            return
        if signed_in(session):
            self._save_signed_in(app, session, response)
            return
        if session.token:  # logout, or lost every role: the row goes, whatever else happens
            self._delete_row(app, session.token)
        if session.modified or session.token or session.destroyed:
            self._save_anonymous(app, session, response)

    def _save_anonymous(self, app, session: ServerSession, response) -> None:
        name = cookie_name(app)
        data = {k: session[k] for k in ANONYMOUS_KEYS if k in session}
        if not data:
            response.delete_cookie(name, path="/", secure=_secure(app), httponly=True)
            return
        value = _ANONYMOUS + self._serializer(app).dumps(data)
        self._set_cookie(app, response, value)

    def _save_signed_in(self, app, session: ServerSession, response) -> None:
        with Session(self._engine(app)) as db:
            if session.rotate or session.token is None:
                if session.token:
                    self._delete(db, session.token)
                self._insert(db, app, session, response)
            elif not session.held and (session.modified or self._stale(session)):
                self._update(db, session)
            db.commit()

    def _stale(self, session: ServerSession) -> bool:
        return session.row_seen is None or utcnow() - session.row_seen > _TOUCH_EVERY

    def _delete_row(self, app, token: str) -> None:
        with Session(self._engine(app)) as db:
            self._delete(db, token)
            db.commit()

    def _delete(self, db: Session, token: str) -> None:
        row = db.get(WebSession, token_hash(token))
        if row is not None:
            db.delete(row)

    def _insert(self, db: Session, app, session: ServerSession, response) -> None:
        session.token = secrets.token_urlsafe(32)
        db.add(
            WebSession(
                id=token_hash(session.token),
                staff_id=int(session["_user_id"]),
                data=json.dumps(dict(session)),
            )
        )
        self._set_cookie(app, response, session.token)

    def _set_cookie(self, app, response, value: str) -> None:
        response.set_cookie(
            cookie_name(app),
            value,
            httponly=True,
            secure=_secure(app),
            samesite="Lax",
            path="/",
        )

    def _update(self, db: Session, session: ServerSession) -> None:
        row = db.get(WebSession, token_hash(session.token))
        if row is None:  # deleted meanwhile (logout elsewhere, timeout): do not resurrect it
            return
        row.data = json.dumps(dict(session))
        row.last_seen_at = utcnow()
        db.add(row)
