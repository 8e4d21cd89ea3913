"""Forms of consents (samtycke) and orosanmälan."""

from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from kaa_web.forms import CheckboxesField, OnceForm, choices, date_field, text_of
from kaa_web.models.plans import CONSENT_FORMS, CONSENT_GIVERS, CONSENT_PARTIES
from kaa_web.services.consents import ConsentData


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

    def consent_data(self) -> ConsentData:
        return ConsentData(
            given_by=self.given_by.data,
            parties=frozenset(self.parties.data or ()),
            purpose=self.purpose.data,
            given_on=self.given_on.data,
            form=self.form.data,
            guardian_name=text_of(self.guardian_name),
            school_name=text_of(self.school_name),
            expires_on=self.expires_on.data,
        )


class ConcernForm(OnceForm):
    on = date_field("Datum för orosanmälan", required=True)
    recipient = StringField(
        "Mottagare",
        default="Socialtjänsten, mottagningsenheten",
        validators=[DataRequired("Ange mottagaren."), Length(max=200)],
    )
