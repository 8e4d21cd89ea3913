"""The statistics page (/statistik): a period, a breakdown, every figure with its definition."""

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from kaa_web.db import get_db
from kaa_web.exports import xlsx_download
from kaa_web.forms.statistics import NewReportForm, PeriodForm, ReportTextsForm
from kaa_web.htmx import render
from kaa_web.models.base import local_today
from kaa_web.models.statistics import REPORT_JOB_STATUSES
from kaa_web.permissions import current_actor, require
from kaa_web.rules.report_periods import latest_half_year
from kaa_web.services import jobs
from kaa_web.services.errors import EditConflict
from kaa_web.services.statistics import charts, report_job
from kaa_web.services.statistics import report as reports
from kaa_web.services.statistics.definitions import BREAKDOWNS, MEASURE_BREAKDOWNS, SECTIONS
from kaa_web.services.statistics.export import statistics_workbook
from kaa_web.services.statistics.page import CHARTED, figure_view, statistics_page
from kaa_web.services.statistics.people import LISTS, people_behind
from kaa_web.views import already_saved, rejected, saved

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
        may_report = current_actor().can("statistics.report")
        return render_template(
            "statistics/index.html", form=form, page=None, may_report=may_report
        ), 400
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
        may_report=current_actor().can("statistics.report"),
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


# --- nämnd reports ----------------------------------------------------------------------------


def _min_cell() -> int:
    return current_app.config["KAA_SETTINGS"].stats_min_cell


@bp.get("/statistik/rapporter")
@require("statistics.report")
def reports_index(form=None):
    listed = reports.list_reports(get_db(), actor=current_actor())
    form = form or NewReportForm(data={"year": local_today().year})
    status = 400 if form.errors else 200
    return render_template(
        "statistics/reports.html", reports=listed, form=form, title_of=reports.title_of
    ), status


@bp.post("/statistik/rapporter")
@require("statistics.report")
def new_report():
    """Begin the period's report, or open it if someone already has (a second click too)."""
    form = NewReportForm()
    if not form.validate():
        rejected(form)
        return reports_index(form)
    report = reports.open_report(
        get_db(), actor=current_actor(), kind=form.kind.data, year=form.year.data
    )
    return saved(None, url_for("statistics.report", report_id=report.id))


def _report_page(report, form, status=200, conflict=False):
    return render_template(
        "statistics/report.html",
        report=report,
        job=report_job.unfinished_job(get_db(), report.id),
        form=form,
        conflict=conflict,
        title=reports.title_of(report),
        sections=SECTIONS,
    ), status


@bp.get("/statistik/rapporter/<int:report_id>")
@require("statistics.report")
def report(report_id: int):
    found = reports.get_report(get_db(), actor=current_actor(), report_id=report_id)
    texts = reports.texts_of(found)
    data = {"version": found.version} | {
        f"{part}_{section}": texts.get(section, part)
        for section in SECTIONS
        for part in reports.TEXT_PARTS
    }
    return _report_page(found, ReportTextsForm(data=data))


@bp.post("/statistik/rapporter/<int:report_id>")
@require("statistics.report")
def save_report(report_id: int):
    """Save the texts as the draft; with "Skapa rapporten" also make the Word document."""
    db, actor = get_db(), current_actor()
    found = reports.get_report(db, actor=actor, report_id=report_id)
    form = ReportTextsForm()
    if not form.validate():
        rejected(form)
        return _report_page(found, form, 400)
    if done := already_saved(form):  # a double click: the first click's job or draft
        return done
    try:
        reports.save_texts(
            db, actor=actor, report=found, texts=form.texts(), version=form.version.data
        )
    except EditConflict:
        rejected(form)
        found = reports.get_report(db, actor=actor, report_id=report_id)
        form.version.data = found.version
        return _report_page(found, form, 409, conflict=True)
    if request.form.get("atgard") != "skapa":
        return saved("Utkastet är sparat.", url_for("statistics.report", report_id=found.id), form)
    job = report_job.request_report(db, actor=actor, report=found, limit=_min_cell())
    location = url_for("statistics.report_progress", report_id=found.id, job_id=job.id)
    response = saved("Utkastet är sparat. Rapporten skapas.", location, form)
    jobs.enqueue(report_job.TASK, job_id=job.id)  # committed: a worker makes the document
    return response


@bp.get("/statistik/rapporter/<int:report_id>/skapas/<int:job_id>")
@require("statistics.report")
def report_progress(report_id: int, job_id: int):
    """How far the report has come (htmx polls it; without JavaScript a link reloads it)."""
    db = get_db()
    job = report_job.get_report_job(db, actor=current_actor(), report_id=report_id, job_id=job_id)
    found = reports.get_report(db, actor=current_actor(), report_id=report_id)
    return render(
        "statistics/report_job.html",
        "statistics/_report_job.html",
        job=job,
        report=found,
        title=reports.title_of(found),
        finished=job.status not in report_job.UNFINISHED,
        statuses=REPORT_JOB_STATUSES,
    )


@bp.get("/statistik/rapporter/<int:report_id>/rapport.docx")
@require("statistics.report")
def report_file(report_id: int):
    db = get_db()
    document = reports.report_document(db, actor=current_actor(), report_id=report_id)
    db.commit()  # the download is logged
    return Response(
        document.content,
        mimetype=document.content_type,
        headers={"Content-Disposition": f"attachment; filename={document.file_name}"},
    )
