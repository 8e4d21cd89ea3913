"""Forms of the mapping, the plan and its measures, referrals and declined offers."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from kaa_web.forms import (
    YES_NO,
    CheckboxesField,
    IntegerField,
    OnceForm,
    choices,
    date_field,
    int_or_none,
    text_of,
)
from kaa_web.models.plans import AGENCIES, MEASURE_END_REASONS, RESPONSIBLE, SCHOOL_ENDINGS
from kaa_web.models.register import OCCUPATIONS, STUDY_KINDS
from kaa_web.services.plans.mapping import MappingData
from kaa_web.services.plans.measures import PlanMeasureData
from kaa_web.services.plans.plan import PlanData


def _version_field():
    """The version the page was drawn from (optimistic locking); None on a first save."""
    return IntegerField(widget=HiddenInput(), validators=[Optional()])


# The mapping's values a form shows as they are; `eligible` and the agencies are translated.
INITIAL = (
    "on",
    "declined",
    "occupation",
    "study_kind",
    "last_school",
    "programme",
    "school_ending",
    "goals",
)


class MappingForm(OnceForm):
    on = date_field("Datum för kartläggningen", required=True)
    declined = BooleanField("Ungdomen avböjer fortsatt kontakt")
    occupation = SelectField(
        "Sysselsättning nu",
        choices=choices(OCCUPATIONS.items(), blank="Välj"),
        validators=[DataRequired("Välj vad ungdomen gör nu.")],
    )
    study_kind = SelectField(
        "Vilken sorts studier",
        choices=choices(STUDY_KINDS.items(), blank="Välj vid studier"),
        validators=[Optional()],
    )
    last_school = StringField("Senaste skola", validators=[Length(max=200)])
    programme = StringField("Program", validators=[Length(max=200)])
    school_ending = SelectField(
        "Hur skolgången slutade",
        choices=choices(SCHOOL_ENDINGS.items(), blank="Välj"),
        validators=[Optional()],
    )
    eligible = SelectField(
        "Behörighet till nationellt program (betyg)",
        choices=choices(YES_NO.items(), blank="Vet inte"),
        validators=[Optional()],
    )
    goals = TextAreaField(
        "Mål, behov och förväntningar med ungdomens egna ord",
        validators=[Length(max=2000, message="Högst 2000 tecken.")],
    )
    agencies = CheckboxesField(
        "Kontakt med andra myndigheter (bara ja/nej, aldrig varför)",
        choices=choices(AGENCIES.items()),
        validators=[Optional()],
    )
    version = _version_field()

    @staticmethod
    def initial(mapping) -> dict:
        """The form's values from the mapping as it stands."""
        data = {k: getattr(mapping, k) for k in INITIAL}
        data["eligible"] = {True: "ja", False: "nej"}.get(mapping.eligible, "")
        data["agencies"] = [code for code in AGENCIES if getattr(mapping, f"agency_{code}")]
        data["version"] = mapping.version
        return data

    def mapping_data(self) -> MappingData:
        return MappingData(
            on=self.on.data,
            occupation=self.occupation.data,
            declined=self.declined.data,
            study_kind=self.study_kind.data or None,
            last_school=text_of(self.last_school),
            programme=text_of(self.programme),
            school_ending=self.school_ending.data or None,
            eligible={"ja": True, "nej": False}.get(self.eligible.data or ""),
            goals=self.goals.data or "",
            agencies=frozenset(self.agencies.data or ()),
        )


class PlanForm(OnceForm):
    goal = TextAreaField(
        "Målet med planen",
        validators=[DataRequired("Beskriv målet."), Length(max=2000, message="Högst 2000 tecken.")],
    )
    agreed_on = date_field("Överenskommet datum", required=True)
    follow_up_on = date_field("Datum för uppföljning")
    evaluation_on = date_field("Datum för utvärdering")
    version = _version_field()

    def plan_data(self) -> PlanData:
        return PlanData(
            goal=self.goal.data,
            agreed_on=self.agreed_on.data,
            follow_up_on=self.follow_up_on.data,
            evaluation_on=self.evaluation_on.data,
        )


class PlanMeasureForm(OnceForm):
    measure_id = SelectField("Insats ur katalogen", coerce=int_or_none, validators=[Optional()])
    title = StringField("Eller beskriv insatsen", validators=[Length(max=200)])
    responsible = SelectField(
        "Vem ansvarar",
        choices=choices(RESPONSIBLE.items(), blank="Välj"),
        validators=[DataRequired("Ange vem som ansvarar.")],
    )
    responsible_actor = StringField("Aktör (om annan aktör)", validators=[Length(max=200)])
    start_on = date_field("Startdatum", required=True)
    end_on = date_field("Planerat slutdatum")
    agreed_on = date_field("Överenskommet datum (ny revision)", required=True)
    version = _version_field()

    def set_measures(self, measures) -> None:
        self.measure_id.choices = choices(
            ((m.id, f"{m.name} ({m.provider})" if m.provider else m.name) for m in measures),
            blank="Ingen, beskriv nedan",
        )

    def measure_data(self) -> PlanMeasureData:
        return PlanMeasureData(
            title=text_of(self.title),
            responsible=self.responsible.data,
            start_on=self.start_on.data,
            agreed_on=self.agreed_on.data,
            measure_id=self.measure_id.data,
            responsible_actor=text_of(self.responsible_actor),
            end_on=self.end_on.data,
        )


class EndMeasureForm(FlaskForm):
    ended_on = date_field("Avslutad datum", required=True)
    reason = SelectField(
        "Orsak",
        choices=choices(MEASURE_END_REASONS.items(), blank="Välj"),
        validators=[DataRequired("Välj orsak.")],
    )
    occupation_after = SelectField(
        "Sysselsättning efter insatsen",
        choices=choices(OCCUPATIONS.items(), blank="Välj"),
        validators=[DataRequired("Välj sysselsättning efter insatsen.")],
    )


class ReferralForm(OnceForm):
    sent_on = date_field("Uppdraget skickas", required=True)


class DateOnlyForm(FlaskForm):
    on = date_field("Datum", required=True)


class DeclinedForm(OnceForm):
    measure_id = SelectField(
        "Insats som erbjöds", coerce=int_or_none, validators=[DataRequired("Välj insats.")]
    )
    on = date_field("Datum", required=True)

    def set_measures(self, measures) -> None:
        self.measure_id.choices = choices(((m.id, m.name) for m in measures), blank="Välj")
