"""The review shared with a collaboration group: a manager shares it under an agenda item of a
coming meeting (or stops); the group's members open it read-only from the agenda."""

from flask import Response, render_template, url_for

from kaa_web.db import get_db
from kaa_web.forms.action_plan import ShareForm
from kaa_web.models.action_plan import FULFILMENT, RATINGS
from kaa_web.permissions import current_actor, require
from kaa_web.services import action_plan
from kaa_web.services.errors import Invalid
from kaa_web.views import already_saved, rejected, saved
from kaa_web.views.action_plan.blueprint import bp, min_cell
from kaa_web.views.action_plan.plan import render_review


@bp.post("/handlingsplan/<int:year>/uppfoljning/delningar")
@require("action_plan.write")
def share_review(year: int):
    db, actor = get_db(), current_actor()
    form = ShareForm.with_items(action_plan.shareable_items(db, actor=actor))
    errors: list[str] = []
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            action_plan.share_review(
                db, actor=actor, year=year, agenda_item_id=form.agenda_item.data
            )
            location = url_for("action_plan.review", year=year, _anchor="delning")
            return saved("Uppföljningen är delad med gruppen.", location, form)
        except Invalid as error:
            errors = rejected(form, error)
    return render_review(year, share_form=form, errors=errors, status=400)


@bp.post("/handlingsplan/<int:year>/uppfoljning/delningar/<int:share_id>/ta-bort")
@require("action_plan.write")
def unshare_review(year: int, share_id: int):
    action_plan.unshare_review(get_db(), actor=current_actor(), year=year, share_id=share_id)
    location = url_for("action_plan.review", year=year, _anchor="delning")
    return saved("Uppföljningen delas inte längre där.", location)


@bp.get("/handlingsplan/delad/<int:share_id>")
@require("action_plan.shared")
def shared_review(share_id: int):
    """The review as the group's members see it: read-only, small numbers hidden."""
    db = get_db()
    page = action_plan.shared_review(db, actor=current_actor(), share_id=share_id, limit=min_cell())
    db.commit()  # the read is logged
    return render_template(
        "action_plan/shared_review.html",
        page=page,
        share_id=share_id,
        fulfilment=FULFILMENT,
        ratings=RATINGS,
    )


@bp.get("/handlingsplan/delad/<int:share_id>/diagram.svg")
@require("action_plan.shared")
def shared_review_chart(share_id: int):
    db = get_db()
    page = action_plan.shared_review(db, actor=current_actor(), share_id=share_id, limit=min_cell())
    db.commit()
    svg = action_plan.radar_svg(page.areas)
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, no-store"})
