"""The statistics page's period and breakdown form (GET: a chosen period can be bookmarked)."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from kaa_web.forms import IntegerField, OnceForm, choices
from kaa_web.models.base import local_today
from kaa_web.models.statistics import REPORT_KINDS
from kaa_web.rules.report_periods import (
    KINDS,
    ReportPeriod,
    custom_period,
    latest_half_year,
    named_period,
)
from kaa_web.services.statistics.definitions import BREAKDOWNS, SECTIONS
from kaa_web.services.statistics.report import MAX_TEXT, TEXT_PARTS


class PeriodForm(FlaskForm):
    """Nothing in it is personal data: a period and a breakdown."""

    class Meta:
        csrf = False

    typ = SelectField(
        "Period",
        choices=choices((key, name) for key, (name, _, _) in KINDS.items()),
        validators=[Optional()],
    )
    ar = IntegerField(
        "År",
        validators=[Optional(), NumberRange(min=2000, max=2100, message="Ange ett år 2000–2100.")],
        description="Läsåret börjar i juli det året.",
    )
    fran = DateField("Från och med", validators=[Optional()])
    till = DateField("Till och med", validators=[Optional()])
    uppdelning = SelectField(
        "Dela upp efter", choices=choices(BREAKDOWNS.items()), validators=[Optional()]
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if (self.typ.data or "") != "egen":
            return True
        for field in (self.fran, self.till):
            if field.data is None:
                field.errors.append("Ange ett datum för en egen period.")
                return False
        try:
            custom_period(self.fran.data, self.till.data)
        except ValueError as problem:
            self.till.errors.append(str(problem))
            return False
        return True

    def period(self, today: date | None = None) -> ReportPeriod:
        today = today or local_today()
        kind = self.typ.data or ""
        if kind == "egen":
            return custom_period(self.fran.data, self.till.data)
        if not kind:
            return latest_half_year(today)
        return named_period(kind, self.ar.data or today.year)

    def dimension(self) -> str:
        return self.uppdelning.data or "hela"


class NewReportForm(FlaskForm):
    """Begin (or open) the report for a period."""

    kind = SelectField("Rapport", choices=choices(REPORT_KINDS.items()))
    year = IntegerField(
        "År",
        validators=[
            DataRequired("Ange ett år."),
            NumberRange(min=2000, max=2100, message="Ange ett år 2000–2100."),
        ],
    )


class ReportTextsForm(OnceForm):
    """The manager's analysis and development areas, section by section (its one-time code
    makes a double click on "Skapa rapporten" one job)."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])

    def texts(self) -> dict:
        return {
            section: {part: self[f"{part}_{section}"].data or "" for part in TEXT_PARTS}
            for section in SECTIONS
        }

    def fields_of(self, section: str):
        return [self[f"{part}_{section}"] for part in TEXT_PARTS]


for _section, _name in SECTIONS.items():
    setattr(
        ReportTextsForm,
        f"analys_{_section}",
        TextAreaField(f"{_name}: analys", validators=[Length(max=MAX_TEXT)]),
    )
    setattr(
        ReportTextsForm,
        f"utveckling_{_section}",
        TextAreaField(f"{_name}: utvecklingsområden", validators=[Length(max=MAX_TEXT)]),
    )
