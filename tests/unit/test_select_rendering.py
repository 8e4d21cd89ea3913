"""The app writes selects and inputs' attributes itself (kaa_web.forms): the same HTML as
WTForms, faster."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice, SelectField, StringField
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import core as wtforms_widgets

from kaa_web.forms import html_params, int_or_none


class Sample(FlaskForm):
    class Meta:
        csrf = False

    kind = SelectField(
        "Typ",
        choices=[
            SelectChoice("", "Välj"),
            SelectChoice("brev", "Brev & <kort>", render_kw={"data_falt": 'a "b"'}),
            SelectChoice("telefon", "Telefon"),
        ],
        validators=[DataRequired("Välj.")],
        render_kw={"class_": "wide", "hx-preserve": True},
    )
    officer = SelectField(
        "Handläggare",
        coerce=int_or_none,
        choices=[
            SelectChoice(None, "Ingen"),
            SelectChoice(3, "Åsa <Öberg>"),
            SelectChoice(12, 'Kim "K" Ek'),
        ],
        validators=[Optional()],
    )
    flag = SelectField("Ja/nej", choices=[SelectChoice(True, "Ja"), SelectChoice(False, "")])
    name = StringField("Namn", validators=[DataRequired(), Length(max=100)])


@pytest.fixture
def form():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "x"
    with app.test_request_context():
        yield Sample(MultiDict({"kind": "brev", "officer": "12", "flag": "True", "name": 'Å "<b>'}))


def wtforms_html(field, **render_kw) -> str:
    return str(DefaultMeta.render_field(field.meta, field, render_kw))


@pytest.mark.parametrize("name", ["kind", "officer", "flag"])
def test_a_select_is_written_exactly_as_wtforms_writes_it(form, name):
    field = form[name]
    for render_kw in (
        {},
        {"aria_describedby": "x-hint", "aria_invalid": False, "list": False},
        {"aria_describedby": Markup('a"b'), "class_": "label", "disabled": True},
    ):
        ours = field(**render_kw)
        assert isinstance(ours, Markup)
        assert str(ours) == wtforms_html(field, **render_kw)
    assert 'selected value="' in str(field())  # the submitted value stays chosen


def test_the_app_writes_the_select_itself(form, monkeypatch):
    """Not WTForms' widget (its html_params and inspect.signature per select were most of the
    register list's rendering)."""
    monkeypatch.setattr("wtforms.widgets.core.html_params", None)  # would fail if called
    assert '<option selected value="12">Kim &#34;K&#34; Ek</option>' in str(form.officer())


@pytest.mark.parametrize(
    "values",
    [
        {"name": "x", "id": "x", "value": 'a "<b>" & c', "required": True, "disabled": False},
        {"class_": "label", "data_falt": "a b", "aria_describedby": Markup('q"r'), "maxlength": 5},
        {"hx-preserve": True, "type": "search", "value": ""},
    ],
)
def test_attributes_are_written_exactly_as_wtforms_writes_them(values):
    assert html_params(**values) == wtforms_widgets.html_params(**values)


def test_a_text_input_is_written_as_wtforms_writes_it(form):
    ours = str(form["name"](aria_describedby="namn-hint"))
    theirs = wtforms_widgets.html_params(
        aria_describedby="namn-hint",
        id="name",
        maxlength=100,
        name="name",
        required=True,
        type="text",
        value=form["name"]._value(),
    )
    assert ours == f"<input {theirs}>"
    assert 'value="Å &#34;&lt;b&gt;"' in ours
