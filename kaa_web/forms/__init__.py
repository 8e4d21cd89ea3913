"""WTForms (Flask-WTF) forms: field parsing and validation, never database writes."""

import secrets

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

# WTForms' built-in messages (e.g. "Inte ett giltigt heltal") in Swedish, for every form.
FlaskForm.Meta.locales = ("sv",)


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
