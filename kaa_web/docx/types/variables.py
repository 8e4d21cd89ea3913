"""The variables documents share, as groups: letterhead, sender, recipient, young person,
meeting, minutes, the nämnd report, the register extract and the read log."""

from __future__ import annotations

import base64
from datetime import date

from kaa_web.docx.types.shape import Variable

# A 4x2-pixel PNG standing in for a logo in test renders.
EXAMPLE_LOGO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAACCAIAAADwyuo0AAAAD0lEQVR4nGNgCJqMQMgcAFiKBykC3NfXAAAAAElFTkSuQmCC"
)


LETTERHEAD = (
    Variable("kommun.namn", "Kommunens namn", "Exempelkommun"),
    Variable("kommun.logotyp", "Kommunens logotyp (bild, kan saknas)", EXAMPLE_LOGO),
    Variable("kommun.adress", "Kommunens postadress", "Box 1, 123 45 Exempelstad"),
    Variable("kommun.telefon", "Kommunens växelnummer", "010-123 45 00"),
    Variable("kommun.webb", "Kommunens webbplats", "www.exempelkommun.se"),
    Variable(
        "kommun.kaa_kontakt",
        "Hur man når KAA (telefon, e-post)",
        "KAA-teamet, 010-123 45 67, kaa@exempelkommun.se",
    ),
)


SENDER = (
    Variable("datum", "Dagens datum (brevets datum)", date(2026, 11, 23)),
    Variable("handlaggare.namn", "Handläggarens namn", "Kim Exempelsson"),
    Variable("handlaggare.telefon", "Handläggarens telefon", "010-123 45 68"),
    Variable("handlaggare.epost", "Handläggarens e-post", "kim.exempelsson@exempelkommun.se"),
)


def recipient(name: str = "Alex Andersson", street: str = "Storgatan 1 B lgh 1102") -> tuple:
    """The address block; the examples show who the recipient of that type usually is (with no
    street, as for a meeting's participants, there is no address at all)."""
    return (
        Variable("mottagare.namn", "Mottagarens namn", name),
        Variable("mottagare.utdelningsadress", "Mottagarens gatuadress", street),
        Variable("mottagare.postnummer", "Mottagarens postnummer", "123 45" if street else ""),
        Variable("mottagare.postort", "Mottagarens postort", "Exempelstad" if street else ""),
    )


YOUTH_NAME = (
    Variable("ungdom.fornamn", "Ungdomens förnamn", "Alex"),
    Variable("ungdom.efternamn", "Ungdomens efternamn", "Andersson"),
)


YOUTH_CONTACT = (
    Variable("ungdom.personnummer", "Ungdomens personnummer", "20080101-0000"),
    Variable("ungdom.telefon", "Ungdomens telefon", "070-000 00 00"),
    Variable("ungdom.epost", "Ungdomens e-post", "alex@example.se"),
)


YOUTH_ADDRESS = (
    Variable("ungdom.utdelningsadress", "Ungdomens gatuadress", "Storgatan 1 B lgh 1102"),
    Variable("ungdom.postnummer", "Ungdomens postnummer", "123 45"),
    Variable("ungdom.postort", "Ungdomens postort", "Exempelstad"),
)


LETTER = LETTERHEAD + SENDER + recipient() + YOUTH_NAME


def letter_to(name: str, street: str) -> tuple:
    return LETTERHEAD + SENDER + recipient(name, street) + YOUTH_NAME


MEETING = (
    Variable("motet.grupp", "Gruppens namn", "Samverkansgruppen KAA"),
    Variable("motet.datum", "Mötets datum", date(2027, 1, 14)),
    Variable("motet.tid", "Mötets starttid", "13.00"),
    Variable("motet.plats", "Plats eller länk", "Rum Ekbacken, Stadshuset"),
    Variable("motet.sammankallande", "Sammankallande", "Karin Berg"),
    Variable(
        "motet.deltagare",
        "Gruppens deltagare: namn och organisation",
        [
            {"namn": "Karin Berg", "organisation": "Kommunen (KAA, utbildning, arbetsmarknad)"},
            {"namn": "Petra Exempel", "organisation": "Arbetsförmedlingen"},
        ],
    ),
    Variable(
        "motet.dagordning",
        "Dagordningen: nummer, rubrik, ansvarig och beräknad tid i minuter",
        [
            {"nr": 1, "rubrik": "Genomgång av aktuella ungdomar", "ansvarig": "", "minuter": 30},
            {"nr": 2, "rubrik": "Statistik", "ansvarig": "Karin Berg", "minuter": 10},
        ],
    ),
)


MINUTES = (
    Variable(
        "motet.narvaro",
        "Närvaro: namn, organisation och om personen var närvarande eller hade förhinder",
        [
            {"namn": "Karin Berg", "organisation": "Kommunen", "status": "Närvarande"},
            {
                "namn": "Petra Exempel",
                "organisation": "Arbetsförmedlingen",
                "status": "Anmält förhinder",
            },
        ],
    ),
    Variable(
        "motet.punkter",
        "Varje punkt: nummer, rubrik, anteckningar och beslut (nummer, text)",
        [
            {
                "nr": 1,
                "rubrik": "Genomgång av aktuella ungdomar",
                "anteckningar": "Fyra ungdomar utan sysselsättning gicks igenom.",
                "beslut": [{"nr": 1, "text": "KAA bjuder in till gemensamt möte."}],
            }
        ],
    ),
    Variable(
        "motet.atgarder",
        "Åtgärdslistan: vad, vem, senast och om den är klar",
        [{"vad": "Ta fram rutin", "vem": "Karin Berg", "senast": date(2027, 2, 1), "klar": ""}],
    ),
    Variable("motet.justerare", "Justerarens namn (tomt tills protokollet justerats)", ""),
    Variable("motet.justerat", "Datum då protokollet justerades (tomt innan)", ""),
    Variable(
        "motet.tillagg",
        "Tillägg efter justeringen: datum och text",
        [],
    ),
)


MEETING_LETTER = LETTERHEAD + SENDER + recipient("Deltagarna i Samverkansgruppen KAA", "") + MEETING


REPORT = LETTERHEAD + (
    Variable("rapport.rubrik", "Rapportens rubrik", "Tertialrapport 1 2026"),
    Variable("rapport.period", "Perioden", "2026-01-01 – 2026-04-30"),
    Variable("rapport.jamforelse", "Perioden den jämförs med", "2025-01-01 – 2025-04-30"),
    Variable("rapport.hamtad", "När uppgifterna hämtades", "2026-05-04 08:15"),
    Variable(
        "rapport.smatal",
        "Hur små tal visas",
        "Antal under 5 visas som <5; ”dolt” där en summa annars skulle avslöja ett dolt antal.",
    ),
    Variable(
        "avsnitt",
        "Avsnitten: rubrik, siffror (namn, perioden, året innan), diagram (bild, beskrivning), "
        "chefens analys och utvecklingsområden",
        [
            {
                "rubrik": "Omfattning",
                "siffror": [
                    {"namn": "Omfattade under perioden", "perioden": "412", "aret_innan": "388"}
                ],
                "diagram": [{"bild": EXAMPLE_LOGO, "beskrivning": "Stapeldiagram: …"}],
                "analys": "Fler nya i augusti än året innan.",
                "utveckling": "Snabbare första kontakt.",
            }
        ],
    ),
    Variable(
        "skr",
        "SKR:s frågor till politiker som uppgifterna besvarar: fråga och svar",
        [{"fraga": "Hur många ungdomar omfattas?", "svar": "412 under perioden."}],
    ),
    Variable(
        "definitioner",
        "Varje siffras definition: namn och text",
        [{"namn": "Sökta", "text": "Antal omfattade ungdomar med minst ett försök …"}],
    ),
)


# The action plan and its review: a plan text is laid out from its blocks (kaa_web.markup).
TEXT_BLOCKS_EXAMPLE = [
    {"typ": "rubrik", "text": "Så gör vi", "niva": 0, "nr": "", "huvud": [], "rader": []},
    {"typ": "punkt", "text": "Brev inom 30 dagar", "niva": 1, "nr": "", "huvud": [], "rader": []},
    {
        "typ": "tabell",
        "text": "",
        "niva": 0,
        "nr": "",
        "huvud": ["Vad", "Hur", "När", "Ansvar", "Uppföljning"],
        "rader": [["Brev till nya", "Post", "Inom 30 dagar", "KAA", "Tertialvis"]],
    },
]
TEXT_BLOCKS = (
    "rubrik, stycke, punkt (niva 1, 2 …) och nummer (nr) har text; tabell har huvud (kolumnernas "
    "rubriker) och rader (varje rad en lista av celler)"
)
PLAN_FACTS = LETTERHEAD + (
    Variable("plan.ar", "Planens år", 2026),
    Variable("plan.beslut", "Beslutet", "Antagen av Utbildningsnämnden 2026-02-20, § 45"),
    Variable("plan.version", "Planens version", "2"),
    Variable("plan.hamtad", "När siffrorna hämtades", "2026-03-02 08:15"),
    Variable("plan.smatal", "Hur små tal visas", "Antal under 5 visas som <5."),
    Variable(
        "mal",
        "Målen: titel, mått, period, målvärde, utfall, året före och bedömning",
        [
            {
                "titel": "Fler åter till studier",
                "matt": "Åter till studier eller arbete",
                "period": "2026",
                "malvarde": "Minst 90 %",
                "utfall": "87,5 % (35 av 40)",
                "aret_innan": "80 %",
                "bedomning": "Delvis uppfyllt",
            }
        ],
    ),
    Variable(
        "diagram",
        "Målens diagram: bild och beskrivning",
        [{"bild": EXAMPLE_LOGO, "beskrivning": "Stapeldiagram: …"}],
    ),
)
ACTION_PLAN = PLAN_FACTS + (
    Variable(
        "avsnitt",
        "Avsnitten: nyckel, rubrik och block (" + TEXT_BLOCKS + ")",
        [{"nyckel": "mal", "rubrik": "Mål", "block": TEXT_BLOCKS_EXAMPLE}],
    ),
    Variable(
        "grupper",
        "Samverkansgrupperna: namn, slag och frekvens",
        [{"namn": "Samverkansgruppen", "slag": "Samverkansgrupp", "frekvens": "Varje månad"}],
    ),
    Variable(
        "trappan", "Uppsökandets tidsgränser: steg och värde", [{"steg": "Brev", "varde": 30}]
    ),
    Variable(
        "insatser",
        "Insatskatalogen: namn, anordnare och kategori",
        [{"namn": "Praktik", "anordnare": "Arbetsmarknadsenheten", "kategori": "Arbete"}],
    ),
    Variable(
        "kalender",
        "Rapporteringen: vad, period och när",
        [{"vad": "Nämnden, tertial 1", "period": "Januari–april", "nar": "Maj"}],
    ),
)
ACTION_PLAN_REVIEW = PLAN_FACTS + (
    Variable(
        "uppfoljning.sparad", "Vem som sparade uppföljningen och när", "Karin Berg 2026-03-01"
    ),
    Variable(
        "uppfoljning.slutsatser",
        "Slutsatserna som block (" + TEXT_BLOCKS + ")",
        TEXT_BLOCKS_EXAMPLE,
    ),
    Variable("uppfoljning.andringar", "De beslutade ändringarna som block", TEXT_BLOCKS_EXAMPLE),
    Variable(
        "samverkan",
        "Samverkan: namn, planerat, hållna, inställda, närvaro och åtgärder",
        [
            {
                "namn": "Samverkansgruppen",
                "planerat": "Varje månad",
                "hallna": 10,
                "installda": 1,
                "narvaro": "Socialtjänsten: 8",
                "atgarder": "4 öppnade, 3 klara",
            }
        ],
    ),
    Variable(
        "rutiner",
        "Rutinernas resultat: vad, utfall och enligt rutinen",
        [{"vad": "Dagar till första försöket", "utfall": "12 dagar", "enligt": "Högst 30 dagar"}],
    ),
    Variable("radar.bild", "Självskattningen som radardiagram (bild)", EXAMPLE_LOGO),
    Variable("radar.beskrivning", "Diagrammet i ord", "Radardiagram: …"),
    Variable(
        "omraden",
        "Kontrollområdena: namn, bedömning, motivering och underlag",
        [
            {
                "namn": "Samverkan",
                "bedomning": "Delvis uppfyllt",
                "motivering": "Socialtjänsten deltog inte i alla möten.",
                "underlag": "10 samverkansmöten i 2 grupper hölls.",
            }
        ],
    ),
    Variable(
        "fragor",
        "SKR:s frågor: fråga och svar",
        [{"fraga": "Hur många omfattas?", "svar": "412"}],
    ),
)


# The register extract and the read log hold every entry as a section of labelled rows, so a
# template lays them out once, whatever the system comes to hold.
SECTIONS_EXAMPLE = [
    {
        "rubrik": "Kontakter",
        "rader": [
            {"falt": "2026-11-02", "varde": "Telefon · Nådd"},
            {"falt": "2026-10-05", "varde": "Brev · Brev till ungdom"},
        ],
    },
    {"rubrik": "Samtycken", "rader": []},
]


REGISTER_EXTRACT = LETTER + (
    Variable("ungdom.personnummer", "Ungdomens personnummer", "20080101-0000"),
    Variable(
        "utdrag.skyddad",
        "Ja när ungdomen har skyddade personuppgifter (adressen är då utelämnad), annars tomt",
        "",
    ),
    Variable(
        "utdrag.avsnitt",
        "Avsnitten: rubrik och rader (fält och värde); en tom lista när inget finns",
        SECTIONS_EXAMPLE,
    ),
)


READ_LOG = (
    LETTERHEAD
    + SENDER
    + recipient("Dataskyddsombudet", "")
    + YOUTH_NAME
    + (
        Variable("ungdom.personnummer", "Ungdomens personnummer", "20080101-0000"),
        Variable("logg.fran", "Periodens första dag", date(2026, 1, 1)),
        Variable("logg.till", "Periodens sista dag", date(2026, 11, 30)),
        Variable(
            "logg.rader",
            "Läsningarna: tid, namn, roll och vad som lästes",
            [
                {
                    "tid": "2026-11-02 10:14",
                    "namn": "Kim Exempelsson (kim)",
                    "roll": "KAA-handläggare",
                    "vad": "Visning: Ungdom",
                }
            ],
        ),
        Variable("logg.fler", "Ja när loggen har fler läsningar än dokumentet visar", ""),
    )
)
