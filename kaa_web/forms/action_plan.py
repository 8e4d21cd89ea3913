"""The action plan's forms: a year's draft, a section, a comment, adoption, a goal, the review."""

from __future__ import annotations

import math

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from kaa_web.forms import IntegerField, OnceForm, PlainText, choices, date_field, int_or_none
from kaa_web.models.action_plan import DIRECTIONS, RATINGS, REVIEW_AREAS, SECTIONS
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


class _ReviewFields(FlaskForm):
    conclusions = TextAreaField("Slutsatser", validators=[Length(max=10_000)])
    changes = TextAreaField("Beslutade ändringar inför nästa år", validators=[Length(max=10_000)])
    version = HiddenField()

    def version_number(self) -> int | None:
        return int(self.version.data) if (self.version.data or "").isdigit() else None

    def assessments(self) -> dict[str, tuple[str, str]]:
        return {
            key: (self[f"{key}_rating"].data or "", self[f"{key}_justification"].data or "")
            for key in REVIEW_AREAS
        }


def review_form(review, assessments, formdata=None) -> FlaskForm:
    """The review's form: a rating and a justification for each control area, then the
    conclusions and the changes decided; filled from the saved review."""

    class ReviewForm(_ReviewFields):
        pass

    for key, title in REVIEW_AREAS.items():
        setattr(
            ReviewForm,
            f"{key}_rating",
            SelectField(
                f"{title}: bedömning",
                choices=choices(RATINGS.items(), blank="Inte bedömt"),
                validators=[Optional()],
            ),
        )
        setattr(
            ReviewForm,
            f"{key}_justification",
            TextAreaField(f"{title}: motivering", validators=[Length(max=2000)]),
        )
    data = {f"{a.key}_rating": a.rating for a in assessments} | {
        f"{a.key}_justification": a.justification for a in assessments
    }
    if review is not None:
        data |= {
            "conclusions": review.conclusions,
            "changes": review.changes,
            "version": review.version,
        }
    return ReviewForm(formdata=formdata, data=data)


class DocumentForm(OnceForm):
    """Make a Word document: nothing to fill in, its one-time code makes a double click one."""


class ShareForm(OnceForm):
    agenda_item = SelectField(
        "Punkt på dagordningen",
        coerce=int_or_none,
        validate_choice=False,
        validators=[InputRequired("Välj en punkt på dagordningen.")],
    )

    @classmethod
    def with_items(cls, items: list[tuple[int, str]], **kwargs) -> ShareForm:
        form = cls(**kwargs)
        form.agenda_item.choices = [("", "Välj en punkt")] + [(str(i), t) for i, t in items]
        return form
