"""The statistics page (/statistik): a period, a breakdown, every figure with its definition."""

from flask import Blueprint, Response, abort, current_app, render_template, request

from kaa_web.db import get_db
from kaa_web.exports import xlsx_download
from kaa_web.forms.statistics import PeriodForm
from kaa_web.models.base import local_today
from kaa_web.permissions import current_actor, require
from kaa_web.rules.report_periods import latest_half_year
from kaa_web.services.statistics import charts
from kaa_web.services.statistics.definitions import BREAKDOWNS, MEASURE_BREAKDOWNS
from kaa_web.services.statistics.export import statistics_workbook
from kaa_web.services.statistics.page import CHARTED, figure_view, statistics_page
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


def _checked_form() -> PeriodForm:
    form = period_form()
    if not form.validate():
        abort(404)
    return form


@bp.get("/statistik/export.xlsx")
@require("statistics.read")
def export():
    """Every table of the chosen period as a workbook, small numbers protected."""
    form = _checked_form()
    db = get_db()
    limit = current_app.config["KAA_SETTINGS"].stats_min_cell
    period = form.period()
    content = statistics_workbook(
        db, actor=current_actor(), period=period, dimension=form.dimension(), limit=limit
    )
    db.commit()  # the export is logged
    return xlsx_download(content, f"kaa-statistik-{period.slug()}.xlsx")


@bp.get("/statistik/diagram.svg")
@require("statistics.read")
def chart():
    """A figure's chart for the page (the table beside it carries the same numbers)."""
    key = request.args.get("siffra", "")
    if key not in CHARTED:
        abort(404)
    period = _checked_form().period()
    view = figure_view(get_db(), key, period)
    svg = charts.render(charts.chart_of(view, period.label), "svg")
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, no-store"})
