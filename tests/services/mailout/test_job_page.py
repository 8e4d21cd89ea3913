"""Who sees a mail-out job, and who may start one."""

from __future__ import annotations

import pytest
from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.mailout import MailoutJob
from kaa_web.services import mailout
from kaa_web.services.errors import NotFound
from tests import factories
from tests.services.mailout.steps import (
    run,
)


def test_a_job_is_seen_only_by_its_creator_and_kaa(db_session, kaa, officer, person):
    someone = person("Vuxen")
    job = run(db_session, officer, [someone])
    other_officer = factories.actor("arbetsmarknad2", roles=officer.roles)

    assert mailout.get_mailout_job(db_session, actor=officer, job_id=job.id).job.id == job.id
    assert mailout.get_mailout_job(db_session, actor=kaa, job_id=job.id).documents
    for call in (mailout.get_mailout_job, mailout.cancel_mailout):
        with pytest.raises(NotFound):
            call(db_session, actor=other_officer, job_id=job.id)
    with pytest.raises(NotFound):
        mailout.confirm_mailout(
            db_session, actor=other_officer, job_id=job.id, posted_on=local_today()
        )


def test_a_mail_out_of_someone_the_actor_cannot_see_is_refused(db_session, kaa, person):
    someone = person("Vuxen")
    ifo = factories.actor("ifo")
    with pytest.raises(PermissionError):
        mailout.preview_mailout(db_session, actor=ifo, youth_ids=[someone.id], on=local_today())
    with pytest.raises(NotFound):
        mailout.preview_mailout(
            db_session, actor=kaa, youth_ids=[someone.id, someone.id + 999], on=local_today()
        )
    with pytest.raises(NotFound):
        mailout.start_mailout(db_session, actor=kaa, youth_ids=[someone.id + 999], on=local_today())
    assert db_session.exec(select(MailoutJob)).all() == []
