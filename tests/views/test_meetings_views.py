"""Meeting pages at request level: who sees what, the consent rule on screen, forms and locks."""

from datetime import timedelta

from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.meetings import ActionPoint, Decision
from kaa_web.services import consents, meetings
from tests import factories

TODAY = local_today()


def test_a_member_sees_the_group_and_an_outsider_gets_404(login_as, planned):
    group, meeting, _ = planned
    page = login_as("ifo").get(f"/samverkan/grupper/{group.id}")
    assert page.status_code == 200 and "Samverkansgruppen KAA" in page.get_data(as_text=True)
    assert login_as("arbetsmarknad").get(f"/samverkan/moten/{meeting.id}").status_code == 404
    assert login_as("chef").get(f"/samverkan/moten/{meeting.id}").status_code == 200


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


def test_chef_creates_a_group_with_standing_items(login_as, staff, db_session):
    response = login_as("chef").post_form(
        "/samverkan/ny-grupp",
        {
            "name": "Ledningsgruppen",
            "kind": "ledningsgrupp",
            "frequency": "en_gang_per_termin",
            "convener_id": str(staff["kaa"].id),
            "review_filter": "",
            "standing_items": "Uppföljning av handlingsplanen\nStatistik",
        },
    )
    assert response.status_code == 303
    page = login_as("kaa").get(response.headers["Location"]).get_data(as_text=True)
    assert "Uppföljning av handlingsplanen" in page and "Planera möte" in page


def test_the_notice_and_minutes_download_as_word_documents(login_as, planned):
    _, meeting, _ = planned
    client = login_as("kaa")
    for path in ("kallelse", "protokoll"):
        response = client.post_form(f"/samverkan/moten/{meeting.id}/{path}")
        assert response.status_code == 303
        document = client.get(response.headers["Location"])
        assert document.status_code == 200 and document.data[:2] == b"PK"
    page = client.get(f"/samverkan/moten/{meeting.id}").get_data(as_text=True)
    assert "Kallelse skapad" in page and "Protokoll skapat" in page  # ett protokoll
    assert "Protokoll skapad" not in page


def test_ticking_an_action_point_never_redirects_to_another_site(login_as, planned, db_session):
    group, meeting, kaa = planned
    member = meetings.groups.members_of(db_session, group.id)[0]
    point = meetings.add_action_point(
        db_session,
        actor=kaa,
        meeting_id=meeting.id,
        what="Boka lokal",
        member_id=member.id,
        due=TODAY,
    )
    db_session.commit()
    response = login_as("kaa").post_form(
        f"/samverkan/atgardspunkter/{point.id}/klar", {"tillbaka": "//example.com/"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/samverkan/grupper/{group.id}")


def test_admin_changes_a_groups_members_but_cannot_open_its_meetings(login_as, planned, db_session):
    """F11: admin is a system role; meeting content is for members and, for oversight, chef."""
    group, meeting, kaa = planned
    item = meetings.agenda.agenda_of(db_session, meeting.id)[0]
    meetings.record_notes(
        db_session, actor=kaa, meeting_id=meeting.id, item_id=item.id, notes="Hemlig anteckning"
    )
    notice = meetings.generate_notice(db_session, actor=kaa, meeting_id=meeting.id)
    db_session.commit()
    admin = login_as("admin")

    for url in (
        f"/samverkan/moten/{meeting.id}",
        f"/samverkan/moten/{meeting.id}/protokollfor",
        f"/samverkan/moten/{meeting.id}/dokument/{notice.id}",
    ):
        response = admin.get(url)
        assert response.status_code == 403, url
        assert "Hemlig anteckning" not in response.get_data(as_text=True)
    assert admin.post_form(f"/samverkan/moten/{meeting.id}/protokoll").status_code == 403
    notes = admin.post_form(
        f"/samverkan/moten/{meeting.id}/punkter/{item.id}/anteckningar",
        {f"punkt{item.id}-notes": "Ändrat av admin"},
    )
    assert notes.status_code == 403

    group_page = admin.get(f"/samverkan/grupper/{group.id}").get_data(as_text=True)
    assert f"/samverkan/moten/{meeting.id}" not in group_page
    assert "visas bara för gruppens deltagare och för chefer" in group_page
    assert admin.get(f"/samverkan/grupper/{group.id}/redigera").status_code == 200
    renamed = admin.post_form(
        f"/samverkan/grupper/{group.id}/andra",
        {
            "name": "Samverkan Norr",
            "kind": group.kind,
            "frequency": group.frequency,
            "convener_id": str(group.convener_id),
        },
    )
    assert renamed.status_code == 303
    # chef, not a member, reads the meeting for oversight
    chef_page = login_as("chef").get(f"/samverkan/moten/{meeting.id}").get_data(as_text=True)
    assert "Hemlig anteckning" in chef_page
    db_session.refresh(item)
    assert item.notes == "Hemlig anteckning"


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
