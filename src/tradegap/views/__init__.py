"""Data-bound views: the pair and world computations on tradegap's data (store or embedded files).

The pure cores (:mod:`tradegap.estimate`, :mod:`tradegap.potential.core`, :mod:`tradegap.ge.model`,
:mod:`tradegap.ge.solve`, …) take arrays and frames; the modules here read the data, call a core
and return its result object:

* :mod:`tradegap.views.potential` — a pair's structural and size-based potential, the gap
  decomposition and the untapped-partner ranking;
* :mod:`tradegap.views.scenarios` — the GE world baseline from BACI and a pair's planning
  scenarios (FTA, sanctions lifted, cost cut), and TOML scenarios on the shipped data;
* :mod:`tradegap.views.sectors` — a pair's trade by sector and the sector gravity fits.
"""
