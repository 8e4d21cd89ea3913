"""Meta-tests over app.url_map and the forms: every endpoint declares who may use it, GET never
changes state, and no id or number in a URL or form can exceed the database's integers."""

import importlib
import pkgutil

from werkzeug.routing import IntegerConverter

from kaa_web.permissions import PERMISSIONS, PUBLIC_ENDPOINTS, endpoint_is_declared

STATE_CHANGING_WORDS = (
    "logga-ut",
    "skapa",
    "spara",
    "ta-bort",
    "andra",
    "skicka",
    "importera",
    "registrera",
    "avsluta",
    "tilldela",
    "markera",
    "godkann",
    "las",
    "flytta",
)


def test_every_endpoint_has_require_or_is_on_the_public_allow_list(app):
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if not endpoint_is_declared(app, rule.endpoint)
    ]
    assert undeclared == []


def test_public_allow_list_is_short_and_exact(app):
    assert PUBLIC_ENDPOINTS == {"static", "auth.login", "main.health"}
    for endpoint in PUBLIC_ENDPOINTS:
        assert endpoint in app.view_functions


def test_state_changing_endpoints_refuse_get(app):
    """A URL that names an action is POST-only, so a link or prefetch can never change data."""
    offenders = []
    for rule in app.url_map.iter_rules():
        last = rule.rule.rstrip("/").rsplit("/", 1)[-1]
        if any(word in last for word in STATE_CHANGING_WORDS) and "GET" in rule.methods:
            offenders.append(rule.rule)
    assert offenders == []


def test_views_without_declaration_are_refused_at_runtime(app):
    """The gate fails closed even if a view slipped past the meta-test."""

    @app.route("/odeklarerad")
    def undeclared():
        return "hemligt"

    response = app.test_client().get("/odeklarerad")
    assert response.status_code == 403
    assert "hemligt" not in response.get_data(as_text=True)


def test_logout_refuses_get(login_as):
    assert login_as("kaa").get("/logga-ut").status_code == 405


def _int_rules(app):
    for rule in app.url_map.iter_rules():
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            yield rule


def _role_for(app, endpoint: str) -> str:
    """A role that passes the endpoint's @require, so the request reaches the view."""
    wanted = app.view_functions[endpoint].required_permissions
    return sorted(set().union(*(PERMISSIONS[p] for p in wanted)) - {"system"})[0]


def test_every_id_in_a_url_past_the_integer_range_is_a_404(app, login_as, staff):
    """`<int:…>` is bounded for every route (PostgreSQL's INTEGER), so a 25-digit id never
    reaches a query, where it made SQLite and PostgreSQL raise (500)."""
    huge, clients, answers = "9" * 25, {}, {}
    for rule in _int_rules(app):
        role = _role_for(app, rule.endpoint)
        client = clients.get(role) or clients.setdefault(role, login_as(role))
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<int:{name}>", huge).replace(f"<{name}>", "x")
        if "GET" in rule.methods:
            answers[url] = client.get(url).status_code
        else:
            answers[url] = client.post_form(url).status_code
    assert len(answers) > 20  # the url map was really walked
    assert {url: code for url, code in answers.items() if code != 404} == {}


def test_every_integer_field_in_a_form_is_the_bounded_one():
    """A form's IntegerField refuses numbers the database cannot compare (a field error)."""
    import wtforms

    from kaa_web import forms

    offenders = []
    for module in pkgutil.iter_modules(forms.__path__):
        importlib.import_module(f"kaa_web.forms.{module.name}")
    for form_class in _subclasses(wtforms.Form):
        for name, member in vars(form_class).items():
            kind = getattr(member, "field_class", None)
            if kind and issubclass(kind, wtforms.IntegerField):
                if not issubclass(kind, forms.IntegerField):
                    offenders.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert offenders == []


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_a_bounded_integer_field_turns_a_huge_number_into_a_field_error(app):
    from werkzeug.datastructures import MultiDict

    from kaa_web.forms.register import SearchForm

    with app.test_request_context():
        form = SearchForm(formdata=MultiDict({"sida": "9" * 25}), meta={"csrf": False})
        assert not form.validate()
        assert form.sida.errors == ["Ange ett mindre tal."] and form.sida.data is None
