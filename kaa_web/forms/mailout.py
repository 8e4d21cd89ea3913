"""Forms for the mail-out: the start button on the preview page."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from kaa_web.forms import id_list


class StartMailoutForm(FlaskForm):
    """The preview's selection and a one-time token, so a double click starts one job."""

    token = HiddenField(validators=[DataRequired(), Length(max=64)])
    youth_ids = HiddenField(
        "Mottagare",
        validators=[
            DataRequired(message="Det finns inga brev att skicka."),
            Regexp(r"^\d+(,\d+)*$", message="Urvalet är ogiltigt. Gör om förhandsgranskningen."),
        ],
    )
    pdf = BooleanField("Skapa även PDF-filer")

    def validate_youth_ids(self, field):
        try:
            id_list(field.data.split(","))
        except ValueError as exc:
            raise ValidationError("Urvalet är ogiltigt. Gör om förhandsgranskningen.") from exc

    def selected_ids(self) -> list[int]:
        return id_list(self.youth_ids.data.split(","))
