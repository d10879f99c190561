"""Poisson pseudo-maximum likelihood with high-dimensional fixed effects: the numeric core.

Arrays in, frozen dataclasses out.  Three pieces:

* :func:`drop_singletons_and_fe_separation` — iterated removal of singleton
  fixed-effect groups and of groups whose outcome is all zero;
* :func:`relu_separation` / :func:`simplex_separation` — separation by the
  regressors (Correia, Guimarães & Zylkin 2021, as in ppmlhdfe);
* :func:`fit_poisson` — IRLS with warm-started, accelerated demeaning.

Notes
-----
IRLS for the Poisson log link: with working outcome
:math:`z = \\eta - o + (y - \\mu)/\\mu` and weights :math:`w\\mu`, each step is a
weighted least-squares fit of ``z`` on the regressors and the fixed effects.
The fixed effects are partialled out by :func:`tradegap.estimate.demean.solve_alpha`,
which returns their coefficients; the new linear predictor is rebuilt exactly
from ``beta`` and those coefficients, so the fitted values always equal
``exp(offset + X beta + sum of fixed effects)`` and :meth:`fixef` reproduces
them to rounding error.  The demeaning tolerance starts loose (1e-4) and is
tightened as the deviance converges (as in ppmlhdfe), reaching ``fixef_tol``
before convergence is declared.  Convergence: relative deviance change
``|D_t - D_{t-1}| / (0.1 + |D_{t-1}|) < tol`` (the fixest/pyfixest criterion).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np
from scipy.special import gammaln

from tradegap.errors import ConvergenceError, InputError
from tradegap.estimate.demean import FixedEffects, residualize, solve_alpha

__all__ = [
    "PoissonFit",
    "fit_poisson",
    "drop_singletons_and_fe_separation",
    "relu_separation",
    "simplex_separation",
    "find_collinear",
    "poisson_deviance",
]


#: Rows per partial sum in the parallel reductions; fixed, so that a sum does not depend on the
#: number of threads (each chunk is summed in row order, then the chunks in chunk order).
_CHUNK = 16_384


def poisson_deviance(y: np.ndarray, mu: np.ndarray, w: np.ndarray | None = None) -> float:
    """Poisson deviance ``2 * sum w (y log(y/mu) - (y - mu))`` (``y log y = 0`` at ``y = 0``)."""
    y = np.ascontiguousarray(y, dtype=np.float64)
    mu = np.ascontiguousarray(mu, dtype=np.float64)
    w = np.ones(y.shape[0]) if w is None else np.ascontiguousarray(w, dtype=np.float64)
    return float(_deviance(y, mu, w))


@nb.njit(cache=True, parallel=True)
def _deviance(y, mu, w):  # pragma: no cover - compiled
    n = y.shape[0]
    nch = (n + _CHUNK - 1) // _CHUNK
    part = np.zeros(nch)
    for c in nb.prange(nch):
        s = 0.0
        for i in range(c * _CHUNK, min(n, (c + 1) * _CHUNK)):
            yi = y[i]
            m = mu[i]
            t = -(yi - m)
            if yi > 0:
                t += yi * np.log(yi / m)
            s += w[i] * t
        part[c] = s
    tot = 0.0
    for c in range(nch):
        tot += part[c]
    return 2.0 * tot


@nb.njit(cache=True, parallel=True)
def _working(y, mu, eta, off, w_u, cols, W):  # pragma: no cover - compiled
    """IRLS working outcome into ``cols[:, 0]`` and weights ``W = w_u * mu`` (rows in parallel)."""
    n = y.shape[0]
    for i in nb.prange(n):
        m = mu[i]
        cols[i, 0] = eta[i] - off[i] + (y[i] - m) / m
        W[i] = w_u[i] * m


@nb.njit(cache=True, parallel=True)
def _wcross(R, W):  # pragma: no cover - compiled
    """``R' diag(W) R`` for ``R`` of shape ``(n, p)``, summed in fixed row chunks."""
    n, p = R.shape
    nch = (n + _CHUNK - 1) // _CHUNK
    part = np.zeros((nch, p, p))
    for c in nb.prange(nch):
        for i in range(c * _CHUNK, min(n, (c + 1) * _CHUNK)):
            wi = W[i]
            for a in range(p):
                t = wi * R[i, a]
                for b in range(a, p):
                    part[c, a, b] += t * R[i, b]
    C = np.zeros((p, p))
    for c in range(nch):
        for a in range(p):
            for b in range(a, p):
                C[a, b] += part[c, a, b]
    for a in range(p):
        for b in range(a):
            C[a, b] = C[b, a]
    return C


@nb.njit(cache=True, parallel=True)
def _predict(off, X, beta, gidx, a, eta, mu):  # pragma: no cover - compiled
    """``eta = off + X beta + D a`` and ``mu = exp(eta)`` (rows in parallel)."""
    n, k = X.shape
    Q = gidx.shape[1]
    for i in nb.prange(n):
        s = 0.0
        for j in range(k):
            s += X[i, j] * beta[j]
        f = 0.0
        for q in range(Q):
            f += a[gidx[i, q]]
        e = off[i] + s + f
        eta[i] = e
        mu[i] = np.exp(e)


@nb.njit(cache=True, parallel=True)
def _resid(R, beta, out):  # pragma: no cover - compiled
    """``out = R[:, 0] - R[:, 1:] @ beta`` (rows in parallel)."""
    n, p = R.shape
    for i in nb.prange(n):
        s = R[i, 0]
        for j in range(1, p):
            s -= R[i, j] * beta[j - 1]
        out[i] = s


# --------------------------------------------------------------------------- separation


def drop_singletons_and_fe_separation(
    y: np.ndarray, codes: list[np.ndarray], *, singletons: bool = True, fe_separation: bool = True
) -> tuple[np.ndarray, int, int]:
    """Iteratively drop singleton groups and groups whose outcome is all zero.

    Parameters
    ----------
    y
        ``(n,)`` outcome.
    codes
        One ``(n,)`` int array of zero-based level codes per fixed-effect dimension.

    Returns
    -------
    keep
        ``(n,)`` bool mask of the rows kept.
    n_singleton, n_separated
        Rows dropped as singletons and as separated by a fixed effect.
    """
    n = y.shape[0]
    keep = np.ones(n, dtype=bool)
    n_single = n_sep = 0
    pos = y > 0
    changed = True
    while changed:
        changed = False
        for c in codes:
            idx = np.flatnonzero(keep)
            cc = c[idx]
            m = int(cc.max()) + 1 if cc.size else 0
            if singletons:
                cnt = np.bincount(cc, minlength=m)
                bad = cnt[cc] == 1
                if bad.any():
                    keep[idx[bad]] = False
                    n_single += int(bad.sum())
                    changed = True
                    idx = idx[~bad]
                    cc = cc[~bad]
            if fe_separation and cc.size:
                npos = np.bincount(cc, weights=pos[idx].astype(np.float64), minlength=m)
                bad = npos[cc] == 0
                if bad.any():
                    keep[idx[bad]] = False
                    n_sep += int(bad.sum())
                    changed = True
    return keep, n_single, n_sep


def _wls_fitted(u, X, fe, w, alpha0, tol):
    """Fitted values of a weighted LS of ``u`` on ``X`` and the fixed effects."""
    cols = np.column_stack([u, X]) if X.shape[1] else u[:, None]
    if fe is not None and fe.n_dims:
        alpha, _, _ = solve_alpha(cols, fe, w, tol=tol, maxiter=100_000, alpha0=alpha0)
        R = residualize(cols, fe, alpha)
    else:
        alpha = None
        R = cols
    ut, Xt = R[:, 0], R[:, 1:]
    if Xt.shape[1]:
        sw = np.sqrt(w)
        beta = np.linalg.lstsq(Xt * sw[:, None], ut * sw, rcond=None)[0]
        resid = ut - Xt @ beta
    else:
        resid = ut
    return u - resid, alpha


def relu_separation(
    y: np.ndarray,
    X: np.ndarray,
    fe: FixedEffects | None,
    *,
    tol: float = 1e-4,
    maxiter: int = 100,
) -> np.ndarray:
    """Observations separated by the regressors and fixed effects (ReLU method).

    The iterative rectifier of Correia, Guimarães & Zylkin (2021), as in
    ppmlhdfe and pyfixest's ``"ir"`` check: regress ``u`` (1 on zero
    outcomes) on the regressors and fixed effects with a huge weight on the
    positive outcomes, rectify the fit at zero, repeat; rows with a positive
    fit at convergence are separated.

    Returns
    -------
    np.ndarray
        ``(n,)`` bool mask of separated rows (all with ``y == 0``).
    """
    boundary = y == 0
    if not boundary.any() or (X.shape[1] == 0 and (fe is None or fe.n_dims == 0)):
        return np.zeros(y.shape[0], dtype=bool)
    interior = ~boundary
    K = interior.sum() / tol**2
    w = np.where(interior, K, 1.0)
    u = boundary.astype(np.float64)
    alpha = None
    for _ in range(maxiter):
        uhat, alpha = _wls_fitted(u, X, fe, w, alpha, 1e-9)
        within = (uhat > -0.1 * tol) & (uhat < tol)
        uhat = np.where(interior | within, 0.0, uhat)
        if (uhat >= 0).all():
            return uhat > 0
        u = np.where(boundary, np.maximum(uhat, 0.0), 0.0)
    raise ConvergenceError(
        f"The ReLU separation check did not converge in {maxiter} iterations.",
        hint="Pass separation=('fe', 'simplex') to skip it, or check the regressors for near-separation.",
    )


def simplex_separation(y: np.ndarray, X: np.ndarray, *, tol: float = 1e-9) -> np.ndarray:
    """Observations separated by the regressors alone (linear-programming check).

    Looks for a direction ``g`` with ``X_i g = 0`` on every positive outcome and
    ``X_i g >= 0`` on every zero outcome, strictly positive on some; those rows
    are separated.  Only a rank-deficient ``X`` on the positive outcomes can
    separate, so the LP (scipy HiGHS) runs only in that case.

    Returns
    -------
    np.ndarray
        ``(n,)`` bool mask of separated rows.
    """
    n, k = X.shape
    out = np.zeros(n, dtype=bool)
    boundary = y == 0
    if k == 0 or not boundary.any():
        return out
    Xi = X[~boundary]
    scale = np.sqrt(np.maximum((X**2).mean(axis=0), 1e-300))
    Xs = Xi / scale
    _, s, vt = np.linalg.svd(Xs.T @ Xs)
    null = vt[s <= max(s.max(), 1.0) * 1e-10].T if s.size else np.empty((k, 0))
    if null.shape[1] == 0:
        return out
    Z = (X[boundary] / scale) @ null  # (n0, m)
    rows = np.flatnonzero(np.abs(Z).max(axis=1) > tol)  # rows with Z_i = 0 cannot be separated this way
    if rows.size == 0:
        return out
    Z = Z[rows]
    from scipy import sparse
    from scipy.optimize import linprog

    n0, m = Z.shape
    # variables: t (m, in [-1, 1]), s (n0, in [0, 1]); maximise sum s  s.t.  s - Z t <= 0  and  -Z t <= 0
    c = np.concatenate([np.zeros(m), -np.ones(n0)])
    Zs = sparse.csr_matrix(-Z)
    A = sparse.vstack(
        [sparse.hstack([Zs, sparse.identity(n0)]), sparse.hstack([Zs, sparse.csr_matrix((n0, n0))])]
    ).tocsr()
    b = np.zeros(2 * n0)
    bounds = [(-1.0, 1.0)] * m + [(0.0, 1.0)] * n0
    res = linprog(c, A_ub=A, b_ub=b, bounds=bounds, method="highs")
    if res.status != 0 or -res.fun <= tol:
        return out
    zt = Z @ res.x[:m]
    sep_b = zt > tol * max(1.0, np.abs(zt).max())
    out[np.flatnonzero(boundary)[rows[sep_b]]] = True
    return out


# --------------------------------------------------------------------------- collinearity


def find_collinear(
    X: np.ndarray, fe: FixedEffects | None, w: np.ndarray, *, collin_tol: float = 1e-9
) -> np.ndarray:
    """Regressors collinear with the fixed effects or with earlier regressors.

    Each column is demeaned (weights ``w``); a column whose remaining weighted
    sum of squares, after projecting out the fixed effects and the earlier kept
    columns, is below ``collin_tol`` times its original sum of squares is
    dropped (a sequential Cholesky, as fixest does).

    Returns
    -------
    np.ndarray
        ``(k,)`` bool mask, True for the columns to drop.
    """
    k = X.shape[1]
    drop = np.zeros(k, dtype=bool)
    if k == 0:
        return drop
    orig = np.einsum("ij,i,ij->j", X, w, X)
    if fe is not None and fe.n_dims:
        alpha, _, _ = solve_alpha(X, fe, w, tol=1e-9, maxiter=100_000)
        Xt = residualize(X, fe, alpha)
    else:
        Xt = X
    H = (Xt * w[:, None]).T @ Xt
    L = np.zeros((k, k))
    kept: list[int] = []
    for j in range(k):
        if orig[j] <= 0:
            drop[j] = True
            continue
        v = H[j, j]
        lj = np.zeros(k)
        for i in kept:
            lj[i] = (H[j, i] - L[i, :] @ lj) / L[i, i]
        v = H[j, j] - lj @ lj
        if v <= collin_tol * orig[j]:
            drop[j] = True
            continue
        lj[j] = np.sqrt(v)
        L[j, :] = lj
        kept.append(j)
    return drop


# --------------------------------------------------------------------------- IRLS

_INNER_START = 1e-3
_INNER_FACTOR = 0.1
_JUMP = 0.0


@dataclass(frozen=True, slots=True)
class PoissonFit:
    """Output of :func:`fit_poisson` (estimation sample only).

    Attributes
    ----------
    beta
        ``(k,)`` coefficients.
    eta, mu
        ``(n,)`` linear predictor and fitted values ``exp(eta)``.
    fe_coef
        ``(G,)`` fixed-effect coefficients (concatenated by dimension).
    Xt
        ``(n, k)`` regressors demeaned with the final IRLS weights.
    resid_w
        ``(n,)`` demeaned working residual of the final step.
    irls_w
        ``(n,)`` final IRLS weights ``w * mu``.
    hessian
        ``(k, k)`` ``Xt' diag(irls_w) Xt``.
    iterations, deviance, converged, loglik, loglik_null
        IRLS diagnostics.
    """

    beta: np.ndarray
    eta: np.ndarray
    mu: np.ndarray
    fe_coef: np.ndarray
    Xt: np.ndarray
    resid_w: np.ndarray
    irls_w: np.ndarray
    hessian: np.ndarray
    iterations: int
    deviance: float
    converged: bool
    loglik: float
    loglik_null: float
    demean_sweeps: int


def fit_poisson(
    y: np.ndarray,
    X: np.ndarray,
    fe: FixedEffects | None,
    *,
    weights: np.ndarray | None = None,
    offset: np.ndarray | None = None,
    tol: float = 1e-10,
    maxiter: int = 100,
    fixef_tol: float = 1e-10,
    fixef_maxiter: int = 100_000,
    start: str = "group",
) -> PoissonFit:
    """Fit a Poisson model with fixed effects by IRLS.

    Parameters
    ----------
    y
        ``(n,)`` non-negative outcome (separated rows already removed).
    X
        ``(n, k)`` regressors (no column collinear with the fixed effects).
    fe
        Coded fixed effects, or ``None``.
    weights
        ``(n,)`` non-negative observation weights (default ones).
    offset
        ``(n,)`` offset added to the linear predictor (default zeros).
    tol
        Convergence tolerance on the relative deviance change.
    maxiter
        Maximum IRLS iterations.
    fixef_tol, fixef_maxiter
        Final tolerance and sweep limit of the demeaning.

    Raises
    ------
    ConvergenceError
        If IRLS or the demeaning does not converge.
    """
    n, k = X.shape
    y = np.ascontiguousarray(y, dtype=np.float64)
    X = np.ascontiguousarray(X, dtype=np.float64)
    w_u = np.ones(n) if weights is None else np.ascontiguousarray(weights, dtype=np.float64)
    off = np.zeros(n) if offset is None else np.ascontiguousarray(offset, dtype=np.float64)
    has_fe = fe is not None and fe.n_dims > 0
    G = fe.n_coef if has_fe else 0
    gidx = fe.gidx if has_fe else np.zeros((n, 0), dtype=np.int32)
    ybar = float(np.average(y, weights=w_u))
    mu = _initial_mu(y, w_u, fe, ybar, start)
    eta = np.log(mu)
    last = poisson_deviance(y, mu, w_u)
    alpha = np.zeros((G, 1 + k))
    inner = max(fixef_tol, _INNER_START)
    total_sweeps = 0
    converged = False
    beta = np.zeros(k)
    fe_coef = np.zeros(G)
    # working buffers, allocated once: [z, X] and its demeaned version
    cols = np.empty((n, 1 + k))
    cols[:, 1:] = X
    R = np.empty((n, 1 + k))
    W = np.empty(n)
    resid = np.empty(n)
    eta_new = np.empty(n)
    mu_new = np.empty(n)
    H = np.zeros((k, k))
    dev = last
    crit = float("inf")
    it = 0
    for it in range(1, maxiter + 1):
        _working(y, mu, eta, off, w_u, cols, W)
        if has_fe:
            alpha, sweeps, ok = solve_alpha(cols, fe, W, tol=inner, maxiter=fixef_maxiter, alpha0=alpha)
            total_sweeps += sweeps
            if not ok and inner <= fixef_tol:
                raise ConvergenceError(
                    f"The fixed-effect demeaning did not converge in {fixef_maxiter} sweeps "
                    f"(IRLS iteration {it}, tolerance {inner:g}).",
                    hint="Increase fixef_maxiter, loosen fixef_tol, or check for weakly connected "
                    "fixed-effect groups.",
                )
            residualize(cols, fe, alpha, out=R)
        else:
            R[...] = cols
        if k:
            C = _wcross(R, W)
            H = C[1:, 1:].copy()
            try:
                beta_new = np.linalg.solve(H, C[1:, 0])
            except np.linalg.LinAlgError as exc:
                raise ConvergenceError(
                    f"The weighted cross-product of the regressors became singular at IRLS iteration {it}.",
                    hint="Check the regressors for near-collinearity or separation.",
                ) from exc
        else:
            beta_new = np.zeros(0)
        _resid(R, beta_new, resid)
        a_new = alpha[:, 0] - alpha[:, 1:] @ beta_new if has_fe else np.zeros(0)
        _predict(off, X, beta_new, gidx, a_new, eta_new, mu_new)
        dev = poisson_deviance(y, mu_new, w_u)
        halvings = 0
        while not (np.isfinite(dev) and np.all(np.isfinite(mu_new)) and np.all(mu_new > 0)) and halvings < 30:
            halvings += 1
            beta_new = (beta_new + beta) / 2
            a_new = (a_new + fe_coef) / 2 if has_fe else a_new
            _predict(off, X, beta_new, gidx, a_new, eta_new, mu_new)
            dev = poisson_deviance(y, mu_new, w_u)
        if not np.isfinite(dev):
            raise ConvergenceError(
                f"IRLS produced non-finite fitted values at iteration {it}.",
                hint="Rescale the regressors, check for separation (separation=('fe','simplex','relu')) "
                "or provide an offset on a sensible scale.",
            )
        beta, fe_coef = beta_new, a_new
        eta, eta_new = eta_new, eta
        mu, mu_new = mu_new, mu
        crit = abs(dev - last) / (0.1 + abs(last))
        last = dev
        if crit < tol:
            if inner <= fixef_tol:
                converged = True
                break
            inner = fixef_tol
        else:
            inner = max(fixef_tol, min(inner, _INNER_FACTOR * crit))
            if crit < _JUMP * np.sqrt(tol):
                inner = fixef_tol
    if not converged:
        raise ConvergenceError(
            f"IRLS did not converge in {maxiter} iterations (last relative deviance change "
            f"{crit:.3g}, tolerance {tol:g}).",
            hint="Increase maxiter, loosen tol, rescale the regressors, or keep the separation checks on "
            "(separation=('fe','simplex','relu')).",
        )
    del cols, eta_new, mu_new
    Xt = R[:, 1:]
    ll = float(np.sum(w_u * (y * eta - mu - gammaln(y + 1))))
    ll0 = float(np.sum(w_u * (y * np.log(ybar) - ybar - gammaln(y + 1))))
    return PoissonFit(
        beta=beta,
        eta=eta,
        mu=mu,
        fe_coef=fe_coef,
        Xt=Xt,
        resid_w=resid,
        irls_w=W,
        hessian=H,
        iterations=it,
        deviance=dev,
        converged=converged,
        loglik=ll,
        loglik_null=ll0,
        demean_sweeps=total_sweeps,
    )


def _initial_mu(y, w, fe, ybar, start):
    """Starting values: halfway between y and a mean (overall, or of the finest fixed effect)."""
    if start == "mean" or fe is None or fe.n_dims == 0:
        return (y + ybar) / 2.0
    q = int(np.argmax(fe.n_levels))
    c = fe.codes(q)
    gm = np.bincount(c, weights=w * y) / np.bincount(c, weights=w)
    m = gm[c]
    return np.where(m > 0, (y + m) / 2.0, (y + ybar) / 2.0)


def validate_outcome(y: np.ndarray, name: str) -> None:
    """Raise :class:`InputError` for infinite or negative outcomes, or an all-zero outcome."""
    bad = ~np.isfinite(y) & ~np.isnan(y)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"The outcome {name!r} has {int(bad.sum())} infinite value(s) (first at row {i}: {y[i]}).",
            hint="Replace or drop them; PPML needs finite, non-negative flows.",
        )
    neg = y < 0
    if neg.any():
        i = int(np.flatnonzero(neg)[0])
        raise InputError(
            f"The outcome {name!r} has {int(neg.sum())} negative value(s) (first at row {i}: {y[i]}).",
            hint="PPML needs non-negative flows; check the sign or units of the column.",
        )
