"""Model defaults, each stated once and read by the library, the CLI, the API and the prose."""

from __future__ import annotations

from typing import Final

#: Trade elasticity of substitution σ for GE counterfactuals (Yotov et al., Advanced Guide, ch. 2).
SIGMA: Final[float] = 7.0
#: The σ accepted by the GE model: the literature's estimates of the trade elasticity σ − 1 lie
#: between about 1 and 15 (Head & Mayer 2014, Handbook of International Economics vol. 4, ch. 3:
#: median structural estimate 5.0, i.e. σ ≈ 6); beyond this band the model is used outside what
#: it was estimated for (σ near 1 makes trade costs irrelevant and the solver ill-conditioned).
SIGMA_RANGE: Final[tuple[float, float]] = (1.5, 20.0)
#: Monte Carlo draws for the potential bands.
DRAWS: Final[int] = 100
#: Years between panel observations in the structural potential (Yotov et al. use 3 or 4).
STEP: Final[int] = 3
