"""The directory module against the real slapd: search-then-bind, escaping, groups -> roles."""

import json
import os
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

from kaa_web import directory
from kaa_web.config import load_settings

# The CA that signed the test slapd's certificate (found without importing slapdtest, which
# fixes its run directory at import time).
TEST_CA = Path(find_spec("slapdtest").origin).parent / "certs" / "ca.pem"


@pytest.fixture
def settings(ldap_server):
    return load_settings({}, **ldap_server.settings)


def test_search_then_bind_returns_the_user_with_roles(settings):
    user = directory.authenticate(settings, "kaa", "losen-kaa")
    assert user.dn == "uid=kaa,ou=personal,dc=kommun,dc=se"
    assert user.display_name == "Karin Berg"
    assert directory.roles_for(user.groups, settings) == {"kaa"}


def test_empty_password_returns_none_without_contacting_the_directory(settings):
    dead = load_settings({}, **{**settings.__dict__, "ldap_url": "ldap://127.0.0.1:1"})
    assert directory.authenticate(dead, "kaa", "") is None  # no DirectoryUnavailable: no bind
    with pytest.raises(directory.DirectoryUnavailable):
        directory.authenticate(dead, "kaa", "losen-kaa")


def test_wildcard_usernames_match_no_entry(settings):
    for username in ["*", "k*", "*)(uid=*", "kaa)(|(uid=*"]:
        assert directory.authenticate(settings, username, "losen-kaa") is None
        assert directory.lookup(settings, username) is None


def test_service_account_with_wrong_password_means_unavailable(settings):
    wrong = load_settings({}, **{**settings.__dict__, "ldap_bind_password": "fel"})
    with pytest.raises(directory.DirectoryUnavailable):
        directory.authenticate(wrong, "kaa", "losen-kaa")


def test_role_group_dns_compare_case_and_space_insensitively(settings):
    shouty = load_settings(
        {}, **{**settings.__dict__, "role_group_chef": "CN=Chefer, OU=Grupper, DC=kommun, DC=se"}
    )
    user = directory.lookup(shouty, "chef")
    assert directory.roles_for(user.groups, shouty) == {"chef"}


def test_school_units_can_come_from_a_configured_attribute(settings):
    with_attribute = load_settings({}, **{**settings.__dict__, "ldap_school_attribute": "mail"})
    user = directory.lookup(with_attribute, "skola")
    assert user.school_codes == {"skola@exempelkommun.se"}


def test_the_identity_is_the_entry_s_own_name_not_the_typed_spelling(settings):
    assert directory.authenticate(settings, "KAA", "losen-kaa").username == "kaa"
    assert directory.authenticate(settings, " Kaa", "losen-kaa").username == "kaa"
    assert directory.lookup(settings, "KAA").username == "kaa"


def _settings(settings, **changes):
    return load_settings({}, **{**settings.__dict__, **changes})


def test_starttls_with_the_directory_s_ca_logs_in(settings):
    tls = _settings(settings, ldap_starttls=True, ldap_ca_file=str(TEST_CA))
    assert directory.authenticate(tls, "kaa", "losen-kaa").username == "kaa"


def test_starttls_refuses_a_certificate_no_configured_ca_vouches_for(settings):
    with pytest.raises(directory.DirectoryUnavailable):
        directory.authenticate(_settings(settings, ldap_starttls=True), "kaa", "losen-kaa")


def test_certificates_are_demanded_even_where_the_host_s_ldap_conf_allows_any(ldap_server):
    """A man in the middle with a self-made certificate: LDAPTLS_REQCERT=never on the host
    (as ldap.conf's TLS_REQCERT never) must not make kaa_web send passwords to it."""
    script = (
        "import json, sys\n"
        "from kaa_web import directory\n"
        "from kaa_web.config import load_settings\n"
        "s = load_settings({}, **json.loads(sys.argv[1]))\n"
        "try:\n"
        "    directory.authenticate(s, 'kaa', 'losen-kaa')\n"
        "    print('BOUND')\n"
        "except directory.DirectoryUnavailable:\n"
        "    print('REFUSED')\n"
    )
    overrides = json.dumps({**ldap_server.settings, "ldap_starttls": True})
    # without slapdtest's LDAPNOINIT, so that libldap reads the host's settings as in production
    host = {k: v for k, v in os.environ.items() if k != "LDAPNOINIT"}
    result = subprocess.run(
        [sys.executable, "-c", script, overrides],
        env={**host, "LDAPTLS_REQCERT": "never"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.stdout.strip() == "REFUSED", result.stdout + result.stderr


DISABLED = "(!(employeeType=avslutad))"  # the OpenLDAP stand-in for AD's userAccountControl


@pytest.fixture
def disabled_avslutas(ldap_server):
    dn = "uid=avslutas,ou=personal,dc=kommun,dc=se"
    ldap_server.modify(f"dn: {dn}\nchangetype: modify\nadd: employeeType\nemployeeType: avslutad\n")
    yield
    ldap_server.modify(f"dn: {dn}\nchangetype: modify\ndelete: employeeType\n")


def test_a_disabled_account_neither_authenticates_nor_is_found(settings, disabled_avslutas):
    checked = _settings(settings, ldap_enabled_filter=DISABLED)
    assert directory.authenticate(checked, "avslutas", "losen-avslutas") is None
    assert directory.lookup(checked, "avslutas") is None
    assert directory.lookup(checked, "kaa").username == "kaa"  # enabled accounts still are


def test_the_telephone_number_is_read_when_the_directory_has_one(settings):
    assert directory.authenticate(settings, "skola", "losen-skola").phone == "010-123 45 67"
    assert directory.lookup(settings, "skola2").phone == ""
