"""The plan's pages: the years, one year's plan, editing a section, comments, goals, adoption,
the comparison with last year's adopted plan, and the review."""

from flask import Response, render_template, request, url_for

from kaa_web.db import get_db
from kaa_web.forms.action_plan import (
    AdoptForm,
    CommentForm,
    DocumentForm,
    GoalForm,
    NewDraftForm,
    SectionForm,
    ShareForm,
    review_form,
)
from kaa_web.markup import HELP
from kaa_web.models.action_plan import FULFILMENT, RATINGS, SECTIONS
from kaa_web.permissions import current_actor, require
from kaa_web.services import action_plan
from kaa_web.services.errors import EditConflict, Invalid
from kaa_web.views import already_saved, one_of, rejected, saved
from kaa_web.views.action_plan.blueprint import bp

CONFLICT = (
    "Någon annan har sparat avsnittet sedan du öppnade det. Din text finns kvar i rutan; "
    "den sparade texten visas ovanför. Jämför, ändra och spara igen."
)
REVIEW_CONFLICT = (
    "Någon annan har sparat uppföljningen sedan du öppnade den. Det du skrev finns kvar; "
    "jämför med deras version i en ny flik och spara igen när du är klar."
)
ADOPT_CONFLICT = "Planen har ändrats sedan sidan laddades. Kontrollera den och anta igen."


@bp.route("/handlingsplan", methods=["GET", "POST"])
@require("action_plan.read")
def index():
    """Every year's plan; managers start next year's draft from the newest adopted one."""
    db, actor = get_db(), current_actor()
    form = NewDraftForm() if actor.can("action_plan.write") else None
    errors: list[str] = []
    if form is not None and form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            plan = action_plan.start_draft(db, actor=actor, year=form.year.data)
            location = url_for("action_plan.show", year=plan.year)
            return saved(f"Utkastet för {plan.year} är påbörjat.", location, form)
        except Invalid as error:
            errors = rejected(form, error)
    status = 400 if (form is not None and form.errors) or errors else 200
    plans = action_plan.versions(db, actor=actor)
    return render_template("action_plan/index.html", plans=plans, form=form, errors=errors), status


def render_plan(year: int, *, comment_form=None, adopt_form=None, errors=(), status=200):
    db, actor = get_db(), current_actor()
    page = action_plan.plan_page(db, actor=actor, year=year)
    db.commit()  # the read is logged
    draft = page.plan.status == "utkast"
    if comment_form is None and draft and actor.can("action_plan.comment"):
        comment_form = CommentForm()
    if adopt_form is None and draft and actor.can("action_plan.write"):
        adopt_form = AdoptForm(version=page.plan.version)
    may_make = not draft and actor.can("action_plan.write")
    return render_template(
        "action_plan/show.html",
        page=page,
        documents=[
            d for d in action_plan.plan_documents(db, actor=actor, year=year) if d.kind == "plan"
        ],
        document_form=DocumentForm() if may_make else None,
        comment_form=comment_form,
        adopt_form=adopt_form,
        may_write=draft and actor.can("action_plan.write"),
        errors=list(errors),
        sections=SECTIONS,
        fulfilment=FULFILMENT,
    ), status


@bp.get("/handlingsplan/<int:year>")
@require("action_plan.read")
def show(year: int):
    return render_plan(year)


@bp.route(
    f"/handlingsplan/<int:year>/avsnitt/<{one_of(SECTIONS)}:section>", methods=["GET", "POST"]
)
@require("action_plan.write")
def edit_section(year: int, section: str):
    """One section's text; saving keeps the earlier text as history."""
    db, actor = get_db(), current_actor()
    plan, current = action_plan.section_for_edit(db, actor=actor, year=year, section=section)
    form = SectionForm(body=current.body, base=current.text_id or "")
    errors: list[str] = []
    conflict = None
    if form.validate_on_submit():
        try:
            action_plan.save_section(
                db,
                actor=actor,
                year=year,
                section=section,
                body=(form.body.data or "").replace("\r\n", "\n"),
                base_text_id=form.base_text_id(),
            )
            location = url_for("action_plan.show", year=year, _anchor=f"avsnitt-{section}")
            return saved(f"Avsnittet ”{SECTIONS[section]}” är sparat.", location)
        except EditConflict as error:
            errors = rejected(form) + [CONFLICT]
            conflict = error.current
            form.base.data = str(conflict.id) if conflict else ""
        except Invalid as error:
            errors = rejected(form, error)
    else:
        db.commit()  # the read is logged
    status = 409 if conflict else 400 if form.errors or errors else 200
    return render_template(
        "action_plan/edit_section.html",
        plan=plan,
        section=current,
        form=form,
        errors=errors,
        conflict=conflict,
        help=HELP,
    ), status


@bp.post("/handlingsplan/<int:year>/kommentarer")
@require("action_plan.comment")
def comment(year: int):
    form = CommentForm()
    errors: list[str] = []
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            action_plan.add_comment(
                get_db(),
                actor=current_actor(),
                year=year,
                section=form.section.data or "",
                body=form.body.data,
            )
            location = url_for("action_plan.show", year=year, _anchor="kommentarer")
            return saved("Kommentaren är sparad.", location, form)
        except Invalid as error:
            errors = rejected(form, error)
    return render_plan(year, comment_form=form, errors=errors, status=400)


@bp.post("/handlingsplan/<int:year>/anta")
@require("action_plan.write")
def adopt(year: int):
    form = AdoptForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            action_plan.adopt(
                get_db(),
                actor=current_actor(),
                year=year,
                decision_body=form.decision_body.data,
                decision_reference=form.decision_reference.data,
                decided_on=form.decided_on.data,
                version=form.version_number(),
            )
            return saved(
                f"Handlingsplanen för {year} är antagen och låst.",
                url_for("action_plan.show", year=year),
            )
        except EditConflict:
            errors = rejected(form) + [ADOPT_CONFLICT]
        except Invalid as error:
            errors = rejected(form, error)
    return render_plan(
        year, adopt_form=form, errors=errors, status=409 if ADOPT_CONFLICT in errors else 400
    )


@bp.get("/handlingsplan/<int:year>/jamforelse")
@require("action_plan.read")
def compare(year: int):
    """What changed since the newest adopted plan before this one, section by section."""
    db = get_db()
    plan = action_plan.get_plan(db, actor=current_actor(), year=year)
    previous, changes = action_plan.compare(db, actor=current_actor(), year=year)
    db.commit()  # the read is logged
    return render_template(
        "action_plan/compare.html", plan=plan, previous=previous, changes=changes
    )


def _goal_page(year: int, form, *, goal=None, errors=(), status=200):
    plan = action_plan.get_plan(get_db(), actor=current_actor(), year=year, may="write")
    return render_template(
        "action_plan/goal.html", plan=plan, form=form, goal=goal, errors=list(errors)
    ), status


@bp.route("/handlingsplan/<int:year>/mal/nytt", methods=["GET", "POST"])
@require("action_plan.write")
def new_goal(year: int):
    """A measurable goal: a figure of the statistics, its target and when it is partly met."""
    form = GoalForm()
    errors: list[str] = []
    if form.validate_on_submit():
        if done := already_saved(form):
            return done
        try:
            action_plan.add_goal(
                get_db(), actor=current_actor(), year=year, data=form.data_object()
            )
            location = url_for("action_plan.show", year=year, _anchor="avsnitt-mal")
            return saved("Målet är tillagt.", location, form)
        except Invalid as error:
            errors = rejected(form, error)
    action_plan.get_plan(get_db(), actor=current_actor(), year=year, may="write")
    return _goal_page(year, form, errors=errors, status=400 if form.errors or errors else 200)


@bp.route("/handlingsplan/<int:year>/mal/<int:goal_id>", methods=["GET", "POST"])
@require("action_plan.write")
def edit_goal(year: int, goal_id: int):
    db, actor = get_db(), current_actor()
    goal = action_plan.get_goal(db, actor=actor, year=year, goal_id=goal_id)
    form = GoalForm() if request.method == "POST" else GoalForm.of(goal)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            action_plan.update_goal(
                db, actor=actor, year=year, goal_id=goal_id, data=form.data_object()
            )
            location = url_for("action_plan.show", year=year, _anchor="avsnitt-mal")
            return saved("Målet är ändrat.", location)
        except Invalid as error:
            errors = rejected(form, error)
    return _goal_page(
        year, form, goal=goal, errors=errors, status=400 if form.errors or errors else 200
    )


@bp.post("/handlingsplan/<int:year>/mal/<int:goal_id>/ta-bort")
@require("action_plan.write")
def remove_goal(year: int, goal_id: int):
    action_plan.remove_goal(get_db(), actor=current_actor(), year=year, goal_id=goal_id)
    return saved(
        "Målet är borttaget.", url_for("action_plan.show", year=year, _anchor="avsnitt-mal")
    )


def render_review(year: int, *, form=None, share_form=None, errors=(), status=200):
    db, actor = get_db(), current_actor()
    page = action_plan.review_page(db, actor=actor, year=year)
    may_write = actor.can("action_plan.write")
    if form is None and may_write:
        form = review_form(page.review, page.areas)
    if share_form is None and may_write:
        share_form = ShareForm.with_items(action_plan.shareable_items(db, actor=actor))
    documents = action_plan.plan_documents(db, actor=actor, year=year)
    shares = action_plan.review_shares(db, actor=actor, year=year)
    db.commit()  # the read is logged
    return render_template(
        "action_plan/review.html",
        page=page,
        form=form,
        share_form=share_form,
        shares=shares,
        documents=[d for d in documents if d.kind == "uppfoljning"],
        document_form=DocumentForm() if may_write else None,
        errors=list(errors),
        fulfilment=FULFILMENT,
        ratings=RATINGS,
    ), status


@bp.get("/handlingsplan/<int:year>/uppfoljning")
@require("action_plan.read")
def review(year: int):
    """The yearly review: goals beside outcomes, collaboration held, routines measured, the
    control areas' self-assessment and the managers' conclusions (written by chef)."""
    return render_review(year)


@bp.post("/handlingsplan/<int:year>/uppfoljning")
@require("action_plan.write")
def save_review(year: int):
    db, actor = get_db(), current_actor()
    current = action_plan.review_of(db, actor=actor, year=year)
    form = review_form(current, [], request.form)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            action_plan.save_review(
                db,
                actor=actor,
                year=year,
                assessments=form.assessments(),
                conclusions=form.conclusions.data or "",
                changes=form.changes.data or "",
                version=form.version_number(),
            )
            return saved("Uppföljningen är sparad.", url_for("action_plan.review", year=year))
        except EditConflict as error:
            errors = rejected(form) + [REVIEW_CONFLICT]
            form.version.data = error.current.version if error.current else ""
        except Invalid as error:
            errors = rejected(form, error)
    status = 409 if REVIEW_CONFLICT in errors else 400
    return render_review(year, form=form, errors=errors, status=status)


@bp.get("/handlingsplan/<int:year>/uppfoljning/diagram.svg")
@require("action_plan.read")
def review_chart(year: int):
    db = get_db()
    page = action_plan.review_page(db, actor=current_actor(), year=year)
    db.commit()
    svg = action_plan.radar_svg(page.areas)
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, no-store"})
