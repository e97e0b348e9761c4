"""The house rules of the code, read from its imports: the engine (assistant/) never imports its
adapters (api/, audit/, cli/, management/) or a network client, no two modules import each other (directly or
in a ring), and routes do not import each other.

    python tests/test_architecture.py     # prints the package-level import graph and any cycles
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assistant", "api", "audit", "cli", "management")
ADAPTERS = ("api", "audit", "cli", "management")
# libraries that belong to adapters: the engine must not reach for the network, a web framework
# or a terminal UI
ADAPTER_LIBRARIES = ("httpx", "fastapi", "starlette", "uvicorn", "typer", "rich", "mcp", "distributed", "openai")


def modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Every module `path` imports, anywhere in the file (a function-level import still couples)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in known else node.module)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(path, known) for name, path in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), among project modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in edges or w == v:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def _top(name: str) -> str:
    return name.split(".")[0]


def test_the_engine_imports_no_adapter_and_no_network_client():
    bad = sorted(
        (module, imported)
        for module, imported_set in graph().items()
        if _top(module) == "assistant"
        for imported in imported_set
        if _top(imported) in ADAPTERS or _top(imported) in ADAPTER_LIBRARIES
    )
    assert bad == []


def test_no_module_imports_itself_back():
    edges = {m: {i for i in imported if i != m and _top(i) in PACKAGES} for m, imported in graph().items()}
    assert cycles(edges) == []


def test_routes_do_not_import_each_other():
    bad = sorted(
        (module, imported)
        for module, imported_set in graph().items()
        if module.startswith("api.routes.")
        for imported in imported_set
        if imported.startswith("api.routes") and imported != module
    )
    assert bad == []


if __name__ == "__main__":
    packages: dict[str, set[str]] = defaultdict(set)
    for module, imported in graph().items():
        for target in imported:
            if _top(target) in PACKAGES and _top(target) != _top(module):
                packages[_top(module)].add(_top(target))
    for source in PACKAGES:
        print(f"{source:10} -> {', '.join(sorted(packages[source])) or '(nothing of ours)'}")
    edges = {m: {i for i in imported if _top(i) in PACKAGES and i != m} for m, imported in graph().items()}
    print("module cycles:", cycles(edges) or "none")
