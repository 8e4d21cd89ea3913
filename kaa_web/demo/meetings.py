"""The demo's collaboration meetings: three groups, adjusted minutes and a meeting coming up.

`build_group` and `plan_from_standing_items` are also the tests' builders (tests/factories.py),
so a test's group is made the way the demo's are."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

from sqlmodel import Session, select

from kaa_web.models.auth import StaffUser
from kaa_web.models.meetings import Meeting, MeetingGroup
from kaa_web.permissions import Actor
from kaa_web.services import meetings

DEMO_GROUPS = (
    (
        "Samverkansgruppen KAA",
        "samverkansgrupp",
        "terminsstart",
        "kaa",
        ("arbetsmarknad", "ifo"),
        (
            ("Genomgång av aktuella ungdomar", "ingen_sysselsattning"),
            ("Nya sedan förra mötet", "nya"),
            ("Uppföljning av handlingsplanen", ""),
            ("Statistik", ""),
        ),
    ),
    (
        "Arbetsgruppen för unga utan sysselsättning",
        "arbetsgrupp",
        "manadsvis",
        "kaa2",
        ("kaa", "arbetsmarknad", "ifo"),
        (("Försenade uppföljningar", "forsenad_uppfoljning"), ("Insatser och platser", "")),
    ),
    (
        "Ledningsgruppen för KAA",
        "ledningsgrupp",
        "en_gang_per_termin",
        "chef",
        ("kaa",),
        (("Uppföljning av handlingsplanen", ""), ("Årsrapporten", "")),
    ),
)


def build_group(
    db: Session,
    *,
    by: Actor,
    name: str,
    kind: str,
    frequency: str,
    convener_id: int,
    standing_items: Iterable[tuple[str, str]],
    members: Iterable[meetings.MemberData] = (),
) -> MeetingGroup:
    """A group as its manager sets it up: convener, standing items, then its members."""
    group = meetings.create_group(
        db,
        actor=by,
        name=name,
        kind=kind,
        frequency=frequency,
        convener_id=convener_id,
        standing_items=list(standing_items),
    )
    for data in members:
        meetings.add_member(db, actor=by, group_id=group.id, data=data)
    return group


def plan_from_standing_items(
    db: Session,
    *,
    by: Actor,
    group: MeetingGroup,
    on: date,
    starts_at: time,
    place: str,
    extra_items: list[meetings.ExtraItem] = (),
) -> Meeting:
    """A meeting of the group on `on` whose agenda is all the group's standing items."""
    return meetings.plan_meeting(
        db,
        actor=by,
        group_id=group.id,
        on=on,
        starts_at=starts_at,
        place=place,
        standing_item_ids=[s.id for s in meetings.agenda.standing_items_of(db, group.id)],
        extra_items=extra_items,
    )


def seed_meetings(db: Session) -> None:
    """Three groups; the samverkansgrupp has adjusted minutes and a meeting coming up."""
    from datetime import timedelta

    from kaa_web.models.base import local_today

    if db.exec(select(MeetingGroup.id)).first():
        return
    staff = {s.username: s for s in db.exec(select(StaffUser)).all()}
    if not {"chef", "kaa", "kaa2", "arbetsmarknad", "ifo"} <= set(staff):
        return
    chef = Actor(staff_id=staff["chef"].id, username="chef", roles=frozenset({"chef"}))
    groups = []
    for name, kind, frequency, convener, others, items in DEMO_GROUPS:
        group = build_group(
            db,
            by=chef,
            name=name,
            kind=kind,
            frequency=frequency,
            convener_id=staff[convener].id,
            standing_items=items,
            members=[meetings.MemberData(staff_id=staff[username].id) for username in others],
        )
        groups.append(group)
    main = groups[0]
    for data in (
        meetings.MemberData(name="Petra Exempelsdotter", organisation="arbetsformedlingen"),
        meetings.MemberData(
            name="Sam Fiktivsson", organisation="skola", organisation_name="Exempelgymnasiet"
        ),
    ):
        meetings.add_member(db, actor=chef, group_id=main.id, data=data)
    kaa = Actor(staff_id=staff["kaa"].id, username="kaa", roles=frozenset({"kaa"}))
    today = local_today()
    past = plan_from_standing_items(
        db,
        by=kaa,
        group=main,
        on=today - timedelta(days=60),
        starts_at=time(13, 0),
        place="Stadshuset, rum Ekbacken",
    )
    members = meetings.groups.members_of(db, main.id)
    meetings.record_attendance(
        db,
        actor=kaa,
        meeting_id=past.id,
        statuses={
            m.id: "anmalt_forhinder" if m.organisation == "skola" else "narvarande" for m in members
        },
    )
    agenda = meetings.agenda.agenda_of(db, past.id)
    meetings.record_notes(
        db,
        actor=kaa,
        meeting_id=past.id,
        item_id=agenda[2].id,
        notes="Handlingsplanen följdes upp. Uppsökande arbete under sommaren behöver förstärkas.",
    )
    meetings.record_decision(
        db,
        actor=kaa,
        meeting_id=past.id,
        item_id=agenda[2].id,
        text="Handlingsplanen revideras inför vårterminen.",
    )
    by_name = {m.name: m for m in members}
    done = meetings.add_action_point(
        db,
        actor=kaa,
        meeting_id=past.id,
        what="Sammanställa statistik per område",
        member_id=by_name[staff["kaa"].display_name].id,
        due=today - timedelta(days=30),
    )
    meetings.add_action_point(
        db,
        actor=kaa,
        meeting_id=past.id,
        what="Ta fram en gemensam rutin för överlämning till Arbetsförmedlingen",
        member_id=by_name[staff["arbetsmarknad"].display_name].id,
        due=today - timedelta(days=5),
    )
    meetings.complete_action_point(db, actor=kaa, action_point_id=done.id)
    meetings.adjust_minutes(db, actor=kaa, meeting_id=past.id, adjuster="Petra Exempelsdotter")
    meetings.generate_minutes(db, actor=kaa, meeting_id=past.id)
    upcoming = plan_from_standing_items(
        db,
        by=kaa,
        group=main,
        on=today + timedelta(days=10),
        starts_at=time(9, 30),
        place="Teams-länk skickas med kallelsen",
        extra_items=[meetings.ExtraItem("Sommarens uppsökande arbete", "Karin Berg", 15)],
    )
    meetings.generate_notice(db, actor=kaa, meeting_id=upcoming.id)
