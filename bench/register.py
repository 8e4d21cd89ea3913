"""Register at scale: list, search, person page and worklist at 1,000 and 150,000 people.

Seeds 1,000 people (10,000 contact events) and 150,000 people (1,500,000 events: ten years of
a large city, most of them long since deregistered) on SQLite and on PostgreSQL, logs in for
real against a local slapd, and measures the median server time (in-process WSGI: routing,
session, queries, templates) of each page over repeated requests. Also times the import of a
20,000-row extract into the large register. Last line: `worst_ratio_150k_vs_1k: X`.

Run: .venv/bin/python bench/register.py [--quick]   (--quick: 20,000 instead of 150,000)
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from kaa_web import create_app, migrate  # noqa: E402
from kaa_web.db import create_engine  # noqa: E402
from kaa_web.demo_data import seed_districts, seed_staff  # noqa: E402
from kaa_web.demo_directory import start_directory  # noqa: E402
from kaa_web.models.auth import StaffUser  # noqa: E402
from kaa_web.models.base import local_today  # noqa: E402
from kaa_web.models.register import ContactAttempt, District, Youth  # noqa: E402
from kaa_web.permissions import SYSTEM_ACTOR  # noqa: E402
from kaa_web.rules import outreach as ladder  # noqa: E402
from kaa_web.rules import personnummer as pnr  # noqa: E402
from kaa_web.services import register_import  # noqa: E402
from tests.servers import LDIF, SERVICE_PASSWORD, running_postgres  # noqa: E402

FIRST = [
    "Alva",
    "Elsa",
    "Maja",
    "Ella",
    "Wilma",
    "Saga",
    "Ebba",
    "Olivia",
    "Lilly",
    "Alice",
    "Noah",
    "William",
    "Hugo",
    "Liam",
    "Oliver",
    "Lucas",
    "Elias",
    "Adam",
    "Ali",
    "Mohammed",
    "Leo",
    "Axel",
    "Vincent",
    "Theo",
    "Nora",
    "Astrid",
    "Selma",
    "Agnes",
    "Freja",
    "Iris",
]
LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Olofsson",
    "Lindström",
    "Lindqvist",
    "Lindgren",
    "Berg",
    "Axelsson",
    "Bergström",
    "Lundberg",
    "Lind",
    "Lundgren",
    "Mattsson",
    "Berglund",
    "Fredriksson",
    "Sandberg",
    "Henriksson",
    "Forsberg",
    "Sjöberg",
    "Ali",
    "Mohammed",
    "Hassan",
    "Öberg",
    "Åberg",
    "Ekström",
    "Holm",
    "Nyström",
    "Dahl",
]
HISTORY = [
    ("brev", None, None),
    ("vykort", None, None),
    ("telefon", "ej_nadd", None),
    ("sms", "ej_nadd", None),
    ("telefon", "nadd", "studier"),
    ("kartlaggning", None, None),
    ("telefon", "nadd", "arbete"),
    ("epost", "ej_nadd", None),
    ("telefon", "nadd", "arbete"),
    ("sms", "nadd", "studier"),
]
REPEATS = 40


def _people(n: int, today: date, rnd: random.Random, districts, officers):
    """Youth rows: 8 % active (covered now), the rest registered and deregistered years ago."""
    rows, serials = [], {}
    for i in range(n):
        active = i % 12 == 0
        age_days = (
            rnd.randint(16 * 365 + 30, 19 * 365 + 300)
            if active
            else rnd.randint(20 * 365 + 10, 30 * 365)
        )
        birth = today - timedelta(days=age_days)
        serial = serials.get(birth, 1)  # birth numbers start at 001
        serials[birth] = serial + 1
        number = pnr.make_valid(birth, serial)
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        registered = birth + timedelta(days=rnd.randint(16 * 365, 17 * 365))
        rows.append(
            dict(
                personnummer=number,
                first_name=first,
                last_name=last,
                first_name_key=first.casefold(),
                last_name_key=last.casefold(),
                birth_date=birth,
                gender="kvinna" if int(number[10]) % 2 == 0 else "man",
                protected_identity=False,
                street_address=f"Exempelgatan {i % 200}",
                postal_code="12345",
                city="Exempelstad",
                phone="",
                email="",
                district_id=rnd.choice(districts),
                officer_id=rnd.choice(officers),
                status="aktiv" if active else "avregistrerad",
                registration_reason="avbrott_nationellt",
                registration_source="import",
                registered_on=min(registered, today),
                occupation="okand",
                version=1,
                deregistered_on=None if active else birth + timedelta(days=20 * 365 + 5),
                deregistration_reason=None if active else "fyllt_20",
            )
        )
    return rows


def _contacts(youth_rows, ids, per_person: int, today: date, rnd: random.Random):
    contacts = []
    for row, youth_id in zip(youth_rows, ids, strict=True):
        on = row["registered_on"]
        for kind, outcome, occupation in HISTORY[:per_person]:
            on = min(on + timedelta(days=rnd.randint(5, 40)), today)
            contacts.append(
                dict(
                    youth_id=youth_id,
                    kind=kind,
                    on=on,
                    outcome=outcome,
                    occupation=occupation,
                    study_kind="komvux" if occupation == "studier" else None,
                    to_guardians=False,
                    note="",
                )
            )
    return contacts


def _next_steps(db: Session, youth_rows, ids, contacts, today: date) -> None:
    """The stored next step, computed as the services do (active people only)."""
    by_youth: dict[int, list] = {}
    for c in contacts:
        by_youth.setdefault(c["youth_id"], []).append(
            ladder.Event(
                kind=c["kind"], on=c["on"], outcome=c["outcome"], occupation=c["occupation"]
            )
        )
    updates = []
    for row, youth_id in zip(youth_rows, ids, strict=True):
        if row["status"] != "aktiv":
            continue
        facts = ladder.PersonFacts(row["birth_date"], row["registered_on"])
        step = ladder.next_step(facts, by_youth.get(youth_id, []), today)
        if step:
            updates.append({"i": youth_id, "s": step.kind, "d": step.due})
    db.connection().execute(
        text("UPDATE youth SET next_step = :s, next_step_due = :d WHERE id = :i"), updates
    )


def seed(engine, n: int) -> None:
    """Bulk-load n people with ten contact events each (Core inserts, batches of 10,000)."""
    rnd, today = random.Random(n), local_today()
    with Session(engine) as db:
        seed_staff(db)
        seed_districts(db)
        db.commit()
        districts = list(db.exec(select(District.id)).all())
        officers = [
            s.id
            for s in db.exec(select(StaffUser)).all()
            if set(s.role_list) & {"kaa", "arbetsmarknad"}
        ]
        youth_rows = _people(n, today, rnd, districts, officers)
        for start in range(0, n, 10_000):
            db.connection().execute(insert(Youth), youth_rows[start : start + 10_000])
        ids = list(db.exec(select(Youth.id).order_by(Youth.id)).all())
        contacts = _contacts(youth_rows, ids, len(HISTORY), today, rnd)
        for start in range(0, len(contacts), 20_000):
            db.connection().execute(insert(ContactAttempt), contacts[start : start + 20_000])
        _next_steps(db, youth_rows, ids, contacts, today)
        db.commit()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def _median_ms(action) -> float:
    for _ in range(3):  # warm-up: caches, prepared statements, template compilation
        action()
    times = []
    for i in range(REPEATS):
        start = time.perf_counter()
        response = action(i)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(times)


def measure(url: str, directory_settings: dict) -> dict[str, float]:
    app = create_app(
        {**directory_settings, "env": "development", "database_url": url, "secret_key": "b" * 40}
    )
    engine = app.extensions["kaa_engine"]
    with Session(engine) as db:
        active = db.exec(select(Youth).where(Youth.status == "aktiv").limit(REPEATS + 1)).all()
    client = app.test_client()
    page = client.get("/logga-in").get_data(as_text=True)
    token = page.split('"X-CSRFToken": "')[1].split('"')[0]
    response = client.post(
        "/logga-in", data={"csrf_token": token, "username": "kaa", "password": "losen-kaa"}
    )
    assert response.status_code == 303, "login failed"
    page = client.get("/").get_data(as_text=True)
    token = page.split('"X-CSRFToken": "')[1].split('"')[0]  # a new session has a new token

    def person(i=0):
        return client.get(f"/ungdomar/{active[i % len(active)].id}")

    def search(i=0):
        y = active[i % len(active)]
        return client.post(
            "/ungdomar/sok",
            data={
                "csrf_token": token,
                "status": "aktiv",
                "search": f"{y.last_name} {y.first_name}",
            },
        )

    figures = {
        "register_list": _median_ms(lambda i=0: client.get("/ungdomar/")),
        "search": _median_ms(search),
        "person_page": _median_ms(person),
        "worklist": _median_ms(lambda i=0: client.get("/att-gora/?vy=mina")),
    }
    engine.dispose()
    return figures


def time_import(url: str, rows: int = 20_000) -> float:
    """Seconds to import a 20,000-row extract (all new people) into the given register."""
    today = local_today()
    lines = ["personnummer;fornamn;efternamn;utdelningsadress;postnummer;postort;orsak"]
    for i in range(rows):
        birth = today - timedelta(days=6000 + i % 900)
        lines.append(
            f"{pnr.make_valid(birth, 900 + i // 900)};Ny{i};Person;Nygatan {i};"
            "12345;Exempelstad;studiebevis"
        )
    content = ("\n".join(lines) + "\n").encode()
    engine = create_engine(url)
    with Session(engine) as db:
        start = time.perf_counter()
        result = register_import.import_rows(db, actor=SYSTEM_ACTOR, content=content)
        db.commit()
        elapsed = time.perf_counter() - start
    engine.dispose()
    assert len(result.new) == rows, (len(result.new), len(result.changed))
    return elapsed


def _databases(workdir: Path, pg_url: str, sizes):
    """(backend, size, url) for a fresh, migrated database of each kind and size."""
    for size in sizes:
        yield "sqlite", size, f"sqlite:///{workdir}/bench-{size}.db"
    admin = create_engine(pg_url)
    for size in sizes:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS bench_{size}"))
            conn.execute(text(f"CREATE DATABASE bench_{size}"))
        yield "postgresql", size, pg_url.rsplit("/", 1)[0] + f"/bench_{size}"
    admin.dispose()


def main() -> None:
    big = 20_000 if "--quick" in sys.argv else 150_000
    sizes = (1_000, big)
    results: dict[tuple[str, int], dict[str, float]] = {}
    imports: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, running_postgres() as pg_url:
        workdir = Path(tmp)
        directory = start_directory(workdir / "slapd", LDIF.read_text())
        from kaa_web.demo_directory import settings_for

        directory_settings = settings_for(directory.ldap_uri, SERVICE_PASSWORD)
        try:
            for backend, size, url in _databases(workdir, pg_url, sizes):
                engine = create_engine(url)
                migrate.upgrade(engine)
                start = time.perf_counter()
                seed(engine, size)
                engine.dispose()
                print(
                    f"{backend} {size:>7} people seeded ({size * len(HISTORY):,} contacts) "
                    f"in {time.perf_counter() - start:.1f} s",
                    flush=True,
                )
                results[(backend, size)] = measure(url, directory_settings)
                if size == big:
                    imports[backend] = time_import(url)
        finally:
            directory.stop()
    worst = 0.0
    for backend in ("sqlite", "postgresql"):
        print(f"\n{backend}: median server time, ms (1,000 → {big:,} people)")
        for page, small_ms in results[(backend, 1_000)].items():
            large_ms = results[(backend, big)][page]
            ratio = large_ms / small_ms
            worst = max(worst, ratio)
            print(f"  {page:<14} {small_ms:7.1f} → {large_ms:7.1f}   ratio {ratio:.2f}")
        print(f"  import of a 20,000-row extract: {imports[backend]:.1f} s")
    print(f"worst_ratio_150k_vs_1k: {worst:.2f}")


if __name__ == "__main__":
    main()
