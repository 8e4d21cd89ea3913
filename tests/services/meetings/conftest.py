"""Fixtures of the meeting service tests beyond tests/services/conftest.py."""

import pytest

from kaa_web.services import meetings


@pytest.fixture
def kaa2_in_group(group, db_session, staff, people):
    """The shared group (kaa convenes; ifo and Petra from Arbetsförmedlingen) plus kaa2, a KAA
    officer who is a member but not its convener."""
    data = meetings.MemberData(staff_id=staff["kaa2"].id)
    meetings.add_member(db_session, actor=people["chef"], group_id=group.id, data=data)
    db_session.commit()
    return group
