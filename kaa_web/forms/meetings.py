"""Forms of collaboration groups and meetings: group, member, plan, attendance, minutes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from kaa_web.forms import (
    DATE_MESSAGE,
    CheckboxesField,
    IntegerField,
    OnceForm,
    choices,
    int_or_none,
)
from kaa_web.models.meetings import FREQUENCIES, GROUP_KINDS, ORGANISATIONS, YOUTH_FILTERS


class GroupSettingsForm(FlaskForm):
    name = StringField(
        "Gruppens namn", validators=[DataRequired("Ange gruppens namn."), Length(max=200)]
    )
    kind = SelectField(
        "Typ av grupp",
        choices=choices(GROUP_KINDS.items(), blank="Välj"),
        validators=[DataRequired("Välj typ av grupp.")],
    )
    frequency = SelectField(
        "Brukar träffas",
        choices=choices(FREQUENCIES.items(), blank="Välj"),
        validators=[DataRequired("Välj hur ofta gruppen brukar träffas.")],
    )
    convener_id = SelectField(
        "Sammankallande",
        coerce=int_or_none,
        validators=[DataRequired("Välj vem som kallar till mötena.")],
    )


class GroupForm(GroupSettingsForm, OnceForm):
    standing_items = TextAreaField("Stående punkter (en per rad)", validators=[Optional()])
    review_filter = SelectField(
        "Genomgång av aktuella ungdomar",
        choices=choices(YOUTH_FILTERS.items()),
        validators=[Optional()],
    )


class MemberForm(OnceForm):
    staff_id = SelectField("Användare i kommunen", coerce=int_or_none, validators=[Optional()])
    name = StringField("Extern deltagares namn", validators=[Optional(), Length(max=200)])
    organisation = SelectField(
        "Organisation", choices=choices(ORGANISATIONS.items()), validators=[Optional()]
    )
    organisation_name = StringField("Skolans namn", validators=[Optional(), Length(max=200)])
    email = StringField("E-post", validators=[Optional(), Length(max=200)])


class ExternalMemberForm(FlaskForm):
    name = StringField("Namn", validators=[DataRequired("Ange deltagarens namn."), Length(max=200)])
    organisation = SelectField(
        "Organisation",
        choices=choices(ORGANISATIONS.items()),
        validators=[DataRequired("Välj vilken organisation deltagaren företräder.")],
    )
    organisation_name = StringField("Skolans namn", validators=[Optional(), Length(max=200)])
    email = StringField("E-post", validators=[Optional(), Length(max=200)])


def _minutes_field():
    return IntegerField(
        "Beräknad tid (minuter)",
        default=10,
        validators=[Optional(), NumberRange(1, 240, "Ange 1–240 minuter.")],
    )


class StandingItemForm(OnceForm):
    title = StringField(
        "Rubrik", validators=[DataRequired("Ange punktens rubrik."), Length(max=200)]
    )
    youth_filter = SelectField(
        "Lista över ungdomar", choices=choices(YOUTH_FILTERS.items()), validators=[Optional()]
    )
    minutes = _minutes_field()


class MoveForm(FlaskForm):
    # the buttons carry the value; the service refuses anything but "upp" and "ned"
    direction = SelectField(
        "Flytta",
        choices=choices([("upp", "Upp"), ("ned", "Ned")]),
        validate_choice=False,
        validators=[DataRequired("Välj om punkten ska flyttas upp eller ned.")],
    )
    # where the item stood when the page was drawn: a second click finds it moved already
    position = IntegerField(widget=HiddenInput(), validators=[DataRequired()])


class MeetingDetailsForm(FlaskForm):
    on = DateField("Datum", format="%Y-%m-%d", validators=[DataRequired(DATE_MESSAGE)])
    starts_at = TimeField("Tid", validators=[DataRequired("Ange en tid som TT:MM.")])
    place = StringField(
        "Plats eller länk", validators=[DataRequired("Ange plats eller länk."), Length(max=300)]
    )
    convener_id = SelectField(
        "Sammankallande", coerce=int_or_none, validate_choice=False, validators=[Optional()]
    )


class ExtraItemForm(Form):
    """One ad-hoc row of the planning form (the outer form carries the CSRF token)."""

    title = StringField("Rubrik", validators=[Optional(), Length(max=300)])
    owner = StringField("Ansvarig", validators=[Optional(), Length(max=200)])
    minutes = _minutes_field()


class PlanMeetingForm(MeetingDetailsForm, OnceForm):
    standing_item_ids = CheckboxesField("Stående punkter", coerce=int, validators=[Optional()])
    extra_items = FieldList(FormField(ExtraItemForm), min_entries=3, max_entries=3)


class AgendaItemForm(OnceForm):
    title = StringField(
        "Rubrik", validators=[DataRequired("Ange punktens rubrik."), Length(max=300)]
    )
    owner = StringField("Ansvarig", validators=[Optional(), Length(max=200)])
    minutes = _minutes_field()
    youth_filter = SelectField(
        "Lista över ungdomar", choices=choices(YOUTH_FILTERS.items()), validators=[Optional()]
    )


class NotesForm(FlaskForm):
    notes = TextAreaField("Anteckningar", validators=[Optional()])


class DecisionForm(OnceForm):
    text = TextAreaField("Beslut", validators=[DataRequired("Skriv beslutet.")])
    # the service checks that the person is named at this meeting
    youth_id = SelectField(
        "Gäller ungdom (valfritt)",
        coerce=int_or_none,
        validate_choice=False,
        validators=[Optional()],
    )
    personnummer = StringField("Eller personnummer", validators=[Optional(), Length(max=20)])


class ActionPointForm(OnceForm):
    what = StringField(
        "Vad ska göras", validators=[DataRequired("Ange vad som ska göras."), Length(max=500)]
    )
    member_id = SelectField(
        "Vem",
        coerce=int_or_none,
        validate_choice=False,  # the service checks the member belongs to the group
        validators=[DataRequired("Välj vem som ansvarar.")],
    )
    due = DateField("Senast", format="%Y-%m-%d", validators=[DataRequired(DATE_MESSAGE)])


class AdjustForm(FlaskForm):
    adjuster = StringField(
        "Justerare", validators=[DataRequired("Ange justerarens namn."), Length(max=200)]
    )


class AddendumForm(OnceForm):
    text = TextAreaField("Tillägg", validators=[DataRequired("Skriv tillägget.")])


class EmptyForm(FlaskForm):
    """Only the CSRF token: buttons that post."""


class DocumentForm(OnceForm):
    """The button that produces the notice or the minutes."""
