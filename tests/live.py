"""A browser-like HTTP client for running gunicorn instances: one cookie jar, CSRF tokens taken
from pages as a browser gets them, and each request sent to the next instance in turn."""

from __future__ import annotations

import itertools
import re

import requests

from tests.servers import USER_FOR_ROLE, password_for

_CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')


class LiveClient:
    """Requests to `urls` in turn (a load balancer without stickiness); `via=` picks one."""

    def __init__(self, *urls: str, timeout: float = 30):
        self.urls = urls
        self._next = itertools.cycle(urls)
        self.http = requests.Session()
        self.timeout = timeout

    def _url(self, path: str, via: str | None) -> str:
        return (via or next(self._next)) + path

    def get(self, path: str, *, via: str | None = None, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        return self.http.get(self._url(path, via), timeout=self.timeout, **kwargs)

    def token(self, *, via: str | None = None) -> str:
        return _CSRF.search(self.get("/", via=via, allow_redirects=True).text).group(1)

    def post(self, path: str, data: dict, *, via: str | None = None, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        return self.http.post(self._url(path, via), data=data, timeout=self.timeout, **kwargs)

    def post_form(self, path: str, data: dict | None = None, *, via: str | None = None, **kw):
        """A form as its page sends it: the CSRF token from a page, then the POST."""
        return self.post(path, {"csrf_token": self.token(via=via), **(data or {})}, via=via, **kw)

    def log_in(self, role_or_username: str, password: str | None = None, *, via=None):
        username = USER_FOR_ROLE.get(role_or_username, role_or_username)
        data = {"username": username, "password": password or password_for(username)}
        return self.post_form("/logga-in", data, via=via)
