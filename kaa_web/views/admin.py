"""The Administration section's start page: a card for each page admin keeps (each page lives
with the data it edits, under the /admin prefix)."""

from flask import Blueprint, render_template

from kaa_web.permissions import require

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@require("admin.manage")
def index():
    return render_template("admin/index.html")
