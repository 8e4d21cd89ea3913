"""Consent and orosanmälan pages at request level: ifo follows the consent, errors keep input."""

import io
from datetime import timedelta

from docx import Document
from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.plans import Consent


def _adult(make_youth, **fields):
    return make_youth(birth_date=local_today() - timedelta(days=19 * 365), **fields)


def _consent_form(**overrides) -> dict:
    return {
        "given_by": "ungdomen",
        "parties": ["socialtjansten"],
        "purpose": "Samordna stödet.",
        "given_on": local_today().isoformat(),
        "form": "skriftligt",
        **overrides,
    }


def test_ifo_sees_a_person_with_an_active_consent_and_loses_access_when_it_is_withdrawn(
    login_as, staff, make_youth, db_session
):
    youth = _adult(make_youth, first_name="Sam")
    kaa, ifo = login_as("kaa"), login_as("ifo")
    assert kaa.post_form(f"/ungdomar/{youth.id}/samtycken", _consent_form()).status_code == 303
    assert ifo.get(f"/ungdomar/{youth.id}").status_code == 200
    assert "Sam" in ifo.get("/ungdomar/").get_data(as_text=True)
    consent = db_session.exec(select(Consent)).one()
    withdraw = kaa.post_form(f"/ungdomar/{youth.id}/samtycken/{consent.id}/aterkalla")
    assert withdraw.status_code == 303
    assert ifo.get(f"/ungdomar/{youth.id}").status_code == 404
    assert "Sam Testsson" not in ifo.get("/ungdomar/").get_data(as_text=True)


def test_ifo_with_an_expired_consent_gets_404(login_as, staff, make_youth, db_session, app):
    youth = _adult(make_youth)
    db_session.add(
        Consent(
            youth_id=youth.id,
            given_by="ungdomen",
            social_services=True,
            purpose="Samordna stödet.",
            given_on=local_today() - timedelta(days=60),
            expires_on=local_today() - timedelta(days=1),
            form="muntligt",
        )
    )
    db_session.commit()
    assert login_as("ifo").get(f"/ungdomar/{youth.id}").status_code == 404


def test_ifo_cannot_record_consents_or_plans(login_as, staff, make_youth):
    youth = make_youth()
    login_as("kaa").post_form(
        f"/ungdomar/{youth.id}/orosanmalan",
        {"on": local_today().isoformat(), "recipient": "Socialtjänsten"},
    )
    ifo = login_as("ifo")
    assert ifo.get(f"/ungdomar/{youth.id}").status_code == 200  # what is shared with them
    for page in ("samtycken", "plan", "kartlaggning"):  # KAA's case file is not
        assert ifo.get(f"/ungdomar/{youth.id}/{page}").status_code == 404
    assert ifo.post_form(f"/ungdomar/{youth.id}/samtycken", _consent_form()).status_code == 403
    assert ifo.post_form(f"/ungdomar/{youth.id}/plan", {"goal": "x"}).status_code == 403


def test_a_consent_form_with_errors_keeps_what_was_typed(login_as, staff, make_youth):
    youth = make_youth(birth_date=local_today() - timedelta(days=16 * 365))
    response = login_as("kaa").post_form(
        f"/ungdomar/{youth.id}/samtycken", _consent_form(purpose="Inför studiestart")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Det finns fel i formuläret" in page and "vårdnadshavare" in page
    assert "Inför studiestart" in page


def test_an_orosanmalan_is_recorded_without_its_content_and_its_draft_opens(
    login_as, staff, make_youth, db_session
):
    from kaa_web.models.plans import ConcernReport

    youth = make_youth("Kim", "Exempel")
    kaa = login_as("kaa")
    form = {"on": local_today().isoformat(), "recipient": "Socialtjänsten, mottagningen"}
    assert kaa.post_form(f"/ungdomar/{youth.id}/orosanmalan", form).status_code == 303
    report = db_session.exec(select(ConcernReport)).one()
    assert report.recipient == "Socialtjänsten, mottagningen"
    assert set(ConcernReport.model_fields) == {
        "id",
        "youth_id",
        "on",
        "recipient",
        "staff_id",
        "contact_attempt_id",
        "created_at",
    }
    draft = kaa.post_form(f"/ungdomar/{youth.id}/orosanmalan/utkast", form)
    assert draft.status_code == 303
    text = "\n".join(
        c.text
        for t in Document(io.BytesIO(kaa.get(draft.headers["Location"]).data)).tables
        for r in t.rows
        for c in r.cells
    )
    assert "Kim Exempel" in text
    assert login_as("ifo").get(f"/ungdomar/{youth.id}").status_code == 200
