"""The half-year file written through a mapping: the header, each person's rows (one, or one per
contact and measure) and the bytes as semicolon text or XLSX, no cell ever read as a formula."""

from __future__ import annotations

import csv
import io
from datetime import date

from kaa_web.exports import XLSX_CONTENT_TYPE, safe_cell, xlsx_bytes
from kaa_web.rules import scb as rules
from kaa_web.rules.report_periods import ReportPeriod
from kaa_web.services.scb.mapping import MappingData
from kaa_web.services.scb.people import Contact, MeasureEvent, Person


def _blocks(mapping: MappingData) -> list[tuple[str | None, list[tuple[str, str]]]]:
    """The columns in order as blocks: a person column alone, or a run of one group's columns
    (repeated per contact or measure)."""
    blocks: list[tuple[str | None, list[tuple[str, str]]]] = []
    for header, concept in mapping.columns:
        group = rules.CONCEPTS[concept].group
        if group and blocks and blocks[-1][0] == group:
            blocks[-1][1].append((header, concept))
        else:
            blocks.append((group, [(header, concept)]))
    return blocks


def _repeats(mapping: MappingData, group: str) -> int:
    if mapping.layout == "handelse":
        return 1
    return mapping.max_contacts if group == "kontakt" else mapping.max_measures


def headers(mapping: MappingData) -> list[str]:
    out = []
    for group, columns in _blocks(mapping):
        if group is None:
            out += [header for header, _ in columns]
            continue
        for n in range(1, _repeats(mapping, group) + 1):
            out += [_numbered(header, n, mapping.layout) for header, _ in columns]
    return out


def _numbered(header: str, n: int, layout: str) -> str:
    if layout == "handelse":
        return header.replace("{n}", "")
    return header.replace("{n}", str(n)) if "{n}" in header else f"{header}{n}"


class _Writer:
    """Values through the mapping's codes and date format (dates formatted once each)."""

    def __init__(self, mapping: MappingData, period: ReportPeriod):
        self.mapping = mapping
        self.period = period
        self.date_format = rules.DATE_FORMATS[mapping.date_format]
        self.tables = {c: rules.CONCEPTS[c].table for _, c in mapping.columns}
        self.days: dict[date, str] = {}
        self.blocks = _blocks(mapping)

    def day(self, value: date | None) -> str:
        if value is None:
            return ""
        text = self.days.get(value)
        if text is None:
            text = self.days[value] = value.strftime(self.date_format)
        return text

    def code(self, concept: str, value: str | None) -> str:
        return self.mapping.code(self.tables[concept], value) if value else ""

    def person_values(self, person: Person, reached: list[Contact]) -> dict[str, str]:
        """Every person-level concept's value for the person."""
        latest = person.latest
        ended = latest.deregistered_on is not None and latest.deregistered_on <= self.period.end
        occupations = [c.occupation for c in reached if c.occupation]
        codes = self.mapping.codes
        return {
            "personnummer": person.personnummer,
            "fornamn": person.first_name,
            "efternamn": person.last_name,
            "postadress": "" if person.protected else person.address,
            "kon": codes.get("kon", {}).get(person.gender, ""),
            "orsak": codes.get("orsak", {}).get(latest.reason, ""),
            "registrerad": self.day(latest.registered_on),
            "kontakt_minst_en": codes.get("ja_nej", {}).get("ja" if reached else "nej", ""),
            "sysselsattning_senaste": codes.get("sysselsattning", {}).get(
                occupations[-1] if occupations else "okand", ""
            ),
            "avregistrerad": self.day(latest.deregistered_on) if ended else "",
            "avregistrering_orsak": (
                codes.get("avregistrering", {}).get(latest.deregistration_reason or "", "")
                if ended
                else ""
            ),
        }

    def contact_value(self, concept: str, contact: Contact) -> str:
        if concept == "kontakt.datum":
            return self.day(contact.on)
        return self.code(concept, contact.occupation or "okand")

    def measure_value(self, concept: str, event: MeasureEvent) -> str:
        ended = event.ended_on if event.ended_on and event.ended_on <= self.period.end else None
        if concept == "insats.kategori":
            return self.code(concept, event.category)
        if concept == "insats.utfall":
            return self.code(concept, event.outcome)
        if concept == "insats.start":
            return self.day(event.start_on)
        if concept == "insats.slut":
            return self.day(ended)
        return self.code(concept, event.occupation_after) if ended else ""


def writer_for(mapping: MappingData, period: ReportPeriod) -> _Writer:
    return _Writer(mapping, period)


def person_rows(writer: _Writer, person: Person) -> list[list[str]]:
    """The person's rows in the file: one (repeated groups) or one per contact and measure."""
    mapping = writer.mapping
    reached = [c for c in person.contacts if c.outcome == "nadd" and person.in_spans(c.on)]
    events = {"kontakt": reached, "insats": person.measures}
    if mapping.layout == "person":
        return [_row(writer, mapping, person, reached, events)]
    rows = [
        _row(writer, mapping, person, reached, {group: [item], other: []})
        for group, other in (("kontakt", "insats"), ("insats", "kontakt"))
        for item in events[group]
    ]
    return rows or [_row(writer, mapping, person, reached, {"kontakt": [], "insats": []})]


def _row(writer: _Writer, mapping: MappingData, person: Person, reached, events) -> list[str]:
    row: list[str] = []
    values = writer.person_values(person, reached)
    for group, columns in writer.blocks:
        if group is None:
            row += [values[concept] for _, concept in columns]
            continue
        items = events[group]
        for n in range(_repeats(mapping, group)):
            item = items[n] if n < len(items) else None
            for _, concept in columns:
                if item is None:
                    row.append("")
                elif group == "kontakt":
                    row.append(writer.contact_value(concept, item))
                else:
                    row.append(writer.measure_value(concept, item))
    return row


def file_bytes(mapping: MappingData, header: list[str], rows: list[list[str]]) -> tuple[bytes, str]:
    """The file's content and content type: semicolon text in the mapping's encoding (a
    character it cannot hold becomes "?"), or a workbook."""
    if mapping.file_type == "xlsx":
        return xlsx_bytes([("SCB", [header, *rows])]), XLSX_CONTENT_TYPE
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in [header, *rows]:
        writer.writerow([safe_cell(value) for value in row])
    content = buffer.getvalue().encode(mapping.encoding, errors="replace")
    return content, f"text/csv; charset={mapping.encoding.removesuffix('-sig')}"


def extension(mapping: MappingData) -> str:
    return "xlsx" if mapping.file_type == "xlsx" else "csv"
