"""The meetings blueprint, the labels its templates show for stored codes, and page helpers."""

from dataclasses import fields

from flask import Blueprint, current_app

from kaa_web.forms import choices
from kaa_web.models.meetings import (
    ATTENDANCE,
    FREQUENCIES,
    GROUP_KINDS,
    ITEM_KINDS,
    ORGANISATIONS,
    YOUTH_FILTERS,
)
from kaa_web.services import meetings

bp = Blueprint("meetings", __name__)


@bp.context_processor
def _labels() -> dict:
    return {
        "ATTENDANCE": ATTENDANCE,
        "FREQUENCIES": FREQUENCIES,
        "GROUP_KINDS": GROUP_KINDS,
        "ITEM_KINDS": ITEM_KINDS,
        "ORGANISATIONS": ORGANISATIONS,
        "YOUTH_FILTERS": YOUTH_FILTERS,
        "organisation_label": meetings.organisation_label,
    }


def context_of(page) -> dict:
    """A page query's fields as a template's context (shallow: rows stay rows)."""
    return {f.name: getattr(page, f.name) for f in fields(page)}


def staff_choices(db, blank: str, *, convening: bool = False):
    """Directory users who may take part (or, `convening`, convene) as a select's choices."""
    return choices(meetings.staff_choices(db, convening=convening), blank=blank)


def small_limit() -> int:
    return current_app.config["KAA_SETTINGS"].stats_min_cell
