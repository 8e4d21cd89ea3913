"""The ladder's words: which contacts are mailed or direct, what reaches a person, the steps'
labels, and which parts of a recorded contact apply to its kind."""

from __future__ import annotations

MAILED_KINDS = frozenset({"brev", "vykort", "besoksvykort"})
DIRECT_KINDS = frozenset(
    {"telefon", "sms", "epost", "sociala_medier", "hembesok", "besok_kontoret"}
)
CONTACT_KINDS = MAILED_KINDS | DIRECT_KINDS
REACHED_OUTCOMES = frozenset({"nadd", "avbojer"})
# Documented work that cannot happen without the young person: each counts as reaching them.
DOCUMENTED_KINDS = frozenset({"kartlaggning", "plan"})

STEP_LABELS: dict[str, str] = {
    "brev": "Skicka brev",
    "vykort": "Skicka vykort",
    "kontakt": "Ring, sms:a eller mejla",
    "besoksvykort": "Skicka besöksvykort",
    "hembesok": "Hembesök (två personer)",
    "skatteverket": "Anmäl till Skatteverket",
    "orosanmalan": "Gör orosanmälan",
    "kartlaggning": "Gör kartläggning",
    "uppfoljning": "Följ upp",
    "brev_20": "Skicka brev inför 20 år",
    "avregistrering": "Avregistrera (fyller 20)",
}


def contact_fields(
    kind: str, outcome: str | None = None, occupation: str | None = None
) -> frozenset[str]:
    """The parts of a recorded contact that apply to its kind (the rest are never stored).

    An outcome for every channel and for a mapping; what they do now only when reached;
    the kind of studies only for studies; a planned visit for a visit card; the second
    person for a home visit.
    """
    fields = {"kind", "on", "note"}
    if kind in CONTACT_KINDS or kind == "kartlaggning":
        fields.add("outcome")
        if outcome == "nadd":
            fields.add("occupation")
            if occupation == "studier":
                fields |= {"study_kind", "study_end"}
    if kind == "besoksvykort":
        fields |= {"planned_visit", "planned_time"}
    if kind == "hembesok":
        fields.add("second_staff_id")
    return frozenset(fields)
