"""Forms of school reports: the shared parts (`report`), the four kinds (`kinds`), the inbox's
(`inbox`) and admin's (`units`: school units and help texts)."""

from kaa_web.forms.school_reports.inbox import InboxFilterForm, OtherMunicipalityForm, StatusForm
from kaa_web.forms.school_reports.kinds import FORMS
from kaa_web.forms.school_reports.units import HelpTextForm, SchoolUnitForm

__all__ = [
    "FORMS",
    "HelpTextForm",
    "InboxFilterForm",
    "OtherMunicipalityForm",
    "SchoolUnitForm",
    "StatusForm",
]
