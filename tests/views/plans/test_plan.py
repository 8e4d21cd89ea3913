"""The plan page at request level: who may open it, its forms, measures, the plan document."""

import io
import re
from datetime import timedelta

import pytest
from docx import Document
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.catalogue import Measure
from kaa_web.models.plans import Plan, PlanMeasure
from kaa_web.models.tasks import Task
from kaa_web.services import catalogue as measures_catalogue


def _adult(make_youth, **fields):
    return make_youth(birth_date=local_today() - timedelta(days=19 * 365), **fields)


def _measure_fields(fields: dict) -> dict:
    """The plan page's measure form, whose fields carry its prefix."""
    return {f"insats-{name}": value for name, value in fields.items()}


def _consent_form(**overrides) -> dict:
    return {
        "given_by": "ungdomen",
        "parties": ["socialtjansten"],
        "purpose": "Samordna stödet.",
        "given_on": local_today().isoformat(),
        "form": "skriftligt",
        **overrides,
    }


def _forms_of(page: str) -> dict[str, str]:
    """Each form's HTML by its action."""
    return dict(re.findall(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', page, re.S))


@pytest.mark.parametrize(
    ("role", "status"),
    [("kaa", 200), ("arbetsmarknad", 200), ("chef", 200), ("skola", 403), ("admin", 403)],
)
def test_who_may_open_a_persons_plan_mapping_and_consents(
    login_as, staff, make_youth, role, status
):
    youth = make_youth()
    client = login_as(role)
    for page in ("plan", "kartlaggning", "samtycken"):
        assert client.get(f"/ungdomar/{youth.id}/{page}").status_code == status


def test_chef_reads_the_plan_but_cannot_change_it(login_as, staff, make_youth):
    youth = make_youth()
    chef = login_as("chef")
    response = chef.post_form(
        f"/ungdomar/{youth.id}/plan", {"goal": "x", "agreed_on": local_today().isoformat()}
    )
    assert response.status_code == 403
    assert "Spara planen" not in chef.get(f"/ungdomar/{youth.id}/plan").get_data(as_text=True)


def test_ifo_without_consent_gets_404_and_the_refusal_is_logged(
    login_as, staff, make_youth, db_session
):
    youth = _adult(make_youth)
    ifo = login_as("ifo")
    for url in (f"/ungdomar/{youth.id}", f"/ungdomar/{youth.id}/plan"):
        assert ifo.get(url).status_code == 404
    denied = db_session.exec(select(AuditEvent).where(AuditEvent.action == "denied")).all()
    assert {d.username for d in denied} == {"ifo"}


def test_an_officer_makes_a_plan_adds_measures_and_sends_a_referral(
    login_as, staff, make_youth, db_session
):
    measures_catalogue.seed_measures(db_session)
    db_session.commit()
    hälso = db_session.exec(select(Measure).where(Measure.name == "Hälsoträdgården")).one()
    youth = make_youth()
    kaa = login_as("kaa")
    today = local_today().isoformat()
    assert (
        kaa.post_form(
            f"/ungdomar/{youth.id}/plan",
            {"goal": "Börja på Komvux.", "agreed_on": today, "follow_up_on": today},
        ).status_code
        == 303
    )
    for data in (
        {"title": "Söka till Komvux", "responsible": "ungdomen"},
        {"measure_id": str(hälso.id), "responsible": "annan"},
    ):
        response = kaa.post_form(
            f"/ungdomar/{youth.id}/plan/insatser",
            _measure_fields({**data, "start_on": today, "agreed_on": today}),
        )
        assert response.status_code == 303
    measure = db_session.exec(select(PlanMeasure).where(PlanMeasure.measure_id == hälso.id)).one()
    response = kaa.post_form(
        f"/ungdomar/{youth.id}/plan/insatser/{measure.id}/uppdrag", {"sent_on": today}
    )
    assert response.status_code == 303
    page = kaa.get(f"/ungdomar/{youth.id}/plan").get_data(as_text=True)
    due = (local_today() + timedelta(days=14)).isoformat()
    assert "Hälsoträdgården" in page and due in page
    assert db_session.exec(select(Plan)).one().revision == 3
    assert (
        db_session.exec(select(Task).where(Task.kind == "forsta_kontakt")).one().due.isoformat()
        == due
    )
    worklist = kaa.get("/att-gora/?vy=alla").get_data(as_text=True)
    assert "Anordnarens första kontakt" in worklist

    document = kaa.post_form(f"/ungdomar/{youth.id}/plan/dokument")
    assert document.status_code == 303
    download = kaa.get(document.headers["Location"])
    text = "\n".join(
        c.text for t in Document(io.BytesIO(download.data)).tables for r in t.rows for c in r.cells
    )
    assert "Söka till Komvux" in text and "Hälsoträdgården" in text


def test_each_form_on_a_plan_page_labels_its_own_fields(login_as, staff, make_youth, db_session):
    measures_catalogue.seed_measures(db_session)
    db_session.commit()
    youth = make_youth()
    kaa = login_as("kaa")
    kaa.post_form(f"/ungdomar/{youth.id}/plan", {"goal": "Jobba.", "agreed_on": local_today()})
    page = kaa.get(f"/ungdomar/{youth.id}/plan").get_data(as_text=True)
    forms = _forms_of(page)
    measure_form = forms[f"/ungdomar/{youth.id}/plan/insatser"]
    declined_form = forms[f"/ungdomar/{youth.id}/plan/avbojda"]
    assert re.search(
        r'<label[^>]*for="([^"]+)"[^>]*>Överenskommet datum \(ny revision\)</label>', measure_form
    )
    for html in forms.values():  # a label focuses the field of its own form
        for target in re.findall(r'<label[^>]*for="([^"]+)"', html):
            assert f'id="{target}"' in html and page.count(f'id="{target}"') == 1, target
    assert 'id="insats-measure_id"' in measure_form and 'id="avbojt-measure_id"' in declined_form
    assert '<h2 id="insatser">Insatser</h2>' in page and "2–6." not in page  # plain headings


def test_adding_a_measure_before_the_plan_exists_says_so(login_as, staff, make_youth):
    youth = make_youth()
    response = login_as("kaa").post_form(
        f"/ungdomar/{youth.id}/plan/insatser",
        _measure_fields(
            {
                "title": "Praktik",
                "responsible": "kommunen",
                "start_on": local_today().isoformat(),
                "agreed_on": local_today().isoformat(),
            }
        ),
    )
    assert response.status_code == 400
    assert "Upprätta planen" in response.get_data(as_text=True)


def test_the_person_page_links_to_the_case_and_suggests_a_sip(login_as, staff, make_youth):
    youth = _adult(make_youth)
    kaa = login_as("kaa")
    kaa.post_form(
        f"/ungdomar/{youth.id}/kartlaggning",
        {
            "on": local_today().isoformat(),
            "occupation": "ingen",
            "agencies": ["arbetsformedlingen", "forsakringskassan"],
        },
    )
    page = kaa.get(f"/ungdomar/{youth.id}").get_data(as_text=True)
    assert "Kartläggning, plan och samtycken" in page and "Föreslå en SIP" not in page
    kaa.post_form(f"/ungdomar/{youth.id}/samtycken", _consent_form())
    assert "Föreslå en SIP" in kaa.get(f"/ungdomar/{youth.id}").get_data(as_text=True)


def test_deregistering_asks_for_the_result(login_as, staff, make_youth):
    youth = make_youth()
    response = login_as("kaa").post_form(f"/ungdomar/{youth.id}/avregistrera", {"reason": "examen"})
    assert response.status_code == 400
    assert "Välj vad ungdomen gör" in response.get_data(as_text=True)


def test_a_measure_added_from_a_stale_plan_page_is_refused_and_kept(
    login_as, staff, make_youth, db_session
):
    youth = make_youth()
    kaa = login_as("kaa")
    today = local_today().isoformat()
    kaa.post_form(f"/ungdomar/{youth.id}/plan", {"goal": "Jobba.", "agreed_on": today})
    stale = db_session.exec(select(Plan).where(Plan.youth_id == youth.id)).one().version
    kaa.post_form(
        f"/ungdomar/{youth.id}/plan",
        {"goal": "Jobba mer.", "agreed_on": today, "version": str(stale)},
    )
    response = kaa.post_form(
        f"/ungdomar/{youth.id}/plan/insatser",
        _measure_fields(
            {
                "title": "Praktik på förskola",
                "responsible": "ungdomen",
                "start_on": today,
                "agreed_on": today,
                "version": str(stale),
            }
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Någon annan har sparat ändringar" in page
    assert 'value="Praktik på förskola"' in page
    assert db_session.exec(select(PlanMeasure).where(PlanMeasure.youth_id == youth.id)).all() == []
