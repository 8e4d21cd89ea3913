"""Consent services against the real database: scope, who consents, expiry, withdrawal, SIP."""

from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.plans import ConcernReport
from kaa_web.models.register import ContactAttempt, TimelineEntry, Youth
from kaa_web.services import consents
from kaa_web.services.access import youth_visibility
from kaa_web.services.errors import Invalid
from kaa_web.services.plans import mapping
from tests import factories

IFO = factories.actor("ifo")


@pytest.fixture
def kaa(staff):
    return factories.actor("kaa", staff)


def _adult(make_youth):
    return make_youth(birth_date=local_today() - timedelta(days=19 * 365))


def _consent(**overrides) -> consents.ConsentData:
    values = dict(
        given_by="ungdomen",
        parties=frozenset({"socialtjansten"}),
        purpose="Samordna stödet.",
        given_on=local_today(),
        form="skriftligt",
    )
    return consents.ConsentData(**{**values, **overrides})


def _ifo_sees(db, youth_id, today=None) -> bool:
    query = select(Youth.id).where(Youth.id == youth_id, youth_visibility(IFO, today))
    return db.exec(query).first() is not None


def test_ifo_sees_a_person_only_while_a_social_services_consent_is_in_force(
    db_session, kaa, make_youth
):
    youth = _adult(make_youth)
    assert not _ifo_sees(db_session, youth.id)
    expires = local_today() + timedelta(days=30)
    consent = consents.record_consent(
        db_session, actor=kaa, youth=youth, data=_consent(expires_on=expires)
    )
    db_session.commit()
    assert _ifo_sees(db_session, youth.id)
    assert not _ifo_sees(db_session, youth.id, today=expires + timedelta(days=1))
    consents.withdraw_consent(db_session, actor=kaa, youth=youth, consent_id=consent.id)
    db_session.commit()
    assert not _ifo_sees(db_session, youth.id)


def test_a_consent_not_covering_social_services_gives_ifo_nothing(db_session, kaa, make_youth):
    youth = _adult(make_youth)
    consents.record_consent(
        db_session, actor=kaa, youth=youth, data=_consent(parties=frozenset({"regionen"}))
    )
    db_session.commit()
    assert not _ifo_sees(db_session, youth.id)


def test_an_orosanmalan_records_date_recipient_and_officer_and_lets_ifo_see(
    db_session, kaa, make_youth
):
    youth = make_youth()
    report = consents.record_orosanmalan(
        db_session, actor=kaa, youth=youth, on=local_today(), recipient="Socialtjänsten"
    )
    db_session.commit()
    row = db_session.get(ConcernReport, report.id)
    assert (row.on, row.recipient, row.staff_id) == (local_today(), "Socialtjänsten", kaa.staff_id)
    assert db_session.exec(
        select(ContactAttempt.kind).where(ContactAttempt.youth_id == youth.id)
    ).all() == ["orosanmalan"]
    assert _ifo_sees(db_session, youth.id)


def test_a_guardian_consents_for_someone_under_18_and_the_young_person_from_18(
    db_session, kaa, make_youth
):
    minor = make_youth(birth_date=local_today() - timedelta(days=16 * 365))
    with pytest.raises(Invalid, match="vårdnadshavare"):
        consents.record_consent(db_session, actor=kaa, youth=minor, data=_consent())
    with pytest.raises(Invalid, match="vårdnadshavare"):
        consents.record_consent(
            db_session, actor=kaa, youth=minor, data=_consent(given_by="vardnadshavare")
        )
    consent = consents.record_consent(
        db_session,
        actor=kaa,
        youth=minor,
        data=_consent(given_by="vardnadshavare", guardian_name="Anna Exempel"),
    )
    assert consent.guardian_name == "Anna Exempel"
    adult = _adult(make_youth)
    with pytest.raises(Invalid, match="själv"):
        consents.record_consent(
            db_session,
            actor=kaa,
            youth=adult,
            data=_consent(given_by="vardnadshavare", guardian_name="X"),
        )


def test_a_consent_to_a_school_names_the_school(db_session, kaa, make_youth):
    youth = _adult(make_youth)
    with pytest.raises(Invalid, match="skola"):
        consents.record_consent(
            db_session, actor=kaa, youth=youth, data=_consent(parties=frozenset({"skola"}))
        )
    consent = consents.record_consent(
        db_session,
        actor=kaa,
        youth=youth,
        data=_consent(parties=frozenset({"skola"}), school_name="Exempelgymnasiet"),
    )
    db_session.commit()
    assert consents.parties_of(consent) == ["Exempelgymnasiet"]
    titles = db_session.exec(select(TimelineEntry.title)).all()
    assert any("Samtycke (skriftligt)" in t and "Exempelgymnasiet" in t for t in titles)


def test_a_sip_is_suggested_with_two_agencies_and_a_consent(db_session, kaa, make_youth):
    youth = _adult(make_youth)
    mapping.save_mapping(
        db_session,
        actor=kaa,
        youth=youth,
        data=mapping.MappingData(
            on=local_today(),
            occupation="ingen",
            agencies=frozenset({"arbetsformedlingen", "varden"}),
        ),
    )

    def suggestion():
        return consents.sip_for(db_session, youth.id, consents.consents_of(db_session, youth.id))

    assert suggestion() is None
    consent = consents.record_consent(db_session, actor=kaa, youth=youth, data=_consent())
    assert suggestion() == ["Arbetsförmedlingen", "BUP/vården"]
    assert consents.person_summary(db_session, youth.id).sip_agencies == suggestion()
    consents.withdraw_consent(db_session, actor=kaa, youth=youth, consent_id=consent.id)
    assert suggestion() is None


def test_only_one_consent_covering_every_party_and_the_school_counts(db_session, kaa, make_youth):
    both, apart, school, expired = (_adult(make_youth) for _ in range(4))
    today = local_today()
    wide = frozenset({"socialtjansten", "arbetsformedlingen"})
    factories.consent(db_session, kaa, both, parties=wide)
    factories.consent(db_session, kaa, apart, parties={"socialtjansten"})
    factories.consent(db_session, kaa, apart, parties={"arbetsformedlingen"})
    factories.consent(db_session, kaa, school, parties={"skola"}, school_name=" Exempelgymnasiet")
    factories.consent(
        db_session,
        kaa,
        expired,
        parties=wide,
        given_on=today - timedelta(days=60),
        expires_on=today - timedelta(days=1),
    )
    everyone = [both.id, apart.id, school.id, expired.id]

    def covered(parties, schools=()):
        return consents.covered_by_one_consent(
            db_session, everyone, parties=parties, schools=schools, on=today
        )

    assert covered(wide) == {both.id}  # two consents for other purposes do not add up
    assert covered({"socialtjansten"}) == {both.id, apart.id}
    assert covered((), ["exempelgymnasiet "]) == {school.id}
    assert covered((), ["Exempelgymnasiet", "Fiktiva Friskolan"]) == set()  # one school a consent
    assert covered((), [""]) == set()  # a school with no name is no school
    assert covered({"socialtjansten"}, ["Exempelgymnasiet"]) == set()
    query = select(Youth.id).where(Youth.id.in_(everyone))
    assert consents.covered_by_one_consent(db_session, query, parties=wide, on=today) == {both.id}
