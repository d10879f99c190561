"""tradegap: how much more could two countries trade, why don't they, and what would change it.

The package's entry points are functions returning result objects:

- :func:`tradegap.fepois` — PPML with high-dimensional fixed effects (``tradegap.estimate``);
- :mod:`tradegap.measure` — ``trade`` and ``peers`` for a pair;
- :mod:`tradegap.potential` — structural and size-based trade potential, gap decomposition;
- :mod:`tradegap.ge` — general-equilibrium scenarios;
- :mod:`tradegap.brief` — the pair brief; :mod:`tradegap.article` — read an article and check its claims.

Submodules are imported lazily so that ``import tradegap`` stays fast.
"""

from __future__ import annotations

from typing import Any

from tradegap.errors import TradegapError

__all__ = ["TradegapError", "__version__", "fepois"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Lazy re-exports (PEP 562): ``tradegap.fepois`` imports the estimation engine on first use."""
    if name == "fepois":
        from tradegap.estimate import fepois

        return fepois
    raise AttributeError(f"module 'tradegap' has no attribute {name!r}")
