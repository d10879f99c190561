"""Monte Carlo over the sampling distribution of the trade-cost coefficients.

As gegravity's ``MonteCarloGE``: coefficients are drawn from the multivariate normal
:math:`N(\\hat\\beta, \\hat V)` (diagonal from the standard errors when no covariance is
known), the scenario is re-solved for every draw, and per-country results are summarised
by their median and a central band (default 90%).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal, Sequence

import numpy as np
import pandas as pd

from tradegap.errors import ConvergenceError, InputError
from tradegap.ge.model import Baseline, CostStructure
from tradegap.ge.results import build_result
from tradegap.ge.solve import solve
from tradegap.progress import Progress, report
from tradegap.validation import check_number, check_option

BAND_COLUMNS: tuple[str, ...] = ("exports_change_pct", "imports_change_pct", "real_gdp_change_pct")


@dataclass(frozen=True)
class MonteCarloResult:
    """Monte Carlo summary.

    Attributes
    ----------
    draws
        Coefficient draws, one row per trial (columns = cost variables).
    bands
        Per country: for each of :data:`BAND_COLUMNS`, ``<col>_lo``, ``<col>_median``,
        ``<col>_hi`` (quantiles ``(1-level)/2``, 0.5, ``(1+level)/2``) and ``<col>_sd``.
    trials
        Trials requested; ``failed`` how many did not converge (left out of the bands).
    level
        Coverage of the band.
    """

    draws: pd.DataFrame
    bands: pd.DataFrame
    trials: int
    failed: int
    level: float

    def to_frame(self) -> pd.DataFrame:
        """The bands frame."""
        return self.bands.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict."""
        return {
            "trials": self.trials,
            "failed": self.failed,
            "level": self.level,
            "bands": self.bands.to_dict(orient="records"),
        }


def draw_coefficients(costs: CostStructure, trials: int, seed: int = 0) -> np.ndarray:
    """Draws of the coefficients, shape (trials, K)."""
    k = len(costs.variables)
    if k == 0:
        raise InputError("Monte Carlo needs estimated cost coefficients; this baseline has none.")
    if costs.vcov is not None:
        V = np.asarray(costs.vcov, dtype=float)
    elif costs.se is not None:
        V = np.diag(np.nan_to_num(np.asarray(costs.se, dtype=float)) ** 2)
    else:
        raise InputError(
            "Monte Carlo needs standard errors or a covariance of the coefficients.",
            hint="Estimate the coefficients, or give 'se' with each fixed coefficient.",
        )
    if not np.any(np.diag(V) > 0):
        raise InputError("Monte Carlo: every coefficient has zero variance; nothing to draw.")
    rng = np.random.default_rng(seed)
    return rng.multivariate_normal(costs.coef, V, size=trials, method="eigh")


def _one_draw(baseline, new, b, redraw, convention, deficits) -> pd.DataFrame | None:
    """Per-country results of one coefficient draw ``b``; ``None`` if it does not converge."""
    if redraw == "shock":
        base_log = baseline.costs.log_costs()
        t0 = np.exp(base_log)
        t1 = np.exp(base_log + new.log_costs(b) - baseline.costs.log_costs(b))
    else:
        t0 = baseline.costs.trade_costs(b)
        t1 = new.trade_costs(b)
    try:
        sol = solve(baseline, t1, convention=convention, deficits=deficits, baseline_costs=t0)
    except ConvergenceError:
        return None
    r = build_result(baseline, sol, convention=convention, deficits=deficits)
    return r.countries[["country", *BAND_COLUMNS]].copy()


_WORKER: dict[str, Any] = {}


def _init_worker(*args: Any) -> None:
    _WORKER["args"] = args


def _worker_draw(b: np.ndarray) -> pd.DataFrame | None:
    baseline, new, redraw, convention, deficits = _WORKER["args"]
    return _one_draw(baseline, new, b, redraw, convention, deficits)


def _map_draws(baseline, new, draws, redraw, convention, deficits, workers) -> Iterator[pd.DataFrame | None]:
    """Results of every draw, in draw order: in this process, or on ``workers`` spawned processes."""
    if workers == 1:
        for b in draws:
            yield _one_draw(baseline, new, b, redraw, convention, deficits)
        return
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(baseline, new, redraw, convention, deficits)) as pool:
        yield from pool.map(_worker_draw, list(draws), chunksize=max(1, len(draws) // (4 * workers)))


def monte_carlo(
    baseline: Baseline,
    changes: Sequence[Any] | CostStructure,
    *,
    trials: int = 100,
    seed: int = 0,
    level: float = 0.9,
    convention: str = "exact",
    deficits: str = "multiplicative",
    redraw: Literal["shock", "all"] = "shock",
    progress: Progress | None = None,
    workers: int = 1,
) -> MonteCarloResult:
    """Re-solve a scenario for coefficient draws and summarise the spread.

    Parameters
    ----------
    baseline
        The calibrated baseline (with coefficient standard errors or covariance).
    changes
        The scenario's changes (:class:`tradegap.ge.scenario.Change`) or the
        counterfactual :class:`CostStructure`.
    trials, seed
        Number of draws and the random seed (reproducible).
    level
        Central coverage of the band (0 < level < 1).
    convention, deficits
        As in :func:`tradegap.ge.simulate`.
    redraw
        ``"shock"`` (default): the baseline trade costs stay at their calibrated values
        and only the change :math:`\\Delta \\ln t^{1-\\sigma}` is redrawn; ``"all"``: the
        baseline is rebuilt from each draw too (as gegravity does).
    progress
        A :data:`tradegap.progress.Progress` callback, ``progress("Monte Carlo", done, trials)``
        after each trial.
    workers
        Processes solving draws in parallel (default 1: in this process).  The
        result does not depend on it; each worker pays its start-up (~1-2 s), so
        it pays off from a few hundred countries or many draws.

    Returns
    -------
    MonteCarloResult
    """
    check_number("trials", trials, "monte_carlo", integer=True, low=2)
    check_number("level", level, "monte_carlo", low=0, high=1, low_open=True, high_open=True)
    check_number("workers", workers, "monte_carlo", integer=True, low=1)
    check_option("redraw", redraw, ("shock", "all"), "monte_carlo")
    if isinstance(changes, CostStructure):
        new = changes
    else:
        from tradegap.ge.changes import apply_changes

        new = apply_changes(baseline, changes)
    draws = draw_coefficients(baseline.costs, trials, seed)
    rows = []
    failed = 0
    for k, f in enumerate(_map_draws(baseline, new, draws, redraw, convention, deficits, workers)):
        if f is None:
            failed += 1
            continue
        f["trial"] = k
        rows.append(f)
        report(progress, "Monte Carlo", k + 1, trials)
    if not rows:
        raise ConvergenceError(
            f"None of the {trials} Monte Carlo trials converged.",
            hint="Check the coefficients' standard errors (implausibly large?) and the scenario.",
        )
    allr = pd.concat(rows, ignore_index=True)
    lo, hi = (1 - level) / 2, (1 + level) / 2
    g = allr.groupby("country", sort=True)
    out = pd.DataFrame({"country": sorted(allr["country"].unique())})
    for col in BAND_COLUMNS:
        out[f"{col}_lo"] = g[col].quantile(lo).to_numpy()
        out[f"{col}_median"] = g[col].median().to_numpy()
        out[f"{col}_hi"] = g[col].quantile(hi).to_numpy()
        out[f"{col}_sd"] = g[col].std().to_numpy()
    return MonteCarloResult(
        draws=pd.DataFrame(draws, columns=list(baseline.costs.variables)),
        bands=out,
        trials=trials,
        failed=failed,
        level=level,
    )
