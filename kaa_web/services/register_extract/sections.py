"""The sections of a register extract: everything the system holds about one young person,
read straight from each feature's tables (none is changed), in plain words.

A protected identity's address, and their guardians' addresses, are never put into the data:
the extract leaves KAA."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime

from sqlmodel import Session, select

from kaa_web.docx.types import DOCUMENT_TYPES
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import LOCAL_TZ
from kaa_web.models.catalogue import Measure
from kaa_web.models.documents import GeneratedDocument, GeneratedDocumentYouth
from kaa_web.models.meetings import Decision, Meeting, MeetingGroup
from kaa_web.models.plans import (
    CONSENT_FORMS,
    CONSENT_GIVERS,
    CONSENT_PARTIES,
    MEASURE_END_REASONS,
    RESPONSIBLE,
    SCHOOL_ENDINGS,
    ConcernReport,
    Consent,
    DeclinedOffer,
    Mapping,
    MappingRevision,
    MonthlyReport,
    Plan,
    PlanMeasure,
    PlanRevision,
    Referral,
)
from kaa_web.models.register import (
    ACTIONS,
    CHANNELS,
    DEREGISTRATION_REASONS,
    GENDERS,
    OCCUPATIONS,
    OUTCOMES,
    REGISTRATION_REASONS,
    REGISTRATION_SOURCES,
    STATUSES,
    STUDY_KINDS,
    ContactAttempt,
    District,
    Guardian,
    RegistrationPeriod,
    Youth,
)
from kaa_web.models.school_reports import (
    REPORT_KINDS,
    REPORT_STATUSES,
    SchoolReport,
    SchoolReportStudent,
    SchoolUnit,
)
from kaa_web.models.tasks import Task
from kaa_web.rules import personnummer as pnr
from kaa_web.rules.outreach import STEP_LABELS

WITHHELD = "Utelämnad (skyddade personuppgifter)"


def _text(value) -> str:
    """A value as the extract shows it: dates ÅÅÅÅ-MM-DD, times local, yes/no in Swedish."""
    if value is None or value == "":
        return "–"
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    return str(value)


def _joined(*parts) -> str:
    return " · ".join(_text(p) for p in parts if p not in (None, ""))


def _rows(pairs: Iterable[tuple[str, object]]) -> list[dict]:
    return [{"falt": label, "varde": _text(value)} for label, value in pairs]


def _section(title: str, rows: list[dict]) -> dict:
    return {"rubrik": title, "rader": rows}


class Extract:
    """The sections of one person's extract, each read straight from its table."""

    def __init__(self, db: Session, youth: Youth) -> None:
        self.db, self.youth = db, youth
        self.staff = dict(db.exec(select(StaffUser.id, StaffUser.display_name)).all())

    def _all(self, query) -> list:
        return list(self.db.exec(query).all())

    def sections(self) -> list[dict]:
        return [
            self.person(),
            self.guardians(),
            self.periods(),
            self.contacts(),
            *self.mapping(),
            *self.plan(),
            self.referrals(),
            self.consents(),
            self.concern_reports(),
            self.school_reports(),
            self.documents(),
            self.decisions(),
            self.tasks(),
        ]

    def person(self) -> dict:
        y = self.youth
        district = self.db.get(District, y.district_id) if y.district_id else None
        address = (
            WITHHELD
            if y.protected_identity
            else _joined(y.street_address, f"{y.postal_code} {y.city}".strip())
        )
        return _section(
            "Personuppgifter",
            _rows(
                [
                    ("Namn", y.full_name),
                    ("Personnummer", pnr.display(y.personnummer)),
                    ("Födelsedatum", y.birth_date),
                    ("Kön", GENDERS.get(y.gender, y.gender)),
                    ("Adress", address),
                    ("Telefon", y.phone),
                    ("E-post", y.email),
                    ("Skyddade personuppgifter", y.protected_identity),
                    ("Kommundel", district.name if district else ""),
                    ("Handläggare", self.staff.get(y.officer_id, "")),
                    ("Status", STATUSES.get(y.status, y.status)),
                    ("Sysselsättning", OCCUPATIONS.get(y.occupation, y.occupation)),
                    ("Studier", STUDY_KINDS.get(y.study_kind or "", "")),
                    ("Senaste kontakt", y.last_contact_on),
                    ("Nådd", y.reached_on),
                    (
                        "Nästa steg",
                        _joined(STEP_LABELS.get(y.next_step or "", ""), y.next_step_due),
                    ),
                ]
            ),
        )

    def guardians(self) -> dict:
        rows = []
        for g in self._all(select(Guardian).where(Guardian.youth_id == self.youth.id)):
            address = (
                WITHHELD
                if self.youth.protected_identity
                else _joined(g.street_address, f"{g.postal_code} {g.city}".strip())
            )
            rows.append({"falt": g.name, "varde": _joined(address, g.phone)})
        return _section("Vårdnadshavare", rows)

    def periods(self) -> dict:
        periods = self._all(
            select(RegistrationPeriod)
            .where(RegistrationPeriod.youth_id == self.youth.id)
            .order_by(RegistrationPeriod.registered_on)
        )
        rows = []
        for p in periods:
            ended = (
                _joined(
                    f"avregistrerad {p.deregistered_on}",
                    DEREGISTRATION_REASONS.get(p.deregistration_reason or "", ""),
                    OCCUPATIONS.get(p.deregistration_result or "", ""),
                )
                if p.deregistered_on
                else "pågår"
            )
            reason = REGISTRATION_REASONS.get(p.registration_reason, p.registration_reason)
            source = REGISTRATION_SOURCES.get(p.registration_source, p.registration_source)
            rows.append({"falt": _text(p.registered_on), "varde": _joined(reason, source, ended)})
        return _section("Registreringsperioder", rows)

    def contacts(self) -> dict:
        contacts = self._all(
            select(ContactAttempt)
            .where(ContactAttempt.youth_id == self.youth.id)
            .order_by(ContactAttempt.on, ContactAttempt.id)
        )
        rows = []
        for c in contacts:
            kind = CHANNELS.get(c.kind) or ACTIONS.get(c.kind, c.kind)
            rows.append(
                {
                    "falt": _text(c.on),
                    "varde": _joined(
                        kind,
                        OUTCOMES.get(c.outcome or "", ""),
                        OCCUPATIONS.get(c.occupation or "", ""),
                        "till vårdnadshavarna" if c.to_guardians else "",
                        c.note,
                        self.staff.get(c.staff_id, ""),
                    ),
                }
            )
        return _section("Kontakter och åtgärder", rows)

    def mapping(self) -> list[dict]:
        m = self.db.exec(select(Mapping).where(Mapping.youth_id == self.youth.id)).first()
        if m is None:
            return [_section("Kartläggning", [])]
        agencies = [
            name
            for name, on in (
                ("Arbetsförmedlingen", m.agency_arbetsformedlingen),
                ("Socialtjänsten", m.agency_socialtjansten),
                ("BUP/vården", m.agency_varden),
                ("Försäkringskassan", m.agency_forsakringskassan),
                ("LSS", m.agency_lss),
            )
            if on
        ]
        revisions = self._all(
            select(MappingRevision)
            .where(MappingRevision.mapping_id == m.id)
            .order_by(MappingRevision.version)
        )
        current = _rows(
            [
                ("Datum", m.on),
                ("Avböjer", m.declined),
                ("Sysselsättning", OCCUPATIONS.get(m.occupation, m.occupation)),
                ("Studier", STUDY_KINDS.get(m.study_kind or "", "")),
                ("Senaste skola", m.last_school),
                ("Program", m.programme),
                ("Skolgången slutade", SCHOOL_ENDINGS.get(m.school_ending or "", "")),
                ("Behörig", m.eligible),
                ("Mål med egna ord", m.goals),
                ("Kontakter med andra myndigheter", ", ".join(agencies)),
            ]
        )
        history = [
            {
                "falt": f"Version {r.version}",
                "varde": _joined(r.saved_at, self.staff.get(r.staff_id, "")),
            }
            for r in revisions
        ]
        return [_section("Kartläggning", current), _section("Kartläggningens versioner", history)]

    def plan(self) -> list[dict]:
        plan = self.db.exec(select(Plan).where(Plan.youth_id == self.youth.id)).first()
        revisions = (
            self._all(
                select(PlanRevision)
                .where(PlanRevision.plan_id == plan.id)
                .order_by(PlanRevision.revision)
            )
            if plan
            else []
        )
        rows = []
        for r in revisions:
            goal = json.loads(r.snapshot or "{}").get("goal", "")
            rows.append(
                {
                    "falt": f"Revision {r.revision}, {r.agreed_on}",
                    "varde": _joined(r.change, f"Mål: {goal}" if goal else ""),
                }
            )
        return [_section("Individuell plan och dess revisioner", rows), self.measures()]

    def measures(self) -> dict:
        catalogue = dict(self.db.exec(select(Measure.id, Measure.name)).all())
        measures = self._all(
            select(PlanMeasure)
            .where(PlanMeasure.youth_id == self.youth.id)
            .order_by(PlanMeasure.start_on, PlanMeasure.id)
        )
        rows = []
        for m in measures:
            ended = (
                _joined(f"avslutad {m.ended_on}", MEASURE_END_REASONS.get(m.end_reason or "", ""))
                if m.ended_on
                else "pågår"
            )
            responsible = RESPONSIBLE.get(m.responsible, m.responsible)
            rows.append(
                {
                    "falt": m.title,
                    "varde": _joined(
                        catalogue.get(m.measure_id, ""),
                        f"{responsible} {m.responsible_actor}".strip(),
                        f"{m.start_on} – {_text(m.end_on)}",
                        ended,
                        OCCUPATIONS.get(m.occupation_after or "", ""),
                    ),
                }
            )
        for d in self._all(select(DeclinedOffer).where(DeclinedOffer.youth_id == self.youth.id)):
            name = catalogue.get(d.measure_id, "")
            rows.append({"falt": name, "varde": f"Erbjuden och avböjd {d.on}"})
        return _section("Insatser", rows)

    def referrals(self) -> dict:
        rows = []
        for r in self._all(select(Referral).where(Referral.youth_id == self.youth.id)):
            reports = self._all(select(MonthlyReport).where(MonthlyReport.referral_id == r.id))
            received = [str(m.received_on) for m in reports if m.received_on]
            rows.append(
                {
                    "falt": r.provider,
                    "varde": _joined(
                        f"skickat {r.sent_on}",
                        f"första kontakt senast {r.first_contact_due}",
                        f"första kontakt {r.first_contact_on}" if r.first_contact_on else "",
                        f"månadsrapporter {', '.join(received)}" if received else "",
                    ),
                }
            )
        return _section("Uppdrag till anordnare", rows)

    def consents(self) -> dict:
        rows = []
        for c in self._all(select(Consent).where(Consent.youth_id == self.youth.id)):
            parties = [
                name
                for code, name in CONSENT_PARTIES.items()
                if code != "skola" and getattr(c, _PARTY_COLUMNS[code])
            ] + ([c.school_name] if c.school_name else [])
            rows.append(
                {
                    "falt": f"Givet {c.given_on}",
                    "varde": _joined(
                        CONSENT_GIVERS.get(c.given_by, c.given_by),
                        c.guardian_name,
                        "till " + ", ".join(parties),
                        c.purpose,
                        CONSENT_FORMS.get(c.form, c.form),
                        f"gäller till {c.expires_on}" if c.expires_on else "",
                        f"återkallat {c.withdrawn_on}" if c.withdrawn_on else "",
                    ),
                }
            )
        return _section("Samtycken", rows)

    def concern_reports(self) -> dict:
        reports = self._all(select(ConcernReport).where(ConcernReport.youth_id == self.youth.id))
        rows = [{"falt": _text(r.on), "varde": _joined("Till " + r.recipient)} for r in reports]
        return _section("Orosanmälningar", rows)

    def school_reports(self) -> dict:
        found = self._all(
            select(SchoolReportStudent, SchoolReport, SchoolUnit.name)
            .join(SchoolReport, SchoolReport.id == SchoolReportStudent.report_id)
            .join(SchoolUnit, SchoolUnit.id == SchoolReport.school_unit_id)
            .where(
                (SchoolReportStudent.youth_id == self.youth.id)
                | (SchoolReportStudent.personnummer == self.youth.personnummer)
            )
            .order_by(SchoolReport.submitted_at)
        )
        rows = []
        for student, report, unit in found:
            rows.append(
                {
                    "falt": report.reference,
                    "varde": _joined(
                        REPORT_KINDS.get(report.kind, report.kind),
                        unit,
                        report.submitted_at,
                        student.programme,
                        REPORT_STATUSES.get(report.status, report.status),
                        *self._own_details(report),
                        f"KAA:s svar: {report.answer}" if report.answer else "",
                    ),
                }
            )
        return _section("Anmälningar från skolan", rows)

    def _own_details(self, report: SchoolReport) -> list[str]:
        """What the school wrote, when the report is about this student alone (a list of
        several students would show the others)."""
        count = self.db.exec(
            select(SchoolReportStudent.id).where(SchoolReportStudent.report_id == report.id)
        ).all()
        if len(count) != 1:
            return []
        fields = json.loads(report.details or "{}").get("fields", [])
        return [f"{label}: {value}" for label, value in fields if value]

    def documents(self) -> dict:
        names = {code: t.name for code, t in DOCUMENT_TYPES.items()}
        sent = self._all(
            select(GeneratedDocument.doc_type, GeneratedDocument.created_at)
            .join(
                GeneratedDocumentYouth, GeneratedDocumentYouth.document_id == GeneratedDocument.id
            )
            .where(GeneratedDocumentYouth.youth_id == self.youth.id)
            .order_by(GeneratedDocument.created_at)
        )
        rows = [{"falt": _text(at), "varde": names.get(code, code)} for code, at in sent]
        return _section("Dokument som skapats och skickats", rows)

    def decisions(self) -> dict:
        found = self._all(
            select(Decision, Meeting.on, MeetingGroup.name)
            .join(Meeting, Meeting.id == Decision.meeting_id)
            .join(MeetingGroup, MeetingGroup.id == Meeting.group_id)
            .where(Decision.youth_id == self.youth.id)
            .order_by(Meeting.on, Decision.number)
        )
        rows = [
            {"falt": f"{on}, beslut {d.number}", "varde": _joined(group, d.text)}
            for d, on, group in found
        ]
        return _section("Beslut i samverkansmöten", rows)

    def tasks(self) -> dict:
        tasks = self._all(select(Task).where(Task.youth_id == self.youth.id).order_by(Task.id))
        rows = [{"falt": t.title, "varde": _joined(t.created_at)} for t in tasks]
        return _section("Uppgifter för handläggarna", rows)


_PARTY_COLUMNS = {
    "socialtjansten": "social_services",
    "arbetsformedlingen": "arbetsformedlingen",
    "forsakringskassan": "forsakringskassan",
    "regionen": "regionen",
}
