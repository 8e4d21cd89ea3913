"""Numbered decisions at a meeting, about a named person only where the consent rule allows."""

import pytest
from sqlmodel import select

from kaa_web.models.register import TimelineEntry
from kaa_web.services import meetings, register
from kaa_web.services.errors import Invalid
from tests import factories


def test_a_decision_about_a_named_person_goes_to_their_timeline_and_is_numbered(
    db_session, people, group, make_youth, staff
):
    youth = make_youth("Eli", "Beslutsson", occupation="ingen")
    factories.consent(
        db_session, people["kaa"], youth, parties={"socialtjansten", "arbetsformedlingen"}
    )
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    review = meetings.agenda.agenda_of(db_session, meeting.id)[0]

    first = meetings.record_decision(
        db_session, actor=people["kaa"], meeting_id=meeting.id, item_id=review.id, text="Noterat."
    )
    second = meetings.record_decision(
        db_session,
        actor=people["kaa"],
        meeting_id=meeting.id,
        item_id=review.id,
        text="Erbjuds praktik via Arbetsförmedlingen.",
        youth_id=youth.id,
    )
    db_session.commit()

    assert (first.number, second.number) == (1, 2)
    entries = db_session.exec(
        select(TimelineEntry).where(
            TimelineEntry.youth_id == youth.id, TimelineEntry.kind == "mote"
        )
    ).all()
    assert [e.title for e in entries] == [
        f"Beslut § 2 i Samverkansgruppen KAA {meeting.on.isoformat()}"
    ]

    def text_on_timeline(actor):
        items = register.person_timeline(db_session, actor=actor, youth=youth)
        [item] = [i for i in items if i.ref_type == "decision"]
        return item.text, item.text_withheld

    # The text is for those who may read the minutes, and for the young person's officer.
    shown = ("Erbjuds praktik via Arbetsförmedlingen.", False)
    assert text_on_timeline(people["kaa"]) == shown  # the convener, a member
    assert text_on_timeline(people["chef"]) == shown
    assert text_on_timeline(people["arbetsmarknad"]) == ("", True)  # not in the group
    youth.officer_id = staff["arbetsmarknad"].id
    db_session.add(youth)
    db_session.commit()
    assert text_on_timeline(people["arbetsmarknad"]) == shown


def test_a_decision_cannot_name_a_person_without_consent_for_everyone(
    db_session, people, group, make_youth
):
    youth = make_youth("Fia", "Utansson", occupation="ingen")
    meeting = factories.planned_meeting(db_session, group, by=people["kaa"], in_days=7)
    review = meetings.agenda.agenda_of(db_session, meeting.id)[0]
    with pytest.raises(Invalid):
        meetings.record_decision(
            db_session,
            actor=people["kaa"],
            meeting_id=meeting.id,
            item_id=review.id,
            text="Kallas till möte.",
            youth_id=youth.id,
        )


def test_a_decision_under_any_item_may_name_a_person_the_consent_rule_allows(
    db_session, people, group, make_youth
):
    kaa = people["kaa"]
    named = make_youth("Alva", "Namnsson", occupation="ingen")
    typed = make_youth("Bea", "Nummersson", occupation="studier")
    hidden = make_youth("Cid", "Doldsson", occupation="studier")
    for youth in (named, typed):
        factories.consent(db_session, kaa, youth, parties={"socialtjansten", "arbetsformedlingen"})
    factories.consent(db_session, kaa, hidden, parties={"socialtjansten"})
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=7)
    page = meetings.meeting_page(db_session, actor=kaa, meeting_id=meeting.id)
    assert page.named == [(named.id, "Alva Namnsson")]
    statistics = meetings.agenda.agenda_of(db_session, meeting.id)[1]

    def decide(**person):
        return meetings.record_decision(
            db_session,
            actor=kaa,
            meeting_id=meeting.id,
            item_id=statistics.id,
            text="KAA kallar till SIP.",
            **person,
        )

    first = decide(youth_id=named.id)
    second = decide(personnummer=typed.personnummer)
    db_session.commit()
    assert (first.youth_id, second.youth_id) == (named.id, typed.id)
    timeline = db_session.exec(
        select(TimelineEntry.youth_id).where(TimelineEntry.kind == "mote")
    ).all()
    assert sorted(timeline) == sorted([named.id, typed.id])

    with pytest.raises(Invalid, match="samtycke"):  # Arbetsförmedlingen is not covered
        decide(personnummer=hidden.personnummer)
    with pytest.raises(Invalid, match="ingen ungdom"):
        decide(personnummer="19000101-0016")  # valid, nobody registered
    with pytest.raises(Invalid) as refused:
        decide(personnummer="12345")
    assert "personnummer" in refused.value.field_errors
    with pytest.raises(Invalid, match="inte båda"):
        decide(youth_id=named.id, personnummer=typed.personnummer)
