"""The demo's history: years of periods that hold together as the register's own rules say."""

from collections import Counter, defaultdict

from sqlmodel import select

from kaa_web.demo.history import seed_history
from kaa_web.models.base import local_today
from kaa_web.models.plans import PlanMeasure
from kaa_web.models.register import ContactAttempt, RegistrationPeriod, Youth


def test_the_demo_history_has_people_who_left_and_came_back_and_holds_together(db_session, staff):
    seed_history(db_session, count=60, seed=7)
    db_session.commit()
    people = {y.id: y for y in db_session.exec(select(Youth)).all()}
    periods = defaultdict(list)
    for p in db_session.exec(select(RegistrationPeriod).order_by(RegistrationPeriod.registered_on)):
        periods[p.youth_id].append(p)
    assert len(people) == 60 and set(periods) == set(people)
    for youth_id, own in periods.items():
        assert [p.latest for p in own] == [False] * (len(own) - 1) + [True]
        for earlier, later in zip(own, own[1:], strict=False):
            assert earlier.deregistered_on <= later.registered_on  # one stretch after another
        assert (people[youth_id].status == "aktiv") == (own[-1].deregistered_on is None)
    closed = [p for own in periods.values() for p in own if p.deregistered_on]
    assert closed and all(p.deregistration_reason and p.deregistration_result for p in closed)
    assert any(len(own) > 1 for own in periods.values())  # someone came back
    assert any(p.deregistered_on is None for own in periods.values() for p in own)
    assert {p.registered_on.year for own in periods.values() for p in own} >= {
        local_today().year - 2,
        local_today().year - 1,
    }
    autumn = Counter(p.registered_on.month in (8, 9) for own in periods.values() for p in own)
    assert autumn[True] > autumn[False] / 3  # evenly spread, two months would be 1/5 of the rest
    contacts = db_session.exec(select(ContactAttempt)).all()
    assert contacts and max(c.on for c in contacts) <= local_today()
    assert db_session.exec(select(PlanMeasure).where(PlanMeasure.ended_on.is_not(None))).first()
    seed_history(db_session, count=60, seed=7)  # idempotent
    assert len(db_session.exec(select(Youth.id)).all()) == 60
