"""Administration forms: audit log filters, districts."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from kaa_web.forms import IntegerField, OnceForm, choices
from kaa_web.models.audit import AUDIT_ACTIONS


class AuditFilterForm(FlaskForm):
    """A GET filter form: nothing in it is personal data (ids and account names only)."""

    class Meta:
        csrf = False

    username = StringField("Användare", validators=[Optional()])
    action = SelectField(
        "Händelse",
        choices=choices(AUDIT_ACTIONS.items(), blank="Alla"),
        validators=[Optional()],
    )
    youth_id = IntegerField(
        "Ungdomens id", validators=[Optional(), NumberRange(min=1, message="Ange ett positivt id.")]
    )
    date_from = DateField("Från och med", validators=[Optional()])
    date_to = DateField("Till och med", validators=[Optional()])


class DistrictForm(OnceForm):
    code = StringField(
        "Kod",
        validators=[
            DataRequired("Ange en kod."),
            Length(max=30),
            Regexp(r"^[a-zA-Z0-9_-]+\Z", message="Koden får bara innehålla a–z, siffror, - och _."),
        ],
    )
    name = StringField("Namn", validators=[DataRequired("Ange ett namn."), Length(max=100)])
    active = BooleanField("Aktiv", default=True)
