"""Import contracts over the real import graph of ``src/tradegap`` (module-level and lazy imports).

Layers, lowest first; a module may import its own layer or lower ones, never a higher one:

0. foundation — errors, _json, coverage, defaults, validation, fitnotes, progress
1. data       — countries, data.* (schema, readers, embedded files), cache (fingerprints the files)
2. core       — estimate.*, potential.* (core, results), ge.* (model, solve, changes, scenario
                runner, Monte Carlo), batch (many fits), sectors (definitions and fits), article
                text/claims/mentions
3. store      — store (the DuckDB store)
4. views      — views.*, world.* (the persisted world model) and the top-level data-bound modules
                measure, sanctions, politics
5. brief      — brief.*, article.checks and the article package
6. faces      — cli.*, api.*, report.*

The only upward edges are the PEP 562 re-exports listed in :data:`FACADES` (a core package
re-exporting its data-bound functions on first use, so ``tradegap.potential.structural`` keeps
working); they are excluded from the cycle check too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PKG = SRC / "tradegap"

LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("tradegap.errors", "tradegap._json", "tradegap.coverage", "tradegap.defaults",
                    "tradegap.validation", "tradegap.fitnotes", "tradegap.progress")),
    ("data", ("tradegap.countries", "tradegap.data", "tradegap.cache")),
    ("core", ("tradegap.estimate", "tradegap.batch", "tradegap.potential", "tradegap.ge", "tradegap.sectors",
              "tradegap.article.text", "tradegap.article.claims", "tradegap.article.mentions")),
    ("store", ("tradegap.store",)),
    ("views", ("tradegap.views", "tradegap.world", "tradegap.measure", "tradegap.sanctions", "tradegap.politics",
               "tradegap.agreements", "tradegap.sanctions_effect")),
    ("brief", ("tradegap.brief", "tradegap.article")),
    ("faces", ("tradegap.cli", "tradegap.api", "tradegap.report")),
]

#: Allowed upward edges: PEP 562 re-exports of a view from the core package that names it.
FACADES: frozenset[tuple[str, str]] = frozenset({
    ("tradegap.potential", "tradegap.views.potential"),
    ("tradegap.ge", "tradegap.views.scenarios"),
    ("tradegap.sectors", "tradegap.views.sectors"),
})


def _modules() -> dict[str, Path]:
    out = {}
    for p in PKG.rglob("*.py"):
        rel = p.relative_to(SRC).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The longest known module that ``name`` is or lies in."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(mod: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(tree):  # every import, at module level or inside a function
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = mod if is_pkg else mod.rpartition(".")[0]
                for _ in range(node.level - 1):
                    pkg = pkg.rpartition(".")[0]
                base = f"{pkg}.{base}" if base else pkg
            # ``from tradegap.views import potential`` names a module; ``from x import f`` names x
            names = [n for n in (f"{base}.{a.name}" for a in node.names) if n in MODULES] or [base]
        else:
            continue
        for n in names:
            if n.startswith("tradegap"):
                r = _resolve(n)
                if r and r != mod:
                    out.add(r)
    return out


GRAPH = {m: _imports(m, p) for m, p in MODULES.items()}


def _layer(mod: str) -> int | None:
    best: tuple[int, int] | None = None  # (prefix length, layer)
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if mod == p or mod.startswith(p + "."):
                if best is None or len(p) > best[0]:
                    best = (len(p), i)
    return None if best is None else best[1]


def test_every_module_has_a_layer():
    missing = sorted(m for m in MODULES if m != "tradegap" and _layer(m) is None)
    assert not missing, f"modules outside every layer (add them to LAYERS): {missing}"


def test_no_upward_import():
    bad = []
    for m, deps in GRAPH.items():
        if m == "tradegap":
            continue  # the root package re-exports the public entry points
        for d in deps:
            if (m, d) in FACADES:
                continue
            lm, ld = _layer(m), _layer(d)
            if lm is not None and ld is not None and ld > lm:
                bad.append(f"{m} ({LAYERS[lm][0]}) imports {d} ({LAYERS[ld][0]})")
    assert not bad, "upward imports:\n" + "\n".join(sorted(bad))


def test_no_import_cycle():
    graph = {m: {d for d in deps if (m, d) not in FACADES and d != "tradegap"} for m, deps in GRAPH.items()}
    # a package's __init__ importing its own submodules is not a cycle: drop edges from a
    # package to its children, and from a child to its parent package (Python runs the parent first)
    for m in graph:
        graph[m] = {d for d in graph[m] if not d.startswith(m + ".") and not m.startswith(d + ".")}
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(n: str) -> None:
        state[n] = 1
        stack.append(n)
        for d in sorted(graph.get(n, ())):
            if state.get(d) == 1:
                cycles.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d)
        stack.pop()
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_graph_sees_lazy_imports():
    """The parser finds imports inside functions (the brief's components, the CLI's commands)."""
    assert "tradegap.world" in GRAPH["tradegap.brief.components"]
    assert any(d.startswith("tradegap.brief") for d in GRAPH["tradegap.cli.potential_cmds"])


@pytest.mark.parametrize("pattern", [r"\bimport_module\b", r"\b__import__\b"])
def test_no_string_imports(pattern):
    hits = [f"{p.relative_to(SRC)}:{i}" for p in PKG.rglob("*.py")
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if re.search(pattern, line)]
    assert not hits, f"string imports: {hits}"
