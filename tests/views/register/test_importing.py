"""Importing a register extract from the page and the command line, and who is offered it."""

import io
import re
from datetime import timedelta

from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.register import Youth
from kaa_web.rules import personnummer as pnr


def test_import_page_previews_and_applies(login_as, staff, db_session):
    number = pnr.make_valid(local_today() - timedelta(days=6400), 777)
    older = pnr.make_valid(local_today() - timedelta(days=27 * 365), 779)
    csv = (
        f"personnummer;fornamn;efternamn;orsak\n{number};Ida;Strand;studiebevis\n"
        f"{older};Åke;Äldre;studiebevis\n"
    ).encode()
    kaa = login_as("kaa")
    preview = kaa.post_form(
        kaa.url("register.import_extract"),
        {"file": (io.BytesIO(csv), "utdrag.csv")},
        content_type="multipart/form-data",
    )
    body = preview.get_data(as_text=True)
    assert "Nya ungdomar som registreras: <strong>1</strong>" in body
    assert "har fyllt 20 år och inte registreras: <strong>1</strong>" in body
    assert "(rad 3)" in body
    action = re.search(r'action="(/ungdomar/import/\d+/genomfor)"', body).group(1)
    applied = kaa.post_form(action)
    assert applied.status_code == 303
    assert "1 ny över 20 år registrerades inte" in kaa.get(applied.location).get_data(as_text=True)
    assert kaa.post_form(action).status_code == 303  # double click: refused with a message
    assert len(db_session.exec(select(Youth)).all()) == 1
    assert login_as("arbetsmarknad").get("/ungdomar/import").status_code == 403


def test_cli_import_and_nightly(app, staff, tmp_path, db_session):
    number = pnr.make_valid(local_today() - timedelta(days=6400), 778)
    extract = tmp_path / "utdrag.csv"
    extract.write_text(f"personnummer;fornamn;efternamn;orsak\n{number};Ida;Strand;studiebevis\n")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["kaa", "nightly", "--extract", str(extract)])
    assert result.exit_code == 0, result.output
    assert "1 ny," in result.output and "Nattjobbet klart" in result.output
    assert "0 gamla utkast borttagna" in result.output
    bad = tmp_path / "fel.csv"
    bad.write_text("personnummer;fornamn;efternamn;orsak\n123;Ida;Strand;studiebevis\n")
    failed = runner.invoke(args=["kaa", "import-register", str(bad)])
    assert failed.exit_code != 0 and "Rad 2" in failed.output
    assert len(db_session.exec(select(Youth)).all()) == 1


def test_the_import_button_follows_the_import_permission(login_as, staff, monkeypatch):
    from kaa_web import permissions

    assert "Importera registerutdrag" in login_as("kaa").get("/ungdomar/").get_data(as_text=True)
    assert "Importera registerutdrag" not in login_as("chef").get("/ungdomar/").get_data(
        as_text=True
    )
    widened = {**permissions.PERMISSIONS, "register.import": frozenset({"kaa", "arbetsmarknad"})}
    monkeypatch.setattr(permissions, "PERMISSIONS", widened)
    page = login_as("arbetsmarknad").get("/ungdomar/").get_data(as_text=True)
    assert "Importera registerutdrag" in page
