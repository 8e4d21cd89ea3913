"""Pages as a test sees them (after GOV.UK Notify's `client_request`): ask for a page by its
endpoint, check what every page must be (security headers, ids used once, no inline script),
and send the page's own rendered form, so a renamed field breaks exactly the tests that
should break (canaille's tests submit the rendered form the same way)."""

from __future__ import annotations

from collections import Counter

import lxml.html
from flask import url_for
from werkzeug.datastructures import MultiDict

from kaa_web import CSP

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def html_problems(document) -> list[str]:
    """Ids used twice (a label or aria reference then names the wrong element) and script the
    CSP would block (inline <script>, on… attributes, javascript: links)."""
    ids = Counter(document.xpath("//@id"))
    problems = [f"id {name!r} {n} times" for name, n in ids.items() if n > 1]
    problems += [
        f"inline <script> at line {s.sourceline}" for s in document.xpath("//script[not(@src)]")
    ]
    for element in document.iter():
        for name, value in element.items():
            if name.startswith("on") or value.strip().lower().startswith("javascript:"):
                problems.append(f"<{element.tag} {name}=…> at line {element.sourceline}")
    return problems


def page_problems(response) -> list[str]:
    """Everything wrong with a response that every page must get right."""
    problems = [
        f"{name}: {response.headers.get(name)!r}"
        for name, wanted in HEADERS.items()
        if response.headers.get(name) != wanted
    ]
    if response.mimetype == "text/html" and response.get_data():
        problems += html_problems(lxml.html.fromstring(response.get_data(as_text=True)))
    return problems


def _field_value(element) -> str | None:
    """What a browser sends for one control as rendered (None: nothing)."""
    kind = element.get("type", "")
    if kind in ("radio", "checkbox"):
        return element.get("value", "on") if element.get("checked") is not None else None
    if element.tag == "textarea":
        return (element.text or "").removeprefix("\r\n").removeprefix("\n")
    if element.tag == "select":
        chosen = element.xpath("./option[@selected]") or element.xpath("./option")
        return chosen[0].get("value", chosen[0].text or "") if chosen else ""
    return element.get("value", "")


def form_pairs(document, form) -> list[tuple[str, str]]:
    """(name, value) of every control of `form` (also those outside it that name it with a
    `form` attribute), without any button: what a browser sends."""
    tied = document.xpath(f'//*[@form="{form.get("id")}"]') if form.get("id") else []
    pairs = []
    for element in [*form.iter("input", "textarea", "select"), *tied]:
        name = element.get("name")
        if not name or element.get("disabled") is not None or element.tag == "button":
            continue
        if element.get("type") in ("submit", "image", "reset", "button", "file"):
            continue
        value = _field_value(element)
        if value is not None:
            pairs.append((name, value))
    return pairs


def form_fields(html: str, form_id: str) -> dict[str, str]:
    """The form `form_id` as a browser would send it, one value per name."""
    document = lxml.html.fromstring(html)
    return dict(form_pairs(document, document.get_element_by_id(form_id)))


class Page:
    """One response: its status, its HTML, and its forms."""

    def __init__(self, pages: PageClient, response):
        self.pages, self.response = pages, response
        self.status = response.status_code
        self.html = response.get_data(as_text=True)
        self.document = lxml.html.fromstring(self.html) if self.html.strip() else None

    @property
    def text(self) -> str:
        """The page's words as a reader sees them (no tags, single spaces)."""
        return " ".join(self.document.text_content().split()) if self.document is not None else ""

    def form(self, form_id: str | None = None, *, button: str | None = None) -> Form:
        """The form with this id, or the one holding a button reading `button`, or the only
        form on the page's main content that posts."""
        if form_id is not None:
            return Form(self, self.document.get_element_by_id(form_id))
        forms = self.document.xpath("//main//form[@method='post']")
        if button is not None:
            forms = [f for f in forms if button in _button_labels(f)]
        assert len(forms) == 1, f"{len(forms)} forms match on {self.response.request.path}"
        return Form(self, forms[0])


def _button_labels(form) -> list[str]:
    buttons = form.xpath(".//button | .//input[@type='submit']")
    return [" ".join((b.text_content() or b.get("value", "")).split()) for b in buttons]


class Form:
    """A rendered form, sent as a browser without JavaScript would send it."""

    def __init__(self, page: Page, element):
        self.page, self.element = page, element
        self.fields = MultiDict(form_pairs(page.document, element))
        self.action = element.get("action") or page.response.request.path

    def submit(self, changes: dict | None = None, *, button: str | None = None, status=303):
        """Send the form with `changes` (a value, or a list for several checked boxes) and the
        pressed button's name and value when it has them; the answer must have `status`."""
        data = MultiDict(self.fields)
        for name, value in (changes or {}).items():
            data.setlist(name, value if isinstance(value, list) else [value])
        if button is not None:
            pressed = [
                b
                for b in self.element.xpath(".//button | .//input[@type='submit']")
                if button == " ".join((b.text_content() or b.get("value", "")).split())
            ]
            assert pressed, f"no button {button!r} in the form"
            if pressed[0].get("name"):
                data.add(pressed[0].get("name"), pressed[0].get("value", ""))
        return self.page.pages.check(self.page.pages.client.post(self.action, data=data), status)


class PageClient:
    """A signed-in browser that asks for pages by endpoint and checks every one it gets."""

    def __init__(self, app, client, login=None):
        self.app, self.client, self._login = app, client, login

    def as_(self, role: str) -> PageClient:
        """The same pages seen by another role (a new signed-in client)."""
        return PageClient(self.app, self._login(role), self._login)

    def url(self, endpoint: str, **values) -> str:
        with self.app.test_request_context():
            return url_for(endpoint, **values)

    def check(self, response, status: int) -> Page:
        assert response.status_code == status, (
            f"{response.request.path}: {response.status_code}, not {status}\n"
            + response.get_data(as_text=True)[:2000]
        )
        problems = page_problems(response)
        assert problems == [], f"{response.request.path}: " + "; ".join(problems)
        return Page(self, response)

    def get(self, endpoint: str, *, status: int = 200, **values) -> Page:
        return self.check(self.client.get(self.url(endpoint, **values)), status)

    def post(self, endpoint: str, data: dict | None = None, *, status: int = 303, **values):
        """A POST with the CSRF token a page carries (for buttons that are not a page's form)."""
        url = self.url(endpoint, **values)
        return self.check(self.client.post_form(url, data or {}), status)

    def follow(self, page: Page, *, status: int = 200) -> Page:
        """Where a redirect leads."""
        return self.check(self.client.get(page.response.headers["Location"]), status)
