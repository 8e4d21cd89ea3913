"""Settings from the environment, and the refusals of unsafe production settings."""

import pytest

from kaa_web import create_app
from kaa_web.config import ConfigError, env_names, load_settings

REQUIRED_NAMES = {
    "KAA_ENV",
    "KAA_SECRET_KEY",
    "KAA_DATABASE_URL",
    "KAA_LDAP_URL",
    "KAA_LDAP_BIND_DN",
    "KAA_LDAP_BIND_PASSWORD",
    "KAA_LDAP_USER_BASE",
    "KAA_LDAP_USER_FILTER",
    "KAA_LDAP_GROUP_BASE",
    "KAA_ROLE_GROUP_KAA",
    "KAA_ROLE_GROUP_ARBETSMARKNAD",
    "KAA_ROLE_GROUP_IFO",
    "KAA_ROLE_GROUP_SKOLA",
    "KAA_ROLE_GROUP_CHEF",
    "KAA_ROLE_GROUP_ADMIN",
}

AD_ENABLED = "(!(userAccountControl:1.2.840.113556.1.4.803:=2))"
GOOD_PRODUCTION = {
    "KAA_ENV": "production",
    "KAA_SECRET_KEY": "s" * 40,
    "KAA_DATABASE_URL": "postgresql+psycopg://kaa_app:losen@db.kommun.se/kaa",
    "KAA_MUNICIPALITY": "Sundsvalls kommun",
    "KAA_MUNICIPALITY_CODE": "2281",
    "KAA_SUPPORT_CONTACT": "KAA-samordnaren, 060-19 10 00",
    "KAA_PROXY_COUNT": "1",
    "KAA_LDAP_URL": "ldaps://ad.kommun.se",
    "KAA_LDAP_USER_BASE": "ou=personal,dc=kommun,dc=se",
    "KAA_LDAP_ENABLED_FILTER": AD_ENABLED,
    "KAA_ROLE_GROUP_KAA": "cn=kaa-handlaggare,ou=grupper,dc=kommun,dc=se",
    "KAA_JOBS_URL": "redis://jobb.kommun.se:6379/0",
}


def test_the_documented_setting_names_exist():
    assert REQUIRED_NAMES <= set(env_names())


def test_every_setting_is_documented_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    missing = [name for name in env_names() if f"`{name}`" not in readme]
    assert missing == []


def test_settings_are_read_and_typed_from_the_environment():
    settings = load_settings(
        {"KAA_SESSION_IDLE_MINUTES": "10", "KAA_LDAP_STARTTLS": "true", "KAA_LDAP_TIMEOUT": "2.5"}
    )
    assert settings.session_idle_minutes == 10
    assert settings.ldap_starttls is True
    assert settings.ldap_timeout == 2.5


def test_good_production_settings_pass():
    load_settings(GOOD_PRODUCTION).check()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"KAA_SECRET_KEY": ""}, "KAA_SECRET_KEY"),
        ({"KAA_SECRET_KEY": "kort"}, "KAA_SECRET_KEY"),
        ({"KAA_DEBUG": "1"}, "KAA_DEBUG"),
        ({"KAA_LDAP_URL": ""}, "KAA_LDAP_URL"),
        ({"KAA_ROLE_GROUP_KAA": ""}, "KAA_ROLE_GROUP"),
        ({"KAA_LDAP_URL": "ldap://ad.kommun.se"}, "KAA_LDAP_STARTTLS"),
        ({"KAA_LDAP_URL": "ldaps://ad1.kommun.se LDAP://ad2.kommun.se"}, "KAA_LDAP_STARTTLS"),
        ({"KAA_LDAP_ENABLED_FILTER": ""}, "KAA_LDAP_ENABLED_FILTER"),
        ({"KAA_ENV": "Production"}, "KAA_ENV"),
        ({"KAA_JOBS_URL": ""}, "KAA_JOBS_URL"),  # the demo's SQLite queue is one machine's
        ({"KAA_JOBS_URL": "immediate"}, "KAA_JOBS_URL"),  # jobs inside web requests
        ({"KAA_DATABASE_URL": ""}, "KAA_DATABASE_URL must name PostgreSQL"),
        ({"KAA_DATABASE_URL": "sqlite:////srv/kaa/kaa.db"}, "KAA_DATABASE_URL"),
        ({"KAA_MUNICIPALITY": ""}, "KAA_MUNICIPALITY must"),
        ({"KAA_MUNICIPALITY": "Exempelkommun"}, "KAA_MUNICIPALITY must"),
        ({"KAA_MUNICIPALITY_CODE": ""}, "KAA_MUNICIPALITY_CODE"),
        ({"KAA_MUNICIPALITY_CODE": "228"}, "KAA_MUNICIPALITY_CODE"),
        ({"KAA_SUPPORT_CONTACT": ""}, "KAA_SUPPORT_CONTACT"),
        ({"KAA_PROXY_COUNT": ""}, "KAA_PROXY_COUNT"),
        ({"KAA_PROXY_COUNT": "0"}, "KAA_PROXY_COUNT"),
        ({"KAA_RETENTION_REGISTER_DAYS": "0"}, "KAA_RETENTION_"),
        ({"KAA_RETENTION_NOTES_DAYS": "-5"}, "at least 1"),
        ({"KAA_AUDIT_RETENTION_DAYS": "0"}, "KAA_AUDIT_RETENTION_DAYS"),
        ({"KAA_RETENTION_DOCUMENTS_DAYS": "4000"}, "KAA_RETENTION_DOCUMENTS_DAYS must not"),
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(change, expected):
    environ = {k: v for k, v in {**GOOD_PRODUCTION, **change}.items() if v}
    with pytest.raises(ConfigError, match=expected):
        load_settings(environ).check()


def test_plain_ldap_is_accepted_in_production_only_with_starttls():
    load_settings(
        {**GOOD_PRODUCTION, "KAA_LDAP_URL": "ldap://ad.kommun.se", "KAA_LDAP_STARTTLS": "true"}
    ).check()


def test_a_missing_kaa_env_refuses_to_start_rather_than_run_on_the_development_secret():
    with pytest.raises(ConfigError, match="KAA_ENV"):
        load_settings({}).check()
    with pytest.raises(ConfigError, match="KAA_ENV"):
        load_settings({"KAA_SECRET_KEY": "s" * 40}).check()
    load_settings({"KAA_ENV": "development"}).check()  # the demo and the tests say so


def test_create_app_refuses_default_secret_in_production():
    with pytest.raises(ConfigError, match="KAA_SECRET_KEY"):
        create_app(
            {
                "env": "production",
                "ldap_url": "ldaps://x",
                "ldap_user_base": "dc=x",
                "ldap_enabled_filter": "(objectClass=*)",
                "role_group_kaa": "cn=x",
                "database_url": "sqlite://",
            }
        )
