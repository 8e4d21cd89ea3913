"""Administration pages: districts, and the menu's one current section."""

from kaa_web.services import admin as admin_service
from kaa_web.services.errors import Invalid


def test_a_district_refused_by_the_service_without_a_field_shows_why(login_as, monkeypatch):
    def refuse(db, **kwargs):
        raise Invalid("Kommundelen kunde inte sparas just nu.")

    monkeypatch.setattr(admin_service, "save_district", refuse)
    response = login_as("admin").post_form(
        "/admin/kommundelar", {"ny-code": "norra", "ny-name": "Norra"}
    )
    assert response.status_code == 400
    assert "Kommundelen kunde inte sparas just nu." in response.get_data(as_text=True)


def test_the_menu_marks_one_current_section(login_as):
    admin = login_as("admin")
    for url, current in (
        ("/admin/granskningslogg", "Granskningslogg"),
        ("/admin/kommundelar", "Administration"),
    ):
        nav = admin.get(url).get_data(as_text=True).split('aria-label="Huvudmeny"')[1]
        nav = nav.split("</nav>")[0]
        assert nav.count('aria-current="page"') == 1
        assert f'aria-current="page">{current}<' in nav
