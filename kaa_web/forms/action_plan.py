"""The action plan's forms: a year's draft, a section, a comment, the adoption, a goal."""

from __future__ import annotations

import math

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from kaa_web.forms import IntegerField, OnceForm, PlainText, choices, date_field
from kaa_web.models.action_plan import DIRECTIONS, SECTIONS
from kaa_web.services.action_plan import GOAL_FIGURES, GOAL_PERIODS, MAX_TEXT, GoalData


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
        validators=[
            DataRequired("Ange vilken nämnd som antog planen."),
            Length(max=200),
            PlainText(),
        ],
    )
    decision_reference = StringField(
        "Paragraf eller diarienummer",
        validators=[
            DataRequired("Ange beslutets paragraf eller diarienummer."),
            Length(max=100),
            PlainText(),
        ],
    )
    decided_on = date_field("Beslutsdatum", required=True)
    version = HiddenField()

    def version_number(self) -> int:
        return int(self.version.data) if (self.version.data or "").isdigit() else 0


class NumberField(StringField):
    """A number as people type it, with a decimal comma or point ("87,5")."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        text = (self.data or "").strip().replace(" ", "").replace(",", ".")
        try:
            self.number = float(text) if text else None
        except ValueError:
            self.number = None
            raise ValueError("Ange ett tal, t.ex. 90 eller 87,5.") from None
        if self.number is not None and not math.isfinite(self.number):
            raise ValueError("Ange ett tal, t.ex. 90 eller 87,5.")


class GoalForm(OnceForm):
    title = StringField(
        "Mål", validators=[DataRequired("Beskriv målet."), Length(max=300), PlainText()]
    )
    indicator = SelectField(
        "Mått",
        choices=choices(((k, f.name) for k, f in GOAL_FIGURES.items()), blank="Välj mått"),
        validators=[DataRequired("Välj vilket mått målet följs upp med.")],
    )
    period_kind = SelectField(
        "Period",
        choices=choices(GOAL_PERIODS.items()),
        default="ar",
        validators=[DataRequired("Välj en period.")],
    )
    direction = SelectField("Riktning", choices=choices(DIRECTIONS.items()), default="minst")
    target = NumberField("Målvärde", validators=[DataRequired("Ange ett målvärde.")])
    partial = NumberField(
        "Delvis uppfyllt från", validators=[DataRequired("Ange gränsen för delvis uppfyllt.")]
    )

    def data_object(self) -> GoalData:
        return GoalData(
            title=self.title.data or "",
            indicator=self.indicator.data or "",
            period_kind=self.period_kind.data or "",
            direction=self.direction.data or "",
            target=self.target.number,
            partial=self.partial.number,
        )

    @classmethod
    def of(cls, goal) -> GoalForm:
        return cls(
            title=goal.title,
            indicator=goal.indicator,
            period_kind=goal.period_kind,
            direction=goal.direction,
            target=f"{goal.target:g}".replace(".", ","),
            partial=f"{goal.partial:g}".replace(".", ","),
        )
