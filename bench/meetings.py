"""A meeting's agenda with lists of young people at 1,000 and 20,000 people in the register.

Seeds the register as bench/register.py does, gives one in ten of the active people a consent
(half of them covering every organisation at the meeting), and times `meeting_page` for a
samverkansgrupp whose items list those without occupation and those with an overdue follow-up
(the summary by district, age and situation, the consent rule, the audit log of every named
person), on SQLite and on PostgreSQL. All four databases are seeded first and the two sizes
timed in pairs (bench/pairs.py), so the 20k-vs-1k ratio is the median of pairwise ratios.
Last line: `worst_agenda_ms_20k: X`, the slower database's median at 20,000.

Run: .venv/bin/python bench/meetings.py
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import time as clock
from pathlib import Path

# Run as a script, bench/ comes first on sys.path, and bench/statistics.py would stand in for
# the standard library's statistics module: the repository's root takes its place.
sys.path[:1] = [str(Path(__file__).resolve().parents[1])]

from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from bench.pairs import Action, interleave  # noqa: E402
from bench.register import BACKENDS, databases, seed_database  # noqa: E402
from kaa_web.db import create_engine  # noqa: E402
from kaa_web.models.auth import StaffUser  # noqa: E402
from kaa_web.models.base import local_today  # noqa: E402
from kaa_web.models.plans import Consent  # noqa: E402
from kaa_web.models.register import Youth  # noqa: E402
from kaa_web.permissions import Actor  # noqa: E402
from kaa_web.services import meetings  # noqa: E402
from tests.servers import running_postgres  # noqa: E402

SIZES = (1_000, 20_000)
PAIRS = 40


def _meeting(engine) -> tuple[int, Actor]:
    """Consents for one active person in ten, and a group meeting today with two lists."""
    today, rnd = local_today(), random.Random(7)
    with Session(engine) as db:
        active = db.exec(select(Youth.id).where(Youth.status == "aktiv").order_by(Youth.id)).all()
        rows = [
            dict(
                youth_id=youth_id,
                given_by="ungdomen",
                social_services=True,
                arbetsformedlingen=rnd.random() < 0.5,
                purpose="Samverkansgruppen.",
                given_on=today,
                form="skriftligt",
            )
            for youth_id in rnd.sample(active, len(active) // 10)
        ]
        db.connection().execute(insert(Consent), rows)
        staff = {s.username: s for s in db.exec(select(StaffUser)).all()}
        chef = Actor(staff_id=staff["chef"].id, username="chef", roles=frozenset({"chef"}))
        kaa = Actor(staff_id=staff["kaa"].id, username="kaa", roles=frozenset({"kaa"}))
        group = meetings.create_group(
            db,
            actor=chef,
            name="Samverkansgruppen",
            kind="samverkansgrupp",
            frequency="terminsstart",
            convener_id=staff["kaa"].id,
            standing_items=[
                ("Utan sysselsättning", "ingen_sysselsattning"),
                ("Försenad uppföljning", "forsenad_uppfoljning"),
            ],
        )
        for data in (
            meetings.MemberData(staff_id=staff["ifo"].id),
            meetings.MemberData(name="Petra Af", organisation="arbetsformedlingen"),
        ):
            meetings.add_member(db, actor=chef, group_id=group.id, data=data)
        meeting = meetings.plan_meeting(
            db,
            actor=kaa,
            group_id=group.id,
            on=today,
            starts_at=clock(13, 0),
            place="Rum 1",
            standing_item_ids=[s.id for s in meetings.agenda.standing_items_of(db, group.id)],
        )
        db.commit()
        return meeting.id, kaa


def agenda(url: str) -> tuple[Action, tuple[int, int]]:
    """The agenda's view on one database as an action, and (people counted, people named)."""
    engine = create_engine(url)
    meeting_id, kaa = _meeting(engine)
    db = Session(engine)

    def view(_run: int):
        result = meetings.meeting_page(db, actor=kaa, meeting_id=meeting_id)
        db.commit()  # the audit events of the named people, as the page does
        return result

    views = view(0).agenda
    counted = sum(v.review.summary.total for v in views if v.review)
    named = sum(v.review.named_total for v in views if v.review)
    return view, (counted, named)


def main() -> None:
    cases, people = {}, {}
    with tempfile.TemporaryDirectory() as tmp, running_postgres() as pg_url:
        urls = {}
        for backend, size, url in databases(Path(tmp), pg_url, SIZES):
            seed_database(backend, size, url)
            urls[(backend, size)] = url
        for backend in BACKENDS:
            small, large = (agenda(urls[(backend, size)]) for size in SIZES)
            cases[backend] = (small[0], large[0])
            people[backend] = (small[1], large[1])
        results = interleave(cases, PAIRS)
    for backend, paired in results.items():
        for size, ms, (counted, named) in zip(
            SIZES, (paired.a_ms, paired.b_ms), people[backend], strict=True
        ):
            print(
                f"{backend}_agenda_ms_{size // 1000}k: {ms:.1f} "
                f"({counted} counted in the lists, {named} named)"
            )
        print(f"{backend}_agenda_{SIZES[1] // 1000}k_vs_1k: {paired.describe()}")
    worst = max(paired.b_ms for paired in results.values())
    print(f"worst_agenda_ms_20k: {worst:.1f}")


if __name__ == "__main__":
    main()
