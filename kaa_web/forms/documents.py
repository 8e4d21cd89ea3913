"""Forms for document templates (upload, switch version) and the letterhead."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from kaa_web.forms import IntegerField


class UploadTemplateForm(FlaskForm):
    """The file's content is checked by the service; the form only requires a file."""

    template = FileField(
        "Ny version av mallen (.docx)",
        validators=[FileRequired(message="Välj en Word-fil (.docx) att ladda upp.")],
        render_kw={"accept": ".docx"},
    )


class ActivateTemplateForm(FlaskForm):
    version = IntegerField(
        "Version",
        validators=[
            InputRequired(message="Ange vilken version som ska användas."),
            NumberRange(min=0, message="Ange en giltig version."),
        ],
    )


class LetterheadForm(FlaskForm):
    namn = StringField(
        "Kommunens namn",
        validators=[DataRequired(message="Ange kommunens namn."), Length(max=200)],
    )
    adress = StringField("Postadress", validators=[Optional(), Length(max=300)])
    telefon = StringField("Telefon (växel)", validators=[Optional(), Length(max=50)])
    webb = StringField("Webbplats", validators=[Optional(), Length(max=200)])
    kaa_kontakt = StringField("Kontakt till KAA", validators=[Optional(), Length(max=300)])
    logotyp = FileField(
        "Ny logotyp (PNG eller JPEG, högst 1 MB)", render_kw={"accept": "image/png,image/jpeg"}
    )
    ta_bort_logotyp = BooleanField("Ta bort logotypen")
