"""The register list against the real database: search by name and number, filters, logging."""

from datetime import timedelta

from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.register import District
from kaa_web.rules import personnummer as pnr
from kaa_web.services import register
from tests import factories


def actor(staff, username="kaa", roles=("kaa",)):
    return factories.actor(username, staff, roles=roles)


def _search(db_session, staff, text, **filters):
    return register.list_youth(
        db_session, actor=actor(staff), filters=register.ListFilter(search=text, **filters)
    )


def test_search_by_name_prefix_number_and_birth_date(db_session, staff, make_youth):
    alva = make_youth("Alva", "Öberg")
    make_youth("Bo", "Alvarsson")
    make_youth("Cecilia", "Berg")
    assert {r.name for r in _search(db_session, staff, "alv").rows} == {
        "Alva Öberg",
        "Bo Alvarsson",
    }
    assert [r.name for r in _search(db_session, staff, "ÖBERG alva").rows] == ["Alva Öberg"]
    assert [r.name for r in _search(db_session, staff, alva.personnummer).rows] == ["Alva Öberg"]
    short = pnr.display(alva.personnummer)[2:]
    assert [r.name for r in _search(db_session, staff, short).rows] == ["Alva Öberg"]
    by_date = _search(db_session, staff, alva.personnummer[2:8]).rows
    assert "Alva Öberg" in {r.name for r in by_date}
    assert all(r.masked_pnr.endswith("-XXXX") for r in by_date)


def test_two_words_are_a_first_and_a_last_name_in_either_order(db_session, staff, make_youth):
    make_youth("Erik", "Eriksson")
    make_youth("Anna", "Eriksson")
    make_youth("Theo", "Lindberg")
    make_youth("Theodor", "Lind")

    def names(text):
        return {r.name for r in _search(db_session, staff, text).rows}

    # every Eriksson would bury the one sought among hundreds in a large register
    assert names("Erik Eriksson") == names("eriksson ERIK") == {"Erik Eriksson"}
    assert names("Theo Lind") == {"Theo Lindberg", "Theodor Lind"}
    assert names("Lind Theo") == {"Theo Lindberg", "Theodor Lind"}
    assert names("Theo Eriksson") == set()
    assert names("Theo Lind Lindberg") == {"Theo Lindberg"}  # a third word narrows further
    assert names("eriks") == {"Erik Eriksson", "Anna Eriksson"}


def test_a_search_is_audit_logged_but_its_text_is_not(db_session, staff, make_youth):
    alva = make_youth("Alva", "Öberg")
    _search(db_session, staff, "Öberg")
    db_session.commit()
    searches = db_session.exec(select(AuditEvent).where(AuditEvent.action == "search")).all()
    assert {s.youth_id for s in searches} == {None, alva.id}  # the search, and who it found
    logged = " ".join(str(v) for s in searches for v in s.model_dump().values())
    assert "berg" not in logged.lower()


def test_an_invalid_number_search_gives_a_swedish_message(db_session, staff):
    page = _search(db_session, staff, "200601152383")
    assert page.rows == [] and "kontrollsiffra" in page.search_error


def test_like_wildcards_in_a_search_match_literally(db_session, staff, make_youth):
    make_youth("Alva", "Öberg")
    assert _search(db_session, staff, "a %").rows == []
    assert _search(db_session, staff, "_").rows == []


def test_filters_by_officer_district_and_due(db_session, staff, make_youth):
    today = local_today()
    centrum = db_session.exec(select(District).where(District.code == "centrum")).one().id
    mine = make_youth(
        "Mina",
        "Ungdom",
        officer_id=staff["kaa"].id,
        district_id=centrum,
        registered_on=today - timedelta(days=40),
    )
    make_youth("Annans", "Ungdom", officer_id=staff["kaa2"].id, registered_on=today)
    rows = _search(db_session, staff, "", officer="mig").rows
    assert [r.id for r in rows] == [mine.id]
    assert [r.id for r in _search(db_session, staff, "", district_id=centrum).rows] == [mine.id]
    overdue = _search(db_session, staff, "", due="forfallna").rows
    assert [r.id for r in overdue] == [mine.id]  # letter due 30 days after registration
