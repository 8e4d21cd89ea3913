"""The mapping page at request level: the warning, saving, conflicts, errors that keep the input."""

from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today


def test_mapping_page_shows_the_sensitive_data_warning_and_saves(
    login_as, staff, make_youth, db_session
):
    youth = make_youth()
    kaa = login_as("kaa")
    page = kaa.get(f"/ungdomar/{youth.id}/kartlaggning").get_data(as_text=True)
    assert "Skriv inte känsliga personuppgifter" in page
    response = kaa.post_form(
        f"/ungdomar/{youth.id}/kartlaggning",
        {
            "on": local_today().isoformat(),
            "occupation": "ingen",
            "goals": "Vill jobba med djur.",
            "agencies": ["arbetsformedlingen", "lss"],
        },
    )
    assert response.status_code == 303
    page = kaa.get(f"/ungdomar/{youth.id}/kartlaggning").get_data(as_text=True)
    assert "Vill jobba med djur." in page and "version 1" in page


def test_a_stale_mapping_edit_is_a_conflict_that_keeps_the_typed_text(login_as, staff, make_youth):
    youth = make_youth()
    kaa = login_as("kaa")
    base = {"on": local_today().isoformat(), "occupation": "ingen"}
    kaa.post_form(f"/ungdomar/{youth.id}/kartlaggning", {**base, "goals": "Första"})
    kaa.post_form(f"/ungdomar/{youth.id}/kartlaggning", {**base, "goals": "Andra", "version": "1"})
    response = kaa.post_form(
        f"/ungdomar/{youth.id}/kartlaggning", {**base, "goals": "Mitt nya mål", "version": "1"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Någon annan har sparat ändringar" in page
    assert "Mitt nya mål" in page and "Andra" in page


def test_a_mapping_returned_with_errors_logs_the_read_and_chef_may_not_save(
    login_as, staff, make_youth, db_session
):
    youth = make_youth()
    response = login_as("kaa").post_form(
        f"/ungdomar/{youth.id}/kartlaggning", {"on": "inte ett datum", "occupation": "ingen"}
    )
    assert response.status_code == 400 and youth.full_name in response.get_data(as_text=True)
    views = db_session.exec(
        select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.youth_id == youth.id)
    ).all()
    assert len(views) == 1
    chef = login_as("chef")
    assert chef.get(f"/ungdomar/{youth.id}/kartlaggning").status_code == 200
    assert chef.post_form(f"/ungdomar/{youth.id}/kartlaggning", {}).status_code == 403
