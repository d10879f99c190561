"""PPML with high-dimensional fixed effects.

``fepois(formula, data, ...)`` fits Poisson pseudo-maximum likelihood with any
number of fixed-effect dimensions (``exporter^year + importer^year +
exporter^importer``) and returns a :class:`PoissonResult`; ``fepois_arrays``
is the array-level engine beneath it.
"""

from __future__ import annotations

from tradegap.estimate.api import SEPARATION_METHODS, fepois, fepois_arrays
from tradegap.estimate.formula import Formula, parse_formula
from tradegap.estimate.results import PoissonResult
from tradegap.estimate.vcov import VCOV_ALIASES, parse_vcov

__all__ = [
    "fepois",
    "fepois_arrays",
    "PoissonResult",
    "Formula",
    "parse_formula",
    "parse_vcov",
    "VCOV_ALIASES",
    "SEPARATION_METHODS",
]
