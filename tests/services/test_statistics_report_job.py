"""A nämnd report made on the job runner: one unfinished job per report, its progress stored
as it goes, the document recording what it was made from, taken over when its worker falls
silent, and nothing stored by a job that failed or lost its claim."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from docx import Document
from sqlmodel import Session, select

from kaa_web.models.base import LOCAL_TZ, utcnow
from kaa_web.models.documents import GeneratedDocument
from kaa_web.models.statistics import NamndReport, NamndReportJob
from kaa_web.services import documents as document_service
from kaa_web.services.statistics import report as reports
from kaa_web.services.statistics import report_job
from tests import factories


@pytest.fixture
def chef(staff):
    return factories.actor("chef", staff)


@pytest.fixture
def report(db_session, chef):
    factories.history(
        db_session, [dict(registered_on=date(2026, 1, 5))], birth_date=date(2009, 3, 1)
    )
    found = reports.open_report(db_session, actor=chef, kind="t1", year=2026)
    texts = {"omfattning": {"analys": "Fler nya i januari.", "utveckling": ""}}
    reports.save_texts(db_session, actor=chef, report=found, texts=texts, version=1)
    db_session.commit()
    return found


def _job(db_session, job_id: int) -> NamndReportJob:
    db_session.expire_all()
    return db_session.get(NamndReportJob, job_id)


def test_asking_twice_while_the_report_is_made_gives_the_same_job(db_session, chef, report):
    first = report_job.request_report(db_session, actor=chef, report=report, limit=5)
    db_session.commit()
    second = report_job.request_report(db_session, actor=chef, report=report, limit=3)
    assert second.id == first.id and second.min_cell == 5
    assert len(db_session.exec(select(NamndReportJob)).all()) == 1


def test_a_second_unfinished_job_for_one_report_is_refused_by_the_database(
    db_session, chef, report
):
    report_job.request_report(db_session, actor=chef, report=report, limit=5)
    db_session.commit()
    db_session.add(NamndReportJob(report_id=report.id, min_cell=5, created_by="chef"))
    with pytest.raises(sa.exc.IntegrityError):
        db_session.flush()
    db_session.rollback()


def test_the_worker_makes_the_document_with_the_period_setting_and_data_time(
    db_session, chef, report
):
    job = report_job.request_report(db_session, actor=chef, report=report, limit=5)
    db_session.commit()
    before = utcnow()
    report_job.run_report_job(db_session, job_id=job.id)

    job = _job(db_session, job.id)
    stored = db_session.get(NamndReport, report.id)
    assert (job.status, job.phase, job.attempts, job.error) == ("ready", "", 1, "")
    assert job.document_id == stored.document_id
    assert (stored.period_start, stored.period_end) == (date(2026, 1, 1), date(2026, 4, 30))
    assert stored.settings == "KAA_STATS_MIN_CELL=5" and stored.data_at >= before
    word = Document(io.BytesIO(db_session.get(GeneratedDocument, job.document_id).content))
    rows = {row.cells[0].text: row.cells[1].text for t in word.tables for row in t.rows}
    assert rows["Period"] == "2026-01-01 – 2026-04-30"
    assert rows["Uppgifterna hämtade"] == stored.data_at.astimezone(LOCAL_TZ).strftime(
        "%Y-%m-%d %H:%M"
    )
    assert rows["Små tal"].startswith("Antal under 5 visas som <5")
    assert "Fler nya i januari." in "\n".join(p.text for p in word.paragraphs)
    report_job.run_report_job(db_session, job_id=job.id)  # a message delivered twice: no-op
    assert len(db_session.exec(select(GeneratedDocument)).all()) == 1


def test_each_phase_is_stored_for_the_page_while_the_worker_goes_on(
    db_session, chef, report, monkeypatch
):
    job = report_job.request_report(db_session, actor=chef, report=report, limit=5)
    db_session.commit()
    seen = []
    real = document_service.generate_statistics_report

    def watched(db, **kwargs):
        with Session(db.get_bind()) as other:  # what the page reads meanwhile
            seen.append(other.get(NamndReportJob, job.id).phase)
        return real(db, **kwargs)

    monkeypatch.setattr(document_service, "generate_statistics_report", watched)
    report_job.run_report_job(db_session, job_id=job.id)
    assert seen == ["Skapar Word-dokumentet"]
    assert _job(db_session, job.id).status == "ready"


def test_a_failing_job_stores_no_document_and_says_so(db_session, chef, report, monkeypatch):
    job = report_job.request_report(db_session, actor=chef, report=report, limit=5)
    db_session.commit()

    def broken(db, **kwargs):
        raise RuntimeError("the template broke")

    monkeypatch.setattr(document_service, "generate_statistics_report", broken)
    report_job.run_report_job(db_session, job_id=job.id)
    job = _job(db_session, job.id)
    assert job.status == "failed" and "Utkastet är sparat" in job.error
    assert db_session.get(NamndReport, report.id).document_id is None
    assert db_session.exec(select(GeneratedDocument)).all() == []
    again = report_job.request_report(db_session, actor=chef, report=report, limit=5)
    assert again.id != job.id and again.status == "queued"  # it can be asked for again


def test_a_worker_that_lost_its_job_to_another_stores_nothing(
    db_session, chef, report, monkeypatch
):
    job = report_job.request_report(db_session, actor=chef, report=report, limit=5)
    db_session.commit()
    real = document_service.generate_statistics_report

    def taken_over_meanwhile(db, **kwargs):
        with Session(db.get_bind()) as other:
            other.exec(sa.update(NamndReportJob).values(worker_token="another-worker"))
            other.commit()
        return real(db, **kwargs)

    monkeypatch.setattr(document_service, "generate_statistics_report", taken_over_meanwhile)
    report_job.run_report_job(db_session, job_id=job.id)
    assert _job(db_session, job.id).status == "running"  # the other worker's now
    assert db_session.exec(select(GeneratedDocument)).all() == []
    assert db_session.get(NamndReport, report.id).data_at is None


def test_a_job_whose_worker_fell_silent_is_taken_over_then_given_up(app, db_session, chef, report):
    job = report_job.request_report(db_session, actor=chef, report=report, limit=5)
    job.status, job.attempts = "running", 1
    job.heartbeat_at = utcnow() - timedelta(seconds=61)  # past the 60 s lease
    db_session.commit()
    app.extensions["kaa_jobs"].minutely()
    assert (_job(db_session, job.id).status, _job(db_session, job.id).attempts) == ("ready", 2)

    stuck = report_job.request_report(db_session, actor=chef, report=report, limit=5)
    stuck.status, stuck.attempts = "running", report_job.MAX_ATTEMPTS
    stuck.heartbeat_at = utcnow() - timedelta(minutes=5)
    db_session.commit()
    app.extensions["kaa_jobs"].minutely()
    stuck = _job(db_session, stuck.id)
    assert stuck.status == "failed" and "stoppades flera gånger" in stuck.error
