"""The log review's forms: the period filter (GET), the person search and a flag's review."""

from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from kaa_web.forms import IntegerField, PlainText, date_field, text_of
from kaa_web.models.base import local_today
from kaa_web.services.audit_review.flags import ReviewFilter

LONGEST_PERIOD_DAYS = 366
DEFAULT_PERIOD_DAYS = 30


class ReviewFilterForm(FlaskForm):
    """A GET form: account names, ids and dates only, never a young person's details."""

    class Meta:
        csrf = False

    username = StringField("Användare (konto)", validators=[Optional(), Length(max=100)])
    youth_id = IntegerField(
        "Ungdomens id", validators=[Optional(), NumberRange(min=1, message="Ange ett positivt id.")]
    )
    date_from = date_field("Från och med")
    date_to = date_field("Till och med")
    open_only = BooleanField("Visa bara flaggor som inte är granskade")

    def validate_date_to(self, field):
        start, end = self.period()
        if end < start:
            raise ValidationError("Slutdatumet måste vara samma dag som startdatumet eller senare.")
        if (end - start).days >= LONGEST_PERIOD_DAYS:
            raise ValidationError("Granska högst ett år åt gången.")

    def period(self):
        """The period asked for; the last 30 days when no dates are given."""
        end = self.date_to.data or local_today()
        start = self.date_from.data or end - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        return start, end

    def filters(self) -> ReviewFilter:
        start, end = self.period()
        return ReviewFilter(start, end, text_of(self.username).lower(), self.youth_id.data)


class PersonSearchForm(FlaskForm):
    """Sent by POST, so a personnummer never reaches a URL or a server log."""

    personnummer = StringField(
        "Personnummer",
        validators=[DataRequired("Ange ungdomens personnummer."), Length(max=20), PlainText()],
    )


class FlagReviewForm(FlaskForm):
    """One flag's review (the event and flag are in its URL): what the reviewer concluded."""

    comment = StringField(
        "Kommentar",
        validators=[
            DataRequired("Skriv vad granskningen kom fram till."),
            Length(max=500, message="Högst 500 tecken."),
            PlainText(),
        ],
    )
