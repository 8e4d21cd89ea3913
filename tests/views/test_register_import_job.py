"""A register extract is applied by the job runner: the preview's button queues it once, its
page shows the progress (with and without JavaScript), and a stopped worker's import is
applied again, exactly once."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today, utcnow
from kaa_web.models.register import ImportBatch, Youth
from kaa_web.rules import personnummer as pnr
from kaa_web.services.register import import_job, importing
from tests import factories


def _extract(n: int = 3) -> bytes:
    rows = [
        f"{pnr.make_valid(local_today() - timedelta(days=6400 + i), 700 + i)};Ny{i};Strand;"
        "studiebevis"
        for i in range(n)
    ]
    return ("personnummer;fornamn;efternamn;orsak\n" + "\n".join(rows) + "\n").encode()


def _preview(client, content: bytes) -> str:
    """The preview page's "Genomför importen" address."""
    page = client.post_form(
        "/ungdomar/import",
        {"file": (io.BytesIO(content), "utdrag.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    return re.search(r'action="(/ungdomar/import/\d+/genomfor)"', page).group(1)


def _people(db_session) -> int:
    db_session.expire_all()
    return len(db_session.exec(select(Youth)).all())


def test_applying_goes_to_the_import_page_and_a_double_click_applies_once(
    login_as, staff, db_session
):
    kaa = login_as("kaa")
    action = _preview(kaa, _extract(3))
    first, second = kaa.post_form(action), kaa.post_form(action)
    assert first.status_code == second.status_code == 303
    assert first.location == second.location == action.removesuffix("/genomfor")
    page = kaa.get(first.location).get_data(as_text=True)
    assert "Importen är genomförd:" in page and "3 nya" in page
    assert "hx-trigger" not in page  # done: nothing left to poll
    assert _people(db_session) == 3
    applied = db_session.exec(
        select(AuditEvent).where(
            AuditEvent.object_type == "import_batch", AuditEvent.action == "update"
        )
    ).all()
    assert len(applied) == 2  # queued once, applied once


def test_a_queued_import_shows_its_progress_with_and_without_javascript(
    login_as, staff, db_session
):
    kaa = login_as("kaa")
    action = _preview(kaa, _extract(2))
    batch_id = int(action.split("/")[-2])
    assert import_job.queue_import(
        db_session, actor=factories.actor("kaa", staff), batch_id=batch_id
    )
    db_session.commit()  # queued, as the button leaves it for a worker
    page = kaa.get(f"/ungdomar/import/{batch_id}").get_data(as_text=True)
    assert "Importen pågår." in page
    assert f'href="/ungdomar/import/{batch_id}">Uppdatera sidan' in page  # without JavaScript
    partial = kaa.get(f"/ungdomar/import/{batch_id}", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in partial.get_data(as_text=True)
    assert "<html" not in partial.get_data(as_text=True)
    assert _people(db_session) == 0  # nothing in the register until the whole file is applied

    import_job.run_import_job(db_session, batch_id=batch_id)
    done = kaa.get(f"/ungdomar/import/{batch_id}", headers={"HX-Request": "true"})
    assert "Importen är genomförd:" in done.get_data(as_text=True)
    assert _people(db_session) == 2
    import_job.run_import_job(db_session, batch_id=batch_id)  # its message again: nothing more
    assert _people(db_session) == 2


def test_a_worker_stopped_mid_import_leaves_nothing_and_the_import_is_applied_again_once(
    app, staff, db_session
):
    kaa = factories.actor("kaa", staff)
    preview = importing.preview_import(
        db_session, actor=kaa, filename="utdrag.csv", content=_extract(4)
    )
    import_job.queue_import(db_session, actor=kaa, batch_id=preview.batch_id)
    db_session.commit()
    batch = import_job._claim(db_session, preview.batch_id)  # a worker starts …
    importing.import_rows(db_session, actor=kaa, content=batch.content)
    db_session.rollback()  # … and is killed before it commits: PostgreSQL rolls it back
    assert _people(db_session) == 0

    with app.app_context():
        import_job.resume_stalled_imports(db_session)  # within the lease: still its worker's
        assert _people(db_session) == 0
        db_session.exec(
            sa.update(ImportBatch)
            .where(ImportBatch.id == preview.batch_id)
            .values(applied_at=utcnow() - timedelta(minutes=5))
        )
        db_session.commit()
        import_job.resume_stalled_imports(db_session)  # enqueued again (immediate: run now)
    assert _people(db_session) == 4
    assert db_session.get(ImportBatch, preview.batch_id, populate_existing=True).status == (
        "genomford"
    )


def test_an_import_page_is_for_those_who_import(login_as, staff, db_session):
    kaa = login_as("kaa")
    action = _preview(kaa, _extract(1))
    progress = action.removesuffix("/genomfor")
    assert login_as("chef").get(progress).status_code == 403
    assert login_as("chef").post_form(action).status_code == 403
    assert kaa.get("/ungdomar/import/999999").status_code == 404


@pytest.mark.parametrize("status", ["utgangen"])
def test_an_expired_preview_cannot_be_queued(login_as, staff, db_session, status):
    kaa = login_as("kaa")
    action = _preview(kaa, _extract(1))
    batch = db_session.get(ImportBatch, int(action.split("/")[-2]))
    batch.status = status
    db_session.add(batch)
    db_session.commit()
    response = kaa.post_form(action)
    assert response.location == "/ungdomar/import"
    assert "har gått ut" in kaa.get(response.location).get_data(as_text=True)
    assert _people(db_session) == 0
