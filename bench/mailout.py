"""Mail-out benchmark: 1,000 letters in one .docx, then their contacts when confirmed as posted,
versus one render a letter."""

from __future__ import annotations

import io
import json
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from docx import Document
from faker import Faker
from sqlmodel import Session, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kaa_web import migrate  # noqa: E402
from kaa_web.db import create_engine  # noqa: E402
from kaa_web.docx.render import make_environment, render_letters  # noqa: E402
from kaa_web.docx.types import get_type  # noqa: E402
from kaa_web.models.base import local_today  # noqa: E402
from kaa_web.models.documents import GeneratedDocument  # noqa: E402
from kaa_web.models.register import ContactAttempt  # noqa: E402
from kaa_web.permissions import Actor  # noqa: E402
from kaa_web.services import mailout  # noqa: E402
from kaa_web.services.letter_context import DEFAULT_LETTERHEAD  # noqa: E402

LETTERS = 1000
NAIVE_LETTERS = 100
WARM_UP = 5
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


def fictitious_register(db_url: str, letters: list[dict]) -> tuple[Actor, list[int]]:
    """A throwaway database holding one young person (19, letter due) per letter; not timed."""
    from kaa_web.models.auth import StaffUser
    from kaa_web.models.register import Youth
    from kaa_web.rules import personnummer as pnr
    from kaa_web.services.register import name_key

    engine = create_engine(db_url)
    migrate.upgrade(engine)
    today = local_today()
    birth = today.replace(year=today.year - 19)
    with Session(engine) as db:
        staff = StaffUser(username="bench", display_name="Bänk Handläggare", roles="kaa")
        db.add(staff)
        for n, letter in enumerate(letters):
            first, last = letter["ungdom"]["fornamn"], letter["ungdom"]["efternamn"]
            number = pnr.parse(pnr.make_valid(birth - timedelta(days=n % 300), 200 + n // 300))
            address = letter["mottagare"]
            db.add(
                Youth(
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
                    registration_reason="avbrott_nationellt",
                    registration_source="import",
                    registered_on=today - timedelta(days=40),
                    next_step="brev",
                    next_step_due=today - timedelta(days=10),
                )
            )
        db.commit()
        actor = Actor(staff_id=staff.id, username="bench", roles=frozenset({"kaa"}))
        ids = list(db.exec(select(Youth.id).order_by(Youth.id)))
    engine.dispose()
    return actor, ids


def timed_mail_out(
    db_url: str, actor: Actor, youth_ids: list[int]
) -> tuple[float, float, bytes, int]:
    """The production path, timed in its two steps: the job makes and stores the file (as its
    thread does), then the officer's confirmation records every contact; each commits."""
    engine = create_engine(db_url)
    with Session(engine, expire_on_commit=False) as db:
        start = time.perf_counter()
        job = mailout.start_mailout(db, actor=actor, youth_ids=youth_ids, on=local_today())
        db.commit()
        mailout.run_mailout_job(engine, actor=actor, job_id=job.id)
        made = time.perf_counter()
        job = mailout.confirm_mailout(db, actor=actor, job_id=job.id, posted_on=local_today())
        db.commit()
        confirmed = time.perf_counter()
        assert job.status == "sent", (job.status, job.error)
        (document_id,) = json.loads(job.document_ids)
        document = db.get(GeneratedDocument, document_id)
        recorded = db.exec(select(sa.func.count()).select_from(ContactAttempt)).one()
    engine.dispose()
    return made - start, confirmed - made, document.content, recorded


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def main() -> None:
    template = get_type(DOC_TYPE).builtin_path
    letters = fictitious_letters(LETTERS)
    render_letters(template, letters[:5])  # warm-up: imports, regex compilation

    with tempfile.TemporaryDirectory(prefix="kaa-bench-") as tmp:
        db_url = f"sqlite:///{tmp}/bench.db"
        actor, youth_ids = fictitious_register(db_url, letters + fictitious_letters(WARM_UP))
        # warm-up, as in a running server: SQLAlchemy compiles each statement once
        timed_mail_out(db_url, actor, youth_ids[LETTERS:])
        make_seconds, confirm_seconds, batch, recorded = timed_mail_out(
            db_url, actor, youth_ids[:LETTERS]
        )
    batch_seconds = make_seconds + confirm_seconds
    assert recorded == LETTERS + WARM_UP, recorded

    start = time.perf_counter()
    render_letters(template, letters)
    render_seconds = time.perf_counter() - start

    # a render's fixed cost: the limited child process (kaa_web.docx.limits) and the template
    one_letter = min(_timed(render_letters, template, letters[:1]) for _ in range(5))

    start = time.perf_counter()
    singles = naive(template, letters[:NAIVE_LETTERS])
    naive_seconds = time.perf_counter() - start
    naive_per_letter = naive_seconds / NAIVE_LETTERS
    naive_total = naive_per_letter * LETTERS

    found_letters, pages = count_pages(batch)
    assert found_letters == LETTERS and pages == LETTERS, (found_letters, pages)
    last_name = letters[-1]["mottagare"]["namn"]
    assert last_name in Document(io.BytesIO(batch)).tables[-1].rows[0].cells[0].text

    print(f"letters: {LETTERS} ({DOC_TYPE}, one page each)")
    print(
        f"mail-out (make and store the file, then confirm: {LETTERS} contact attempts, SQLite): "
        f"{batch_seconds:.3f} s, {batch_seconds / LETTERS * 1000:.2f} ms per letter, "
        f"{len(batch) / 1024:.0f} KB"
    )
    print(
        f"of which the job making the file: {make_seconds:.3f} s, the confirmation: "
        f"{confirm_seconds:.3f} s"
    )
    print(f"of which rendering the one document alone: {render_seconds:.3f} s")
    print(f"fixed cost of a render (a batch of one letter, best of 5): {one_letter * 1000:.0f} ms")
    print(
        f"naive loop: {naive_seconds:.3f} s for {NAIVE_LETTERS} letters, "
        f"{naive_per_letter * 1000:.2f} ms per letter, {naive_total:.1f} s for {LETTERS} "
        f"(scaled), {sum(map(len, singles)) / NAIVE_LETTERS / 1024:.0f} KB per file"
    )
    print(f"python-docx read back: {found_letters} letters on {pages} pages")
    print(f"speedup_vs_naive: {naive_total / batch_seconds:.1f}")


if __name__ == "__main__":
    main()
