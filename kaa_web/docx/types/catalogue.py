"""The catalogue of document types: code, Swedish name, description, template file, variables."""

from __future__ import annotations

from datetime import date

from kaa_web.docx.types.shape import DocumentType, Variable
from kaa_web.docx.types.variables import (
    ACTION_PLAN,
    ACTION_PLAN_REVIEW,
    LETTER,
    MEETING_LETTER,
    MINUTES,
    READ_LOG,
    REGISTER_EXTRACT,
    REPORT,
    YOUTH_ADDRESS,
    YOUTH_CONTACT,
    letter_to,
)

DOCUMENT_TYPES: dict[str, DocumentType] = {
    t.code: t
    for t in (
        DocumentType(
            "brev_ungdom",
            "Brev till ungdom",
            "Erbjudande om vägledning och information om KAA, till ungdomen själv.",
            "brev_ungdom.docx",
            LETTER,
        ),
        DocumentType(
            "brev_vardnadshavare",
            "Brev till vårdnadshavare",
            "Samma erbjudande till vårdnadshavarna när ungdomen är under 18 år.",
            "brev_vardnadshavare.docx",
            letter_to("Vårdnadshavare till Alex Andersson", "Storgatan 1 B lgh 1102"),
        ),
        DocumentType(
            "vykort",
            "Vykort",
            "Påminnelse med samma budskap när brevet inte har fått svar efter en månad.",
            "vykort.docx",
            LETTER,
        ),
        DocumentType(
            "besoksvykort",
            "Besöksvykort (knackakort)",
            "Meddelar ett hembesök med datum och tid.",
            "besoksvykort.docx",
            LETTER
            + (
                Variable("besok.datum", "Datum för hembesöket", date(2026, 12, 7)),
                Variable("besok.tid", "Tid för hembesöket", "kl. 16.00–17.00"),
            ),
        ),
        DocumentType(
            "brev_fore_20",
            "Brev inför 20 år",
            "Skickas ungefär ett halvår innan ungdomen fyller 20 och KAA upphör.",
            "brev_fore_20.docx",
            LETTER
            + (Variable("ungdom.fyller_20", "Datum då ungdomen fyller 20 år", date(2027, 5, 1)),),
        ),
        DocumentType(
            "kvitto_skolanmalan",
            "Kvitto på skolanmälan",
            "Bekräftar för skolan att dess anmälan har kommit in till KAA.",
            "kvitto_skolanmalan.docx",
            letter_to("Exempelgymnasiet, studie- och yrkesvägledaren", "Skolvägen 3")
            + (
                Variable("anmalan.typ", "Typ av anmälan", "Studieavbrott"),
                Variable("anmalan.skola", "Skolenheten som anmälde", "Exempelgymnasiet"),
                Variable("anmalan.inkom", "Datum då anmälan kom in", date(2026, 11, 20)),
                Variable("anmalan.referens", "Anmälans referensnummer", "SA-2026-00042"),
            ),
        ),
        DocumentType(
            "uppdrag",
            "Uppdrag till anordnare",
            "Uppdrag (remiss) till en anordnare av en insats.",
            "uppdrag.docx",
            letter_to("Exempel Arbetsträning AB", "Verkstadsgatan 12")
            + YOUTH_CONTACT
            + (
                Variable("uppdrag.insats", "Insatsen som beställs", "Studieförberedande praktik"),
                Variable(
                    "uppdrag.mal",
                    "Målet med insatsen",
                    "Prova på ett yrke och bli motiverad att börja studera igen.",
                ),
                Variable("uppdrag.start", "När insatsen kan börja", date(2026, 12, 1)),
                Variable("uppdrag.slut", "När insatsen planeras sluta", date(2027, 5, 31)),
                Variable(
                    "uppdrag.forsta_kontakt_senast",
                    "Senaste dag för anordnarens första kontakt (dagarna i insatskatalogen)",
                    date(2026, 12, 7),
                ),
                Variable(
                    "uppdrag.manadsrapporter",
                    "Ja om anordnaren ska lämna en rapport varje månad, annars tomt",
                    "Ja",
                ),
            ),
        ),
        DocumentType(
            "orosanmalan",
            "Orosanmälan (utkast)",
            "Utkast till orosanmälan till socialtjänsten. Oron beskrivs utanför systemet.",
            "orosanmalan.docx",
            letter_to("Socialtjänsten, mottagningsenheten", "Box 2")
            + YOUTH_CONTACT
            + YOUTH_ADDRESS,
        ),
        DocumentType(
            "individuell_plan",
            "Individuell plan",
            "Ungdomens individuella plan: mål, insatser med ansvar och datum, uppföljning.",
            "individuell_plan.docx",
            LETTER
            + YOUTH_CONTACT
            + (
                Variable(
                    "plan.mal",
                    "Planeringen och målet med insatserna",
                    "Börja studera på Komvux till hösten och prova ett yrke under våren.",
                ),
                Variable("plan.overenskommen", "Datum då planen kom överens", date(2026, 11, 23)),
                Variable("plan.revision", "Planens revision (nummer)", 2),
                Variable("plan.uppfoljning", "Datum för uppföljning", date(2027, 1, 15)),
                Variable("plan.utvardering", "Datum för utvärdering", date(2027, 5, 31)),
                Variable(
                    "plan.insatser",
                    "Insatserna: namn, ansvarig, start, slut, avslutad och orsak",
                    [
                        {
                            "namn": "Studieförberedande praktik",
                            "insats_i_katalogen": "Studieförberedande praktik",
                            "ansvarig": "Annan aktör (Kommunens arbetsmarknadsenhet)",
                            "start": date(2026, 12, 1),
                            "slut": date(2027, 5, 31),
                            "avslutad": None,
                            "orsak": "",
                        },
                        {
                            "namn": "Söka till Komvux",
                            "insats_i_katalogen": "",
                            "ansvarig": "Ungdomen",
                            "start": date(2026, 12, 1),
                            "slut": date(2027, 3, 15),
                            "avslutad": None,
                            "orsak": "",
                        },
                    ],
                ),
            ),
        ),
        DocumentType(
            "registerutdrag",
            "Registerutdrag",
            "Allt registret innehåller om en ungdom, till ungdomen (GDPR artikel 15).",
            "registerutdrag.docx",
            REGISTER_EXTRACT,
        ),
        DocumentType(
            "atkomstlogg",
            "Läslogg för dataskyddsombudet",
            "Vilka i personalen som har läst en ungdoms uppgifter och när; stannar inom kommunen.",
            "atkomstlogg.docx",
            READ_LOG,
        ),
        DocumentType(
            "kallelse",
            "Kallelse med dagordning",
            "Kallelse till ett möte i en samverkansgrupp, med dagordning och deltagare.",
            "kallelse.docx",
            MEETING_LETTER,
        ),
        DocumentType(
            "protokoll",
            "Mötesprotokoll",
            "Protokoll: närvaro, anteckningar och beslut per punkt, åtgärdslista och justering.",
            "protokoll.docx",
            MEETING_LETTER + MINUTES,
        ),
        DocumentType(
            "namndrapport",
            "Nämndrapport",
            "Tertial-, halvårs- eller årsrapport till nämnden: siffror, diagram och analys.",
            "namndrapport.docx",
            REPORT,
        ),
        DocumentType(
            "handlingsplan",
            "Handlingsplan",
            "Den antagna handlingsplanen: beslutet, avsnitten, målen med utfall och diagram.",
            "handlingsplan.docx",
            ACTION_PLAN,
        ),
        DocumentType(
            "handlingsplan_uppfoljning",
            "Uppföljning av handlingsplan",
            "Årlig uppföljning: mål mot utfall, samverkan, rutiner, självskattning och slutsatser.",
            "handlingsplan_uppfoljning.docx",
            ACTION_PLAN_REVIEW,
        ),
    )
}


def get_type(code: str) -> DocumentType:
    """The document type with this code; KeyError for an unknown one."""
    return DOCUMENT_TYPES[code]
