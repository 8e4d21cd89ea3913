"""The person page at request level: who sees what, the read logged, what social services see."""

from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.register import Youth
from kaa_web.rules import personnummer as pnr
from tests.views.register.helpers import shared_with_ifo


def test_chef_reads_but_cannot_register_or_edit(login_as, staff, make_youth):
    youth = make_youth()
    chef = login_as("chef")
    assert chef.get(chef.url("register.person", youth_id=youth.id)).status_code == 200
    assert chef.get(chef.url("register.new")).status_code == 403
    assert chef.get(chef.url("register.edit", youth_id=youth.id)).status_code == 403


def test_person_page_shows_why_covered_and_the_next_step_and_logs_the_read(
    login_as, staff, make_youth, db_session
):
    youth = make_youth("Alva", "Öberg", registration_reason="studiebevis")
    page = login_as("kaa").get(f"/ungdomar/{youth.id}").get_data(as_text=True)
    assert "Alva Öberg" in page
    assert "Lämnade med studiebevis" in page
    assert "Skicka brev" in page
    assert pnr.display(youth.personnummer) in page
    views = db_session.exec(
        select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.youth_id == youth.id)
    ).all()
    assert [v.username for v in views] == ["kaa"]


def test_unknown_or_hidden_person_is_404_and_logged(login_as, staff, make_youth, db_session):
    youth = make_youth()
    assert login_as("ifo").get(f"/ungdomar/{youth.id}").status_code == 404
    assert login_as("kaa").get("/ungdomar/999999").status_code == 404
    denied = db_session.exec(select(AuditEvent).where(AuditEvent.action == "denied")).all()
    assert {d.username for d in denied} == {"ifo", "kaa"}


def test_protected_address_is_shown_to_kaa_only(login_as, staff, make_youth):
    youth = make_youth(protected_identity=True, street_address="Hemliga vägen 1")
    assert "Hemliga vägen 1" in login_as("kaa").get(f"/ungdomar/{youth.id}").get_data(True)
    for role in ("arbetsmarknad", "chef"):
        assert "Hemliga vägen 1" not in login_as(role).get(f"/ungdomar/{youth.id}").get_data(True)


def test_deregistering_shows_on_the_person_page(login_as, staff, make_youth, db_session):
    youth = make_youth()
    kaa = login_as("kaa")
    assert (
        kaa.post_form(
            kaa.url("register.deregister", youth_id=youth.id),
            {"reason": "examen", "result": "studier"},
        ).status_code
        == 303
    )
    assert "Avregistrerad" in kaa.get(kaa.url("register.person", youth_id=youth.id)).get_data(
        as_text=True
    )
    db_session.expire_all()
    assert db_session.get(Youth, youth.id).next_step is None


def test_the_person_page_names_a_deactivated_officer(login_as, staff, make_youth, db_session):
    officer = staff["kaa2"]
    youth = make_youth(officer_id=officer.id)
    officer.active = False
    db_session.add(officer)
    db_session.commit()
    page = login_as("kaa").get(f"/ungdomar/{youth.id}").get_data(as_text=True)
    assert officer.display_name in page


def test_ifo_sees_what_the_consent_covers_not_the_kaa_case_file(
    login_as, staff, make_youth, db_session
):
    youth = shared_with_ifo(login_as, staff, make_youth, db_session)
    ifo = login_as("ifo")
    page = ifo.get(ifo.url("register.person", youth_id=youth.id)).get_data(as_text=True)
    assert "Samordna stödet inför studiestart." in page  # the purpose it is shared for
    assert "070-555 12 34" in page and "Delgatan 4" in page  # the contact details it needs
    assert pnr.mask(youth.personnummer) in page
    assert pnr.display(youth.personnummer) not in page  # masked: not their case file
    for case_file in ("Praktik via Arbetsförmedlingen.", "Hemligt", "Sms", "Brev", "Nästa steg"):
        assert case_file not in page
    views = db_session.exec(
        select(AuditEvent).where(AuditEvent.username == "ifo", AuditEvent.action == "view")
    ).all()
    assert [v.youth_id for v in views] == [youth.id]


def test_ifo_with_only_an_orosanmalan_sees_that_it_was_made_but_no_contact_details(
    login_as, staff, make_youth
):
    youth = make_youth("Oskar", "Anmäld", phone="070-999 00 11")
    login_as("kaa").post_form(
        f"/ungdomar/{youth.id}/orosanmalan",
        {"on": local_today().isoformat(), "recipient": "Socialtjänsten, mottagningen"},
    )
    page = login_as("ifo").get(f"/ungdomar/{youth.id}").get_data(as_text=True)
    assert "till Socialtjänsten, mottagningen" in page
    assert "070-999 00 11" not in page
    assert "Kontaktuppgifter visas bara medan ett samtycke" in page
