"""The one request flow every view shares (kaa_web/views/__init__.py): what services raise is
answered once for every page, refused input never reaches the database, redirects stay home."""

from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web import create_app
from kaa_web.db import get_db
from kaa_web.htmx import local_path
from kaa_web.models.base import local_today
from kaa_web.models.documents import (
    ActiveDocumentTemplate,
    DocumentTemplateVersion,
    GeneratedDocument,
)
from kaa_web.models.plans import ConcernReport
from kaa_web.models.register import ContactAttempt, Youth
from kaa_web.services import outreach, register
from tests.docx_samples import template_with

NUL_REFUSED = "otillåtet tecken (NUL"


def test_a_nul_character_in_any_textarea_is_refused_in_swedish_and_nothing_is_saved(
    login_as, make_youth, db_session
):
    """PostgreSQL refuses NUL in a string: the contact's note made the save a 500 there."""
    youth = make_youth()
    response = login_as("kaa").post_form(
        f"/ungdomar/{youth.id}/kontakt",
        {"kind": "telefon", "on": local_today().isoformat(), "note": "Ringde\x00 igen"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert NUL_REFUSED in page and "Traceback" not in page
    assert db_session.exec(select(ContactAttempt)).all() == []


def test_a_nul_character_in_a_query_or_a_field_name_is_refused_too(login_as):
    kaa = login_as("kaa")
    assert kaa.get("/ungdomar/?status=aktiv%00").status_code == 400
    assert NUL_REFUSED in kaa.get("/att-gora/?vy=mi%00na").get_data(as_text=True)
    assert kaa.post_form("/ungdomar/vyer", {"na\x00me": "x"}).status_code == 400


def _broken_active_template(db, code: str) -> None:
    """A stored version that fails in the sandbox (stored before its check knew the trick)."""
    data = template_with(code, "{{ saknas.namn }}")
    version = DocumentTemplateVersion(
        doc_type=code, version=1, file_name=f"{code}.docx", content=data, sha256="x" * 64,
        uploaded_by="admin",
    )  # fmt: skip
    db.add(version)
    db.flush()
    db.add(ActiveDocumentTemplate(doc_type=code, version_id=version.id, changed_by="admin"))
    db.commit()


TEMPLATE_FAILED = "Dokumentmallen gick inte att använda: Mallen använder något som inte finns."


@pytest.mark.parametrize(
    ("code", "path", "form"),
    [
        ("brev_ungdom", "/ungdomar/{id}/dokument", {"step": "brev"}),
        ("individuell_plan", "/ungdomar/{id}/plan/dokument", {}),
        ("orosanmalan", "/ungdomar/{id}/orosanmalan/utkast", {"recipient": "Socialtjänsten"}),
    ],
)
def test_a_failing_template_gives_its_swedish_reason_on_every_page_that_makes_a_document(
    login_as, make_youth, db_session, code, path, form
):
    youth = make_youth(
        birth_date=local_today() - timedelta(days=19 * 365),
        street_address="Storgatan 1",
        postal_code="12345",
        city="Exempelstad",
    )
    if code == "individuell_plan":
        kaa = login_as("kaa")
        agreed = {"goal": "Börja på Komvux", "agreed_on": local_today().isoformat()}
        assert kaa.post_form(f"/ungdomar/{youth.id}/plan", agreed).status_code == 303
    _broken_active_template(db_session, code)
    form = {"on": local_today().isoformat(), **form}
    response = login_as("kaa").post_form(path.format(id=youth.id), form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Dokumentet kunde inte skapas" in page and TEMPLATE_FAILED in page
    assert "Traceback" not in page and "UndefinedError" not in page
    db_session.expire_all()
    assert db_session.exec(select(GeneratedDocument)).all() == []
    assert db_session.exec(select(ContactAttempt)).all() == []  # no letter recorded as sent
    assert db_session.exec(select(ConcernReport)).all() == []


def test_a_hidden_object_is_a_404_page_from_the_one_handler_and_the_refusal_is_logged(
    login_as, make_youth, db_session
):
    from kaa_web.models.audit import AuditEvent

    youth = make_youth()
    response = login_as("skola").get(f"/skola/anmalningar/{youth.id + 1000}")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.get_data(as_text=True)
    denied = db_session.exec(select(AuditEvent).where(AuditEvent.action == "denied")).all()
    assert [(e.object_type, e.outcome) for e in denied] == [
        ("school_report", "not_found_or_denied")
    ]


def test_the_ladders_delays_come_from_each_apps_own_settings(app, make_youth, db_session):
    """The delays once lived in a module global set by the last create_app: a second app in the
    same process changed the first one's ladder."""
    youth = make_youth()
    early = create_app({**app.overrides, "ladder_first_letter_days": 3})
    create_app({**app.overrides, "ladder_first_letter_days": 40})  # made last
    with early.app_context():
        db = get_db()
        person = db.get(Youth, youth.id)
        registered_on = register.current_period(db, youth.id).registered_on
        outreach.refresh_next_step(db, person, today=registered_on)
        assert person.next_step_due == registered_on + timedelta(days=3)
        db.rollback()
    early.extensions["kaa_engine"].dispose()


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\tevil",
        "/samverkan\r\nLocation: https://evil.example",
        "",
        None,
    ],
)
def test_a_redirect_from_a_request_never_leaves_the_site(target):
    assert local_path(target, "/samverkan") == "/samverkan"


def test_a_redirect_to_a_path_on_the_site_is_followed():
    assert local_path("/samverkan/grupper/3#atgarder", "/") == "/samverkan/grupper/3#atgarder"


def test_the_demo_gets_a_sibling_app_with_only_the_directory_settings_changed(app):
    """`flask kaa demo` asks the running app for one pointed at its own slapd (the CLI imports
    no create_app: tests/test_layers.py)."""
    sibling = app.with_settings(ldap_url="ldap://127.0.0.1:1", stats_min_cell=3)
    mine, theirs = app.config["KAA_SETTINGS"], sibling.config["KAA_SETTINGS"]
    assert (theirs.ldap_url, theirs.stats_min_cell) == ("ldap://127.0.0.1:1", 3)
    assert (theirs.database_url, theirs.secret_key) == (mine.database_url, mine.secret_key)
    sibling.extensions["kaa_engine"].dispose()


def test_the_page_check_finds_repeated_ids_inline_script_and_missing_headers(app):
    import lxml.html

    from tests.pages import html_problems, page_problems

    page = lxml.html.fromstring(
        '<main><p id="a">1</p><p id="a">2</p><script>steal()</script>'
        '<a href="javascript:steal()" onclick="steal()">x</a></main>'
    )
    problems = html_problems(page)
    assert "id 'a' 2 times" in problems
    assert any(p.startswith("inline <script>") for p in problems)
    assert any("onclick" in p for p in problems) and any("href" in p for p in problems)
    bare = app.response_class("<main></main>", mimetype="text/html")
    assert "X-Frame-Options: None" in page_problems(bare)
