"""Answers are cached in one place (``cache.CACHE``, keyed by the data's fingerprint); the only other
memos are loaders of immutable package data and pure derivations of it.

This test reads every module of ``src/tradegap`` and lists the functions decorated with
``functools.lru_cache`` / ``functools.cache``.  Each must be in :data:`ALLOWED` (reviewed: it reads
only the files shipped inside the package, or derives from them, so no ingest can make it stale) and
must not take a store, connection or path: a memo of anything an ingest can change belongs in
``cache.CACHE``.  See docs/ARCHITECTURE.md, "Caches".
"""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "src" / "tradegap"

#: module path → memoised functions, each a loader of immutable package data or a pure derivation.
ALLOWED: dict[str, set[str]] = {
    "agreements.py": {"_pairs"},  # embedded WTO RTA-IS pairs
    "api/service.py": {"_country_table"},  # country search table from the embedded gazetteer and BACI codes
    "article/mentions.py": {"_compiled"},  # regex built from the embedded gazetteer
    "cache.py": {"embedded_fingerprint"},  # hash of the shipped files themselves
    "countries.py": {"_index", "_resolve", "_gazetteer"},  # embedded code tables; name → ISO3 lookups
    "data/embedded.py": {"_read"},  # the one reader of the shipped Parquet files
    "politics.py": {"_rollcalls", "_votes", "_year_votes", "_ideal"},  # embedded UNGA votes, derived per year
    "sanctions.py": {"_cases_raw", "_un_members", "_pairs", "_indicator_all"},  # embedded GSDB, expanded
    "sanctions_effect.py": {"_indicator"},  # embedded GSDB trade cases per flow
    "views/sectors.py": {"_pairs_embedded"},  # embedded CEPII pair covariates
}

FORBIDDEN_PARAMS = {"store", "con", "connection", "path", "db"}


def _memo_decorated(fn: ast.FunctionDef) -> bool:
    for d in fn.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name in ("lru_cache", "cache"):
            return True
    return False


def _memos() -> dict[str, dict[str, ast.FunctionDef]]:
    found: dict[str, dict[str, ast.FunctionDef]] = {}
    for path in sorted(PKG.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _memo_decorated(node):
                found.setdefault(path.relative_to(PKG).as_posix(), {})[node.name] = node
    return found


def test_every_memo_is_a_reviewed_package_data_loader():
    found = _memos()
    unreviewed = {m: sorted(set(fns) - ALLOWED.get(m, set())) for m, fns in found.items()}
    unreviewed = {m: f for m, f in unreviewed.items() if f}
    assert not unreviewed, (
        f"lru_cache on {unreviewed}: cache answers in cache.CACHE (keyed by the store's fingerprint); "
        "memoise only loaders of immutable package data, and add them to ALLOWED with the reason"
    )
    stale = {m: sorted(fns - set(found.get(m, {}))) for m, fns in ALLOWED.items()}
    assert not {m: f for m, f in stale.items() if f}, f"ALLOWED names memos that no longer exist: {stale}"


def test_no_memo_takes_a_store_or_a_path():
    for module, fns in _memos().items():
        for name, fn in fns.items():
            params = {a.arg for a in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]}
            assert not params & FORBIDDEN_PARAMS, f"{module}:{name} memoises on {params & FORBIDDEN_PARAMS}"
