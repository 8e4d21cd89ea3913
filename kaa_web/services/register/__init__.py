"""The KAA register: people, their registration periods, the list, and register extracts.

The sub-features live in their own modules (person, periods, editing, listing, extract,
importing); what the rest of the app calls is named here. A person is loaded by
`access.get_youth`, the one loader."""

from kaa_web.services.register.editing import (
    ADDRESS,
    EDITABLE,
    FIELD_LABELS,
    PERIOD_FIELDS,
    GuardianData,
    YouthData,
    assign_officer,
    register_youth,
    update_youth,
)
from kaa_web.services.register.listing import (
    ListFilter,
    delete_saved_view,
    export_rows,
    filtered_ids,
    list_youth,
    save_view,
    saved_views,
    shown_filters,
)
from kaa_web.services.register.periods import (
    RETURNING,
    current_period,
    deregister_turned_20,
    deregister_youth,
    periods_of,
    register_again,
)
from kaa_web.services.register.person import (
    districts,
    guardians_of,
    name_key,
    new_youth,
    person_timeline,
)

__all__ = [
    "ADDRESS",
    "EDITABLE",
    "FIELD_LABELS",
    "PERIOD_FIELDS",
    "RETURNING",
    "GuardianData",
    "ListFilter",
    "YouthData",
    "assign_officer",
    "current_period",
    "delete_saved_view",
    "deregister_turned_20",
    "deregister_youth",
    "districts",
    "export_rows",
    "filtered_ids",
    "guardians_of",
    "list_youth",
    "name_key",
    "new_youth",
    "periods_of",
    "person_timeline",
    "register_again",
    "register_youth",
    "save_view",
    "saved_views",
    "shown_filters",
    "update_youth",
]
