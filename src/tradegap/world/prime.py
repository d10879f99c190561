"""Seed the process's result cache from the world model, so that views which keep their own fits
(the sector benchmarks, the GE sanction coefficient) find them instead of refitting.

:func:`prime` is what the brief calls first: the world model is found (or built once), then the
stored sector fits and sanction coefficient are put into :data:`tradegap.cache.CACHE` under the
keys the views use.  The values are the same the views would compute (they were computed by those
views when the model was built, and are rebuilt whenever the data fingerprint changes).
"""

from __future__ import annotations

from typing import Any

from tradegap.cache import CACHE, MISSING, store_fingerprint
from tradegap.sectors import SectorFit
from tradegap.world.compute import Progress
from tradegap.world.model import Notify, WorldModel, ensure
from tradegap.world.query import _read
from tradegap.world.spec import default_spec

__all__ = ["prime"]


def prime(store: Any = None, year: int | None = None, *, progress: Progress | None = None,
          notify: Notify | None = None) -> WorldModel:
    """Ensure the world model for ``year`` and seed the result cache with its stored fits.

    Returns
    -------
    WorldModel
    """
    from tradegap.views import scenarios

    wm = ensure(store, default_spec("baci", year), progress=progress, notify=notify)
    g = wm.meta["ge"]
    key = ("sanction_coefficient", tuple(scenarios.SANCTION_YEARS))
    if CACHE.get(store_fingerprint(None), key) is MISSING and g.get("sanction_years") == list(scenarios.SANCTION_YEARS):
        CACHE.put(store_fingerprint(None), key,
                  (g["sanction_coef"], g["sanction_se"], g["sanction_nobs"], tuple(g.get("sanction_notes", ()))))
    s = wm.meta.get("sectors")
    if s:
        skey = tuple(s["key"])
        fp = store_fingerprint(store)
        if CACHE.get(fp, skey) is MISSING:
            fitted = _read(wm, "world_sector_fitted", "TRUE", [], None)
            fits = {}
            for m in s["fits"].values():
                f = fitted[(fitted["sector"] == m["sector"]) & (fitted["year"] == m["year"])]
                f = f.drop(columns=["sector", "year"]).reset_index(drop=True)
                fits[(m["sector"], m["year"])] = SectorFit(m["sector"], m["year"], m["coef"], m["se"], m["nobs"], f,
                                                           m["converged"], tuple(m["notes"]))
            CACHE.put(fp, skey, fits)
    return wm
