"""The world model: every pair's potentials computed once per dataset and persisted in the store.

For the store's current data (its content fingerprint) and a specification (source, terminal
year, bootstrap draws), :func:`ensure` finds or builds once the structural and size-based fits and
potentials with bands for every directed pair and year, the decomposition inputs, the GE
baselines and coefficients, and country facts, in DuckDB tables keyed by fingerprint and spec.
The readers return the same result objects as the pair views, without fitting anything:

* :func:`structural`, :func:`size_based`, :func:`decompose` — one pair;
* :func:`untapped` — one country's partners ranked by untapped potential;
* :func:`world_untapped` — the directed pairs with the largest untapped potential in a year;
* :func:`pair_rows` — raw stored rows; :func:`pair_sector_fits` — the sector benchmarks of one pair; :func:`brief_inputs` — what the brief reads (for the web API);
* :func:`ge_baseline` — a year's solved GE baseline; :func:`scenario_baseline` — the same as the
  scenarios' :class:`~tradegap.views.scenarios.WorldBaseline`; :func:`normal_flows` — every pair's potential
  without the sanction term (the sanctions-lifted scenario); :func:`country_facts` — totals and rank;
* :func:`prime` — ensure the model and seed the result cache with its sector fits and GE coefficient;
* :func:`hold` — one read-only connection for the many reads of one answer.

Plain functions, safe to call from many threads and processes (read-only connections per call).
"""

from __future__ import annotations

from tradegap.world.db import hold
from tradegap.world.model import WorldModel, ensure, forget
from tradegap.world.prime import prime
from tradegap.world.query import (
    brief_inputs,
    country_facts,
    decompose,
    ge_baseline,
    normal_flows,
    pair_rows,
    pair_sector_fits,
    scenario_baseline,
    size_based,
    structural,
    untapped,
    world_untapped,
)
from tradegap.world.results import WorldUntapped
from tradegap.world.spec import WorldSpec, default_spec

__all__ = [
    "WorldModel",
    "WorldSpec",
    "WorldUntapped",
    "brief_inputs",
    "country_facts",
    "decompose",
    "default_spec",
    "ensure",
    "forget",
    "hold",
    "normal_flows",
    "ge_baseline",
    "pair_rows",
    "pair_sector_fits",
    "prime",
    "scenario_baseline",
    "size_based",
    "structural",
    "untapped",
    "world_untapped",
]
