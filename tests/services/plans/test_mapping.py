"""The mapping against the real database: the ladder, agencies, history and stale edits."""

import pytest
from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.plans import MappingRevision
from kaa_web.models.register import ContactAttempt, Youth
from kaa_web.rules.dates import add_months
from kaa_web.services import outreach
from kaa_web.services.errors import EditConflict
from kaa_web.services.plans import mapping, page


def _mapping(**overrides) -> mapping.MappingData:
    values = dict(
        on=local_today(),
        occupation="ingen",
        last_school="Exempelgymnasiet",
        goals="Vill börja plugga igen.",
        agencies=frozenset({"arbetsformedlingen"}),
    )
    return mapping.MappingData(**{**values, **overrides})


def test_a_mapping_moves_the_ladder_to_follow_up_and_records_a_kartlaggning_contact(
    db_session, kaa, make_youth
):
    youth = make_youth()
    mapping.save_mapping(db_session, actor=kaa, youth=youth, data=_mapping())
    db_session.commit()
    kinds = db_session.exec(
        select(ContactAttempt.kind).where(ContactAttempt.youth_id == youth.id)
    ).all()
    assert kinds == ["kartlaggning"]
    assert db_session.get(Youth, youth.id).next_step == "uppfoljning"


def test_after_mapping_and_a_plan_an_unanswered_sms_keeps_the_person_on_follow_up(
    db_session, kaa, make_youth, agree_plan
):
    """The reported case: 'Sms – ej nådd' after a plan put them back on 'Ring, sms:a …'."""
    youth = make_youth()
    mapping.save_mapping(db_session, actor=kaa, youth=youth, data=_mapping())
    agree_plan(youth)
    outreach.record_contact(
        db_session,
        actor=kaa,
        youth=youth,
        data=outreach.ContactData(kind="sms", on=local_today(), outcome="ej_nadd"),
    )
    db_session.commit()
    stored = db_session.get(Youth, youth.id)
    assert (stored.next_step, stored.next_step_due) == (
        "uppfoljning",
        add_months(local_today(), 6),
    )
    contacts = db_session.exec(
        select(ContactAttempt.kind).where(ContactAttempt.youth_id == youth.id)
    )
    assert sorted(contacts.all()) == ["kartlaggning", "sms"]  # the attempt is recorded


def test_a_mapping_is_documented_also_for_someone_who_declines(db_session, kaa, make_youth):
    youth = make_youth()
    made = mapping.save_mapping(db_session, actor=kaa, youth=youth, data=_mapping(declined=True))
    db_session.commit()
    contact = db_session.exec(
        select(ContactAttempt).where(ContactAttempt.youth_id == youth.id)
    ).one()
    assert made.declined and contact.outcome == "avbojer"


def test_mapping_records_agencies_as_yes_or_no_only(db_session, kaa, make_youth):
    youth = make_youth()
    made = mapping.save_mapping(
        db_session,
        actor=kaa,
        youth=youth,
        data=_mapping(agencies=frozenset({"socialtjansten", "lss"})),
    )
    assert mapping.mapping_agencies(made) == ["socialtjansten", "lss"]
    assert made.agency_socialtjansten is True and made.agency_varden is False


def test_editing_a_mapping_keeps_history_and_refuses_a_stale_version(db_session, kaa, make_youth):
    youth = make_youth()
    first = mapping.save_mapping(db_session, actor=kaa, youth=youth, data=_mapping())
    db_session.commit()
    mapping.save_mapping(
        db_session, actor=kaa, youth=youth, data=_mapping(occupation="arbete"), version=1
    )
    db_session.commit()
    with pytest.raises(EditConflict):
        mapping.save_mapping(
            db_session, actor=kaa, youth=youth, data=_mapping(occupation="annan"), version=1
        )
    db_session.rollback()
    history = page.mapping_page(db_session, actor=kaa, youth_id=youth.id).history
    assert [h["version"] for h in history] == [2, 1]
    assert [h["data"]["occupation"] for h in history] == ["arbete", "ingen"]
    assert len(db_session.exec(select(MappingRevision)).all()) == 2
    assert first.id == mapping.get_mapping(db_session, youth.id).id
