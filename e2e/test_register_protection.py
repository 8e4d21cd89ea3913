"""A protected identity in the browser: a labour-market officer edits the person at 400 px
without ever being sent the address, and the protection stays."""

from playwright.sync_api import expect

from e2e.conftest import assert_accessible, login, make_person
from kaa_web.models.register import Youth


def test_arbetsmarknad_edits_a_protected_person_without_seeing_the_address(page, server_url, db):
    youth = make_person(
        db, "Skyddad", "Person", 1, protected_identity=True, street_address="Hemliga vägen 1"
    )
    page.set_viewport_size({"width": 400, "height": 900})
    login(page, server_url, "arbetsmarknad")
    page.goto(f"{server_url}/ungdomar/{youth.id}/redigera")
    expect(page.get_by_text("Adressen (även vårdnadshavarnas) är skyddad")).to_be_visible()
    assert "Hemliga vägen 1" not in page.content()
    assert page.get_by_label("Skyddade personuppgifter").count() == 0
    assert_accessible(page)  # which also checks that it reflows without sideways scrolling
    page.get_by_label("Telefon").first.fill("070-765 43 21")
    page.get_by_role("button", name="Spara ändringarna").click()
    expect(page.get_by_text("Ändringarna är sparade.")).to_be_visible()
    assert "Hemliga vägen 1" not in page.content()
    assert_accessible(page)
    db.expire_all()
    stored = db.get(Youth, youth.id)
    assert (stored.protected_identity, stored.street_address, stored.phone) == (
        True,
        "Hemliga vägen 1",
        "070-765 43 21",
    )
