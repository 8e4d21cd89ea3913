"""Every check before the SCB file, each tripped by a person built for it (first half of 2025)
and silent on a clean person beside them."""

from datetime import date

import pytest
from sqlmodel import update

from kaa_web.models.register import RegistrationPeriod, Youth
from kaa_web.rules import scb as rules
from kaa_web.services.scb import checks, export, mapping
from tests import factories

KEY = rules.key_of(2025, 1)
BORN = date(2007, 3, 10)


def person(db, registered_on=date(2025, 1, 10), reason="avbrott_nationellt", **period):
    return factories.history(
        db,
        [dict(registered_on=registered_on, reason=reason, **period)],
        birth_date=BORN,
        first_name="Fel",
    )


def no_reason(db, staff):
    return person(db, reason="annan")  # the example maps it to "saknar orsak"


def after_20(db, staff):
    return factories.history(
        db, [dict(registered_on=date(2025, 2, 1))], birth_date=date(2005, 1, 20)
    )


def too_early(db, staff):
    return factories.history(
        db, [dict(registered_on=date(2025, 1, 10))], birth_date=date(2009, 8, 1)
    )


def contact_outside(db, staff):
    found = person(db, registered_on=date(2025, 3, 1))
    factories.outreach_contact(db, found, "telefon", date(2025, 2, 1), "nadd", "ingen")
    return found


def _plan(db, staff, found):
    return factories.plan(db, factories.actor("kaa", staff), found, agreed_on=date(2025, 1, 20))


def measure_outside(db, staff):
    found = person(db, registered_on=date(2025, 3, 1))
    made = _plan(db, staff, found)
    factories.plan_measure(db, made, factories.catalogue_measure(db), date(2025, 2, 1))
    return found


def measure_ended_before_start(db, staff):
    found = person(db)
    made = _plan(db, staff, found)
    factories.plan_measure(
        db, made, factories.catalogue_measure(db), date(2025, 4, 1),
        ended_on=date(2025, 3, 1), after="studier",
    )  # fmt: skip
    return found


def measure_without_occupation(db, staff):
    found = person(db)
    made = _plan(db, staff, found)
    factories.plan_measure(
        db, made, factories.catalogue_measure(db), date(2025, 2, 1), ended_on=date(2025, 3, 1)
    )
    return found


def deregistered_without_reason(db, staff):
    found = person(db, deregistered_on=date(2025, 4, 1), result="ingen")
    db.exec(
        update(RegistrationPeriod)
        .where(RegistrationPeriod.youth_id == found.id)
        .values(deregistration_reason=None)
    )
    db.commit()
    return found


def contact_after_deregistration(db, staff):
    found = person(db, deregistered_on=date(2025, 3, 1), deregistration_reason="flyttat")
    factories.outreach_contact(db, found, "sms", date(2025, 4, 1), "nadd", "arbete")
    return found


def reached_without_occupation(db, staff):
    found = person(db)
    factories.outreach_contact(db, found, "telefon", date(2025, 2, 1), "nadd")
    return found


def missing_from_file(db, staff):
    found = person(db)
    db.exec(update(Youth).where(Youth.id == found.id).values(personnummer="200703100000"))
    db.commit()
    return found


def missing_from_the_file_sent(db, staff):
    mapping.load_example(db)
    db.commit()
    export.make_export(db, actor=factories.actor("kaa", staff), key=KEY, confirmed=True)
    db.commit()
    return person(db, registered_on=date(2025, 6, 1))  # registered after the file was made


def should_not_be_in_file(db, staff):
    found = person(db)
    row = factories.outreach_contact(db, found, "telefon", date(2025, 2, 1), "nadd", "studier")
    row.study_kind = "gymnasieskola"
    db.add(row)
    db.commit()
    return found


def excluded_reason(db, staff):
    return person(db, reason="introduktionsprogram")


TRIPS = {
    "saknar_orsak": no_reason,
    "efter_20": after_20,
    "for_tidigt": too_early,
    "kontakt_utanfor": contact_outside,
    "insats_utanfor": measure_outside,
    "insats_slut_fore_start": measure_ended_before_start,
    "insats_utan_sysselsattning": measure_without_occupation,
    "avregistrering_ofullstandig": deregistered_without_reason,
    "kontakt_efter_avregistrering": contact_after_deregistration,
    "nadd_utan_sysselsattning": reached_without_occupation,
    "saknas_i_filen": missing_from_file,
    "ska_inte_vara_med": should_not_be_in_file,
}


def test_every_check_has_a_person_built_to_trip_it():
    assert set(TRIPS) == set(checks.KINDS)


@pytest.mark.parametrize(
    "kind, build",
    [*TRIPS.items(), ("saknas_i_filen", missing_from_the_file_sent),
     ("ska_inte_vara_med", excluded_reason)],
)  # fmt: skip
def test_each_check_trips_on_its_person_and_is_silent_on_a_clean_one(
    db_session, staff, kind, build
):
    clean = factories.history(
        db_session, [dict(registered_on=date(2024, 10, 1))], birth_date=date(2007, 6, 6)
    )
    factories.outreach_contact(db_session, clean, "telefon", date(2025, 2, 2), "nadd", "arbete")
    mapping.load_example(db_session)
    db_session.commit()
    tripped = build(db_session, staff)
    found = checks.check_half_year(db_session, KEY)
    assert [p.kind for p in found.problems[tripped.id]] == [kind]
    assert clean.id not in found.problems
    assert found.figures.covered == 2 and found.figures.complete == 1
