"""The four report forms (dropout, absence, risk, studiebevis list) and the list's rows."""

from __future__ import annotations

import csv
import io

from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from kaa_web.forms import YES_NO, choices
from kaa_web.forms.school_reports.report import (
    TEXT_MAX,
    ReportForm,
    StudentReportForm,
    required_date,
)
from kaa_web.models.base import local_today
from kaa_web.models.school_reports import DROPOUT_REASONS, RISK_SITUATIONS
from kaa_web.rules import eligibility
from kaa_web.rules import personnummer as pnr
from kaa_web.rules.text import line_problem

PROGRAMME_KINDS = {
    "nationellt": "Nationellt program",
    "introduktion": "Introduktionsprogram",
}


CSV_COLUMNS = ("personnummer", "fornamn", "efternamn", "program")


MAX_ROWS = 500


class DropoutForm(StudentReportForm):
    """Studieavbrott: the regional dropout form."""

    programme_kind = RadioField(
        "Typ av program",
        choices=choices(PROGRAMME_KINDS.items()),
        validators=[DataRequired("Välj typ av program.")],
    )
    dropout_date = required_date("Datum för avbrottet", "Ange datum för avbrottet som ÅÅÅÅ-MM-DD.")
    reason = SelectField(
        "Orsak till avbrottet",
        choices=choices(DROPOUT_REASONS.items(), blank="Välj orsak"),
        validators=[DataRequired("Välj orsak.")],
    )
    leaves_with_studiebevis = RadioField(
        "Lämnar eleven med studiebevis?",
        choices=choices(YES_NO.items()),
        validators=[DataRequired("Svara ja eller nej.")],
    )
    support_given = TextAreaField(
        "Stöd och vägledning skolan har gett",
        validators=[DataRequired("Beskriv stödet och vägledningen."), TEXT_MAX],
    )
    informed_consequences = BooleanField("Eleven har informerats om konsekvenserna av avbrottet")
    informed_kaa = BooleanField("Eleven har informerats om det kommunala aktivitetsansvaret")

    def validate_dropout_date(self, field):
        if field.data and field.data > local_today():
            raise ValidationError("Datum för avbrottet kan inte vara i framtiden.")

    def detail_fields(self):
        return (
            "programme_kind",
            "dropout_date",
            "reason",
            "leaves_with_studiebevis",
            "support_given",
            "informed_consequences",
            "informed_kaa",
        )

    def details(self) -> dict:
        reason = "introduktionsprogram" if self.programme_kind.data == "introduktion" else None
        ending = "studiebevis" if self.leaves_with_studiebevis.data == "ja" else "avbrott"
        return {
            **super().details(),
            "registration_reason": reason or "avbrott_nationellt",
            "school_ending": ending,  # the mapping's "Hur skolgången slutade", pre-filled
        }


class AbsenceForm(StudentReportForm):
    """Betydande frånvaro (skollagen 15 kap. 15 §)."""

    absence_extent = StringField(
        "Frånvarons omfattning",
        validators=[DataRequired("Ange frånvarons omfattning."), Length(max=200)],
    )
    period_from = required_date("Frånvaro från och med")
    period_to = required_date("Frånvaro till och med")
    investigation_started = required_date(
        "Datum då skolans utredning av frånvaron startade", "Ange när utredningen startade."
    )
    atgardsprogram = BooleanField("Ett åtgärdsprogram har upprättats")
    support_given = TextAreaField(
        "Stöd och åtgärder skolan har gett",
        validators=[DataRequired("Beskriv stödet och åtgärderna."), TEXT_MAX],
    )

    def validate_period_to(self, field):
        if field.data and self.period_from.data and field.data < self.period_from.data:
            raise ValidationError("Slutdatum kan inte vara före startdatum.")

    def detail_fields(self):
        return (
            "absence_extent",
            "period_from",
            "period_to",
            "investigation_started",
            "atgardsprogram",
            "support_given",
        )


class RiskForm(StudentReportForm):
    """Risk för studieavbrott: the school asks KAA for a joint meeting."""

    situation = SelectField(
        "Elevens situation",
        choices=choices(RISK_SITUATIONS.items(), blank="Välj det som passar bäst"),
        validators=[DataRequired("Välj elevens situation.")],
    )
    support_given = TextAreaField(
        "Stöd skolan redan har gett",
        validators=[DataRequired("Beskriv stödet skolan har gett."), TEXT_MAX],
    )
    meeting_requested = BooleanField("Skolan begär ett gemensamt möte med KAA", default=True)
    meeting_proposal = StringField("Förslag på mötestider", validators=[Length(max=200)])

    def detail_fields(self):
        return ("situation", "support_given", "meeting_requested", "meeting_proposal")


class StudiebevisForm(ReportForm):
    """Studiebevis at year end: a list of students, typed as rows or uploaded as CSV."""

    school_year = StringField(
        "Läsår",
        validators=[
            DataRequired("Ange läsåret."),
            Regexp(r"^\d{4}/\d{2}\Z", message="Ange läsåret som ÅÅÅÅ/ÅÅ, t.ex. 2025/26."),
        ],
    )
    rows = TextAreaField("Elever (en per rad)", validators=[Length(max=50_000)])
    file = FileField("Eller ladda upp en CSV-fil")

    parsed: list[dict]

    def detail_fields(self):
        return ("school_year",)

    def validate_rows(self, field):
        text = field.data or ""
        upload = self.file.data
        if upload and getattr(upload, "filename", ""):
            if not upload.filename.lower().endswith((".csv", ".txt")):
                raise ValidationError("Filen ska vara en CSV-fil (.csv).")
            raw = upload.read()
            try:
                text = text + "\n" + raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ValidationError("Filen ska vara sparad som UTF-8.") from exc
        self.parsed = parse_rows(text)


def parse_rows(text: str) -> list[dict]:
    """Rows "personnummer;förnamn;efternamn;program" (a header row is skipped)."""
    rows, problems = [], []
    lines = [line for line in text.splitlines() if line.strip()]
    for n, values in enumerate(csv.reader(io.StringIO("\n".join(lines)), delimiter=";"), 1):
        cells = [v.strip() for v in values]
        if cells and cells[0].lower() == "personnummer":
            continue
        problem = _row_problem(cells)
        if problem:
            problems.append(f"Rad {n}: {problem}")
            continue
        rows.append(dict(zip(CSV_COLUMNS, cells + [""] * (4 - len(cells)), strict=False)))
    if problems:
        raise ValidationError(" ".join(problems[:10]))
    if not rows:
        raise ValidationError("Ange minst en elev.")
    if len(rows) > MAX_ROWS:
        raise ValidationError(f"Högst {MAX_ROWS} elever per lista.")
    return rows


def _row_problem(cells: list[str]) -> str:
    if len(cells) < 3 or not cells[1] or not cells[2]:
        return "ange personnummer, förnamn och efternamn med semikolon emellan."
    try:
        number = pnr.parse(cells[0])
    except pnr.InvalidPersonnummer as exc:
        return str(exc)
    for label, value, max_length in (
        ("förnamnet", cells[1], 100),
        ("efternamnet", cells[2], 100),
        ("programmet", cells[3] if len(cells) > 3 else "", 200),
    ):
        problem = line_problem(value, max_length)
        if problem:
            return f"{label} {problem[0].lower()}{problem[1:]}"
    if not eligibility.covered_on(number.birth_date, local_today()):
        return f"{eligibility.too_old_sv(number.birth_date, 'Eleven')} Ta bort raden."
    return ""


FORMS = {
    "studieavbrott": DropoutForm,
    "franvaro": AbsenceForm,
    "risk": RiskForm,
    "studiebevis": StudiebevisForm,
}
