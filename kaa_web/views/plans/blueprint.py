"""The plans blueprint, and the labels its templates show for stored codes."""

from flask import Blueprint

from kaa_web.models.catalogue import MEASURE_CATEGORIES
from kaa_web.models.plans import AGENCIES, MEASURE_END_REASONS, RESPONSIBLE, SCHOOL_ENDINGS
from kaa_web.services.errors import EditConflict
from kaa_web.views import rejected

bp = Blueprint("plans", __name__)

# Someone else saved while the user edited (optimistic locking).
CONFLICT = (
    "Någon annan har sparat ändringar medan du redigerade. Det du skrev finns kvar i "
    "formuläret men är inte sparat ännu: jämför med det som gäller nu och spara igen."
)


def conflicted(form, clash: EditConflict) -> list[str]:
    """A form saved on a version someone else has moved on from: roll back, keep what was
    typed, and let the next save be made on the version that holds now."""
    rejected(form)
    form.version.data = clash.current.version
    return [CONFLICT]


@bp.context_processor
def _labels() -> dict:
    return {
        "AGENCIES": AGENCIES,
        "MEASURE_CATEGORIES": MEASURE_CATEGORIES,
        "MEASURE_END_REASONS": MEASURE_END_REASONS,
        "RESPONSIBLE": RESPONSIBLE,
        "SCHOOL_ENDINGS": SCHOOL_ENDINGS,
    }
