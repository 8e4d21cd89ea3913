"""The recording page's one form: drawn from the database or as posted, read into the
service's RecordData, and the service's refusal put back onto its fields."""

from contextlib import suppress
from dataclasses import dataclass

from kaa_web.forms import db_int, text_of
from kaa_web.forms.meetings import (
    ActionPointForm,
    AdjustForm,
    DecisionForm,
    NotesForm,
    RecordForm,
)
from kaa_web.services import meetings

NOT_SAVED = "Inget av det du skrev är sparat ännu. Det finns kvar på sidan."
ATTENDANCE_CHANGED = (
    "Närvaron ändrades av någon annan medan du hade sidan öppen. Kontrollera den och spara igen."
)
NOTES_CONFLICT = (
    "§ {position}: någon annan sparade anteckningar medan du skrev. Jämför med det som är "
    "sparat nu och spara igen: då ersätter din text den sparade."
)


def _statuses(formdata) -> dict[int, str]:
    """The attendance radios (narvaro-<member id>) of a posted form."""
    statuses = {}
    for key, value in formdata.items():
        if key.startswith("narvaro-"):
            with suppress(ValueError):  # not a member's id: not an attendance radio
                statuses[db_int(key.removeprefix("narvaro-"))] = value
    return statuses


@dataclass
class RecordForms:
    """The recording page's one form and its parts: from the database, or as posted."""

    record: RecordForm
    notes: dict[int, NotesForm]
    decisions: dict[int, DecisionForm]
    action: ActionPointForm
    adjust: AdjustForm
    attendance: dict[int, str]
    attendance_version: str

    def parts(self) -> list:
        return [*self.notes.values(), *self.decisions.values(), self.action, self.adjust]


def record_forms(saved: dict[int, str], items, formdata=None) -> RecordForms:
    """The forms of the agenda `items`, with the attendance `saved` unless posted."""
    posted = formdata is not None and "narvaro_version" in formdata
    return RecordForms(
        record=RecordForm(formdata=formdata),
        notes={
            item.id: NotesForm(
                prefix=f"punkt{item.id}",
                formdata=formdata,
                notes=item.notes,
                version=meetings.notes_version(item.notes),
            )
            for item in items
        },
        decisions={
            item.id: DecisionForm(prefix=f"beslut{item.id}", formdata=formdata) for item in items
        },
        action=ActionPointForm(formdata=formdata),
        adjust=AdjustForm(formdata=formdata),
        attendance=_statuses(formdata) if posted else saved,
        attendance_version=(formdata.get("narvaro_version") if posted else None)
        or meetings.attendance_version(saved),
    )


def record_data(forms: RecordForms, formdata) -> meetings.RecordData:
    """What the recording form holds; parts missing from the request are left alone."""
    return meetings.RecordData(
        attendance=forms.attendance if "narvaro_version" in formdata else None,
        attendance_version=forms.attendance_version,
        notes={
            item_id: (form.notes.data or "", form.version.data or None)
            for item_id, form in forms.notes.items()
            if form.notes.name in formdata
        },
        decisions={
            item_id: meetings.DecisionData(
                form.text.data or "", form.youth_id.data, text_of(form.personnummer)
            )
            for item_id, form in forms.decisions.items()
        },
        action=meetings.ActionData(
            text_of(forms.action.what), forms.action.member_id.data, forms.action.due.data
        ),
        done=formdata.get("klar", type=db_int),
        adjuster=text_of(forms.adjust.adjuster) if formdata.get("justera") else None,
    )


def unsaved_text(forms: RecordForms, items) -> str:
    """What was typed into a form that can no longer be saved, as one text to keep."""
    lines = []
    for item in items:
        notes = meetings.clean_notes(forms.notes[item.id].notes.data or "")
        if notes and notes != item.notes:
            lines.append(f"§ {item.position} {item.title}, anteckningar: {notes}")
        if decision := (forms.decisions[item.id].text.data or "").strip():
            lines.append(f"§ {item.position} {item.title}, beslut: {decision}")
    if what := text_of(forms.action.what):
        lines.append(f"Åtgärdspunkt: {what}")
    return "\n".join(lines)


def refused_errors(forms: RecordForms, refused: meetings.RecordRefused, items) -> list[str]:
    """The service's field errors onto the fields; the messages for the error summary."""
    fields = {f.name: f for form in forms.parts() for f in form}
    loose = [NOT_SAVED, *refused.messages]
    for name, message in refused.field_errors.items():
        if name in fields:
            fields[name].errors = [*fields[name].errors, message]
        else:
            loose.append(message)
    positions = {item.id: item.position for item in items}
    for key in refused.conflicts:
        if key == meetings.ATTENDANCE_CONFLICT:
            loose.append(ATTENDANCE_CHANGED)
        else:
            loose.append(NOTES_CONFLICT.format(position=positions[key]))
    return loose


def saved_message(result: meetings.RecordResult) -> str:
    decisions = " och ".join(str(n) for n in result.decisions)
    parts = [
        result.attendance and "Närvaron är sparad.",
        result.notes and "Anteckningarna är sparade.",
        len(result.decisions) == 1 and f"Beslut {decisions} är sparat.",
        len(result.decisions) > 1 and f"Besluten {decisions} är sparade.",
        result.done and "Åtgärdspunkten är markerad som klar.",
        result.action and "Åtgärdspunkten är sparad.",
        result.adjusted and "Protokollet är justerat och låst.",
    ]
    return " ".join(p for p in parts if p) or "Det fanns inget nytt att spara."


def record_anchor(formdata, items) -> str:
    """Where on the page the pressed button was (never anything but a known anchor)."""
    if formdata.get("justera"):
        return "justering"
    point = formdata.get("klar", type=db_int)
    anchors = {"narvaro", "atgarder", "justering"} | {f"punkt-{item.id}" for item in items}
    anchors |= {f"klar-{i.action_point_id}" for i in items if i.action_point_id}
    by_point = {f"klar-{i.action_point_id}": f"punkt-{i.id}" for i in items if i.action_point_id}
    wanted = f"klar-{point}" if point else formdata.get("spara", "")
    return by_point.get(wanted, wanted) if wanted in anchors else "dagordning"
