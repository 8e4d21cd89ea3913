"""Collaboration groups and their meetings (/samverkan/…): groups and their settings,
planning, the meeting and its recording, documents; one module each on one blueprint."""

from kaa_web.views.meetings import documents, group_settings, groups, planning, recording
from kaa_web.views.meetings.blueprint import bp

__all__ = ["bp", "documents", "group_settings", "groups", "planning", "recording"]
