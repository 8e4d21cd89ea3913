"""Every setting of kaa_web, read from the environment (KAA_*) with documented defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from datetime import date

from kaa_web.rules.outreach import LadderRules
from kaa_web.rules.working_hours import WorkingHours

ROLES = ("kaa", "arbetsmarknad", "ifo", "skola", "chef", "admin")
ENVIRONMENTS = ("production", "development")
# Gallring's data categories, each with a KAA_RETENTION_<NAME>_DAYS setting; "register" (the
# person's identity) last, since every other category goes with it at the latest.
RETENTION_CATEGORIES = (
    "notes", "documents", "school_reports", "consents", "meeting_notes", "register"
)

DEFAULT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production
DEFAULT_MUNICIPALITY = "Exempelkommun"  # the demo's; refused in production, like the next
DEFAULT_SUPPORT_CONTACT = "KAA-samordnaren, kaa@exempelkommun.se"


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the message says what to set."""


def _is_time(value: str) -> bool:
    hour, _, minute = value.partition(":")
    return (hour + minute).isdigit() and int(hour) < 24 and int(minute) < 60 and len(minute) == 2


def _is_month_day(value: str) -> bool:
    try:
        date.fromisoformat(f"2001-{value}")  # a common year: 02-29 would not come every year
    except ValueError:
        return False
    return len(value) == 5


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


@dataclass
class Settings:
    """Typed settings; the field's metadata names its environment variable."""

    env: str = field(default="", metadata={"env": "KAA_ENV"})  # no default: see check()
    secret_key: str = field(default=DEFAULT_SECRET_KEY, metadata={"env": "KAA_SECRET_KEY"})
    debug: bool = field(default=False, metadata={"env": "KAA_DEBUG"})
    database_url: str = field(
        default="sqlite:///instance/kaa.db", metadata={"env": "KAA_DATABASE_URL"}
    )
    municipality: str = field(default=DEFAULT_MUNICIPALITY, metadata={"env": "KAA_MUNICIPALITY"})
    municipality_code: str = field(default="", metadata={"env": "KAA_MUNICIPALITY_CODE"})
    support_contact: str = field(
        default=DEFAULT_SUPPORT_CONTACT, metadata={"env": "KAA_SUPPORT_CONTACT"}
    )
    proxy_count: int = field(default=0, metadata={"env": "KAA_PROXY_COUNT"})
    # The job runner (huey): the queue every app server and worker shares
    jobs_url: str = field(default="sqlite:///instance/jobs.db", metadata={"env": "KAA_JOBS_URL"})
    job_lease_seconds: int = field(default=60, metadata={"env": "KAA_JOB_LEASE_SECONDS"})
    nightly_at: str = field(default="02:30", metadata={"env": "KAA_NIGHTLY_AT"})
    # Directory (LDAP)
    ldap_url: str = field(default="", metadata={"env": "KAA_LDAP_URL"})
    ldap_bind_dn: str = field(default="", metadata={"env": "KAA_LDAP_BIND_DN"})
    ldap_bind_password: str = field(default="", metadata={"env": "KAA_LDAP_BIND_PASSWORD"})
    ldap_user_base: str = field(default="", metadata={"env": "KAA_LDAP_USER_BASE"})
    ldap_user_filter: str = field(
        default="(&(objectClass=person)(|(uid={username})(sAMAccountName={username})))",
        metadata={"env": "KAA_LDAP_USER_FILTER"},
    )
    ldap_group_base: str = field(default="", metadata={"env": "KAA_LDAP_GROUP_BASE"})
    ldap_group_filter: str = field(
        default="(|(member={user_dn})(uniqueMember={user_dn}))",
        metadata={"env": "KAA_LDAP_GROUP_FILTER"},
    )
    ldap_enabled_filter: str = field(default="", metadata={"env": "KAA_LDAP_ENABLED_FILTER"})
    ldap_school_attribute: str = field(default="", metadata={"env": "KAA_LDAP_SCHOOL_ATTRIBUTE"})
    ldap_starttls: bool = field(default=False, metadata={"env": "KAA_LDAP_STARTTLS"})
    ldap_ca_file: str = field(default="", metadata={"env": "KAA_LDAP_CA_FILE"})
    ldap_timeout: float = field(default=5.0, metadata={"env": "KAA_LDAP_TIMEOUT"})
    role_group_kaa: str = field(default="", metadata={"env": "KAA_ROLE_GROUP_KAA"})
    role_group_arbetsmarknad: str = field(
        default="", metadata={"env": "KAA_ROLE_GROUP_ARBETSMARKNAD"}
    )
    role_group_ifo: str = field(default="", metadata={"env": "KAA_ROLE_GROUP_IFO"})
    role_group_skola: str = field(default="", metadata={"env": "KAA_ROLE_GROUP_SKOLA"})
    role_group_chef: str = field(default="", metadata={"env": "KAA_ROLE_GROUP_CHEF"})
    role_group_admin: str = field(default="", metadata={"env": "KAA_ROLE_GROUP_ADMIN"})
    # Sessions and login
    session_idle_minutes: int = field(default=30, metadata={"env": "KAA_SESSION_IDLE_MINUTES"})
    session_max_hours: int = field(default=12, metadata={"env": "KAA_SESSION_MAX_HOURS"})
    role_refresh_minutes: int = field(default=5, metadata={"env": "KAA_ROLE_REFRESH_MINUTES"})
    login_window_minutes: int = field(default=15, metadata={"env": "KAA_LOGIN_WINDOW_MINUTES"})
    login_max_failures_user: int = field(default=5, metadata={"env": "KAA_LOGIN_MAX_FAILURES_USER"})
    login_max_failures_address: int = field(
        default=30, metadata={"env": "KAA_LOGIN_MAX_FAILURES_ADDRESS"}
    )
    max_upload_mb: int = field(default=10, metadata={"env": "KAA_MAX_UPLOAD_MB"})
    audit_retention_days: int = field(default=3650, metadata={"env": "KAA_AUDIT_RETENTION_DAYS"})
    # The log review: what counts as working hours, and an export large enough to be flagged
    audit_working_hours: str = field(
        default="07:00-18:00", metadata={"env": "KAA_AUDIT_WORKING_HOURS"}
    )
    audit_bulk_export_people: int = field(
        default=100, metadata={"env": "KAA_AUDIT_BULK_EXPORT_PEOPLE"}
    )
    draft_retention_days: int = field(default=14, metadata={"env": "KAA_DRAFT_RETENTION_DAYS"})
    # Gallring (README, Retention): days after a person's last registration period ended, per
    # data category, as the municipality's gallringsbeslut says
    retention_register_days: int = field(
        default=1826, metadata={"env": "KAA_RETENTION_REGISTER_DAYS"}
    )
    retention_notes_days: int = field(default=730, metadata={"env": "KAA_RETENTION_NOTES_DAYS"})
    retention_documents_days: int = field(
        default=730, metadata={"env": "KAA_RETENTION_DOCUMENTS_DAYS"}
    )
    retention_school_reports_days: int = field(
        default=730, metadata={"env": "KAA_RETENTION_SCHOOL_REPORTS_DAYS"}
    )
    retention_consents_days: int = field(
        default=365, metadata={"env": "KAA_RETENTION_CONSENTS_DAYS"}
    )
    retention_meeting_notes_days: int = field(
        default=730, metadata={"env": "KAA_RETENTION_MEETING_NOTES_DAYS"}
    )
    # Counts under this are shown as "<N" in statistics that leave the app and where people
    # outside the municipality see a table
    stats_min_cell: int = field(default=5, metadata={"env": "KAA_STATS_MIN_CELL"})
    # The SCB half-year file: when each half-year's file is due (MM-DD; the first half's in the
    # same year, the second's in the next) and how long before that its task is on the worklist
    scb_deadline_h1: str = field(default="08-31", metadata={"env": "KAA_SCB_DEADLINE_H1"})
    scb_deadline_h2: str = field(default="01-31", metadata={"env": "KAA_SCB_DEADLINE_H2"})
    scb_reminder_days: int = field(default=30, metadata={"env": "KAA_SCB_REMINDER_DAYS"})
    import_retention_hours: int = field(default=24, metadata={"env": "KAA_IMPORT_RETENTION_HOURS"})
    # The outreach ladder (DOMAIN.md section 3): each step's delay
    ladder_first_letter_days: int = field(
        default=30, metadata={"env": "KAA_LADDER_FIRST_LETTER_DAYS"}
    )
    ladder_postcard_after_days: int = field(
        default=30, metadata={"env": "KAA_LADDER_POSTCARD_AFTER_DAYS"}
    )
    ladder_contact_after_days: int = field(
        default=14, metadata={"env": "KAA_LADDER_CONTACT_AFTER_DAYS"}
    )
    ladder_contact_interval_days: int = field(
        default=7, metadata={"env": "KAA_LADDER_CONTACT_INTERVAL_DAYS"}
    )
    ladder_contact_attempts: int = field(default=3, metadata={"env": "KAA_LADDER_CONTACT_ATTEMPTS"})
    ladder_home_visit_after_days: int = field(
        default=14, metadata={"env": "KAA_LADDER_HOME_VISIT_AFTER_DAYS"}
    )
    ladder_mapping_within_days: int = field(
        default=7, metadata={"env": "KAA_LADDER_MAPPING_WITHIN_DAYS"}
    )
    ladder_follow_up_months: int = field(default=6, metadata={"env": "KAA_LADDER_FOLLOW_UP_MONTHS"})
    ladder_leaving_letter_months: int = field(
        default=6, metadata={"env": "KAA_LADDER_LEAVING_LETTER_MONTHS"}
    )
    ladder_summer_pause: str = field(
        default="06-20/08-10", metadata={"env": "KAA_LADDER_SUMMER_PAUSE"}
    )

    @property
    def production(self) -> bool:
        return self.env == "production"

    def ladder_rules(self) -> LadderRules:
        start, end = (
            tuple(int(p) for p in part.split("-")) for part in self.ladder_summer_pause.split("/")
        )
        return LadderRules(
            first_letter_days=self.ladder_first_letter_days,
            postcard_after_days=self.ladder_postcard_after_days,
            contact_after_days=self.ladder_contact_after_days,
            contact_interval_days=self.ladder_contact_interval_days,
            contact_attempts=self.ladder_contact_attempts,
            home_visit_after_days=self.ladder_home_visit_after_days,
            mapping_within_days=self.ladder_mapping_within_days,
            follow_up_months=self.ladder_follow_up_months,
            leaving_letter_months_before=self.ladder_leaving_letter_months,
            summer_pause_start=start,
            summer_pause_end=end,
        )

    def retention_days(self) -> dict[str, int]:
        """Each gallring category's period in days (kaa_web.services.retention)."""
        return {name: getattr(self, f"retention_{name}_days") for name in RETENTION_CATEGORIES}

    def working_hours(self) -> WorkingHours:
        return WorkingHours.parse(self.audit_working_hours)

    def role_groups(self) -> dict[str, str]:
        """Role name -> configured group DN (only the roles that have one)."""
        groups = {role: getattr(self, f"role_group_{role}") for role in ROLES}
        return {role: dn for role, dn in groups.items() if dn}

    def check(self) -> None:
        """Refuse a missing KAA_ENV and unsafe production settings, naming what to fix."""
        if self.env not in ENVIRONMENTS:
            raise ConfigError(
                "kaa_web refuses to start: set KAA_ENV to production (a server) or to "
                "development (a developer's machine or the demo)"
            )
        if self.nightly_at and not _is_time(self.nightly_at):
            raise ConfigError("kaa_web refuses to start: KAA_NIGHTLY_AT must be TT:MM or empty")
        try:
            self.working_hours()
        except ValueError as exc:
            raise ConfigError(
                "kaa_web refuses to start: KAA_AUDIT_WORKING_HOURS must look like 07:00-18:00"
            ) from exc
        for name, value in (
            ("KAA_SCB_DEADLINE_H1", self.scb_deadline_h1),
            ("KAA_SCB_DEADLINE_H2", self.scb_deadline_h2),
        ):
            if not _is_month_day(value):
                raise ConfigError(f"kaa_web refuses to start: {name} must be MM-DD, e.g. 08-31")
        if not self.production:
            return
        problems = list(self._production_problems())
        if problems:
            raise ConfigError("kaa_web refuses to start: " + "; ".join(problems))

    def _production_problems(self):
        if self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < 32:
            yield "KAA_SECRET_KEY must be set to a random value of at least 32 chars"
        if self.debug:
            yield "KAA_DEBUG must be off in production"
        yield from self._deployment_problems()
        yield from self._directory_problems()
        yield from self._retention_problems()

    def _deployment_problems(self):
        """What the production guide (README, Running in production) marks as required."""
        if not self.database_url.startswith("postgresql"):
            yield (
                "KAA_DATABASE_URL must name PostgreSQL in production (postgresql+psycopg://…): "
                "several app servers, the job worker and the backups share it"
            )
        if self.municipality == DEFAULT_MUNICIPALITY or not self.municipality.strip():
            yield "KAA_MUNICIPALITY must be set to the municipality's name in production"
        if not (len(self.municipality_code) == 4 and self.municipality_code.isdigit()):
            yield (
                "KAA_MUNICIPALITY_CODE must be the municipality's 4-digit kommunkod in "
                "production (school reports about other municipalities' students are forwarded)"
            )
        if self.support_contact.strip() in (DEFAULT_SUPPORT_CONTACT, ""):
            yield "KAA_SUPPORT_CONTACT must say whom users without access contact"
        if self.proxy_count < 1:
            yield (
                "KAA_PROXY_COUNT must be the number of reverse proxies in front (1 behind the "
                "guide's nginx): without it every user has the proxy's address, and the login "
                "limit per address would lock everyone out at once"
            )

    def _directory_problems(self):
        if not self.ldap_url or not self.ldap_user_base:
            yield "KAA_LDAP_URL and KAA_LDAP_USER_BASE must be set in production"
        if not self.ldap_starttls and any(
            url.lower().startswith("ldap://") for url in self.ldap_url.split()
        ):
            yield "an ldap:// KAA_LDAP_URL needs KAA_LDAP_STARTTLS=true (or use ldaps://)"
        if not self.ldap_enabled_filter:
            yield (
                "KAA_LDAP_ENABLED_FILTER must be set in production (Active Directory: "
                "(!(userAccountControl:1.2.840.113556.1.4.803:=2)); (objectClass=*) if "
                "disabled accounts are removed from the directory)"
            )
        if not self.role_groups():
            yield "at least one KAA_ROLE_GROUP_<ROLE> must be set in production"
        if not self.jobs_url.startswith(("redis://", "rediss://", "unix://")):
            yield (
                "KAA_JOBS_URL must name the Redis server the app servers and the job worker "
                "share in production (redis://host:6379/0)"
            )


    def _retention_problems(self):
        """The gallringsbeslut's periods: whole days, none longer than the identity's."""
        days = self.retention_days()
        if any(value < 1 for value in days.values()) or self.audit_retention_days < 1:
            yield "KAA_RETENTION_*_DAYS and KAA_AUDIT_RETENTION_DAYS must be at least 1"
        longer = [n for n, v in days.items() if v > days["register"]]
        if longer:
            names = ", ".join(f"KAA_RETENTION_{n.upper()}_DAYS" for n in longer)
            yield (
                f"{names} must not exceed KAA_RETENTION_REGISTER_DAYS: what names a person "
                "cannot be kept after the person's identity is gallrad"
            )


def env_names() -> dict[str, str]:
    """Environment variable -> setting name, for documentation and tests."""
    return {f.metadata["env"]: f.name for f in fields(Settings)}


def load_settings(environ: dict[str, str] | None = None, **overrides) -> Settings:
    """Build settings from the environment, then apply explicit overrides (tests, demo)."""
    environ = os.environ if environ is None else environ
    values = {}
    for f in fields(Settings):
        raw = environ.get(f.metadata["env"])
        if raw is None:
            continue
        kind = type(f.default)
        values[f.name] = _bool(raw) if kind is bool else kind(raw)
    values.update(overrides)
    return Settings(**values)
