"""The statistics page (/statistik): a period, a breakdown, every figure with its definition."""

from flask import Blueprint, abort, render_template, request

from kaa_web.db import get_db
from kaa_web.forms.statistics import PeriodForm
from kaa_web.models.base import local_today
from kaa_web.permissions import current_actor, require
from kaa_web.rules.report_periods import latest_half_year
from kaa_web.services.statistics.definitions import BREAKDOWNS, MEASURE_BREAKDOWNS
from kaa_web.services.statistics.page import statistics_page
from kaa_web.services.statistics.people import LISTS, people_behind

bp = Blueprint("statistics", __name__)


def period_form() -> PeriodForm:
    """The form from the query string, showing the default period when none is chosen."""
    default = latest_half_year(local_today())
    return PeriodForm(request.args, data={"typ": default.kind, "ar": default.year})


@bp.get("/statistik")
@require("statistics.read")
def index():
    form = period_form()
    if request.args and not form.validate():
        return render_template("statistics/index.html", form=form, page=None), 400
    db = get_db()
    page = statistics_page(
        db, actor=current_actor(), period=form.period(), dimension=form.dimension()
    )
    db.commit()  # the read is logged
    return render_template(
        "statistics/index.html",
        form=form,
        page=page,
        breakdowns=BREAKDOWNS | MEASURE_BREAKDOWNS,
        lists=LISTS if current_actor().can("statistics.people") else {},
        period_args=period_args(form),
    )


def period_args(form: PeriodForm) -> dict:
    """The query string that chooses the form's period and breakdown (for links)."""
    period = form.period()
    args = {"typ": period.kind, "uppdelning": form.dimension()}
    if period.kind == "egen":
        return args | {"fran": period.start.isoformat(), "till": period.end.isoformat()}
    return args | {"ar": period.year}


@bp.get("/statistik/ungdomar")
@require("statistics.people")
def people():
    """The people counted in one cell of a figure (or those a share misses)."""
    form = period_form()
    key, group = request.args.get("siffra", ""), request.args.get("grupp", "alla")
    if key not in LISTS or len(group) > 30 or not form.validate():
        abort(404)
    db = get_db()
    found = people_behind(
        db,
        actor=current_actor(),
        key=key,
        period=form.period(),
        dimension=form.dimension(),
        group=group,
    )
    db.commit()  # every person shown is logged
    return render_template("statistics/people.html", found=found, period_args=period_args(form))
