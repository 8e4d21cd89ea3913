"""Fixtures shared by the meeting page tests: chef and a group with one planned meeting."""

from datetime import time, timedelta

import pytest

from kaa_web.models.base import local_today
from kaa_web.permissions import Actor
from kaa_web.services import meetings

TODAY = local_today()


@pytest.fixture
def chef(staff):
    return Actor(staff_id=staff["chef"].id, username="chef", roles=frozenset({"chef"}))


@pytest.fixture
def samverkansgrupp(db_session, staff, chef):
    """Convened by kaa; ifo, Petra from Arbetsförmedlingen and kaa2 are members."""
    group = meetings.create_group(
        db_session,
        actor=chef,
        name="Samverkansgruppen KAA",
        kind="samverkansgrupp",
        frequency="terminsstart",
        convener_id=staff["kaa"].id,
        standing_items=[("Genomgång av aktuella ungdomar", "ingen_sysselsattning")],
    )
    for data in (
        meetings.MemberData(staff_id=staff["ifo"].id),
        meetings.MemberData(name="Petra Af", organisation="arbetsformedlingen"),
        meetings.MemberData(staff_id=staff["kaa2"].id),
    ):
        meetings.add_member(db_session, actor=chef, group_id=group.id, data=data)
    db_session.commit()
    return group


@pytest.fixture
def setup(db_session, staff, samverkansgrupp):
    """The group with one planned meeting: (group, meeting, the convener kaa)."""
    kaa = Actor(staff_id=staff["kaa"].id, username="kaa", roles=frozenset({"kaa"}))
    standing = meetings.standing_items_of(db_session, samverkansgrupp.id)
    meeting = meetings.plan_meeting(
        db_session,
        actor=kaa,
        group_id=samverkansgrupp.id,
        on=TODAY + timedelta(days=3),
        starts_at=time(13, 0),
        place="Rum Ekbacken",
        standing_item_ids=[s.id for s in standing],
    )
    db_session.commit()
    return samverkansgrupp, meeting, kaa


class RecordingPage:
    """The recording page's one form as a browser without JavaScript sends it: every field
    tied to the form (form="protokoll") as rendered, with a pressed button's name and value."""

    def __init__(self, client, meeting_id: int):
        self.client = client
        self.url = f"/samverkan/moten/{meeting_id}/protokollfor"
        self.reload()

    def reload(self):
        response = self.client.get(self.url)
        assert response.status_code == 200
        self.html = response.get_data(as_text=True)
        self.fields = form_fields(self.html, "protokoll")
        return self

    def submit(self, changes: dict | None = None, button=("spara", "narvaro")):
        data = {**self.fields, **(changes or {})}
        if button:
            data[button[0]] = button[1]
        return self.client.post(self.url, data=data)


def form_fields(html: str, form_id: str) -> dict[str, str]:
    """What a browser would send for the form `form_id` (without any button)."""
    import lxml.html

    document = lxml.html.fromstring(html)
    form = document.get_element_by_id(form_id)
    tied = document.xpath(f'//*[@form="{form_id}"]')
    fields = {}
    for element in [*form.iter("input", "textarea", "select"), *tied]:
        name, kind = element.get("name"), element.get("type", "")
        if not name or element.tag == "button" or kind == "submit":
            continue
        if kind in ("radio", "checkbox"):
            if element.get("checked") is not None:
                fields[name] = element.get("value", "on")
        elif element.tag == "textarea":
            fields[name] = (element.text or "").removeprefix("\r\n").removeprefix("\n")
        elif element.tag == "select":
            chosen = element.xpath("./option[@selected]") or element.xpath("./option")
            fields[name] = chosen[0].get("value", "") if chosen else ""
        else:
            fields[name] = element.get("value", "")
    return fields


@pytest.fixture
def recording(login_as):
    """recording(meeting, as_="kaa"): the recording page of a convener, ready to submit."""

    def _open(meeting, as_="kaa", client=None):
        return RecordingPage(client or login_as(as_), meeting.id)

    return _open
