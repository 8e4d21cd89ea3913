"""The nightly anonymisation (gallring) of 10,000 people, on SQLite and PostgreSQL.

Builds a register where 10,000 people passed the register period long ago, each with a full
history (two periods, ten contacts with notes, a guardian, a consent, mapping and plan with
their revisions, an ended measure, a letter, timeline lines), beside people whose periods have
not passed (20,000 deregistered a year ago, 1,000 active) and a group's 100 meetings whose
notes and minutes name the people. Then times the nightly step (`runs.nightly`) that anonymises
them, and checks that it did. The figure is the slower database.

Run: .venv/bin/python bench/retention.py [--quick]
     (--quick: SQLite only, without the people whose periods have not passed)
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from contextlib import nullcontext
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import Session, func, select  # noqa: E402

from kaa_web import migrate  # noqa: E402
from kaa_web.config import load_settings  # noqa: E402
from kaa_web.db import create_engine, insert_rows  # noqa: E402
from kaa_web.models import (  # noqa: E402
    AgendaItem,
    Consent,
    ContactAttempt,
    GeneratedDocument,
    GeneratedDocumentYouth,
    Guardian,
    Mapping,
    MappingRevision,
    Meeting,
    MeetingGroup,
    Plan,
    PlanMeasure,
    PlanRevision,
    RegistrationPeriod,
    TimelineEntry,
    Youth,
)
from kaa_web.models.base import local_today  # noqa: E402
from kaa_web.rules import personnummer as pnr  # noqa: E402
from kaa_web.services.retention import runs  # noqa: E402
from tests.servers import running_postgres  # noqa: E402

DUE = 10_000
NOT_DUE = 20_000
ACTIVE = 1_000
TODAY = local_today()
NOW = datetime.now(UTC)
FIRST = ("Anna", "Bo", "Cilla", "Dan", "Eva", "Frida", "Gun", "Hugo", "Ida", "Jonas")
LAST = ("Andersson", "Berg", "Carlsson", "Dahl", "Ek", "Fors", "Holm", "Lind", "Nilsson", "Sund")
SETTINGS = load_settings({}, env="development")


def people(count: int, offset: int, status: str) -> list[dict]:
    rows = []
    for n in range(offset, offset + count):
        birth = date(2000, 1, 1) + timedelta(days=n % 2500)
        first, last = FIRST[n % 10], LAST[(n // 10) % 10]
        rows.append(
            dict(
                personnummer=pnr.make_valid(birth, 1 + n // 2500),
                first_name=first,
                last_name=f"{last}{n}",
                first_name_key=first.lower(),
                last_name_key=f"{last}{n}".lower(),
                birth_date=birth,
                gender=("kvinna", "man")[n % 2],
                protected_identity=False,
                street_address=f"Storgatan {n % 90 + 1}",
                postal_code="12345",
                city="Exempelstad",
                phone="070-123 45 67",
                email=f"person{n}@example.se",
                status=status,
                occupation="studier",
                version=1,
                created_at=NOW,
                updated_at=NOW,
            )
        )
    return rows


def history(db: Session, ids: list[int], ended_on: date | None, full: bool) -> None:
    """Each person's periods and, with `full`, everything a case file holds."""
    start = (ended_on or TODAY) - timedelta(days=400)
    periods = []
    for i in ids:
        periods.append(
            dict(
                youth_id=i,
                registered_on=start - timedelta(days=500),
                registration_reason="avbrott_nationellt",
                registration_source="import",
                deregistered_on=start - timedelta(days=300),
                deregistration_reason="nationellt_program",
                deregistration_result="studier",
                latest=False,
                created_at=NOW,
            )
        )
        periods.append(
            dict(
                youth_id=i,
                registered_on=start,
                registration_reason="studiebevis",
                registration_source="import",
                deregistered_on=ended_on,
                deregistration_reason="fyllt_20" if ended_on else None,
                deregistration_result="arbete" if ended_on else None,
                latest=True,
                created_at=NOW,
            )
        )
    insert_rows(db, RegistrationPeriod.__table__, periods)
    contacts = [
        dict(
            youth_id=i,
            kind=("brev", "telefon", "sms")[k % 3],
            on=start + timedelta(days=20 * k),
            outcome="nadd" if k % 2 else "ej_nadd",
            occupation="studier",
            to_guardians=False,
            note=f"Samtal nummer {k} om studier",
            created_at=NOW,
        )
        for i in ids
        for k in range(10)
    ]
    insert_rows(db, ContactAttempt.__table__, contacts)
    if not full:
        return
    insert_rows(
        db,
        Guardian.__table__,
        [
            dict(
                youth_id=i,
                name=f"Förälder {i}",
                street_address="Storgatan 1",
                postal_code="12345",
                city="Exempelstad",
                phone="070-1",
            )
            for i in ids
        ],
    )
    insert_rows(
        db,
        Consent.__table__,
        [
            dict(
                youth_id=i,
                given_by="ungdomen",
                guardian_name="",
                social_services=True,
                arbetsformedlingen=False,
                forsakringskassan=False,
                regionen=False,
                school_name="",
                purpose="Samordna stödet",
                given_on=start,
                form="skriftligt",
                created_at=NOW,
            )
            for i in ids
        ],
    )
    mapping_ids = insert_rows(
        db,
        Mapping.__table__,
        [
            dict(
                youth_id=i,
                on=start,
                declined=False,
                occupation="ingen",
                last_school="Gymnasiet",
                programme="Bygg",
                goals="Vill arbeta med bilar",
                agency_arbetsformedlingen=False,
                agency_socialtjansten=False,
                agency_varden=False,
                agency_forsakringskassan=False,
                agency_lss=False,
                version=1,
                updated_at=NOW,
            )
            for i in ids
        ],
        return_ids=True,
    )
    insert_rows(
        db,
        MappingRevision.__table__,
        [
            dict(
                mapping_id=m,
                version=1,
                saved_at=NOW,
                snapshot=json.dumps({"goals": "Vill arbeta med bilar", "last_school": "Gymnasiet"}),
            )
            for m in mapping_ids
        ],
    )
    plan_ids = insert_rows(
        db,
        Plan.__table__,
        [
            dict(
                youth_id=i,
                goal="Börja på Komvux",
                agreed_on=start,
                revision=1,
                version=1,
                updated_at=NOW,
            )
            for i in ids
        ],
        return_ids=True,
    )
    insert_rows(
        db,
        PlanRevision.__table__,
        [
            dict(
                plan_id=p,
                revision=1,
                agreed_on=start,
                change="Planen upprättad",
                created_at=NOW,
                snapshot=json.dumps(
                    {
                        "goal": "Börja på Komvux",
                        "measures": [{"title": "Praktik", "responsible_actor": "Verkstaden"}],
                    }
                ),
            )
            for p in plan_ids
        ],
    )
    insert_rows(
        db,
        PlanMeasure.__table__,
        [
            dict(
                plan_id=p,
                youth_id=i,
                title="Praktik",
                responsible="kommunen",
                responsible_actor="",
                start_on=start,
                ended_on=start + timedelta(days=90),
                end_reason="genomford",
                occupation_after="arbete",
                created_at=NOW,
            )
            for p, i in zip(plan_ids, ids, strict=True)
        ],
    )
    documents = insert_rows(
        db,
        GeneratedDocument.__table__,
        [
            dict(
                doc_type="brev_ungdom",
                template_version=0,
                file_name="brev.docx",
                content_type="application/octet-stream",
                content=b"x" * 2000,
                letter_count=1,
                created_by="kaa",
                created_at=NOW,
                youth_id=i,
            )
            for i in ids
        ],
        return_ids=True,
    )
    insert_rows(
        db,
        GeneratedDocumentYouth.__table__,
        [dict(document_id=d, youth_id=i) for d, i in zip(documents, ids, strict=True)],
    )
    insert_rows(
        db,
        TimelineEntry.__table__,
        [
            dict(
                youth_id=i,
                at=NOW,
                kind="kontakt",
                title="Kontakt registrerad: telefon",
                ref_type="",
                ref_id=None,
            )
            for i in ids
            for _ in range(5)
        ],
    )


def meetings(db: Session, names: list[str]) -> None:
    group = insert_rows(
        db,
        MeetingGroup.__table__,
        [
            dict(
                name="Samverkansgruppen",
                kind="samverkansgrupp",
                frequency="terminsstart",
                created_at=NOW,
            )
        ],
        return_ids=True,
    )[0]
    rng = random.Random(17)
    meeting_ids = insert_rows(
        db,
        Meeting.__table__,
        [
            dict(
                group_id=group,
                on=TODAY - timedelta(days=2500 + 7 * n),
                starts_at=clock(13),
                place="Rum 1",
                created_at=NOW,
                adjusted_by="",
                minutes_snapshot=json.dumps(
                    {"ungdomar": rng.sample(names, 50)}, ensure_ascii=False
                ),
            )
            for n in range(100)
        ],
        return_ids=True,
    )
    insert_rows(
        db,
        AgendaItem.__table__,
        [
            dict(
                meeting_id=m,
                position=1,
                kind="staende",
                title="Genomgång",
                owner="",
                minutes=10,
                youth_filter="",
                notes="; ".join(rng.sample(names, 20)),
            )
            for m in meeting_ids
        ],
    )


def build(db: Session, quick: bool) -> None:
    start = time.perf_counter()
    due = insert_rows(db, Youth.__table__, people(DUE, 0, "avregistrerad"), return_ids=True)
    history(db, due, TODAY - timedelta(days=2200), full=True)
    if not quick:
        later = insert_rows(
            db, Youth.__table__, people(NOT_DUE, DUE, "avregistrerad"), return_ids=True
        )
        history(db, later, TODAY - timedelta(days=365), full=False)
        active = insert_rows(
            db, Youth.__table__, people(ACTIVE, DUE + NOT_DUE, "aktiv"), return_ids=True
        )
        history(db, active, None, full=False)
    names = [f"{FIRST[n % 10]} {LAST[(n // 10) % 10]}{n}" for n in range(DUE)]
    meetings(db, names)
    db.commit()
    print(f"  built in {time.perf_counter() - start:.1f} s", flush=True)


def measure(url: str, label: str, quick: bool) -> float:
    engine = create_engine(url)
    migrate.upgrade(engine)
    with Session(engine, expire_on_commit=False) as db:
        build(db, quick)
        if engine.dialect.name == "postgresql":
            db.exec(func.now().select())  # the session is open; ANALYZE needs its own
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    with Session(engine, expire_on_commit=False) as db:
        start = time.perf_counter()
        anonymised = runs.nightly(db, SETTINGS, today=TODAY)
        seconds = time.perf_counter() - start
        gone = db.exec(select(func.count()).where(Youth.status == "gallrad")).one()
    engine.dispose()
    assert anonymised == gone == DUE, (anonymised, gone)
    print(f"anonymise_10000_{label}_s: {seconds:.2f}", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="SQLite only, the due people only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kaa-retention-") as tmp:
        results = [measure(f"sqlite:///{tmp}/bench.db", "sqlite", args.quick)]
    with nullcontext() if args.quick else running_postgres() as url:
        if url:
            results.append(measure(url, "postgresql", args.quick))
    print(f"anonymise_10000_s: {max(results):.2f}")


if __name__ == "__main__":
    main()
