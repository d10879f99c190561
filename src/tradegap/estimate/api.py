"""User entry points: :func:`fepois` (formula + frame) and :func:`fepois_arrays`."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd

from tradegap.errors import CollinearityWarning, DroppedObservationsWarning, InputError
from tradegap.estimate.demean import FixedEffects, from_codes
from tradegap.estimate.formula import check_columns, fe_column, parse_formula, term_values
from tradegap.estimate.ppml import (
    drop_singletons_and_fe_separation,
    find_collinear,
    fit_poisson,
    relu_separation,
    simplex_separation,
    validate_outcome,
)
from tradegap.estimate.results import PoissonResult
from tradegap.estimate.threads import check_threads, numba_threads, threads_for
from tradegap.estimate.vcov import VcovInputs, VcovSpec, compute_vcov, parse_vcov

__all__ = ["fepois", "fepois_arrays", "SEPARATION_METHODS"]

SeparationMethod = Literal["fe", "simplex", "relu"]
SEPARATION_METHODS: tuple[str, ...] = ("fe", "simplex", "relu")
MissingOption = Literal["raise", "drop"]
DROP_REASONS = ("missing", "zero_weight", "singleton", "separation_fe", "separation_simplex", "separation_relu")


def _check_option(param: str, value: object, allowed: Sequence[object]) -> None:
    if value not in allowed:
        raise InputError(
            f"The {param!r} parameter of fepois must be one of {list(allowed)}. Got {value!r} instead."
        )


def _check_separation(separation: Sequence[str] | str | None) -> tuple[str, ...]:
    if separation is None:
        return ()
    if isinstance(separation, str):
        separation = (separation,)
    sep = tuple(separation)
    bad = [s for s in sep if s not in SEPARATION_METHODS]
    if bad:
        raise InputError(
            f"The 'separation' parameter of fepois must be a subset of {list(SEPARATION_METHODS)}. "
            f"Got {list(sep)!r} instead."
        )
    return sep


def _check_positive(param: str, value: object, *, integer: bool = False) -> None:
    ok = isinstance(value, (int, np.integer)) if integer else isinstance(value, (int, float, np.number))
    if isinstance(value, bool) or not ok or not value > 0:
        kind = "a positive integer" if integer else "a positive number"
        raise InputError(f"The {param!r} parameter of fepois must be {kind}. Got {value!r} instead.")


@dataclass(frozen=True)
class _Config:
    tol: float
    maxiter: int
    fixef_tol: float
    fixef_maxiter: int
    separation: tuple[str, ...]
    drop_singletons: bool
    collin_tol: float


def fepois(
    formula: str,
    data: pd.DataFrame,
    *,
    vcov: str | dict[str, str] = "hc1",
    weights: str | None = None,
    offset: str | None = None,
    tol: float = 1e-10,
    maxiter: int = 100,
    fixef_tol: float = 1e-10,
    fixef_maxiter: int = 100_000,
    separation: Sequence[SeparationMethod] | None = ("fe", "simplex", "relu"),
    drop_singletons: bool = True,
    collin_tol: float = 1e-9,
    missing: MissingOption = "raise",
    threads: int | None = None,
) -> PoissonResult:
    """Poisson pseudo-maximum likelihood with high-dimensional fixed effects.

    Parameters
    ----------
    formula
        fixest-style formula, e.g. ``"trade ~ ln_dist + cntg | exporter^year + importer^year"``;
        ``"trade ~ 1 | exporter^year + importer^year + exporter^importer"`` for
        fixed effects only.  ``a^b`` is one effect per combination of ``a`` and ``b``.
    data
        A pandas DataFrame (or pyarrow Table) holding every column named.
        The outcome is a non-negative flow in any unit; coefficients are unit-free.
    vcov
        ``"hc1"`` (default; also ``"hetero"``, ``"robust"``), ``"iid"``,
        ``"cluster:<col>"`` or ``"cluster:<col1>,<col2>"`` (two-way), or
        ``{"CRV1": "a+b"}``.  ``"cluster:pair"`` uses a ``pair`` or ``pair_id``
        column if there is one, else ``exporter^importer``.
    weights
        Column of non-negative observation weights (rows with weight zero are dropped).
    offset
        Column added to the linear predictor with coefficient one (log scale).
    tol
        IRLS convergence tolerance on the relative deviance change
        ``|D_t - D_{t-1}| / (0.1 + |D_{t-1}|)``.
    maxiter
        Maximum IRLS iterations.
    fixef_tol, fixef_maxiter
        Tolerance (largest change of a fixed-effect coefficient in a sweep) and
        sweep limit of the demeaning at convergence.
    separation
        Checks for separated observations, any of ``"fe"`` (fixed-effect
        groups with an all-zero outcome), ``"simplex"`` (regressors alone, LP)
        and ``"relu"`` (regressors and fixed effects, ppmlhdfe's ReLU method).
    drop_singletons
        Drop observations alone in a fixed-effect group (iterated).
    collin_tol
        Relative tolerance for dropping collinear regressors.
    missing
        ``"raise"`` (default): a missing value in any column used is an error;
        ``"drop"``: such rows are dropped and counted in ``dropped["missing"]``.
    threads
        Threads for the demeaning and IRLS kernels (1 to ``NUMBA_NUM_THREADS``).
        ``None`` (default): one thread below 100,000 rows, else numba's current
        setting, i.e. ``NUMBA_NUM_THREADS`` (default: all cores).  The estimates
        do not depend on it.

    Returns
    -------
    PoissonResult

    Raises
    ------
    InputError
        Bad formula, missing column, infinite/negative/all-zero outcome, bad option.
    ConvergenceError
        IRLS or the demeaning did not converge.

    Warns
    -----
    DroppedObservationsWarning
        Rows were dropped (counts by reason).
    CollinearityWarning
        Regressors were dropped as collinear.

    Examples
    --------
    >>> import pandas as pd
    >>> from tradegap.estimate import fepois
    >>> df = pd.DataFrame({"y": [1.0, 2, 0, 4, 3, 5], "x": [0.1, 0.5, -0.2, 1.0, 0.3, 0.8],
    ...                    "g": ["a", "a", "b", "b", "c", "c"]})
    >>> res = fepois("y ~ x | g", df, separation=("fe",))
    >>> round(float(res.coef["x"]), 4)
    1.9443
    """
    if not isinstance(data, pd.DataFrame):
        if hasattr(data, "to_pandas"):
            data = data.to_pandas()
        else:
            raise InputError(
                f"The 'data' parameter of fepois must be a pandas DataFrame or an Arrow table. "
                f"Got {type(data).__name__} instead."
            )
    f = parse_formula(formula)
    spec = parse_vcov(vcov)
    _check_option("missing", missing, ("raise", "drop"))
    cfg = _make_config(tol, maxiter, fixef_tol, fixef_maxiter, separation, drop_singletons, collin_tol)
    threads = check_threads(threads)
    clusters = tuple(_resolve_cluster(c, data) for c in spec.clusters)
    if clusters:
        spec = VcovSpec("crv1", clusters)
    extra = [c for c in (weights, offset) if c is not None]
    for c in clusters:
        extra.extend(c.split("^"))
    check_columns(f, data, extra)

    n = len(data)
    y = _numeric(data, f.depvar, "outcome")
    X = np.empty((n, len(f.terms) + int(f.intercept)))
    names: list[str] = []
    if f.intercept:
        X[:, 0] = 1.0
        names.append("Intercept")
    for j, t in enumerate(f.terms):
        X[:, j + int(f.intercept)] = term_values(t, data)
        names.append(t)
    fe_codes, fe_levels = [], []
    miss = {}
    for term in f.fixef:
        codes, labels, m = fe_column(term, data)
        fe_codes.append(codes)
        fe_levels.append(labels)
        miss[term] = m
    w = _numeric(data, weights, "weights") if weights else None
    off = _numeric(data, offset, "offset") if offset else None
    cl_codes = []
    for c in clusters:
        codes, _, m = fe_column(c, data)
        cl_codes.append(codes)
        miss[f"cluster {c}"] = m
    # missing values
    miss[f.depvar] = np.isnan(y)
    for j, nm in enumerate(names):
        miss[nm] = np.isnan(X[:, j])
    if w is not None:
        miss[weights] = np.isnan(w)
    if off is not None:
        miss[offset] = np.isnan(off)
    any_missing = np.zeros(n, dtype=bool)
    for m in miss.values():
        any_missing |= m
    if any_missing.any() and missing == "raise":
        parts = [f"{k!r}: {int(m.sum())} (first at row {int(np.flatnonzero(m)[0])})" for k, m in miss.items() if m.any()]
        raise InputError(
            f"Missing values in the columns used by {formula!r}: " + "; ".join(parts) + ".",
            hint="Drop or fill those rows first, or pass missing='drop' to drop them (they are counted).",
        )
    validate_outcome(y, f.depvar)
    _check_sample_and_scale(y, X, names, f.depvar, any_missing, len(f.fixef))
    for j, nm in enumerate(names):
        if np.isinf(X[:, j]).any():
            i = int(np.flatnonzero(np.isinf(X[:, j]))[0])
            raise InputError(
                f"The regressor {nm!r} has infinite values (first at row {i}).",
                hint="log() of zero gives -inf: drop those rows or add a small constant deliberately.",
            )
    with numba_threads(threads_for(threads, n)):
        return _estimate(
            y=y,
            X=X,
            names=names,
            fe_codes=fe_codes,
            fe_names=tuple(f.fixef),
            fe_levels=tuple(fe_levels),
            weights=w,
            offset=off,
            cluster_codes=cl_codes,
            spec=spec,
            cfg=cfg,
            pre_drop=any_missing,
            formula=formula,
            depvar=f.depvar,
            terms=tuple(f.terms),
            offset_name=offset,
        )


def fepois_arrays(
    y: np.ndarray,
    X: np.ndarray | None,
    fe: Sequence[np.ndarray] | np.ndarray | None,
    *,
    names: Sequence[str] | None = None,
    fe_names: Sequence[str] | None = None,
    weights: np.ndarray | None = None,
    offset: np.ndarray | None = None,
    vcov: Literal["iid", "hc1", "cluster"] = "hc1",
    clusters: Sequence[np.ndarray] | None = None,
    tol: float = 1e-10,
    maxiter: int = 100,
    fixef_tol: float = 1e-10,
    fixef_maxiter: int = 100_000,
    separation: Sequence[SeparationMethod] | None = ("fe", "simplex", "relu"),
    drop_singletons: bool = True,
    collin_tol: float = 1e-9,
    threads: int | None = None,
) -> PoissonResult:
    """Array-level PPML-HDFE: the engine beneath :func:`fepois`.

    Parameters
    ----------
    y
        ``(n,)`` non-negative finite outcome.
    X
        ``(n, k)`` regressors (``None`` or ``k = 0`` for fixed effects only).
        Add a column of ones yourself for an intercept when there are no fixed effects.
    fe
        Fixed-effect identifiers: a sequence of ``(n,)`` arrays (any hashable
        values) or an ``(n, Q)`` array; ``None`` for no fixed effects.
    names, fe_names
        Labels of the regressors and fixed-effect dimensions.
    weights, offset
        ``(n,)`` observation weights and log-scale offset.
    vcov
        ``"iid"``, ``"hc1"`` or ``"cluster"`` (with ``clusters``: one or two ``(n,)`` arrays).
    Other parameters
        As in :func:`fepois`.

    Returns
    -------
    PoissonResult
    """
    y = np.asarray(y, dtype=np.float64).ravel()
    n = y.shape[0]
    X = np.zeros((n, 0)) if X is None else np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    if X.shape[0] != n:
        raise InputError(f"X has {X.shape[0]} rows but y has {n}.", hint="Pass arrays of the same length.")
    k = X.shape[1]
    names = [f"x{j}" for j in range(k)] if names is None else list(names)
    if len(names) != k:
        raise InputError(f"{len(names)} names given for {k} regressors.")
    if fe is None:
        fe_list: list[np.ndarray] = []
    elif isinstance(fe, np.ndarray) and fe.ndim == 2:
        fe_list = [fe[:, q] for q in range(fe.shape[1])]
    elif isinstance(fe, np.ndarray) and fe.ndim == 1:
        fe_list = [fe]
    else:
        fe_list = [np.asarray(v) for v in fe]
    fe_names = tuple(f"fe{q}" for q in range(len(fe_list))) if fe_names is None else tuple(fe_names)
    if len(fe_names) != len(fe_list):
        raise InputError(f"{len(fe_names)} fe_names given for {len(fe_list)} fixed-effect dimensions.")
    _check_option("vcov", vcov, ("iid", "hc1", "cluster"))
    if vcov == "cluster":
        if not clusters or len(clusters) > 2:
            raise InputError("vcov='cluster' needs one or two arrays in 'clusters'.")
        spec = VcovSpec("crv1", tuple(f"cluster{i}" for i in range(len(clusters))))
    else:
        spec = VcovSpec(vcov)
    cfg = _make_config(tol, maxiter, fixef_tol, fixef_maxiter, separation, drop_singletons, collin_tol)
    pre = np.isnan(y)
    if X.size:
        pre |= np.isnan(X).any(axis=1)
    fe_codes, fe_levels = [], []
    for v in fe_list:
        if len(v) != n:
            raise InputError(f"A fixed-effect array has {len(v)} rows but y has {n}.")
        c, u = pd.factorize(pd.Series(v), sort=False)
        fe_codes.append(c.astype(np.int64))
        fe_levels.append(pd.Index(u))
        pre |= c < 0
    cl_codes = []
    for v in clusters or []:
        c, _ = pd.factorize(pd.Series(v), sort=False)
        cl_codes.append(c.astype(np.int64))
        pre |= c < 0
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    off = None if offset is None else np.asarray(offset, dtype=np.float64)
    for arr in (w, off):
        if arr is not None:
            pre |= np.isnan(arr)
    validate_outcome(y, "y")
    threads = check_threads(threads, "fepois_arrays")
    with numba_threads(threads_for(threads, n)):
        return _estimate(
            y=y,
            X=X,
            names=names,
            fe_codes=fe_codes,
            fe_names=fe_names,
            fe_levels=tuple(fe_levels),
            weights=w,
            offset=off,
            cluster_codes=cl_codes,
            spec=spec,
            cfg=cfg,
            pre_drop=pre,
            formula="<arrays>",
            depvar="y",
            terms=tuple(names),
            offset_name=None,
        )


# --------------------------------------------------------------------------- internals


def _make_config(tol, maxiter, fixef_tol, fixef_maxiter, separation, drop_singletons, collin_tol) -> _Config:
    _check_positive("tol", tol)
    _check_positive("maxiter", maxiter, integer=True)
    _check_positive("fixef_tol", fixef_tol)
    _check_positive("fixef_maxiter", fixef_maxiter, integer=True)
    _check_positive("collin_tol", collin_tol)
    _check_option("drop_singletons", drop_singletons, (True, False))
    return _Config(
        tol=float(tol),
        maxiter=int(maxiter),
        fixef_tol=float(fixef_tol),
        fixef_maxiter=int(fixef_maxiter),
        separation=_check_separation(separation),
        drop_singletons=bool(drop_singletons),
        collin_tol=float(collin_tol),
    )


def _resolve_cluster(name: str, data: pd.DataFrame) -> str:
    if name in data.columns or "^" in name:
        return name
    if name == "pair":
        for cand in ("pair_id", "pair"):
            if cand in data.columns:
                return cand
        if "exporter" in data.columns and "importer" in data.columns:
            return "exporter^importer"
    raise InputError(
        f"The cluster variable {name!r} is not a column of the data.",
        hint="Name a column (or an interaction a^b); 'pair' needs a pair/pair_id column or exporter and importer.",
    )


#: Largest magnitude accepted in a regressor or the outcome: beyond it exp(x·b) and the
#: IRLS sums overflow double precision (gravity regressors are logs or dummies, |x| < 100).
_MAX_ABS: Final[float] = 1e100


def _check_sample_and_scale(y: np.ndarray, X: np.ndarray, names: list[str], depvar: str,
                            missing: np.ndarray, n_fe: int) -> None:
    """Refuse samples too small to estimate anything and values that overflow the fit."""
    used = ~missing
    n = int(used.sum())
    if n < 3 or n <= X.shape[1]:
        raise InputError(
            f"PPML needs more observations than parameters: {n} row(s) for {X.shape[1]} coefficient(s)"
            + (f" and {n_fe} fixed effect(s)" if n_fe else "") + ".",
            hint="Estimate on a larger sample (a gravity panel has hundreds of pairs), or use fewer regressors.",
        )
    for label, col in [(depvar, y), *((nm, X[:, j]) for j, nm in enumerate(names))]:
        vals = np.abs(col[used])
        big = vals > _MAX_ABS
        if big.any():
            i = int(np.flatnonzero(used)[np.flatnonzero(big)[0]])
            raise InputError(
                f"The {'outcome' if label == depvar else 'regressor'} {label!r} has values as large as "
                f"{float(np.nanmax(vals)):.3g} (first at row {i}); PPML's fit overflows beyond about {_MAX_ABS:.0e}.",
                hint="Take logs of size variables (log(gdp)) or rescale the column (e.g. to millions).",
            )


def _numeric(data: pd.DataFrame, col: str, role: str) -> np.ndarray:
    s = data[col]
    if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
        raise InputError(
            f"The {role} column {col!r} is not numeric (dtype {s.dtype}).",
            hint="Convert it to numbers (e.g. pd.to_numeric) before estimating.",
        )
    return s.to_numpy(dtype=np.float64, na_value=np.nan)


def _estimate(
    *,
    y: np.ndarray,
    X: np.ndarray,
    names: list[str],
    fe_codes: list[np.ndarray],
    fe_names: tuple[str, ...],
    fe_levels: tuple[pd.Index, ...],
    weights: np.ndarray | None,
    offset: np.ndarray | None,
    cluster_codes: list[np.ndarray],
    spec: VcovSpec,
    cfg: _Config,
    pre_drop: np.ndarray,
    formula: str,
    depvar: str,
    terms: tuple[str, ...],
    offset_name: str | None,
) -> PoissonResult:
    n = y.shape[0]
    dropped = dict.fromkeys(DROP_REASONS, 0)
    dropped["missing"] = int(pre_drop.sum())
    keep = ~pre_drop
    if weights is not None:
        wv = np.where(keep, weights, 1.0)
        if (wv < 0).any() or np.isinf(wv).any():
            i = int(np.flatnonzero((wv < 0) | np.isinf(wv))[0])
            raise InputError(
                f"Weights must be finite and non-negative; row {i} has {weights[i]}.",
                hint="Fix the weights column.",
            )
        zw = keep & (weights == 0)
        dropped["zero_weight"] = int(zw.sum())
        keep &= ~zw
    if not keep.any():
        raise InputError("No observations left after dropping missing values.", hint="Check the data.")
    if not (y[keep] > 0).any():
        raise InputError(
            f"The outcome {depvar!r} is zero in every one of the {int(keep.sum())} observations used.",
            hint="PPML needs some positive flows; check the column or the sample.",
        )
    # separation and singletons, iterated until nothing changes
    for _ in range(50):
        changed = False
        idx = np.flatnonzero(keep)
        if fe_codes:
            k2, n_single, n_sep = drop_singletons_and_fe_separation(
                y[idx],
                [c[idx] for c in fe_codes],
                singletons=cfg.drop_singletons,
                fe_separation="fe" in cfg.separation,
            )
            if n_single or n_sep:
                dropped["singleton"] += n_single
                dropped["separation_fe"] += n_sep
                keep[idx[~k2]] = False
                idx = idx[k2]
                changed = True
        if "simplex" in cfg.separation and X.shape[1]:
            sep = simplex_separation(y[idx], X[idx])
            if sep.any():
                dropped["separation_simplex"] += int(sep.sum())
                keep[idx[sep]] = False
                idx = idx[~sep]
                changed = True
        if "relu" in cfg.separation and (X.shape[1] or fe_codes) and not changed:
            fe_s = from_codes([c[idx] for c in fe_codes], fe_names, fe_levels) if fe_codes else None
            sep = relu_separation(y[idx], X[idx], fe_s)
            if sep.any():
                dropped["separation_relu"] += int(sep.sum())
                keep[idx[sep]] = False
                changed = True
        if not changed:
            break
    idx = np.flatnonzero(keep)
    if idx.size == 0:
        raise InputError("No observations left after dropping singletons and separated observations.",
                         hint="Each fixed-effect group needs at least two observations with some positive "
                         "outcome; use a larger sample or coarser fixed effects.")
    n_drop = sum(dropped.values())
    if n_drop:
        detail = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in dropped.items() if v)
        warnings.warn(
            f"fepois dropped {n_drop:,} of {n:,} observations: {detail}.",
            DroppedObservationsWarning,
            stacklevel=3,
        )
    ys = y[idx]
    Xs = np.ascontiguousarray(X[idx])
    ws = None if weights is None else weights[idx]
    offs = None if offset is None else offset[idx]
    fe = from_codes([c[idx] for c in fe_codes], fe_names, fe_levels) if fe_codes else None
    # collinearity
    wcol = np.ones(idx.size) if ws is None else ws
    drop_cols = find_collinear(Xs, fe, wcol, collin_tol=cfg.collin_tol)
    collinear = tuple(nm for nm, d in zip(names, drop_cols) if d)
    if collinear:
        warnings.warn(
            f"fepois dropped {len(collinear)} regressor(s) collinear with the fixed effects or other "
            f"regressors: {', '.join(collinear)}.",
            CollinearityWarning,
            stacklevel=3,
        )
        Xs = np.ascontiguousarray(Xs[:, ~drop_cols])
        names = [nm for nm, d in zip(names, drop_cols) if not d]
    fit = fit_poisson(
        ys,
        Xs,
        fe,
        weights=ws,
        offset=offs,
        tol=cfg.tol,
        maxiter=cfg.maxiter,
        fixef_tol=cfg.fixef_tol,
        fixef_maxiter=cfg.fixef_maxiter,
    )
    k = Xs.shape[1]
    if k:
        bread = np.linalg.inv(fit.hessian)
        scores = (fit.irls_w * fit.resid_w)[:, None] * fit.Xt
        inp = VcovInputs(
            bread=bread,
            scores=scores,
            n_levels=fe.n_levels if fe is not None else np.zeros(0, dtype=np.int64),
            fe_codes=[fe.codes(q) for q in range(fe.n_dims)] if fe is not None else [],
            clusters=[pd.factorize(c[idx])[0] for c in cluster_codes],
        )
        V = compute_vcov(spec, inp)
    else:
        V = np.zeros((0, 0))
    fitted = np.full(n, np.nan)
    fitted[idx] = fit.mu
    sample = np.zeros(n, dtype=bool)
    sample[idx] = True
    fixef_values = _fixef_series(fe, fit.fe_coef) if fe is not None else {}
    pr2 = 1.0 - fit.loglik / fit.loglik_null if fit.loglik_null != 0 else float("nan")
    return PoissonResult(
        formula=formula,
        depvar=depvar,
        coef=pd.Series(fit.beta, index=pd.Index(names, dtype=object), name="estimate"),
        se=pd.Series(np.sqrt(np.diag(V)), index=pd.Index(names, dtype=object), name="std_error"),
        vcov=pd.DataFrame(V, index=pd.Index(names, dtype=object), columns=pd.Index(names, dtype=object)),
        vcov_type=spec.label,
        fitted=fitted,
        sample=sample,
        nobs=int(idx.size),
        dropped=dropped,
        collinear=collinear,
        iterations=fit.iterations,
        deviance=fit.deviance,
        loglik=fit.loglik,
        pseudo_r2=pr2,
        converged=fit.converged,
        tol=cfg.tol,
        terms=terms,
        fe_terms=fe_names,
        offset_name=offset_name,
        fixef_values=fixef_values,
    )


def _fixef_series(fe: FixedEffects, a: np.ndarray) -> dict[str, pd.Series]:
    a = a.copy()
    st = fe.starts
    # normalise: first level of every later dimension at zero, shift absorbed by the first dimension
    for q in range(1, fe.n_dims):
        if st[q + 1] > st[q]:
            c = a[st[q]]
            a[st[q] : st[q + 1]] -= c
            a[st[0] : st[1]] += c
    out = {}
    for q, name in enumerate(fe.names):
        out[name] = pd.Series(a[st[q] : st[q + 1]], index=fe.levels[q], name=name)
    return out
