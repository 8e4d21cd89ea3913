"""The action plan's blueprint and what its modules share."""

from flask import Blueprint, current_app

bp = Blueprint("action_plan", __name__)


def min_cell() -> int:
    """The small-number limit documents and shared pages hide counts under."""
    return current_app.config["KAA_SETTINGS"].stats_min_cell
