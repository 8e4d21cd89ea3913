"""Registration periods on the register's pages: every period on the person page, registering
again by hand, and the extract preview naming those who come back."""

import io
from datetime import timedelta

from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.register import Youth
from kaa_web.services import register
from tests import factories

TODAY = local_today()


def _left(db_session, staff, make_youth, **fields):
    """A person registered 300 days ago who started a national programme 100 days ago."""
    person = make_youth(
        "Bo",
        "Åter",
        registered_on=TODAY - timedelta(days=300),
        registration_reason="studiebevis",
        **fields,
    )
    register.deregister_youth(
        db_session,
        actor=factories.actor("kaa", staff),
        youth_id=person.id,
        reason="nationellt_program",
        on=TODAY - timedelta(days=100),
        result="studier",
    )
    db_session.commit()
    return person


def _period_rows(page) -> list[list[str]]:
    table = page.document.xpath("//section[@aria-labelledby='perioder']//tbody/tr")
    return [[" ".join(td.text_content().split()) for td in tr.xpath("td")] for tr in table]


def test_the_person_page_lists_every_period_and_registering_again_adds_one(
    client_request, staff, make_youth, db_session
):
    person = _left(db_session, staff, make_youth)
    page = client_request.get("register.person", youth_id=person.id)
    left = [
        (TODAY - timedelta(days=300)).isoformat(),
        "Lämnade med studiebevis",
        "Registerutdrag",
        (TODAY - timedelta(days=100)).isoformat(),
        "Har börjat nationellt program",
        "Studier",
    ]
    assert _period_rows(page) == [left]
    saved = page.form(button="Registrera igen").submit(
        {"registration_reason": "avbrott_nationellt", "registration_source": "skolanmalan"}
    )
    again = client_request.follow(saved)
    assert "Ungdomen är registrerad i KAA igen." in again.text
    assert _period_rows(again) == [
        [TODAY.isoformat(), "Avbrott på nationellt program", "Anmälan från skola", "Pågår"],
        left,
    ]
    assert "Registrerad i KAA igen, återkommer" in again.text
    assert "2:e gången i KAA" in again.text
    db_session.expire_all()
    assert db_session.get(Youth, person.id).status == "aktiv"


def test_a_refused_registration_again_comes_back_with_what_was_typed(
    client_request, staff, make_youth, db_session
):
    person = _left(db_session, staff, make_youth)
    page = client_request.get("register.person", youth_id=person.id)
    early = (TODAY - timedelta(days=150)).isoformat()
    refused = page.form(button="Registrera igen").submit(
        {
            "registration_reason": "inflyttad",
            "registration_source": "egen_kontakt",
            "registered_on": early,
        },
        status=400,
    )
    assert "kan inte börja före den förra avregistreringen" in refused.text
    fields = refused.form(button="Registrera igen").fields
    assert (fields["registration_reason"], fields["registered_on"]) == ("inflyttad", early)
    assert len(register.periods_of(db_session, person.id)) == 1


def test_only_a_deregistered_person_is_offered_registering_again(client_request, staff, make_youth):
    person = make_youth()
    page = client_request.get("register.person", youth_id=person.id)
    assert "Registrera igen" not in page.text
    assert "Pågår" in " ".join(" ".join(row) for row in _period_rows(page))
    client_request.post(
        "register.register_again",
        {"registration_reason": "annan", "registration_source": "annan"},
        youth_id=person.id,
        status=400,
    )


def test_a_reader_without_write_access_cannot_register_again(
    login_as, staff, make_youth, db_session
):
    person = _left(db_session, staff, make_youth)
    chef = login_as("chef")
    assert "Registrera igen" not in chef.get(
        chef.url("register.person", youth_id=person.id)
    ).get_data(as_text=True)
    response = chef.post_form(
        f"/ungdomar/{person.id}/registrera-igen",
        {"registration_reason": "annan", "registration_source": "annan"},
    )
    assert response.status_code == 403
    assert len(register.periods_of(db_session, person.id)) == 1


def test_the_extract_preview_says_who_comes_back(login_as, staff, make_youth, db_session):
    person = _left(db_session, staff, make_youth)
    csv = (
        f"personnummer;fornamn;efternamn;orsak\n{person.personnummer};Bo;Åter;avbrott_nationellt\n"
    ).encode()
    kaa = login_as("kaa")
    preview = kaa.post_form(
        kaa.url("register.import_extract"),
        {"file": (io.BytesIO(csv), "utdrag.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "som återkommer och registreras igen (ny period): <strong>1</strong>" in preview
    assert "Bo Åter</a> återkommer: avbrott på nationellt program" in preview
    assert db_session.exec(select(Youth.status).where(Youth.id == person.id)).one() == (
        "avregistrerad"
    )  # the preview changes nothing
