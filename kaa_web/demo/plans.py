"""The demo's plans: the measures catalogue, and mappings, plans, referrals and consents."""

from __future__ import annotations

from sqlmodel import Session, select

from kaa_web.models.auth import StaffUser

# Clearly fictitious goals and consents for the demo's plans (no sensitive data).
DEMO_GOALS = (
    "Börja på Komvux till hösten och läsa in svenska och matematik.",
    "Prova på lagerarbete under våren och därefter söka ett introduktionsprogram.",
    "Hitta ett extrajobb och samtidigt gå en studiemotiverande kurs på folkhögskola.",
)


def seed_plans(db: Session) -> None:
    """The measures catalogue, and mappings, plans, referrals and consents for a few reached."""
    from datetime import timedelta

    from kaa_web.models.base import local_today
    from kaa_web.models.plans import Plan
    from kaa_web.models.register import Youth
    from kaa_web.permissions import Actor
    from kaa_web.rules import personnummer as pnr
    from kaa_web.services import catalogue as measures_catalogue
    from kaa_web.services import consents
    from kaa_web.services.plans import mapping, measures, plan, referrals

    measures_catalogue.seed_measures(db)
    db.flush()
    if db.exec(select(Plan.id)).first():
        return
    officer = db.exec(select(StaffUser).where(StaffUser.username == "kaa")).first()
    if officer is None:
        return
    actor = Actor(staff_id=officer.id, username=officer.username, roles=frozenset({"kaa"}))
    catalogue = {m.name: m for m in measures_catalogue.list_measures(db)}
    today = local_today()
    reached = db.exec(
        select(Youth).where(Youth.reached_on.is_not(None)).order_by(Youth.id).limit(6)
    ).all()
    for n, youth in enumerate(reached):
        start = max(youth.reached_on, today - timedelta(days=30))
        mapping.save_mapping(
            db,
            actor=actor,
            youth=youth,
            data=mapping.MappingData(
                on=youth.reached_on,
                occupation=youth.occupation,
                study_kind=(youth.study_kind or "komvux")
                if youth.occupation == "studier"
                else None,
                last_school="Exempelgymnasiet",
                programme="Fiktiva programmet",
                school_ending="avbrott",
                eligible=n % 2 == 0,
                goals=DEMO_GOALS[n % len(DEMO_GOALS)],
                agencies=frozenset({"arbetsformedlingen", "socialtjansten"} if n % 3 == 0 else ()),
            ),
        )
        plan.save_plan(
            db,
            actor=actor,
            youth=youth,
            data=plan.PlanData(
                goal=DEMO_GOALS[n % len(DEMO_GOALS)],
                agreed_on=start,
                follow_up_on=today + timedelta(days=7 + n * 3),
                evaluation_on=today + timedelta(days=90),
            ),
        )
        measure = catalogue["Hälsoträdgården" if n % 2 else "MIA VärNa"]
        row = measures.add_plan_measure(
            db,
            actor=actor,
            youth=youth,
            data=measures.PlanMeasureData(
                title="",
                responsible="annan",
                start_on=start,
                agreed_on=start,
                measure_id=measure.id,
                end_on=start + timedelta(days=120),
            ),
        )
        measures.add_plan_measure(
            db,
            actor=actor,
            youth=youth,
            data=measures.PlanMeasureData(
                title="Besöka Komvux öppet hus",
                responsible="ungdomen",
                start_on=start,
                agreed_on=start,
                end_on=start + timedelta(days=30),
            ),
        )
        referrals.make_referral(db, actor=actor, youth=youth, plan_measure_id=row.id, sent_on=start)
        if n % 3 == 0:
            adult = pnr.age_on(youth.birth_date, start) >= 18
            consents.record_consent(
                db,
                actor=actor,
                youth=youth,
                data=consents.ConsentData(
                    given_by="ungdomen" if adult else "vardnadshavare",
                    guardian_name="" if adult else "Vårdnadshavare Exempelsson",
                    parties=frozenset({"socialtjansten", "arbetsformedlingen"}),
                    purpose="Samordna stödet inför studiestart (demodata).",
                    given_on=start,
                    form="skriftligt",
                    expires_on=today + timedelta(days=180),
                ),
            )
