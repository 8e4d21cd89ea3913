"""WTForms (Flask-WTF) forms: field parsing and validation, never database writes."""

import re

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, SelectMultipleField
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from kaa_web import once

# WTForms' built-in messages (e.g. "Inte ett giltigt heltal") in Swedish, for every form.
FlaskForm.Meta.locales = ("sv",)


def _render_field(meta, field, render_kw):
    """Hidden inputs carry no id: nothing labels them, and a page with several forms would
    repeat "csrf_token" (ids are unique on every page)."""
    if isinstance(field.widget, HiddenInput):
        render_kw = {"id": False, **render_kw}
    return DefaultMeta.render_field(meta, field, render_kw)


FlaskForm.Meta.render_field = _render_field


DATE_MESSAGE = "Ange ett datum som ÅÅÅÅ-MM-DD."
YES_NO = {"ja": "Ja", "nej": "Nej"}


def int_or_none(value):
    """A select's database id, or None for the empty choice; anything else is a ValueError,
    which WTForms shows as a field error (a crafted value is a 400, never a 500)."""
    if value in (None, "", "None"):
        return None
    if isinstance(value, int) or re.fullmatch(r"[0-9]{1,9}", str(value)):
        return int(value)
    raise ValueError(value)


def date_field(label: str, required: bool = False, message: str = DATE_MESSAGE) -> DateField:
    """An ÅÅÅÅ-MM-DD date, required (with `message`) or optional."""
    validators = [DataRequired(message)] if required else [Optional()]
    return DateField(label, validators=validators, format="%Y-%m-%d")


def text_of(field) -> str:
    """A text field's value without surrounding spaces ("" when empty)."""
    return (field.data or "").strip()


def add_service_errors(form, error) -> list[str]:
    """Put a service's `Invalid` field errors on the form's fields; return the messages that
    fit no field (or all of them when the service named no field), for the error summary."""
    loose = []
    for name, message in error.field_errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            loose.append(message)
    return loose if error.field_errors else error.messages


def choices(pairs, blank: str | None = None) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices, optionally led by an empty choice."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(value, label) for value, label in pairs]


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes (a fieldset in the template)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OnceForm(FlaskForm):
    """A form that creates something: its one-time code lets a second submission do nothing
    (see kaa_web.once). `form.hidden_tag()` renders the code with the CSRF token."""

    engangskod = HiddenField(default=once.new_code)
