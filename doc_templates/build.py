"""Recreates the built-in Word templates in doc_templates/ (python doc_templates/build.py).

The .docx files are the templates. A municipality edits them in Word (or uploads its own
versions on /admin/dokumentmallar); this script only recreates the originals shipped with
kaa_web, so that their layout is reviewable as code. Variables use docxtpl/Jinja syntax,
e.g. {{ mottagare.namn }}; the catalogue of variables per type is kaa_web/docx/types/catalogue.py.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
BLUE = RGBColor(0x00, 0x52, 0x93)
GREY = RGBColor(0x55, 0x55, 0x55)
RED = RGBColor(0xB0, 0x00, 0x20)
FONT = "Calibri"

LOGO = "{% if kommun.logotyp %}{{ kommun.logotyp }}  {% endif %}"
SIGNATURE = (
    "Med vänliga hälsningar",
    "",
    "{{ handlaggare.namn }}",
    "KAA, {{ kommun.namn }}",
    "Telefon {{ handlaggare.telefon }}",
    "{{ handlaggare.epost }}",
)
REGISTER_NOTE = (
    "Kommunen för ett register över unga som omfattas av aktivitetsansvaret "
    "(förordning 2006:39). Där finns bara namn, personnummer, kontaktuppgifter och vad du gör. "
    "Du har rätt att få veta vilka uppgifter vi har om dig."
)


# --- building blocks ------------------------------------------------------------------------


def new_document(title: str, *, small: bool = False) -> Document:
    """A4 portrait for letters; A6 landscape (postcard size) when `small`."""
    doc = Document()
    section = doc.sections[0]
    if small:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(148), Mm(105)
        section.left_margin = section.right_margin = Mm(9)
        section.top_margin, section.bottom_margin = Mm(23), Mm(6)
        section.header_distance, section.footer_distance = Mm(6), Mm(4)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin, section.right_margin = Mm(22), Mm(20)
        # the address block starts 45 mm from the top: the window of a C5/C4 window envelope
        section.top_margin, section.bottom_margin = Mm(45), Mm(25)
        section.header_distance, section.footer_distance = Mm(12), Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.font.size = Pt(9.5 if small else 11)
    normal.paragraph_format.space_after = Pt(3 if small else 6)
    normal.paragraph_format.line_spacing = 1.1
    doc.core_properties.title = title
    doc.core_properties.author = "KAA"
    return doc


def run(paragraph, text: str, *, bold=False, size=None, color=None, italic=False):
    r = paragraph.add_run(text)
    r.bold, r.italic = bold, italic
    if size:
        r.font.size = Pt(size)
    if color is not None:
        r.font.color.rgb = color
    return r


def para(container, text: str = "", *, bold=False, size=None, color=None, after=None, align=None):
    p = container.add_paragraph()
    if text:
        run(p, text, bold=bold, size=size, color=color)
    if after is not None:
        p.paragraph_format.space_after = Pt(after)
    if align is not None:
        p.alignment = align
    return p


def lines(container, texts, **kwargs):
    for text in texts:
        para(container, text, after=0, **kwargs)


def heading(container, text: str, *, size=15):
    p = para(container, text, bold=True, size=size, color=BLUE, after=8)
    p.paragraph_format.space_before = Pt(6)
    p.paragraph_format.keep_with_next = True
    return p


def border(cell, sides=("top", "left", "bottom", "right"), size=6, color="777777"):
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in sides:
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), str(size))
        element.set(qn("w:color"), color)
        borders.append(element)
    tc_pr.append(borders)


def paragraph_border_top(paragraph, color="005293"):
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "4"), ("color", color)):
        top.set(qn(f"w:{key}"), value)
    borders.append(top)
    p_pr.append(borders)


def table(container, widths_mm, *, rows=1):
    t = container.add_table(rows=rows, cols=len(widths_mm))
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    t.autofit = False
    for row in t.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    return t


def fill(cell, texts, **kwargs):
    cell.paragraphs[0].text = ""
    first = True
    for text in texts:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.paragraph_format.space_after = Pt(0)
        if text:
            run(p, text, **kwargs)


def letterhead(doc, *, small=False):
    """The municipality's letterhead in the header, its contact line in the footer."""
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    run(header, LOGO)
    run(header, "{{ kommun.namn }}", bold=True, size=11 if small else 16, color=BLUE)
    if not small:
        sub = section.header.add_paragraph()
        run(sub, "Kommunala aktivitetsansvaret (KAA)", size=9, color=GREY)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if not small:
        paragraph_border_top(footer)
        run(
            footer,
            "{{ kommun.namn }} · {{ kommun.adress }} · Växel {{ kommun.telefon }} · "
            "{{ kommun.webb }}",
            size=8,
            color=GREY,
        )


def address_block(doc, *, right_lines=None):
    """Recipient where the envelope window is; date and contact on the right."""
    t = table(doc, (95, 73))
    row = t.rows[0]
    row.height, row.height_rule = Mm(40), WD_ROW_HEIGHT_RULE.EXACTLY
    fill(
        row.cells[0],
        (
            "{{ mottagare.namn }}",
            "{{ mottagare.utdelningsadress }}",
            "{{ mottagare.postnummer }} {{ mottagare.postort }}",
        ),
        size=11,
    )
    fill(
        row.cells[1],
        right_lines
        or (
            "Datum: {{ datum }}",
            "",
            "Handläggare:",
            "{{ handlaggare.namn }}",
            "{{ handlaggare.telefon }}",
        ),
        size=9,
        color=GREY,
    )


def signature(doc):
    p = para(doc, "", after=0)
    p.paragraph_format.space_before = Pt(12)
    p.paragraph_format.keep_with_next = True
    lines(doc, SIGNATURE)


def facts(doc, rows, *, label_width=55, value_width=113):
    """A two-column table of labelled facts."""
    t = table(doc, (label_width, value_width), rows=len(rows))
    t.style = doc.styles["Table Grid"]
    for row, (label, value) in zip(t.rows, rows, strict=True):
        fill(row.cells[0], (label,), bold=True, size=10)
        fill(row.cells[1], (value,), size=10)
    para(doc, "", after=4)
    return t


def save(doc, name: str) -> None:
    doc.save(HERE / name)


# --- the letters ----------------------------------------------------------------------------


def letter(name: str, title: str, heading_text: str, body: list[str], *, note=True) -> None:
    doc = new_document(title)
    letterhead(doc)
    address_block(doc)
    heading(doc, heading_text)
    for text in body:
        para(doc, text)
    signature(doc)
    if note:
        p = para(doc, REGISTER_NOTE, size=8, color=GREY)
        p.paragraph_format.space_before = Pt(18)
    save(doc, name)


def brev_ungdom():
    letter(
        "brev_ungdom.docx",
        "Brev till ungdom",
        "Hej {{ ungdom.fornamn }}! Vi vill gärna höra hur du har det",
        [
            "Jag arbetar med det kommunala aktivitetsansvaret, KAA, i {{ kommun.namn }}. "
            "Kommunen ska hålla kontakt med unga under 20 år som inte går i gymnasieskolan "
            "och inte har en gymnasieexamen. Därför skriver jag till dig.",
            "Vi vill veta vad du gör i dag och om du vill ha stöd. Vi kan hjälpa dig att hitta "
            "en utbildning, en praktikplats, ett jobb eller något annat som passar dig. "
            "Det är frivilligt och kostar ingenting.",
            "Hör av dig till mig, så bestämmer vi en tid att träffas eller pratar i telefon. "
            "Du kan ringa eller skicka sms till {{ handlaggare.telefon }} eller mejla "
            "{{ handlaggare.epost }}. Du når också KAA via {{ kommun.kaa_kontakt }}.",
            "Studerar eller arbetar du redan? Berätta gärna det för oss.",
        ],
    )


def brev_vardnadshavare():
    letter(
        "brev_vardnadshavare.docx",
        "Brev till vårdnadshavare",
        "Till dig som är vårdnadshavare för {{ ungdom.fornamn }} {{ ungdom.efternamn }}",
        [
            "Jag arbetar med det kommunala aktivitetsansvaret, KAA, i {{ kommun.namn }}. "
            "Kommunen ska hålla kontakt med unga under 20 år som inte går i gymnasieskolan "
            "och inte har en gymnasieexamen, och erbjuda dem stöd. Eftersom "
            "{{ ungdom.fornamn }} är under 18 år skriver jag till dig som vårdnadshavare.",
            "Vi vill veta vad {{ ungdom.fornamn }} gör i dag och om hen vill ha stöd. Vi kan "
            "hjälpa till att hitta en utbildning, en praktikplats, ett jobb eller något annat "
            "som passar. Det är frivilligt och kostar ingenting.",
            "Ring eller skicka sms till mig på {{ handlaggare.telefon }} eller mejla "
            "{{ handlaggare.epost }}, så bestämmer vi en tid att träffas – gärna tillsammans "
            "med {{ ungdom.fornamn }}. Du når också KAA via {{ kommun.kaa_kontakt }}.",
            "Studerar eller arbetar {{ ungdom.fornamn }} redan? Berätta gärna det för oss.",
        ],
    )


def brev_fore_20():
    letter(
        "brev_fore_20.docx",
        "Brev inför 20 år",
        "Hej {{ ungdom.fornamn }}! Snart fyller du 20 år",
        [
            "Den {{ ungdom.fyller_20 }} fyller du 20 år. Då upphör kommunens "
            "aktivitetsansvar för dig, och KAA i {{ kommun.namn }} kommer inte längre att "
            "höra av sig till dig.",
            "Du kan fortfarande få stöd efter att du har fyllt 20. Du kan till exempel läsa "
            "in gymnasiet på Komvux, gå en kurs på folkhögskola eller få hjälp att hitta jobb "
            "genom Arbetsförmedlingen och kommunens arbetsmarknadsenhet.",
            "Vill du att vi hjälper dig att få kontakt med någon av dem innan du fyller 20? "
            "Ring eller skicka sms till mig på {{ handlaggare.telefon }} eller mejla "
            "{{ handlaggare.epost }}. Du når också KAA via {{ kommun.kaa_kontakt }}.",
        ],
    )


def kvitto_skolanmalan():
    doc = new_document("Kvitto på skolanmälan")
    letterhead(doc)
    address_block(doc)
    heading(doc, "Kvitto: vi har tagit emot er anmälan")
    para(doc, "KAA i {{ kommun.namn }} har tagit emot följande anmälan:")
    facts(
        doc,
        [
            ("Typ av anmälan", "{{ anmalan.typ }}"),
            ("Elev", "{{ ungdom.fornamn }} {{ ungdom.efternamn }}"),
            ("Skolenhet", "{{ anmalan.skola }}"),
            ("Inkom", "{{ anmalan.inkom }}"),
            ("Referens", "{{ anmalan.referens }}"),
        ],
    )
    para(
        doc,
        "Vi kontaktar eleven och erbjuder vägledning. Ange referensen om ni hör av er om "
        "anmälan. Om eleven börjar eller slutar hos er igen, meddela oss det.",
    )
    signature(doc)
    save(doc, "kvitto_skolanmalan.docx")


def uppdrag():
    doc = new_document("Uppdrag till anordnare")
    letterhead(doc)
    address_block(doc)
    heading(doc, "Uppdrag: {{ uppdrag.insats }}")
    para(doc, "{{ kommun.namn }} ger er i uppdrag att genomföra insatsen nedan för deltagaren.")
    facts(
        doc,
        [
            ("Deltagare", "{{ ungdom.fornamn }} {{ ungdom.efternamn }}"),
            ("Personnummer", "{{ ungdom.personnummer }}"),
            ("Telefon", "{{ ungdom.telefon }}"),
            ("E-post", "{{ ungdom.epost }}"),
            ("Insats", "{{ uppdrag.insats }}"),
            ("Mål med insatsen", "{{ uppdrag.mal }}"),
            ("Start", "{{ uppdrag.start }}"),
            ("Planerat slut", "{{ uppdrag.slut }}"),
            ("Första kontakt senast", "{{ uppdrag.forsta_kontakt_senast }}"),
        ],
    )
    heading(doc, "Så här går uppdraget till", size=12)
    para(
        doc,
        "•  Ta första kontakten med deltagaren senast {{ uppdrag.forsta_kontakt_senast }}.",
        after=3,
    )
    para(doc, "{%p if uppdrag.manadsrapporter %}")  # docxtpl: alone in its paragraph
    para(
        doc,
        "•  Lämna en rapport till handläggaren varje månad: närvaro, hur insatsen går och "
        "planerade nästa steg. Skriv inte känsliga personuppgifter (till exempel om hälsa) "
        "i rapporten.",
        after=3,
    )
    para(doc, "{%p endif %}")
    para(doc, "•  Meddela handläggaren direkt om deltagaren avbryter insatsen.", after=3)
    signature(doc)
    save(doc, "uppdrag.docx")


def orosanmalan():
    doc = new_document("Orosanmälan – utkast")
    letterhead(doc)
    address_block(doc)
    mark = para(doc, "UTKAST", bold=True, size=20, color=RED, after=0)
    mark.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    heading(doc, "Orosanmälan till socialtjänsten")
    para(
        doc,
        "Utkastet kommer från KAA-systemet och innehåller bara de uppgifter som registret "
        "får innehålla. Beskriv oron i rutan nedan efter utskrift eller i en kopia utanför "
        "systemet – inte i KAA-systemet.",
        size=9,
        color=GREY,
    )
    facts(
        doc,
        [
            ("Barnet/ungdomen", "{{ ungdom.fornamn }} {{ ungdom.efternamn }}"),
            ("Personnummer", "{{ ungdom.personnummer }}"),
            (
                "Adress",
                "{{ ungdom.utdelningsadress }}, {{ ungdom.postnummer }} {{ ungdom.postort }}",
            ),
            ("Telefon / e-post", "{{ ungdom.telefon }} / {{ ungdom.epost }}"),
            (
                "Anmälare",
                "{{ handlaggare.namn }}, KAA, {{ kommun.namn }}, {{ handlaggare.telefon }}, "
                "{{ handlaggare.epost }}",
            ),
        ],
    )
    box = table(doc, (168,))
    box.style = doc.styles["Table Grid"]
    row = box.rows[0]
    row.height, row.height_rule = Mm(70), WD_ROW_HEIGHT_RULE.EXACTLY
    fill(row.cells[0], ("Beskrivning av oron (fylls i utanför systemet)",), bold=True, size=10)
    para(doc, "", after=6)
    lines(doc, ("Datum och underskrift", "", "_______________________________________"))
    save(doc, "orosanmalan.docx")


def individuell_plan():
    """The individual plan on one or two pages: what förordning 2006:39 asks it to cover
    (goal, who is responsible for which measure, dates, why a measure ended, follow-up and
    evaluation) under plain headings, not the förordning's numbering."""
    doc = new_document("Individuell plan")
    letterhead(doc)
    address_block(doc)  # the plan is handed over or posted to the young person
    title = para(doc, "Individuell plan", bold=True, size=20, color=BLUE, after=2)
    title.paragraph_format.keep_with_next = True
    para(
        doc,
        "Kommunala aktivitetsansvaret · revision {{ plan.revision }}, "
        "överenskommen {{ plan.overenskommen }}",
        size=10,
        color=GREY,
        after=10,
    )
    plan_facts(
        doc,
        [
            ("Ungdom", "{{ ungdom.fornamn }} {{ ungdom.efternamn }}"),
            ("Personnummer", "{{ ungdom.personnummer }}"),
            ("Telefon / e-post", "{{ ungdom.telefon }} / {{ ungdom.epost }}"),
            ("Handläggare", "{{ handlaggare.namn }}, KAA, {{ kommun.namn }}"),
        ],
    )
    heading(doc, "Mål", size=12)
    para(doc, "{{ plan.mal }}", after=8)
    heading(doc, "Insatser", size=12)
    para(
        doc,
        "Vem som ansvarar (ungdomen, kommunen eller en annan aktör), när insatsen börjar och "
        "slutar, och varför en avslutad insats avslutades.",
        size=9,
        color=GREY,
    )
    widths = (52, 46, 21, 21, 28)
    t = table(doc, widths, rows=3)
    t.style = doc.styles["Table Grid"]
    grid(t, widths)
    head = ("Insats", "Ansvarig", "Start", "Slut", "Avslutad / orsak")
    for cell, text in zip(t.rows[0].cells, head, strict=True):
        fill(cell, (text,), bold=True, size=9.5, color=RGBColor(0xFF, 0xFF, 0xFF))
        shade(cell, "005293")
    fill(t.rows[1].cells[0], ("{%tr for m in plan.insatser %}",), size=1)
    values = (
        "{{ m.namn }}",
        "{{ m.ansvarig }}",
        "{{ m.start }}",
        "{{ m.slut }}",
        "{% if m.avslutad %}{{ m.avslutad }}: {{ m.orsak }}{% else %}Pågår{% endif %}",
    )
    rows = list(t.rows)
    for cell, text in zip(rows[2].cells, values, strict=True):
        fill(cell, (text,), size=9.5)
    end = t.add_row()
    fill(end.cells[0], ("{%tr endfor %}",), size=1)
    para(doc, "", after=4)
    heading(doc, "Uppföljning och utvärdering", size=12)
    plan_facts(
        doc,
        [
            ("Uppföljning", "{{ plan.uppfoljning }}"),
            ("Utvärdering", "{{ plan.utvardering }}"),
        ],
    )
    para(
        doc,
        "Planen revideras när insatserna ändras. Deltagandet är frivilligt. Planen innehåller "
        "bara de uppgifter som förordningen (2006:39) tillåter.",
        size=8,
        color=GREY,
    )
    t = table(doc, (84, 84))
    row = t.rows[0]
    row.height, row.height_rule = Mm(22), WD_ROW_HEIGHT_RULE.AT_LEAST
    fill(row.cells[0], ("", "", "_______________________________", "Ungdom"), size=9)
    fill(
        row.cells[1], ("", "", "_______________________________", "{{ handlaggare.namn }}"), size=9
    )
    save(doc, "individuell_plan.docx")


def sections(doc, loop: str, *, widths=(45, 123), empty="Inga uppgifter.") -> None:
    """One heading and one two-column table per section of `loop` (rubrik, rader of falt and
    varde); a section without rows says `empty`."""
    para(doc, "{%p for avsnitt in " + loop + " %}", size=1, after=0)
    heading(doc, "{{ avsnitt.rubrik }}", size=12)
    para(doc, "{%p if avsnitt.rader %}", size=1, after=0)
    t = table(doc, widths, rows=3)
    t.style = doc.styles["Table Grid"]
    grid(t, widths)
    fill(t.rows[0].cells[0], ("{%tr for rad in avsnitt.rader %}",), size=1)
    fill(t.rows[1].cells[0], ("{{ rad.falt }}",), bold=True, size=9.5)
    shade(t.rows[1].cells[0], "E8EEF5")
    fill(t.rows[1].cells[1], ("{{ rad.varde }}",), size=9.5)
    fill(t.rows[2].cells[0], ("{%tr endfor %}",), size=1)
    para(doc, "{%p else %}", size=1, after=0)
    para(doc, empty, color=GREY)
    para(doc, "{%p endif %}", size=1, after=0)
    para(doc, "{%p endfor %}", size=1, after=0)


def registerutdrag():
    """Everything the register holds about one young person, for them (GDPR article 15)."""
    doc = new_document("Registerutdrag")
    letterhead(doc)
    address_block(doc)
    title = para(doc, "Registerutdrag", bold=True, size=20, color=BLUE, after=2)
    title.paragraph_format.keep_with_next = True
    para(
        doc,
        "Uppgifter om {{ ungdom.fornamn }} {{ ungdom.efternamn }} ({{ ungdom.personnummer }}) "
        "i kommunens register över aktivitetsansvaret, den {{ datum }}.",
        size=10,
        color=GREY,
        after=8,
    )
    for text in (
        "Du har bett att få veta vilka uppgifter kommunen har om dig (dataskyddsförordningen, "
        "artikel 15). Här är allt som registret för det kommunala aktivitetsansvaret innehåller "
        "om dig. Kommunen behandlar uppgifterna för att erbjuda dig stöd (skollagen 29 kap. 9 § "
        "och förordning 2006:39).",
        "Är något fel kan du be att få det rättat. Du kan också klaga hos "
        "Integritetsskyddsmyndigheten (IMY). Kontakta KAA: {{ kommun.kaa_kontakt }}.",
    ):
        para(doc, text)
    para(
        doc,
        "{%p if utdrag.skyddad %}",
        size=1,
        after=0,
    )
    para(
        doc,
        "Du har skyddade personuppgifter. Därför står din adress, och dina vårdnadshavares "
        "adresser, inte med i utdraget.",
        bold=True,
    )
    para(doc, "{%p endif %}", size=1, after=0)
    sections(doc, "utdrag.avsnitt")
    signature(doc)
    save(doc, "registerutdrag.docx")


def atkomstlogg():
    """Who among the staff read one young person's data, and when: for the data-protection
    officer, never sent out."""
    doc = new_document("Läslogg")
    letterhead(doc)
    title = para(doc, "Läslogg för dataskyddsombudet", bold=True, size=18, color=BLUE, after=2)
    title.paragraph_format.keep_with_next = True
    para(
        doc,
        "{{ ungdom.fornamn }} {{ ungdom.efternamn }} ({{ ungdom.personnummer }}) · "
        "{{ logg.fran }} – {{ logg.till }} · utskriven {{ datum }} av {{ handlaggare.namn }}",
        size=10,
        color=GREY,
        after=2,
    )
    para(doc, "Till: {{ mottagare.namn }}", size=10, after=8)
    para(
        doc,
        "Intern handling: lämnas inte ut med registerutdraget. Varje rad är en läsning av "
        "ungdomens uppgifter enligt granskningsloggen, också i listor, sökningar och exporter.",
        size=9,
        color=RED,
    )
    widths = (30, 50, 38, 50)
    t = table(doc, widths, rows=4)
    t.style = doc.styles["Table Grid"]
    grid(t, widths)
    for cell, text in zip(t.rows[0].cells, ("Tid", "Vem", "Roll", "Vad"), strict=True):
        fill(cell, (text,), bold=True, size=9.5, color=RGBColor(0xFF, 0xFF, 0xFF))
        shade(cell, "005293")
    fill(t.rows[1].cells[0], ("{%tr for r in logg.rader %}",), size=1)
    values = ("{{ r.tid }}", "{{ r.namn }}", "{{ r.roll }}", "{{ r.vad }}")
    for cell, text in zip(t.rows[2].cells, values, strict=True):
        fill(cell, (text,), size=9)
    fill(t.rows[3].cells[0], ("{%tr endfor %}",), size=1)
    para(doc, "{%p if logg.fler %}", size=1, after=0)
    para(doc, "Loggen har fler läsningar än som ryms här: ta ut en kortare period.", bold=True)
    para(doc, "{%p endif %}", size=1, after=0)
    save(doc, "atkomstlogg.docx")


def grid(t, widths_mm) -> None:
    """Column widths that LibreOffice honours too (it reads the grid, not the cell widths)."""
    for column, width in zip(t.columns, widths_mm, strict=True):
        column.width = Mm(width)


def plan_facts(doc, rows) -> None:
    t = table(doc, (40, 128), rows=len(rows))
    t.style = doc.styles["Table Grid"]
    grid(t, (40, 128))
    for row, (label, value) in zip(t.rows, rows, strict=True):
        fill(row.cells[0], (label,), bold=True, size=10)
        shade(row.cells[0], "E8EEF5")
        fill(row.cells[1], (value,), size=10)
    para(doc, "", after=4)


def looped_table(doc, widths, head, loop: str, values) -> None:
    """A table with a shaded header row and one row per item of `loop` ("x in list")."""
    t = table(doc, widths, rows=3)
    t.style = doc.styles["Table Grid"]
    grid(t, widths)
    for cell, text in zip(t.rows[0].cells, head, strict=True):
        fill(cell, (text,), bold=True, size=10)
        shade(cell, "E8EEF5")
    fill(t.rows[1].cells[0], (f"{{%tr for {loop} %}}",), size=1)
    for cell, text in zip(t.rows[2].cells, values, strict=True):
        fill(cell, (text,), size=10)
    end = t.add_row()
    fill(end.cells[0], ("{%tr endfor %}",), size=1)


def shade(cell, color: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), color)
    tc_pr.append(shading)


# --- the cards ------------------------------------------------------------------------------


def card(name: str, title: str, heading_text: str, body: list[str]) -> None:
    """A6 postcard: the message on the left, the address on the right."""
    doc = new_document(title, small=True)
    letterhead(doc, small=True)
    t = table(doc, (78, 52))
    row = t.rows[0]
    row.height, row.height_rule = Mm(72), WD_ROW_HEIGHT_RULE.EXACTLY
    message, address = row.cells
    border(message, sides=("right",), color="999999")
    fill(message, (heading_text,), bold=True, size=11, color=BLUE)
    for text in body:
        p = message.add_paragraph()
        p.paragraph_format.space_after = Pt(3)
        run(p, text, size=10 if "besok." in text else 8.5, bold="besok." in text)
    p = message.add_paragraph()
    run(p, "{{ handlaggare.namn }}, KAA", size=8.5, bold=True)
    fill(address, ("", "PORTO BETALT", "", "", ""), size=7, color=GREY)
    address.paragraphs[1].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for text in (
        "{{ mottagare.namn }}",
        "{{ mottagare.utdelningsadress }}",
        "{{ mottagare.postnummer }} {{ mottagare.postort }}",
    ):
        p = address.add_paragraph()
        p.paragraph_format.left_indent = Mm(3)
        p.paragraph_format.space_after = Pt(0)
        run(p, text, size=9.5)
    save(doc, name)


def vykort():
    card(
        "vykort.docx",
        "Vykort",
        "Hej {{ ungdom.fornamn }}!",
        [
            "Vi har skickat ett brev till dig men inte hört något. Vi på KAA i "
            "{{ kommun.namn }} vill gärna veta vad du gör i dag och om du vill ha stöd med "
            "studier, praktik eller jobb. Det är frivilligt.",
            "Ring eller sms:a {{ handlaggare.telefon }} eller mejla {{ handlaggare.epost }}.",
        ],
    )


def besoksvykort():
    card(
        "besoksvykort.docx",
        "Besöksvykort",
        "Hej {{ ungdom.fornamn }}! Vi kommer på besök",
        [
            "Vi har försökt nå dig. Nu kommer två av oss från KAA i {{ kommun.namn }} "
            "hem till dig:",
            "{{ besok.datum }}, {{ besok.tid }}",
            "Vi vill prata om vad du gör i dag och om du vill ha stöd. Passar tiden inte? "
            "Ring eller sms:a {{ handlaggare.telefon }}, så bestämmer vi en annan tid.",
        ],
    )


MEETING_FACTS = [
    ("Grupp", "{{ motet.grupp }}"),
    ("Tid", "{{ motet.datum }} kl. {{ motet.tid }}"),
    ("Plats", "{{ motet.plats }}"),
    ("Sammankallande", "{{ motet.sammankallande }}"),
]


def kallelse():
    """The notice with the agenda (kallelse och dagordning) to the group's members."""
    doc = new_document("Kallelse")
    letterhead(doc)
    address_block(doc)
    heading(doc, "Kallelse till möte i {{ motet.grupp }}")
    facts(doc, MEETING_FACTS)
    heading(doc, "Dagordning", size=12)
    looped_table(
        doc,
        (12, 110, 46),
        ("Nr", "Punkt", "Ansvarig / tid"),
        "p in motet.dagordning",
        ("{{ p.nr }}", "{{ p.rubrik }}", "{{ p.ansvarig }} ({{ p.minuter }} min)"),
    )
    para(doc, "", after=4)
    heading(doc, "Kallade", size=12)
    para(doc, "{%p for d in motet.deltagare %}", after=0)
    para(doc, "{{ d.namn }}, {{ d.organisation }}", after=0)
    para(doc, "{%p endfor %}", after=0)
    para(
        doc,
        "Enskilda ungdomar tas upp med namn bara om samtycke finns för alla organisationer "
        "som deltar; annars avidentifierat.",
        size=9,
        color=GREY,
    )
    signature(doc)
    save(doc, "kallelse.docx")


def protokoll():
    """The minutes: attendance, notes and numbered decisions per item, actions, adjustment."""
    doc = new_document("Protokoll")
    letterhead(doc)
    address_block(doc)
    heading(doc, "Protokoll från möte i {{ motet.grupp }}")
    facts(doc, MEETING_FACTS)
    heading(doc, "Närvaro", size=12)
    para(doc, "{%p for n in motet.narvaro %}", after=0)
    para(doc, "{{ n.namn }}, {{ n.organisation }}: {{ n.status }}", after=0)
    para(doc, "{%p endfor %}", after=0)
    heading(doc, "Punkter och beslut", size=12)
    para(doc, "{%p for p in motet.punkter %}", after=0)
    para(doc, "§ {{ p.nr }} {{ p.rubrik }}", bold=True, after=2)
    para(doc, "{{ p.anteckningar }}", after=2)
    para(doc, "{%p for b in p.beslut %}", after=0)
    para(doc, "Beslut {{ b.nr }}: {{ b.text }}", after=2)
    para(doc, "{%p endfor %}", after=0)
    para(doc, "{%p endfor %}", after=0)
    heading(doc, "Åtgärdslista", size=12)
    looped_table(
        doc,
        (84, 44, 24, 16),
        ("Vad", "Vem", "Senast", "Klar"),
        "a in motet.atgarder",
        ("{{ a.vad }}", "{{ a.vem }}", "{{ a.senast }}", "{{ a.klar }}"),
    )
    para(doc, "", after=6)
    heading(doc, "Justering", size=12)
    lines(
        doc,
        (
            "Justerat {{ motet.justerat }}",
            "",
            "_______________________________________",
            "{% if motet.justerare %}{{ motet.justerare }}{% else %}Justerare{% endif %}",
        ),
    )
    para(doc, "{%p if motet.tillagg %}", after=0)
    heading(doc, "Tillägg efter justering", size=12)
    para(doc, "{%p for t in motet.tillagg %}", after=0)
    para(doc, "{{ t.datum }}: {{ t.text }}", after=2)
    para(doc, "{%p endfor %}", after=0)
    para(doc, "{%p endif %}", after=0)
    para(doc, "Antecknat av {{ handlaggare.namn }}", size=9, color=GREY)
    save(doc, "protokoll.docx")


def namndrapport():
    """The report to the nämnd: per section its figures beside the year before, its charts,
    and the manager's analysis and development areas; SKR's questions; the definitions."""
    doc = new_document("Nämndrapport")
    doc.sections[0].top_margin = Mm(30)
    letterhead(doc)
    title = para(doc, "{{ rapport.rubrik }}", bold=True, size=20, color=BLUE, after=2)
    title.paragraph_format.keep_with_next = True
    para(doc, "Uppföljning av det kommunala aktivitetsansvaret", size=11, color=GREY, after=8)
    plan_facts(
        doc,
        [
            ("Period", "{{ rapport.period }}"),
            ("Jämförs med", "{{ rapport.jamforelse }}"),
            ("Uppgifterna hämtade", "{{ rapport.hamtad }}"),
            ("Små tal", "{{ rapport.smatal }}"),
        ],
    )
    para(doc, "{%p for a in avsnitt %}", after=0)
    heading(doc, "{{ a.rubrik }}", size=14)
    looped_table(
        doc,
        (100, 34, 34),
        ("Siffra", "Perioden", "Året innan"),
        "s in a.siffror",
        ("{{ s.namn }}", "{{ s.perioden }}", "{{ s.aret_innan }}"),
    )
    para(doc, "{%p for d in a.diagram %}", after=0)
    para(doc, "{{ d.bild }}", after=0)
    para(doc, "{{ d.beskrivning }}", size=9, color=GREY, after=6)
    para(doc, "{%p endfor %}", after=0)
    para(doc, "Analys", bold=True, after=2)
    para(doc, "{{ a.analys }}", after=6)
    para(doc, "Utvecklingsområden", bold=True, after=2)
    para(doc, "{{ a.utveckling }}", after=6)
    para(doc, "{%p endfor %}", after=0)
    heading(doc, "Frågor som politiker bör kunna få svar på (SKR)", size=14)
    para(doc, "{%p for f in skr %}", after=0)
    para(doc, "{{ f.fraga }}", bold=True, after=2)
    para(doc, "{{ f.svar }}", after=6)
    para(doc, "{%p endfor %}", after=0)
    heading(doc, "Så räknas siffrorna", size=14)
    para(doc, "{%p for d in definitioner %}", after=0)
    p = para(doc, "", after=4)
    run(p, "{{ d.namn }}: ", bold=True, size=9.5)
    run(p, "{{ d.text }}", size=9.5)
    para(doc, "{%p endfor %}", after=0)
    save(doc, "namndrapport.docx")


def text_blocks(doc, blocks: str) -> None:
    """A plan text's blocks (kaa_web.markup.to_blocks) as Word: headings, bulleted and numbered
    lists (indented by level), paragraphs, and tables whose columns are the text's own."""
    para(doc, f"{{%p for b in {blocks} %}}", after=0)
    para(doc, '{%p if b.typ == "rubrik" %}', after=0)
    h = para(doc, "{{ b.text }}", bold=True, size=12, color=BLUE, after=4)
    h.paragraph_format.keep_with_next = True
    para(doc, '{%p elif b.typ == "punkt" and b.niva > 1 %}', after=0)
    doc.add_paragraph("{{ b.text }}", style="List Bullet 2")
    para(doc, '{%p elif b.typ == "punkt" %}', after=0)
    doc.add_paragraph("{{ b.text }}", style="List Bullet")
    para(doc, '{%p elif b.typ == "nummer" %}', after=0)
    numbered = para(doc, "{{ b.nr }} {{ b.text }}", after=2)
    numbered.paragraph_format.left_indent = Mm(6)
    para(doc, '{%p elif b.typ == "tabell" %}', after=0)
    t = doc.add_table(rows=4, cols=3)
    t.style = doc.styles["Table Grid"]
    head = t.rows[0].cells
    fill(head[0], ("{%tc for h in b.huvud %}",), size=1)
    fill(head[1], ("{{ h }}",), bold=True, size=10)
    shade(head[1], "E8EEF5")
    fill(head[2], ("{%tc endfor %}",), size=1)
    fill(t.rows[1].cells[0], ("{%tr for r in b.rader %}",), size=1)
    cells = t.rows[2].cells
    fill(cells[0], ("{%tc for c in r %}",), size=1)
    fill(cells[1], ("{{ c }}",), size=10)
    fill(cells[2], ("{%tc endfor %}",), size=1)
    fill(t.rows[3].cells[0], ("{%tr endfor %}",), size=1)
    para(doc, "{%p else %}", after=0)
    para(doc, "{{ b.text }}", after=6)
    para(doc, "{%p endif %}", after=0)
    para(doc, "{%p endfor %}", after=0)


def goal_table(doc) -> None:
    looped_table(
        doc,
        (52, 30, 30, 28, 28),
        ("Mål och mått", "Målvärde", "Utfall", "Året före", "Bedömning"),
        "m in mal",
        (
            "{{ m.titel }} ({{ m.matt }}, {{ m.period }})",
            "{{ m.malvarde }}",
            "{{ m.utfall }}",
            "{{ m.aret_innan }}",
            "{{ m.bedomning }}",
        ),
    )
    para(doc, "{%p for d in diagram %}", after=0)
    para(doc, "{{ d.bild }}", after=0)
    para(doc, "{{ d.beskrivning }}", size=9, color=GREY, after=6)
    para(doc, "{%p endfor %}", after=0)


def report_title(doc, title: str, subtitle: str, rows) -> None:
    doc.sections[0].top_margin = Mm(30)
    letterhead(doc)
    p = para(doc, title, bold=True, size=20, color=BLUE, after=2)
    p.paragraph_format.keep_with_next = True
    para(doc, subtitle, size=11, color=GREY, after=8)
    plan_facts(doc, rows)


def handlingsplan():
    """The adopted action plan: its decision, every section's text, the goals with their
    measured values and charts, and the parts the system holds (groups, ladder, measures)."""
    doc = new_document("Handlingsplan")
    report_title(
        doc,
        "Handlingsplan för det kommunala aktivitetsansvaret {{ plan.ar }}",
        "{{ kommun.namn }}",
        [
            ("Beslut", "{{ plan.beslut }}"),
            ("Version", "{{ plan.version }}"),
            ("Uppgifterna hämtade", "{{ plan.hamtad }}"),
            ("Små tal", "{{ plan.smatal }}"),
        ],
    )
    para(doc, "{%p for a in avsnitt %}", after=0)
    heading(doc, "{{ a.rubrik }}", size=14)
    text_blocks(doc, "a.block")
    para(doc, '{%p if a.nyckel == "mal" %}', after=0)
    heading(doc, "Mål med mått och målvärden", size=12)
    goal_table(doc)
    para(doc, "{%p endif %}", after=0)
    para(doc, "{%p endfor %}", after=0)
    heading(doc, "Samverkansgrupper", size=14)
    looped_table(
        doc,
        (70, 54, 44),
        ("Grupp", "Slag", "Planerad mötesfrekvens"),
        "g in grupper",
        ("{{ g.namn }}", "{{ g.slag }}", "{{ g.frekvens }}"),
    )
    heading(doc, "Uppsökande arbete: tidsgränser", size=14)
    looped_table(
        doc, (128, 40), ("Steg", "Värde"), "s in trappan", ("{{ s.steg }}", "{{ s.varde }}")
    )
    heading(doc, "Insatser som erbjuds", size=14)
    looped_table(
        doc,
        (70, 54, 44),
        ("Insats", "Anordnare", "Kategori"),
        "i in insatser",
        ("{{ i.namn }}", "{{ i.anordnare }}", "{{ i.kategori }}"),
    )
    heading(doc, "Rapportering", size=14)
    looped_table(
        doc,
        (70, 54, 44),
        ("Vad", "Period", "När"),
        "r in kalender",
        ("{{ r.vad }}", "{{ r.period }}", "{{ r.nar }}"),
    )
    save(doc, "handlingsplan.docx")


def handlingsplan_uppfoljning():
    """The yearly review: goals beside outcomes, collaboration held, routines measured, the
    self-assessment per control area with its radar chart, SKR's questions, conclusions."""
    doc = new_document("Uppföljning av handlingsplan")
    report_title(
        doc,
        "Uppföljning av handlingsplanen {{ plan.ar }}",
        "{{ kommun.namn }} · Kommunala aktivitetsansvaret",
        [
            ("Planen", "{{ plan.beslut }}"),
            ("Planens version", "{{ plan.version }}"),
            ("Uppföljningen", "{{ uppfoljning.sparad }}"),
            ("Uppgifterna hämtade", "{{ plan.hamtad }}"),
            ("Små tal", "{{ plan.smatal }}"),
        ],
    )
    heading(doc, "Mål och utfall", size=14)
    goal_table(doc)
    heading(doc, "Samverkan: planerat och genomfört", size=14)
    looped_table(
        doc,
        (40, 30, 18, 18, 40, 22),
        ("Grupp", "Planerat", "Hållna", "Inställda", "Närvaro per organisation", "Åtgärder"),
        "g in samverkan",
        (
            "{{ g.namn }}",
            "{{ g.planerat }}",
            "{{ g.hallna }}",
            "{{ g.installda }}",
            "{{ g.narvaro }}",
            "{{ g.atgarder }}",
        ),
    )
    heading(doc, "Rutinernas resultat", size=14)
    looped_table(
        doc,
        (78, 45, 45),
        ("Rutin", "Utfall", "Enligt rutinen"),
        "r in rutiner",
        ("{{ r.vad }}", "{{ r.utfall }}", "{{ r.enligt }}"),
    )
    heading(doc, "Självskattning per kontrollområde", size=14)
    para(doc, "{{ radar.bild }}", after=0)
    para(doc, "{{ radar.beskrivning }}", size=9, color=GREY, after=6)
    looped_table(
        doc,
        (36, 28, 52, 52),
        ("Kontrollområde", "Bedömning", "Motivering", "Underlag ur systemet"),
        "k in omraden",
        ("{{ k.namn }}", "{{ k.bedomning }}", "{{ k.motivering }}", "{{ k.underlag }}"),
    )
    heading(doc, "Frågor som nämnden bör kunna få svar på (SKR)", size=14)
    para(doc, "{%p for f in fragor %}", after=0)
    para(doc, "{{ f.fraga }}", bold=True, after=2)
    para(doc, "{{ f.svar }}", after=6)
    para(doc, "{%p endfor %}", after=0)
    heading(doc, "Slutsatser", size=14)
    text_blocks(doc, "uppfoljning.slutsatser")
    heading(doc, "Beslutade ändringar inför nästa år", size=14)
    text_blocks(doc, "uppfoljning.andringar")
    save(doc, "handlingsplan_uppfoljning.docx")


def main() -> None:
    for build in (
        brev_ungdom,
        brev_vardnadshavare,
        vykort,
        besoksvykort,
        brev_fore_20,
        kvitto_skolanmalan,
        uppdrag,
        orosanmalan,
        individuell_plan,
        registerutdrag,
        atkomstlogg,
        kallelse,
        protokoll,
        namndrapport,
        handlingsplan,
        handlingsplan_uppfoljning,
    ):
        build()


if __name__ == "__main__":
    main()
