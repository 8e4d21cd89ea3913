"""The only module that talks LDAP: search-then-bind login, group lookup and groups -> roles."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

import ldap
import ldap.dn
import ldap.filter

from kaa_web.config import Settings

log = logging.getLogger(__name__)

_UNAVAILABLE = (ldap.SERVER_DOWN, ldap.TIMEOUT, ldap.CONNECT_ERROR, ldap.UNAVAILABLE, ldap.BUSY)
_USER_ATTRIBUTES = ["cn", "displayName", "mail", "telephoneNumber", "uid", "sAMAccountName"]


class DirectoryUnavailable(RuntimeError):
    """The directory could not be reached or refused the service account."""


@dataclass(frozen=True)
class DirectoryUser:
    dn: str
    username: str  # the entry's own uid / sAMAccountName, folded: one identity per person
    display_name: str
    email: str = ""
    phone: str = ""
    groups: frozenset[str] = field(default_factory=frozenset)
    school_codes: frozenset[str] = field(default_factory=frozenset)


def normalize_dn(dn: str) -> str:
    """A DN in one comparable form (case and spacing folded); unparsable input stays folded."""
    try:
        return ldap.dn.dn2str(ldap.dn.str2dn(dn.strip())).lower()
    except ldap.DECODING_ERROR:
        return dn.strip().lower()


def roles_for(groups: frozenset[str], settings: Settings) -> frozenset[str]:
    """The roles whose configured group DN is among the user's (normalised) groups."""
    return frozenset(
        role for role, dn in settings.role_groups().items() if normalize_dn(dn) in groups
    )


def _connect(settings: Settings):
    conn = ldap.initialize(settings.ldap_url)
    conn.set_option(ldap.OPT_PROTOCOL_VERSION, 3)
    conn.set_option(ldap.OPT_REFERRALS, 0)
    conn.set_option(ldap.OPT_NETWORK_TIMEOUT, settings.ldap_timeout)
    conn.set_option(ldap.OPT_TIMEOUT, settings.ldap_timeout)
    # Certificates are always checked, whatever the host's ldap.conf or LDAPTLS_* say; the
    # options take effect only in a new TLS context, which must be created last.
    conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
    if settings.ldap_ca_file:
        conn.set_option(ldap.OPT_X_TLS_CACERTFILE, settings.ldap_ca_file)
    conn.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
    if settings.ldap_starttls:
        conn.start_tls_s()
    return conn


def _service_connection(settings: Settings):
    """A connection bound as the service account (or anonymously when none is configured)."""
    conn = _connect(settings)
    try:
        conn.simple_bind_s(settings.ldap_bind_dn, settings.ldap_bind_password)
    except ldap.INVALID_CREDENTIALS as exc:
        log.error("the directory refused the service account %s", settings.ldap_bind_dn)
        raise DirectoryUnavailable("service account refused") from exc
    return conn


def _text(attrs: dict, name: str) -> str:
    values = attrs.get(name) or []
    return values[0].decode("utf-8", "replace") if values else ""


def _user_filter(settings: Settings, username: str) -> str:
    """The configured user filter for `username` (escaped), narrowed to enabled accounts."""
    user_filter = settings.ldap_user_filter.replace(
        "{username}", ldap.filter.escape_filter_chars(username)
    )
    if settings.ldap_enabled_filter:
        return f"(&{user_filter}{settings.ldap_enabled_filter})"
    return user_filter


def _find_one(conn, settings: Settings, username: str):
    """The single enabled entry matching the username, or None (none, more than one, disabled)."""
    user_filter = _user_filter(settings, username)
    attributes = _USER_ATTRIBUTES + (
        [settings.ldap_school_attribute] if settings.ldap_school_attribute else []
    )
    try:
        results = conn.search_ext_s(
            settings.ldap_user_base, ldap.SCOPE_SUBTREE, user_filter, attributes, sizelimit=2
        )
    except (ldap.SIZELIMIT_EXCEEDED, ldap.NO_SUCH_OBJECT):
        return None
    entries = [(dn, attrs) for dn, attrs in results if dn]
    return entries[0] if len(entries) == 1 else None


def _groups(conn, settings: Settings, user_dn: str) -> frozenset[str]:
    if not settings.ldap_group_base:
        return frozenset()
    group_filter = settings.ldap_group_filter.replace(
        "{user_dn}", ldap.filter.escape_filter_chars(user_dn)
    )
    try:
        results = conn.search_s(settings.ldap_group_base, ldap.SCOPE_SUBTREE, group_filter, ["cn"])
    except ldap.NO_SUCH_OBJECT:
        return frozenset()
    return frozenset(normalize_dn(dn) for dn, _attrs in results if dn)


def canonical_username(attrs: dict, typed: str) -> str:
    """The entry's own name (its first uid, else sAMAccountName), case-folded.

    Not what was typed: `KAA` and `kaa` find the same entry and must be the same person.
    """
    return (_text(attrs, "uid") or _text(attrs, "sAMAccountName") or typed).strip().lower()


def _user(conn, settings: Settings, username: str, dn: str, attrs: dict) -> DirectoryUser:
    school_values = (
        attrs.get(settings.ldap_school_attribute, []) if settings.ldap_school_attribute else []
    )
    return DirectoryUser(
        dn=dn,
        username=canonical_username(attrs, username),
        display_name=_text(attrs, "displayName") or _text(attrs, "cn") or username,
        email=_text(attrs, "mail"),
        phone=_text(attrs, "telephoneNumber")[:40],
        groups=_groups(conn, settings, dn),
        school_codes=frozenset(v.decode("utf-8", "replace").strip() for v in school_values),
    )


def acceptable_username(username: str) -> bool:
    return bool(username.strip()) and len(username) <= 100 and "\x00" not in username


def authenticate(settings: Settings, username: str, password: str) -> DirectoryUser | None:
    """Search for exactly one entry, then bind as it; None for any wrong or unknown login.

    Empty or blank passwords are refused before any bind: a simple bind with an empty password
    is an anonymous bind and succeeds on many servers.
    """
    if not password or not password.strip() or not acceptable_username(username):
        return None
    try:
        conn = _service_connection(settings)
        try:
            found = _find_one(conn, settings, username)
            if found is None:
                return None
            dn, attrs = found
            user_conn = _connect(settings)
            try:
                user_conn.simple_bind_s(dn, password)
            except ldap.INVALID_CREDENTIALS:
                return None
            finally:
                user_conn.unbind_s()
            return _user(conn, settings, username, dn, attrs)
        finally:
            conn.unbind_s()
    except _UNAVAILABLE as exc:
        raise DirectoryUnavailable(str(exc)) from exc


def lookup(settings: Settings, username: str) -> DirectoryUser | None:
    """Re-read a signed-in user's entry and groups (no password); None once removed or disabled."""
    if not acceptable_username(username):
        return None
    try:
        conn = _service_connection(settings)
        try:
            found = _find_one(conn, settings, username)
            if found is None:
                return None
            dn, attrs = found
            return _user(conn, settings, username, dn, attrs)
        finally:
            conn.unbind_s()
    except _UNAVAILABLE as exc:
        raise DirectoryUnavailable(str(exc)) from exc


def reachable(settings: Settings, timeout: float) -> bool:
    """Whether the directory answers a bind of the service account within `timeout` seconds."""
    if not settings.ldap_url:
        return False
    try:
        conn = _service_connection(
            replace(settings, ldap_timeout=min(timeout, settings.ldap_timeout))
        )
        conn.unbind_s()
    except (DirectoryUnavailable, ldap.LDAPError):
        log.warning("the directory did not answer the health check")
        return False
    return True
