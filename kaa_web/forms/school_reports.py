"""Forms of school reports (dropout, absence, risk, studiebevis list), the inbox and admin."""

from __future__ import annotations

import csv
import io

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from kaa_web.forms import (
    DATE_MESSAGE,
    YES_NO,
    OnceForm,
    PlainText,
    choices,
    int_or_none,
    text_of,
)
from kaa_web.forms.register import EMAIL, PHONE, POSTAL, PersonnummerField
from kaa_web.models.base import local_today
from kaa_web.models.school_reports import (
    DROPOUT_REASONS,
    REPORT_KINDS,
    REPORT_STATUSES,
    RISK_SITUATIONS,
)
from kaa_web.rules import eligibility
from kaa_web.rules import personnummer as pnr
from kaa_web.rules.text import line_problem

PROGRAMME_KINDS = {
    "nationellt": "Nationellt program",
    "introduktion": "Introduktionsprogram",
}
TEXT_MAX = Length(max=1000, message="Högst 1000 tecken.")
CSV_COLUMNS = ("personnummer", "fornamn", "efternamn", "program")
MAX_ROWS = 500
ADDRESS_PARTS = ("street_address", "postal_code", "city")


def _date(label: str, message: str = DATE_MESSAGE) -> DateField:
    return DateField(label, validators=[DataRequired(message)], format="%Y-%m-%d")


class ReportForm(OnceForm):
    """What every report has: the one-time code, the school unit and the school's contact."""

    school_unit_id = SelectField(
        "Skolenhet",
        coerce=int_or_none,
        validators=[DataRequired("Välj skolenhet.")],
    )
    contact_name = StringField(
        "Skolans kontaktperson", validators=[DataRequired("Ange kontaktperson."), Length(max=200)]
    )
    contact_phone = StringField(
        "Kontaktpersonens telefon",
        validators=[DataRequired("Ange telefonnummer."), PHONE, Length(max=40)],
    )
    contact_email = StringField(
        "Kontaktpersonens e-post", validators=[Optional(), EMAIL, Length(max=200)]
    )

    def set_units(self, units) -> None:
        self.school_unit_id.choices = choices(
            ((u.id, f"{u.name} ({u.huvudman})" if u.huvudman else u.name) for u in units),
            blank=None if len(units) == 1 else "Välj skolenhet",
        )

    def detail_fields(self) -> tuple[str, ...]:
        return ()

    def details(self) -> dict:
        """The kind-specific answers as (label, shown value) pairs, as both sides read them."""
        pairs = []
        for name in self.detail_fields():
            f = getattr(self, name)
            pairs.append([str(f.label.text), _shown(f)])
        return {"fields": pairs}


def _error(field, message: str) -> bool:
    field.errors = [*field.errors, message]
    return False


def _shown(f) -> str:
    if f.type == "BooleanField":
        return "Ja" if f.data else "Nej"
    if f.type in ("SelectField", "RadioField"):
        return dict((str(v), str(lbl)) for v, lbl, *_ in f.iter_choices()).get(str(f.data), "")
    if f.type == "DateField":
        return f.data.isoformat() if f.data else ""
    return text_of(f)


class StudentReportForm(ReportForm):
    """A report about one student: who, where they study, how to reach them and their guardians."""

    personnummer = PersonnummerField(
        "Elevens personnummer", validators=[DataRequired("Ange elevens personnummer.")]
    )
    first_name = StringField(
        "Elevens förnamn", validators=[DataRequired("Ange förnamn."), Length(max=100), PlainText()]
    )
    last_name = StringField(
        "Elevens efternamn",
        validators=[DataRequired("Ange efternamn."), Length(max=100), PlainText()],
    )
    programme = StringField(
        "Program eller studieväg", validators=[DataRequired("Ange program."), Length(max=200)]
    )
    school_year = SelectField(
        "Årskurs",
        choices=choices((("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")), blank="Välj årskurs"),
        validators=[DataRequired("Välj årskurs.")],
    )
    street_address = StringField(
        "Elevens utdelningsadress", validators=[Length(max=200), PlainText()]
    )
    postal_code = StringField("Postnummer", validators=[POSTAL])
    city = StringField("Postort", validators=[Length(max=100), PlainText()])
    phone = StringField("Elevens telefon", validators=[PHONE, Length(max=40)])
    email = StringField("Elevens e-post", validators=[Optional(), EMAIL, Length(max=200)])
    guardian1_name = StringField(
        "Vårdnadshavare 1, namn", validators=[Length(max=200), PlainText()]
    )
    guardian1_phone = StringField("Vårdnadshavare 1, telefon", validators=[PHONE, Length(max=40)])
    guardian1_same_address = BooleanField("Vårdnadshavare 1 bor på elevens adress")
    guardian1_street_address = StringField(
        "Vårdnadshavare 1, utdelningsadress", validators=[Length(max=200), PlainText()]
    )
    guardian1_postal_code = StringField("Vårdnadshavare 1, postnummer", validators=[POSTAL])
    guardian1_city = StringField(
        "Vårdnadshavare 1, postort", validators=[Length(max=100), PlainText()]
    )
    guardian2_name = StringField(
        "Vårdnadshavare 2, namn", validators=[Length(max=200), PlainText()]
    )
    guardian2_phone = StringField("Vårdnadshavare 2, telefon", validators=[PHONE, Length(max=40)])
    guardian2_same_address = BooleanField("Vårdnadshavare 2 bor på elevens adress")
    guardian2_street_address = StringField(
        "Vårdnadshavare 2, utdelningsadress", validators=[Length(max=200), PlainText()]
    )
    guardian2_postal_code = StringField("Vårdnadshavare 2, postnummer", validators=[POSTAL])
    guardian2_city = StringField(
        "Vårdnadshavare 2, postort", validators=[Length(max=100), PlainText()]
    )

    ADDRESS = ADDRESS_PARTS
    ADDRESS_MISSING = {
        "street_address": "Ange utdelningsadressen, eller lämna hela adressen tom.",
        "postal_code": "Ange postnumret, eller lämna hela adressen tom.",
        "city": "Ange postorten, eller lämna hela adressen tom.",
    }
    CONTACT = (
        *ADDRESS,
        "phone",
        "email",
        *(f"guardian{n}_{part}" for n in (1, 2) for part in ("name", "phone", *ADDRESS_PARTS)),
    )

    def validate_guardian1_name(self, field):
        """Guardians are required when the student is under 18."""
        try:
            number = pnr.parse(self.personnummer.data or "")
        except pnr.InvalidPersonnummer:
            return
        if pnr.age_on(number.birth_date, local_today()) < 18 and not text_of(field):
            raise ValidationError("Eleven är under 18 år: ange minst en vårdnadshavare.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return all([self._guardian_address_ok(n) for n in (1, 2)]) and valid

    def _guardian_address_ok(self, n: int) -> bool:
        """A guardian's address is optional; given, it is whole (or "the student's address")."""
        name, same = self[f"guardian{n}_name"], self[f"guardian{n}_same_address"]
        parts = [self[f"guardian{n}_{part}"] for part in self.ADDRESS]
        typed = any(text_of(f) for f in parts)
        if not typed and not same.data:
            return True
        if not text_of(name):
            return _error(name, f"Ange namnet på vårdnadshavare {n}, eller lämna adressen tom.")
        if same.data and typed:
            return _error(same, "Välj elevens adress eller skriv en egen adress, inte båda.")
        if same.data and not all(text_of(self[part]) for part in self.ADDRESS):
            return _error(same, "Fyll i elevens hela adress ovan, eller skriv vårdnadshavarens.")
        missing = [f for f in parts if typed and not text_of(f)]
        for f in missing:
            _error(f, self.ADDRESS_MISSING[f.short_name.split("_", 1)[1]])
        return not missing

    def contact(self) -> dict:
        """The student's and guardians' contact details; "the student's address" is copied."""
        values = {name: text_of(self[name]) for name in self.CONTACT}
        for n in (1, 2):
            if self[f"guardian{n}_same_address"].data:
                values.update({f"guardian{n}_{part}": values[part] for part in self.ADDRESS})
        return values

    def programme_text(self) -> str:
        return f"{(self.programme.data or '').strip()}, åk {self.school_year.data}"


class DropoutForm(StudentReportForm):
    """Studieavbrott: the regional dropout form."""

    programme_kind = RadioField(
        "Typ av program",
        choices=choices(PROGRAMME_KINDS.items()),
        validators=[DataRequired("Välj typ av program.")],
    )
    dropout_date = _date("Datum för avbrottet", "Ange datum för avbrottet som ÅÅÅÅ-MM-DD.")
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
        return {
            **super().details(),
            "registration_reason": reason or "avbrott_nationellt",
        }


class AbsenceForm(StudentReportForm):
    """Betydande frånvaro (skollagen 15 kap. 15 §)."""

    absence_extent = StringField(
        "Frånvarons omfattning",
        validators=[DataRequired("Ange frånvarons omfattning."), Length(max=200)],
    )
    period_from = _date("Frånvaro från och med")
    period_to = _date("Frånvaro till och med")
    investigation_started = _date(
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


class InboxFilterForm(FlaskForm):
    class Meta:
        csrf = False

    typ = SelectField(
        "Typ av anmälan",
        choices=choices(REPORT_KINDS.items(), blank="Alla"),
        validators=[Optional()],
    )
    status = SelectField(
        "Status",
        choices=choices([("oppna", "Ej avslutade"), *REPORT_STATUSES.items()], blank="Alla"),
        default="oppna",
        validators=[Optional()],
    )


class StatusForm(FlaskForm):
    status = SelectField(
        "Status",
        choices=choices(REPORT_STATUSES.items()),
        validators=[DataRequired("Välj status.")],
    )
    answer = TextAreaField("Kort svar till skolan", validators=[TEXT_MAX])


class OtherMunicipalityForm(FlaskForm):
    municipality = SelectField("Elevens hemkommun", validators=[Optional()])
    forward_note = TextAreaField(
        "Anteckning om vidarebefordran",
        validators=[Length(max=500, message="Högst 500 tecken.")],
    )

    def set_choices(self, municipalities: dict[str, str], own_code: str) -> None:
        self.municipality.choices = choices(
            (
                (code, f"{name} ({code})")
                for code, name in municipalities.items()
                if code != own_code
            ),
            blank="Den här kommunen",
        )


class SchoolUnitForm(OnceForm):
    code = StringField(
        "Skolenhetskod",
        validators=[
            DataRequired("Ange skolenhetskoden."),
            Regexp(r"^\d{8}\Z", message="Skolenhetskoden har åtta siffror."),
        ],
    )
    name = StringField("Namn", validators=[DataRequired("Ange namnet."), Length(max=200)])
    huvudman = StringField("Huvudman", validators=[DataRequired("Ange huvudman."), Length(max=200)])
    own_huvudman = BooleanField("Kommunen är huvudman")
    municipality_code = SelectField("Kommun där skolan ligger", validators=[Optional()])
    directory_group = StringField(
        "Kataloggrupp (DN)",
        validators=[
            Length(max=300),
            Regexp(r"^$|^[^=,]+=[^,]+(,[^=,]+=[^,]+)*\Z", message="Ange ett DN, t.ex. cn=…,ou=…"),
        ],
    )
    contact_name = StringField("Kontaktperson", validators=[Length(max=200)])
    contact_phone = StringField("Telefon", validators=[PHONE, Length(max=40)])
    contact_email = StringField("E-post", validators=[Optional(), EMAIL, Length(max=200)])
    street_address = StringField("Utdelningsadress", validators=[Length(max=200)])
    postal_code = StringField("Postnummer", validators=[POSTAL])
    city = StringField("Postort", validators=[Length(max=100)])
    active = BooleanField("Aktiv", default=True)

    def set_choices(self, municipalities: dict[str, str]) -> None:
        self.municipality_code.choices = choices(
            ((code, name) for code, name in municipalities.items()), blank="Välj kommun"
        )


class HelpTextForm(FlaskForm):
    form = HiddenField(validators=[DataRequired()])
    field_name = HiddenField(validators=[DataRequired()])
    text = TextAreaField("Hjälptext", validators=[Length(max=1000, message="Högst 1000 tecken.")])
