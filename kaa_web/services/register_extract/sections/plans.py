"""The extract's sections from plans: the mapping, the plan, measures, referrals, consents and
concern reports."""

from __future__ import annotations

import json

from sqlmodel import select

from kaa_web.models.catalogue import Measure
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
from kaa_web.models.register import OCCUPATIONS, STUDY_KINDS
from kaa_web.services.register_extract.sections.reader import Reader
from kaa_web.services.register_extract.sections.shown import joined, labelled, section, shown

_PARTY_COLUMNS = {
    "socialtjansten": "social_services",
    "arbetsformedlingen": "arbetsformedlingen",
    "forsakringskassan": "forsakringskassan",
    "regionen": "regionen",
}


def mapping(extract: Reader) -> list[dict]:
    m = extract.db.exec(select(Mapping).where(Mapping.youth_id == extract.youth.id)).first()
    if m is None:
        return [section("Kartläggning", [])]
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
    revisions = extract.all(
        select(MappingRevision)
        .where(MappingRevision.mapping_id == m.id)
        .order_by(MappingRevision.version)
    )
    current = labelled(
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
            "varde": joined(r.saved_at, extract.staff.get(r.staff_id, "")),
        }
        for r in revisions
    ]
    return [section("Kartläggning", current), section("Kartläggningens versioner", history)]


def plan(extract: Reader) -> list[dict]:
    plan = extract.db.exec(select(Plan).where(Plan.youth_id == extract.youth.id)).first()
    revisions = (
        extract.all(
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
                "varde": joined(r.change, f"Mål: {goal}" if goal else ""),
            }
        )
    return [section("Individuell plan och dess revisioner", rows), measures(extract)]


def measures(extract: Reader) -> dict:
    catalogue = dict(extract.db.exec(select(Measure.id, Measure.name)).all())
    measures = extract.all(
        select(PlanMeasure)
        .where(PlanMeasure.youth_id == extract.youth.id)
        .order_by(PlanMeasure.start_on, PlanMeasure.id)
    )
    rows = []
    for m in measures:
        ended = (
            joined(f"avslutad {m.ended_on}", MEASURE_END_REASONS.get(m.end_reason or "", ""))
            if m.ended_on
            else "pågår"
        )
        responsible = RESPONSIBLE.get(m.responsible, m.responsible)
        rows.append(
            {
                "falt": m.title,
                "varde": joined(
                    catalogue.get(m.measure_id, ""),
                    f"{responsible} {m.responsible_actor}".strip(),
                    f"{m.start_on} – {shown(m.end_on)}",
                    ended,
                    OCCUPATIONS.get(m.occupation_after or "", ""),
                ),
            }
        )
    for d in extract.all(select(DeclinedOffer).where(DeclinedOffer.youth_id == extract.youth.id)):
        name = catalogue.get(d.measure_id, "")
        rows.append({"falt": name, "varde": f"Erbjuden och avböjd {d.on}"})
    return section("Insatser", rows)


def referrals(extract: Reader) -> dict:
    rows = []
    for r in extract.all(select(Referral).where(Referral.youth_id == extract.youth.id)):
        reports = extract.all(select(MonthlyReport).where(MonthlyReport.referral_id == r.id))
        received = [str(m.received_on) for m in reports if m.received_on]
        rows.append(
            {
                "falt": r.provider,
                "varde": joined(
                    f"skickat {r.sent_on}",
                    f"första kontakt senast {r.first_contact_due}",
                    f"första kontakt {r.first_contact_on}" if r.first_contact_on else "",
                    f"månadsrapporter {', '.join(received)}" if received else "",
                ),
            }
        )
    return section("Uppdrag till anordnare", rows)


def consents(extract: Reader) -> dict:
    rows = []
    for c in extract.all(select(Consent).where(Consent.youth_id == extract.youth.id)):
        parties = [
            name
            for code, name in CONSENT_PARTIES.items()
            if code != "skola" and getattr(c, _PARTY_COLUMNS[code])
        ] + ([c.school_name] if c.school_name else [])
        rows.append(
            {
                "falt": f"Givet {c.given_on}",
                "varde": joined(
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
    return section("Samtycken", rows)


def concern_reports(extract: Reader) -> dict:
    reports = extract.all(select(ConcernReport).where(ConcernReport.youth_id == extract.youth.id))
    rows = [{"falt": shown(r.on), "varde": joined("Till " + r.recipient)} for r in reports]
    return section("Orosanmälningar", rows)
