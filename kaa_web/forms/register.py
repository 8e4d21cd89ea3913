"""Forms of the register: a person, a contact attempt, list filters, import, deregistration."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import HiddenInput

from kaa_web.forms import (
    IntegerField,
    OnceForm,
    PlainText,
    choices,
    date_field,
    int_or_none,
    text_of,
)
from kaa_web.models.register import (
    ACTIONS,
    CHANNELS,
    DEREGISTRATION_REASONS,
    GENDERS,
    OCCUPATIONS,
    OUTCOMES,
    REGISTRATION_REASONS,
    REGISTRATION_SOURCES,
    STATUSES,
    STUDY_KINDS,
)
from kaa_web.rules import personnummer as pnr
from kaa_web.rules.outreach import STEP_LABELS, contact_fields

PHONE = Regexp(
    r"^[0-9+()\- ]*\Z", message="Telefonnumret får bara innehålla siffror, +, - och mellanslag."
)
POSTAL = Regexp(r"^(\d{3} ?\d{2})?\Z", message="Ange postnumret med fem siffror.")
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z", message="Ange en giltig e-postadress.")
TIME = Regexp(r"^([01]\d|2[0-3]):[0-5]\d\Z", message="Ange tiden som TT:MM.")


class PersonnummerField(StringField):
    """Validates with the Luhn check and a real date; keeps what the user typed on errors."""

    def pre_validate(self, form):
        try:
            pnr.parse(self.data or "")
        except pnr.InvalidPersonnummer as exc:
            raise ValidationError(str(exc)) from exc


class RegistrationFields(OnceForm):
    """A registration period's own fields: why the person is covered, how they became known."""

    registration_reason = SelectField(
        "Orsak till att ungdomen omfattas",
        choices=choices(REGISTRATION_REASONS.items(), blank="Välj orsak"),
        validators=[DataRequired("Välj orsak.")],
    )
    registration_source = SelectField(
        "Hur blev ungdomen känd?",
        choices=choices(REGISTRATION_SOURCES.items(), blank="Välj källa"),
        validators=[DataRequired("Välj källa.")],
    )
    registered_on = date_field("Registreringsdatum")


class YouthForm(RegistrationFields):
    personnummer = PersonnummerField(
        "Personnummer eller samordningsnummer", validators=[DataRequired("Ange personnumret.")]
    )
    first_name = StringField(
        "Förnamn", validators=[DataRequired("Ange förnamn."), Length(max=100), PlainText()]
    )
    last_name = StringField(
        "Efternamn", validators=[DataRequired("Ange efternamn."), Length(max=100), PlainText()]
    )
    gender = SelectField(
        "Kön",
        choices=choices(GENDERS.items(), blank="Enligt personnumret"),
        validators=[Optional()],
    )
    protected_identity = BooleanField("Skyddade personuppgifter")
    street_address = StringField("Utdelningsadress", validators=[Length(max=200), PlainText()])
    postal_code = StringField("Postnummer", validators=[POSTAL])
    city = StringField("Postort", validators=[Length(max=100), PlainText()])
    phone = StringField("Telefon", validators=[PHONE, Length(max=40)])
    email = StringField("E-post", validators=[Optional(), EMAIL, Length(max=200), PlainText()])
    district_id = SelectField("Kommundel", coerce=int_or_none, validators=[Optional()])
    officer_id = SelectField("Ansvarig handläggare", coerce=int_or_none, validators=[Optional()])
    guardian1_name = StringField("Namn", validators=[Length(max=200), PlainText()])
    guardian1_street_address = StringField("Adress", validators=[Length(max=200), PlainText()])
    guardian1_postal_code = StringField("Postnummer", validators=[POSTAL])
    guardian1_city = StringField("Postort", validators=[Length(max=100), PlainText()])
    guardian1_phone = StringField("Telefon", validators=[PHONE, Length(max=40)])
    guardian2_name = StringField("Namn", validators=[Length(max=200), PlainText()])
    guardian2_street_address = StringField("Adress", validators=[Length(max=200), PlainText()])
    guardian2_postal_code = StringField("Postnummer", validators=[POSTAL])
    guardian2_city = StringField("Postort", validators=[Length(max=100), PlainText()])
    guardian2_phone = StringField("Telefon", validators=[PHONE, Length(max=40)])
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def set_choices(self, districts, officers) -> None:
        self.district_id.choices = choices(((d.id, d.name) for d in districts), blank="Ingen vald")
        self.officer_id.choices = choices(
            ((o.id, o.display_name) for o in officers), blank="Ingen ansvarig ännu"
        )

    def guardians(self) -> list[dict]:
        result = []
        for n in (1, 2):
            values = {
                k: text_of(getattr(self, f"guardian{n}_{k}"))
                for k in ("name", "street_address", "postal_code", "city", "phone")
            }
            if any(values.values()):
                result.append(values)
        return result

    def validate_guardian1_name(self, field):
        self._guardian_needs_name(1)

    def validate_guardian2_name(self, field):
        self._guardian_needs_name(2)

    def _guardian_needs_name(self, n: int) -> None:
        others = [
            getattr(self, f"guardian{n}_{k}").data
            for k in ("street_address", "postal_code", "city", "phone")
        ]
        if any(others) and not text_of(getattr(self, f"guardian{n}_name")):
            raise ValidationError("Ange vårdnadshavarens namn.")


class EditYouthForm(YouthForm):
    """Editing keeps the personnummer fixed (a wrong number is a new registration)."""

    personnummer = None


def _contact_kinds() -> list[SelectChoice]:
    """Each kind names the fields it uses (data-falt): the page shows only those, by CSS."""
    kinds = [*CHANNELS.items(), *ACTIONS.items()]
    return [SelectChoice("", "Välj")] + [
        SelectChoice(value, label, render_kw={"data-falt": " ".join(sorted(contact_fields(value)))})
        for value, label in kinds
    ]


class ContactForm(OnceForm):
    """One contact or action; only the fields of the chosen kind are checked and saved."""

    KIND_PARTS = (
        "outcome",
        "occupation",
        "study_kind",
        "study_end",
        "planned_visit",
        "planned_time",
        "second_staff_id",
    )

    kind = SelectField(
        "Typ av kontakt",
        choices=_contact_kinds(),
        validators=[DataRequired("Välj typ av kontakt.")],
    )
    on = date_field("Datum", required=True)
    outcome = SelectField(
        "Utfall",
        choices=choices(OUTCOMES.items(), blank="Inget utfall (brev, kort)"),
        validators=[Optional()],
    )
    occupation = SelectField(
        "Sysselsättning när ungdomen nåddes",
        choices=choices(OCCUPATIONS.items(), blank="Välj om nådd"),
        validators=[Optional()],
    )
    study_kind = SelectField(
        "Vilken sorts studier",
        choices=choices(STUDY_KINDS.items(), blank="Välj vid studier"),
        validators=[Optional()],
    )
    study_end = date_field("Studierna slutar (terminens eller kursens slut)")
    planned_visit = date_field("Aviserat hembesök, datum")
    planned_time = StringField(
        "Aviserat hembesök, tid",
        validators=[Optional(), TIME],
    )
    second_staff_id = SelectField(
        "Andra personen vid hembesöket", coerce=int_or_none, validators=[Optional()]
    )
    note = TextAreaField("Anteckning", validators=[Length(max=500, message="Högst 500 tecken.")])

    def set_staff(self, staff) -> None:
        self.second_staff_id.choices = choices(
            ((s.id, s.display_name) for s in staff), blank="Välj vid hembesök"
        )

    def validate(self, extra_validators=None) -> bool:
        """Fields the chosen kind does not use are not checked (what was typed in them stays
        on the page if it comes back, but the service never stores it)."""
        super().validate(extra_validators)
        used = contact_fields(self.kind.data or "", self.outcome.data, self.occupation.data)
        for name in self.KIND_PARTS:
            if name not in used:
                self[name].errors = []
        return not self.errors


class RegisterAgainForm(RegistrationFields):
    """A deregistered person comes back: a new registration period of its own."""


class DeregisterForm(OnceForm):
    reason = SelectField(
        "Orsak",
        choices=choices(DEREGISTRATION_REASONS.items(), blank="Välj orsak"),
        validators=[DataRequired("Välj orsak till avregistreringen.")],
    )
    result = SelectField(
        "Resultat: vad gör ungdomen nu?",
        choices=choices(OCCUPATIONS.items(), blank="Välj resultat"),
        validators=[DataRequired("Välj vad ungdomen gör när ärendet avslutas.")],
    )
    on = date_field("Datum")


class AssignForm(FlaskForm):
    officer_id = SelectField("Ny handläggare", coerce=int_or_none, validators=[Optional()])

    def set_choices(self, officers) -> None:
        self.officer_id.choices = choices(
            ((o.id, o.display_name) for o in officers), blank="Ingen ansvarig"
        )


DUE_CHOICES = {"forfallna": "Försenade", "idag": "Till och med i dag", "14dagar": "Inom 14 dagar"}
SORT_CHOICES = {
    "namn": "Namn",
    "forfallodatum": "Nästa steg, datum",
    "registrerad": "Senast registrerade",
}


class ListFilterForm(FlaskForm):
    """The register list's filters; GET for links and saved views, POST when a search is sent."""

    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        choices=choices(STATUSES.items(), blank="Alla"),
        validators=[Optional()],
        default="aktiv",
    )
    district_id = SelectField("Kommundel", coerce=int_or_none, validators=[Optional()])
    reason = SelectField(
        "Orsak",
        choices=choices(REGISTRATION_REASONS.items(), blank="Alla"),
        validators=[Optional()],
    )
    officer = SelectField("Handläggare", validators=[Optional()])
    due = SelectField(
        "Nästa steg förfaller",
        choices=choices(DUE_CHOICES.items(), blank="När som helst"),
        validators=[Optional()],
    )
    step = SelectField(
        "Nästa steg", choices=choices(STEP_LABELS.items(), blank="Alla"), validators=[Optional()]
    )
    sort = SelectField(
        "Sortera på", choices=choices(SORT_CHOICES.items()), default="namn", validators=[Optional()]
    )

    def without_case_work(self) -> None:
        """For social services: no sorting on KAA's next steps (their filters are not shown)."""
        self.sort.choices = [c for c in self.sort.choices if c.value != "forfallodatum"]

    def set_choices(self, districts, officers) -> None:
        self.district_id.choices = choices(((d.id, d.name) for d in districts), blank="Alla")
        self.officer.choices = choices(
            [("mig", "Mina"), ("ingen", "Utan handläggare")]
            + [(str(o.id), o.display_name) for o in officers],
            blank="Alla",
        )


class SearchForm(FlaskForm):
    search = StringField(
        "Sök på namn, födelsedatum eller personnummer", validators=[Length(max=100)]
    )
    sida = IntegerField(validators=[Optional()])


class SaveViewForm(OnceForm):
    # hx-preserve: a name being typed survives the filters' htmx update of the form around it
    name = StringField(
        "Namn på vyn",
        validators=[DataRequired("Ge vyn ett namn."), Length(max=100)],
        render_kw={"hx-preserve": True},
    )


class ImportForm(FlaskForm):
    file = FileField("Registerutdrag (CSV)", validators=[FileRequired("Välj en fil.")])

    def validate_file(self, field):
        name = (field.data.filename or "").lower() if field.data else ""
        if not re.search(r"\.(csv|txt)\Z", name):
            raise ValidationError("Filen ska vara en CSV-fil (.csv).")


LETTER_CHOICES = {
    "brev": "Brev om KAA (till vårdnadshavarna om under 18 år)",
    "vykort": "Vykort",
    "besoksvykort": "Besöksvykort / knackakort",
    "brev_20": "Brev inför 20 år",
}


class LetterForm(OnceForm):
    step = SelectField(
        "Dokument",
        choices=choices(LETTER_CHOICES.items(), blank="Välj"),
        validators=[DataRequired("Välj vilket dokument som ska skapas.")],
    )
    visit_on = date_field("Hembesök, datum (för besöksvykort)")
    visit_time = StringField(
        "Hembesök, tid (för besöksvykort)",
        validators=[Optional(), TIME],
    )

    def validate_visit_time(self, field):
        if self.step.data == "besoksvykort" and not (field.data and self.visit_on.data):
            raise ValidationError("Ett besöksvykort behöver datum och tid för hembesöket.")
