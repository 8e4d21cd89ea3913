"""The letterhead: its texts and logo reach every letter; a logo that is not an image is refused."""

from __future__ import annotations

import pytest

from kaa_web.docx.types import EXAMPLE_LOGO
from kaa_web.services import documents as service
from kaa_web.services.errors import Invalid
from tests.docx_samples import text_of
from tests.services.documents.helpers import ADMIN, KAA, letter_context


def test_the_saved_letterhead_and_logo_appear_in_generated_letters(db_session):
    service.save_letterhead(
        db_session,
        actor=ADMIN,
        change=service.LetterheadChange(
            namn="Fiktiva kommun",
            adress="Box 99, 999 99 Fiktiva",
            telefon="011-99 99 99",
            webb="fiktiva.example",
            kaa_kontakt="KAA Fiktiva, 011-99 99 98",
            logotyp=EXAMPLE_LOGO,
        ),
    )
    document = service.generate_document(
        db_session, actor=KAA, doc_type="brev_ungdom", context=letter_context()
    )
    text = text_of(document.content)
    assert "Fiktiva kommun" in text and "Box 99, 999 99 Fiktiva" in text
    assert "KAA Fiktiva, 011-99 99 98" in text
    assert b"word/media/" in document.content  # the logo went in


def test_a_logo_that_is_not_a_png_or_jpeg_is_refused(db_session):
    change = service.LetterheadChange(namn="X", logotyp=b"GIF89a....")
    with pytest.raises(Invalid, match="PNG- eller JPEG"):
        service.save_letterhead(db_session, actor=ADMIN, change=change)
