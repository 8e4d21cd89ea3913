"""Mail-out benchmark: 1,000 one-page letters in one .docx versus one render per letter."""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

from docx import Document
from faker import Faker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kaa_web.document_types import get_type  # noqa: E402
from kaa_web.documents import make_environment, render_letters  # noqa: E402
from kaa_web.services.documents import DEFAULT_LETTERHEAD  # noqa: E402

LETTERS = 1000
NAIVE_LETTERS = 100
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


def mail_out(template: Path, letters: list[dict], record_contact_attempts=None) -> dict:
    """The mail-out as the register will run it: one document, then the contact attempts.

    `record_contact_attempts(letters)` is where the register records a "brev" contact attempt
    per young person; it arrives with the register and is timed on its own line when given.
    """
    start = time.perf_counter()
    batch = render_letters(template, letters)
    figures = {"document": batch, "render_seconds": time.perf_counter() - start}
    if record_contact_attempts is not None:
        start = time.perf_counter()
        record_contact_attempts(letters)
        figures["record_seconds"] = time.perf_counter() - start
    return figures


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


def main() -> None:
    template = get_type(DOC_TYPE).builtin_path
    letters = fictitious_letters(LETTERS)
    render_letters(template, letters[:5])  # warm-up: imports, regex compilation

    result = mail_out(template, letters)
    batch, batch_seconds = result["document"], result["render_seconds"]

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
        f"one document: {batch_seconds:.3f} s, {batch_seconds / LETTERS * 1000:.2f} ms per letter, "
        f"{len(batch) / 1024:.0f} KB"
    )
    print(
        f"naive loop: {naive_seconds:.3f} s for {NAIVE_LETTERS} letters, "
        f"{naive_per_letter * 1000:.2f} ms per letter, {naive_total:.1f} s for {LETTERS} "
        f"(scaled), {sum(map(len, singles)) / NAIVE_LETTERS / 1024:.0f} KB per file"
    )
    if "record_seconds" in result:
        print(f"recording contact attempts: {result['record_seconds']:.3f} s")
    print(f"python-docx read back: {found_letters} letters on {pages} pages")
    print(f"speedup_vs_naive: {naive_total / batch_seconds:.1f}")


if __name__ == "__main__":
    main()
