"""The light markup of the action plan's texts: headings, lists and tables, never raw HTML.

Managers write plans with headings, lists and Nacka's Vad | Hur | När | Ansvar | Uppföljning
tables. CommonMark (markdown-it-py) with its HTML switched off gives that: everything typed is
escaped, links are limited to safe schemes by the parser, and images are off (a plan never
loads anything from elsewhere).
"""

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_PARSER.disable("image")

HELP = (
    "Skriv vanlig text. Rubrik: börja raden med ## . Punktlista: börja raderna med - . "
    "Numrerad lista: 1. 2. 3. Tabell: rader med | mellan kolumnerna och en rad |---|---| "
    "under rubrikraden."
)


_TABLE_OPEN = (
    '<div class="table-scroll" role="region" aria-label="{label}" tabindex="0">'
    '<table class="table">'
)


def to_html(text: str, where: str = "texten") -> Markup:
    """The text as safe HTML; a heading typed with # becomes at most an h3 (the page owns h1–h2).
    `where` names the text in its tables' regions ("Tabell 2 i Mål"), unique on the page."""
    tokens = _PARSER.parse(text or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, max(3, int(token.tag[1]) + 1))}"
    html = _PARSER.renderer.render(tokens, _PARSER.options, {})
    # Only the renderer writes tags (everything typed is escaped): a table scrolls in its own
    # region on a narrow screen, as every table of the app does (macros/tables.html).
    parts = html.split("<table>")
    label = escape(where)
    html = parts[0] + "".join(
        _TABLE_OPEN.format(label=f"Tabell {n} i {label}") + part
        for n, part in enumerate(parts[1:], start=1)
    )
    return Markup(html.replace("</table>", "</table></div>"))  # noqa: S704 - markdown-it escapes every character typed (html off)
