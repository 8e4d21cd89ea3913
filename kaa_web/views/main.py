"""The start page for each role and the public health check."""

from flask import Blueprint, jsonify, render_template

from kaa_web.db import get_db
from kaa_web.health import check
from kaa_web.models.base import local_today
from kaa_web.permissions import current_actor, require
from kaa_web.services import meetings, outreach, school_reports

bp = Blueprint("main", __name__)


@bp.get("/")
@require("signed_in")
def start():
    actor = current_actor()
    summary, new_reports, actions, upcoming = None, None, [], []
    if actor.can("worklist.use"):
        summary = outreach.due_summary(get_db(), actor=actor, today=local_today())
    if actor.can("inbox.handle"):
        new_reports = school_reports.count_new_reports(get_db(), actor=actor)
    if actor.can("meetings.use"):
        actions = meetings.my_action_points(get_db(), actor=actor)
        upcoming = meetings.my_upcoming_meetings(get_db(), actor=actor)
    context = dict(summary=summary, new_reports=new_reports, actions=actions, upcoming=upcoming)
    return render_template("main/start.html", **context)


@bp.get("/halsa")
def health():
    """For load balancers and monitoring: 200 when the database, the directory and the job
    runner all answer, else 503; a word per part, no personal data."""
    parts, healthy = check()
    response = jsonify(parts)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
