"""Covariance estimators for PPML: a small registry with string aliases.

=============================  ===========================================
alias                          estimator
=============================  ===========================================
``"iid"``                      model-based: ``c * H^-1``
``"hc1"``, ``"hetero"``,       heteroskedasticity-robust sandwich with
``"robust"``                   ``c = N / (N - K)``
``"cluster:a"``,               one-way CRV1, ``c = G/(G-1) (N-1)/(N-K)``
``{"CRV1": "a"}``
``"cluster:a,b"``,             two-way CRV1 (Cameron, Gelbach & Miller
``{"CRV1": "a+b"}``            2011): ``V_a + V_b - V_ab``, ``G = min``
=============================  ===========================================

Small-sample conventions follow fixest/pyfixest defaults (``ssc(k_adj=True,
k_fixef="nonnested", G_adj=True, G_df="min")``): ``K`` counts the regressors
plus the fixed-effect levels (minus one per extra dimension), leaving out the
levels of fixed effects nested in a cluster variable (plus one per such
dimension).  ``H`` is the weighted cross-product of the demeaned regressors
and the scores are ``w (y - mu) x_demeaned``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from tradegap.errors import InputError

__all__ = ["VcovSpec", "VcovInputs", "parse_vcov", "compute_vcov", "VCOV_REGISTRY", "VCOV_ALIASES"]

VCOV_ALIASES = ("iid", "hc1", "hetero", "robust", "cluster:<col>", "cluster:<col1>,<col2>", "{'CRV1': 'a+b'}")


@dataclass(frozen=True)
class VcovSpec:
    """A parsed covariance request: ``kind`` in {"iid", "hc1", "crv1"} and cluster variables."""

    kind: str
    clusters: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Human-readable name, e.g. ``"CRV1 (pair)"``."""
        if self.kind == "crv1":
            return f"CRV1 ({', '.join(self.clusters)})"
        return {"iid": "iid", "hc1": "HC1"}[self.kind]


def _bad_vcov(value: object) -> InputError:
    return InputError(
        f"The 'vcov' parameter of fepois must be one of {list(VCOV_ALIASES)}. Got {value!r} instead.",
        hint="Use 'hc1' for robust errors or 'cluster:pair' / 'cluster:exporter,importer' for clustered ones.",
    )


def parse_vcov(vcov: str | dict[str, str]) -> VcovSpec:
    """Turn a user's ``vcov`` argument into a :class:`VcovSpec`.

    Cluster variables may be columns or interactions (``"exporter^importer"``);
    the special name ``"pair"`` means a ``pair`` column if the data have one,
    else ``pair_id``, else ``exporter^importer`` (resolved by the front end).
    """
    if isinstance(vcov, dict):
        if len(vcov) != 1:
            raise _bad_vcov(vcov)
        (key, val), = vcov.items()
        if str(key).upper() != "CRV1" or not isinstance(val, str):
            raise _bad_vcov(vcov)
        names = tuple(v.strip() for v in val.split("+") if v.strip())
        if not 1 <= len(names) <= 2:
            raise _bad_vcov(vcov)
        return VcovSpec("crv1", names)
    if not isinstance(vcov, str):
        raise _bad_vcov(vcov)
    v = vcov.strip()
    low = v.lower()
    if low in VCOV_REGISTRY:
        return VcovSpec(VCOV_REGISTRY[low].kind)
    for prefix in ("cluster:", "crv1:"):
        if low.startswith(prefix):
            names = tuple(x.strip() for x in v[len(prefix):].replace("+", ",").split(",") if x.strip())
            if 1 <= len(names) <= 2:
                return VcovSpec("crv1", names)
    raise _bad_vcov(vcov)


@dataclass(frozen=True)
class VcovInputs:
    """What every covariance estimator needs (estimation sample only).

    Attributes
    ----------
    bread
        ``(k, k)`` inverse Hessian ``(X' W X)^-1`` of the demeaned regressors.
    scores
        ``(n, k)`` score contributions ``w_i (y_i - mu_i) x_i``.
    n_levels
        Number of levels of each fixed-effect dimension, shape ``(Q,)``.
    fe_codes
        Codes of each fixed-effect dimension (for nesting checks).
    clusters
        Integer codes of each cluster variable, one ``(n,)`` array each.
    """

    bread: np.ndarray
    scores: np.ndarray
    n_levels: np.ndarray
    fe_codes: list[np.ndarray] = field(default_factory=list)
    clusters: list[np.ndarray] = field(default_factory=list)

    @property
    def nobs(self) -> int:
        """Number of observations ``N``."""
        return int(self.scores.shape[0])

    @property
    def k(self) -> int:
        """Number of regressors."""
        return int(self.bread.shape[0])


def _k_fe_adj(n_levels: np.ndarray) -> int:
    n_fe = int(np.sum(n_levels > 1))
    total = int(np.sum(n_levels))
    return total - (n_fe - 1) if n_fe > 1 else total


def _nested(fe_code: np.ndarray, cl: np.ndarray) -> bool:
    """True if every level of the fixed effect lies in one cluster."""
    pairs = np.unique(np.stack([fe_code, cl], axis=1), axis=0)
    return pairs.shape[0] == np.unique(fe_code).shape[0]


class _Vcov:
    kind: ClassVar[str]

    @staticmethod
    def compute(inp: VcovInputs) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError


class IIDVcov(_Vcov):
    """Model-based covariance ``(N-1)/(N-K) * H^-1`` (Poisson dispersion fixed at one)."""

    kind = "iid"

    @staticmethod
    def compute(inp: VcovInputs) -> np.ndarray:
        N = inp.nobs
        df_k = inp.k + _k_fe_adj(inp.n_levels)
        return (N - 1) / (N - df_k) * inp.bread


class HC1Vcov(_Vcov):
    """Heteroskedasticity-robust sandwich with ``N/(N-K)`` (Stata ``robust``, fixest ``hetero``)."""

    kind = "hc1"

    @staticmethod
    def compute(inp: VcovInputs) -> np.ndarray:
        N = inp.nobs
        df_k = inp.k + _k_fe_adj(inp.n_levels)
        meat = inp.scores.T @ inp.scores
        return N / (N - df_k) * (inp.bread @ meat @ inp.bread)


def _cluster_meat(scores: np.ndarray, cl: np.ndarray) -> np.ndarray:
    G = int(cl.max()) + 1
    S = np.zeros((G, scores.shape[1]))
    np.add.at(S, cl, scores)
    return S.T @ S


class CRV1Vcov(_Vcov):
    """One- or two-way cluster-robust covariance (CRV1) with fixest's small-sample factors."""

    kind = "crv1"

    @staticmethod
    def compute(inp: VcovInputs) -> np.ndarray:
        N = inp.nobs
        cls = list(inp.clusters)
        signs = [1.0]
        if len(cls) == 2:
            inter = np.unique(np.stack(cls, axis=1), axis=0, return_inverse=True)[1].ravel()
            cls.append(inter)
            signs = [1.0, 1.0, -1.0]
        Gs = [int(np.unique(c).size) for c in cls]
        G = min(Gs)
        if G < 2:
            raise InputError(
                "Clustered standard errors need at least two clusters; the sample has one.",
                hint="Cluster on a variable with more than one value, or use vcov='hc1'.",
            )
        nested = [any(_nested(f, c) for c in cls) for f in inp.fe_codes]
        k_fe_nested = int(sum(nl for nl, ne in zip(inp.n_levels, nested) if ne))
        n_nested = int(sum(nested))
        df_k = inp.k + _k_fe_adj(inp.n_levels) - k_fe_nested + n_nested
        adj = (N - 1) / (N - df_k) * G / (G - 1)
        V = np.zeros((inp.k, inp.k))
        for c, s in zip(cls, signs):
            V += s * (inp.bread @ _cluster_meat(inp.scores, c) @ inp.bread)
        return adj * V


VCOV_REGISTRY: dict[str, type[_Vcov]] = {
    "iid": IIDVcov,
    "hc1": HC1Vcov,
    "hetero": HC1Vcov,
    "robust": HC1Vcov,
}

_BY_KIND: dict[str, type[_Vcov]] = {"iid": IIDVcov, "hc1": HC1Vcov, "crv1": CRV1Vcov}


def compute_vcov(spec: VcovSpec, inp: VcovInputs) -> np.ndarray:
    """Covariance matrix ``(k, k)`` of the coefficients for ``spec``."""
    if inp.k == 0:
        return np.zeros((0, 0))
    return _BY_KIND[spec.kind].compute(inp)
