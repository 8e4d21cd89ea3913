"""Forms of the mail-out: start it from the preview, then confirm it was posted (or cancel it)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired, Regexp, ValidationError

from kaa_web.forms import OnceForm, date_field, id_list


class StartMailoutForm(OnceForm):
    """The preview's selection; its one-time code makes a double click start one job."""

    youth_ids = HiddenField(
        "Mottagare",
        validators=[
            DataRequired(message="Det finns inga brev att skicka."),
            Regexp(
                r"^\d{1,9}(,\d{1,9})*$",
                message="Urvalet är ogiltigt. Gör om förhandsgranskningen.",
            ),
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


class ConfirmMailoutForm(OnceForm):
    """The officer's word that the files were printed and posted: only then are they "sent"."""

    posted_on = date_field("Breven postades", required=True)


class CancelMailoutForm(FlaskForm):
    """The files were never posted: the mail-out is cancelled (makulerat)."""
