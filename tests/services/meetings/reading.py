"""What the meeting service tests read back: agenda titles, a member by name, a document."""

import io

from docx import Document

from kaa_web.models.meetings import GroupMember
from kaa_web.services import meetings


def member_named(db, group, name) -> GroupMember:
    rows = meetings.groups.members_of(db, group.id, include_removed=True)
    return next(m for m in rows if m.name == name)


def remove_member_named(db, people, group, name):
    member = member_named(db, group, name)
    meetings.remove_member(db, actor=people["chef"], group_id=group.id, member_id=member.id)
    db.commit()
    return member


def agenda_titles(db, meeting):
    return [(i.position, i.title) for i in meetings.agenda.agenda_of(db, meeting.id)]


def docx_text(document) -> str:
    doc = Document(io.BytesIO(document.content))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)
