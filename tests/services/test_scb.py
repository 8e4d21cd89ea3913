"""The SCB half-year file on a hand-built first half of 2025, written out row by row here.

- Bertil (man, born 2006-11-05): registered 2025-02-10 (studiebevis), a letter 15 Feb that did
  not reach him, moved away 2025-05-20.
- Anna (woman, born 2007-03-10): registered 2024-09-01 (avbrott), reached by phone 3 Feb
  (ingen), a vägledning measure 1 Mar – 15 May followed by studies, declined a work measure
  1 Apr; still covered.
- Cilla: left KAA in 2024 (not in the file).
The file uses the shipped example's codes with two contacts and two measures per row.
"""

import csv
import io
import json
from dataclasses import replace
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.tasks import Task
from kaa_web.rules import personnummer as pnr
from kaa_web.rules import scb as rules
from kaa_web.services.errors import Invalid
from kaa_web.services.scb import checks, export, mapping
from kaa_web.services.scb.reminders import plan_reminders
from tests import factories

H1_2025 = rules.key_of(2025, 1)
ANNA = pnr.make_valid(date(2007, 3, 10), 301)
BERTIL = pnr.make_valid(date(2006, 11, 5), 302)
HEADER = [
    "Personnummer", "Kon", "Orsak", "Registreringsdatum", "Kontakt", "Sysselsattning",
    "KontaktDatum1", "KontaktSysselsattning1", "KontaktDatum2", "KontaktSysselsattning2",
    "InsatsKategori1", "InsatsUtfall1", "InsatsStart1", "InsatsSlut1", "InsatsSysselsattningEfter1",
    "InsatsKategori2", "InsatsUtfall2", "InsatsStart2", "InsatsSlut2", "InsatsSysselsattningEfter2",
    "AvslutDatum", "AvslutOrsak",
]  # fmt: skip
BERTIL_ROW = [
    BERTIL, "1", "2", "2025-02-10", "0", "1",
    "", "", "", "",
    "", "", "", "", "",
    "", "", "", "", "",
    "2025-05-20", "2",
]  # fmt: skip
ANNA_ROW = [
    ANNA, "2", "1", "2024-09-01", "1", "2",
    "2025-02-03", "2", "", "",
    "1", "3", "2025-03-01", "2025-05-15", "3",
    "2", "2", "2025-04-01", "", "",
    "", "",
]  # fmt: skip


def test_mapping(db, **changes):
    """The example with two of each group and ISO dates, valid for 2025 only."""
    data = replace(
        mapping.example_data(),
        name="Test 2025",
        valid_from=rules.key_of(2025, 1),
        valid_to=rules.key_of(2025, 2),
        max_contacts=2,
        max_measures=2,
        date_format="AAAA-MM-DD",
        **changes,
    )
    return mapping.create_mapping(db, actor=factories.actor("admin"), data=data)


test_mapping.__test__ = False


@pytest.fixture
def half_year(db_session, staff):
    db = db_session
    kaa = factories.actor("kaa", staff)
    bertil = factories.history(
        db,
        [
            dict(
                registered_on=date(2025, 2, 10),
                reason="studiebevis",
                deregistered_on=date(2025, 5, 20),
                deregistration_reason="flyttat",
                result="ingen",
            )
        ],
        birth_date=date(2006, 11, 5),
        gender="man",
        serial=302,
        first_name="Bertil",
    )
    factories.outreach_contact(db, bertil, "brev", date(2025, 2, 15))
    anna = factories.history(
        db,
        [dict(registered_on=date(2024, 9, 1), reason="avbrott_nationellt")],
        birth_date=date(2007, 3, 10),
        serial=301,
        first_name="Anna",
    )
    factories.outreach_contact(db, anna, "telefon", date(2025, 2, 3), "nadd", "ingen")
    made = factories.plan(db, kaa, anna, agreed_on=date(2025, 2, 20))
    guidance = factories.catalogue_measure(db, "Vägledning", "vagledning")
    work = factories.catalogue_measure(db, "Praktik", "arbetsinriktad")
    factories.plan_measure(
        db, made, guidance, date(2025, 3, 1), ended_on=date(2025, 5, 15), after="studier"
    )
    factories.declined_offer(db, anna, work, date(2025, 4, 1))
    factories.history(
        db,
        [dict(registered_on=date(2023, 9, 1), deregistered_on=date(2024, 6, 1))],
        birth_date=date(2006, 1, 1),
        first_name="Cilla",
    )
    return {"kaa": kaa, "anna": anna, "bertil": bertil, "plan": made, "work": work}


def rows_of(made) -> list[list[str]]:
    text = made.content.decode("utf-8")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_file_holds_every_covered_person_row_by_row(db_session, half_year):
    test_mapping(db_session)
    made = export.make_export(db_session, actor=half_year["kaa"], key=H1_2025, confirmed=False)
    assert rows_of(made) == [HEADER, BERTIL_ROW, ANNA_ROW]
    assert (made.rows, made.people, made.problems, made.confirmed) == (2, 2, 0, False)
    assert made.file_name == "kaa-scb-2025-h1.csv"


def test_a_clean_half_year_has_no_problems_and_all_data_complete(db_session, half_year):
    test_mapping(db_session)
    page = checks.check_page(db_session, actor=half_year["kaa"], key=H1_2025)
    assert page.people == [] and page.counts == []
    assert (page.figures.covered, page.figures.complete, page.figures.share) == (2, 2, 1.0)


def test_renaming_one_code_changes_exactly_that_column(db_session, half_year):
    data = mapping.example_data()
    codes = {**data.codes, "orsak": {**data.codes["orsak"], "studiebevis": "S"}}
    test_mapping(db_session, codes=codes)
    rows = rows_of(
        export.make_export(db_session, actor=half_year["kaa"], key=H1_2025, confirmed=False)
    )
    orsak = HEADER.index("Orsak")
    assert rows[1] == BERTIL_ROW[:orsak] + ["S"] + BERTIL_ROW[orsak + 1 :]
    assert rows[2] == ANNA_ROW


def test_an_old_half_year_is_written_with_its_own_mapping(db_session, half_year):
    test_mapping(db_session)  # 2025
    later = replace(
        mapping.example_data(), name="2026", valid_from=rules.key_of(2026, 1), file_type="xlsx"
    )
    later = replace(later, columns=(("PNR", "personnummer"), ("Orsak", "orsak")))
    mapping.create_mapping(db_session, actor=factories.actor("admin"), data=later)
    old = export.make_export(db_session, actor=half_year["kaa"], key=H1_2025, confirmed=False)
    assert rows_of(old)[0] == HEADER
    assert export.make_export(
        db_session, actor=half_year["kaa"], key=rules.key_of(2026, 1), confirmed=False
    ).file_name.endswith(".xlsx")


def test_a_value_without_a_code_stops_the_export_and_is_named(db_session, half_year):
    data = mapping.example_data()
    codes = {
        **data.codes,
        "sysselsattning": {k: v for k, v in data.codes["sysselsattning"].items() if k != "annan"},
    }
    test_mapping(db_session, codes=codes)
    with pytest.raises(Invalid) as refused:
        export.make_export(db_session, actor=half_year["kaa"], key=H1_2025, confirmed=True)
    assert "Sysselsättning: ”Annan sysselsättning” (sysselsattning.annan) saknar kod" in (
        refused.value.messages
    )


def test_hostile_names_stay_one_cell_each_in_csv_and_xlsx(db_session, half_year):
    hostile = '=HYPERLINK("x");2\n"quoted"'
    anna = half_year["anna"]
    anna.first_name = hostile
    anna.last_name = "+SUM(1;2)"
    db_session.add(anna)
    db_session.commit()
    columns = (("PNR", "personnummer"), ("Fornamn", "fornamn"), ("Efternamn", "efternamn"))
    test_mapping(db_session, columns=columns)
    rows = rows_of(
        export.make_export(db_session, actor=half_year["kaa"], key=H1_2025, confirmed=False)
    )
    assert rows[2] == [ANNA, "'" + hostile, "'+SUM(1;2)"]
    assert all(len(row) == 3 for row in rows)
    second = replace(
        mapping.example_data(),
        name="x",
        valid_from=rules.key_of(2025, 1),
        file_type="xlsx",
        columns=columns,
    )
    mapping.create_mapping(db_session, actor=factories.actor("admin"), data=second)
    made = export.make_export(db_session, actor=half_year["kaa"], key=H1_2025, confirmed=False)
    sheet = load_workbook(io.BytesIO(made.content)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[2] == [ANNA, hostile, "+SUM(1;2)"]
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row)


def test_a_protected_identitys_address_never_appears(db_session, half_year):
    anna = half_year["anna"]
    anna.protected_identity = True
    anna.street_address, anna.postal_code, anna.city = "Hemliga vägen 7", "12345", "Gömstad"
    bertil = half_year["bertil"]
    bertil.street_address, bertil.postal_code, bertil.city = "Storgatan 1", "11111", "Byn"
    db_session.add_all([anna, bertil])
    db_session.commit()
    test_mapping(db_session, columns=(("PNR", "personnummer"), ("Adress", "postadress")))
    made = export.make_export(db_session, actor=half_year["kaa"], key=H1_2025, confirmed=False)
    assert rows_of(made)[1:] == [[BERTIL, "Storgatan 1, 11111 Byn"], [ANNA, ""]]
    assert b"Hemliga" not in made.content and "Hemliga" not in made.snapshot


def test_a_later_export_replaces_the_earlier_and_says_what_changed(db_session, half_year):
    test_mapping(db_session)
    kaa = half_year["kaa"]
    first = export.make_export(db_session, actor=kaa, key=H1_2025, confirmed=False)
    bertil = half_year["bertil"]
    factories.outreach_contact(db_session, bertil, "telefon", date(2025, 3, 1), "nadd", "arbete")
    eva = factories.history(
        db_session, [dict(registered_on=date(2025, 6, 1))], birth_date=date(2007, 8, 8)
    )
    second = export.make_export(db_session, actor=kaa, key=H1_2025, confirmed=False)
    assert second.replaces_id == first.id
    diff = export.diff_of(db_session, actor=kaa, export=second)
    assert [c.youth_id for c in diff.added] == [eva.id]
    assert diff.removed == ()
    assert [(c.youth_id, c.columns) for c in diff.changed] == [
        (bertil.id, ("Kontakt", "Sysselsattning", "KontaktDatum1", "KontaktSysselsattning1"))
    ]


def test_each_download_is_logged_for_every_person_in_the_file(db_session, half_year):
    test_mapping(db_session)
    kaa = half_year["kaa"]
    made = export.make_export(db_session, actor=kaa, key=H1_2025, confirmed=False)
    db_session.commit()
    export.download(db_session, actor=kaa, export_id=made.id)
    db_session.commit()
    logged = db_session.exec(
        select(AuditEvent.youth_id).where(
            AuditEvent.object_type == "scb_export",
            AuditEvent.action == "export",
            AuditEvent.youth_id.is_not(None),
        )
    ).all()
    assert sorted(logged) == sorted([half_year["anna"].id, half_year["bertil"].id])
    assert json.loads(made.snapshot)["headers"] == HEADER


def test_the_export_task_comes_before_the_deadline_and_is_done_by_the_export(db_session, half_year):
    test_mapping(db_session)
    args = dict(h1="08-31", h2="01-31", lead_days=30)
    plan_reminders(db_session, today=date(2025, 7, 31), **args)  # 31 days before the deadline
    due = select(Task).where(Task.source_id == H1_2025)
    assert db_session.exec(due).all() == []
    assert plan_reminders(db_session, today=date(2025, 8, 1), **args) == 1
    assert plan_reminders(db_session, today=date(2025, 8, 2), **args) == 0  # once
    task = db_session.exec(due).one()
    assert (task.kind, task.due, task.done_at) == ("scb_fil", date(2025, 8, 31), None)
    export.make_export(db_session, actor=half_year["kaa"], key=H1_2025, confirmed=False)
    db_session.commit()
    db_session.refresh(task)
    assert task.done_at is not None


def test_one_row_per_contact_and_measure_repeats_the_persons_columns(db_session, half_year):
    columns = (
        ("PNR", "personnummer"),
        ("Datum", "kontakt.datum"),
        ("Kategori{n}", "insats.kategori"),
        ("Start", "insats.start"),
    )
    test_mapping(db_session, layout="handelse", columns=columns)
    rows = rows_of(
        export.make_export(db_session, actor=half_year["kaa"], key=H1_2025, confirmed=False)
    )
    assert rows == [
        ["PNR", "Datum", "Kategori", "Start"],
        [BERTIL, "", "", ""],
        [ANNA, "2025-02-03", "", ""],
        [ANNA, "", "1", "2025-03-01"],
        [ANNA, "", "2", "2025-04-01"],
    ]
