"""htmx helpers: tell a partial request from a page request, render either, redirect either
(only ever to a path on this site)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import make_response, render_template, request
from flask import redirect as flask_redirect


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def is_partial() -> bool:
    """An htmx request that swaps a fragment (not boosted, not a history restore)."""
    return (
        is_htmx()
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(page: str, partial: str, status: int = 200, **context):
    """The partial template for htmx swaps, the whole page otherwise; caches keep them apart."""
    response = make_response(render_template(partial if is_partial() else page, **context), status)
    response.headers["Vary"] = "HX-Request"
    return response


def redirect(location: str):
    """303 for a plain form post; for htmx, HX-Redirect so the whole page changes."""
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = location
        return response
    return flask_redirect(location, code=303)


def local_path(target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site, else `fallback`: a `next` or `tillbaka` from a
    request never redirects elsewhere (no scheme or host, no `//` or backslash, no control
    characters that browsers drop)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return fallback
    parts = urlsplit(target)
    return fallback if parts.scheme or parts.netloc else target


def push_url(response, url: str):
    """After an htmx swap, put `url` in the address bar (HX-Push-Url) so the view can be
    bookmarked and the back button returns to it; nothing when it is there already."""
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    shown = current.path + (f"?{current.query}" if current.query else "")
    if is_htmx() and shown != url:
        response.headers["HX-Push-Url"] = url
    return response
