"""The register's blueprint: every page under /ungdomar."""

from flask import Blueprint

bp = Blueprint("register", __name__, url_prefix="/ungdomar")
