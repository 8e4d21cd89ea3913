"""The start page for each role and the public health check."""

from flask import Blueprint, render_template
from sqlalchemy import text

from kaa_web.db import get_db
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
    get_db().exec(text("SELECT 1"))
    return {"status": "ok"}
