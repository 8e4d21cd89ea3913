"""The health check load balancers and monitoring ask (/halsa): the database, the directory and
the job runner, each answered in a word; never any personal data."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import text

from kaa_web import directory
from kaa_web.services import jobs

log = logging.getLogger(__name__)

DIRECTORY_TIMEOUT = 2.0  # seconds: a load balancer's check must not hang on a slow directory


def _database() -> str:
    try:
        with current_app.extensions["kaa_engine"].connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        log.warning("the database did not answer the health check")
        return "unreachable"
    return "ok"


def _directory() -> str:
    settings = current_app.config["KAA_SETTINGS"]
    return "ok" if directory.reachable(settings, DIRECTORY_TIMEOUT) else "unreachable"


def _jobs() -> str:
    return jobs.runner().problem() or "ok"


def check() -> tuple[dict[str, str], bool]:
    """Each part's state ("ok" or what is wrong), and whether every part is ok."""
    parts = {"database": _database(), "directory": _directory(), "jobs": _jobs()}
    healthy = all(state == "ok" for state in parts.values())
    return {"status": "ok" if healthy else "fail", **parts}, healthy
