"""The start page for each role and the public health check."""

from flask import Blueprint, render_template
from sqlalchemy import text

from kaa_web.db import get_db
from kaa_web.permissions import require

bp = Blueprint("main", __name__)


@bp.get("/")
@require("signed_in")
def start():
    return render_template("main/start.html")


@bp.get("/halsa")
def health():
    get_db().exec(text("SELECT 1"))
    return {"status": "ok"}
