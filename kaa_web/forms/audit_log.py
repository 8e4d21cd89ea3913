"""The audit log's filter form; it builds the service's AuditFilter."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import NumberRange, Optional

from kaa_web.forms import IntegerField, choices
from kaa_web.models.audit import AUDIT_ACTIONS
from kaa_web.services.audit_log import AuditFilter


class AuditFilterForm(FlaskForm):
    """A GET filter form: nothing in it is personal data (ids and account names only)."""

    class Meta:
        csrf = False

    username = StringField("Användare", validators=[Optional()])
    action = SelectField(
        "Händelse",
        choices=choices(AUDIT_ACTIONS.items(), blank="Alla"),
        validators=[Optional()],
    )
    youth_id = IntegerField(
        "Ungdomens id", validators=[Optional(), NumberRange(min=1, message="Ange ett positivt id.")]
    )
    date_from = DateField("Från och med", validators=[Optional()])
    date_to = DateField("Till och med", validators=[Optional()])

    def filters(self) -> AuditFilter:
        return AuditFilter(
            username=self.username.data or "",
            action=self.action.data or "",
            youth_id=self.youth_id.data,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
        )
