"""The Administration section: its start page and the menu's one current section."""


def test_the_overview_links_every_page_admin_keeps_and_is_for_admin_only(login_as):
    page = login_as("admin").get("/admin/").get_data(as_text=True)
    for address in ("/admin/kommundelar", "/admin/insatser", "/admin/granskningslogg"):
        assert f'href="{address}"' in page
    assert login_as("kaa").get("/admin/").status_code == 403


def test_the_menu_marks_one_current_section(login_as):
    admin = login_as("admin")
    for url, current in (
        ("/admin/granskningslogg", "Granskningslogg"),
        ("/admin/kommundelar", "Administration"),
        ("/admin/insatser", "Administration"),
    ):
        nav = admin.get(url).get_data(as_text=True).split('aria-label="Huvudmeny"')[1]
        nav = nav.split("</nav>")[0]
        assert nav.count('aria-current="page"') == 1
        assert f'aria-current="page">{current}<' in nav
