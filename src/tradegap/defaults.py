"""Model defaults, each stated once and read by the library, the CLI, the API and the prose."""

from __future__ import annotations

from typing import Final

#: Trade elasticity of substitution σ for GE counterfactuals (Yotov et al., Advanced Guide, ch. 2).
SIGMA: Final[float] = 7.0
#: Monte Carlo draws for the potential bands.
DRAWS: Final[int] = 100
#: Years between panel observations in the structural potential (Yotov et al. use 3 or 4).
STEP: Final[int] = 3
