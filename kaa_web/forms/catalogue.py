"""The measures catalogue's form (admin)."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from kaa_web.forms import IntegerField, OnceForm, choices, text_of
from kaa_web.forms.register import POSTAL
from kaa_web.models.catalogue import MEASURE_CATEGORIES
from kaa_web.services.catalogue import MeasureData


class MeasureForm(OnceForm):
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

    def measure_data(self) -> MeasureData:
        return MeasureData(
            name=text_of(self.name),
            provider=text_of(self.provider),
            provider_street_address=text_of(self.provider_street_address),
            provider_postal_code=text_of(self.provider_postal_code),
            provider_city=text_of(self.provider_city),
            min_age=self.min_age.data,
            max_age=self.max_age.data,
            category=self.category.data,
            first_contact_days=self.first_contact_days.data,
            monthly_reports=self.monthly_reports.data,
            active=self.active.data,
        )
