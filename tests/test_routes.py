"""Meta-tests over app.url_map and the forms: every endpoint declares who may use it (one
permission per @require, every permission in the table), GET never changes state, every URL is
Swedish kebab-case with typed parameters, and no id or number in a URL or form can exceed the
database's integers."""

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from kaa_web.permissions import PERMISSIONS, PUBLIC_ENDPOINTS, endpoint_is_declared, require

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


def test_require_takes_exactly_one_permission():
    """`@require(a, b)` once meant "a or b" while stacked decorators meant "a and b"; now a view
    open to either gets a permission of its own in the table."""
    with pytest.raises(TypeError):
        require("meetings.convene", "meetings.manage_groups")
    with pytest.raises(KeyError):
        require("meetings.finns_inte")


def test_stacked_requires_need_every_permission(app, login_as):
    @app.route("/bada-behorigheterna")
    @require("meetings.convene")
    @require("meetings.manage_groups")
    def both():
        return "båda"

    assert both.required_permissions == ("meetings.convene", "meetings.manage_groups")
    answers = {
        role: login_as(role).get("/bada-behorigheterna") for role in ("kaa", "admin", "chef")
    }
    assert answers["kaa"].status_code == 403  # convenes, does not manage groups
    assert answers["admin"].status_code == 403  # manages groups, does not convene
    assert answers["chef"].status_code == 200
    assert "båda" in answers["chef"].get_data(as_text=True)


def test_roles_are_read_in_one_place_only():
    """Who may do what is the permission table's; which young people a role sees is
    services/access.py's. Nothing else asks for a role by name."""
    package = Path(__file__).resolve().parent.parent / "kaa_web"
    allowed = {package / "permissions.py", package / "services" / "access.py"}
    asking = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if path not in allowed and ".has_role(" in path.read_text()
    ]
    assert asking == []


def test_every_url_parameter_is_typed(app):
    """Every <…> names its converter (int, any(…), path): a value of the wrong kind is a 404
    before any view runs, never a string a view has to check."""
    untyped = [
        rule.rule
        for rule in app.url_map.iter_rules()
        for name in rule.arguments
        if f"<{name}>" in rule.rule
    ]
    assert untyped == []


KEBAB_SEGMENT = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*(\.(csv|docx|xlsx))?")


def test_every_path_is_swedish_kebab_case(app):
    """The users are Swedish: lower case, words joined by hyphens, no underscores or capitals."""
    assert not KEBAB_SEGMENT.fullmatch("nya_vyer") and not KEBAB_SEGMENT.fullmatch("Ungdomar")
    offenders = [
        rule.rule
        for rule in app.url_map.iter_rules()
        for segment in rule.rule.strip("/").split("/")
        if segment and not segment.startswith("<") and not KEBAB_SEGMENT.fullmatch(segment)
    ]
    assert offenders == []


def _int_rules(app):
    for rule in app.url_map.iter_rules():
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            yield rule


def _role_for(app, endpoint: str) -> str:
    """A role that passes every @require of the endpoint, so the request reaches the view."""
    wanted = app.view_functions[endpoint].required_permissions
    return sorted(set.intersection(*(set(PERMISSIONS[p]) for p in wanted)) - {"system"})[0]


def _url_with(rule, huge: str) -> str:
    """The rule's URL with `huge` for every integer and a valid word for every closed set."""
    url = rule.rule
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            value = huge
        elif isinstance(converter, AnyConverter):
            value = sorted(converter.items)[0]
        else:
            value = "x"
        url = re.sub(rf"<[^>]*:{name}>|<{name}>", value, url)
    return url


def test_every_id_in_a_url_past_the_integer_range_is_a_404(app, login_as, staff):
    """`<int:…>` is bounded for every route (PostgreSQL's INTEGER), so a 25-digit id never
    reaches a query, where it made SQLite and PostgreSQL raise (500)."""
    huge, clients, answers = "9" * 25, {}, {}
    for rule in _int_rules(app):
        role = _role_for(app, rule.endpoint)
        client = clients.get(role) or clients.setdefault(role, login_as(role))
        url = _url_with(rule, huge)
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
