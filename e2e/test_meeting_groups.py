"""Chef changes a collaboration group: renames it, removes a member, adds a standing item."""

import re

from playwright.sync_api import expect
from sqlmodel import select

from e2e.conftest import assert_accessible, login
from kaa_web.models.auth import StaffUser
from tests import factories


def _group(db):
    staff = {s.username: s for s in db.exec(select(StaffUser)).all()}
    return factories.group(db, staff)  # ifo and Petra Af from Arbetsförmedlingen


def test_chef_renames_a_group_removes_a_member_and_adds_a_standing_item(page, server_url, db):
    page.on("dialog", lambda dialog: dialog.accept())  # "Ta bort … ur gruppen?"
    _group(db)
    login(page, server_url, "chef", check_accessibility=False)
    page.goto(f"{server_url}/samverkan")
    page.get_by_role("link", name="Samverkansgruppen KAA").click()
    page.get_by_role("link", name="Ändra gruppen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ändra gruppen")
    assert_accessible(page)

    page.get_by_label("Gruppens namn").fill("Samverkansgruppen Norr")
    page.get_by_role("button", name="Spara inställningarna").click()
    expect(page.get_by_text("Gruppen är ändrad.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Samverkansgruppen Norr")

    members = page.locator("section", has=page.get_by_role("heading", name="Deltagare"))
    members.get_by_role("button", name=re.compile(r"^Ta bort ur gruppen\W+Petra Af$")).click()
    expect(page.get_by_text("Deltagaren är borttagen ur gruppen.")).to_be_visible()
    expect(members).not_to_contain_text("Petra Af")
    expect(members).to_contain_text("Ingrid Sjöberg")

    new_item = page.locator("form", has=page.get_by_role("button", name="Lägg till punkten"))
    new_item.get_by_label("Rubrik").fill("Statistik")
    new_item.get_by_label("Beräknad tid (minuter)").fill("15")
    new_item.get_by_role("button", name="Lägg till punkten").click()
    expect(page.get_by_text("Punkten är tillagd.")).to_be_visible()
    standing = page.locator("section", has=page.get_by_role("heading", name="Stående punkter"))
    expect(standing).to_contain_text("Statistik · 15 min")
    assert_accessible(page)

    page.get_by_role("link", name="← Samverkansgruppen Norr").click()
    expect(page.locator("main")).not_to_contain_text("Petra Af")
    expect(page.locator("main")).to_contain_text("Statistik")
    assert_accessible(page)
