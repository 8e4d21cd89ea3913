"""Fixtures shared by the page tests: the demo schools; for meetings, chef and a group with one
planned meeting."""

import pytest
from sqlmodel import select

from kaa_web.demo import seed_schools
from kaa_web.models.base import local_today
from kaa_web.models.school_reports import SchoolUnit
from tests import factories
from tests.pages import form_fields

TODAY = local_today()


@pytest.fixture
def schools(db_session, staff):
    """The two demo schools (Exempelgymnasiet for "skola", Fiktiva Friskolan for "skola2")."""
    seed_schools(db_session)
    db_session.commit()
    return {u.code: u for u in db_session.exec(select(SchoolUnit)).all()}


@pytest.fixture
def chef(staff):
    return factories.actor("chef", staff)


@pytest.fixture
def samverkansgrupp(db_session, staff):
    """Convened by kaa; ifo, Petra from Arbetsförmedlingen and kaa2 are members."""
    group = factories.group(
        db_session, staff, members=("ifo", ("Petra Af", "arbetsformedlingen"), "kaa2")
    )
    return group


@pytest.fixture
def planned(db_session, staff, samverkansgrupp):
    """The group with one planned meeting in three days: (group, meeting, the convener kaa)."""
    meeting = factories.planned_meeting(db_session, samverkansgrupp)
    return samverkansgrupp, meeting, factories.actor("kaa", staff)


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


@pytest.fixture
def recording(login_as):
    """recording(meeting, as_="kaa"): the recording page of a convener, ready to submit."""

    def _open(meeting, as_="kaa", client=None):
        return RecordingPage(client or login_as(as_), meeting.id)

    return _open
