"""Fixed-effect helpers for the potential module: Poisson fixed effects given a linear index.

The Poisson pseudo-likelihood with fixed effects has a closed-form first-order
condition for each fixed effect given the others: within every group the sum of
fitted values equals the sum of actual values (the PPML *adding-up* property).
Iterating those conditions over the fixed-effect dimensions (iterative
proportional fitting, IPF) solves for all fixed effects given the coefficients of
the regressors.  It is used here to (i) recover the stage-1 fixed effects in a
normalization chosen by tradegap, independent of the solver's own normalization
(and of pyfixest 0.60's ``fixef()`` problem with fixed-effects-only models), and
(ii) re-solve the stage-2 exporter and importer effects for every parametric
bootstrap draw of the stage-2 coefficients.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tradegap.errors import ConvergenceError


@dataclass(frozen=True, slots=True)
class FESolution:
    """Fixed effects solving the Poisson adding-up conditions.

    Attributes
    ----------
    effects : list of ndarray
        One array per fixed-effect dimension, shape ``(n_groups_k,)``, log scale;
        ``-inf`` for groups whose actual sum is zero (the effect is not identified).
    eta : ndarray, shape (n,)
        Linear index ``eta0 + sum_k effects[k][codes[k]]`` (``-inf`` outside ``alive``).
    alive : ndarray of bool, shape (n,)
        Rows whose every group has a positive actual sum (the estimation sample).
    iterations : int
    """

    effects: list[np.ndarray]
    eta: np.ndarray
    alive: np.ndarray
    iterations: int


def poisson_fe(
    y: np.ndarray,
    eta0: np.ndarray,
    codes: Sequence[np.ndarray],
    *,
    n_groups: Sequence[int] | None = None,
    init: Sequence[np.ndarray] | None = None,
    tol: float = 1e-11,
    maxiter: int = 20_000,
) -> FESolution:
    """Solve the Poisson fixed effects given a fixed linear index (IPF).

    Parameters
    ----------
    y : ndarray, shape (n,)
        Non-negative outcomes (trade values, any scale).
    eta0 : ndarray, shape (n,)
        Part of the linear index that is held fixed (regressors × coefficients + offset).
    codes : sequence of ndarray of int, each shape (n,)
        Group codes ``0..G_k-1`` of each fixed-effect dimension.
    n_groups : sequence of int, optional
        Number of groups per dimension (default: ``max(code) + 1``).
    init : sequence of ndarray, optional
        Starting values of the effects (warm start).
    tol : float
        Convergence criterion: largest absolute log adjustment in a sweep.
    maxiter : int
        Maximum number of sweeps.

    Returns
    -------
    FESolution

    Raises
    ------
    ConvergenceError
        If the adding-up conditions are not met within ``maxiter`` sweeps.
    """
    y = np.asarray(y, dtype=float)
    eta0 = np.asarray(eta0, dtype=float)
    codes = [np.asarray(c, dtype=np.int64) for c in codes]
    if n_groups is None:
        n_groups = [int(c.max()) + 1 if len(c) else 0 for c in codes]
    ysum = [np.bincount(c, y, minlength=g) for c, g in zip(codes, n_groups, strict=True)]
    alive = np.ones(len(y), dtype=bool)
    for c, s in zip(codes, ysum, strict=True):
        alive &= s[c] > 0
    # groups that lose all their positive rows after the other dimensions' pruning
    while True:
        sums = [np.bincount(c[alive], y[alive], minlength=g) for c, g in zip(codes, n_groups, strict=True)]
        new_alive = alive.copy()
        for c, s in zip(codes, sums, strict=True):
            new_alive &= s[c] > 0
        if new_alive.sum() == alive.sum():
            break
        alive = new_alive
    ysum = sums
    if init is None:
        fe = [np.zeros(g) for g in n_groups]
    else:
        fe = [np.where(np.isfinite(f), f, 0.0).astype(float).copy() for f in init]
    eta = eta0.copy()
    for f, c in zip(fe, codes, strict=True):
        eta += f[c]
    eta[~alive] = -np.inf
    # keep the index on a sane scale before exponentiating
    shift = np.max(eta[alive]) if alive.any() else 0.0
    eta[alive] -= shift
    fe[0] -= shift
    it = 0
    for it in range(1, maxiter + 1):  # noqa: B007 (the count is returned)
        worst = 0.0
        for k, c in enumerate(codes):
            mu = np.exp(eta)
            ms = np.bincount(c, mu, minlength=n_groups[k])
            pos = ysum[k] > 0
            adj = np.zeros(n_groups[k])
            adj[pos] = np.log(ysum[k][pos] / ms[pos])
            fe[k] += adj
            eta[alive] += adj[c[alive]]
            worst = max(worst, float(np.max(np.abs(adj))) if len(adj) else 0.0)
        if worst < tol:
            break
    else:
        raise ConvergenceError(
            f"Poisson fixed effects did not converge in {maxiter} sweeps (largest log adjustment {worst:.2e}).",
            hint="The panel may be badly connected; restrict it to countries that trade in every year.",
        )
    for k, s in enumerate(ysum):
        fe[k][s <= 0] = -np.inf
    return FESolution(effects=fe, eta=eta, alive=alive, iterations=it)


def sinkhorn2(
    ysum_a: np.ndarray,
    ysum_b: np.ndarray,
    kernel: np.ndarray,
    ca: np.ndarray,
    cb: np.ndarray,
    init_a: np.ndarray,
    init_b: np.ndarray,
    *,
    tol: float = 1e-9,
    maxiter: int = 5_000,
) -> tuple[np.ndarray, np.ndarray]:
    """Two-way Poisson fixed effects in multiplicative form (Sinkhorn scaling).

    Finds ``a, b > 0`` with ``Σ_{rows of group g} kernel·a[ca]·b[cb] = ysum`` in both dimensions.

    Parameters
    ----------
    ysum_a, ysum_b : ndarray
        Actual sums per group of each dimension (must be positive for every group used).
    kernel : ndarray, shape (n,)
        ``exp`` of the fixed part of the linear index (finite, positive).
    ca, cb : ndarray of int, shape (n,)
        Group codes.
    init_a, init_b : ndarray
        Warm start (positive).

    Returns
    -------
    a, b : ndarray
        Multiplicative effects (log them for the additive effects).
    """
    a = init_a.astype(float).copy()
    b = init_b.astype(float).copy()
    na, nb = len(a), len(b)
    for _ in range(maxiter):
        a_new = ysum_a / np.bincount(ca, kernel * b[cb], minlength=na)
        b = ysum_b / np.bincount(cb, kernel * a_new[ca], minlength=nb)
        change = np.max(np.abs(a_new / a - 1.0))
        a = a_new
        if change < tol:
            break
    return a, b


def group_sums(values: np.ndarray, codes: np.ndarray, n: int | None = None) -> np.ndarray:
    """Sum ``values`` within groups given by integer ``codes``."""
    return np.bincount(codes, values, minlength=0 if n is None else n)
