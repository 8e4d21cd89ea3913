"""Importing a register extract: preview, apply once, idempotent, all or nothing."""

from datetime import timedelta

import pytest
from sqlmodel import func, select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.register import ImportBatch, Youth
from kaa_web.rules import personnummer as pnr
from kaa_web.services import register
from kaa_web.services.errors import Invalid
from kaa_web.services.register import importing
from tests import factories

HEADER = (
    "personnummer;fornamn;efternamn;utdelningsadress;postnummer;postort;telefon;epost;"
    "kommundel;orsak;skyddad"
)


def number(n: int) -> str:
    return pnr.make_valid(local_today() - timedelta(days=6300 + n), 300 + n)


def extract(rows: list[str]) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def row(n: int, first="Elsa", city="Exempelstad", reason="studiebevis", pn=None) -> str:
    return f"{pn or number(n)};{first};Lind{n};Storgatan {n};123 45;{city};;;centrum;{reason};nej"


@pytest.fixture
def kaa(staff):
    return factories.actor("kaa", staff)


def count(db_session) -> int:
    return db_session.exec(select(func.count()).select_from(Youth)).one()


def test_preview_then_apply_registers_new_people_with_the_import_as_source(db_session, kaa):
    preview = importing.preview_import(
        db_session, actor=kaa, filename="u.csv", content=extract([row(1), row(2)])
    )
    db_session.commit()
    assert (len(preview.new), len(preview.changed), preview.errors) == (2, 0, [])
    assert count(db_session) == 0  # the preview writes no person
    importing.apply_import(db_session, actor=kaa, batch_id=preview.batch_id)
    db_session.commit()
    people = db_session.exec(select(Youth)).all()
    periods = [register.current_period(db_session, p.id) for p in people]
    assert {(p.registration_source, p.deregistered_on) for p in periods} == {("import", None)}
    assert {p.next_step for p in people} == {"brev"}


def test_importing_the_same_file_twice_changes_nothing(db_session, kaa):
    content = extract([row(1), row(2)])
    importing.import_rows(db_session, actor=kaa, content=content)
    db_session.commit()
    versions = {y.id: y.version for y in db_session.exec(select(Youth)).all()}
    again = importing.import_rows(db_session, actor=kaa, content=content)
    db_session.commit()
    assert (len(again.new), len(again.changed), again.unchanged) == (0, 0, 2)
    assert {y.id: y.version for y in db_session.exec(select(Youth)).all()} == versions


def test_changed_and_missing_people_are_previewed(db_session, kaa):
    importing.import_rows(db_session, actor=kaa, content=extract([row(1), row(2)]))
    db_session.commit()
    preview = importing.preview_import(
        db_session, actor=kaa, filename="u.csv", content=extract([row(1, city="Annanstad")])
    )
    assert [(y.first_name, changed) for y, changed, _ in preview.changed] == [("Elsa", ["city"])]
    assert [y.full_name for y in preview.missing] == ["Elsa Lind2"]


def test_new_people_of_20_or_older_are_left_out_and_listed_not_registered(db_session, kaa):
    older = pnr.make_valid(local_today().replace(year=1999, month=5, day=4), 301)
    preview = importing.preview_import(
        db_session, actor=kaa, filename="u.csv", content=extract([row(1), row(2, pn=older)])
    )
    assert preview.errors == []
    assert [r.line for r in preview.new] == [2]
    assert [r.line for r in preview.too_old] == [3]
    importing.apply_import(db_session, actor=kaa, batch_id=preview.batch_id)
    db_session.commit()
    assert [y.last_name for y in db_session.exec(select(Youth)).all()] == ["Lind1"]
    batch = db_session.get(ImportBatch, preview.batch_id)
    assert "1 ny över 20 år registrerades inte" in batch.summary


def test_one_bad_row_refuses_the_whole_file_with_swedish_row_errors(db_session, kaa):
    bad = extract(
        [row(1), row(2, pn="200601152383"), row(3, reason="okand_kod"), row(4, pn=number(1))]
    )
    preview = importing.preview_import(db_session, actor=kaa, filename="u.csv", content=bad)
    assert preview.batch_id is None
    assert any(e.startswith("Rad 3:") and "kontrollsiffra" in e for e in preview.errors)
    assert any(e.startswith("Rad 4:") and "okand_kod" in e for e in preview.errors)
    assert any(e.startswith("Rad 5:") and "rad 2" in e for e in preview.errors)
    with pytest.raises(Invalid):
        importing.import_rows(db_session, actor=kaa, content=bad)
    db_session.rollback()
    assert count(db_session) == 0


def test_a_batch_is_applied_at_most_once(db_session, kaa):
    preview = importing.preview_import(
        db_session, actor=kaa, filename="u.csv", content=extract([row(1)])
    )
    db_session.commit()
    importing.apply_import(db_session, actor=kaa, batch_id=preview.batch_id)
    db_session.commit()
    with pytest.raises(Invalid, match="redan genomförd"):
        importing.apply_import(db_session, actor=kaa, batch_id=preview.batch_id)
    assert db_session.get(ImportBatch, preview.batch_id).summary.startswith("1 ny,")


def test_a_file_without_the_columns_or_in_excel_encoding(db_session, kaa):
    preview = importing.preview_import(
        db_session, actor=kaa, filename="u.csv", content=b"namn,adress\nA,B\n"
    )
    assert "saknar kolumnerna" in preview.errors[0]
    latin = extract([row(1, first="Åsa")]).decode().encode("cp1252")
    ok = importing.preview_import(db_session, actor=kaa, filename="u.csv", content=latin)
    assert ok.errors == [] and ok.new[0].values["first_name"] == "Åsa"


def test_a_new_person_without_a_reason_is_an_error(db_session, kaa):
    preview = importing.preview_import(
        db_session, actor=kaa, filename="u.csv", content=extract([row(1, reason="")])
    )
    assert preview.errors == ["Rad 2: ny person i registret behöver en orsak."]


def test_the_people_a_preview_names_are_logged_as_read(db_session, kaa):
    importing.import_rows(db_session, actor=kaa, content=extract([row(1), row(2), row(3)]))
    db_session.commit()
    preview = importing.preview_import(
        db_session, actor=kaa, filename="u.csv", content=extract([row(1, city="Annanstad"), row(3)])
    )
    db_session.commit()
    named = {y.id for y, _changed, _row in preview.changed} | {y.id for y in preview.missing}
    assert len(named) == 2
    views = db_session.exec(
        select(AuditEvent.youth_id).where(
            AuditEvent.action == "view", AuditEvent.object_type == "youth"
        )
    ).all()
    assert sorted(views) == sorted(named)


def _deregistered(db_session, kaa, person_number: str, *, on):
    """Someone the register held from an earlier extract who left KAA on `on`."""
    importing.import_rows(db_session, actor=kaa, content=extract([row(1, pn=person_number)]))
    youth = db_session.exec(select(Youth).where(Youth.personnummer == person_number)).one()
    register.update_youth(
        db_session,
        actor=kaa,
        youth_id=youth.id,
        version=youth.version,
        data=register.YouthData(
            youth.first_name,
            youth.last_name,
            street_address=youth.street_address,
            postal_code=youth.postal_code,
            city=youth.city,
            district_id=youth.district_id,
            registration_reason="studiebevis",
            registration_source="import",
            registered_on=on - timedelta(days=60),
        ),
    )
    register.deregister_youth(
        db_session, actor=kaa, youth_id=youth.id, reason="nationellt_program", on=on
    )
    db_session.commit()
    return youth


def test_a_deregistered_person_in_an_extract_comes_back_with_a_new_period(db_session, kaa):
    left_on = local_today() - timedelta(days=30)
    youth = _deregistered(db_session, kaa, number(1), on=left_on)
    content = extract([row(1, city="Nystad", reason="avbrott_nationellt"), row(2)])
    preview = importing.preview_import(db_session, actor=kaa, filename="u.csv", content=content)
    db_session.commit()
    assert [(y.id, changed) for y, changed, _r in preview.returning] == [(youth.id, ["city"])]
    assert (len(preview.new), len(preview.changed)) == (1, 0)
    assert preview.summary.startswith("1 ny, 1 återkommer, 0 ändrade")
    importing.apply_import(db_session, actor=kaa, batch_id=preview.batch_id)
    db_session.commit()
    periods = register.periods_of(db_session, youth.id)
    assert [(p.registered_on, p.registration_reason, p.deregistered_on) for p in periods] == [
        (local_today(), "avbrott_nationellt", None),
        (left_on - timedelta(days=60), "studiebevis", left_on),  # the earlier one unchanged
    ]
    db_session.refresh(youth)
    assert (youth.status, youth.city, youth.next_step) == ("aktiv", "Nystad", "brev")


def test_a_returning_person_without_a_reason_stops_the_extract(db_session, kaa):
    _deregistered(db_session, kaa, number(1), on=local_today() - timedelta(days=30))
    preview = importing.preview_import(
        db_session, actor=kaa, filename="u.csv", content=extract([row(1, reason="")])
    )
    assert preview.errors == ["Rad 2: personen återkommer till KAA och behöver en orsak."]
