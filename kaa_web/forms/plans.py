"""Forms of mapping, the plan and its measures, referrals, consents, orosanmälan, the catalogue."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from kaa_web.forms import (
    YES_NO,
    CheckboxesField,
    IntegerField,
    OnceForm,
    choices,
    date_field,
    int_or_none,
)
from kaa_web.forms.register import POSTAL
from kaa_web.models.plans import (
    AGENCIES,
    CONSENT_FORMS,
    CONSENT_GIVERS,
    CONSENT_PARTIES,
    MEASURE_CATEGORIES,
    MEASURE_END_REASONS,
    RESPONSIBLE,
    SCHOOL_ENDINGS,
)
from kaa_web.models.register import OCCUPATIONS, STUDY_KINDS


def _version_field():
    """The version the page was drawn from (optimistic locking); None on a first save."""
    return IntegerField(widget=HiddenInput(), validators=[Optional()])


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


class PlanForm(OnceForm):
    goal = TextAreaField(
        "Målet med planen",
        validators=[DataRequired("Beskriv målet."), Length(max=2000, message="Högst 2000 tecken.")],
    )
    agreed_on = date_field("Överenskommet datum", required=True)
    follow_up_on = date_field("Datum för uppföljning")
    evaluation_on = date_field("Datum för utvärdering")
    version = _version_field()


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


class ConsentForm(OnceForm):
    given_by = SelectField(
        "Vem gav samtycket",
        choices=choices(CONSENT_GIVERS.items(), blank="Välj"),
        validators=[DataRequired("Ange vem som gav samtycket.")],
    )
    guardian_name = StringField("Vårdnadshavarens namn", validators=[Length(max=200)])
    parties = CheckboxesField(
        "Uppgifter får lämnas till",
        choices=choices(CONSENT_PARTIES.items()),
        validators=[Optional()],
    )
    school_name = StringField("Skolans namn (om en skola)", validators=[Length(max=200)])
    purpose = TextAreaField(
        "Syfte",
        validators=[DataRequired("Ange syftet."), Length(max=500, message="Högst 500 tecken.")],
    )
    given_on = date_field("Datum", required=True)
    form = SelectField(
        "Form",
        choices=choices(CONSENT_FORMS.items(), blank="Välj"),
        validators=[DataRequired("Ange formen.")],
    )
    expires_on = date_field("Gäller till och med")


class ConcernForm(OnceForm):
    on = date_field("Datum för orosanmälan", required=True)
    recipient = StringField(
        "Mottagare",
        default="Socialtjänsten, mottagningsenheten",
        validators=[DataRequired("Ange mottagaren."), Length(max=200)],
    )


class MeasureCatalogueForm(OnceForm):
    name = StringField("Namn", validators=[DataRequired("Ange namnet."), Length(max=200)])
    provider = StringField("Anordnare", validators=[Length(max=200)])
    provider_street_address = StringField(
        "Anordnarens utdelningsadress", validators=[Length(max=200)]
    )
    provider_postal_code = StringField("Anordnarens postnummer", validators=[POSTAL])
    provider_city = StringField("Anordnarens postort", validators=[Length(max=100)])
    min_age = IntegerField("Lägsta ålder", validators=[Optional(), NumberRange(15, 20)])
    max_age = IntegerField("Högsta ålder", validators=[Optional(), NumberRange(15, 20)])
    category = SelectField(
        "Kategori i statistiken",
        choices=choices(MEASURE_CATEGORIES.items(), blank="Välj"),
        validators=[DataRequired("Välj kategori.")],
    )
    first_contact_days = IntegerField(
        "Anordnarens första kontakt inom (dagar)",
        default=14,
        validators=[DataRequired("Ange antal dagar."), NumberRange(1, 90)],
    )
    monthly_reports = BooleanField("Månadsrapporter förväntas")
    active = BooleanField("Erbjuds nu", default=True)
