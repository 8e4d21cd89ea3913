"""Template versions: an upload is checked (hostile files refused, nothing stored), versions
switch, only template managers may, the catalogue."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from sqlmodel import select

from kaa_web.docx import checks
from kaa_web.docx.types import get_type
from kaa_web.models.audit import AuditEvent
from kaa_web.services import documents as service
from kaa_web.services.errors import NotFound
from tests import docx_samples
from tests.docx_samples import text_of
from tests.services.documents.helpers import (
    ADMIN,
    KAA,
    assert_nothing_stored,
    letter_context,
    refusal,
)


def test_a_macro_document_renamed_to_docx_is_refused(db_session):
    assert "makro" in refusal(db_session, docx_samples.macro_document())


def test_a_zip_bomb_is_refused_before_it_is_unpacked(db_session):
    message = refusal(db_session, docx_samples.zip_bomb(200))
    assert "zip-bomb" in message


def test_a_file_that_is_not_a_zip_is_refused(db_session):
    message = refusal(db_session, b"%PDF-1.7 this is not a Word file")
    assert "inte ett Word-dokument" in message


@pytest.mark.parametrize("name", ["../../etc/cron.d/x", "/absolut.xml", "word\\bakstreck.xml"])
def test_entries_with_path_tricks_in_their_names_are_refused(db_session, name):
    message = refusal(db_session, docx_samples.with_entry(name))
    assert "otillåtna sökvägar" in message


def test_a_template_with_an_external_relationship_is_refused(db_session):
    message = refusal(db_session, docx_samples.with_external_relationship())
    assert "externa resurser" in message
    linked_image = docx_samples.with_external_relationship("image", "https://x.example/a.png")
    assert "externa resurser" in refusal(db_session, linked_image)
    odd_link = docx_samples.with_external_relationship("hyperlink", "file:///etc/passwd")
    assert "externa resurser" in refusal(db_session, odd_link)


def test_a_template_with_a_link_to_the_municipalitys_website_is_accepted():
    data = docx_samples.with_external_relationship("hyperlink", "https://www.exempelkommun.se/")
    assert checks.check_template(data, get_type("brev_ungdom")) == []


def test_a_template_using_a_variable_its_type_does_not_offer_is_refused(db_session):
    data = docx_samples.template_with("brev_ungdom", "Personnummer: {{ ungdom.personnummer }}")
    message = refusal(db_session, data)
    assert "Variabeln ungdom.personnummer finns inte för dokumenttypen Brev till ungdom" in message


@pytest.mark.parametrize(
    "payload",
    ["{{ cycler.__init__.__globals__ }}", "{{ ''.__class__.__mro__ }}"],
)
def test_template_injection_payloads_are_refused(db_session, payload):
    message = refusal(db_session, docx_samples.template_with("brev_ungdom", payload))
    assert "cycler" in message or "inte är tillåtet" in message


def test_broken_template_code_is_refused_with_the_line(db_session):
    message = refusal(db_session, docx_samples.template_with("brev_ungdom", "{% if %}"))
    assert re.fullmatch(r"Mallkoden har ett syntaxfel\.", message), message


@pytest.mark.parametrize(
    ("payload", "leaf"),
    [
        ("{{ ungdom.fornamn.upper() }}", "ungdom.fornamn"),
        ("{{ datum.year }}", "datum"),
        ("{{ kommun.logotyp.tpl }}", "kommun.logotyp"),
    ],
)
def test_paths_past_a_known_variable_are_refused_with_a_hint_about_filters(
    db_session, payload, leaf
):
    message = refusal(db_session, docx_samples.template_with("brev_ungdom", payload))
    assert f"en mall kan läsa {leaf} men inget under den" in message
    assert "{{ ungdom.fornamn|upper }}" in message


def test_filters_on_known_variables_are_accepted(db_session):
    data = docx_samples.template_with(
        "brev_ungdom", "{{ ungdom.fornamn|upper }} {{ mottagare.namn|upper }}"
    )
    version = service.upload_template(
        db_session, actor=ADMIN, code="brev_ungdom", file_name="brev.docx", data=data
    )
    document = service.generate_document(
        db_session, actor=KAA, doc_type="brev_ungdom", context=letter_context("Kim Berg")
    )
    assert document.template_version == version.version
    assert "ALEX" in text_of(document.content) and "KIM BERG" in text_of(document.content)


def test_unsafe_attributes_the_variable_check_cannot_see_are_refused_by_the_sandbox(db_session):
    data = docx_samples.template_with(
        "brev_ungdom", "{% set n = mottagare.namn %}{{ n.__class__.__mro__ }}"
    )
    assert "inte är tillåtet" in refusal(db_session, data)


def test_a_file_not_named_docx_is_refused(db_session):
    assert ".docx" in refusal(db_session, docx_samples.template_with("brev_ungdom"), "mall.docm")


def test_a_good_upload_becomes_the_active_version_and_the_next_document_uses_it(
    db_session, person_id
):
    data = docx_samples.template_with("brev_ungdom", "Egen text från kommunen.")
    version = service.upload_template(
        db_session, actor=ADMIN, code="brev_ungdom", file_name="C:\\mallar\\brev.docx", data=data
    )
    assert (version.version, version.file_name) == (1, "brev.docx")
    document = service.generate_document(
        db_session,
        actor=KAA,
        doc_type="brev_ungdom",
        context=letter_context(),
        youth_id=person_id(7),
    )
    assert document.template_version == 1
    assert "Egen text från kommunen." in text_of(document.content)
    logged = db_session.exec(
        select(AuditEvent).where(AuditEvent.object_type == "document_template")
    ).all()
    assert [(e.action, e.username, e.object_id) for e in logged] == [
        ("update", "admin", str(version.id))
    ]


def test_switching_back_to_the_built_in_template_and_to_an_earlier_version_works(db_session):
    for marker in ("Första egna versionen.", "Andra egna versionen."):
        service.upload_template(
            db_session,
            actor=ADMIN,
            code="brev_ungdom",
            file_name="brev.docx",
            data=docx_samples.template_with("brev_ungdom", marker),
        )
    service.activate_template(db_session, actor=ADMIN, code="brev_ungdom", version=0)
    built_in = service.generate_document(
        db_session, actor=KAA, doc_type="brev_ungdom", context=letter_context()
    )
    assert built_in.template_version == 0 and "egna versionen" not in text_of(built_in.content)
    service.activate_template(db_session, actor=ADMIN, code="brev_ungdom", version=1)
    earlier = service.generate_document(
        db_session, actor=KAA, doc_type="brev_ungdom", context=letter_context()
    )
    assert "Första egna versionen." in text_of(earlier.content)
    overview = service.describe_document_type(db_session, actor=ADMIN, code="brev_ungdom")
    assert overview.active_version == 1 and [v.version for v in overview.versions] == [2, 1]
    switches = db_session.exec(
        select(AuditEvent).where(AuditEvent.object_type == "document_template")
    ).all()
    assert len(switches) == 4


def test_switching_to_a_version_that_does_not_exist_is_refused(db_session):
    with pytest.raises(NotFound):
        service.activate_template(db_session, actor=ADMIN, code="brev_ungdom", version=5)


def test_an_upload_and_a_switch_are_saved_only_when_the_caller_commits(db_session):
    service.upload_template(
        db_session,
        actor=ADMIN,
        code="brev_ungdom",
        file_name="mall.docx",
        data=docx_samples.template_with("brev_ungdom", "Egen version."),
    )
    db_session.rollback()
    assert_nothing_stored(db_session)
    service.activate_template(db_session, actor=ADMIN, code="brev_ungdom", version=0)
    db_session.rollback()
    assert_nothing_stored(db_session)


def test_only_template_managers_may_upload_or_switch(db_session):
    with pytest.raises(PermissionError):
        service.upload_template(
            db_session, actor=KAA, code="brev_ungdom", file_name="a.docx", data=b""
        )
    with pytest.raises(PermissionError):
        service.activate_template(db_session, actor=KAA, code="brev_ungdom", version=0)


def test_the_catalogue_lists_versions_without_loading_the_template_files(db_session):
    for code in ("brev_ungdom", "vykort"):
        service.upload_template(
            db_session,
            actor=ADMIN,
            code=code,
            file_name="mall.docx",
            data=docx_samples.template_with(code, "Egen version."),
        )
    db_session.commit()
    db_session.expunge_all()
    overviews = service.list_document_types(db_session, actor=ADMIN)
    versions = [v for o in overviews for v in o.versions]
    assert sorted(v.doc_type for v in versions) == ["brev_ungdom", "vykort"]
    assert all("content" in sa.inspect(v).unloaded for v in versions)
    db_session.expunge_all()
    overview = service.describe_document_type(db_session, actor=ADMIN, code="vykort")
    assert [(v.doc_type, v.version) for v in overview.versions] == [("vykort", 1)]
    assert overview.active_version == 1
    assert "content" in sa.inspect(overview.versions[0]).unloaded
    with pytest.raises(NotFound):
        service.describe_document_type(db_session, actor=ADMIN, code="finns_inte")
