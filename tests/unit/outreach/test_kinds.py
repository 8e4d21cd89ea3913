"""The ladder's words (rules/outreach/kinds.py): step labels, and what a contact keeps."""

from kaa_web.rules.outreach import STEP_LABELS, contact_fields


def test_home_visit_label_says_two_people():
    assert STEP_LABELS["hembesok"] == "Hembesök (två personer)"


def test_step_labels_cover_every_kind_in_swedish():
    kinds = {
        "brev",
        "vykort",
        "kontakt",
        "besoksvykort",
        "hembesok",
        "skatteverket",
        "orosanmalan",
        "kartlaggning",
        "uppfoljning",
        "brev_20",
        "avregistrering",
    }
    assert set(STEP_LABELS) == kinds
    assert STEP_LABELS["kontakt"] == "Ring, sms:a eller mejla"
    assert STEP_LABELS["avregistrering"] == "Avregistrera (fyller 20)"


def test_a_contact_keeps_only_the_parts_of_its_kind():
    assert contact_fields("sms", "ej_nadd") == {"kind", "on", "note", "outcome"}
    assert contact_fields("telefon", "nadd", "studier") >= {"occupation", "study_kind", "study_end"}
    assert "planned_visit" in contact_fields("besoksvykort")
    assert "planned_visit" not in contact_fields("sms", "nadd", "arbete")
    assert contact_fields("hembesok", "ej_nadd") >= {"second_staff_id", "outcome"}
    assert "outcome" not in contact_fields("orosanmalan")
