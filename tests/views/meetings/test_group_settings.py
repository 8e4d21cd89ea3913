"""The "Ändra gruppen" page at request level: who may use it, forms, errors, no partial writes."""

from datetime import time, timedelta

import pytest
from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.meetings import GroupMember, MeetingGroup, StandingItem
from kaa_web.services import meetings
from tests import factories

TODAY = local_today()


@pytest.fixture
def group_parts(db_session, chef, samverkansgrupp):
    """The shared group with a second standing item: (group, members by name, items)."""
    group = samverkansgrupp
    meetings.add_standing_item(db_session, actor=chef, group_id=group.id, title="Statistik")
    db_session.commit()
    members = {m.name: m for m in meetings.groups.members_of(db_session, group.id)}
    items = meetings.agenda.standing_items_of(db_session, group.id)
    return group, members, items


def _url(group, rest=""):
    return f"/samverkan/grupper/{group.id}{rest}"


def _settings(staff, **changes):
    return {
        "name": "Samverkansgruppen KAA",
        "kind": "samverkansgrupp",
        "frequency": "terminsstart",
        "convener_id": str(staff["kaa"].id),
        **changes,
    }


def test_chef_sees_settings_members_and_standing_items(login_as, group_parts):
    group, _, _ = group_parts
    response = login_as("chef").get(_url(group, "/redigera"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Inställningar" in page and "Petra Af" in page and "Statistik" in page
    assert f'action="{_url(group, "/andra")}"' in page
    assert 'name="csrf_token"' in page


def test_the_convener_sees_only_the_standing_items(login_as, group_parts):
    group, members, _ = group_parts
    response = login_as("kaa").get(_url(group, "/redigera"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Stående punkter" in page and "Statistik" in page
    assert "Inställningar" not in page and "Ta bort ur gruppen" not in page
    assert f"/deltagare/{members['Petra Af'].id}" not in page


def test_the_group_page_links_to_the_edit_page_for_those_who_may_use_it(login_as, group_parts):
    group, _, _ = group_parts
    for who, shown in (("chef", True), ("kaa", True), ("kaa2", False), ("ifo", False)):
        page = login_as(who).get(_url(group)).get_data(as_text=True)
        assert ("Ändra gruppen" in page) is shown, who


def test_members_who_do_not_run_the_group_and_outsiders_are_refused(
    login_as, group_parts, db_session
):
    group, members, items = group_parts
    petra, item = members["Petra Af"], items[0]
    posts = [
        ("/andra", {"name": "Kapad"}),
        (f"/deltagare/{petra.id}", {f"deltagare{petra.id}-name": "Kapad"}),
        (f"/deltagare/{petra.id}/ta-bort", {}),
        ("/staende-punkter", {"title": "Kapad", "minutes": "10"}),
        (f"/staende-punkter/{item.id}", {f"punkt{item.id}-title": "Kapad"}),
        (f"/staende-punkter/{item.id}/ta-bort", {}),
        (f"/staende-punkter/{item.id}/flytta", {"direction": "ned", "position": "1"}),
    ]
    # roles that never change a group are refused at the door (403); a KAA officer who does
    # not convene this group finds no such group (404)
    for who, status in (("ifo", 403), ("arbetsmarknad", 403), ("kaa2", 404)):
        client = login_as(who)
        assert client.get(_url(group, "/redigera")).status_code == status, who
        for rest, data in posts[3:]:
            assert client.post_form(_url(group, rest), data).status_code == status, (who, rest)
        for rest, data in posts[:3]:  # settings and members: meetings.manage_groups only
            assert client.post_form(_url(group, rest), data).status_code == 403, (who, rest)
    convener = login_as("kaa")
    for rest, data in posts[:3]:
        assert convener.post_form(_url(group, rest), data).status_code == 403, rest
    db_session.expire_all()
    assert db_session.get(MeetingGroup, group.id).name == "Samverkansgruppen KAA"
    titles = [s.title for s in meetings.agenda.standing_items_of(db_session, group.id)]
    assert titles == ["Genomgång av aktuella ungdomar", "Statistik"]
    assert "Petra Af" in [m.name for m in meetings.groups.members_of(db_session, group.id)]


def test_chef_renames_the_group_and_changes_the_convener(login_as, group_parts, staff, db_session):
    group, _, _ = group_parts
    response = login_as("chef").post_form(
        _url(group, "/andra"),
        _settings(staff, name="Samverkansgruppen Norr", convener_id=str(staff["kaa2"].id)),
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(_url(group, "/redigera#installningar"))
    db_session.expire_all()
    changed = db_session.get(MeetingGroup, group.id)
    assert (changed.name, changed.convener_id) == ("Samverkansgruppen Norr", staff["kaa2"].id)
    page = login_as("kaa2").get(_url(group, "/redigera")).get_data(as_text=True)
    assert "Samverkansgruppen Norr" in page


def test_bad_settings_come_back_with_400_what_was_typed_and_swedish_errors(
    login_as, group_parts, staff, db_session
):
    group, _, _ = group_parts
    response = login_as("chef").post_form(
        _url(group, "/andra"),
        _settings(staff, name="   ", frequency="", kind="ledningsgrupp"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Det finns fel i formuläret" in page
    assert "Ange gruppens namn." in page and "Välj hur ofta gruppen brukar träffas." in page
    assert '<option selected value="ledningsgrupp">' in page
    db_session.expire_all()
    assert db_session.get(MeetingGroup, group.id).kind == "samverkansgrupp"


def test_chef_edits_an_external_member_and_a_bad_edit_keeps_the_input(
    login_as, group_parts, db_session
):
    group, members, _ = group_parts
    petra = members["Petra Af"]
    prefix = f"deltagare{petra.id}"
    client = login_as("chef")
    response = client.post_form(
        _url(group, f"/deltagare/{petra.id}"),
        {
            f"{prefix}-name": "Petra Nyman",
            f"{prefix}-organisation": "skola",
            f"{prefix}-organisation_name": "",
            f"{prefix}-email": "petra@exempel.se",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Ange vilken skola." in page and 'value="Petra Nyman"' in page
    assert 'value="petra@exempel.se"' in page
    db_session.expire_all()
    assert db_session.get(GroupMember, petra.id).name == "Petra Af"

    response = client.post_form(
        _url(group, f"/deltagare/{petra.id}"),
        {
            f"{prefix}-name": "Petra Nyman",
            f"{prefix}-organisation": "skola",
            f"{prefix}-organisation_name": "Exempelgymnasiet",
            f"{prefix}-email": "petra@exempel.se",
        },
    )
    assert response.status_code == 303
    db_session.expire_all()
    edited = db_session.get(GroupMember, petra.id)
    assert (edited.name, edited.organisation_name) == ("Petra Nyman", "Exempelgymnasiet")


def test_chef_removes_a_member_who_then_leaves_the_lists(login_as, group_parts, db_session):
    group, members, _ = group_parts
    client = login_as("chef")
    response = client.post_form(_url(group, f"/deltagare/{members['Petra Af'].id}/ta-bort"))
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(GroupMember, members["Petra Af"].id).removed_at is not None
    group_page = client.get(_url(group)).get_data(as_text=True)
    assert "Petra Af" not in group_page and "Ingrid Sjöberg" in group_page


def test_removing_the_convener_comes_back_with_a_swedish_error(login_as, group_parts, db_session):
    group, members, _ = group_parts
    response = login_as("chef").post_form(
        _url(group, f"/deltagare/{members['Karin Berg'].id}/ta-bort")
    )
    assert response.status_code == 400
    assert "Välj en annan sammankallande först." in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(GroupMember, members["Karin Berg"].id).removed_at is None


def test_adding_a_staff_member_twice_shows_a_swedish_error(login_as, group_parts, staff):
    group, _, _ = group_parts
    response = login_as("chef").post_form(
        _url(group, "/deltagare"), {"staff_id": str(staff["ifo"].id), "organisation": "kommunen"}
    )
    assert response.status_code == 400
    assert "Ingrid Sjöberg är redan med i gruppen." in response.get_data(as_text=True)


def test_the_convener_adds_moves_edits_and_removes_standing_items(
    login_as, group_parts, db_session
):
    group, _, items = group_parts
    client = login_as("kaa")
    response = client.post_form(
        _url(group, "/staende-punkter"),
        {"title": "Nya sedan förra mötet", "youth_filter": "nya", "minutes": "20"},
    )
    assert response.status_code == 303
    added = db_session.exec(
        select(StandingItem).where(StandingItem.title == "Nya sedan förra mötet")
    ).one()
    assert (added.youth_filter, added.minutes, added.position) == ("nya", 20, 3)

    assert (
        client.post_form(
            _url(group, f"/staende-punkter/{added.id}/flytta"),
            {"direction": "upp", "position": str(added.position)},
        ).status_code
        == 303
    )
    response = client.post_form(
        _url(group, f"/staende-punkter/{items[1].id}"),
        {
            f"punkt{items[1].id}-title": "Statistik per område",
            f"punkt{items[1].id}-youth_filter": "",
            f"punkt{items[1].id}-minutes": "15",
        },
    )
    assert response.status_code == 303
    response = client.post_form(_url(group, f"/staende-punkter/{items[0].id}/ta-bort"))
    assert response.status_code == 303
    db_session.expire_all()
    assert [
        (s.title, s.position) for s in meetings.agenda.standing_items_of(db_session, group.id)
    ] == [
        ("Nya sedan förra mötet", 1),
        ("Statistik per område", 2),
    ]


def test_a_standing_item_with_bad_minutes_comes_back_with_what_was_typed(
    login_as, group_parts, db_session
):
    group, _, items = group_parts
    client = login_as("kaa")
    response = client.post_form(
        _url(group, "/staende-punkter"),
        {"title": "Rapport från skolan", "youth_filter": "nya", "minutes": "500"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Ange 1–240 minuter." in page and 'value="Rapport från skolan"' in page
    assert 'value="500"' in page
    response = client.post_form(
        _url(group, f"/staende-punkter/{items[0].id}"),
        {f"punkt{items[0].id}-title": "", f"punkt{items[0].id}-minutes": "10"},
    )
    assert response.status_code == 400
    assert "Ange punktens rubrik." in response.get_data(as_text=True)
    db_session.expire_all()
    assert [s.title for s in meetings.agenda.standing_items_of(db_session, group.id)] == [
        "Genomgång av aktuella ungdomar",
        "Statistik",
    ]


def test_a_move_with_an_unknown_direction_is_refused(login_as, group_parts, db_session):
    group, _, items = group_parts
    response = login_as("kaa").post_form(
        _url(group, f"/staende-punkter/{items[0].id}/flytta"),
        {"direction": "sidledes", "position": "1"},
    )
    assert response.status_code == 400
    assert "Välj om punkten ska flyttas upp eller ned." in response.get_data(as_text=True)
    db_session.expire_all()
    assert [s.id for s in meetings.agenda.standing_items_of(db_session, group.id)] == [
        items[0].id,
        items[1].id,
    ]


def test_the_forms_need_the_csrf_token(login_as, group_parts, db_session):
    group, members, items = group_parts
    client = login_as("chef")
    assert (
        client.post(_url(group, f"/deltagare/{members['Petra Af'].id}/ta-bort")).status_code == 400
    )
    assert client.post(_url(group, "/staende-punkter"), data={"title": "X"}).status_code == 400
    db_session.expire_all()
    assert db_session.get(GroupMember, members["Petra Af"].id).removed_at is None


def test_a_removed_member_who_attended_is_still_listed_at_that_meeting(
    login_as, group_parts, staff, db_session
):
    group, members, _ = group_parts
    kaa = factories.actor("kaa", staff)
    meeting = meetings.plan_meeting(
        db_session,
        actor=kaa,
        group_id=group.id,
        on=TODAY + timedelta(days=3),
        starts_at=time(13, 0),
        place="Rum Ekbacken",
        standing_item_ids=[],
    )
    meetings.record_attendance(
        db_session,
        actor=kaa,
        meeting_id=meeting.id,
        statuses={members["Petra Af"].id: "narvarande"},
    )
    db_session.commit()
    client = login_as("chef")
    assert (
        client.post_form(_url(group, f"/deltagare/{members['Petra Af'].id}/ta-bort")).status_code
        == 303
    )
    assert (
        client.post_form(
            _url(group, f"/deltagare/{members['Johan Wikström'].id}/ta-bort")
        ).status_code
        == 303
    )

    page = login_as("kaa").get(f"/samverkan/moten/{meeting.id}/protokollfor").get_data(as_text=True)
    assert "Petra Af" in page  # her attendance at this meeting
    assert "Johan Wikström" not in page  # left without attending
    assert f'<option value="{members["Petra Af"].id}">' not in page  # not an assignee
