"""Forms of collaboration groups and meetings: group, member, plan, attendance, minutes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
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
    text_of,
)
from kaa_web.models.meetings import FREQUENCIES, GROUP_KINDS, ORGANISATIONS, YOUTH_FILTERS
from kaa_web.services.meetings import ExtraItem, MemberData


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

    def settings(self) -> dict:
        """The service's keyword arguments for the group's name, kind, frequency and convener."""
        return dict(
            name=text_of(self.name),
            kind=self.kind.data,
            frequency=self.frequency.data,
            convener_id=self.convener_id.data,
        )


class GroupForm(GroupSettingsForm, OnceForm):
    standing_items = TextAreaField("Stående punkter (en per rad)", validators=[Optional()])
    review_filter = SelectField(
        "Genomgång av aktuella ungdomar",
        choices=choices(YOUTH_FILTERS.items()),
        validators=[Optional()],
    )

    def standing_item_rows(self) -> list[tuple[str, str]]:
        """(title, youth filter) of the standing items typed, the review first when chosen."""
        titles = [t.strip() for t in (self.standing_items.data or "").splitlines() if t.strip()]
        items = [(t, "") for t in titles]
        if self.review_filter.data:
            items.insert(0, ("Genomgång av aktuella ungdomar", self.review_filter.data))
        return items


def _member_data(form, organisation: str, staff_id: int | None = None) -> MemberData:
    return MemberData(
        name=text_of(form.name),
        organisation=form.organisation.data or organisation,
        organisation_name=text_of(form.organisation_name),
        staff_id=staff_id,
        email=text_of(form.email),
    )


class MemberForm(OnceForm):
    staff_id = SelectField("Användare i kommunen", coerce=int_or_none, validators=[Optional()])
    name = StringField("Extern deltagares namn", validators=[Optional(), Length(max=200)])
    organisation = SelectField(
        "Organisation", choices=choices(ORGANISATIONS.items()), validators=[Optional()]
    )
    organisation_name = StringField("Skolans namn", validators=[Optional(), Length(max=200)])
    email = StringField("E-post", validators=[Optional(), Length(max=200)])

    def member_data(self) -> MemberData:
        return _member_data(self, "kommunen", self.staff_id.data)


class ExternalMemberForm(FlaskForm):
    name = StringField("Namn", validators=[DataRequired("Ange deltagarens namn."), Length(max=200)])
    organisation = SelectField(
        "Organisation",
        choices=choices(ORGANISATIONS.items()),
        validators=[DataRequired("Välj vilken organisation deltagaren företräder.")],
    )
    organisation_name = StringField("Skolans namn", validators=[Optional(), Length(max=200)])
    email = StringField("E-post", validators=[Optional(), Length(max=200)])

    def member_data(self) -> MemberData:
        return _member_data(self, "")


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

    def item_fields(self) -> dict:
        """The service's keyword arguments for the item's title, list and time."""
        return dict(
            title=text_of(self.title),
            youth_filter=self.youth_filter.data or "",
            minutes=self.minutes.data,
        )


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

    def move(self) -> dict:
        """The service's keyword arguments for one step up or down."""
        return dict(direction=self.direction.data, from_position=self.position.data)


class MeetingDetailsForm(FlaskForm):
    on = DateField("Datum", format="%Y-%m-%d", validators=[DataRequired(DATE_MESSAGE)])
    starts_at = TimeField("Tid", validators=[DataRequired("Ange en tid som TT:MM.")])
    place = StringField(
        "Plats eller länk", validators=[DataRequired("Ange plats eller länk."), Length(max=300)]
    )
    convener_id = SelectField(
        "Sammankallande", coerce=int_or_none, validate_choice=False, validators=[Optional()]
    )

    def details(self) -> dict:
        """The service's keyword arguments for the meeting's date, time, place and convener."""
        return dict(
            on=self.on.data,
            starts_at=self.starts_at.data,
            place=text_of(self.place),
            convener_id=self.convener_id.data,
        )


class ExtraItemForm(Form):
    """One ad-hoc row of the planning form (the outer form carries the CSRF token)."""

    title = StringField("Rubrik", validators=[Optional(), Length(max=300)])
    owner = StringField("Ansvarig", validators=[Optional(), Length(max=200)])
    minutes = _minutes_field()


class PlanMeetingForm(MeetingDetailsForm, OnceForm):
    standing_item_ids = CheckboxesField("Stående punkter", coerce=int, validators=[Optional()])
    extra_items = FieldList(FormField(ExtraItemForm), min_entries=3, max_entries=3)

    def extras(self) -> list[ExtraItem]:
        return [
            ExtraItem(text_of(row.title), text_of(row.owner), row.minutes.data or 10)
            for row in self.extra_items
        ]


class AgendaItemForm(OnceForm):
    title = StringField(
        "Rubrik", validators=[DataRequired("Ange punktens rubrik."), Length(max=300)]
    )
    owner = StringField("Ansvarig", validators=[Optional(), Length(max=200)])
    minutes = _minutes_field()
    youth_filter = SelectField(
        "Lista över ungdomar", choices=choices(YOUTH_FILTERS.items()), validators=[Optional()]
    )

    def item_data(self) -> ExtraItem:
        return ExtraItem(
            text_of(self.title),
            text_of(self.owner),
            self.minutes.data or 10,
            self.youth_filter.data or "",
        )


# --- the recording page: one form (id RECORD_FORM) whose fields sit in the page's sections --


RECORD_FORM = "protokoll"
_IN_RECORD = {"form": RECORD_FORM}  # the fields' `form` attribute ties them to that form


class RecordForm(OnceForm):
    """The recording page's form element: CSRF token and one-time code. Every button on the
    page submits it, with every field below, so nothing typed anywhere on the page is lost."""


class _RecordPart(FlaskForm):
    """Fields of the recording page's form (RecordForm carries the CSRF token)."""

    class Meta:
        csrf = False


class NotesForm(_RecordPart):
    notes = TextAreaField("Anteckningar", validators=[Optional()], render_kw=_IN_RECORD)
    # what the notes were when the page was drawn (services.meetings.notes_version)
    version = HiddenField(render_kw=_IN_RECORD)


class DecisionForm(_RecordPart):
    text = TextAreaField("Beslut", validators=[Optional()], render_kw=_IN_RECORD)
    # the service checks that the person may be named at this meeting
    youth_id = SelectField(
        "Gäller ungdom (valfritt)",
        coerce=int_or_none,
        validate_choice=False,
        validators=[Optional()],
        render_kw=_IN_RECORD,
    )
    personnummer = StringField(
        "Eller personnummer", validators=[Optional(), Length(max=20)], render_kw=_IN_RECORD
    )


class ActionPointForm(_RecordPart):
    """A new action point; left empty, none is made (the service asks for all three)."""

    what = StringField(
        "Vad ska göras", validators=[Optional(), Length(max=500)], render_kw=_IN_RECORD
    )
    member_id = SelectField(
        "Vem",
        coerce=int_or_none,
        validate_choice=False,  # the service checks the member belongs to the group
        validators=[Optional()],
        render_kw=_IN_RECORD,
    )
    due = DateField("Senast", format="%Y-%m-%d", validators=[Optional()], render_kw=_IN_RECORD)


class AdjustForm(_RecordPart):
    # required when the minutes are adjusted (the service says so)
    adjuster = StringField(
        "Justerare", validators=[Optional(), Length(max=200)], render_kw=_IN_RECORD
    )


class AddendumForm(OnceForm):
    text = TextAreaField("Tillägg", validators=[DataRequired("Skriv tillägget.")])


class EmptyForm(FlaskForm):
    """Only the CSRF token: buttons that post."""


class DocumentForm(OnceForm):
    """The button that produces the notice or the minutes."""
