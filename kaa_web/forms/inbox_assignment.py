"""The inbox's assignment forms: the admin's rule, taking a report, registering in a district."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField
from wtforms.validators import DataRequired, Optional, Regexp

from kaa_web.forms import choices, int_or_none
from kaa_web.models.school_reports import ASSIGNMENT_RULES
from kaa_web.services.inbox_assignment import RuleData, RulePage


class AssignmentForm(FlaskForm):
    """The rule and the inbox officer; `assignment_form` adds one select per district and unit."""

    rule = RadioField(
        "Hur nya ärenden fördelas",
        choices=choices(ASSIGNMENT_RULES.items()),
        validators=[DataRequired("Välj hur nya ärenden ska fördelas.")],
    )
    inbox_officer_id = SelectField(
        "Handläggaren som har hand om inkorgen", coerce=int_or_none, validators=[Optional()]
    )

    def rule_data(self, page: RulePage) -> RuleData:
        return RuleData(
            rule=self.rule.data,
            inbox_officer_id=self.inbox_officer_id.data,
            district_officers={d.id: self[f"district_{d.id}"].data for d in page.districts},
            unit_officers={u.id: self[f"unit_{u.id}"].data for u in page.units},
        )


def assignment_form(page: RulePage) -> AssignmentForm:
    """The form for this page: its selects offer the officers who can take cases today."""
    officers = choices(((o.id, o.display_name) for o in page.officers), blank="Ingen vald")

    def officer_select(label: str) -> SelectField:
        return SelectField(label, coerce=int_or_none, choices=officers, validators=[Optional()])

    class Form(AssignmentForm):
        pass

    for district in page.districts:
        setattr(Form, f"district_{district.id}", officer_select(district.name))
    for unit in page.units:
        setattr(Form, f"unit_{unit.id}", officer_select(unit.name))
    saved = {f"district_{d.id}": d.officer_id for d in page.districts}
    saved.update({f"unit_{u.id}": u.officer_id for u in page.units})
    form = Form(rule=page.rule.rule, inbox_officer_id=page.rule.inbox_officer_id, **saved)
    form.inbox_officer_id.choices = officers
    return form


class TakeReportForm(FlaskForm):
    """ "Ta ärendet": who the page showed as handler, so a report taken meanwhile is not taken over
    unseen."""

    current_handler = HiddenField(validators=[Regexp(r"^\d{0,9}\Z")])

    def shown_handler(self) -> int | None:
        return int_or_none(self.current_handler.data)


class RegisterFromReportForm(FlaskForm):
    """Creating the register entry from a report, in the district the officer chooses (optional)."""

    district_id = SelectField("Kommundel", coerce=int_or_none, validators=[Optional()])

    def set_districts(self, districts) -> None:
        self.district_id.choices = choices(((d.id, d.name) for d in districts), blank="Ingen vald")
