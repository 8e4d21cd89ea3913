"""A meeting's page and its recording page at request level: the consent rule on screen, one
form for everything typed, two tabs."""

from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.meetings import ActionPoint, Decision
from kaa_web.services import consents, meetings
from tests import factories

TODAY = local_today()


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


def _fields_of(html: str) -> dict:
    from tests.pages import form_fields

    return form_fields(html, "protokoll")


def test_the_agenda_names_only_a_person_with_full_consent_and_counts_the_rest(
    login_as, planned, make_youth, db_session
):
    _, meeting, kaa = planned
    named = make_youth("Alva", "Namnsson", occupation="ingen")
    make_youth("Bo", "Doldsson", occupation="ingen")
    consents.record_consent(
        db_session,
        actor=kaa,
        youth=named,
        data=consents.ConsentData(
            given_by="vardnadshavare",
            guardian_name="Förälder Namnsson",
            parties=frozenset({"socialtjansten", "arbetsformedlingen"}),
            purpose="Samverkansgruppen.",
            given_on=TODAY,
            form="skriftligt",
        ),
    )
    db_session.commit()

    page = login_as("ifo").get(f"/samverkan/moten/{meeting.id}").get_data(as_text=True)

    assert "Alva Namnsson" in page
    assert "Doldsson" not in page
    assert "Färre än 5 ungdomar i urvalet, varav 1 får tas upp med namn." in page
    assert "Övriga i urvalet visas bara i antal." in page
    logged = db_session.exec(
        select(AuditEvent.youth_id).where(
            AuditEvent.object_type == "meeting", AuditEvent.youth_id.is_not(None)
        )
    ).all()
    assert logged == [named.id]


def test_the_convener_records_a_decision_and_an_action_point(
    recording, planned, staff, db_session, login_as
):
    _, meeting, _ = planned
    item = meetings.agenda.agenda_of(db_session, meeting.id)[0]
    kaa2 = next(
        m
        for m in meetings.groups.members_of(db_session, meeting.group_id)
        if m.name == "Johan Wikström"
    )
    page = recording(meeting)

    response = page.submit(
        {f"beslut{item.id}-text": "KAA kallar till SIP."}, button=("spara", f"punkt-{item.id}")
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/protokollfor#punkt-{item.id}")
    response = page.reload().submit(
        {
            "what": "Boka lokal",
            "member_id": str(kaa2.id),
            "due": (TODAY + timedelta(days=7)).isoformat(),
        },
        button=("spara", "atgarder"),
    )
    assert response.status_code == 303
    assert "Åtgärdspunkten är sparad." in page.reload().html
    assert [d.text for d in db_session.exec(select(Decision)).all()] == ["KAA kallar till SIP."]
    assert [p.what for p in db_session.exec(select(ActionPoint)).all()] == ["Boka lokal"]
    worklist = login_as("kaa2").get("/att-gora/?vy=mina").get_data(as_text=True)
    assert "Åtgärdspunkt" in worklist


def test_an_action_point_without_a_date_keeps_everything_typed_with_swedish_errors(
    recording, planned, db_session
):
    _, meeting, _ = planned
    item = meetings.agenda.agenda_of(db_session, meeting.id)[0]
    response = recording(meeting).submit(
        {"what": "Boka lokal", f"punkt{item.id}-notes": "Gruppen går igenom listan."},
        button=("spara", "atgarder"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Det finns fel i formuläret" in page and 'value="Boka lokal"' in page
    assert "Välj vem som ansvarar." in page and "Ange när det ska vara klart." in page
    assert "Gruppen går igenom listan." in page  # the notes typed beside it are kept ...
    db_session.refresh(item)
    assert item.notes == ""  # ... and, like everything else on the page, not half-saved


def test_a_member_who_is_not_the_convener_cannot_record(login_as, planned):
    _, meeting, _ = planned
    assert login_as("kaa2").get(f"/samverkan/moten/{meeting.id}/protokollfor").status_code == 404


def test_adjusted_minutes_refuse_a_decision_from_a_tab_opened_before(
    recording, planned, db_session
):
    _, meeting, _ = planned
    meeting.on = TODAY  # the meeting has been held
    db_session.add(meeting)
    db_session.commit()
    item = meetings.agenda.agenda_of(db_session, meeting.id)[0]
    page = recording(meeting)
    old_tab = dict(page.fields)
    response = page.submit({"adjuster": "Ingrid"}, button=("justera", "ja"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/protokollfor#justering")
    page.fields = {**old_tab, "engangskod": "en-annan-flik"}
    response = page.submit({f"beslut{item.id}-text": "Sent beslut."}, button=("spara", "narvaro"))
    assert response.status_code == 400
    assert "Protokollet är justerat" in response.get_data(as_text=True)
    assert "Sent beslut." in response.get_data(as_text=True)
    assert db_session.exec(select(Decision)).all() == []


def test_a_long_list_becomes_counts_with_small_numbers_hidden_and_every_name_logged(
    login_as, planned, make_youth, db_session
):
    from kaa_web.models.register import District

    _, meeting, kaa = planned
    district = dict(db_session.exec(select(District.name, District.id)).all())
    for n in range(6):
        make_youth(f"Anonym{n}", "Centrumsson", occupation="ingen", district_id=district["Centrum"])
    named = [
        make_youth(first, "Norrsson", occupation="ingen", district_id=district["Norra"])
        for first in ("Ada", "Bea")
    ]
    for youth in named:
        factories.consent(db_session, kaa, youth, parties={"socialtjansten", "arbetsformedlingen"})

    page = login_as("kaa").get(f"/samverkan/moten/{meeting.id}").get_data(as_text=True)

    assert "8 ungdomar i urvalet, varav 2 får tas upp med namn." in page
    assert "Ada Norrsson" in page and "Bea Norrsson" in page and "Centrumsson" not in page
    # Norra's 2 is under five, and 8 − 6 would give it away, so Centrum's 6 is hidden too
    assert '<th scope="row">Norra</th><td class="num">&lt;5</td>' in page
    assert '<th scope="row">Centrum</th><td class="num">dolt</td>' in page
    assert "antal under 5 visas som &lt;5, och ”dolt” står där" in page
    logged = db_session.exec(
        select(AuditEvent.youth_id).where(
            AuditEvent.object_type == "meeting", AuditEvent.youth_id.is_not(None)
        )
    ).all()
    assert sorted(logged) == sorted(y.id for y in named)


def test_a_cancelled_meeting_says_so_and_offers_no_recording(login_as, planned):
    _, meeting, _ = planned
    client = login_as("kaa")
    response = client.post_form(f"/samverkan/moten/{meeting.id}/stall-in")
    assert response.status_code == 303
    page = client.get(f"/samverkan/moten/{meeting.id}").get_data(as_text=True)
    assert "Mötet är inställt" in page and "Protokollför mötet" not in page


def test_a_decision_on_a_plain_item_names_a_person_by_personnummer(
    recording, planned, make_youth, db_session
):
    group, meeting, kaa = planned
    youth = make_youth("Bea", "Nummersson", occupation="studier")
    factories.consent(db_session, kaa, youth, parties={"socialtjansten", "arbetsformedlingen"})
    item = meetings.add_agenda_item(
        db_session, actor=kaa, meeting_id=meeting.id, data=meetings.ExtraItem("Övrigt")
    )
    db_session.commit()
    page = recording(meeting)
    assert f"beslut{item.id}-personnummer" in page.fields
    button = ("spara", f"punkt-{item.id}")

    typed = {f"beslut{item.id}-text": "SIP bokas.", f"beslut{item.id}-personnummer": "121212-1212"}
    response = page.submit(typed, button)
    assert response.status_code == 400
    assert "SIP bokas." in response.get_data(as_text=True)  # what was typed is kept
    typed[f"beslut{item.id}-personnummer"] = youth.personnummer
    response = page.submit(typed, button)
    assert response.status_code == 303
    assert db_session.exec(select(Decision.youth_id)).all() == [youth.id]


def test_notes_typed_are_saved_for_htmx_without_replacing_the_text_being_typed(
    login_as, planned, db_session
):
    _, meeting, _ = planned
    item = meetings.agenda.agenda_of(db_session, meeting.id)[0]
    response = login_as("kaa").post_form(
        f"/samverkan/moten/{meeting.id}/punkter/{item.id}/anteckningar",
        {
            f"punkt{item.id}-notes": "Gruppen går igenom listan.",
            f"punkt{item.id}-version": meetings.notes_version(""),
        },
        headers={"HX-Request": "true"},
    )
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment
    assert "<textarea" not in fragment  # what is typed meanwhile stays in the browser
    assert "Sparat kl." in fragment
    version = meetings.notes_version("Gruppen går igenom listan.")
    assert f'value="{version}" form="protokoll" hx-swap-oob="true"' in fragment
    db_session.refresh(item)
    assert item.notes == "Gruppen går igenom listan."


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


def test_a_member_who_does_not_run_the_meeting_is_refused_its_recording_and_edit_pages_logged(
    client_request, planned, db_session
):
    _, meeting, _ = planned
    kaa2 = client_request.as_("kaa2")  # a KAA officer and a member, but not the convener
    kaa2.get("meetings.meeting", meeting_id=meeting.id)
    for endpoint in ("meetings.record", "meetings.edit"):
        kaa2.get(endpoint, meeting_id=meeting.id, status=404)
    events = db_session.exec(
        select(AuditEvent.action, AuditEvent.outcome).where(
            AuditEvent.username == "kaa2",
            AuditEvent.object_type == "meeting",
            AuditEvent.object_id == str(meeting.id),
        )
    ).all()
    # the meeting page read once; each refused page a denial, and no read of the agenda's lists
    assert sorted(events) == [
        ("denied", "not_found_or_denied"),
        ("denied", "not_found_or_denied"),
        ("view", "ok"),
    ]
