"""What every school report form has: the school unit and contact, and for a report about one
student, the student and their guardians."""

from __future__ import annotations

from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from kaa_web.forms import DATE_MESSAGE, OnceForm, PlainText, choices, int_or_none, text_of
from kaa_web.forms.register import EMAIL, PHONE, POSTAL, PersonnummerField
from kaa_web.models.base import local_today
from kaa_web.rules import personnummer as pnr

TEXT_MAX = Length(max=1000, message="Högst 1000 tecken.")


ADDRESS_PARTS = ("street_address", "postal_code", "city")


def required_date(label: str, message: str = DATE_MESSAGE) -> DateField:
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
