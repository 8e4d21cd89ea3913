"""What a document type is: its variables (dotted name, meaning, example) and the checks on the
paths a template uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kaa_web.docx.render import TEMPLATE_DIR


@dataclass(frozen=True)
class Variable:
    """One value a template may use: its dotted name, what it means (Swedish), an example."""

    name: str
    meaning: str
    example: object

    @property
    def example_text(self) -> str:
        """The example as a template's author reads it (dates ÅÅÅÅ-MM-DD, a list's entries by
        their field names), never Python's own notation."""
        return _shown(self.example, top=True)


def _shown(value: object, top: bool = False) -> str:
    if value is None or value == "":
        return "(tomt)" if top else "–"
    if isinstance(value, bytes):
        return "(bild)"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        text = ", ".join(f"{k}: {_shown(v)}" for k, v in value.items())
        return text if top else f"({text})"
    if isinstance(value, list):
        text = "; ".join(_shown(v, top=True) for v in value) if value else "tom lista"
        return text if top and value else f"({text})"
    return str(value)


@dataclass(frozen=True)
class DocumentType:
    code: str
    name: str
    description: str
    template_file: str
    variables: tuple[Variable, ...]

    @property
    def variable_names(self) -> frozenset[str]:
        return frozenset(v.name for v in self.variables)

    @property
    def builtin_path(self):
        return TEMPLATE_DIR / self.template_file

    def example_context(self) -> dict:
        """The variables' example values as the nested dict a template receives."""
        return nest({v.name: v.example for v in self.variables})

    def leaf_under(self, name: str) -> str | None:
        """The variable `name` reaches past (`ungdom.fornamn` for `ungdom.fornamn.upper`)."""
        return next((k for k in self.variable_names if name.startswith(k + ".")), None)

    def unknown_variables(self, used: set[str]) -> list[str]:
        """The paths a template uses that this type does not offer.

        A group (`kommun`) is fine; a path past a variable (`kommun.logotyp.tpl`,
        `ungdom.fornamn.upper`, `datum.year`) is not: a template reads values, and formats them
        with filters (`ungdom.fornamn|upper`), never with their attributes or methods.
        """
        known = self.variable_names
        groups = {name.rsplit(".", i)[0] for name in known for i in range(1, name.count(".") + 1)}
        return sorted(name for name in used if name not in known and name not in groups)


def nest(flat: dict[str, object]) -> dict:
    """{"a.b": 1, "a.c": 2} -> {"a": {"b": 1, "c": 2}}."""
    result: dict = {}
    for dotted, value in flat.items():
        *parents, leaf = dotted.split(".")
        node = result
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return result
