"""The demo's term-start mail-out, printed and confirmed as posted."""

from __future__ import annotations

from sqlmodel import Session, select

from kaa_web.models.auth import StaffUser


def seed_mailout(db: Session) -> None:
    """A term-start mail-out by the demo KAA officer, printed and confirmed as posted."""
    from kaa_web.models.base import local_today
    from kaa_web.models.mailout import MailoutJob
    from kaa_web.models.register import Youth
    from kaa_web.permissions import Actor
    from kaa_web.services import mailout

    if db.exec(select(MailoutJob.id)).first():
        return
    officer = db.exec(select(StaffUser).where(StaffUser.username == "kaa")).first()
    due = db.exec(
        select(Youth.id)
        .where(Youth.status == "aktiv", Youth.next_step.in_(("brev", "vykort", "brev_20")))
        .order_by(Youth.protected_identity.desc(), Youth.next_step_due, Youth.id)
        .limit(15)
    ).all()
    if officer is None or not due:
        return
    actor = Actor(staff_id=officer.id, username=officer.username, roles=frozenset({"kaa"}))
    today = local_today()
    job = mailout.start_mailout(db, actor=actor, youth_ids=list(due), on=today)
    db.commit()
    mailout.run_mailout_job(db, job_id=job.id)
    mailout.confirm_mailout(db, actor=actor, job_id=job.id, posted_on=today)
