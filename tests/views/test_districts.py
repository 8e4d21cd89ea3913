"""The districts' admin page at request level: adding, changing, refusals in words."""

from sqlmodel import select

from kaa_web.models.register import District
from kaa_web.services import districts
from kaa_web.services.errors import Invalid


def test_a_district_refused_by_the_service_without_a_field_shows_why(login_as, monkeypatch):
    def refuse(db, **kwargs):
        raise Invalid("Kommundelen kunde inte sparas just nu.")

    monkeypatch.setattr(districts, "save_district", refuse)
    response = login_as("admin").post_form(
        "/admin/kommundelar", {"ny-code": "norra", "ny-name": "Norra"}
    )
    assert response.status_code == 400
    assert "Kommundelen kunde inte sparas just nu." in response.get_data(as_text=True)


def test_admin_manages_the_district_list(login_as, staff, db_session):
    admin = login_as("admin")
    assert admin.post_form(
        "/admin/kommundelar",
        {"ny-code": "hamnen", "ny-name": "Hamnen"},
    ).status_code in (200, 303)
    district = db_session.exec(select(District).where(District.code == "hamnen")).one()
    duplicate = admin.post_form("/admin/kommundelar", {"ny-code": "hamnen", "ny-name": "X"})
    assert duplicate.status_code == 400 and "Koden används redan" in duplicate.get_data(True)
    admin.post_form(
        f"/admin/kommundelar/{district.id}/spara", {"code": "hamnen", "name": "Hamnområdet"}
    )
    db_session.expire_all()
    stored = db_session.get(District, district.id)
    assert (stored.name, stored.active) == ("Hamnområdet", False)
    assert login_as("kaa").get("/admin/kommundelar").status_code == 403
