"""Referrals at request level: ending a measure, monthly reports, another person's referral."""

from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.catalogue import Measure
from kaa_web.models.plans import PlanMeasure
from kaa_web.models.tasks import Task
from kaa_web.services import catalogue as measures_catalogue


def _measure_fields(fields: dict) -> dict:
    """The plan page's measure form, whose fields carry its prefix."""
    return {f"insats-{name}": value for name, value in fields.items()}


def test_an_officer_ends_a_measure_and_approves_a_monthly_report(
    login_as, staff, make_youth, db_session
):
    from kaa_web.models.plans import MonthlyReport, Referral

    measures_catalogue.seed_measures(db_session)
    db_session.commit()
    mia = db_session.exec(select(Measure).where(Measure.name == "MIA VärNa")).one()
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
    measures_catalogue.seed_measures(db_session)
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
