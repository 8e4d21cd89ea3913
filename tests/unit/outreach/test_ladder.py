"""The outreach ladder (rules/outreach/ladder.py): which single step comes next, and when."""

import random
from datetime import date

import pytest

from kaa_web.rules.outreach import (
    DEFAULT_RULES,
    Event,
    LadderRules,
    NextStep,
    PersonFacts,
    letter_to_guardians,
    next_step,
)

MINOR_BORN = date(2009, 3, 15)  # 18 on 2027-03-15, 20 on 2029-03-15
ADULT_BORN = date(2008, 6, 1)  # 18 on 2026-06-01, 20 on 2028-06-01
REGISTERED = date(2026, 9, 1)
TODAY = date(2026, 12, 1)
MINOR = PersonFacts(birth_date=MINOR_BORN, registered_on=REGISTERED)
ADULT = PersonFacts(birth_date=ADULT_BORN, registered_on=REGISTERED)

LETTER = Event("brev", date(2026, 10, 1))
POSTCARD = Event("vykort", date(2026, 10, 31), outcome="ej_nadd")
CALLS = [Event("telefon", date(2026, 11, d), outcome="ej_nadd") for d in (14, 21, 28)]
VISIT_CARD = Event("besoksvykort", date(2026, 12, 5), planned_visit=date(2026, 12, 17))
NO_ONE_HOME = Event("hembesok", date(2026, 12, 17), outcome="ej_nadd")
FULL_LADDER = [LETTER, POSTCARD, *CALLS, VISIT_CARD, NO_ONE_HOME]


def step(events, person=MINOR, today=TODAY, rules=DEFAULT_RULES) -> NextStep:
    result = next_step(person, events, today, rules)
    assert result is not None
    return result


def reached(on, outcome="nadd", **kwargs) -> Event:
    return Event("telefon", on, outcome=outcome, **kwargs)


def mapped(on) -> Event:
    return Event("kartlaggning", on)


# --- the ladder, step by step ------------------------------------------------------------


def test_fresh_registration_gets_a_letter_within_a_month():
    assert step([]) == NextStep(
        "brev", date(2026, 10, 1), "Skicka brev till vårdnadshavarna (under 18 år)"
    )


def test_letter_to_an_adult_goes_to_the_young_person():
    assert step([], person=ADULT).note_sv == "Skicka brev till den unga"


def test_unanswered_letter_is_followed_by_a_postcard_after_a_month():
    result = step([LETTER])
    assert (result.kind, result.due) == ("vykort", date(2026, 10, 31))
    assert "vårdnadshavarna" in result.note_sv


def test_letter_recorded_as_not_reached_is_also_followed_by_a_postcard():
    assert step([Event("brev", date(2026, 10, 1), outcome="ej_nadd")]).kind == "vykort"


def test_postcard_is_followed_by_phone_sms_or_email_after_two_weeks():
    result = step([LETTER, POSTCARD])
    assert (result.kind, result.due) == ("kontakt", date(2026, 11, 14))
    assert result.note_sv == "Ring, sms:a eller mejla (försök 1 av 3)"


def test_failed_contact_is_retried_after_a_week():
    result = step([LETTER, POSTCARD, CALLS[0]])
    assert (result.kind, result.due) == ("kontakt", date(2026, 11, 21))
    assert "försök 2 av 3" in result.note_sv


def test_every_channel_counts_as_a_contact_attempt():
    attempts = [
        Event("sms", date(2026, 11, 14), outcome="ej_nadd"),
        Event("epost", date(2026, 11, 21)),
    ]
    result = step([LETTER, POSTCARD, *attempts])
    assert (result.kind, result.due) == ("kontakt", date(2026, 11, 28))
    assert "försök 3 av 3" in result.note_sv


def test_three_failed_contacts_lead_to_a_visit_card_a_week_after_the_last():
    assert step([LETTER, POSTCARD, *CALLS]) == NextStep(
        "besoksvykort",
        date(2026, 12, 5),
        "Inte nådd: skicka besöksvykort med datum och tid för hembesöket",
    )


def test_visit_card_with_a_planned_date_gives_a_home_visit_on_that_date():
    assert step([LETTER, POSTCARD, *CALLS, VISIT_CARD]) == NextStep(
        "hembesok", date(2026, 12, 17), "Hembesök enligt besöksvykortet (två personer)"
    )


def test_visit_card_without_a_planned_date_gives_a_home_visit_two_weeks_later():
    card = Event("besoksvykort", date(2026, 12, 5))
    assert step([LETTER, POSTCARD, *CALLS, card]) == NextStep(
        "hembesok", date(2026, 12, 19), "Gör hembesök (två personer)"
    )


# --- unreachable: Skatteverket and orosanmälan ------------------------------------------


def test_unanswered_home_visit_of_a_minor_needs_an_orosanmalan_at_once():
    result = step(FULL_LADDER, today=date(2026, 12, 20))
    assert (result.kind, result.due) == ("orosanmalan", date(2026, 12, 17))
    assert "orosanmälan" in result.note_sv


def test_after_the_orosanmalan_the_ladder_restarts_with_a_letter_half_a_year_after_the_visit():
    events = [*FULL_LADDER, Event("orosanmalan", date(2026, 12, 18))]
    result = step(events, today=date(2026, 12, 20))
    assert (result.kind, result.due) == ("brev", date(2027, 6, 17))
    assert result.note_sv.startswith("Inte nådd vid hembesöket: skicka brev till den unga")


def test_an_orosanmalan_made_before_the_home_visit_does_not_count():
    events = [Event("orosanmalan", date(2026, 11, 1)), *FULL_LADDER]
    assert step(events, today=date(2026, 12, 20)).kind == "orosanmalan"


def test_unanswered_home_visit_of_an_adult_restarts_the_ladder_with_a_letter_after_six_months():
    result = step(FULL_LADDER, person=ADULT, today=date(2026, 12, 20))
    assert (result.kind, result.due) == ("brev", date(2027, 6, 17))
    assert result.note_sv == "Inte nådd vid hembesöket: skicka brev till den unga"


def test_the_restarted_ladder_continues_with_a_postcard():
    events = [*FULL_LADDER, Event("brev", date(2027, 6, 17))]
    result = step(events, person=ADULT, today=date(2027, 6, 17))
    assert (result.kind, result.due) == ("vykort", date(2027, 8, 10))


def test_wrong_address_on_a_letter_needs_a_report_to_skatteverket_that_day():
    returned = Event("brev", date(2026, 10, 1), outcome="fel_adress")
    assert step([returned]) == NextStep(
        "skatteverket", date(2026, 10, 1), "Bor inte på adressen: anmäl till Skatteverket"
    )


def test_after_the_skatteverket_report_a_new_letter_is_due_a_month_later():
    events = [
        Event("brev", date(2026, 10, 1), outcome="fel_adress"),
        Event("skatteverket", date(2026, 10, 2)),
    ]
    result = step(events)
    assert (result.kind, result.due) == ("brev", date(2026, 11, 1))
    assert result.note_sv.startswith("Efter anmälan till Skatteverket")


def test_a_new_wrong_address_after_an_earlier_report_is_reported_again():
    events = [
        Event("brev", date(2026, 10, 1), outcome="fel_adress"),
        Event("skatteverket", date(2026, 10, 2)),
        Event("hembesok", date(2026, 11, 20), outcome="fel_adress"),
    ]
    assert step(events, person=ADULT).kind == "skatteverket"
    assert step(events, person=ADULT).due == date(2026, 11, 20)


def test_a_report_the_same_day_as_the_wrong_address_counts_whatever_the_order():
    events = [
        Event("skatteverket", date(2026, 10, 1)),
        Event("brev", date(2026, 10, 1), outcome="fel_adress"),
    ]
    assert step(events).kind != "skatteverket"


def test_wrong_address_at_a_minors_home_visit_is_reported_to_skatteverket_first():
    moved = Event("hembesok", date(2026, 12, 17), outcome="fel_adress")
    events = [LETTER, POSTCARD, *CALLS, VISIT_CARD, moved]
    assert step(events, today=date(2026, 12, 17)).kind == "skatteverket"
    reported = [*events, Event("skatteverket", date(2026, 12, 17))]
    assert step(reported, today=date(2026, 12, 18)).kind == "orosanmalan"


def test_a_wrong_address_found_during_follow_up_is_reported_and_follow_up_continues():
    events = [
        reached(date(2026, 10, 20), occupation="arbete"),
        mapped(date(2026, 10, 20)),
        Event("brev", date(2026, 11, 2), outcome="fel_adress"),
    ]
    assert step(events).kind == "skatteverket"
    reported = [*events, Event("skatteverket", date(2026, 11, 3))]
    assert step(reported) == NextStep(
        "uppfoljning", date(2027, 4, 20), "Följ upp arbetet efter 6 månader"
    )


# --- the 18th birthday in the middle of the ladder ---------------------------------------


def test_orosanmalan_is_not_proposed_for_a_visit_after_the_18th_birthday():
    person = PersonFacts(birth_date=date(2008, 12, 10), registered_on=REGISTERED)
    result = step(FULL_LADDER, person=person, today=date(2026, 12, 20))
    assert result.kind == "brev"


def test_orosanmalan_is_no_longer_proposed_once_the_young_person_has_turned_18():
    person = PersonFacts(birth_date=date(2008, 12, 18), registered_on=REGISTERED)
    assert step(FULL_LADDER, person=person, today=date(2026, 12, 17)).kind == "orosanmalan"
    assert step(FULL_LADDER, person=person, today=date(2026, 12, 18)).kind == "brev"


def test_leap_day_birth_is_still_a_minor_on_28_february_in_a_non_leap_year():
    person = PersonFacts(birth_date=date(2008, 2, 29), registered_on=date(2025, 10, 1))
    visit = Event("hembesok", date(2026, 2, 28), outcome="ej_nadd")
    assert step([visit], person=person, today=date(2026, 2, 28)).kind == "orosanmalan"
    assert step([visit], person=person, today=date(2026, 3, 1)).kind == "brev"


def test_letters_stop_going_to_guardians_after_the_18th_birthday():
    person = PersonFacts(birth_date=date(2008, 10, 20), registered_on=REGISTERED)
    before = step([], person=person)
    after = step([LETTER], person=person)
    assert "vårdnadshavarna" in before.note_sv
    assert after.kind == "vykort" and after.note_sv.endswith("till den unga")


def test_letter_to_guardians_is_decided_on_the_given_date():
    assert letter_to_guardians(MINOR.birth_date, date(2027, 3, 14)) is True
    assert letter_to_guardians(MINOR.birth_date, date(2027, 3, 15)) is False


# --- reached: mapping and follow-up ------------------------------------------------------


def test_reached_young_person_gets_a_mapping_within_a_week():
    assert step([LETTER, reached(date(2026, 10, 20))]) == NextStep(
        "kartlaggning", date(2026, 10, 27), "Nådd: gör kartläggningen inom en vecka"
    )


def test_answering_the_letter_counts_as_being_reached():
    answered = Event("brev", date(2026, 10, 1), outcome="nadd")
    assert step([answered]).kind == "kartlaggning"


def test_mapping_is_documented_even_for_those_who_decline():
    result = step([reached(date(2026, 10, 20), outcome="avbojer")])
    assert (result.kind, result.due) == ("kartlaggning", date(2026, 10, 27))
    assert "Avböjer" in result.note_sv


def test_declined_is_followed_up_after_six_months():
    events = [reached(date(2026, 10, 20), outcome="avbojer"), mapped(date(2026, 10, 22))]
    result = step(events)
    assert (result.kind, result.due) == ("uppfoljning", date(2027, 4, 22))
    assert result.note_sv.startswith("Avböjde")


def test_studying_is_followed_up_when_the_term_ends():
    contact = reached(date(2026, 10, 20), occupation="studier", study_end=date(2027, 1, 15))
    assert step([contact, mapped(date(2026, 10, 22))]) == NextStep(
        "uppfoljning", date(2027, 1, 15), "Följ upp när kursen eller terminen slutar"
    )


def test_study_end_more_than_six_months_away_is_capped_at_six_months():
    contact = reached(date(2026, 10, 20), occupation="studier", study_end=date(2027, 6, 10))
    result = step([contact, mapped(date(2026, 10, 20))])
    assert (result.kind, result.due) == ("uppfoljning", date(2027, 4, 20))
    assert result.note_sv == "Följ upp studierna efter 6 månader"


def test_studying_without_an_end_date_is_followed_up_after_six_months():
    contact = reached(date(2026, 10, 20), occupation="studier")
    assert step([contact, mapped(date(2026, 10, 22))]).due == date(2027, 4, 22)


def test_a_study_end_before_the_latest_contact_does_not_bring_the_follow_up_forward():
    events = [
        reached(date(2026, 9, 1), occupation="studier", study_end=date(2026, 10, 1)),
        mapped(date(2026, 9, 2)),
        reached(date(2026, 10, 5)),
    ]
    assert step(events).due == date(2027, 4, 5)


@pytest.mark.parametrize(
    ("occupation", "note"),
    [
        ("arbete", "Följ upp arbetet efter 6 månader"),
        ("annan", "Följ upp sysselsättningen efter 6 månader"),
        ("ingen", "Följ upp efter 6 månader"),
        (None, "Följ upp efter 6 månader"),
    ],
)
def test_work_other_or_no_occupation_is_followed_up_after_six_months(occupation, note):
    events = [reached(date(2026, 8, 31), occupation=occupation), mapped(date(2026, 8, 31))]
    assert step(events) == NextStep("uppfoljning", date(2027, 2, 28), note)


def test_occupation_recorded_at_the_mapping_is_used_for_the_follow_up():
    mapping = Event(
        "kartlaggning", date(2026, 10, 22), occupation="studier", study_end=date(2027, 1, 15)
    )
    assert step([reached(date(2026, 10, 20)), mapping]).due == date(2027, 1, 15)


def test_a_mapping_without_a_recorded_contact_counts_as_reaching_them():
    result = step([mapped(date(2026, 10, 22))])
    assert (result.kind, result.due) == ("uppfoljning", date(2027, 4, 22))


def test_a_successful_follow_up_sets_the_next_follow_up():
    events = [
        reached(date(2026, 10, 20), occupation="arbete"),
        mapped(date(2026, 10, 22)),
        reached(date(2027, 4, 21), occupation="arbete"),
    ]
    assert step(events).due == date(2027, 10, 21)


def test_a_failed_follow_up_contact_keeps_the_follow_up_and_is_retried_after_a_week():
    events = [
        reached(date(2026, 10, 20), occupation="arbete"),
        mapped(date(2026, 10, 22)),
        Event("sms", date(2027, 4, 22), outcome="ej_nadd"),
    ]
    assert step(events) == NextStep(
        "uppfoljning",
        date(2027, 4, 29),
        "Följ upp arbetet efter 6 månader; 1 försök utan svar sedan senaste kontakten",
    )


def test_an_unanswered_contact_before_the_follow_up_is_due_does_not_bring_it_forward():
    events = [
        reached(date(2026, 10, 20), occupation="arbete"),
        mapped(date(2026, 10, 22)),
        Event("telefon", date(2026, 12, 1), outcome="ej_nadd"),
    ]
    result = step(events)
    assert (result.kind, result.due) == ("uppfoljning", date(2027, 4, 22))


def test_after_mapping_and_a_plan_an_unanswered_sms_is_recorded_without_demotion():
    """The reported case: mapping, a plan, then "Sms – ej nådd" put them back on outreach."""
    events = [
        reached(date(2026, 10, 20), occupation="ingen"),
        mapped(date(2026, 10, 22)),
        Event("plan", date(2026, 10, 29)),
        Event("sms", date(2027, 5, 3), outcome="ej_nadd"),
    ]
    result = step(events, today=date(2027, 5, 3))
    assert result.kind == "uppfoljning"
    assert result.due == date(2027, 5, 10)
    assert result.note_sv.endswith("1 försök utan svar sedan senaste kontakten")


def test_a_documented_person_who_never_answers_stays_on_follow_up():
    silence = [Event("telefon", date(2027, 4, d), outcome="ej_nadd") for d in (22, 29)]
    silence += [Event("sms", date(2027, 5, 6)), Event("hembesok", date(2027, 5, 20))]
    events = [reached(date(2026, 10, 20), occupation="arbete"), mapped(date(2026, 10, 22))]
    result = step([*events, *silence], today=date(2027, 6, 1))
    assert (result.kind, result.due) == ("uppfoljning", date(2027, 5, 27))
    assert "4 försök utan svar" in result.note_sv


def test_reaching_them_again_clears_the_unanswered_attempts():
    events = [
        reached(date(2026, 10, 20), occupation="arbete"),
        mapped(date(2026, 10, 22)),
        Event("sms", date(2027, 4, 22), outcome="ej_nadd"),
        reached(date(2027, 4, 25), occupation="studier"),
    ]
    assert step(events) == NextStep(
        "uppfoljning", date(2027, 10, 25), "Följ upp studierna efter 6 månader"
    )


def test_a_plan_counts_as_reaching_the_young_person():
    result = step([LETTER, Event("plan", date(2026, 10, 20))])
    assert (result.kind, result.due) == ("kartlaggning", date(2026, 10, 27))


def test_with_a_plan_but_no_mapping_unanswered_contacts_never_restart_the_ladder():
    events = [reached(date(2026, 10, 20)), Event("plan", date(2026, 10, 21))]
    events += [Event("telefon", date(2026, 11, d), outcome="ej_nadd") for d in (1, 8, 15, 22)]
    assert step(events, today=date(2026, 11, 23)).kind == "kartlaggning"


def test_letters_sent_while_reached_do_not_count_as_failed_contacts():
    events = [
        reached(date(2026, 10, 20), occupation="arbete"),
        mapped(date(2026, 10, 22)),
        Event("brev", date(2026, 11, 1), outcome="ej_nadd"),
        Event("vykort", date(2026, 12, 1)),
    ]
    assert step(events).kind == "uppfoljning"


def test_reached_but_never_mapped_then_lost_restarts_the_ladder_from_a_letter():
    lost = [Event("telefon", date(2026, 11, d), outcome="ej_nadd") for d in (1, 8)]
    lost.append(Event("hembesok", date(2026, 11, 15), outcome="ej_nadd"))
    result = step([reached(date(2026, 10, 20), occupation="arbete"), *lost])
    assert (result.kind, result.due) == ("brev", date(2026, 11, 15))
    assert result.note_sv.startswith("Nådd tidigare men inte längre")


def test_reached_again_after_being_lost_needs_the_mapping():
    lost = [Event("telefon", date(2027, 4, d), outcome="ej_nadd") for d in (6, 13, 20)]
    events = [
        reached(date(2026, 10, 20)),
        *lost,
        Event("brev", date(2027, 4, 21)),
        reached(date(2027, 5, 2)),
    ]
    assert step(events) == NextStep(
        "kartlaggning", date(2027, 5, 9), "Nådd: gör kartläggningen inom en vecka"
    )


# --- the summer pause -------------------------------------------------------------------


def test_a_first_letter_due_in_the_summer_pause_is_moved_to_its_end():
    person = PersonFacts(birth_date=MINOR_BORN, registered_on=date(2026, 6, 1))
    assert step([], person=person).due == date(2026, 8, 10)


def test_a_postcard_due_in_the_summer_pause_is_moved_to_its_end():
    result = step([Event("brev", date(2026, 6, 1))])
    assert (result.kind, result.due) == ("vykort", date(2026, 8, 10))


def test_a_visit_card_due_in_the_summer_pause_is_moved_to_its_end():
    calls = [Event("telefon", date(2026, 6, d), outcome="ej_nadd") for d in (1, 8, 15)]
    result = step(calls)
    assert (result.kind, result.due) == ("besoksvykort", date(2026, 8, 10))


def test_phone_contacts_and_home_visits_are_not_moved_by_the_summer_pause():
    assert step([Event("vykort", date(2026, 6, 20))]).due == date(2026, 7, 4)
    card = Event("besoksvykort", date(2026, 6, 10), planned_visit=date(2026, 7, 1))
    assert step([card]).due == date(2026, 7, 1)


@pytest.mark.parametrize(
    ("letter_sent", "postcard_due"),
    [
        (date(2026, 5, 20), date(2026, 6, 19)),
        (date(2026, 5, 21), date(2026, 8, 10)),
        (date(2026, 7, 10), date(2026, 8, 10)),
        (date(2026, 7, 11), date(2026, 8, 10)),
        (date(2026, 7, 12), date(2026, 8, 11)),
    ],
)
def test_summer_pause_boundaries(letter_sent, postcard_due):
    assert step([Event("brev", letter_sent)]).due == postcard_due


def test_a_custom_summer_pause_is_respected():
    rules = LadderRules(summer_pause_start=(7, 1), summer_pause_end=(8, 1))
    assert step([Event("brev", date(2026, 5, 25))], rules=rules).due == date(2026, 6, 24)
    assert step([Event("brev", date(2026, 6, 5))], rules=rules).due == date(2026, 8, 1)


# --- birthdays: the letter before 20 and deregistration --------------------------------


def test_the_leaving_letter_is_due_six_months_before_the_20th_birthday():
    person = PersonFacts(birth_date=date(2007, 3, 15), registered_on=REGISTERED)
    events = [reached(date(2026, 9, 10), occupation="arbete"), mapped(date(2026, 9, 12))]
    result = step(events, person=person)
    assert (result.kind, result.due) == ("brev_20", date(2026, 9, 15))
    assert "2027-03-15" in result.note_sv


def test_the_leaving_letter_is_not_proposed_once_sent():
    person = PersonFacts(birth_date=date(2007, 3, 15), registered_on=REGISTERED)
    events = [
        reached(date(2026, 9, 10), occupation="arbete"),
        mapped(date(2026, 9, 12)),
        Event("brev_20", date(2026, 9, 15)),
    ]
    assert step(events, person=person).due == date(2027, 3, 12)


def test_deregistration_is_due_on_the_20th_birthday():
    person = PersonFacts(birth_date=date(2007, 3, 15), registered_on=REGISTERED)
    events = [
        reached(date(2026, 9, 20), occupation="arbete"),
        mapped(date(2026, 9, 22)),
        Event("brev_20", date(2026, 9, 15)),
    ]
    assert step(events, person=person) == NextStep(
        "avregistrering", date(2027, 3, 15), "Fyller 20 år: avregistrera ur KAA"
    )


def test_deregistration_wins_a_tie_with_a_follow_up():
    person = PersonFacts(birth_date=date(2007, 3, 15), registered_on=REGISTERED)
    events = [
        reached(date(2026, 9, 15), occupation="arbete"),
        mapped(date(2026, 9, 17)),
        Event("brev_20", date(2026, 9, 15)),
    ]
    assert step(events, person=person).kind == "avregistrering"


def test_a_follow_up_and_the_leaving_letter_the_earlier_comes_first():
    events = [reached(date(2026, 10, 20), occupation="arbete"), mapped(date(2026, 10, 22))]
    assert step(events, person=ADULT).kind == "uppfoljning"
    later = [*events, reached(date(2027, 7, 1), occupation="arbete")]
    result = step(later, person=ADULT)
    assert (result.kind, result.due) == ("brev_20", date(2027, 12, 1))


def test_a_leap_day_birth_turns_20_on_29_february_of_a_leap_year():
    person = PersonFacts(birth_date=date(2008, 2, 29), registered_on=REGISTERED)
    sent = [Event("brev_20", date(2027, 8, 1))]
    assert step([], person=person, rules=LadderRules(first_letter_days=9999)).due == date(
        2027, 8, 29
    )
    assert step(sent, person=person, rules=LadderRules(first_letter_days=9999)).due == date(
        2028, 2, 29
    )


def test_a_leap_day_birth_turns_20_on_1_march_when_that_year_has_no_29_february():
    person = PersonFacts(birth_date=date(2080, 2, 29), registered_on=date(2098, 1, 1))
    sent = [Event("brev_20", date(2099, 1, 1))]
    rules = LadderRules(first_letter_days=9999)
    assert step(sent, person=person, rules=rules, today=date(2099, 1, 1)).due == date(2100, 3, 1)


def test_the_leaving_letter_date_is_clamped_to_the_end_of_a_short_month():
    person = PersonFacts(birth_date=date(2009, 8, 31), registered_on=REGISTERED)
    rules = LadderRules(first_letter_days=9999)
    assert step([], person=person, rules=rules).due == date(2029, 2, 28)


def test_a_young_person_over_20_is_due_for_deregistration_at_once():
    person = PersonFacts(birth_date=date(2006, 9, 1), registered_on=REGISTERED)
    result = step([Event("brev_20", date(2026, 3, 1))], person=person)
    assert (result.kind, result.due) == ("avregistrering", date(2026, 9, 1))


# --- general ----------------------------------------------------------------------------


def test_deregistered_young_person_has_no_next_step():
    person = PersonFacts(birth_date=MINOR_BORN, registered_on=REGISTERED, active=False)
    assert next_step(person, FULL_LADDER, TODAY, DEFAULT_RULES) is None


def test_events_in_any_order_give_the_same_step():
    expected = step(FULL_LADDER, today=date(2026, 12, 20))
    shuffled = list(FULL_LADDER)
    random.Random(20).shuffle(shuffled)
    assert shuffled != FULL_LADDER
    assert step(shuffled, today=date(2026, 12, 20)) == expected
    assert step(list(reversed(FULL_LADDER)), today=date(2026, 12, 20)) == expected


def test_same_day_events_keep_their_recorded_order():
    before = [reached(date(2026, 10, 20), occupation="arbete"), mapped(date(2026, 10, 20))]
    day = date(2027, 4, 20)
    fail_then_reach = [Event("sms", day, outcome="ej_nadd"), reached(day, occupation="arbete")]
    reach_then_fail = list(reversed(fail_then_reach))
    assert "utan svar" not in step([*before, *fail_then_reach]).note_sv
    assert "1 försök utan svar" in step([*before, *reach_then_fail]).note_sv


def test_events_before_registration_still_count():
    person = PersonFacts(birth_date=MINOR_BORN, registered_on=date(2026, 10, 15))
    result = step([Event("brev", date(2026, 10, 1))], person=person)
    assert (result.kind, result.due) == ("vykort", date(2026, 10, 31))


def test_unknown_event_kinds_are_ignored():
    assert step([Event("anteckning", date(2026, 9, 5))]) == step([])


def test_custom_rules_change_the_intervals():
    rules = LadderRules(first_letter_days=10, postcard_after_days=20, contact_attempts=2)
    assert step([], rules=rules).due == date(2026, 9, 11)
    assert step([LETTER], rules=rules).due == date(2026, 10, 21)
    assert step([LETTER, POSTCARD, *CALLS[:2]], rules=rules).kind == "besoksvykort"
