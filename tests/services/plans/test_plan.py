"""The plan against the real database: reaching the person, revisions, tasks, stale edits."""

from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.register import TimelineEntry, Youth
from kaa_web.models.tasks import Task
from kaa_web.services import outreach
from kaa_web.services.errors import EditConflict
from kaa_web.services.plans import measures, plan


def test_agreeing_a_plan_counts_as_reaching_the_young_person(
    db_session, kaa, make_youth, agree_plan
):
    youth = make_youth(registered_on=local_today() - timedelta(days=60))
    assert youth.next_step == "brev"
    agree_plan(youth, agreed_on=local_today() - timedelta(days=30))
    db_session.commit()
    assert db_session.get(Youth, youth.id).next_step == "kartlaggning"
    for days_ago in (22, 15, 8, 1):  # never answers again: still not sent back to outreach
        outreach.record_contact(
            db_session,
            actor=kaa,
            youth=youth,
            data=outreach.ContactData(
                kind="telefon", on=local_today() - timedelta(days=days_ago), outcome="ej_nadd"
            ),
        )
    db_session.commit()
    assert db_session.get(Youth, youth.id).next_step == "kartlaggning"


def test_a_plan_has_revisions_whenever_its_measures_change(
    db_session, kaa, make_youth, agree_plan, add_measure
):
    youth = make_youth()
    agreed = agree_plan(youth)
    add_measure(youth)
    db_session.commit()
    row = add_measure(youth, title="Praktik", responsible="kommunen")
    measures.end_plan_measure(
        db_session,
        actor=kaa,
        youth=youth,
        plan_measure_id=row.id,
        ended_on=local_today(),
        reason="genomford",
        occupation_after="arbete",
    )
    db_session.commit()
    revisions = plan.plan_revisions(db_session, agreed)
    assert [r["revision"] for r in revisions] == [4, 3, 2, 1]
    assert revisions[0]["data"]["measures"][1]["end_reason"] == "genomford"
    assert revisions[-1]["data"]["measures"] == []
    assert all(r["agreed_on"] == local_today() for r in revisions)
    entries = db_session.exec(select(TimelineEntry.title).where(TimelineEntry.kind == "plan")).all()
    assert any("insats avslutad" in t for t in entries)


def test_plan_follow_up_and_evaluation_dates_become_worklist_tasks(
    db_session, kaa, make_youth, agree_plan
):
    youth = make_youth()
    agreed = agree_plan(youth)
    db_session.commit()
    open_tasks = db_session.exec(
        select(Task).where(Task.source_type == "plan", Task.done_at.is_(None))
    ).all()
    assert sorted(t.due for t in open_tasks) == [agreed.follow_up_on, agreed.evaluation_on]
    agree_plan(youth, follow_up_on=local_today() + timedelta(days=10))
    db_session.commit()
    open_tasks = db_session.exec(
        select(Task).where(Task.source_type == "plan", Task.done_at.is_(None))
    ).all()
    assert local_today() + timedelta(days=10) in [t.due for t in open_tasks]
    assert len(open_tasks) == 2


def test_a_stale_plan_edit_is_a_conflict(db_session, kaa, make_youth, agree_plan):
    youth = make_youth()
    agree_plan(youth)
    db_session.commit()
    data = plan.PlanData(goal="Nytt mål", agreed_on=local_today())
    plan.save_plan(db_session, actor=kaa, youth=youth, data=data, version=1)
    db_session.commit()
    with pytest.raises(EditConflict):
        plan.save_plan(db_session, actor=kaa, youth=youth, data=data, version=1)


def test_the_demo_seeds_plans_referrals_and_consents_once(db_session, staff):
    from kaa_web.demo import seed_demo
    from kaa_web.models.plans import Consent, Mapping, Plan, Referral

    seed_demo(db_session)
    counts = [len(db_session.exec(select(t)).all()) for t in (Mapping, Plan, Referral, Consent)]
    assert all(counts) and counts[1] == counts[2]
    seed_demo(db_session)
    again = [len(db_session.exec(select(t)).all()) for t in (Mapping, Plan, Referral, Consent)]
    assert again == counts
