"""The gallring page (/admin/gallring): counts and reasons without names, for admin only; a
double click starts one run; anonymised people show as "Gallrad" and cannot be opened."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.plans import Plan, PlanMeasure
from kaa_web.models.retention import RetentionRun
from tests import factories

TODAY = local_today()
LONG_AGO = TODAY - timedelta(days=2000)  # past the default 1826 days of the register


@pytest.fixture
def histories(db_session):
    """Gunnar goes; Åke came back (open case); Ina's measure never ended."""
    db = db_session
    old = dict(registered_on=LONG_AGO - timedelta(days=300), deregistered_on=LONG_AGO)
    gunnar = factories.history(
        db, [old], birth_date=date(2003, 5, 20), first_name="Gunnar", last_name="Gammal"
    )
    ake = factories.history(
        db,
        [old, dict(registered_on=TODAY - timedelta(days=30))],
        birth_date=date(2009, 2, 3),
        first_name="Åke",
        last_name="Åter",
    )
    ina = factories.history(
        db, [old], birth_date=date(2003, 11, 30), first_name="Ina", last_name="Insats"
    )
    plan = Plan(youth_id=ina.id, agreed_on=LONG_AGO - timedelta(days=100))
    db.add(plan)
    db.flush()
    db.add(
        PlanMeasure(
            plan_id=plan.id,
            youth_id=ina.id,
            title="Praktik",
            responsible="kommunen",
            start_on=plan.agreed_on,
        )
    )
    db.commit()
    return gunnar, ake, ina


def cell(page, row_heading: str) -> str:
    found = page.document.xpath(f"//tr[th[contains(., '{row_heading}')]]/td")
    return found[-1].text_content().strip()


def test_admin_sees_what_the_next_run_does_and_who_is_held_back_but_no_names(
    client_request, histories
):
    page = client_request.as_("admin").get("retention.index")
    assert cell(page, "Personuppgifter: namn") == "1"
    assert cell(page, "Pågående ärende") == "1"
    assert cell(page, "Pågående insats") == "1"
    assert "1 826 dagar" in page.text or "1826 dagar" in page.text
    for name in ("Gunnar", "Gammal", "Åke", "Ina", "Insats"):
        assert name not in page.html


@pytest.mark.parametrize("role", ["kaa", "arbetsmarknad", "ifo", "skola", "chef"])
def test_no_one_but_admin_opens_the_page_or_starts_a_run(client_request, db_session, role):
    pages = client_request.as_(role)
    pages.get("retention.index", status=403)
    response = pages.client.post_form(pages.url("retention.start"), {})
    assert response.status_code == 403
    assert db_session.exec(select(RetentionRun)).all() == []


def test_a_double_click_on_run_now_starts_one_run(client_request, db_session, histories):
    gunnar, ake, ina = histories
    admin = client_request.as_("admin")
    form = admin.get("retention.index").form()
    form.submit()
    form.submit()  # the same form's code again
    other_tab = admin.get("retention.index").form()
    other_tab.submit()  # a new code: the run is done, so this is a second, empty run
    made = db_session.exec(select(RetentionRun).order_by(RetentionRun.id)).all()
    assert len(made) == 2 and [r.status for r in made] == ["done", "done"]
    page = admin.get("retention.index")
    assert "Klar" in page.text and cell(page, "Personuppgifter: namn") == "0"
    db_session.expire_all()
    assert db_session.get(type(gunnar), gunnar.id).status == "gallrad"
    assert db_session.get(type(ake), ake.id).first_name == "Åke"
    assert db_session.get(type(ina), ina.id).first_name == "Ina"


def test_an_anonymised_person_is_gallrad_in_the_list_and_cannot_be_opened(
    client_request, histories
):
    gunnar, _, _ = histories
    client_request.as_("admin").get("retention.index").form().submit()
    url = client_request.url("register.index") + "?status=gallrad"
    listing = client_request.check(client_request.client.get(url), 200)
    assert "Gallrad" in listing.text and "Gunnar" not in listing.html
    assert client_request.url("register.person", youth_id=gunnar.id) not in listing.html
    client_request.get("register.person", youth_id=gunnar.id, status=404)
