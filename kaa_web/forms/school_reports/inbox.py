"""The inbox's forms: the filter, a report's status and answer, another home municipality."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from kaa_web.forms import choices
from kaa_web.forms.school_reports.report import TEXT_MAX
from kaa_web.models.school_reports import REPORT_KINDS, REPORT_STATUSES


class InboxFilterForm(FlaskForm):
    class Meta:
        csrf = False

    typ = SelectField(
        "Typ av anmälan",
        choices=choices(REPORT_KINDS.items(), blank="Alla"),
        validators=[Optional()],
    )
    status = SelectField(
        "Status",
        choices=choices([("oppna", "Ej avslutade"), *REPORT_STATUSES.items()], blank="Alla"),
        default="oppna",
        validators=[Optional()],
    )


class StatusForm(FlaskForm):
    status = SelectField(
        "Status",
        choices=choices(REPORT_STATUSES.items()),
        validators=[DataRequired("Välj status.")],
    )
    answer = TextAreaField("Kort svar till skolan", validators=[TEXT_MAX])


class OtherMunicipalityForm(FlaskForm):
    municipality = SelectField("Elevens hemkommun", validators=[Optional()])
    forward_note = TextAreaField(
        "Anteckning om vidarebefordran",
        validators=[Length(max=500, message="Högst 500 tecken.")],
    )

    def set_choices(self, municipalities: dict[str, str], own_code: str) -> None:
        self.municipality.choices = choices(
            (
                (code, f"{name} ({code})")
                for code, name in municipalities.items()
                if code != own_code
            ),
            blank="Den här kommunen",
        )
