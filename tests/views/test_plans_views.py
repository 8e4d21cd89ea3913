"""Plans pages at request level: access per role (ifo and consent), forms, conflicts, documents."""

import io
import re
from datetime import timedelta

import pytest
from docx import Document
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.plans import Consent, Plan, PlanMeasure
from kaa_web.models.tasks import Task
from kaa_web.services import plans


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


def test_an_officer_makes_a_plan_adds_measures_and_sends_a_referral(
    login_as, staff, make_youth, db_session
):
    plans.seed_measures(db_session)
    db_session.commit()
    hälso = db_session.exec(
        select(plans.Measure).where(plans.Measure.name == "Hälsoträdgården")
    ).one()
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


def _forms_of(page: str) -> dict[str, str]:
    """Each form's HTML by its action."""
    return dict(re.findall(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', page, re.S))


def test_each_form_on_a_plan_page_labels_its_own_fields(login_as, staff, make_youth, db_session):
    plans.seed_measures(db_session)
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


def test_admin_manages_the_measures_catalogue(login_as, staff, db_session):
    admin = login_as("admin")
    assert admin.get("/admin/insatser").status_code == 200
    assert login_as("kaa").get("/admin/insatser").status_code == 403
    response = admin.post_form(
        "/admin/insatser",
        {
            "name": "Sommarjobb",
            "category": "arbetsinriktad",
            "first_contact_days": "10",
            "min_age": "16",
            "active": "y",
        },
    )
    assert response.status_code == 303
    assert "Sommarjobb" in admin.get("/admin/insatser").get_data(as_text=True)
    bad = admin.post_form("/admin/insatser", {"name": "", "category": ""})
    assert bad.status_code == 400 and "Det finns fel i formuläret" in bad.get_data(as_text=True)


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


def test_an_officer_ends_a_measure_and_approves_a_monthly_report(
    login_as, staff, make_youth, db_session
):
    from kaa_web.models.plans import MonthlyReport, Referral

    plans.seed_measures(db_session)
    db_session.commit()
    mia = db_session.exec(select(plans.Measure).where(plans.Measure.name == "MIA VärNa")).one()
    youth = make_youth()
    kaa = login_as("kaa")
    today = local_today().isoformat()
    kaa.post_form(f"/ungdomar/{youth.id}/plan", {"goal": "Jobba.", "agreed_on": today})
    kaa.post_form(
        f"/ungdomar/{youth.id}/plan/insatser",
        _measure_fields(
            {
                "measure_id": str(mia.id),
                "responsible": "annan",
                "start_on": today,
                "agreed_on": today,
            }
        ),
    )
    measure = db_session.exec(select(PlanMeasure)).one()
    kaa.post_form(f"/ungdomar/{youth.id}/plan/insatser/{measure.id}/uppdrag", {"sent_on": today})
    referral = db_session.exec(select(Referral)).one()
    report = db_session.exec(select(MonthlyReport)).one()
    assert (
        kaa.post_form(
            f"/ungdomar/{youth.id}/uppdrag/{referral.id}/forsta-kontakt", {"on": today}
        ).status_code
        == 303
    )
    assert (
        kaa.post_form(
            f"/ungdomar/{youth.id}/uppdrag/rapporter/{report.id}/godkann", {"on": today}
        ).status_code
        == 303
    )
    missing = kaa.post_form(
        f"/ungdomar/{youth.id}/plan/insatser/{measure.id}/avsluta", {"ended_on": today}
    )
    assert missing.status_code == 400 and "Välj orsak" in missing.get_data(as_text=True)
    ended = kaa.post_form(
        f"/ungdomar/{youth.id}/plan/insatser/{measure.id}/avsluta",
        {"ended_on": today, "reason": "genomford", "occupation_after": "arbete"},
    )
    assert ended.status_code == 303
    page = kaa.get(f"/ungdomar/{youth.id}/plan").get_data(as_text=True)
    assert "Genomförd enligt plan" in page and "godkänd" in page
    db_session.expire_all()
    assert db_session.get(PlanMeasure, measure.id).occupation_after == "arbete"
    open_tasks = db_session.exec(select(Task).where(Task.done_at.is_(None))).all()
    assert [t.kind for t in open_tasks] == []


def test_another_youths_referral_is_404(login_as, staff, make_youth, db_session):
    plans.seed_measures(db_session)
    db_session.commit()
    one, other = make_youth(), make_youth()
    kaa = login_as("kaa")
    today = local_today().isoformat()
    kaa.post_form(f"/ungdomar/{one.id}/plan", {"goal": "Mål.", "agreed_on": today})
    kaa.post_form(
        f"/ungdomar/{one.id}/plan/insatser",
        _measure_fields(
            {
                "title": "Praktik",
                "responsible": "annan",
                "responsible_actor": "Exempel AB",
                "start_on": today,
                "agreed_on": today,
            }
        ),
    )
    measure = db_session.exec(select(PlanMeasure)).one()
    response = kaa.post_form(
        f"/ungdomar/{other.id}/plan/insatser/{measure.id}/uppdrag", {"sent_on": today}
    )
    assert response.status_code == 404


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
