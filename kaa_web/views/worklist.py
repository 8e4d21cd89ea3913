"""The worklist (/att-gora): what is due today, overdue and in the next 14 days."""

from flask import Blueprint, flash, request, url_for

from kaa_web.db import get_db
from kaa_web.forms.register import AssignForm
from kaa_web.htmx import redirect, render
from kaa_web.models.base import local_today
from kaa_web.permissions import current_actor, require
from kaa_web.services import outreach, register

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
    groups = outreach.worklist(get_db(), actor=current_actor(), scope=scope, today=local_today())
    get_db().commit()
    form = AssignForm()
    form.set_choices(register.officers(get_db()))
    return render(
        "worklist/index.html",
        "worklist/_groups.html",
        groups=groups,
        scope=scope,
        scopes=SCOPES,
        step_action=STEP_ACTION,
        assign_form=form,
        today=local_today(),
    )


@bp.post("/markera-skickade")
@require("worklist.use")
def mark_sent():
    """Letters due, selected in bulk, recorded as sent (once per person and day)."""
    ids = [int(i) for i in request.form.getlist("youth_ids") if i.isdigit()]
    scope = request.form.get("vy", "mina")
    if not ids:
        flash("Markera minst ett brev.", "error")
        return redirect(url_for("worklist.index", vy=scope))
    count = outreach.mark_letters_sent(
        get_db(), actor=current_actor(), youth_ids=ids, on=local_today()
    )
    get_db().commit()
    flash(f"{count} brev och kort registrerade som skickade.", "success")
    return redirect(url_for("worklist.index", vy=scope))
