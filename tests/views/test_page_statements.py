"""What a page costs the database: the register list reads its officers once, and a signed-in
request reads its session on the request's own connection."""

from __future__ import annotations

import sqlalchemy as sa


def _statements(engine, request) -> tuple[list[str], int]:
    """The statements run and the connections checked out while `request()` is served."""
    seen, checkouts = [], []
    listeners = (
        (engine, "before_cursor_execute", lambda *args: seen.append(args[2])),
        (engine.pool, "checkout", lambda *args: checkouts.append(1)),
    )
    for target, name, listener in listeners:
        sa.event.listen(target, name, listener)
    try:
        assert request().status_code == 200
    finally:
        for target, name, listener in listeners:
            sa.event.remove(target, name, listener)
    return seen, len(checkouts)


def test_the_register_list_reads_the_officers_once_for_both_its_selects(
    app, login_as, staff, make_youth
):
    make_youth("Ada", "Lind", officer_id=staff["kaa"].id)
    kaa = login_as("kaa")
    kaa.get("/ungdomar/")  # the session's row touched: the next request only reads it
    seen, checkouts = _statements(app.extensions["kaa_engine"], lambda: kaa.get("/ungdomar/"))
    staff_reads = [s for s in seen if "FROM staff_user" in s and "JOIN" not in s]
    assert len(staff_reads) == 1
    assert checkouts == 2  # the session and the page on one; the menu after the commit
    page = kaa.get("/ungdomar/").get_data(as_text=True)
    name = staff["kaa"].display_name
    assert page.count(f">{name}</option>") == 2  # in the filter and in the assign form
