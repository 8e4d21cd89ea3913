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


# --- the same text as blocks a Word template lays out --------------------------------------


def _plain(inline) -> str:
    """An inline token's text as typed, without its markup (a Word template styles blocks)."""
    parts = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
    return "".join(parts).strip()


def _block(kind: str, text: str = "", level: int = 0, number: str = "", head=(), rows=()) -> dict:
    # every block has every key: a template reads what its kind needs and nothing is undefined
    return {
        "typ": kind,
        "text": text,
        "niva": level,
        "nr": number,
        "huvud": list(head),
        "rader": [list(r) for r in rows],
    }


def _table(tokens, start: int) -> tuple[dict, int]:
    """The table opening at tokens[start] as one block, and the index after it."""
    head: list[str] = []
    rows: list[list[str]] = []
    in_head, i = False, start
    while tokens[i].type != "table_close":
        token = tokens[i]
        if token.type in ("thead_open", "thead_close"):
            in_head = token.type == "thead_open"
        elif token.type == "tr_open" and not in_head:
            rows.append([])
        elif token.type == "inline":
            (head if in_head else rows[-1]).append(_plain(token))
        i += 1
    width = len(head)
    rows = [(r + [""] * width)[:width] for r in rows]  # markdown-it pads short rows itself
    return _block("tabell", head=head, rows=rows), i + 1


def _item(tokens, i: int, lists: list[list]) -> dict:
    """A list item's paragraph: a bullet or a number at its level, or a second paragraph."""
    ordered, number = lists[-1]
    if tokens[i - 2].type != "list_item_open":
        return _block("stycke", _plain(tokens[i]), len(lists))
    if not ordered:
        return _block("punkt", _plain(tokens[i]), len(lists))
    lists[-1][1] += 1
    return _block("nummer", _plain(tokens[i]), len(lists), f"{number}.")


def to_blocks(text: str) -> list[dict]:
    """The text as plain blocks for a Word template: rubrik, stycke, punkt (niva 1, 2, …),
    nummer (with its nr), tabell (huvud and rader) — headings, lists and tables as typed."""
    tokens = _PARSER.parse(text or "")
    blocks: list[dict] = []
    lists: list[list] = []  # the open lists: [ordered, next number]
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "table_open":
            table, i = _table(tokens, i)
            blocks.append(table)
            continue
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append([token.type == "ordered_list_open", int(token.attrGet("start") or 1)])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "inline" and tokens[i - 1].type == "heading_open":
            blocks.append(_block("rubrik", _plain(token)))
        elif token.type == "inline" and lists:
            blocks.append(_item(tokens, i, lists))
        elif token.type == "inline":
            blocks.append(_block("stycke", _plain(token)))
        elif token.type in ("code_block", "fence"):
            blocks.append(_block("stycke", token.content.rstrip("\n")))
        i += 1
    return blocks
