"""Worklist tasks: created by features, shown to the right people, completed once."""

from datetime import timedelta

import pytest

from kaa_web.models.base import local_today
from kaa_web.services import tasks
from kaa_web.services.errors import NotFound
from tests import factories


def test_a_task_shows_for_its_assignee_until_completed(db_session, staff, make_youth):
    kaa = factories.actor("kaa", staff)
    youth = make_youth()
    task = tasks.create_task(
        db_session,
        actor=kaa,
        kind="mote_skola",
        title="Boka möte",
        due=local_today() + timedelta(days=3),
        youth_id=youth.id,
        assigned_to=staff["kaa"].id,
    )
    db_session.commit()
    rows = tasks.tasks_due(db_session, actor=kaa, scope="mina", today=local_today())
    assert [(r.id, r.kind_label, r.youth_name) for r in rows] == [
        (task.id, "Möte med skolan", "Test Testsson")
    ]
    assert (
        tasks.tasks_due(
            db_session, actor=factories.actor("kaa2", staff), scope="mina", today=local_today()
        )
        == []
    )
    tasks.complete_task(db_session, actor=kaa, task_id=task.id)
    db_session.commit()
    assert tasks.tasks_due(db_session, actor=kaa, scope="alla", today=local_today()) == []


def test_tasks_later_than_fourteen_days_wait(db_session, staff):
    kaa = factories.actor("kaa", staff)
    tasks.create_task(
        db_session,
        actor=kaa,
        kind="ovrigt",
        title="Senare",
        due=local_today() + timedelta(days=15),
        assigned_to=staff["kaa"].id,
    )
    db_session.commit()
    assert tasks.tasks_due(db_session, actor=kaa, scope="mina", today=local_today()) == []


def test_a_task_about_someone_hidden_from_the_user_cannot_be_completed(
    db_session, staff, make_youth
):
    kaa = factories.actor("kaa", staff)
    task = tasks.create_task(
        db_session, actor=kaa, kind="ovrigt", title="X", due=local_today(), youth_id=make_youth().id
    )
    db_session.commit()
    with pytest.raises(NotFound):
        tasks.complete_task(db_session, actor=factories.actor("ifo", staff), task_id=task.id)


def test_closing_a_sources_tasks(db_session, staff):
    kaa = factories.actor("kaa", staff)
    tasks.create_task(
        db_session,
        actor=kaa,
        kind="manadsrapport",
        title="Rapport",
        due=local_today(),
        source=("referral", 7),
    )
    db_session.commit()
    assert tasks.close_tasks_for(db_session, actor=kaa, source_type="referral", source_id=7) == 1
    db_session.commit()
    assert tasks.tasks_due(db_session, actor=kaa, scope="alla", today=local_today()) == []


def test_the_worklist_page_lists_and_completes_a_task(login_as, staff, db_session):
    kaa = factories.actor("kaa", staff)
    task = tasks.create_task(
        db_session,
        actor=kaa,
        kind="atgardspunkt",
        title="Ring skolan",
        due=local_today(),
        assigned_to=staff["kaa"].id,
    )
    db_session.commit()
    client = login_as("kaa")
    assert "Ring skolan" in client.get("/att-gora/").get_data(as_text=True)
    assert (
        client.post_form(f"/att-gora/uppgifter/{task.id}/klar", {"vy": "mina"}).status_code == 303
    )
    assert "Ring skolan" not in client.get("/att-gora/").get_data(as_text=True)
