"""Hostile and odd register extracts: a Swedish message per bad row (never a 500), what the
preview accepts can be stored on both databases, and uploaded content is not kept."""

import io
from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import utcnow
from kaa_web.models.register import ImportBatch, Youth
from kaa_web.services.errors import Invalid
from kaa_web.services.register import importing
from tests import factories
from tests.services.register.test_importing import HEADER, extract, row


@pytest.fixture
def kaa(staff):
    return factories.actor("kaa", staff)


def errors_of(db_session, actor, content: bytes) -> list[str]:
    preview = importing.preview_import(
        db_session, actor=actor, filename="utdrag.csv", content=content
    )
    return preview.errors


def test_a_byte_excel_cannot_read_gets_a_message_for_its_row(db_session, kaa):
    content = extract([row(1), row(2)]).replace(b"Elsa;Lind2", b"Els\x81;Lind2")
    assert errors_of(db_session, kaa, content) == [
        "Rad 3: raden har tecken som inte kan läsas (filen är varken UTF-8 eller Excels "
        "teckenkodning). Spara filen som CSV UTF-8 och försök igen."
    ]


def test_a_field_past_the_csv_size_limit_is_one_rows_error_and_the_rest_are_checked(
    db_session, kaa
):
    content = extract([row(1), row(2, first="x" * 140_000), row(3, pn="200601152383")])
    errors = errors_of(db_session, kaa, content)
    assert errors[0] == "Rad 3: raden kan inte läsas (ett fält är för långt)."
    assert errors[1].startswith("Rad 4: ") and "kontrollsiffra" in errors[1]
    assert len(errors) == 2


def test_names_too_long_or_with_control_characters_are_refused_per_row(db_session, kaa):
    content = extract(
        [
            row(1, first="A" * 320 + "\x1b[2J"),
            row(2, first="B" * 323),
            row(3, city="Stad\x00"),
            row(4, first="\u202egnirts"),
        ]
    )
    assert errors_of(db_session, kaa, content) == [
        "Rad 2: kolumnen fornamn får inte innehålla styrtecken (som tabb, radbrytning eller ESC).",
        "Rad 3: kolumnen fornamn får vara högst 100 tecken.",
        "Rad 4: kolumnen postort får inte innehålla styrtecken (som tabb, radbrytning eller ESC).",
        "Rad 5: kolumnen fornamn får inte innehålla styrtecken (som tabb, radbrytning eller ESC).",
    ]
    assert db_session.exec(select(ImportBatch)).all() == []


def test_what_the_preview_accepts_is_stored_whole_on_apply(db_session, kaa):
    """The longest values the preview allows fit the columns (PostgreSQL refused a 323-character
    name on apply), and a name that case-folds longer still fits its search key."""
    longest = "\ufb03" * 100  # the ligature "ffi": 300 characters once case-folded
    content = extract([row(1, first=longest, city="Å" * 100)])
    preview = importing.preview_import(db_session, actor=kaa, filename="u.csv", content=content)
    assert preview.errors == []
    importing.apply_import(db_session, actor=kaa, batch_id=preview.batch_id)
    db_session.commit()
    stored = db_session.exec(select(Youth)).one()
    assert (stored.first_name, stored.city) == (longest, "Å" * 100)


def test_old_mac_line_endings_are_read_as_rows(db_session, kaa):
    content = "\r".join([HEADER, row(1), row(2)]).encode()
    preview = importing.import_rows(db_session, actor=kaa, content=content)
    assert len(preview.new) == 2


def test_hostile_files_get_a_swedish_page_not_a_server_error(login_as, staff, db_session):
    officer = login_as("kaa")
    for content in (
        extract([row(1)]).replace(b"Elsa", b"\x81\x8d\x8f\x90\x9d"),
        extract([row(1, first="x" * 140_000)]),
        extract([row(1, first="Q" * 320 + "\x1b")]),
        b"\x00" * 1000,
        HEADER.encode() + b"\n" + b'"' * 5000,
    ):
        response = officer.post_form(
            "/ungdomar/import",
            {"file": (io.BytesIO(content), "utdrag.csv")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 400
        assert "Filen kan inte importeras" in response.get_data(as_text=True)
    assert db_session.exec(select(ImportBatch)).all() == []


def test_an_uploaded_file_name_with_control_characters_is_stored_without_them(db_session, kaa):
    preview = importing.preview_import(
        db_session, actor=kaa, filename="utdrag\x00\x1b.csv", content=extract([row(1)])
    )
    db_session.commit()
    assert db_session.get(ImportBatch, preview.batch_id).filename == "utdrag.csv"


# --- F18: the extract's content is not kept -------------------------------------------------


def test_the_content_is_deleted_once_applied_and_hash_and_summary_are_kept(db_session, kaa):
    preview = importing.preview_import(
        db_session, actor=kaa, filename="u.csv", content=extract([row(1), row(2)])
    )
    db_session.commit()
    assert db_session.get(ImportBatch, preview.batch_id).summary.startswith("Förhandsgranskad")
    importing.apply_import(db_session, actor=kaa, batch_id=preview.batch_id)
    db_session.commit()
    db_session.expire_all()
    batch = db_session.get(ImportBatch, preview.batch_id)
    assert batch.content is None
    assert len(batch.sha256) == 64 and batch.summary.startswith("2 nya, 0 ändrade")


def previewed(db_session, actor, n: int, hours_ago: int = 0) -> int:
    """A batch previewed `hours_ago` (and not applied): its id."""
    preview = importing.preview_import(
        db_session, actor=actor, filename=f"utdrag{n}.csv", content=extract([row(n)])
    )
    db_session.get(ImportBatch, preview.batch_id).created_at = utcnow() - timedelta(hours=hours_ago)
    db_session.commit()
    return preview.batch_id


def nightly_deletes(app, count: int) -> bool:
    result = app.test_cli_runner().invoke(args=["kaa", "nightly"])
    unapplied = "ej genomfört registerutdrag" if count == 1 else "ej genomförda registerutdrag"
    return f"Innehållet i {count} {unapplied} är raderat." in result.output


def test_an_unapplied_extract_is_deleted_after_the_retention_and_cannot_be_applied(
    app, db_session, kaa
):
    old, fresh = previewed(db_session, kaa, 1, hours_ago=25), previewed(db_session, kaa, 2)
    assert nightly_deletes(app, 1)
    db_session.expire_all()
    expired, kept = db_session.get(ImportBatch, old), db_session.get(ImportBatch, fresh)
    assert (expired.status, expired.content) == ("utgangen", None)
    assert expired.sha256 and expired.summary
    assert kept.content == extract([row(2)])
    with pytest.raises(Invalid, match="gått ut"):
        importing.apply_import(db_session, actor=kaa, batch_id=old)


@pytest.mark.settings(import_retention_hours=1)
def test_the_retention_is_a_setting(app, db_session, kaa):
    previewed(db_session, kaa, 1, hours_ago=2)
    assert nightly_deletes(app, 1)


# --- F2: the extract sets and clears protection, logged as such -----------------------------


def test_protection_from_the_extract_is_an_audit_action_of_its_own(db_session, kaa):
    importing.import_rows(db_session, actor=kaa, content=extract([row(1)[:-3] + "ja"]))
    db_session.commit()
    youth = db_session.exec(select(Youth)).one()
    importing.import_rows(db_session, actor=kaa, content=extract([row(1)]))
    db_session.commit()
    changes = db_session.exec(
        select(AuditEvent.action, AuditEvent.youth_id)
        .where(AuditEvent.action.like("protection%"))
        .order_by(AuditEvent.id)
    ).all()
    assert [tuple(c) for c in changes] == [
        ("protection_set", youth.id),
        ("protection_cleared", youth.id),
    ]
