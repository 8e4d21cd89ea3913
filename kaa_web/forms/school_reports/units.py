"""Admin's forms: a school unit and a help text."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from kaa_web.forms import OnceForm, choices
from kaa_web.forms.register import EMAIL, PHONE, POSTAL


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
