"""The Jinja environment documents are rendered in: sandboxed, autoescaping, deny by default."""

from __future__ import annotations

import re
from datetime import date, datetime

from jinja2 import StrictUndefined
from jinja2.filters import _GroupTuple
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment

from kaa_web.docx.limits import TemplateRenderError

MAX_SEQUENCE_RESULT = 100_000  # longest string/list a template may build with * or **


# Jinja filters a template may use. Those whose arguments can make the output huge or the work
# endless (center, indent, wordwrap, batch, slice, format, filesizeformat …) are left out.
SAFE_FILTERS = frozenset(
    {
        "abs", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first",
        "float", "groupby", "int", "items", "join", "last", "length", "list", "lower", "map",
        "max", "min", "reject", "rejectattr", "replace", "reverse", "round", "select",
        "selectattr", "sort", "string", "striptags", "sum", "title", "trim", "truncate",
        "unique", "upper", "wordcount",
    }
)  # fmt: skip
# The only attributes a template may read, by the exact type of the object (deny by default):
# a record's keys are read as items (see _DocumentSandbox.getattr), never as attributes.
_DATE = frozenset({"year", "month", "day", "weekday", "isoweekday", "isoformat"})
_STR_METHODS = frozenset(
    {"capitalize", "endswith", "isdigit", "lower", "lstrip", "rstrip", "startswith", "strip",
     "title", "upper"}
)  # fmt: skip
SAFE_ATTRIBUTES: dict[type, frozenset[str]] = {
    str: _STR_METHODS,
    date: _DATE,
    datetime: _DATE | {"hour", "minute"},
    LoopContext: frozenset(
        {"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth",
         "depth0", "previtem", "nextitem", "cycle", "changed"}
    ),
    _GroupTuple: frozenset({"grouper", "list"}),
}  # fmt: skip
_FORMAT_WIDTH = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\*|\d*)(?:\.(\*|\d*))?")


def _safe_replace(value, old, new, count=None):
    """`replace`, refusing results past the length cap (an empty `old` multiplies the text)."""
    text, old, new = str(value), str(old), str(new)
    times = text.count(old) if count is None else min(count, text.count(old))
    if len(text) + times * (len(new) - len(old)) > MAX_SEQUENCE_RESULT:
        raise TemplateRenderError("Mallen bygger för långa texter.")
    return text.replace(old, new, -1 if count is None else count)


class _DocumentSandbox(SandboxedEnvironment):
    """Jinja's sandbox, deny by default: a template reads its records' keys and the few
    attributes in SAFE_ATTRIBUTES, calls only those methods, and `*`, `**` and `%` are capped.
    The process it runs in has hard limits besides (kaa_web.docx.limits)."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def getattr(self, obj, attribute):
        if type(obj) is dict:  # a record: `a.b` is its key b, never one of dict's methods
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def is_safe_attribute(self, obj, attr, value):
        return attr in SAFE_ATTRIBUTES.get(type(obj), ())

    def is_safe_callable(self, obj):
        owner = getattr(obj, "__self__", None)
        return owner is not None and obj.__name__ in SAFE_ATTRIBUTES.get(type(owner), ())

    def call_binop(self, context, operator, left, right):
        if operator == "**" and (not isinstance(right, int | float) or abs(right) > 100):
            raise TemplateRenderError("Mallen räknar med för stora tal.")
        if operator == "%" and isinstance(left, str):
            for spec in _FORMAT_WIDTH.findall(left):
                if any(n == "*" or int(n or 0) > 1000 for n in spec):
                    raise TemplateRenderError("Mallen bygger för långa texter.")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int):
                    if len(seq) * times > MAX_SEQUENCE_RESULT:
                        raise TemplateRenderError("Mallen bygger för långa texter.")
        return super().call_binop(context, operator, left, right)


def _finalize(value):
    return "" if value is None else value


def make_environment() -> SandboxedEnvironment:
    """The one Jinja environment documents are rendered in: sandboxed, autoescaping, no globals."""
    env = _DocumentSandbox(autoescape=True, undefined=StrictUndefined, finalize=_finalize)
    env.globals.clear()  # no range, cycler, joiner, namespace, lipsum, dict
    env.filters = {name: f for name, f in env.filters.items() if name in SAFE_FILTERS}
    env.filters["replace"] = _safe_replace
    return env


