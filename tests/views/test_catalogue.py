"""The measures catalogue's admin page at request level."""


def test_admin_manages_the_measures_catalogue(login_as, staff, db_session):
    admin = login_as("admin")
    assert admin.get("/admin/insatser").status_code == 200
    assert login_as("kaa").get("/admin/insatser").status_code == 403
    response = admin.post_form(
        "/admin/insatser",
        {
            "name": "Sommarjobb",
            "category": "arbetsinriktad",
            "first_contact_days": "10",
            "min_age": "16",
            "active": "y",
        },
    )
    assert response.status_code == 303
    assert "Sommarjobb" in admin.get("/admin/insatser").get_data(as_text=True)
    bad = admin.post_form("/admin/insatser", {"name": "", "category": ""})
    assert bad.status_code == 400 and "Det finns fel i formuläret" in bad.get_data(as_text=True)
