"""The worklist (/att-gora): what is due today, overdue and in the next 14 days."""

from flask import Blueprint, flash, request, url_for

from kaa_web.db import get_db
from kaa_web.forms import SELECTION_INVALID, id_list
from kaa_web.htmx import redirect, render
from kaa_web.models.base import local_today
from kaa_web.permissions import current_actor, require
from kaa_web.services import outreach, tasks, worklist
from kaa_web.views import saved

bp = Blueprint("worklist", __name__, url_prefix="/att-gora")

SCOPES = {"mina": "Mina", "ofordelade": "Utan handläggare", "alla": "Alla"}
STEP_ACTION = {  # the contact form's preselected kind for each step: one click from doing it
    "brev": "brev",
    "vykort": "vykort",
    "kontakt": "telefon",
    "besoksvykort": "besoksvykort",
    "hembesok": "hembesok",
    "skatteverket": "skatteverket",
    "orosanmalan": "orosanmalan",
    "kartlaggning": "kartlaggning",
    "uppfoljning": "telefon",
    "brev_20": "brev_20",
}


@bp.get("/")
@require("worklist.use")
def index():
    scope = request.args.get("vy", "mina")
    scope = scope if scope in SCOPES else "mina"
    actor, today = current_actor(), local_today()
    groups = outreach.worklist(get_db(), actor=actor, scope=scope, today=today)
    task_rows = tasks.tasks_due(get_db(), actor=actor, scope=scope, today=today)
    get_db().commit()
    return render(
        "worklist/index.html",
        "worklist/_groups.html",
        groups=groups,
        tasks=task_rows,
        scope=scope,
        scopes=SCOPES,
        step_action=STEP_ACTION,
        today=today,
    )


@bp.post("/markera-skickade")
@require("worklist.use")
def mark_sent():
    """Letters due, selected in bulk, recorded as sent (once per person and day)."""
    scope = request.form.get("vy", "mina")
    try:
        ids = id_list(request.form.getlist("youth_ids"))
    except ValueError:
        flash(SELECTION_INVALID, "error")
        return redirect(url_for("worklist.index", vy=scope))
    if not ids:
        flash("Markera minst ett brev.", "error")
        return redirect(url_for("worklist.index", vy=scope))
    count = outreach.mark_letters_sent(
        get_db(), actor=current_actor(), youth_ids=ids, on=local_today()
    )
    return saved(
        f"{count} brev och kort registrerade som skickade.", url_for("worklist.index", vy=scope)
    )


@bp.post("/uppgifter/<int:task_id>/klar")
@require("worklist.use")
def complete(task_id: int):
    worklist.complete_task(get_db(), actor=current_actor(), task_id=task_id)
    return saved(
        "Uppgiften är klarmarkerad.", url_for("worklist.index", vy=request.form.get("vy", "mina"))
    )
