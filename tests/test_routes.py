"""Meta-tests over app.url_map: every endpoint declares who may use it; GET never changes state."""

from kaa_web.permissions import PUBLIC_ENDPOINTS, endpoint_is_declared

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
