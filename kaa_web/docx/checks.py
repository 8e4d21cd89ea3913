"""Checking an uploaded template: its package, the variables it uses, a test render."""

from __future__ import annotations

import io
import json
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import nodes

from kaa_web.docx import package as document_package
from kaa_web.docx.limits import Limits, TemplateRenderError
from kaa_web.docx.limits import run as run_limited
from kaa_web.docx.render import (
    Template,
    letter_keys,
    render_document_here,
    render_failure,
    render_letters_here,
)
from kaa_web.docx.sandbox import make_environment
from kaa_web.docx.types import DocumentType

# --- template variables ---------------------------------------------------------------------


def _template_sources(tpl: DocxTemplate) -> list[str]:
    """Every text docxtpl renders: body, headers, footers, footnotes, document properties."""
    document = tpl.get_docx()
    sources = [tpl.patch_xml(tpl.xml_to_string(document._element.body))]
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _key, part in tpl.get_headers_footers(uri):
            sources.append(tpl.patch_xml(tpl.get_part_xml(part)))
    for part in document.part.package.parts:
        if part.content_type.endswith(".footnotes+xml"):
            sources.append(tpl.patch_xml(part.blob.decode("utf-8")))
    properties = document.core_properties
    sources += [
        getattr(properties, name) or ""
        for name in ("author", "comments", "identifier", "language", "subject", "title")
    ]
    return sources


def _dotted(node: nodes.Node) -> str | None:
    """`a.b.c` (or `a['b'].c`) for a chain of attribute lookups on a name, else None."""
    parts: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            parts.append(str(node.arg.value))
            node = node.node
        elif isinstance(node, nodes.Name):
            parts.append(node.name)
            return ".".join(reversed(parts))
        else:
            return None


def _longest_paths(tree: nodes.Template, roots: set[str]) -> set[str]:
    paths: set[str] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        path = _dotted(node)
        if path and path.split(".", 1)[0] in roots:
            paths.add(path)
    # keep `a.b.c`, drop its prefixes `a.b` and `a` that the same lookup produced
    return {p for p in paths if not any(q.startswith(p + ".") for q in paths)}


def list_template_variables(template: bytes | Path | str) -> set[str]:
    """The variables a template uses, as attribute paths (`mottagare.namn`) where it can tell.

    Raises TemplateRenderError when the template code itself is broken. An uploaded template
    is only ever parsed inside check_template's limited process.
    """
    from jinja2 import meta

    source = io.BytesIO(template) if isinstance(template, bytes) else Path(template)
    tpl = Template(source)
    env = make_environment()
    found: set[str] = set()
    try:
        for text in _template_sources(tpl):
            tree = env.parse(text)
            roots = meta.find_undeclared_variables(tree)
            found |= _longest_paths(tree, roots)
    except Exception as exc:
        raise render_failure(exc) from exc
    return found


# --- checking an upload ---------------------------------------------------------------------


def _variable_problems(data: bytes, doc_type: DocumentType) -> list[str]:
    try:
        used = list_template_variables(data)
    except TemplateRenderError as exc:
        return [str(exc)]
    except Exception:  # python-docx could not read the package as a document
        return ["Filen går inte att läsa som ett Word-dokument."]
    problems = []
    for name in doc_type.unknown_variables(used):
        leaf = doc_type.leaf_under(name)
        if leaf:
            problems.append(
                f"{name}: en mall kan läsa {leaf} men inget under den. Formatera med "
                "ett filter i stället, till exempel {{ ungdom.fornamn|upper }}."
            )
        else:
            problems.append(f"Variabeln {name} finns inte för dokumenttypen {doc_type.name}.")
    return problems


def _check_here(data: bytes, doc_type: DocumentType) -> bytes:
    problems = document_package.check_docx_package(data) or _variable_problems(data, doc_type)
    if not problems:
        example = doc_type.example_context()
        render_document_here(data, example)
        render_letters_here(data, [example, example], letter_keys([example]))
    return json.dumps(problems).encode()


def check_template(data: bytes, doc_type: DocumentType) -> list[str]:
    """Everything wrong with `data` as an uploaded template of `doc_type` (Swedish); [] if fine.

    The package is checked first, then the variables it uses against the type's catalogue,
    then a test render (one letter, and a batch of two) with the example data — all of it in
    one child process under the limits of a small batch, since the file is hostile until shown
    otherwise.
    """
    try:
        reply = run_limited(_check_here, data, doc_type, limits=Limits.for_letters(3))
    except TemplateRenderError as exc:
        return [str(exc)]
    problems = json.loads(reply)
    return [str(p) for p in problems] if isinstance(problems, list) else [str(problems)]
