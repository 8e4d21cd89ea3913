"""The sections of a register extract: everything the system holds about one young person,
read straight from each feature's tables (none is changed), in plain words.

A protected identity's address, and their guardians' addresses, are never put into the data:
the extract leaves KAA."""

from __future__ import annotations

from kaa_web.services.register_extract.sections import person, plans, records
from kaa_web.services.register_extract.sections.reader import Reader


class Extract(Reader):
    """The sections of one person's extract, each read straight from its table by its module."""

    def sections(self) -> list[dict]:
        return [
            person.person(self),
            person.guardians(self),
            person.periods(self),
            person.contacts(self),
            *plans.mapping(self),
            *plans.plan(self),
            plans.referrals(self),
            plans.consents(self),
            plans.concern_reports(self),
            records.school_reports(self),
            records.documents(self),
            records.decisions(self),
            records.tasks(self),
        ]
