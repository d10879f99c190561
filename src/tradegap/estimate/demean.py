"""Weighted demeaning by alternating projections: the hot loop of PPML-HDFE.

The fixed effects are handled in *coefficient space*: for a block of columns
``X`` (shape ``(n, p)``) and fixed-effect dimensions ``1..Q`` with dummy
matrix ``D = [D_1, ..., D_Q]``, we solve the weighted normal equations

.. math:: D^\\top W D\\,\\alpha = D^\\top W X

by block Gauss–Seidel (alternating projections: each fixed-effect dimension in
turn is set to the weighted group mean of what the others leave), accelerated
with Irons & Tuck (1969) extrapolation as in fixest (Bergé 2018); a conjugate
gradient solver with a symmetric Gauss–Seidel preconditioner (reghdfe's
"symmetric Kaczmarz + CG") is available as ``method="cg"``.  The
demeaned columns are ``X - D @ alpha``.  Working on the coefficients rather
than on the ``n`` rows keeps the iteration state small (sum of the numbers of
levels), lets the IRLS driver warm-start each solve from the previous one, and
gives the fixed-effect values for free (prediction, :meth:`fixef`).

Each column is solved on its own, to its own convergence, and the columns
are solved in parallel (numba ``prange``; threads follow ``NUMBA_NUM_THREADS``
or :func:`tradegap.estimate.threads.numba_threads`): one parallel region per
solve, so a busy machine does not stall the threads at every sweep.  A
column's result is computed by the same operations whatever the thread count,
so results are identical to the serial path.  No per-thread copy of the data
is made: threads share the ``(n, Q)`` group index and each owns one
coefficient column.  The group index is built once (:class:`FixedEffects`) and
reused across IRLS iterations.  The numba kernels are compiled with ``cache=True``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np
import pandas as pd

#: Default solver: "it" (Irons–Tuck accelerated Gauss–Seidel) or "cg" (conjugate gradient with a
#: symmetric Gauss–Seidel preconditioner).  Both reach the same solution; "it" needed fewer passes
#: over the data on gravity panels (bench/ppml.py), so it is the default.
_METHOD = "it"

__all__ = ["FixedEffects", "DemeanResult", "demean", "residualize", "factorize_fe", "solve_alpha", "fe_sum"]


@dataclass(frozen=True)
class FixedEffects:
    """Integer-coded fixed effects of one estimation sample.

    Attributes
    ----------
    gidx
        ``(n, Q)`` int32 C-contiguous array; ``gidx[i, q]`` is the position of
        row ``i``'s level of dimension ``q`` in the concatenated coefficient
        vector (``starts[q] + code``).
    starts
        ``(Q + 1,)`` offsets of each dimension in the coefficient vector.
    names
        The fixed-effect terms, e.g. ``("exporter^year", "importer^year")``.
    levels
        For each dimension, the level labels (index aligned with the codes).
    """

    gidx: np.ndarray
    starts: np.ndarray
    names: tuple[str, ...]
    levels: tuple[pd.Index, ...]

    @property
    def n_dims(self) -> int:
        """Number of fixed-effect dimensions ``Q``."""
        return len(self.names)

    @property
    def n_levels(self) -> np.ndarray:
        """Number of levels of each dimension, shape ``(Q,)``."""
        return np.diff(self.starts)

    @property
    def n_coef(self) -> int:
        """Length of the concatenated coefficient vector."""
        return int(self.starts[-1])

    def codes(self, q: int) -> np.ndarray:
        """Zero-based codes of dimension ``q``, shape ``(n,)``."""
        return self.gidx[:, q] - self.starts[q]

    def subset(self, keep: np.ndarray) -> FixedEffects:
        """Restrict to rows ``keep`` (bool mask) and renumber levels densely."""
        return from_codes([self.codes(q)[keep] for q in range(self.n_dims)], self.names, self.levels)


def from_codes(
    codes: list[np.ndarray], names: tuple[str, ...], levels: tuple[pd.Index, ...]
) -> FixedEffects:
    """Build :class:`FixedEffects` from per-dimension codes, dropping unused levels."""
    n = len(codes[0]) if codes else 0
    Q = len(codes)
    gidx = np.empty((n, Q), dtype=np.int32)
    starts = np.zeros(Q + 1, dtype=np.int64)
    new_levels = []
    for q, (c, lev) in enumerate(zip(codes, levels)):
        used = np.bincount(c, minlength=len(lev)) > 0
        remap = np.cumsum(used) - 1
        gidx[:, q] = remap[c] + starts[q]
        starts[q + 1] = starts[q] + int(used.sum())
        new_levels.append(lev[used])
    return FixedEffects(gidx=gidx, starts=starts, names=names, levels=tuple(new_levels))


def factorize_fe(columns: list[pd.Series | np.ndarray], names: tuple[str, ...]) -> FixedEffects:
    """Code one or more fixed-effect columns (already combined for interactions).

    Parameters
    ----------
    columns
        One array per dimension, each of length ``n`` (any hashable dtype).
    names
        The names of the dimensions.
    """
    codes, levels = [], []
    for col in columns:
        c, uniq = pd.factorize(np.asarray(col) if not isinstance(col, pd.Series) else col, sort=False)
        codes.append(c.astype(np.int64))
        levels.append(pd.Index(uniq))
    return from_codes(codes, names, tuple(levels))


# --------------------------------------------------------------------------- kernels
#
# Layout: inside the kernels the coefficient blocks are stored transposed,
# ``(p, G)`` C-contiguous, so that each column's coefficients are contiguous
# and threads working on different columns never write to the same cache line.
# Parallelism is over columns in the alternating projections and the weighted
# group sums, and over rows in the residualizing kernels.  Every column is
# computed by exactly the same sequence of floating-point operations whatever
# the number of threads, so the parallel path equals the serial one bit for bit.


@nb.njit(cache=True, parallel=True)
def _group_sums(gidx, G, w, X, bounds):  # pragma: no cover - compiled
    """``sw[g] = sum w_i`` and ``wxT[j, g] = sum w_i X[i, j]`` over rows in group ``g`` (all dimensions)."""
    n, Q = gidx.shape
    p = X.shape[1]
    sw = np.zeros(G)
    wxT = np.zeros((p, G))
    nch = bounds.shape[0] - 1
    for c in nb.prange(nch + 1):
        if c == nch:
            for i in range(n):
                wi = w[i]
                for q in range(Q):
                    sw[gidx[i, q]] += wi
        else:
            j0 = bounds[c]
            j1 = bounds[c + 1]
            for i in range(n):
                wi = w[i]
                for q in range(Q):
                    g = gidx[i, q]
                    for j in range(j0, j1):
                        wxT[j, g] += wi * X[i, j]
    return sw, wxT


@nb.njit(cache=True)
def _pass1(gidx, q, w, o, a):  # pragma: no cover - compiled
    """``a[g_q(i)] += w_i * sum_{q2 != q} o[g_q2(i)]`` for one column (specialised for 2 and 3 dimensions)."""
    n, Q = gidx.shape
    if Q == 2:
        o1 = 1 - q
        for i in range(n):
            a[gidx[i, q]] += w[i] * o[gidx[i, o1]]
    elif Q == 3:
        o1 = 1 if q == 0 else 0
        o2 = 1 if q == 2 else 2
        for i in range(n):
            a[gidx[i, q]] += w[i] * (o[gidx[i, o1]] + o[gidx[i, o2]])
    else:
        for i in range(n):
            t = 0.0
            for q2 in range(Q):
                if q2 != q:
                    t += o[gidx[i, q2]]
            a[gidx[i, q]] += w[i] * t


@nb.njit(cache=True)
def _sweep1(gidx, starts, w, sw, wx, x, out, acc):  # pragma: no cover - compiled
    """One Gauss–Seidel pass over all dimensions for one column: ``out = F(x)``."""
    Q = gidx.shape[1]
    out[:] = x
    for q in range(Q):
        s0 = starts[q]
        s1 = starts[q + 1]
        acc[s0:s1] = 0.0
        if Q > 1:
            _pass1(gidx, q, w, out, acc)
        for g in range(s0, s1):
            out[g] = (wx[g] - acc[g]) / sw[g]


@nb.njit(cache=True)
def _moved(a, b, tol):  # pragma: no cover - compiled
    """True if any coefficient moved by more than ``tol`` (absolute and relative to ``0.1 + |a|``)."""
    for g in range(a.shape[0]):
        d = abs(a[g] - b[g])
        if d > tol and d / (0.1 + abs(a[g])) > tol:
            return True
    return False


@nb.njit(cache=True)
def _solve1(gidx, starts, w, sw, wx, x0, tol, maxiter, res):  # pragma: no cover - compiled
    """Irons–Tuck accelerated alternating projections for one column (as fixest); ``res`` gets the solution.

    Returns ``(sweeps, converged)``.
    """
    G = x0.shape[0]
    acc = np.empty(G)
    GX = np.empty(G)
    GGX = np.empty(G)
    X = x0.copy()
    _sweep1(gidx, starts, w, sw, wx, X, GX, acc)
    it = 1
    if gidx.shape[1] == 1 or not _moved(X, GX, tol):
        res[:] = GX
        return it, True
    _sweep1(gidx, starts, w, sw, wx, GX, GGX, acc)
    it += 1
    while it < maxiter:
        if not _moved(GX, GGX, tol):
            res[:] = GGX
            return it, True
        vprod = 0.0
        ssq = 0.0
        for g in range(G):
            d1 = GGX[g] - GX[g]
            d2 = d1 - GX[g] + X[g]
            vprod += d1 * d2
            ssq += d2 * d2
        coef = vprod / ssq if ssq > 0.0 else 0.0
        for g in range(G):
            X[g] = GGX[g] - coef * (GGX[g] - GX[g])
        _sweep1(gidx, starts, w, sw, wx, X, GX, acc)
        it += 1
        if not _moved(X, GX, tol):
            res[:] = GX
            return it, True
        _sweep1(gidx, starts, w, sw, wx, GX, GGX, acc)
        it += 1
    res[:] = GGX
    return it, False


@nb.njit(cache=True, parallel=True)
def _solve(gidx, starts, w, sw, wxT, alphaT, tol, maxiter):  # pragma: no cover - compiled
    """Solve every column of ``(p, G)`` blocks independently, columns in parallel.

    Returns ``(alphaT, max sweeps over columns, all converged)``.
    """
    p, G = alphaT.shape
    out = np.empty((p, G))
    its = np.zeros(p, dtype=np.int64)
    oks = np.zeros(p, dtype=np.bool_)
    for j in nb.prange(p):
        it, ok = _solve1(gidx, starts, w, sw, wxT[j], alphaT[j], tol, maxiter, out[j])
        its[j] = it
        oks[j] = ok
    return out, its.max(), oks.all()


# conjugate gradient (serial; ``(G, p)`` layout)


@nb.njit(cache=True)
def _matvec(gidx, w, P, out):  # pragma: no cover - compiled
    """``out = D' W D P`` for coefficient blocks ``P`` of shape ``(G, p)``."""
    n, Q = gidx.shape
    G, p = P.shape
    for g in range(G):
        for j in range(p):
            out[g, j] = 0.0
    s = np.empty(p)
    for i in range(n):
        wi = w[i]
        for j in range(p):
            s[j] = 0.0
        for q in range(Q):
            g = gidx[i, q]
            for j in range(p):
                s[j] += P[g, j]
        for q in range(Q):
            g = gidx[i, q]
            for j in range(p):
                out[g, j] += wi * s[j]


@nb.njit(cache=True)
def _precond(gidx, starts, w, sw, R, Z, acc):  # pragma: no cover - compiled
    """``Z = M^-1 R`` with M the symmetric block Gauss–Seidel splitting of ``D' W D``."""
    n, Q = gidx.shape
    G, p = R.shape
    # forward: (Dg + L) Y = R, Y stored in Z
    for q in range(Q):
        s0 = starts[q]
        s1 = starts[q + 1]
        for g in range(s0, s1):
            for j in range(p):
                acc[g, j] = 0.0
        if q > 0:
            for i in range(n):
                gq = gidx[i, q]
                wi = w[i]
                for j in range(p):
                    t = 0.0
                    for q2 in range(q):
                        t += Z[gidx[i, q2], j]
                    acc[gq, j] += wi * t
        for g in range(s0, s1):
            inv = 1.0 / sw[g]
            for j in range(p):
                Z[g, j] = (R[g, j] - acc[g, j]) * inv
    # backward: (Dg + U) Z = Dg Y  ->  Z_q = Y_q - (sum_{q2>q} A_{q,q2} Z_q2) / sw
    for q in range(Q - 2, -1, -1):
        s0 = starts[q]
        s1 = starts[q + 1]
        for g in range(s0, s1):
            for j in range(p):
                acc[g, j] = 0.0
        for i in range(n):
            gq = gidx[i, q]
            wi = w[i]
            for j in range(p):
                t = 0.0
                for q2 in range(q + 1, Q):
                    t += Z[gidx[i, q2], j]
                acc[gq, j] += wi * t
        for g in range(s0, s1):
            inv = 1.0 / sw[g]
            for j in range(p):
                Z[g, j] -= acc[g, j] * inv


@nb.njit(cache=True)
def _solve_cg(gidx, starts, w, sw, wx, alpha, tol, maxiter):  # pragma: no cover - compiled
    """Preconditioned conjugate gradient on ``D'WD alpha = D'W x`` (symmetric Gauss–Seidel preconditioner).

    Stops when the preconditioned residual (the change a symmetric sweep would
    make) is below ``tol`` for every coefficient, absolutely or relative to
    ``0.1 + |alpha|``.  Counts one symmetric sweep as two iterations.
    """
    G, p = alpha.shape
    X = alpha.copy()
    R = np.empty((G, p))
    Z = np.empty((G, p))
    P = np.empty((G, p))
    AP = np.empty((G, p))
    acc = np.empty((G, p))
    _matvec(gidx, w, X, AP)
    for g in range(G):
        for j in range(p):
            R[g, j] = wx[g, j] - AP[g, j]
    _precond(gidx, starts, w, sw, R, Z, acc)
    rz = np.zeros(p)
    for g in range(G):
        for j in range(p):
            P[g, j] = Z[g, j]
            rz[j] += R[g, j] * Z[g, j]
    it = 0
    while it < maxiter:
        # convergence: size of the preconditioned residual
        done = True
        for g in range(G):
            for j in range(p):
                d = abs(Z[g, j])
                if d > tol and d / (0.1 + abs(X[g, j])) > tol:
                    done = False
                    break
            if not done:
                break
        if done:
            return X, it, True
        _matvec(gidx, w, P, AP)
        for j in range(p):
            pap = 0.0
            for g in range(G):
                pap += P[g, j] * AP[g, j]
            a = rz[j] / pap if pap > 0.0 else 0.0
            for g in range(G):
                X[g, j] += a * P[g, j]
                R[g, j] -= a * AP[g, j]
        _precond(gidx, starts, w, sw, R, Z, acc)
        for j in range(p):
            rz_new = 0.0
            for g in range(G):
                rz_new += R[g, j] * Z[g, j]
            b = rz_new / rz[j] if rz[j] > 0.0 else 0.0
            rz[j] = rz_new
            for g in range(G):
                P[g, j] = Z[g, j] + b * P[g, j]
        it += 2
    return X, it, False


@nb.njit(cache=True, parallel=True)
def _residualize(gidx, X, alphaT, out):  # pragma: no cover - compiled
    """``out = X - D @ alpha`` row by row (rows in parallel)."""
    n, Q = gidx.shape
    p = X.shape[1]
    for i in nb.prange(n):
        for j in range(p):
            s = X[i, j]
            for q in range(Q):
                s -= alphaT[j, gidx[i, q]]
            out[i, j] = s
    return out


@nb.njit(cache=True, parallel=True)
def _fe_sum(gidx, a):  # pragma: no cover - compiled
    n, Q = gidx.shape
    out = np.empty(n)
    for i in nb.prange(n):
        s = 0.0
        for q in range(Q):
            s += a[gidx[i, q]]
        out[i] = s
    return out


# --------------------------------------------------------------------------- API


@dataclass(frozen=True)
class DemeanResult:
    """Result of :func:`demean`.

    Attributes
    ----------
    resid
        ``(n, p)`` demeaned columns ``X - D @ alpha``.
    alpha
        ``(G, p)`` fixed-effect coefficients (one block per dimension).
    iterations
        Number of Gauss–Seidel sweeps used.
    converged
        Whether the coefficient change fell below the tolerance.
    """

    resid: np.ndarray
    alpha: np.ndarray
    iterations: int
    converged: bool


def column_chunks(p: int) -> np.ndarray:
    """Bounds of the column chunks worked on in parallel: ``min(p, threads)`` contiguous chunks."""
    nch = max(1, min(p, nb.get_num_threads()))
    return np.round(np.linspace(0, p, nch + 1)).astype(np.int64)


def solve_alpha(
    X: np.ndarray,
    fe: FixedEffects,
    weights: np.ndarray,
    *,
    tol: float = 1e-10,
    maxiter: int = 10_000,
    alpha0: np.ndarray | None = None,
    method: str | None = None,
) -> tuple[np.ndarray, int, bool]:
    """Fixed-effect coefficients of the weighted projection of ``X`` on the dummies.

    ``method`` is ``"it"`` (Irons–Tuck accelerated alternating projections,
    columns in parallel on numba's threads) or ``"cg"`` (preconditioned
    conjugate gradient, serial); ``None`` uses the default.
    Returns ``(alpha, iterations, converged)`` with ``alpha`` of shape ``(G, p)``;
    iterations count Gauss–Seidel sweeps (a symmetric sweep counts two).
    The result does not depend on the number of threads.
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    w = np.ascontiguousarray(weights, dtype=np.float64)
    G = fe.n_coef
    p = X.shape[1]
    bounds = column_chunks(p)
    sw, wxT = _group_sums(fe.gidx, G, w, X, bounds)
    if alpha0 is None:
        a0T = np.zeros((p, G))
    else:
        a0T = np.ascontiguousarray(np.asarray(alpha0, dtype=np.float64).T)
    if p == 0 or G == 0:
        return a0T.T, 0, True
    method = method or _METHOD
    if method == "cg" and fe.n_dims > 1:
        wx = np.ascontiguousarray(wxT.T)
        alpha, it, ok = _solve_cg(fe.gidx, fe.starts, w, sw, wx, np.ascontiguousarray(a0T.T), float(tol),
                                  int(maxiter))
        return alpha, int(it), bool(ok)
    alphaT, it, ok = _solve(fe.gidx, fe.starts, w, sw, wxT, a0T, float(tol), int(maxiter))
    return alphaT.T, int(it), bool(ok)


def residualize(X: np.ndarray, fe: FixedEffects, alpha: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``X - D @ alpha`` for ``X`` of shape ``(n, p)`` and ``alpha`` of shape ``(G, p)``.

    ``out`` (C-contiguous ``(n, p)`` float64) receives the result if given.
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    if fe.n_dims == 0:
        if out is None:
            return X.copy()
        out[...] = X
        return out
    if out is None:
        out = np.empty(X.shape)
    alphaT = np.ascontiguousarray(np.asarray(alpha, dtype=np.float64).T)
    return _residualize(fe.gidx, X, alphaT, out)


def fe_sum(fe: FixedEffects, a: np.ndarray) -> np.ndarray:
    """``D @ a`` for one coefficient vector ``a`` of length ``G``: shape ``(n,)``."""
    if fe.n_dims == 0:
        return np.zeros(fe.gidx.shape[0])
    return _fe_sum(fe.gidx, np.ascontiguousarray(a, dtype=np.float64))


def demean(
    X: np.ndarray,
    fe: FixedEffects,
    weights: np.ndarray | None = None,
    *,
    tol: float = 1e-10,
    maxiter: int = 10_000,
    alpha0: np.ndarray | None = None,
) -> DemeanResult:
    """Weighted demeaning of all columns of ``X`` by the fixed effects ``fe``.

    Parameters
    ----------
    X
        ``(n, p)`` float array (a 1-D array is treated as one column).
    fe
        Coded fixed effects of the same ``n`` rows.
    weights
        ``(n,)`` positive weights; ``None`` means all ones.
    tol
        Stop when no coefficient changes by more than ``tol`` (absolute and
        relative to ``0.1 + |alpha|``) in a sweep.
    maxiter
        Maximum number of sweeps.
    alpha0
        Warm start ``(G, p)`` for the coefficients.

    Returns
    -------
    DemeanResult
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    w = np.ones(X.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
    alpha, it, ok = solve_alpha(X, fe, w, tol=tol, maxiter=maxiter, alpha0=alpha0)
    return DemeanResult(resid=residualize(X, fe, alpha), alpha=alpha, iterations=it, converged=ok)
