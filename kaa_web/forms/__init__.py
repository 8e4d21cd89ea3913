"""WTForms (Flask-WTF) forms: field parsing and validation, never database writes."""

import secrets

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

# WTForms' built-in messages (e.g. "Inte ett giltigt heltal") in Swedish, for every form.
FlaskForm.Meta.locales = ("sv",)


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

    engangskod = HiddenField(default=lambda: secrets.token_urlsafe(16))
