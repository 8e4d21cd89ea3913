"""The districts' form (admin): a district's code and name, and whether it is in use."""

from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from kaa_web.forms import OnceForm


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
