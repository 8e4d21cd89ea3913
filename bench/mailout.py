"""Mail-out benchmark: N letters (5,000 unless --letters) in one .docx, then their contacts when
confirmed as posted, versus one render a letter.

Each mail-out is timed beside a naive loop (bench/pairs.py: A B, B A, …, each mail-out with
people of its own), and the speedup is the median of the pairs' ratios, the naive loop's time
scaled from NAIVE_LETTERS to N letters. Last lines: `mailout_N_s`, …, `speedup_vs_naive: X`.

Run: .venv/bin/python bench/mailout.py [--letters 5000] [--pairs 30]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from docx import Document
from faker import Faker
from sqlmodel import Session, select

# Run as a script, bench/ comes first on sys.path, and bench/statistics.py would stand in for
# the standard library's statistics module: the repository's root takes its place.
sys.path[:1] = [str(Path(__file__).resolve().parents[1])]

import statistics  # noqa: E402

from bench.pairs import interleave  # noqa: E402
from kaa_web import migrate  # noqa: E402
from kaa_web.db import create_engine  # noqa: E402
from kaa_web.docx.render import render_letters  # noqa: E402
from kaa_web.docx.sandbox import make_environment  # noqa: E402
from kaa_web.docx.types import get_type  # noqa: E402
from kaa_web.models.auth import StaffUser  # noqa: E402
from kaa_web.models.base import local_today  # noqa: E402
from kaa_web.models.documents import GeneratedDocument  # noqa: E402
from kaa_web.models.mailout import MailoutJob  # noqa: E402
from kaa_web.models.register import ContactAttempt, RegistrationPeriod, Youth  # noqa: E402
from kaa_web.permissions import Actor  # noqa: E402
from kaa_web.rules import personnummer as pnr  # noqa: E402
from kaa_web.services import mailout  # noqa: E402
from kaa_web.services.letter_context import DEFAULT_LETTERHEAD  # noqa: E402
from kaa_web.services.register import name_key  # noqa: E402

LETTERS = 5000
NAIVE_LETTERS = 20  # a naive loop's letters, beside each mail-out
PAIRS = 30
WARM_UP = 1
DOC_TYPE = "brev_ungdom"


def fictitious_letters(count: int) -> list[dict]:
    """Realistic but fictitious recipients (Faker sv_SE), as the mail-out would pass them."""
    fake = Faker("sv_SE")
    Faker.seed(20261123)
    kommun = {**DEFAULT_LETTERHEAD, "logotyp": None}
    handlaggare = {"namn": fake.name(), "telefon": fake.phone_number(), "epost": fake.email()}
    letters = []
    for _ in range(count):
        first, last = fake.first_name(), fake.last_name()
        letters.append(
            {
                "kommun": kommun,
                "datum": fake.date_this_year(),
                "handlaggare": handlaggare,
                "mottagare": {
                    "namn": f"{first} {last}",
                    "utdelningsadress": fake.street_address(),
                    "postnummer": fake.postcode(),
                    "postort": fake.city(),
                },
                "ungdom": {"fornamn": first, "efternamn": last},
            }
        )
    return letters


def naive(template: Path, letters: list[dict]) -> list[bytes]:
    """The obvious loop: load, render and save the template once per letter."""
    from docxtpl import DocxTemplate

    env = make_environment()  # one sandbox for all, so the loop pays only for the documents
    results = []
    for letter in letters:
        tpl = DocxTemplate(template)
        tpl.render(letter, jinja_env=env)
        out = io.BytesIO()
        tpl.save(out)
        results.append(out.getvalue())
    return results


def count_pages(docx: bytes) -> tuple[int, int]:
    """(letters, pages) read back with python-docx: a page break before every letter but one."""
    document = Document(io.BytesIO(docx))
    breaks = sum(1 for p in document.paragraphs if p.paragraph_format.page_break_before)
    recipients = sum(1 for t in document.tables if t.rows[0].cells[0].text.strip())
    return recipients, breaks + 1


def fictitious_register(engine, letters: list[dict], runs: int) -> tuple[Actor, list[int]]:
    """One young person (19, letter due) per letter and run, bulk-inserted; not timed. Each
    mail-out gets people of its own: a person's letter is recorded once."""
    today = local_today()
    birth = today.replace(year=today.year - 19)
    rows = []
    for n in range(len(letters) * runs):
        letter = letters[n % len(letters)]
        first, last = letter["ungdom"]["fornamn"], letter["ungdom"]["efternamn"]
        number = pnr.parse(pnr.make_valid(birth - timedelta(days=n % 300), 200 + n // 300))
        address = letter["mottagare"]
        rows.append(
            dict(
                personnummer=number.canonical,
                first_name=first,
                last_name=last,
                first_name_key=name_key(first),
                last_name_key=name_key(last),
                birth_date=number.birth_date,
                gender=number.gender,
                street_address=address["utdelningsadress"],
                postal_code=address["postnummer"],
                city=address["postort"],
                next_step="brev",
                next_step_due=today - timedelta(days=10),
            )
        )
    with Session(engine) as db:
        staff = StaffUser(username="bench", display_name="Bänk Handläggare", roles="kaa")
        db.add(staff)
        db.flush()
        for start in range(0, len(rows), 10_000):
            db.connection().execute(sa.insert(Youth), rows[start : start + 10_000])
        db.commit()
        actor = Actor(staff_id=staff.id, username="bench", roles=frozenset({"kaa"}))
        ids = list(db.exec(select(Youth.id).order_by(Youth.id)))
        periods = [
            dict(
                youth_id=youth_id,
                registered_on=today - timedelta(days=40),
                registration_reason="avbrott_nationellt",
                registration_source="import",
            )
            for youth_id in ids
        ]
        for start in range(0, len(periods), 10_000):
            db.connection().execute(sa.insert(RegistrationPeriod), periods[start : start + 10_000])
        db.commit()
    return actor, ids


@dataclass
class MailOuts:
    """The production path as an action: the job makes and stores the file (as its thread
    does), then the officer's confirmation records every contact; each step commits."""

    engine: sa.Engine
    actor: Actor
    youth_ids: list[int]
    letters: int
    done: list[tuple[int, float, float]] = field(default_factory=list)  # job, make s, confirm s

    def __call__(self, run: int) -> None:
        ids = self.youth_ids[run * self.letters : (run + 1) * self.letters]
        with Session(self.engine, expire_on_commit=False) as db:
            start = time.perf_counter()
            job = mailout.start_mailout(db, actor=self.actor, youth_ids=ids, on=local_today())
            db.commit()
            mailout.run_mailout_job(db, job_id=job.id)
            made = time.perf_counter()
            mailout.confirm_mailout(db, actor=self.actor, job_id=job.id, posted_on=local_today())
            db.commit()
            self.done.append((job.id, made - start, time.perf_counter() - made))

    def checked(self) -> tuple[list[bytes], int]:
        """The last mail-out's files (one: LETTERS_PER_FILE is 5,000), and the contacts
        recorded in all; every job was sent."""
        with Session(self.engine) as db:
            for job_id, _, _ in self.done:
                job = db.get(MailoutJob, job_id)
                assert job.status == "sent", (job.status, job.error)
            files = [db.get(GeneratedDocument, i).content for i in json.loads(job.document_ids)]
            recorded = db.exec(select(sa.func.count()).select_from(ContactAttempt)).one()
        return files, recorded


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=LETTERS, help="letters a mail-out")
    parser.add_argument("--pairs", type=int, default=PAIRS, help="mail-outs timed, each paired")
    options = parser.parse_args()
    count = options.letters
    template = get_type(DOC_TYPE).builtin_path
    letters = fictitious_letters(count)
    render_letters(template, letters[:5])  # warm-up: imports, regex compilation

    with tempfile.TemporaryDirectory(prefix="kaa-bench-") as tmp:
        engine = create_engine(f"sqlite:///{tmp}/bench.db")
        migrate.upgrade(engine)
        actor, youth_ids = fictitious_register(engine, letters, WARM_UP + options.pairs)
        batch = MailOuts(engine, actor, youth_ids, count)
        paired = interleave(
            {"mailout": (batch, lambda run: naive(template, letters[:NAIVE_LETTERS]))},
            options.pairs,
            warm_up=WARM_UP,  # as in a running server: SQLAlchemy compiles each statement once
        )["mailout"]
        files, recorded = batch.checked()
        engine.dispose()
    assert recorded == count * (WARM_UP + options.pairs), recorded
    speedup = paired.scaled(count / NAIVE_LETTERS)

    render_seconds = _timed(render_letters, template, letters)
    # a render's fixed cost: the limited child process (kaa_web.docx.limits) and the template
    one_letter = min(_timed(render_letters, template, letters[:1]) for _ in range(5))
    counted = [count_pages(f) for f in files]
    found_letters, pages = sum(c[0] for c in counted), sum(c[1] for c in counted)
    assert found_letters == count and pages == count, (found_letters, pages)
    last_name = letters[-1]["mottagare"]["namn"]
    assert last_name in Document(io.BytesIO(files[-1])).tables[-1].rows[0].cells[0].text

    timed = batch.done[WARM_UP:]
    make = statistics.median(t for _, t, _ in timed)
    confirm = statistics.median(t for _, _, t in timed)
    naive_ms = statistics.median(paired.b) / NAIVE_LETTERS * 1000
    print(f"letters: {count} ({DOC_TYPE}, one page each)")
    print(
        f"mailout_{count}_s: {paired.a_ms / 1000:.3f} (median of {options.pairs}: make and store "
        f"the files, then confirm {count} contact attempts, SQLite; {len(files)} file(s), "
        f"{sum(map(len, files)) / 1024:.0f} KB)"
    )
    print(f"mailout_make_s: {make:.3f} (the job making the files)")
    print(f"mailout_confirm_s: {confirm:.3f} (the confirmation recording the contacts)")
    print(f"render_{count}_s: {render_seconds:.3f} (rendering the one document alone)")
    print(f"render_fixed_ms: {one_letter * 1000:.0f} (a batch of one letter, best of 5)")
    print(
        f"naive_ms_per_letter: {naive_ms:.2f} (median of {options.pairs} loops of "
        f"{NAIVE_LETTERS} letters, each beside a mail-out)"
    )
    print(f"python-docx read back: {found_letters} letters on {pages} pages")
    low, high = speedup.spread
    print(f"speedup_spread: p25–p75 {low:.1f}–{high:.1f} ({options.pairs} pairs)")
    print(f"speedup_vs_naive: {speedup.ratio:.1f}")


if __name__ == "__main__":
    main()
