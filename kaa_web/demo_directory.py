"""A local OpenLDAP (slapd) for the demo and the tests, built on python-ldap's slapdtest helper."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

SUFFIX = "dc=kommun,dc=se"
USER_BASE = f"ou=personal,{SUFFIX}"
GROUP_BASE = f"ou=grupper,{SUFFIX}"
SERVICE_DN = f"uid=kaa-web,ou=tjanster,{SUFFIX}"

ROLE_GROUP_CNS = {
    "kaa": "kaa-handlaggare",
    "arbetsmarknad": "arbetsmarknad",
    "ifo": "ifo",
    "skola": "skolpersonal",
    "chef": "chefer",
    "admin": "kaa-admin",
}


def role_group_dn(role: str) -> str:
    return f"cn={ROLE_GROUP_CNS[role]},{GROUP_BASE}"


def school_group_dn(code: str) -> str:
    return f"cn=skola-{code},{GROUP_BASE}"


@dataclass(frozen=True)
class DirectoryPerson:
    username: str
    display_name: str
    roles: tuple[str, ...]
    school_codes: tuple[str, ...] = ()
    password: str = ""
    phone: str = ""  # telephoneNumber, when the directory has one


DEMO_PEOPLE = (
    DirectoryPerson("kaa", "Karin Berg", ("kaa",)),
    DirectoryPerson("kaa2", "Johan Wikström", ("kaa",)),
    DirectoryPerson("arbetsmarknad", "Amir Haddad", ("arbetsmarknad",)),
    DirectoryPerson("ifo", "Ingrid Sjöberg", ("ifo",)),
    DirectoryPerson("skola", "Sara Lund", ("skola",), ("90000001",), phone="010-123 40 11"),
    DirectoryPerson("skola2", "Erik Holm", ("skola",), ("90000002",)),
    DirectoryPerson("chef", "Maria Ek", ("chef",)),
    DirectoryPerson("admin", "Adam Nyström", ("admin",)),
)


def build_ldif(people, service_password: str, school_codes=()) -> str:
    """The base entries, people, role groups and one group per school, as LDIF text."""
    blocks = [
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: kommun\no: Kommunen",
        f"dn: {USER_BASE}\nobjectClass: organizationalUnit\nou: personal",
        f"dn: {GROUP_BASE}\nobjectClass: organizationalUnit\nou: grupper",
        f"dn: ou=tjanster,{SUFFIX}\nobjectClass: organizationalUnit\nou: tjanster",
        f"dn: {SERVICE_DN}\nobjectClass: account\nobjectClass: simpleSecurityObject\n"
        f"uid: kaa-web\nuserPassword: {service_password}",
    ]
    for person in people:
        given, _, family = person.display_name.partition(" ")
        phone = f"\ntelephoneNumber: {person.phone}" if person.phone else ""
        blocks.append(
            f"dn: uid={person.username},{USER_BASE}\nobjectClass: inetOrgPerson\n"
            f"uid: {person.username}\ncn: {person.display_name}\ngivenName: {given}\n"
            f"sn: {family or given}\nmail: {person.username}@exempelkommun.se\n"
            f"userPassword: {person.password}{phone}"
        )
    groups: dict[str, list[str]] = {role_group_dn(r): [] for r in ROLE_GROUP_CNS}
    groups.update({school_group_dn(c): [] for c in school_codes})
    for person in people:
        dn = f"uid={person.username},{USER_BASE}"
        for role in person.roles:
            groups[role_group_dn(role)].append(dn)
        for code in person.school_codes:
            groups.setdefault(school_group_dn(code), []).append(dn)
    for group_dn, members in groups.items():
        cn = group_dn.split(",", 1)[0][3:]
        # groupOfNames needs at least one member; an empty group gets the service account.
        member_lines = "\n".join(f"member: {m}" for m in (members or [SERVICE_DN]))
        blocks.append(f"dn: {group_dn}\nobjectClass: groupOfNames\ncn: {cn}\n{member_lines}")
    return "\n\n".join(blocks) + "\n"


def settings_for(ldap_uri: str, service_password: str) -> dict:
    """Setting overrides that point kaa_web at a directory laid out like this one."""
    overrides = {
        "ldap_url": ldap_uri,
        "ldap_bind_dn": SERVICE_DN,
        "ldap_bind_password": service_password,
        "ldap_user_base": USER_BASE,
        "ldap_group_base": GROUP_BASE,
    }
    overrides.update({f"role_group_{role}": role_group_dn(role) for role in ROLE_GROUP_CNS})
    return overrides


def start_directory(workdir: Path, ldif: str):
    """Start slapd on a free 127.0.0.1 port with its files under `workdir`, loaded with `ldif`."""
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ["TMP"] = str(workdir)  # slapdtest picks its run directory at import time
    from slapdtest import SlapdObject  # python-ldap's test-server helper

    class LocalDirectory(SlapdObject):
        suffix = SUFFIX
        root_cn = "Manager"
        root_pw = secrets.token_urlsafe(16)
        slapd_loglevel = "0"
        openldap_schema_files = ("core.ldif", "cosine.ldif", "inetorgperson.ldif")

    server = LocalDirectory()
    server.start()
    server.ldapadd(ldif)
    return server


def demo_people_with_passwords() -> list[DirectoryPerson]:
    """The demo users, each with a fresh random password for this run."""
    return [replace(person, password=secrets.token_urlsafe(9)) for person in DEMO_PEOPLE]
