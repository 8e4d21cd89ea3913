"""The login form."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Regexp


class LoginForm(FlaskForm):
    username = StringField(
        "Användarnamn",
        validators=[
            DataRequired("Ange ditt användarnamn."),
            Length(max=100, message="Användarnamnet är för långt."),
            Regexp(r"^[^\x00-\x1f\x7f]*\Z", message="Användarnamnet innehåller otillåtna tecken."),
        ],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Lösenord",
        validators=[DataRequired("Ange ditt lösenord.")],
        render_kw={"autocomplete": "current-password"},
    )
