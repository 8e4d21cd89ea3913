"""Every figure the statistics show: its key, Swedish name and the definition the page and the
reports print (one text for both), with the categories a distribution is split into."""

from __future__ import annotations

from dataclasses import dataclass, field

from kaa_web.models.catalogue import MEASURE_CATEGORIES
from kaa_web.models.register import (
    CHANNELS,
    DEREGISTRATION_REASONS,
    GENDERS,
    OCCUPATIONS,
    REGISTRATION_REASONS,
)

# kind: "count" (one number per group), "share" (numerator of denominator), "median" (days),
# "distribution" (a count per category; the groups are the table's rows).

SECTIONS = {
    "omfattning": "Omfattning",
    "uppsokande": "Uppsökande",
    "kartlaggning": "Kartläggning och plan",
    "insatser": "Insatser",
    "resultat": "Resultat",
}

# The dimensions a figure can be broken down by (the rows of its table).
BREAKDOWNS = {
    "hela": "Hela kommunen",
    "kommundel": "Kommundel",
    "kon": "Kön",
    "alder": "Ålder vid periodens slut",
    "orsak": "Registreringsorsak",
}
AGE_GROUPS = {
    "under_16": "Under 16 år",
    "16": "16 år",
    "17": "17 år",
    "18": "18 år",
    "19": "19 år",
    "20": "20 år (fyllde under perioden)",
}
UNKNOWN_DISTRICT = "Okänt område"
TIME_IN_KAA = {
    "under_3": "Under 3 månader",
    "3_6": "3–6 månader",
    "6_12": "6–12 månader",
    "12_24": "1–2 år",
    "over_24": "Över 2 år",
}
# Skolverket's occupation categories; "annan" (other occupation) is reported as work there.
OCCUPATION_LATEST = {
    key: OCCUPATIONS[key] for key in ("arbete", "studier", "annan", "ingen", "okand")
}
RETURNED = ("studier", "arbete")
COVERED_PERIOD = (
    "En registreringsperiod räknas om den började senast periodens sista dag och inte slutade "
    "före dess första dag; den som lämnar KAA och kommer tillbaka har en period för varje gång."
)


@dataclass(frozen=True)
class Figure:
    key: str
    name: str
    section: str
    kind: str
    definition: str
    categories: dict[str, str] = field(default_factory=dict)
    unit: str = "ungdomar"
    summable: bool = True  # a distribution's categories add up to a total


def _figures(*figures: Figure) -> dict[str, Figure]:
    return {f.key: f for f in figures}


FIGURES = _figures(
    Figure(
        "omfattade",
        "Omfattade under perioden",
        "omfattning",
        "count",
        "Antal ungdomar som var registrerade i KAA någon dag under perioden. "
        + COVERED_PERIOD
        + " En ungdom räknas en gång, med orsaken i sin senaste period.",
    ),
    Figure(
        "omfattade_start",
        "Omfattade vid periodens början",
        "omfattning",
        "count",
        "Antal ungdomar som var registrerade dagen före periodens första dag och fortfarande "
        "var det på den första dagen (registrerade före perioden, inte avregistrerade före "
        "den).",
    ),
    Figure(
        "omfattade_slut",
        "Omfattade vid periodens slut",
        "omfattning",
        "count",
        "Antal ungdomar som var registrerade efter periodens sista dag: registrerade senast den "
        "dagen och inte avregistrerade till och med den. Början + nya − avregistrerade = slut.",
    ),
    Figure(
        "nya",
        "Nya registreringar",
        "omfattning",
        "count",
        "Antal registreringsperioder som började under perioden, också för den som kommer "
        "tillbaka till KAA. Uppdelat på registreringsorsak visar de nya efter orsak.",
        unit="registreringar",
    ),
    Figure(
        "avregistrerade_orsak",
        "Avregistrerade efter orsak",
        "omfattning",
        "distribution",
        "Antal registreringsperioder som avslutades under perioden (avregistreringsdatum "
        "inom perioden), efter avregistreringsorsak.",
        categories=DEREGISTRATION_REASONS,
        unit="avregistreringar",
    ),
    Figure(
        "sokta",
        "Sökta",
        "uppsokande",
        "count",
        "Antal omfattade ungdomar med minst ett uppsökande försök (brev, vykort, telefon, sms, "
        "e-post, sociala medier, besöksvykort, hembesök eller besök) under perioden, medan de "
        "var registrerade.",
    ),
    Figure(
        "nadda",
        "Nådda",
        "uppsokande",
        "count",
        "Antal omfattade ungdomar med minst en kontakt under perioden där ungdomen nåddes, "
        "medan de var registrerade.",
    ),
    Figure(
        "nadda_kanal",
        "Hur de nåddes",
        "uppsokande",
        "distribution",
        "De nådda ungdomarna efter kanalen för periodens första kontakt där de nåddes.",
        categories=CHANNELS,
    ),
    Figure(
        "insatser_uppsokande",
        "Uppsökande insatser efter typ",
        "uppsokande",
        "distribution",
        "Antal uppsökande försök under perioden efter typ, medan ungdomen var registrerad "
        "(varje försök räknas, inte ungdomar).",
        categories=CHANNELS,
        unit="försök",
    ),
    Figure(
        "dagar_forsta_forsok",
        "Dagar från registrering till första försöket",
        "uppsokande",
        "median",
        "Median av antalet dagar från registreringen till det första uppsökande försöket, för "
        "registreringsperioder som började under perioden och fick ett försök senast periodens "
        "sista dag.",
    ),
    Figure(
        "forsok_inom_tid",
        "Första försöket inom tidsgränsen",
        "uppsokande",
        "share",
        "Andel av registreringsperioderna som började under perioden, minst tidsgränsen för "
        "första brevet före periodens slut, där det första uppsökande försöket kom inom "
        "tidsgränsen (inställningen KAA_LADDER_FIRST_LETTER_DAYS, planernas ”inom en månad”).",
        unit="registreringar",
    ),
    Figure(
        "kartlagda",
        "Kartlagda",
        "kartlaggning",
        "share",
        "Andel av de omfattade ungdomarna med en dokumenterad kartläggning daterad senast "
        "periodens sista dag.",
    ),
    Figure(
        "med_plan",
        "Med dokumenterad individuell plan",
        "kartlaggning",
        "share",
        "Andel av de omfattade ungdomarna med en individuell plan vars första version "
        "överenskoms senast periodens sista dag.",
    ),
    Figure(
        "insatser_kategori",
        "Insatser efter SCB-kategori",
        "insatser",
        "distribution",
        "Antal insatser efter kategori: erbjudna (påbörjade eller avböjda under perioden), "
        "avböjda, påbörjade och avslutade under perioden och pågående vid periodens slut.",
        categories={
            "erbjudna": "Erbjudna",
            "avbojda": "Avböjda",
            "paborjade": "Påbörjade",
            "pagaende": "Pågående",
            "avslutade": "Avslutade",
        },
        unit="insatser",
        summable=False,
    ),
    Figure(
        "sysselsattning_efter_insats",
        "Sysselsättning efter avslutad insats",
        "insatser",
        "distribution",
        "Insatser som avslutades under perioden efter ungdomens sysselsättning efter insatsen.",
        categories={**OCCUPATIONS, "ej_angiven": "Ej angiven"},
        unit="insatser",
    ),
    Figure(
        "ater_studier_arbete",
        "Åter till studier eller arbete efter insats",
        "insatser",
        "share",
        "Andel av ungdomarna med en insats som avslutades under perioden vars senaste "
        "avslutade insats följdes av studier eller arbete (Nackas nämndmål: 90 %).",
    ),
    Figure(
        "resultat_avregistrering",
        "Resultat vid avregistrering",
        "resultat",
        "distribution",
        "Registreringsperioder som avslutades under perioden efter ungdomens sysselsättning "
        "när perioden avslutades.",
        categories={**OCCUPATIONS, "ej_angiven": "Ej angiven"},
        unit="avregistreringar",
    ),
    Figure(
        "tid_i_kaa",
        "Tid i KAA",
        "resultat",
        "median",
        "Median av antalet dagar från registrering till avregistrering, för "
        "registreringsperioder som avslutades under perioden.",
        categories=TIME_IN_KAA,
        unit="avregistreringar",
    ),
    Figure(
        "studiebevis",
        "Andel med studiebevis",
        "resultat",
        "share",
        "Andel av de omfattade ungdomarna vars senaste registreringsperiod har orsaken "
        "”Lämnade med studiebevis”.",
    ),
    Figure(
        "sysselsattning_senaste",
        "Sysselsättning vid senaste kontakten",
        "resultat",
        "distribution",
        "De omfattade ungdomarna efter sysselsättningen vid den senaste kontakten där den "
        "antecknades, under den senaste registreringsperioden och senast periodens sista dag; "
        "utan sådan kontakt: Okänd.",
        categories=OCCUPATION_LATEST,
    ),
)

MEASURE_BREAKDOWNS = {"kategori": "SCB-kategori", "insats": "Insats i katalogen"}
MEASURE_FIGURES = ("insatser_kategori", "sysselsattning_efter_insats", "ater_studier_arbete")
GROUP_LABELS = {
    "kategori": MEASURE_CATEGORIES,
    "kon": GENDERS,
    "alder": AGE_GROUPS,
    "orsak": REGISTRATION_REASONS,
}


def figure(key: str) -> Figure:
    try:
        return FIGURES[key]
    except KeyError:
        raise KeyError(f"unknown statistics figure {key!r}") from None
