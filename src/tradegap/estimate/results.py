"""The result object of :func:`tradegap.estimate.fepois`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tradegap.errors import InputError

__all__ = ["PoissonResult"]


@dataclass(frozen=True, eq=False)
class PoissonResult:
    """A fitted Poisson (PPML) model with fixed effects.

    Attributes
    ----------
    formula
        The model formula as given.
    coef, se
        Coefficients and standard errors by regressor (``pd.Series``); the
        coefficients are semi-elasticities of expected flows (``log`` points).
    vcov
        Coefficient covariance matrix (``pd.DataFrame``).
    vcov_type
        Label of the covariance estimator, e.g. ``"HC1"`` or ``"CRV1 (pair)"``.
    fitted
        Expected flows ``(n_input,)`` aligned with the input rows, in the units
        of the outcome; NaN on dropped rows.
    sample
        ``(n_input,)`` bool mask of the rows used.
    nobs
        Number of observations used.
    dropped
        Rows dropped, by reason: ``missing``, ``zero_weight``, ``singleton``,
        ``separation_fe``, ``separation_simplex``, ``separation_relu``.
    collinear
        Regressors dropped as collinear with the fixed effects or each other.
    iterations, deviance, loglik, pseudo_r2, converged
        IRLS diagnostics; ``pseudo_r2 = 1 - loglik / loglik(constant only)``.
    tol
        Convergence tolerance used (relative deviance change).
    """

    formula: str
    depvar: str
    coef: pd.Series
    se: pd.Series
    vcov: pd.DataFrame
    vcov_type: str
    fitted: np.ndarray
    sample: np.ndarray
    nobs: int
    dropped: dict[str, int]
    collinear: tuple[str, ...]
    iterations: int
    deviance: float
    loglik: float
    pseudo_r2: float
    converged: bool
    tol: float
    terms: tuple[str, ...] = ()
    fe_terms: tuple[str, ...] = ()
    offset_name: str | None = None
    fixef_values: dict[str, pd.Series] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ estimates

    def tidy(self, alpha: float = 0.05) -> pd.DataFrame:
        """The coefficient table: the one source of estimates.

        Returns
        -------
        pd.DataFrame
            Index ``term``; columns ``estimate``, ``std_error``, ``z``,
            ``p_value``, ``ci_low``, ``ci_high`` (normal-based, level ``1 - alpha``).
        """
        from scipy import stats  # here, not at import: scipy.stats costs ~1 s in every batch worker

        est = self.coef.to_numpy()
        se = self.se.to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            z = est / se
        q = stats.norm.ppf(1 - alpha / 2)
        df = pd.DataFrame(
            {
                "estimate": est,
                "std_error": se,
                "z": z,
                "p_value": 2 * stats.norm.sf(np.abs(z)),
                "ci_low": est - q * se,
                "ci_high": est + q * se,
            },
            index=pd.Index(self.coef.index, name="term"),
        )
        return df

    def to_frame(self) -> pd.DataFrame:
        """The coefficient table with ``term`` as a column."""
        return self.tidy().reset_index()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary: coefficients, standard errors, N, dropped counts, diagnostics."""
        t = self.tidy()
        return {
            "formula": self.formula,
            "vcov": self.vcov_type,
            "nobs": int(self.nobs),
            "dropped": {k: int(v) for k, v in self.dropped.items()},
            "collinear": list(self.collinear),
            "coefficients": [
                {"term": str(term), **{c: float(v) for c, v in row.items()}} for term, row in t.iterrows()
            ],
            "iterations": int(self.iterations),
            "deviance": float(self.deviance),
            "loglik": float(self.loglik),
            "pseudo_r2": float(self.pseudo_r2),
            "converged": bool(self.converged),
        }

    def summary(self) -> str:
        """A plain-text report of the fit."""
        lines = [
            f"Poisson PML (IRLS): {self.formula}",
            f"Observations: {self.nobs:,}   Fixed effects: {', '.join(self.fe_terms) or 'none'}",
        ]
        dropped = {k: v for k, v in self.dropped.items() if v}
        if dropped:
            lines.append("Dropped: " + ", ".join(f"{k} {v:,}" for k, v in dropped.items()))
        if self.collinear:
            lines.append("Collinear (dropped): " + ", ".join(self.collinear))
        lines.append(f"Standard errors: {self.vcov_type}")
        t = self.tidy()
        if len(t):
            lines.append(t.to_string(float_format=lambda v: f"{v: .6f}"))
        lines.append(
            f"Deviance: {self.deviance:.6g}   Log-likelihood: {self.loglik:.6g}   "
            f"Pseudo R2: {self.pseudo_r2:.4f}   Iterations: {self.iterations}"
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(self.summary())}</pre>"

    # ------------------------------------------------------------------ fixed effects & prediction

    def fixef(self) -> dict[str, pd.Series]:
        """Estimated fixed effects, keyed by term (``"exporter^year"``).

        Each series is indexed by level label (``"IRN^2019"`` for
        interactions).  Normalisation: every dimension after the first has
        its first level at zero (its mean absorbed in the first dimension),
        so ``exp(offset + X b + sum of effects)`` reproduces :attr:`fitted`.
        """
        return {k: v.copy() for k, v in self.fixef_values.items()}

    def predict(self, newdata: pd.DataFrame | None = None) -> np.ndarray:
        """Expected flows ``exp(offset + X b + fixed effects)`` in the units of the outcome.

        Parameters
        ----------
        newdata
            Rows to predict, with the regressor, fixed-effect (and offset)
            columns; ``None`` returns :attr:`fitted` for the estimation data.

        Returns
        -------
        np.ndarray
            ``(n,)`` expected flows; NaN where a fixed-effect level was not
            estimated or an input is missing.
        """
        if newdata is None:
            return self.fitted.copy()
        from tradegap.estimate.formula import fe_labels, term_values

        need = [self.offset_name] if self.offset_name else []
        for t in self.coef.index:
            if t != "Intercept":
                need.append(t)
        from tradegap.estimate.formula import _TERM

        cols = []
        for t in need:
            m = _TERM.match(t)
            cols.append((m.group("arg") or m.group("name")) if m else t)
        for f in self.fe_terms:
            cols.extend(f.split("^"))
        missing = [c for c in dict.fromkeys(cols) if c not in newdata.columns]
        if missing:
            raise InputError(
                f"newdata lacks the column(s) {', '.join(map(repr, missing))} needed to predict.",
                hint="Pass a frame with the model's regressors and fixed-effect columns.",
            )
        n = len(newdata)
        eta = np.zeros(n)
        for t, b in self.coef.items():
            eta += b if t == "Intercept" else b * term_values(str(t), newdata)
        if self.offset_name:
            eta += newdata[self.offset_name].to_numpy(dtype=np.float64, na_value=np.nan)
        for f in self.fe_terms:
            vals = self.fixef_values[f]
            labels = fe_labels(f, newdata)
            pos = vals.index.get_indexer(labels)
            v = np.where(pos >= 0, vals.to_numpy()[np.maximum(pos, 0)], np.nan)
            eta += v
        return np.exp(eta)
