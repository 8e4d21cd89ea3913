"""The stored next step: the nightly refresh recomputes it."""



from kaa_web.models.base import local_today
from kaa_web.models.register import Youth
from kaa_web.services import outreach


def test_nightly_refresh_recomputes_the_stored_steps(db_session, make_youth):
    youth = make_youth()
    youth.next_step, youth.next_step_due = "hembesok", local_today()
    db_session.add(youth)
    db_session.commit()
    assert outreach.refresh_all(db_session, today=local_today()) == 1
    assert db_session.get(Youth, youth.id).next_step == "brev"
