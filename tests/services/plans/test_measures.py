"""The plan's measures against the real database: age limits, declined offers, closing."""

from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.plans import PlanMeasure, PlanRevision
from kaa_web.models.tasks import Task
from kaa_web.services import register
from kaa_web.services.errors import Invalid
from kaa_web.services.plans import measures, referrals


def test_age_limits_in_the_catalogue_are_checked(
    db_session, kaa, make_youth, catalogue, agree_plan, add_measure
):
    youth = make_youth(birth_date=local_today() - timedelta(days=int(16.5 * 365)))
    agree_plan(youth)
    with pytest.raises(Invalid, match="från 18 år"):
        add_measure(
            youth,
            title="",
            responsible="annan",
            measure_id=catalogue["Jobbpeng grund"].id,
        )


def test_declined_offers_are_recorded_for_scb(db_session, kaa, make_youth, catalogue):
    youth = make_youth()
    measures.record_declined_offer(
        db_session,
        actor=kaa,
        youth=youth,
        measure_id=catalogue["Komvux (dispens under 20 år)"].id,
        on=local_today(),
    )
    db_session.commit()
    [(offer, name)] = measures.declined_offers(db_session, youth.id)
    assert name == "Komvux (dispens under 20 år)" and offer.on == local_today()


def test_closing_records_the_result_and_ends_open_measures_with_a_reason(
    db_session, kaa, make_youth, catalogue, agree_plan, add_measure
):
    youth = make_youth()
    agree_plan(youth)
    measure = add_measure(
        youth, title="", responsible="annan", measure_id=catalogue["MIA VärNa"].id
    )
    referrals.make_referral(
        db_session, actor=kaa, youth=youth, plan_measure_id=measure.id, sent_on=local_today()
    )
    db_session.commit()
    register.deregister_youth(
        db_session, actor=kaa, youth_id=youth.id, reason="nationellt_program", result="studier"
    )
    db_session.commit()
    closed = register.current_period(db_session, youth.id)
    assert (closed.deregistration_reason, closed.deregistration_result) == (
        "nationellt_program",
        "studier",
    )
    row = db_session.get(PlanMeasure, measure.id)
    assert (row.end_reason, row.occupation_after) == ("avregistrerad", "studier")
    assert db_session.exec(select(Task).where(Task.done_at.is_(None))).all() == []
    assert db_session.exec(select(PlanRevision).order_by(PlanRevision.revision.desc())).first()
