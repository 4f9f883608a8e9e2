"""The project's own modules import one another in one direction only.

Every import counts, those inside functions included, so a cycle cannot hide
behind a function-level import. ``hiring`` never imports ``assessments``, and
the scoring engine imports neither app.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("config", "hiring", "assessments")


def project_modules(root: Path, packages=PACKAGES) -> dict[str, Path]:
    modules = {}
    for package in packages:
        for path in (root / package).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the project modules it imports, anywhere in its body."""

    def owner(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[
                        : len(package.split(".")) - node.level + 1
                    ]
                    base = ".".join([*parts, base] if base else parts)
                targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            else:
                continue
            for target in targets:
                found = owner(target)
                # A module's own package is not an edge: importing a sibling
                # through ``from package import sibling`` is.
                if found and found != name and not name.startswith(found + "."):
                    graph[name].add(found)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(set(graph) | {n for targets in graph.values() for n in targets}):
        if node not in index:
            visit(node)
    return found


@pytest.fixture(scope="module")
def graph():
    return import_graph(project_modules(REPO_ROOT))


def test_it_finds_no_import_cycle_between_modules(graph):
    assert cycles(graph) == []


def test_it_keeps_hiring_free_of_assessments(graph):
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        for target in targets
        if module.startswith("hiring") and target.split(".")[0] == "assessments"
    )
    assert upward == []


def test_it_keeps_the_scoring_engine_free_of_the_apps(graph):
    impure = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        for target in targets
        if module.startswith("assessments.scoring")
        and not target.startswith("assessments.scoring")
    )
    assert impure == []


def test_it_sees_imports_inside_functions_and_relative_ones(tmp_path):
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "orders.py").write_text("from . import stock\n")
    (shop / "stock.py").write_text(
        "def reserve():\n    from shop.orders import place\n    return place\n"
    )
    (shop / "prices.py").write_text("import shop.stock\n")

    graph = import_graph(project_modules(tmp_path, ("shop",)))

    assert graph["shop.orders"] == {"shop.stock"}
    assert graph["shop.stock"] == {"shop.orders"}
    assert cycles(graph) == [["shop.orders", "shop.stock"]]
