"""User entry point: :func:`simulate` a trade-cost change on a baseline."""

from __future__ import annotations

from typing import Callable

import numpy as np

from tradegap.ge.model import Baseline, CostStructure, Deficits
from tradegap.ge.results import GEResult, build_result
from tradegap.ge.solve import Convention, solve


def simulate(
    baseline: Baseline,
    counterfactual: CostStructure | np.ndarray,
    *,
    name: str = "scenario",
    convention: Convention = "exact",
    deficits: Deficits = "multiplicative",
    tol: float = 1e-12,
    max_iter: int = 1000,
    pair: tuple[str, str] | None = None,
    assumptions: tuple[str, ...] = (),
    progress: Callable[[int, float], None] | None = None,
) -> GEResult:
    """Simulate conditional and full endowment GE effects of new trade costs.

    Parameters
    ----------
    baseline
        The calibrated baseline (:func:`tradegap.ge.model.baseline_from_frame`, ...).
    counterfactual
        The new trade costs: a :class:`CostStructure` (e.g. from a scenario) or the
        matrix :math:`t'^{1-\\sigma}_{ij}`, shape (N, N).
    name
        Scenario name carried into the result.
    convention
        ``"exact"`` (the Guide's full endowment GE at its fixed point, default) or
        ``"gegravity"`` (reproduces gegravity v0.3's OneSectorGE).
    deficits
        ``"multiplicative"`` (default, E/Y fixed) or ``"additive"`` (E - Y fixed).
    tol, max_iter
        Solver tolerance (max abs log residual) and maximum full-GE iterations.
    pair
        Focal pair (a, b) for which the actual/potential ratio is reported.
    assumptions
        Statements added to the result.
    progress
        Optional callback ``progress(iteration, max_change)``.

    Returns
    -------
    GEResult
        Per-country % changes (exports, imports, real GDP, IMR, OMR, factory-gate
        price, ...), per-pair % changes, levels and diagnostics.

    Examples
    --------
    >>> import numpy as np
    >>> from tradegap.ge.model import baseline_from_arrays
    >>> t = np.array([[1.0, 0.2], [0.2, 1.0]])
    >>> b = baseline_from_arrays(["A", "B"], t, [1.0, 1.0], [1.0, 1.0], sigma=7, reference="A")
    >>> r = simulate(b, t * np.array([[1, 2], [2, 1]]))
    >>> bool(r.countries["exports_change_pct"].gt(0).all())
    True
    """
    t1 = counterfactual.trade_costs() if isinstance(counterfactual, CostStructure) else np.asarray(counterfactual)
    sol = solve(
        baseline,
        t1,
        convention=convention,
        deficits=deficits,
        tol=tol,
        max_iter=max_iter,
        progress=progress,
    )
    return build_result(
        baseline,
        sol,
        name=name,
        convention=convention,
        deficits=deficits,
        assumptions=assumptions,
        pair=pair,
    )
