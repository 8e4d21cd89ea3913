"""Register at scale: list, searches, person page and worklist at 1,000 and 150,000 people.

Seeds 1,000 people (10,000 contact events) and 150,000 people (1,500,000 events: ten years of
a large city, most of them long since deregistered) on SQLite and on PostgreSQL, all four
databases before anything is timed, and signs in for real against a local slapd. Each page's
server time (in-process WSGI: routing, session, queries, templates) is then taken in pairs, the
small register's request beside the large one's (bench/pairs.py), and its ratio is the median
of the pairs' ratios, printed with their spread. Also times the import of a 20,000-row extract
into the large register. Last line: `worst_ratio_150k_vs_1k: X`.

Run: .venv/bin/python bench/register.py [--quick]   (--quick: 20,000 instead of 150,000)
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

# Run as a script, bench/ comes first on sys.path, and bench/statistics.py would stand in for
# the standard library's statistics module: the repository's root takes its place.
sys.path[:1] = [str(Path(__file__).resolve().parents[1])]

from faker.providers.person.sv_SE import Provider as SwedishNames  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from bench.pairs import Action, Paired, interleave  # noqa: E402
from kaa_web import create_app, migrate  # noqa: E402
from kaa_web.db import create_engine  # noqa: E402
from kaa_web.demo import seed_districts, seed_staff  # noqa: E402
from kaa_web.demo_directory import settings_for, start_directory  # noqa: E402
from kaa_web.models.auth import StaffUser  # noqa: E402
from kaa_web.models.base import local_today  # noqa: E402
from kaa_web.models.register import (  # noqa: E402
    ContactAttempt,
    District,
    RegistrationPeriod,
    Youth,
)
from kaa_web.permissions import SYSTEM_ACTOR  # noqa: E402
from kaa_web.rules import outreach as ladder  # noqa: E402
from kaa_web.rules import personnummer as pnr  # noqa: E402
from kaa_web.services.register import importing, name_key  # noqa: E402
from tests.servers import LDIF, SERVICE_PASSWORD, running_postgres  # noqa: E402

# Swedish first and last names weighted by how common they are (Faker's sv_SE lists): in a
# register of 150,000 a full name is shared by a few people, as in a real city's, not by a hundred.
FIRST_NAMES = {**SwedishNames.first_names_female, **SwedishNames.first_names_male}
LAST_NAMES = SwedishNames.last_names
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
PAIRS = 150
QUICK_PAIRS = 40
IMPORT_ROWS = 20_000
BACKENDS = ("sqlite", "postgresql")
# what _people gives each person that is their registration period's, not the person's own
PERIOD_KEYS = (
    "registration_reason",
    "registration_source",
    "registered_on",
    "deregistered_on",
    "deregistration_reason",
)


def _people(n: int, today: date, rnd: random.Random, districts, officers, active_every: int):
    """Youth rows: one in `active_every` active (covered now), the rest registered and
    deregistered years ago."""
    rows, serials = [], {}
    firsts = rnd.choices(list(FIRST_NAMES), weights=list(FIRST_NAMES.values()), k=n)
    lasts = rnd.choices(list(LAST_NAMES), weights=list(LAST_NAMES.values()), k=n)
    for i, first, last in zip(range(n), firsts, lasts, strict=True):
        active = i % active_every == 0
        age_days = (
            rnd.randint(16 * 365 + 30, 19 * 365 + 300)
            if active
            else rnd.randint(20 * 365 + 10, 30 * 365)
        )
        birth = today - timedelta(days=age_days)
        serial = serials.get(birth, 1)  # birth numbers start at 001
        serials[birth] = serial + 1
        number = pnr.make_valid(birth, serial)
        registered = birth + timedelta(days=rnd.randint(16 * 365, 17 * 365))
        rows.append(
            dict(
                personnummer=number,
                first_name=first,
                last_name=last,
                first_name_key=name_key(first),
                last_name_key=name_key(last),
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
        step = ladder.next_step(facts, by_youth.get(youth_id, []), today, ladder.DEFAULT_RULES)
        if step:
            updates.append({"i": youth_id, "s": step.kind, "d": step.due})
    db.connection().execute(
        text("UPDATE youth SET next_step = :s, next_step_due = :d WHERE id = :i"), updates
    )


def seed(engine, n: int, *, active_every: int = 12) -> None:
    """Bulk-load n people with ten contact events each (Core inserts, batches of 10,000); one
    in `active_every` is covered now (8 % by default: ten years of a city's register)."""
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
        youth_rows = _people(n, today, rnd, districts, officers, active_every)
        people = [{k: v for k, v in row.items() if k not in PERIOD_KEYS} for row in youth_rows]
        for start in range(0, n, 10_000):
            db.connection().execute(insert(Youth), people[start : start + 10_000])
        ids = list(db.exec(select(Youth.id).order_by(Youth.id)).all())
        periods = [
            dict(youth_id=youth_id, **{key: row[key] for key in PERIOD_KEYS})
            for row, youth_id in zip(youth_rows, ids, strict=True)
        ]
        for start in range(0, n, 10_000):
            db.connection().execute(insert(RegistrationPeriod), periods[start : start + 10_000])
        contacts = _contacts(youth_rows, ids, len(HISTORY), today, rnd)
        for start in range(0, len(contacts), 20_000):
            db.connection().execute(insert(ContactAttempt), contacts[start : start + 20_000])
        _next_steps(db, youth_rows, ids, contacts, today)
        db.commit()
    analyze(engine)


def analyze(engine) -> None:
    """Fresh planner statistics after a bulk load, as a production database would have."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def _token(page: str) -> str:
    return page.split('"X-CSRFToken": "')[1].split('"')[0]


def _ok(response, *expected: str) -> str:
    assert response.status_code == 200, response.status_code
    body = response.get_data(as_text=True)
    assert all(text in body for text in expected), expected
    return body


def listed(body: str) -> int:
    """People a page lists: each list row shows a masked personnummer."""
    return body.count("-XXXX")


def pages(url: str, directory_settings: dict) -> dict[str, Action]:
    """The pages to time on one database, signed in for real as a KAA officer.

    The worklist is timed on "Alla", the view over the whole register: "Mina" lists 16 people
    at 1,000 and 50 (its page) at 150,000, so its ratio would time 34 more rows rendered, not
    the register's size; "Alla" fills its page at both.
    """
    app = create_app(
        {**directory_settings, "env": "development", "database_url": url, "secret_key": "b" * 40}
    )
    with Session(app.extensions["kaa_engine"]) as db:
        active = db.exec(select(Youth).where(Youth.status == "aktiv").limit(200)).all()
    client = app.test_client()
    token = _token(client.get("/logga-in").get_data(as_text=True))
    response = client.post(
        "/logga-in", data={"csrf_token": token, "username": "kaa", "password": "losen-kaa"}
    )
    assert response.status_code == 303, "login failed"
    token = _token(client.get("/").get_data(as_text=True))  # a new session has a new token

    def search(text: str, expected: Youth) -> str:
        form = {"csrf_token": token, "status": "aktiv", "search": text}
        return _ok(client.post("/ungdomar/sok", data=form), pnr.mask(expected.personnummer))

    def search_name(i: int) -> str:
        y = active[i % len(active)]  # both orders, as people type them
        words = (y.last_name, y.first_name) if i % 2 else (y.first_name, y.last_name)
        return search(" ".join(words), y)

    def search_birth_date(i: int) -> str:
        y = active[i % len(active)]
        return search(y.personnummer[2:8], y)

    def search_personnummer(i: int) -> str:
        y = active[i % len(active)]
        return search(f"{y.personnummer[2:8]}-{y.personnummer[8:]}", y)

    def person_page(i: int) -> str:
        y = active[i % len(active)]
        return _ok(client.get(f"/ungdomar/{y.id}"), y.last_name)

    return {
        "register_list": lambda i: _ok(client.get("/ungdomar/")),
        "search_name": search_name,
        "search_birth_date": search_birth_date,
        "search_personnummer": search_personnummer,
        "person_page": person_page,
        "worklist": lambda i: _ok(client.get("/att-gora/?vy=alla")),
    }


def time_import(url: str, rows: int = IMPORT_ROWS) -> float:
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
        result = importing.import_rows(db, actor=SYSTEM_ACTOR, content=content)
        db.commit()
        elapsed = time.perf_counter() - start
    engine.dispose()
    assert len(result.new) == rows, (len(result.new), len(result.changed))
    return elapsed


def databases(workdir: Path, pg_url: str, sizes):
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


def seed_database(backend: str, size: int, url: str) -> None:
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


def report(
    results: dict[tuple[str, str], Paired],
    shown: dict[tuple[str, str], tuple[int, int]],
    imports: dict[str, float],
) -> None:
    """One `name: value` line a page and database, its ratio first; the worst ratio last."""
    for (backend, page), paired in results.items():
        low, high = paired.spread
        small, large = shown[(backend, page)]
        listing = f"; {small} → {large} people listed" if small or large else ""
        print(
            f"{backend}_{page}_ratio: {paired.ratio:.2f} (p25–p75 {low:.2f}–{high:.2f}; "
            f"median {paired.a_ms:.1f} → {paired.b_ms:.1f} ms{listing})"
        )
    for backend, seconds in imports.items():
        print(f"{backend}_import_{IMPORT_ROWS}_s: {seconds:.1f}")
    (backend, page), worst = max(results.items(), key=lambda item: item[1].ratio)
    print(f"worst_ratio_page: {backend} {page}, {worst.describe()}")
    print(f"worst_ratio_150k_vs_1k: {worst.ratio:.2f}")


def main() -> None:
    quick = "--quick" in sys.argv
    big, pairs = (20_000, QUICK_PAIRS) if quick else (150_000, PAIRS)
    sizes = (1_000, big)
    with tempfile.TemporaryDirectory() as tmp, running_postgres() as pg_url:
        workdir = Path(tmp)
        directory = start_directory(workdir / "slapd", LDIF.read_text())
        directory_settings = settings_for(directory.ldap_uri, SERVICE_PASSWORD)
        try:
            urls = {}
            for backend, size, url in databases(workdir, pg_url, sizes):
                seed_database(backend, size, url)
                urls[(backend, size)] = url
            cases = {}
            for backend in BACKENDS:
                small, large = (pages(urls[(backend, size)], directory_settings) for size in sizes)
                cases.update({(backend, page): (small[page], large[page]) for page in small})
            shown = {case: (listed(a(0)), listed(b(0))) for case, (a, b) in cases.items()}
            print(f"pairs: {pairs} a page and database (1,000 and {big:,} people, interleaved)")
            results = interleave(cases, pairs)
            imports = {backend: time_import(urls[(backend, big)]) for backend in BACKENDS}
        finally:
            directory.stop()
    report(results, shown, imports)


if __name__ == "__main__":
    main()
