"""Every figure on a hand-built history whose numbers are worked out here (first half of 2026).

The people (period H1 2026 = 2026-01-01 … 2026-06-30):
- Anna: registered 2025-09-01 (avbrott), left 2026-02-10 for a national programme (studier),
  came back 2026-04-01 (studiebevis). A letter on 5 Jan; a call on 1 Mar while she was not
  registered (not counted); reached by sms on 10 Apr (studier). Mapped 12 Apr, plan 20 Apr,
  a measure 25 Apr – 1 Jun followed by studies.
- Bo: registered on the period's last day (aldrig_borjat), 16 that day.
- Cilla: registered 2025-10-01, deregistered on the period's first day (fyllt 20 … result ingen).
- Dan: covered only in 2025 (never counted). Eva: registered after the period (never counted).
- Frida (protected identity, a district recorded): registered 1 Feb (inflyttad); letter 5 Feb,
  reached at a home visit 1 Mar (ingen), declined a measure 5 Mar, mapped only in July.
- Gun: turns 20 on 15 Mar and is deregistered that day.
"""

from datetime import date

import pytest

from kaa_web.rules.report_periods import custom_period, named_period
from kaa_web.services.statistics.activity import load
from kaa_web.services.statistics.definitions import FIGURES
from kaa_web.services.statistics.figures import (
    breakdowns_of,
    grouped,
    grouped_sql,
    indicator_value,
    table,
)
from kaa_web.services.statistics.protect import exact_table, protect_table
from tests import factories

H1 = named_period("h1", 2026)


@pytest.fixture
def history(db_session, staff):
    db = db_session
    north, south = factories.district(db, "Nordost"), factories.district(db, "Sydväst")
    kaa = factories.actor("kaa", staff)
    anna = factories.history(
        db,
        [
            dict(
                registered_on=date(2025, 9, 1),
                reason="avbrott_nationellt",
                deregistered_on=date(2026, 2, 10),
                deregistration_reason="nationellt_program",
                result="studier",
            ),
            dict(registered_on=date(2026, 4, 1), reason="studiebevis"),
        ],
        birth_date=date(2009, 1, 10),
        gender="kvinna",
        district_id=north.id,
    )
    factories.outreach_contact(db, anna, "brev", date(2026, 1, 5), "ej_nadd")
    factories.outreach_contact(db, anna, "telefon", date(2026, 3, 1), "nadd", "arbete")
    factories.outreach_contact(db, anna, "sms", date(2026, 4, 10), "nadd", "studier")
    bo = factories.history(
        db,
        [dict(registered_on=date(2026, 6, 30), reason="aldrig_borjat")],
        birth_date=date(2010, 6, 30),
        gender="man",
        district_id=north.id,
    )
    factories.history(
        db,
        [
            dict(
                registered_on=date(2025, 10, 1),
                deregistered_on=date(2026, 1, 1),
                deregistration_reason="fyllt_20",
                result="ingen",
            )
        ],
        birth_date=date(2007, 5, 1),
        gender="kvinna",
        district_id=south.id,
    )
    factories.history(
        db,
        [dict(registered_on=date(2025, 3, 1), deregistered_on=date(2025, 12, 31))],
        birth_date=date(2008, 1, 1),
        gender="man",
    )
    factories.history(db, [dict(registered_on=date(2026, 7, 1))], birth_date=date(2009, 2, 2))
    frida = factories.history(
        db,
        [dict(registered_on=date(2026, 2, 1), reason="inflyttad")],
        birth_date=date(2008, 7, 1),
        gender="man",
        district_id=south.id,
        protected_identity=True,
    )
    factories.outreach_contact(db, frida, "brev", date(2026, 2, 5), "ej_nadd")
    factories.outreach_contact(db, frida, "hembesok", date(2026, 3, 1), "nadd", "ingen")
    factories.history(
        db,
        [
            dict(
                registered_on=date(2025, 8, 20),
                deregistered_on=date(2026, 3, 15),
                deregistration_reason="fyllt_20",
            )
        ],
        birth_date=date(2006, 3, 15),
        gender="kvinna",
    )
    factories.mapping_on(db, anna, date(2026, 4, 12))
    factories.mapping_on(db, frida, date(2026, 7, 5))
    made = factories.plan(db, kaa, anna, agreed_on=date(2026, 4, 20))
    practice = factories.catalogue_measure(db)
    factories.plan_measure(
        db, made, practice, date(2026, 4, 25), ended_on=date(2026, 6, 1), after="studier"
    )
    factories.declined_offer(db, frida, practice, date(2026, 3, 5))
    return dict(anna=anna, bo=bo, north=north, south=south, db=db)


def total(db, key, period=H1, column="n"):
    return table(db, key, period).total.cells[column]


def by(db, key, dimension, column="n", period=H1):
    return {row.key: row.cells[column] for row in table(db, key, period, dimension).rows}


def test_coverage_counts_periods_at_the_boundaries(history, db_session):
    db = db_session
    assert total(db, "omfattade") == 5  # Anna once, Bo, Cilla, Frida, Gun
    assert total(db, "omfattade_start") == 3  # Anna, Cilla, Gun
    assert total(db, "nya") == 3  # Anna's return, Bo on the last day, Frida
    assert total(db, "omfattade_slut") == 3  # Anna, Bo, Frida
    dereg = table(db, "avregistrerade_orsak", H1).total.cells
    assert (dereg["nationellt_program"], dereg["fyllt_20"], dereg["totalt"]) == (1, 2, 3)
    # start + new − deregistered = end
    assert total(db, "omfattade_start") + total(db, "nya") - dereg["totalt"] == 3


def test_each_breakdown_groups_the_people_covered(history, db_session):
    db, north, south = db_session, history["north"], history["south"]
    assert by(db, "omfattade", "kon") == {"kvinna": 3, "man": 2, "annat": 0}
    ages = by(db, "omfattade", "alder")
    assert ages == {"under_16": 0, "16": 1, "17": 2, "18": 0, "19": 1, "20": 1}
    reasons = by(db, "omfattade", "orsak")  # Anna with the reason of her latest period
    assert (reasons["studiebevis"], reasons["avbrott_nationellt"]) == (1, 2)
    assert (reasons["aldrig_borjat"], reasons["inflyttad"]) == (1, 1)
    # Frida's protected identity keeps her district out; Gun has none recorded
    districts = {g: n for g, n in by(db, "omfattade", "kommundel").items() if n}
    assert districts == {str(north.id): 2, str(south.id): 1, "": 2}
    new = by(db, "nya", "orsak")
    assert (new["studiebevis"], new["aldrig_borjat"], new["inflyttad"]) == (1, 1, 1)
    assert new["avbrott_nationellt"] == 0


def test_outreach_counts_only_what_happened_while_registered(history, db_session):
    db = db_session
    assert total(db, "sokta") == 2  # Anna, Frida
    assert total(db, "nadda") == 2
    channel = table(db, "nadda_kanal", H1).total.cells
    assert (channel["sms"], channel["hembesok"], channel["telefon"]) == (1, 1, 0)
    efforts = table(db, "insatser_uppsokande", H1).total.cells
    assert (efforts["brev"], efforts["sms"], efforts["hembesok"], efforts["totalt"]) == (2, 1, 1, 4)
    first = table(db, "dagar_forsta_forsok", H1).total.cells
    assert (first["antal"], first["median"]) == (2, 6.5)  # 9 days (Anna) and 4 (Frida)
    in_time = table(db, "forsok_inom_tid", H1).total.cells
    assert (in_time["taljare"], in_time["namnare"], in_time["andel"]) == (2, 2, 100.0)


def test_mapping_plan_and_measures(history, db_session):
    db = db_session
    assert table(db, "kartlagda", H1).total.cells == {"taljare": 1, "namnare": 5, "andel": 20.0}
    assert table(db, "med_plan", H1).total.cells["taljare"] == 1
    stages = table(db, "insatser_kategori", H1).total.cells
    assert stages == {"erbjudna": 2, "avbojda": 1, "paborjade": 1, "pagaende": 0, "avslutade": 1}
    assert by(db, "insatser_kategori", "kategori", "avslutade")["arbetsinriktad"] == 1
    assert by(db, "insatser_kategori", "insats", "avbojda") == {"Studieförberedande praktik": 1}
    assert table(db, "sysselsattning_efter_insats", H1).total.cells["studier"] == 1
    returned = indicator_value(db, key="ater_studier_arbete", period=H1)
    assert (returned.value, returned.numerator, returned.denominator) == (100.0, 1, 1)
    assert returned.unit == "%" and "90 %" in returned.definition


def test_results_time_in_kaa_and_latest_occupation(history, db_session):
    db = db_session
    results = table(db, "resultat_avregistrering", H1).total.cells
    assert (results["studier"], results["ingen"], results["ej_angiven"]) == (1, 1, 1)
    spent = table(db, "tid_i_kaa", H1).total.cells  # 162, 92 and 207 days
    assert (spent["antal"], spent["median"]) == (3, 162)
    assert (spent["3_6"], spent["6_12"]) == (2, 1)
    assert table(db, "studiebevis", H1).total.cells["andel"] == 20.0
    latest = table(db, "sysselsattning_senaste", H1).total.cells
    assert (latest["studier"], latest["ingen"], latest["okand"], latest["totalt"]) == (1, 1, 3, 5)


def test_coming_back_later_leaves_a_past_period_unchanged(history, db_session):
    db = db_session
    before = {key: table(db, key, H1).total.cells for key in ("omfattade", "nya", "sokta")}
    # Bo leaves in July and comes back in the autumn, reached then
    bo = history["bo"]
    factories.end_period(db, bo, date(2026, 7, 20))
    factories.period(db, bo, date(2026, 10, 1), reason="avbrott_nationellt")
    factories.outreach_contact(db, bo, "telefon", date(2026, 10, 3), "nadd")
    after = {key: table(db, key, H1).total.cells for key in ("omfattade", "nya", "sokta")}
    assert after == before
    h2 = named_period("h2", 2026)
    assert total(db, "nya", h2) == 2  # Eva and Bo's return
    assert total(db, "omfattade", h2) == 4  # Anna, Bo once, Eva, Frida


def test_a_person_who_leaves_and_returns_within_the_period_is_covered_once(history, db_session):
    db = db_session
    spring = custom_period(date(2026, 2, 1), date(2026, 4, 30))
    assert total(db, "nya", spring) == 2  # Anna's return and Frida
    assert total(db, "omfattade", spring) == 3  # Anna once, Frida, Gun
    assert (
        indicator_value(db, key="omfattade", period=spring, breakdown=("kon", "kvinna")).value == 2
    )


def test_the_year_earlier_is_the_same_period_one_year_back(history, db_session):
    earlier = H1.year_earlier()
    assert (earlier.start, earlier.end) == (date(2025, 1, 1), date(2025, 6, 30))
    assert total(db_session, "omfattade", earlier) == 1  # Dan


def test_what_leaves_the_app_hides_small_counts_a_second_cell_and_their_shares(history, db_session):
    db = db_session
    shown = protect_table(table(db, "omfattade", H1, "kon"), 3)
    # 2 men are under 3; beside the shown total of 5 the 3 women would give them away
    assert [row.shown["n"] for row in shown.rows] == ["dolt", "<3", "0"]
    assert shown.total.shown["n"] == "5" and shown.hidden_any
    assert [row.values["n"] for row in shown.rows] == [None, None, 0]
    mapped = protect_table(table(db, "kartlagda", H1), 5).total
    assert (mapped.shown["taljare"], mapped.shown["namnare"], mapped.shown["andel"]) == (
        "<5",
        "5",
        "–",
    )
    assert exact_table(table(db, "kartlagda", H1)).total.shown["andel"] == "20,0 %"


def _edges(db, history):
    """More edges for the two counts to agree on: someone who leaves on the period's last day
    and someone who leaves and comes back on one day with a contact that day; a measure going
    on past the period's end and one outside the catalogue."""
    last = factories.history(
        db,
        [dict(registered_on=date(2026, 3, 1), deregistered_on=date(2026, 6, 30), result="arbete")],
        birth_date=date(2008, 4, 4),
        district_id=history["north"].id,
    )
    factories.outreach_contact(db, last, "telefon", date(2026, 6, 30), "nadd", "arbete")
    again = factories.history(
        db,
        [
            dict(registered_on=date(2025, 12, 1), deregistered_on=date(2026, 3, 3)),
            dict(registered_on=date(2026, 3, 3), reason="aldrig_borjat"),
        ],
        birth_date=date(2009, 9, 9),
        gender="man",
    )
    factories.outreach_contact(db, again, "sms", date(2026, 3, 3), "nadd", "studier")
    factories.outreach_contact(db, again, "brev", date(2026, 1, 3), "ej_nadd")
    kaa = factories.actor("kaa", factories.staff_rows(db))
    made = factories.plan(db, kaa, again, agreed_on=date(2026, 3, 10))
    outside = factories.catalogue_measure(db, name="Egen insats", category="annan")
    factories.plan_measure(db, made, outside, date(2026, 3, 12))
    row = factories.plan_measure(
        db, made, outside, date(2026, 1, 5), ended_on=date(2026, 3, 3), after="arbete"
    )
    row.measure_id, row.title = None, "Sommarjobb"
    db.add(row)
    db.commit()


@pytest.mark.parametrize(
    "period",
    [
        H1,
        named_period("t1", 2026),
        named_period("ar", 2026),
        custom_period(date(2026, 2, 10), date(2026, 4, 1)),
    ],
    ids=["h1", "t1", "year", "from-to"],
)
def test_one_read_of_the_period_counts_every_figure_as_its_sql_definition_does(history, period):
    """The page and reports count from one read of the period (activity, tally); the people
    behind a figure are selected by the grouped SQL (queries). Both give the same numbers for
    every figure, breakdown and period on this history."""
    db = history["db"]
    _edges(db, history)
    activity = load(db, period)
    for key in FIGURES:
        for dimension in breakdowns_of(key):
            assert grouped(db, key, period, dimension, activity) == grouped_sql(
                db, key, period, dimension
            ), (key, dimension)
