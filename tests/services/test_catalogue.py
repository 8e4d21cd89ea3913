"""The measures catalogue against the real database: seeding, who manages it, addresses."""

import pytest
from sqlmodel import select

from kaa_web.models.catalogue import Measure
from kaa_web.services import catalogue as measures_catalogue
from kaa_web.services.errors import Invalid
from tests import factories

ADMIN = factories.actor("admin")


@pytest.fixture
def kaa(staff):
    return factories.actor("kaa", staff)


@pytest.fixture
def catalogue(db_session):
    measures_catalogue.seed_measures(db_session)
    db_session.commit()
    return {m.name: m for m in measures_catalogue.list_measures(db_session)}


def test_the_catalogue_is_seeded_with_the_domains_examples_once(db_session, catalogue):
    assert "Studieförberedande praktik" in catalogue
    assert catalogue["Studieförberedande praktik"].max_age == 17
    assert catalogue["Jobbpeng grund"].min_age == 18
    assert all(m.first_contact_days == 14 for m in catalogue.values())
    measures_catalogue.seed_measures(db_session)
    db_session.commit()
    assert len(db_session.exec(select(Measure)).all()) == len(catalogue)


def test_only_admin_manages_the_catalogue(db_session, kaa):
    with pytest.raises(PermissionError):
        measures_catalogue.save_measure(
            db_session, actor=kaa, data=measures_catalogue.MeasureData(name="X")
        )
    admin = factories.actor("admin")
    row = measures_catalogue.save_measure(
        db_session,
        actor=admin,
        data=measures_catalogue.MeasureData(name="Sommarjobb", category="arbetsinriktad"),
    )
    db_session.commit()
    assert row.first_contact_days == 14 and row.active


def test_a_providers_address_is_whole_or_not_given(db_session):
    data = measures_catalogue.MeasureData(
        name="Praktik hos Exempel AB",
        provider="Exempel AB",
        provider_street_address="Verkstadsgatan 12",
        category="arbetsinriktad",
    )
    with pytest.raises(Invalid) as refused:
        measures_catalogue.save_measure(db_session, actor=ADMIN, data=data)
    assert set(refused.value.field_errors) == {"provider_postal_code", "provider_city"}
