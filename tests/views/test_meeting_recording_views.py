"""The recording page without JavaScript: one form, so nothing typed is lost; two tabs clash."""

import pytest
from sqlmodel import select

from kaa_web.models.meetings import Decision
from kaa_web.services import meetings


@pytest.fixture
def agenda(planned, db_session):
    """The planned meeting with three items: the review and two ad-hoc ones."""
    _, meeting, kaa = planned
    for title in ("Sommarjobb", "Övrigt"):
        meetings.add_agenda_item(
            db_session, actor=kaa, meeting_id=meeting.id, data=meetings.ExtraItem(title)
        )
    db_session.commit()
    return meeting, meetings.agenda.agenda_of(db_session, meeting.id)


def _notes(db, items) -> list[str]:
    for item in items:
        db.refresh(item)
    return [item.notes for item in items]


def test_notes_typed_under_two_items_are_both_kept_when_one_items_button_is_pressed(
    recording, agenda, db_session
):
    meeting, (first, second, third) = agenda
    page = recording(meeting)

    response = page.submit(
        {
            f"punkt{first.id}-notes": "Listan gicks igenom.",
            f"punkt{third.id}-notes": "Inget övrigt.\r\nMötet avslutades.",
        },
        button=("spara", f"punkt-{first.id}"),  # item 1's "Spara anteckningarna"
    )

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/protokollfor#punkt-{first.id}")
    assert _notes(db_session, (first, second, third)) == [
        "Listan gicks igenom.",
        "",
        "Inget övrigt.\nMötet avslutades.",
    ]
    again = page.reload()
    assert again.fields[f"punkt{third.id}-notes"] == "Inget övrigt.\nMötet avslutades."
    assert "Anteckningarna är sparade." in again.html


def test_a_decision_and_notes_typed_beside_it_are_saved_together(recording, agenda, db_session):
    meeting, (first, second, _) = agenda
    response = recording(meeting).submit(
        {
            f"punkt{first.id}-notes": "Diskussion om sommarjobb.",
            f"beslut{second.id}-text": "Sommarjobb erbjuds alla 16-åringar.",
        },
        button=("spara", f"punkt-{second.id}"),  # the decision's "Spara beslutet"
    )
    assert response.status_code == 303
    assert _notes(db_session, (first,)) == ["Diskussion om sommarjobb."]
    assert db_session.exec(select(Decision.text)).all() == ["Sommarjobb erbjuds alla 16-åringar."]


def test_a_refused_part_saves_nothing_and_every_typed_text_comes_back(
    recording, agenda, db_session
):
    meeting, (first, second, _) = agenda
    response = recording(meeting).submit(
        {
            f"punkt{first.id}-notes": "Skrivet under punkt 1.",
            f"beslut{second.id}-text": "Beslut om en ungdom.",
            f"beslut{second.id}-personnummer": "121212-1212",  # not in the register
        },
        button=("spara", f"punkt-{second.id}"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Inget av det du skrev är sparat ännu." in html
    assert "Det finns ingen ungdom med det personnumret i registret." in html
    assert "Skrivet under punkt 1." in html and "Beslut om en ungdom." in html
    assert _notes(db_session, (first,)) == [""]
    assert db_session.exec(select(Decision)).all() == []


def test_two_tabs_editing_the_same_notes_never_overwrite_each_other_silently(
    recording, agenda, db_session
):
    meeting, (first, second, _) = agenda
    tab_a, tab_b = recording(meeting), recording(meeting, as_="chef")  # both loaded now
    saved = tab_a.submit({f"punkt{first.id}-notes": "A:s anteckning."})
    assert saved.status_code == 303

    clash = tab_b.submit({f"punkt{first.id}-notes": "B:s anteckning."})

    html = clash.get_data(as_text=True)
    assert clash.status_code == 409
    assert "någon annan sparade anteckningar medan du skrev" in html
    assert "B:s anteckning." in html  # B's text is kept in B's field ...
    assert "A:s anteckning." in html  # ... beside what A saved
    assert _notes(db_session, (first,)) == ["A:s anteckning."]
    # B has seen A's text: saving the page that came back replaces it knowingly
    tab_b.fields = _fields_of(html)
    assert tab_b.submit().status_code == 303
    assert _notes(db_session, (first,)) == ["B:s anteckning."]


def test_saving_one_tab_keeps_what_another_tab_saved_under_an_item_left_untouched(
    recording, agenda, db_session
):
    meeting, (first, second, _) = agenda
    tab_a, tab_b = recording(meeting), recording(meeting)
    assert tab_a.submit({f"punkt{first.id}-notes": "Från flik A."}).status_code == 303
    # tab B still shows item 1 empty; it only types under item 2
    assert tab_b.submit({f"punkt{second.id}-notes": "Från flik B."}).status_code == 303
    assert _notes(db_session, (first, second)) == ["Från flik A.", "Från flik B."]


def test_attendance_changed_in_another_tab_is_not_overwritten(
    recording, agenda, planned, db_session
):
    group, _, _ = planned
    meeting, (first, _, _) = agenda
    petra = next(
        m for m in meetings.groups.members_of(db_session, group.id) if m.name == "Petra Af"
    )
    tab_a, tab_b, tab_c = recording(meeting), recording(meeting), recording(meeting)
    assert tab_a.submit({f"narvaro-{petra.id}": "narvarande"}).status_code == 303

    # a tab that leaves the attendance as it found it saves its notes and undoes nothing
    assert tab_c.submit({f"punkt{first.id}-notes": "Från flik C."}).status_code == 303
    assert meetings.recording.attendance_of(db_session, meeting.id) == {petra.id: "narvarande"}
    # a tab that changes it on an old view is told, and nothing of it is saved
    clash = tab_b.submit({f"narvaro-{petra.id}": "anmalt_forhinder"})
    assert clash.status_code == 409
    assert "Närvaron ändrades av någon annan" in clash.get_data(as_text=True)
    assert meetings.recording.attendance_of(db_session, meeting.id) == {petra.id: "narvarande"}


def test_an_autosave_on_an_old_version_is_refused_in_place_and_pauses(
    login_as, agenda, db_session, planned
):
    meeting, (first, _, _) = agenda
    _, _, kaa = planned
    meetings.record_notes(
        db_session, actor=kaa, meeting_id=meeting.id, item_id=first.id, notes="Sparat först."
    )
    db_session.commit()
    response = login_as("kaa").post_form(
        f"/samverkan/moten/{meeting.id}/punkter/{first.id}/anteckningar",
        {
            f"punkt{first.id}-notes": "Skrivet i en äldre flik.",
            f"punkt{first.id}-version": meetings.notes_version(""),
        },
        headers={"HX-Request": "true"},
    )
    fragment = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Någon annan har sparat anteckningar under punkten" in fragment
    assert "Sparat först." in fragment and "Inte sparat." in fragment
    assert "hx-post" not in fragment.split("hx-swap-oob")[0]  # no more autosaving this item
    assert _notes(db_session, (first,)) == ["Sparat först."]


def _fields_of(html: str) -> dict:
    from tests.pages import form_fields

    return form_fields(html, "protokoll")
