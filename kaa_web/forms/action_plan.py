"""The action plan's forms: a new year's draft, a section's text, a comment, the adoption."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from kaa_web.forms import IntegerField, OnceForm, PlainText, choices, date_field
from kaa_web.models.action_plan import SECTIONS
from kaa_web.services.action_plan import MAX_TEXT


class NewDraftForm(OnceForm):
    year = IntegerField(
        "År",
        validators=[
            DataRequired("Ange vilket år planen gäller."),
            NumberRange(min=2000, max=2100, message="Ange ett år med fyra siffror."),
        ],
    )


class SectionForm(FlaskForm):
    body = TextAreaField("Text", validators=[Length(max=MAX_TEXT)])
    # The text version the form was loaded with: a save on top of a newer one is a conflict.
    base = HiddenField()

    def base_text_id(self) -> int | None:
        return int(self.base.data) if (self.base.data or "").isdigit() else None


class CommentForm(OnceForm):
    section = SelectField(
        "Avsnitt", choices=choices(SECTIONS.items(), blank="Hela planen"), validators=[Optional()]
    )
    body = TextAreaField(
        "Kommentar",
        validators=[DataRequired("Skriv en kommentar."), Length(max=2000)],
    )


class AdoptForm(FlaskForm):
    decision_body = StringField(
        "Beslutande nämnd",
        validators=[DataRequired("Ange vilken nämnd som antog planen."), Length(max=200),
                    PlainText()],
    )
    decision_reference = StringField(
        "Paragraf eller diarienummer",
        validators=[DataRequired("Ange beslutets paragraf eller diarienummer."),
                    Length(max=100), PlainText()],
    )
    decided_on = date_field("Beslutsdatum", required=True)
    version = HiddenField()

    def version_number(self) -> int:
        return int(self.version.data) if (self.version.data or "").isdigit() else 0
