"""Nämnd reports: the manager's texts kept as a draft, and the Word document made from the
period's protected figures, charts, SKR's questions the data answers and the definitions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.docx.render import WideImage
from kaa_web.models.base import LOCAL_TZ, utcnow
from kaa_web.models.documents import GeneratedDocument
from kaa_web.models.statistics import REPORT_KINDS, NamndReport
from kaa_web.permissions import Actor
from kaa_web.rules.report_periods import ReportPeriod, named_period
from kaa_web.services import documents
from kaa_web.services.errors import EditConflict, NotFound
from kaa_web.services.statistics import charts
from kaa_web.services.statistics.definitions import FIGURES, SECTIONS
from kaa_web.services.statistics.page import FigureView, figure_views

TEXT_PARTS = ("analys", "utveckling")
MAX_TEXT = 4000


@dataclass(frozen=True)
class ReportTexts:
    """{section key: {"analys": str, "utveckling": str}}"""

    by_section: dict

    def get(self, section: str, part: str) -> str:
        return self.by_section.get(section, {}).get(part, "")


def period_of(report: NamndReport) -> ReportPeriod:
    return named_period(report.kind, report.year)


def title_of(report: NamndReport) -> str:
    return f"{REPORT_KINDS[report.kind]} {report.year}"


def texts_of(report: NamndReport) -> ReportTexts:
    return ReportTexts(json.loads(report.texts or "{}"))


def list_reports(db: Session, *, actor: Actor) -> list[NamndReport]:
    actor.need("statistics.report")
    statement = select(NamndReport).order_by(NamndReport.year.desc(), NamndReport.kind)
    return list(db.exec(statement).all())


def get_report(db: Session, *, actor: Actor, report_id: int) -> NamndReport:
    actor.need("statistics.report")
    report = db.get(NamndReport, report_id)
    if report is None:
        raise audit.record_denied(db, actor, object_type="statistics_report", object_id=report_id)
    return report


def open_report(db: Session, *, actor: Actor, kind: str, year: int) -> NamndReport:
    """The period's report, begun as an empty draft the first time (a second click opens it)."""
    actor.need("statistics.report")
    if kind not in REPORT_KINDS:
        raise ValueError(f"unknown report kind {kind!r}")
    found = db.exec(
        select(NamndReport).where(NamndReport.kind == kind, NamndReport.year == year)
    ).first()
    if found:
        return found
    report = NamndReport(kind=kind, year=year, created_by=actor.username)
    db.add(report)
    db.flush()
    audit.record(db, actor, "create", object_type="statistics_report", object_id=report.id)
    return report


def save_texts(
    db: Session, *, actor: Actor, report: NamndReport, texts: dict, version: int
) -> NamndReport:
    """Keep the manager's texts as the draft; EditConflict if someone saved in between."""
    actor.need("statistics.report")
    if report.version != version:
        raise EditConflict(report)
    clean = {
        section: {
            part: (texts.get(section, {}).get(part) or "").strip()[:MAX_TEXT] for part in TEXT_PARTS
        }
        for section in SECTIONS
    }
    report.texts = json.dumps(clean, ensure_ascii=False)
    report.version += 1
    report.updated_at = utcnow()
    db.add(report)
    audit.record(db, actor, "update", object_type="statistics_report", object_id=report.id)
    return report


def _figures(views: tuple[FigureView, ...]) -> list[dict]:
    return [
        {"namn": v.figure.name, "perioden": v.headline, "aret_innan": v.earlier_headline}
        for v in views
    ]


def _charts(views: tuple[FigureView, ...], period: ReportPeriod) -> list[dict]:
    made = []
    for view in views:
        if view.charted:
            chart = charts.chart_of(view, period.label)
            made.append(
                {"bild": WideImage(charts.render(chart, "png")), "beskrivning": chart.description}
            )
    return made


def _skr_answers(views: dict[str, FigureView]) -> list[dict]:
    """SKR's questions for politicians (Kommunernas aktivitetsansvar, seed 000) that the
    register answers."""

    def h(key):
        return views[key].headline

    return [
        {
            "fraga": "Hur många ungdomar i kommunen omfattas av det kommunala aktivitetsansvaret?",
            "svar": f"{h('omfattade')} under perioden, {h('omfattade_slut')} vid periodens slut "
            f"({h('nya')} nya registreringar).",
        },
        {
            "fraga": "Vilken information har kommunen om ungdomarna (till exempel andel med "
            "studiebevis och hur länge de omfattas av aktivitetsansvaret)?",
            "svar": f"Andel med studiebevis: {h('studiebevis')}. Tid i KAA för dem som "
            f"avregistrerades: median {h('tid_i_kaa')} dagar. Kartlagda: "
            f"{h('kartlagda')}; med individuell plan: {h('med_plan')}.",
        },
        {
            "fraga": "Hur väl möter insatserna behoven hos ungdomarna inom aktivitetsansvaret?",
            "svar": f"Sökta: {h('sokta')}, nådda: {h('nadda')}. Andel som gick till studier "
            f"eller arbete efter en avslutad insats: {h('ater_studier_arbete')}.",
        },
    ]


def _quiet(phase: str) -> None:
    """No one follows the progress."""


def report_context(
    db: Session, report: NamndReport, limit: int, made: datetime, progress=_quiet
) -> dict:
    """The plain data the template fills in: figures protected under `limit`; `progress` is
    told each phase as it begins."""
    period = period_of(report)
    earlier = period.year_earlier()
    texts = texts_of(report)
    sections = figure_views(db, period, "hela", limit)
    views = {v.figure.key: v for _, section in sections for v in section}
    progress("Ritar diagrammen")
    avsnitt = [
        {
            "rubrik": name,
            "siffror": _figures(section),
            "diagram": _charts(section, period),
            "analys": texts.get(key, "analys"),
            "utveckling": texts.get(key, "utveckling"),
        }
        for (key, _), (name, section) in zip(SECTIONS.items(), sections, strict=True)
    ]
    return {
        "rapport": {
            "rubrik": title_of(report),
            "period": f"{period.start.isoformat()} – {period.end.isoformat()}",
            "jamforelse": f"{earlier.start.isoformat()} – {earlier.end.isoformat()}",
            "hamtad": made.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M"),
            "smatal": f"Antal under {limit} visas som <{limit}; ”dolt” där en summa annars "
            "skulle avslöja ett dolt antal. Andelar och medianer döljs då också.",
        },
        "avsnitt": avsnitt,
        "skr": _skr_answers(views),
        "definitioner": [{"namn": f.name, "text": f.definition} for f in FIGURES.values()],
    }


def generate_report(
    db: Session, *, actor: Actor, report: NamndReport, limit: int, progress=_quiet
) -> GeneratedDocument:
    """Render the report from its draft texts and store it with what it was made from (the
    caller commits; on the job runner: kaa_web.services.statistics.report_job)."""
    actor.need("statistics.report")
    made = utcnow()
    context = report_context(db, report, limit, made, progress)
    progress("Skapar Word-dokumentet")
    name = f"namndrapport_{report.kind}_{report.year}.docx"
    document = documents.generate_statistics_report(
        db, actor=actor, context=context, file_name=name
    )
    period = period_of(report)
    report.document_id, report.data_at, report.generated_by = document.id, made, actor.username
    report.period_start, report.period_end = period.start, period.end
    report.settings = f"KAA_STATS_MIN_CELL={limit}"
    db.add(report)
    return document


def report_document(db: Session, *, actor: Actor, report_id: int) -> GeneratedDocument:
    """The report's latest document, for those who make reports; the download is logged."""
    report = get_report(db, actor=actor, report_id=report_id)
    document = db.get(GeneratedDocument, report.document_id) if report.document_id else None
    if document is None:
        raise NotFound("statistics_report")
    audit.record(db, actor, "export", object_type="statistics_report", object_id=report.id)
    return document
