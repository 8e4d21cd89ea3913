"""WTForms (Flask-WTF) forms: field parsing and validation, never database writes."""

import re

import wtforms
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from werkzeug.routing import IntegerConverter
from wtforms import DateField, HiddenField, SelectChoice, SelectMultipleField
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Optional, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, Input, ListWidget, Select
from wtforms.widgets.core import clean_key

from kaa_web import once
from kaa_web.rules.text import line_problem

# WTForms' built-in messages (e.g. "Inte ett giltigt heltal") in Swedish, for every form.
FlaskForm.Meta.locales = ("sv",)


def _render_field(meta, field, render_kw):
    """Hidden inputs carry no id: nothing labels them, and a page with several forms would
    repeat "csrf_token" (ids are unique on every page). A plain select is written here."""
    if isinstance(field.widget, HiddenInput):
        render_kw = {"id": False, **render_kw}
    if type(field.widget) is Select and not field.widget.multiple and not field.has_groups():
        return _select(field, render_kw)
    return DefaultMeta.render_field(meta, field, render_kw)


def html_params(**values) -> Markup:
    """WTForms' html_params, the same text (sorted, `True` bare, `False` left out, escaped)
    without a Markup.format per attribute, which made it most of a form's rendering."""
    parts = []
    for key, value in sorted(values.items()):
        if value is True:
            parts.append(clean_key(key))
        elif value is not False:
            text = str(escape(value)).replace('"', "&quot;")  # a Markup value is not escaped
            parts.append(f'{escape(clean_key(key))}="{text}"')
    return Markup(" ".join(parts))


# WTForms' own hook for how every <input> widget writes its attributes.
Input.html_params = staticmethod(html_params)


def _select(field, render_kw: dict) -> Markup:
    """A select as WTForms' Select widget writes it, character for character, in a tenth of
    the time: the register list's filters ran every option through html_params and
    inspect.signature, most of its rendering."""
    attributes = {clean_key(k): v for k, v in (getattr(field, "render_kw", None) or {}).items()}
    attributes.update({clean_key(k): v for k, v in render_kw.items()})
    attributes.setdefault("id", field.id)
    for flag in Select.validation_attrs:
        if flag not in attributes and getattr(field.flags, flag, False):
            attributes[flag] = getattr(field.flags, flag)
    html = [f"<select {html_params(name=field.name, **attributes)}>"]
    for choice in field._iter_choices_normalized():
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        options = {"value": value, **(choice.render_kw or {})}
        if choice.selected:
            options["selected"] = True
        label = escape(choice.label or choice.value)
        html.append(f"<option {html_params(**options)}>{label}</option>")
    html.append("</select>")
    return Markup("".join(html))


FlaskForm.Meta.render_field = _render_field


DATE_MESSAGE = "Ange ett datum som ÅÅÅÅ-MM-DD."
YES_NO = {"ja": "Ja", "nej": "Nej"}


# Ids and numbers from requests stay within the databases' INTEGER (PostgreSQL's is 32-bit):
# a larger one would make the database raise instead of finding nothing.
MAX_INT = 2**31 - 1
MAX_IDS = 10_000  # ids in one posted list (a mail-out's largest selection)
SELECTION_INVALID = "Urvalet är ogiltigt eller för stort (högst 10 000 åt gången). Försök igen."
_DIGITS = re.compile(r"[0-9]{1,10}")


def db_int(value) -> int:
    """A non-negative integer the database can compare, from a form value or URL argument;
    anything else is a ValueError (so `request.args.get(..., type=db_int)` gives the default)."""
    text = str(value).strip() if value is not None else ""
    if isinstance(value, bool) or not _DIGITS.fullmatch(text) or int(text) > MAX_INT:
        raise ValueError(value)
    return int(text)


def int_or_none(value):
    """A select's database id, or None for the empty choice; anything else is a ValueError,
    which WTForms shows as a field error (a crafted value is a 400, never a 500)."""
    if value in (None, "", "None"):
        return None
    return db_int(value)


def id_list(values, limit: int = MAX_IDS) -> list[int]:
    """Posted ids (e.g. checked rows), each a db_int, at most `limit` of them; else ValueError."""
    ids = [db_int(v) for v in values]
    if len(ids) > limit:
        raise ValueError(f"more than {limit} ids")
    return ids


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: digits only and within MAX_INT, otherwise the URL is a 404."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)


class IntegerField(wtforms.IntegerField):
    """WTForms' IntegerField within ±MAX_INT (every form uses this one, tests/test_routes.py)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) > MAX_INT:
            self.data = None
            raise ValueError("Ange ett mindre tal.")


class PlainText:
    """A one-line text field without control characters (tab, line breaks, ESC, NUL, direction
    overrides …): they break exports, letters and PostgreSQL, and never belong in a name."""

    def __call__(self, form, field):
        problem = line_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


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
