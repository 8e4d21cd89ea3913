"""What the register page tests share: the new-person form, counting reads, a person shared
with social services."""

from datetime import timedelta

from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.rules import personnummer as pnr
from tests import factories


def new_youth_form(**overrides):
    number = pnr.make_valid(local_today() - timedelta(days=6400), 555)
    return {
        "personnummer": number,
        "first_name": "Sam",
        "last_name": "Nord",
        "registration_reason": "aldrig_borjat",
        "registration_source": "egen_kontakt",
        **overrides,
    }


def views_of(db_session, youth) -> int:
    db_session.expire_all()
    query = select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.youth_id == youth.id)
    return len(db_session.exec(query).all())


def shared_with_ifo(login_as, staff, make_youth, db_session):
    """An adult with a consent to social services, one to Arbetsförmedlingen only, a letter
    and an unanswered sms with a note: the case file IFO must not see."""
    from kaa_web.services import consents

    youth = make_youth(
        "Ines",
        "Delad",
        birth_date=local_today() - timedelta(days=19 * 365),
        phone="070-555 12 34",
        street_address="Delgatan 4",
        contacts=[("brev", local_today() - timedelta(days=30), None)],
    )
    kaa = login_as("kaa")
    kaa.post_form(
        kaa.url("register.contact", youth_id=youth.id),
        {"kind": "sms", "on": local_today().isoformat(), "outcome": "ej_nadd", "note": "Hemligt"},
    )
    actor = factories.actor("kaa", staff)
    for parties, purpose in (
        ({"socialtjansten"}, "Samordna stödet inför studiestart."),
        ({"arbetsformedlingen"}, "Praktik via Arbetsförmedlingen."),
    ):
        consents.record_consent(
            db_session,
            actor=actor,
            youth=youth,
            data=consents.ConsentData(
                given_by="ungdomen",
                parties=frozenset(parties),
                purpose=purpose,
                given_on=local_today(),
                form="skriftligt",
            ),
        )
    db_session.commit()
    return youth
