"""Fixtures of the plans service tests: an officer, the catalogue, a plan and its measures."""

from datetime import timedelta

import pytest

from kaa_web.models.base import local_today
from kaa_web.models.catalogue import Measure
from kaa_web.services import catalogue as measures_catalogue
from kaa_web.services.plans import measures, plan
from tests import factories


@pytest.fixture
def kaa(staff):
    return factories.actor("kaa", staff)


@pytest.fixture
def catalogue(db_session):
    """The seeded measures catalogue, by name."""
    measures_catalogue.seed_measures(db_session)
    db_session.commit()
    return {m.name: m for m in measures_catalogue.list_measures(db_session)}


@pytest.fixture
def agree_plan(db_session, kaa):
    """`agree_plan(youth, **overrides)`: the person's plan with a goal, follow-up and evaluation."""

    def agree(youth, **overrides):
        data = plan.PlanData(
            goal="Börja på Komvux i höst.",
            agreed_on=local_today(),
            follow_up_on=local_today() + timedelta(days=30),
            evaluation_on=local_today() + timedelta(days=90),
        )
        for key, value in overrides.items():
            setattr(data, key, value)
        return plan.save_plan(db_session, actor=kaa, youth=youth, data=data)

    return agree


@pytest.fixture
def add_measure(db_session, kaa):
    """`add_measure(youth, **overrides)`: a measure the young person takes on, added to the plan."""

    def add(youth, **overrides):
        values = dict(
            title="Söka till Komvux",
            responsible="ungdomen",
            start_on=local_today(),
            agreed_on=local_today(),
        )
        data = measures.PlanMeasureData(**{**values, **overrides})
        return measures.add_plan_measure(db_session, actor=kaa, youth=youth, data=data)

    return add


@pytest.fixture
def planned(agree_plan, add_measure):
    """`planned(youth, measure)`: a plan with one catalogue measure, run by its provider."""

    def plan_with(youth, measure: Measure, **overrides):
        agree_plan(youth)
        return add_measure(youth, title="", responsible="annan", measure_id=measure.id, **overrides)

    return plan_with
