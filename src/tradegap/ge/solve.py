"""Solvers: multilateral resistances, conditional GE and full endowment GE.

Two conventions for the full endowment GE are offered (``convention=``):

``"exact"`` (default)
    The Advanced Guide's full endowment GE (Yotov et al. 2016, ch. 2; Larch & Yotov
    2016) solved to its fixed point: factory-gate prices, output
    :math:`Y'_i = \\hat p_i Y_i`, expenditure :math:`E'_i` (multiplicative or additive
    deficits) and the multilateral resistances are all mutually consistent, with
    :math:`\\hat p_i = [(Y'/Y)\\,\\Pi'^{1-\\sigma}_i / \\Pi^{1-\\sigma}_i]^{1/\\sigma}` from the
    market-clearing price equation and :math:`P'_{ref} = P_{ref} = 1`.
``"gegravity"``
    Exactly what the USITC ``gegravity`` package (v0.3, ``OneSectorGE``) computes: its
    full-GE multilateral resistances are solved with *baseline* output and expenditure
    shares and the counterfactual trade costs (so they equal the conditional ones) and
    :math:`\\hat p_i = (\\Pi_i^{1-\\sigma} / \\Pi'^{1-\\sigma}_i)^{1/(1-\\sigma)}`, which is
    the first step of the Guide's iterative procedure. Multiplicative deficits only.

The multilateral-resistance system is solved in logs by Newton's method with an
analytic Jacobian (warm-started by a few matrix-scaling sweeps), with the reference
country's inward MR normalised to one; it converges quadratically and reports its
iterations and final residual.

The matrices are at most N x N, where OpenBLAS's own threads cost more than they
give (2-20x slower at 150+ countries on two cores): every solve runs with the
BLAS pinned to ``blas_threads`` (default 1) through threadpoolctl, and restores
the previous setting afterwards.  Parallelism belongs one level up, over
Monte Carlo draws (:func:`tradegap.ge.montecarlo.monte_carlo`, ``workers=``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Literal

import numpy as np
from threadpoolctl import ThreadpoolController

from tradegap.errors import ConvergenceError, InputError
from tradegap.ge.model import DEFICITS, Baseline, Deficits, check_sigma
from tradegap.validation import check_option

Convention = Literal["exact", "gegravity"]
CONVENTIONS: tuple[str, ...] = ("exact", "gegravity")

_HINT = (
    "Check that every country has a positive trade cost to at least one market (domestic pair "
    "included) and that trade costs are finite; raise 'max_iter' or loosen 'tol'; with extreme "
    "cost changes try a smaller change first."
)


@dataclass(frozen=True)
class MRSolution:
    """Multilateral resistances in power form.

    Attributes
    ----------
    imr_pow
        :math:`P_j^{1-\\sigma}`, shape (N,); equals 1 for the reference country.
    omr_pow
        :math:`\\Pi_i^{1-\\sigma}`, shape (N,).
    iterations
        Newton iterations (after the warm-start sweeps).
    residual
        Max absolute residual of the log MR equations at the solution.
    """

    imr_pow: np.ndarray
    omr_pow: np.ndarray
    iterations: int
    residual: float


@dataclass(frozen=True)
class Diagnostics:
    """Convergence diagnostics of one simulation."""

    baseline_iterations: int
    baseline_residual: float
    conditional_iterations: int
    conditional_residual: float
    full_iterations: int
    full_residual: float
    converged: bool
    method: str

    def to_dict(self) -> dict:
        """JSON-able dict."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


#: BLAS threads used by the solvers unless told otherwise (see the module docstring).
BLAS_THREADS = 1
_CONTROLLER: list[ThreadpoolController] = []


@contextmanager
def limit_blas(threads: int | None = BLAS_THREADS) -> Iterator[None]:
    """Run the block with at most ``threads`` BLAS threads (``None``: leave the setting alone)."""
    if threads is None:
        yield
        return
    if not isinstance(threads, int) or isinstance(threads, bool) or threads < 1:
        raise InputError(f"The 'blas_threads' parameter must be a positive integer or None. Got {threads!r} instead.")
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    with _CONTROLLER[0].limit(limits=threads, user_api="blas"):
        yield


def _check_costs(t: np.ndarray, countries: tuple[str, ...] | None = None) -> None:
    if not np.all(np.isfinite(t)) or (t < 0).any():
        raise InputError("Trade costs t^(1-sigma) must be finite and non-negative.", hint=_HINT)
    rows = np.flatnonzero(~(t > 0).any(axis=1))
    cols = np.flatnonzero(~(t > 0).any(axis=0))
    if rows.size or cols.size:
        names = (lambda ix: [countries[i] if countries else int(i) for i in ix])
        raise InputError(
            f"Some countries have zero trade costs t^(1-sigma) to every partner "
            f"(exporters {names(rows)}, importers {names(cols)}): their multilateral resistances are undefined.",
            hint=_HINT,
        )


def solve_mr(
    trade_costs: np.ndarray,
    output_share: np.ndarray,
    expend_share: np.ndarray,
    ref: int,
    *,
    tol: float = 1e-12,
    max_iter: int = 100,
    init: MRSolution | None = None,
    sweeps: int = 20,
    blas_threads: int | None = BLAS_THREADS,
) -> MRSolution:
    """Solve the multilateral resistances given trade costs and shares.

    Solves :math:`P_j^{1-\\sigma} = \\sum_i t_{ij}^{1-\\sigma} y_i / \\Pi_i^{1-\\sigma}` for
    :math:`j \\ne ref`, :math:`P_{ref}^{1-\\sigma} = 1`, and
    :math:`\\Pi_i^{1-\\sigma} = \\sum_j t_{ij}^{1-\\sigma} e_j / P_j^{1-\\sigma}` for all i
    (the 2N-1 equations gegravity solves), in logs by Newton's method.

    Parameters
    ----------
    trade_costs
        :math:`t_{ij}^{1-\\sigma}`, shape (N, N), exporters in rows.
    output_share, expend_share
        :math:`y_i = Y_i / \\sum Y`, :math:`e_j = E_j / \\sum E`, shape (N,).
    ref
        Position of the reference country.
    tol
        Convergence tolerance on the max absolute log residual (i.e. relative error).
    max_iter
        Maximum Newton iterations.
    init
        Starting values (e.g. the baseline solution for a counterfactual).
    sweeps
        Matrix-scaling sweeps before Newton when there is no ``init``.
    blas_threads
        BLAS threads during the solve (default 1; ``None`` leaves the setting alone).

    Returns
    -------
    MRSolution

    Raises
    ------
    ConvergenceError
        If the residual is not below ``tol`` after ``max_iter`` iterations.
    """
    with limit_blas(blas_threads):
        return _solve_mr(trade_costs, output_share, expend_share, ref, tol=tol, max_iter=max_iter, init=init,
                         sweeps=sweeps)


def _solve_mr(trade_costs, output_share, expend_share, ref, *, tol, max_iter=100, init=None, sweeps=20) -> MRSolution:
    t = np.asarray(trade_costs, dtype=float)
    n = t.shape[0]
    A = t * np.asarray(output_share, dtype=float)[:, None]  # A_ij = t_ij y_i
    B = t * np.asarray(expend_share, dtype=float)[None, :]  # B_ij = t_ij e_j
    if init is None:
        lp = np.zeros(n)
        lq = np.zeros(n)
    else:
        lp = np.log(init.imr_pow).copy()
        lq = np.log(init.omr_pow).copy()
    # Warm start: matrix-scaling sweeps (Sinkhorn) in levels, then normalise P_ref = 1.
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        for _ in range(sweeps if init is None else 0):
            lp = np.log(A.T @ np.exp(-lq))
            lq = np.log(B @ np.exp(-lp))
        shift = lp[ref]
        lp = lp - shift
        lq = lq + shift
    keep = np.ones(n, dtype=bool)
    keep[ref] = False

    def residuals(lp: np.ndarray, lq: np.ndarray):
        eq = np.exp(-lq)
        ep = np.exp(-lp)
        S = A.T @ eq  # (N,) over j
        T = B @ ep  # (N,) over i
        F = lp - np.log(S)
        G = lq - np.log(T)
        return np.concatenate([F[keep], G]), eq, ep, S, T

    def maxnorm(r: np.ndarray) -> float:
        return float(np.max(np.abs(r))) if np.all(np.isfinite(r)) else np.inf

    def newton(lp: np.ndarray, lq: np.ndarray, budget: int):
        """Damped Newton (backtracking on the 2-norm); stops when stuck."""
        res, eq, ep, S, T = residuals(lp, lq)
        norm = maxnorm(res)
        used = 0
        while not (norm < tol) and used < budget:
            used += 1
            W = A * eq[:, None] / S[None, :]  # W_ij = dF_j/dlq_i
            V = B * ep[None, :] / T[:, None]  # V_ij = dG_i/dlp_j
            # Newton step for J = [[I, Wk'], [Vk, I]] by its Schur complement (size N-1):
            # dp + Wk' dq = -F, Vk dp + dq = -G  =>  (I - Wk' Vk) dp = -F + Wk' G, dq = -G - Vk dp
            Wt = W.T[keep, :]
            Vk = V[:, keep]
            F, G = res[: n - 1], res[n - 1 :]
            M = np.eye(n - 1) - Wt @ Vk
            try:  # LAPACK gesv; an ill-conditioned step is caught by the line search and the sweep fallback
                dp = np.linalg.solve(M, -F + Wt @ G)
            except np.linalg.LinAlgError:
                break
            step = np.concatenate([dp, -G - Vk @ dp])
            if not np.all(np.isfinite(step)):
                break
            ss = float(res @ res)
            lam = 1.0
            accepted = False
            for _ in range(30):
                lp_new = lp.copy()
                lp_new[keep] += lam * step[: n - 1]
                lq_new = lq + lam * step[n - 1 :]
                out = residuals(lp_new, lq_new)
                r2 = out[0]
                if np.all(np.isfinite(r2)) and (float(r2 @ r2) < (1 - 1e-4 * lam) * ss or maxnorm(r2) < tol):
                    accepted = True
                    break
                lam *= 0.5
            if not accepted:
                break
            lp, lq = lp_new, lq_new
            res, eq, ep, S, T = out
            norm = maxnorm(res)
        return lp, lq, norm, used

    def sweeps_until(lp: np.ndarray, lq: np.ndarray, target: float, limit: int):
        """Matrix-scaling (Sinkhorn) sweeps: globally convergent for positive systems, linear rate."""
        for _ in range(limit):
            lp = np.log(A.T @ np.exp(-lq))
            lq = np.log(B @ np.exp(-lp))
            shift = lp[ref]
            lp, lq = lp - shift, lq + shift
            if maxnorm(residuals(lp, lq)[0]) < target:
                break
        return lp, lq

    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        lp, lq, norm, it = newton(lp, lq, max_iter)
        rounds = 0
        while not (norm < tol) and rounds < 4 and it < max_iter:
            # Newton stalled (far from the solution): contract with scaling sweeps, then retry
            rounds += 1
            lp, lq = sweeps_until(lp, lq, 10.0 ** (-2 - rounds), 20_000)
            lp, lq, norm, used = newton(lp, lq, max_iter - it)
            it += used
    if not (norm < tol):
        raise ConvergenceError(
            f"The multilateral-resistance system did not converge: max log residual {norm:.3g} "
            f"after {it} Newton iterations (tolerance {tol:g}).",
            hint=_HINT,
        )
    return MRSolution(imr_pow=np.exp(lp), omr_pow=np.exp(lq), iterations=it, residual=float(norm))


@dataclass(frozen=True)
class Solution:
    """Raw arrays of a solved baseline + counterfactual (levels; see :mod:`tradegap.ge.results`)."""

    baseline: MRSolution
    conditional: MRSolution
    full: MRSolution
    price: np.ndarray  # p̂_i, factory-gate price change factor (baseline p = 1)
    output: np.ndarray  # Y'_i
    expenditure: np.ndarray  # E'_j
    costs0: np.ndarray  # baseline t^(1-sigma)
    costs1: np.ndarray  # counterfactual t^(1-sigma)
    diagnostics: Diagnostics


def solve(
    baseline: Baseline,
    counterfactual_costs: np.ndarray,
    *,
    convention: Convention = "exact",
    deficits: Deficits = "multiplicative",
    tol: float = 1e-12,
    max_iter: int = 1000,
    baseline_costs: np.ndarray | None = None,
    progress: Callable[[int, float], None] | None = None,
    blas_threads: int | None = BLAS_THREADS,
) -> Solution:
    """Solve baseline, conditional and full endowment GE for new trade costs.

    Parameters
    ----------
    baseline
        The calibrated baseline.
    counterfactual_costs
        :math:`t'^{1-\\sigma}_{ij}`, shape (N, N).
    convention
        ``"exact"`` (Guide, fixed point) or ``"gegravity"`` (gegravity v0.3's one-step
        full GE); see the module docstring.
    deficits
        ``"multiplicative"`` (:math:`E_i/Y_i` fixed) or ``"additive"``
        (:math:`E_i - Y_i` fixed; ``convention="exact"`` only).
    tol
        Tolerance of every solver (max abs log change / residual).
    max_iter
        Maximum outer iterations of the full-GE price fixed point.
    baseline_costs
        Override the baseline's :math:`t^{1-\\sigma}` (used by Monte Carlo).
    progress
        Optional callback ``progress(iteration, max_change)`` of the full-GE loop.
    blas_threads
        BLAS threads during the solve (default 1, the fast setting for these N x N
        problems; ``None`` leaves the process setting alone).

    Returns
    -------
    Solution
    """
    with limit_blas(blas_threads):
        return _solve(baseline, counterfactual_costs, convention=convention, deficits=deficits, tol=tol,
                      max_iter=max_iter, baseline_costs=baseline_costs, progress=progress)


def _solve(baseline, counterfactual_costs, *, convention, deficits, tol, max_iter, baseline_costs,
           progress) -> Solution:
    check_option("convention", convention, CONVENTIONS, "simulate")
    check_option("deficits", deficits, DEFICITS, "simulate")
    check_sigma(baseline.sigma)
    if convention == "gegravity" and deficits != "multiplicative":
        raise InputError(
            "convention='gegravity' supports only multiplicative deficits (as gegravity does).",
            hint="Use convention='exact' for additive deficits.",
        )
    sigma = baseline.sigma
    ref = baseline.ref_index
    t0 = baseline.trade_costs() if baseline_costs is None else np.asarray(baseline_costs, dtype=float)
    t1 = np.asarray(counterfactual_costs, dtype=float)
    n = baseline.n
    if t1.shape != (n, n):
        raise InputError(f"Counterfactual trade costs must have shape ({n}, {n}); got {t1.shape}.")
    _check_costs(t0, baseline.countries)
    _check_costs(t1, baseline.countries)
    Y = baseline.output
    E = baseline.expenditure
    ys, es = Y / Y.sum(), E / E.sum()
    base = _solve_mr(t0, ys, es, ref, tol=tol)
    cond = _solve_mr(t1, ys, es, ref, tol=tol, init=base)
    if convention == "gegravity":
        full = cond
        price = (base.omr_pow / cond.omr_pow) ** (1.0 / (1.0 - sigma))
        Y1 = price * Y
        E1 = (E / Y) * Y1
        outer, change = 0, 0.0
    else:
        phi = E / Y
        D = E - Y
        price = np.ones(n)
        full = cond
        change = np.inf
        damp = 1.0
        outer = 0
        while outer < max_iter:
            outer += 1
            Y1 = price * Y
            E1 = phi * Y1 if deficits == "multiplicative" else Y1 + D
            if (E1 <= 0).any():
                raise ConvergenceError(
                    "Full GE: expenditure became non-positive with additive deficits "
                    f"(countries {[baseline.countries[i] for i in np.flatnonzero(E1 <= 0)]}).",
                    hint="Use deficits='multiplicative', or a smaller trade-cost change.",
                )
            full = _solve_mr(t1, Y1 / Y1.sum(), E1 / E1.sum(), ref, tol=tol, init=full)
            new = ((Y1.sum() / Y.sum()) * full.omr_pow / base.omr_pow) ** (1.0 / sigma)
            prev, change = change, float(np.max(np.abs(np.log(new) - np.log(price))))
            if not np.isfinite(change):
                raise ConvergenceError("The full endowment GE diverged (non-finite factory-gate prices).", hint=_HINT)
            if change > prev:  # oscillation or divergence: damp the update
                damp = max(0.5 * damp, 0.05)
            price = price ** (1.0 - damp) * new**damp
            if progress is not None:
                progress(outer, change)
            if change < tol:
                break
        Y1 = price * Y
        E1 = phi * Y1 if deficits == "multiplicative" else Y1 + D
        full = _solve_mr(t1, Y1 / Y1.sum(), E1 / E1.sum(), ref, tol=tol, init=full)
        if not (change < max(tol, 1e-10)):
            raise ConvergenceError(
                f"The full endowment GE did not converge: factory-gate prices still changed by "
                f"{change:.3g} (log) after {outer} iterations (tolerance {tol:g}).",
                hint=_HINT,
            )
    diag = Diagnostics(
        baseline_iterations=base.iterations,
        baseline_residual=base.residual,
        conditional_iterations=cond.iterations,
        conditional_residual=cond.residual,
        full_iterations=outer,
        full_residual=float(change),
        converged=True,
        method=f"log-Newton MR solver; full GE: {convention} ({deficits} deficits)",
    )
    return Solution(
        baseline=base,
        conditional=cond,
        full=full,
        price=price,
        output=Y1,
        expenditure=E1,
        costs0=t0,
        costs1=t1,
        diagnostics=diag,
    )
