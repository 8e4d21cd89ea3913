"""Districts against the real database: only admin keeps the list, codes stay unique, logged."""

import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.services import districts
from kaa_web.services.errors import Invalid
from tests import factories

ADMIN = factories.actor("admin")


def test_only_admin_keeps_the_district_list(db_session, staff):
    with pytest.raises(PermissionError):
        districts.save_district(
            db_session, actor=factories.actor("kaa", staff), code="hamnen", name="Hamnen"
        )
    with pytest.raises(PermissionError):
        districts.districts_page(db_session, actor=factories.actor("kaa", staff))


def test_a_district_is_added_renamed_and_deactivated_each_change_logged(db_session):
    made = districts.save_district(db_session, actor=ADMIN, code=" Hamnen ", name="Hamnen")
    districts.save_district(
        db_session,
        actor=ADMIN,
        code="hamnen",
        name="Hamnområdet",
        active=False,
        district_id=made.id,
    )
    db_session.commit()
    listed = {d.code: d for d in districts.districts_page(db_session, actor=ADMIN)}
    assert (listed["hamnen"].name, listed["hamnen"].active) == ("Hamnområdet", False)
    logged = db_session.exec(
        select(AuditEvent.action).where(AuditEvent.object_type == "district")
    ).all()
    assert logged == ["create", "update"]


def test_two_districts_never_share_a_code(db_session):
    districts.save_district(db_session, actor=ADMIN, code="hamnen", name="Hamnen")
    with pytest.raises(Invalid) as refused:
        districts.save_district(db_session, actor=ADMIN, code="HAMNEN", name="Annan")
    assert refused.value.field_errors == {"code": "Koden används redan."}
