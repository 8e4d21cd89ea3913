"""The SCB file's pages: who may use them, the check page's problems and log, making the file
once, downloading it, and the administrator's mappings edited in the browser or uploaded."""

import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook
from sqlmodel import func, select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.scb import ScbExport, ScbMapping
from kaa_web.services.scb import mapping
from kaa_web.services.scb.upload import workbook_of
from tests import factories

H1 = dict(year=2025, half="h1")


@pytest.fixture
def half_year(db_session, staff):
    """The example mapping, and two people covered in H1 2025: Anna reached without an
    occupation noted (a problem), Bo clean."""
    mapping.load_example(db_session)
    db_session.commit()
    anna = factories.history(
        db_session,
        [dict(registered_on=date(2024, 9, 1))],
        birth_date=date(2007, 3, 10),
        first_name="Anna",
    )
    factories.outreach_contact(db_session, anna, "telefon", date(2025, 2, 3), "nadd")
    bo = factories.history(
        db_session,
        [dict(registered_on=date(2025, 1, 15))],
        birth_date=date(2007, 5, 5),
        first_name="Bo",
    )
    return anna, bo


def test_the_check_page_lists_each_problem_with_the_page_that_fixes_it(
    client_request, db_session, half_year
):
    anna, bo = half_year
    page = client_request.get("scb.check", **H1)
    assert "Problem att rätta: 1" in page.text
    assert "Omfattade med fullständiga uppgifter: 50 % av 2" in page.text
    assert "Exempelmappning." in page.text and "SCB:s aktuella instruktioner" in page.text
    row = page.document.xpath("//tr[th/a='Anna Testsson']")[0]
    assert "Nådd vid en kontakt men ingen sysselsättning antecknad" in row.text_content()
    assert row.xpath(".//td//a/@href") == [f"/ungdomar/{anna.id}"]
    assert not page.document.xpath("//tr[th/a='Bo Testsson']")
    logged = db_session.exec(
        select(AuditEvent.youth_id).where(
            AuditEvent.object_type == "scb_check", AuditEvent.youth_id.is_not(None)
        )
    ).all()
    assert logged == [anna.id]


def test_a_manager_reads_the_check_but_cannot_make_the_file(client_request, half_year):
    page = client_request.as_("chef").get("scb.check", **H1)
    assert "Anna Testsson" in page.text and "Gör SCB-filen" not in page.text
    assert not page.document.xpath("//a[contains(., 'rätta')]")  # a manager fixes nothing
    client_request.as_("chef").post("scb.make_export", status=403, **H1)


@pytest.mark.parametrize("role", ["skola", "ifo", "arbetsmarknad", "admin"])
def test_school_social_services_labour_market_and_admin_cannot_see_the_check(
    client_request, half_year, role
):
    other = client_request.as_(role)
    other.get("scb.index", status=403)
    other.get("scb.check", status=403, **H1)
    other.post("scb.make_export", status=403, **H1)
    other.get("scb.export_page", status=403, export_id=1)
    other.get("scb.download", status=403, export_id=1)


@pytest.mark.parametrize("role", ["skola", "ifo", "chef", "kaa"])
def test_only_the_administrator_keeps_the_mappings(client_request, half_year, role):
    client_request.as_(role).get("scb.mappings_index", status=403)


def test_the_file_is_made_once_however_often_the_form_is_sent(
    client_request, db_session, half_year
):
    page = client_request.get("scb.check", **H1)
    form = page.form(button="Gör SCB-filen")
    refused = form.submit(status=400)  # a problem is left: it must be confirmed
    assert "Bekräfta att filen ska göras trots problemen" in refused.text
    made = form.submit({"bekraftar": "y"})
    again = form.submit({"bekraftar": "y"})  # a double click
    assert again.response.headers["Location"] == made.response.headers["Location"]
    assert db_session.exec(select(func.count()).select_from(ScbExport)).one() == 1
    shown = client_request.follow(made)
    assert "Problem som fanns kvar: 1 (bekräftade av kaa)" in shown.text
    assert "halvårets första fil" in shown.text


def test_a_second_file_says_it_replaces_the_first_and_the_download_is_logged_per_person(
    client_request, db_session, half_year
):
    for _ in range(2):
        form = client_request.get("scb.check", **H1).form(button="Gör SCB-filen")
        made = form.submit({"bekraftar": "y"})
    shown = client_request.follow(made)
    assert "Filen ersätter den förra filen för halvåret." in shown.text
    latest = db_session.exec(select(ScbExport).order_by(ScbExport.id.desc())).first()
    response = client_request.client.get(f"/scb-filen/filer/{latest.id}/fil")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=kaa-scb-2025-h1.csv"
    logged = db_session.exec(
        select(AuditEvent.youth_id).where(
            AuditEvent.object_type == "scb_export",
            AuditEvent.action == "export",
            AuditEvent.youth_id.is_not(None),
        )
    ).all()
    assert sorted(logged) == sorted(p.id for p in half_year)
    client_request.as_("chef").get("scb.download", status=403, export_id=latest.id)
    client_request.get("scb.download", status=404, export_id=latest.id + 100)


def test_an_unmapped_value_stops_the_file_and_names_the_value(
    client_request, db_session, half_year
):
    row = db_session.exec(select(ScbMapping)).one()
    row.spec = row.spec.replace('"studiebevis": "2", ', "")
    db_session.add(row)
    db_session.commit()
    page = client_request.get("scb.check", **H1)
    assert "Orsak till registrering: ”Lämnade med studiebevis” (orsak.studiebevis) saknar kod" in (
        page.text
    )
    refused = page.form(button="Gör SCB-filen").submit({"bekraftar": "y"}, status=400)
    assert "alla värden måste ha en kod" in refused.text


def test_the_admin_copies_the_last_mapping_and_edits_it_keeping_what_was_typed(
    client_request, db_session, half_year
):
    admin = client_request.as_("admin")
    listed = admin.get("scb.mappings_index")
    copied = admin.follow(
        listed.form(
            button="Kopiera EXEMPEL – kontrollera mot SCB:s aktuella instruktioner"
        ).submit()
    )
    assert "Kopia av EXEMPEL" in copied.text
    form = copied.form()
    typed = form.fields["kolumner"] + "\nNy kolumn = finns_inte"
    refused = form.submit({"kolumner": typed, "giltig_fran": "2030-H1"}, status=400)
    assert "okänt begrepp ”finns_inte”" in refused.text
    assert refused.document.get_element_by_id("kolumner").text_content().strip() == typed.strip()
    assert refused.document.get_element_by_id("giltig_fran").get("value") == "2030-H1"
    codes = form.fields["koder"].replace("orsak.studiebevis = 2", "orsak.studiebevis = S")
    saved = form.submit({"koder": codes, "giltig_fran": "2030-H1"})
    assert "Mappningen är sparad." in admin.follow(saved).text
    newest = db_session.exec(select(ScbMapping).order_by(ScbMapping.id.desc())).first()
    assert (newest.valid_from, newest.version, newest.example) == (20301, 2, False)
    assert mapping.data_of(newest).code("orsak", "studiebevis") == "S"


def upload(admin, content: bytes):
    """The upload form sent with `content` as its file, as a browser sends it."""
    form = admin.get("scb.mappings_index").form(button="Ladda upp")
    return admin.client.post(
        form.action,
        data={**form.fields.to_dict(), "fil": (io.BytesIO(content), "mappning.xlsx")},
        content_type="multipart/form-data",
    )


def test_a_mapping_in_the_datafilsbeskrivning_layout_is_uploaded(
    client_request, db_session, half_year
):
    data = mapping.example_data()
    content = workbook_of(data)
    response = upload(client_request.as_("admin"), content)
    assert response.status_code == 303
    newest = db_session.exec(select(ScbMapping).order_by(ScbMapping.id.desc())).first()
    assert mapping.data_of(newest) == data


@pytest.mark.parametrize(
    "content, message",
    [
        (b"=cmd|' /C calc'!A0;not a workbook", "kunde inte läsas som en Excel-fil"),
        (b"PK\x03\x04" + b"\0" * 100, "kunde inte läsas som en Excel-fil"),
        (b"x" * (2 * 1024 * 1024 + 10), "Filen är för stor"),
        ("wrong_sheets", "Bladet Inställningar saknas"),
        ("zip_bomb", "Filen packas upp till för mycket data"),
    ],
)
def test_a_hostile_upload_is_refused_in_swedish_and_saves_nothing(
    client_request, db_session, half_year, content, message
):
    if content == "zip_bomb":  # 21 MB of zeros packed into a few kilobytes
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (21 * 1024 * 1024))
        content = buffer.getvalue()
    if content == "wrong_sheets":
        book = Workbook()
        book.active.append(["=HYPERLINK(1)"])
        buffer = io.BytesIO()
        book.save(buffer)
        content = buffer.getvalue()
    response = upload(client_request.as_("admin"), content)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db_session.exec(select(func.count()).select_from(ScbMapping)).one() == 1


def test_a_mapping_a_file_was_made_with_is_not_edited_again(client_request, db_session, half_year):
    form = client_request.get("scb.check", **H1).form(button="Gör SCB-filen")
    form.submit({"bekraftar": "y"})
    row = db_session.exec(select(ScbMapping)).one()
    admin = client_request.as_("admin")
    page = admin.get("scb.mapping_page", mapping_id=row.id)
    assert "har använts för en SCB-fil och ändras inte längre" in page.text
    refused = page.form().submit({"namn": "Ändrad"}, status=400)
    assert "kan inte ändras" in refused.text
    db_session.refresh(row)
    assert row.name.startswith("EXEMPEL")


def test_a_half_year_no_mapping_holds_for_says_so_and_makes_no_file(
    client_request, db_session, half_year
):
    page = client_request.get("scb.check", year=2017, half="h1")  # the example holds from 2018
    assert "Ingen mappning gäller för halvåret" in page.text
    refused = page.form(button="Gör SCB-filen").submit(status=400)
    assert "Det finns ingen mappning som gäller för första halvåret 2017" in refused.text
    assert db_session.exec(select(func.count()).select_from(ScbExport)).one() == 0


@pytest.mark.parametrize(
    "field, line, message",
    [
        ("kolumner", "=HYPERLINK(1) = personnummer", "en rubrik får inte börja med"),
        ("koder", "orsak.annan = @SUM(1)", "Koden för orsak.annan får inte börja med"),
        ("koder", "orsak.hittepa = 1", "”hittepa” är inget värde i tabellen orsak"),
    ],
)
def test_a_mapping_that_would_put_a_formula_or_an_unknown_value_in_the_file_is_refused(
    client_request, half_year, field, line, message
):
    admin = client_request.as_("admin")
    listed = admin.get("scb.mappings_index")
    form = admin.follow(
        listed.form(button=f"Kopiera {mapping.example_data().name}").submit()
    ).form()
    refused = form.submit({field: form.fields[field] + "\n" + line}, status=400)
    assert message in refused.text
