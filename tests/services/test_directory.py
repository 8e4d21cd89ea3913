"""The directory module against the real slapd: search-then-bind, escaping, groups -> roles."""

import pytest

from kaa_web import directory
from kaa_web.config import load_settings


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


def test_the_telephone_number_is_read_when_the_directory_has_one(settings):
    assert directory.authenticate(settings, "skola", "losen-skola").phone == "010-123 45 67"
    assert directory.lookup(settings, "skola2").phone == ""
