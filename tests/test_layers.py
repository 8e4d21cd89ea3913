"""The layers of kaa_web (README, "How a feature is laid out"): every import, also one inside a
function, goes down or stays in its layer, and no modules import each other in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kaa_web"

# Each module's layer, by the longest matching name; anything unnamed under kaa_web.services
# is a feature.
RULES_AND_MODELS, CROSS_CUTTING, FEATURES, COMPOSITION, APP = 1, 2, 3, 4, 5
LAYERS = {
    # 1. tables, pure rules and engines: no Flask request, no session of their own
    "kaa_web.models": RULES_AND_MODELS,
    "kaa_web.rules": RULES_AND_MODELS,
    "kaa_web.config": RULES_AND_MODELS,
    "kaa_web.docx": RULES_AND_MODELS,
    "kaa_web.services.errors": RULES_AND_MODELS,
    # 2. what every feature uses and that imports no feature
    "kaa_web.db": CROSS_CUTTING,
    "kaa_web.permissions": CROSS_CUTTING,
    "kaa_web.audit": CROSS_CUTTING,
    "kaa_web.once": CROSS_CUTTING,
    "kaa_web.exports": CROSS_CUTTING,
    "kaa_web.markup": CROSS_CUTTING,  # the plan's texts as HTML and as a document's blocks
    "kaa_web.directory": CROSS_CUTTING,
    "kaa_web.services.access": CROSS_CUTTING,
    "kaa_web.services.timeline": CROSS_CUTTING,
    "kaa_web.services.tasks": CROSS_CUTTING,
    "kaa_web.services.staff": CROSS_CUTTING,
    "kaa_web.services.letter_context": CROSS_CUTTING,
    "kaa_web.services.jobs": CROSS_CUTTING,
    # 3. features
    "kaa_web.services": FEATURES,
    # 4. pages that combine features
    "kaa_web.services.worklist": COMPOSITION,
    "kaa_web.services.downloads": COMPOSITION,
    "kaa_web.services.statistics": COMPOSITION,
    "kaa_web.services.action_plan": COMPOSITION,  # goals read the statistics
    # 5. the app and what serves requests: views, forms, navigation, the CLI, the demo
    "kaa_web": APP,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int:
    name = module
    while name not in LAYERS:
        name = name.rpartition(".")[0]
    return LAYERS[name]


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """The kaa_web modules one import statement names (a name imported from a package counts
    as its submodule when there is one)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        anchor = module.split(".")
        anchor = anchor if is_package else anchor[:-1]
        anchor = anchor[: len(anchor) - node.level + 1]
        base = ".".join([*anchor, base] if base else anchor)
    return [
        f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
        for alias in node.names
    ]


def imports() -> dict[str, set[str]]:
    """module -> the kaa_web modules it imports anywhere in its file, late imports too."""
    graph = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        found = set()
        for node in ast.walk(tree):
            for name in _imported(node, module, path.name == "__init__.py"):
                while name and name not in MODULES:  # `import kaa_web.x.y` of a function
                    name = name.rpartition(".")[0]
                if name.startswith("kaa_web") and name != module:
                    found.add(name)
        graph[module] = found
    return graph


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for name in graph.get(todo.pop(), ()):
            if name not in seen:
                seen.add(name)
                todo.append(name)
    return seen


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that reach each other (more than one module each)."""
    reach = {module: reachable(graph, module) for module in graph}
    groups = {
        tuple(sorted({m} | {o for o in reach[m] if m in reach.get(o, ())}))
        for m in graph
        if m in reach[m]
    }
    return sorted(list(g) for g in groups if len(g) > 1)


def test_the_layer_map_names_every_module():
    assert len(MODULES) > 80  # the package was really read
    assert all(layer_of(m) in range(1, 6) for m in MODULES)


def test_no_module_imports_a_higher_layer():
    upward = sorted(
        f"{module} (layer {layer_of(module)}) imports {name} (layer {layer_of(name)})"
        for module, names in imports().items()
        for name in names
        if layer_of(name) > layer_of(module)
    )
    assert upward == []


def test_no_modules_import_each_other_in_a_circle():
    assert cycles(imports()) == []


def test_the_check_finds_a_late_import_that_closes_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    tree = ast.parse("def f():\n    from kaa_web.services import meetings\n")
    late = {n for node in ast.walk(tree) for n in _imported(node, "kaa_web.services.tasks", False)}
    assert late == {"kaa_web.services.meetings"}
