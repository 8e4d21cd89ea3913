"""Server-side sessions: the cookie carries a random token, the database the data and timestamps."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import timedelta

from flask.sessions import SessionInterface, SessionMixin
from sqlmodel import Session
from werkzeug.datastructures import CallbackDict

from kaa_web.models.auth import WebSession
from kaa_web.models.base import utcnow

COOKIE_NAME = "kaa_session"
_TOUCH_EVERY = timedelta(seconds=60)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ServerSession(CallbackDict, SessionMixin):
    """Session data held in the web_session table; regenerate() rotates the token at login."""

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

    def regenerate(self) -> None:
        """Issue a new token (and drop the old row) when this response is saved."""
        self.rotate = True
        self.modified = True

    def destroy(self) -> None:
        """Delete the session row: a copied cookie is useless afterwards.

        Anything stored after this (a flash message) goes into a brand-new anonymous session.
        """
        self.clear()
        self.destroyed = True


class DatabaseSessionInterface(SessionInterface):
    """Looks the token up on every request and enforces the idle and absolute timeouts."""

    def _engine(self, app):
        return app.extensions["kaa_engine"]

    def open_session(self, app, request):
        token = request.cookies.get(COOKIE_NAME)
        if not token or len(token) > 200:
            return ServerSession()
        settings = app.config["KAA_SETTINGS"]
        now = utcnow()
        with Session(self._engine(app)) as db:
            row = db.get(WebSession, token_hash(token))
            if row is None:
                return ServerSession(expired=True)
            idle = now - row.last_seen_at > timedelta(minutes=settings.session_idle_minutes)
            too_old = now - row.created_at > timedelta(hours=settings.session_max_hours)
            if idle or too_old:
                db.delete(row)
                db.commit()
                return ServerSession(expired=True)
            return ServerSession(json.loads(row.data), token=token, row_seen=row.last_seen_at)

    def save_session(self, app, session: ServerSession, response):
        with Session(self._engine(app)) as db:
            fresh_token = session.destroyed or session.rotate
            if fresh_token:
                self._delete(db, session.token)
            if session and (fresh_token or session.token is None):
                self._insert(db, app, session, response)  # e.g. a flash message after logout
            elif session.destroyed:
                response.delete_cookie(COOKIE_NAME, path="/")
            elif session.token and (session.modified or self._stale(session)):
                self._update(db, session)
            db.commit()

    def _stale(self, session: ServerSession) -> bool:
        return session.row_seen is None or utcnow() - session.row_seen > _TOUCH_EVERY

    def _delete(self, db: Session, token: str | None) -> None:
        row = db.get(WebSession, token_hash(token)) if token else None
        if row is not None:
            db.delete(row)

    def _insert(self, db: Session, app, session: ServerSession, response) -> None:
        session.token = secrets.token_urlsafe(32)
        db.add(
            WebSession(
                id=token_hash(session.token),
                staff_id=session.get("_user_id") and int(session["_user_id"]),
                data=json.dumps(dict(session)),
            )
        )
        response.set_cookie(
            COOKIE_NAME,
            session.token,
            httponly=True,
            secure=app.config["SESSION_COOKIE_SECURE"],
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
