"""The SCB half-year file (/scb-filen): the half-years, the check page, the export, its file and
diff; and the administrator's mappings (/admin/scb-mappningar)."""

from flask import Blueprint, Response, abort, current_app, render_template, url_for

from kaa_web.db import get_db
from kaa_web.exports import xlsx_download
from kaa_web.forms.scb import CopyForm, ExportForm, MappingForm, UploadForm
from kaa_web.models.base import local_today
from kaa_web.models.scb import ScbMapping
from kaa_web.permissions import current_actor, require
from kaa_web.rules import scb as rules
from kaa_web.services.errors import EditConflict, Invalid
from kaa_web.services.scb import export as exports
from kaa_web.services.scb import mapping as mappings
from kaa_web.services.scb.checks import check_page
from kaa_web.services.scb.overview import half_years
from kaa_web.services.scb.upload import parse_workbook, workbook_of
from kaa_web.views import already_saved, one_of, rejected, saved

bp = Blueprint("scb", __name__)
HALVES = one_of(("h1", "h2"))
EXAMPLE_BANNER = (
    "Mappningen är ett exempel byggt på de kategorier Skolverket publicerar. Koderna måste "
    "kontrolleras mot SCB:s aktuella instruktioner och kodförteckningar (datafilsbeskrivningen) "
    "för halvåret innan filen skickas."
)


def _key(year: int, half: str) -> int:
    if not 2000 <= year <= 2100:
        abort(404)
    return rules.key_of(year, int(half[1]))


def _settings():
    return current_app.config["KAA_SETTINGS"]


@bp.get("/scb-filen")
@require("scb.check")
def index():
    s = _settings()
    rows = half_years(
        get_db(),
        actor=current_actor(),
        today=local_today(),
        h1=s.scb_deadline_h1,
        h2=s.scb_deadline_h2,
    )
    return render_template("scb/index.html", rows=rows)


@bp.get(f"/scb-filen/<int:year>/<{HALVES}:half>")
@require("scb.check")
def check(year: int, half: str, form=None, errors=None):
    db, actor = get_db(), current_actor()
    key = _key(year, half)
    page = check_page(db, actor=actor, key=key)
    files = exports.exports_of(db, actor=actor, key=key) if actor.can("scb.export") else []
    db.commit()  # every person shown is logged
    status = 400 if errors or (form and form.errors) else 200
    return render_template(
        "scb/check.html",
        page=page,
        year=year,
        half=half,
        files=files,
        form=form or ExportForm(),
        errors=errors or [],
        may_export=actor.can("scb.export"),
        may_fix=actor.can("register.write"),
        banner=EXAMPLE_BANNER,
        example=_is_example(page.mapping_id),
    ), status


def _is_example(mapping_id: int | None) -> bool:
    row = get_db().get(ScbMapping, mapping_id) if mapping_id else None
    return bool(row and row.example)


@bp.post(f"/scb-filen/<int:year>/<{HALVES}:half>/exportera")
@require("scb.export")
def make_export(year: int, half: str):
    """Make the half-year's file (a double click or a second tab makes one)."""
    key = _key(year, half)
    form = ExportForm()
    if not form.validate():
        rejected(form)
        return check(year, half, form)
    if earlier := already_saved(form):
        return earlier
    try:
        made = exports.make_export(
            get_db(), actor=current_actor(), key=key, confirmed=form.bekraftar.data
        )
    except Invalid as error:
        loose = rejected(form, error)
        return check(year, half, form, loose)
    message = "SCB-filen är gjord."
    if made.replaces_id:
        message += " Den ersätter den förra filen för halvåret: ladda upp den nya hos SCB."
    return saved(message, url_for("scb.export_page", export_id=made.id), form)


@bp.get("/scb-filen/filer/<int:export_id>")
@require("scb.export")
def export_page(export_id: int):
    db, actor = get_db(), current_actor()
    made = exports.get_export(db, actor=actor, export_id=export_id)
    diff = exports.diff_of(db, actor=actor, export=made)
    db.commit()  # the people in the diff are logged
    year, half = rules.split(made.half_year)
    return render_template(
        "scb/export.html",
        made=made,
        diff=diff,
        label=rules.label(made.half_year),
        year=year,
        half=f"h{half}",
        mapping=db.get(ScbMapping, made.mapping_id),
    )


@bp.get("/scb-filen/filer/<int:export_id>/fil")
@require("scb.export")
def download(export_id: int):
    db = get_db()
    made = exports.download(db, actor=current_actor(), export_id=export_id)
    db.commit()  # every person in the file is logged
    return Response(
        made.content,
        mimetype=made.content_type.split(";")[0],
        headers={
            "Content-Disposition": f"attachment; filename={made.file_name}",
            "Cache-Control": "private, no-store",
        },
    )


# --- the administrator's mappings -------------------------------------------------------------


@bp.get("/admin/scb-mappningar")
@require("scb.mapping")
def mappings_index(upload=None, errors=None):
    listed = mappings.list_mappings(get_db(), actor=current_actor())
    status = 400 if errors or (upload and upload.errors) else 200
    return render_template(
        "scb/mappings.html",
        listed=listed,
        upload=upload or UploadForm(),
        label=rules.label,
        errors=errors or [],
        banner=EXAMPLE_BANNER,
    ), status


@bp.post("/admin/scb-mappningar/ladda-upp")
@require("scb.mapping")
def upload_mapping():
    form = UploadForm()
    if not form.validate():
        rejected(form)
        return mappings_index(form)
    if earlier := already_saved(form):
        return earlier
    try:
        data = parse_workbook(form.fil.data.read(2 * 1024 * 1024 + 1))
        made = mappings.create_mapping(get_db(), actor=current_actor(), data=data)
    except Invalid as error:
        rejected(form)
        return mappings_index(form, error.messages)
    return saved("Mappningen är uppladdad.", url_for("scb.mapping_page", mapping_id=made.id), form)


@bp.post("/admin/scb-mappningar/<int:mapping_id>/kopiera")
@require("scb.mapping")
def copy_mapping(mapping_id: int):
    form = CopyForm()
    if not form.validate():
        abort(400)
    if earlier := already_saved(form):
        return earlier
    made = mappings.copy_mapping(get_db(), actor=current_actor(), mapping_id=mapping_id)
    return saved(
        "En kopia är gjord. Ändra den för nästa halvår.",
        url_for("scb.mapping_page", mapping_id=made.id),
        form,
    )


def _mapping_page(row, form, status=200, conflict=False, errors=()):
    used = mappings.is_used(get_db(), row.id)
    data = mappings.data_of(row)
    return render_template(
        "scb/mapping.html",
        row=row,
        form=form,
        used=used,
        conflict=conflict,
        errors=list(errors),
        unmapped=mappings.unmapped(data),
        valid_text=data.valid_text(),
        concepts=rules.CONCEPTS,
        tables=rules.CODE_TABLES,
        banner=EXAMPLE_BANNER,
    ), status


@bp.get("/admin/scb-mappningar/<int:mapping_id>")
@require("scb.mapping")
def mapping_page(mapping_id: int):
    row = mappings.get_mapping(get_db(), actor=current_actor(), mapping_id=mapping_id)
    return _mapping_page(row, MappingForm.of(mappings.data_of(row), row.version))


@bp.post("/admin/scb-mappningar/<int:mapping_id>")
@require("scb.mapping")
def save_mapping(mapping_id: int):
    db, actor = get_db(), current_actor()
    row = mappings.get_mapping(db, actor=actor, mapping_id=mapping_id)
    form = MappingForm()
    if not form.validate():
        rejected(form)
        return _mapping_page(row, form, 400)
    try:
        mappings.save_mapping(
            db,
            actor=actor,
            mapping_id=row.id,
            data=form.data_object(),
            version=form.version.data,
        )
    except Invalid as error:
        loose = rejected(form, error)
        return _mapping_page(
            mappings.get_mapping(db, actor=actor, mapping_id=mapping_id), form, 400, errors=loose
        )
    except EditConflict:
        rejected(form)
        row = mappings.get_mapping(db, actor=actor, mapping_id=mapping_id)
        form.version.data = row.version
        return _mapping_page(row, form, 409, conflict=True)
    return saved("Mappningen är sparad.", url_for("scb.mapping_page", mapping_id=row.id))


@bp.get("/admin/scb-mappningar/<int:mapping_id>/mappning.xlsx")
@require("scb.mapping")
def mapping_workbook(mapping_id: int):
    row = mappings.get_mapping(get_db(), actor=current_actor(), mapping_id=mapping_id)
    return xlsx_download(workbook_of(mappings.data_of(row)), f"scb-mappning-{row.id}.xlsx")
