"""The KAA register: people, their registration periods, the list, and register extracts.

The sub-features live in their own modules (person, periods, editing, listing, extract,
importing); what the rest of the app calls is named here so `register.get_youth` keeps
meaning one thing."""

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
    get_youth,
    guardians_of,
    name_key,
    new_youth,
    person_timeline,
    record_view,
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
    "get_youth",
    "guardians_of",
    "list_youth",
    "name_key",
    "new_youth",
    "periods_of",
    "person_timeline",
    "record_view",
    "register_again",
    "register_youth",
    "save_view",
    "saved_views",
    "shown_filters",
    "update_youth",
]
