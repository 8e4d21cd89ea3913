"""The report forms' help texts: defaults in code, admin's wording over them."""

from __future__ import annotations

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.base import utcnow
from kaa_web.models.school_reports import FormHelpText
from kaa_web.permissions import Actor
from kaa_web.services.errors import NotFound

DEFAULT_HELP_TEXTS: dict[tuple[str, str], str] = {
    (
        "studieavbrott",
        "personnummer",
    ): "Tolv siffror, t.ex. 20090315-1234. Samordningsnummer går också.",
    ("studieavbrott", "dropout_date"): "Sista dagen eleven var inskriven, ÅÅÅÅ-MM-DD.",
    ("studieavbrott", "support_given"): "Vilket stöd och vilken vägledning skolan har gett eleven.",
    ("studieavbrott", "informed_kaa"): "Eleven ska få veta att hemkommunen kommer att höra av sig.",
    ("franvaro", "absence_extent"): "T.ex. 40 % av lektionerna, eller antal hela dagar.",
    ("franvaro", "investigation_started"): "Datum då rektorn startade utredningen av frånvaron.",
    (
        "franvaro",
        "support_given",
    ): "Stöd och åtgärder, t.ex. att ett åtgärdsprogram har upprättats.",
    ("risk", "situation"): "Det som bäst beskriver läget. Skriv inga känsliga uppgifter.",
    ("risk", "meeting_proposal"): "Förslag på tider för ett gemensamt möte med eleven och KAA.",
    ("studiebevis", "rows"): (
        "En elev per rad: personnummer;förnamn;efternamn;program. Samma format som CSV-filen."
    ),
    ("studiebevis", "file"): (
        "CSV-fil med semikolon, UTF-8, rubrikraden personnummer;fornamn;efternamn;program."
    ),
}


def help_texts(db: Session, form: str) -> dict[str, str]:
    """The field -> help text map for a form: admin's wording over the defaults in code."""
    texts = {f: t for (k, f), t in DEFAULT_HELP_TEXTS.items() if k == form}
    for row in db.exec(select(FormHelpText).where(FormHelpText.form == form)).all():
        texts[row.field] = row.text
    return texts


def save_help_text(db: Session, *, actor: Actor, form: str, field_name: str, text: str) -> None:
    """Change a help text; an empty text restores the default."""
    actor.need("admin.manage")
    if (form, field_name) not in DEFAULT_HELP_TEXTS:
        raise NotFound
    row = db.exec(
        select(FormHelpText).where(FormHelpText.form == form, FormHelpText.field == field_name)
    ).first()
    text = text.strip()[:1000]
    if not text:
        if row is not None:
            db.delete(row)
    else:
        row = row or FormHelpText(form=form, field=field_name, text=text)
        row.text, row.updated_at = text, utcnow()
        db.add(row)
    audit.record(
        db, actor, "update", object_type="form_help_text", object_id=f"{form}.{field_name}"
    )
