"""The recording page's one save: everything typed on it, or (refused, raced) none of it."""

import json

import pytest
from sqlmodel import Session

from kaa_web.models.meetings import AgendaItem, Meeting
from kaa_web.services import meetings
from kaa_web.services.errors import EditConflict
from tests import factories


def _data(**parts) -> meetings.RecordData:
    return meetings.RecordData(**parts)


def test_two_saves_at_the_same_moment_cannot_both_pass_the_check(db_session, people, group, app):
    kaa = people["kaa"]
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=7)
    item = meetings.agenda.agenda_of(db_session, meeting.id)[0]
    version = meetings.notes_version(item.notes)  # both secretaries start from empty notes
    with Session(app.extensions["kaa_engine"], expire_on_commit=False) as other:
        meetings.record_notes(
            other,
            actor=people["chef"],
            meeting_id=meeting.id,
            item_id=item.id,
            notes="Chefens anteckning.",
            version=version,
        )
        other.commit()
    # this session read the item before the other save landed (its copy is stale)
    assert db_session.get(AgendaItem, item.id).notes == ""

    with pytest.raises(EditConflict) as clash:
        meetings.record_notes(
            db_session,
            actor=kaa,
            meeting_id=meeting.id,
            item_id=item.id,
            notes="Sekreterarens anteckning.",
            version=version,
        )
    db_session.rollback()

    assert clash.value.current.notes == "Chefens anteckning."
    assert db_session.get(AgendaItem, item.id).notes == "Chefens anteckning."


def test_attendance_is_saved_first_so_a_decision_is_checked_against_who_is_there(
    db_session, people, group, make_youth
):
    kaa = people["kaa"]
    youth = make_youth("Gun", "Närvarosson", occupation="ingen")
    factories.consent(db_session, kaa, youth, parties={"socialtjansten"})  # not Arbetsförmedlingen
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=0)
    members = {m.organisation: m for m in meetings.groups.members_of(db_session, group.id)}
    review = meetings.agenda.agenda_of(db_session, meeting.id)[0]

    result = meetings.record_meeting(
        db_session,
        actor=kaa,
        meeting_id=meeting.id,
        data=_data(
            attendance={
                members["socialtjansten"].id: "narvarande",
                members["arbetsformedlingen"].id: "anmalt_forhinder",
            },
            decisions={review.id: meetings.DecisionData("Erbjuds SIP.", youth_id=youth.id)},
        ),
    )
    db_session.commit()

    assert result.attendance and result.decisions == [1]


def test_one_refused_part_means_nothing_is_saved(db_session, people, group):
    kaa = people["kaa"]
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=7)
    first, second = meetings.agenda.agenda_of(db_session, meeting.id)[:2]
    with pytest.raises(meetings.RecordRefused) as refused:
        meetings.record_meeting(
            db_session,
            actor=kaa,
            meeting_id=meeting.id,
            data=_data(
                notes={first.id: ("Skrivet.", meetings.notes_version(""))},
                decisions={second.id: meetings.DecisionData("", personnummer="19000101-0008")},
                action=meetings.ActionData(what="Boka lokal"),
            ),
        )
    db_session.rollback()

    assert refused.value.field_errors == {
        f"beslut{second.id}-text": "Skriv beslutet.",
        "member_id": "Välj vem som ansvarar.",
        "due": "Ange när det ska vara klart.",
    }
    assert db_session.get(AgendaItem, first.id).notes == ""


def test_the_minutes_are_adjusted_with_the_notes_typed_in_the_same_save(db_session, people, group):
    kaa = people["kaa"]
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=0)
    item = meetings.agenda.agenda_of(db_session, meeting.id)[1]
    result = meetings.record_meeting(
        db_session,
        actor=kaa,
        meeting_id=meeting.id,
        data=_data(
            notes={item.id: ("Statistiken gicks igenom.", meetings.notes_version(""))},
            adjuster="Ingrid Sjöberg",
        ),
    )
    db_session.commit()

    assert result.notes == 1 and result.adjusted
    snapshot = json.loads(db_session.get(Meeting, meeting.id).minutes_snapshot)
    notes = [p["anteckningar"] for p in snapshot["motet"]["punkter"]]
    assert "Statistiken gicks igenom." in notes


def test_the_minutes_are_not_adjusted_when_another_part_is_refused(db_session, people, group):
    kaa = people["kaa"]
    meeting = factories.planned_meeting(db_session, group, by=kaa, in_days=0)
    with pytest.raises(meetings.RecordRefused):
        meetings.record_meeting(
            db_session,
            actor=kaa,
            meeting_id=meeting.id,
            data=_data(action=meetings.ActionData(what="Halvfärdig"), adjuster="Ingrid"),
        )
    db_session.rollback()
    assert db_session.get(Meeting, meeting.id).adjusted_at is None
