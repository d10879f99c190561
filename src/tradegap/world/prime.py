"""Seed the process's result cache from the world model, so that views which keep their own fits
(the sector benchmarks, the GE scenarios' FTA and sanction effects) find them instead of refitting.

:func:`prime` is what the brief calls first: the world model is found (or built once), then the
stored sector fits and the scenarios' FTA and sanction effects are put into :data:`tradegap.cache.CACHE` under the
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


def prime(store: Any = None, year: int | None = None, *, sectors: bool = True, progress: Progress | None = None,
          notify: Notify | None = None) -> WorldModel:
    """Ensure the world model for ``year`` and seed the result cache with its stored fits
    (the scenarios' FTA and sanction effects; with ``sectors``, the sector benchmarks too).

    Returns
    -------
    WorldModel
    """
    from tradegap import agreements, sanctions_effect

    wm = ensure(store, default_spec("baci", year), progress=progress, notify=notify)
    g = wm.meta["ge"]
    # the one sanction effect and the FTA/customs-union effects, as stored: no refit in this process
    if "sanction_effect" in g:
        sanctions_effect.remember(sanctions_effect.SanctionEffect.from_dict(g["sanction_effect"]))
    if "fta_effect" in g:
        agreements.remember(agreements.AgreementEffect.from_dict(g["fta_effect"]), kind="fta")
    if "deepening_effect" in g:
        agreements.remember(agreements.AgreementEffect.from_dict(g["deepening_effect"]), kind="deepening")
    s = wm.meta.get("sectors")
    if s and sectors:
        skey = tuple(s["key"])
        fp = store_fingerprint(store)
        if CACHE.get(fp, skey) is MISSING:
            fitted = _read(wm, "world_sector_fitted", "TRUE", [], None)
            # one pass: the rows of each (sector, year), in their stored order
            groups = fitted.groupby(["sector", "year"], sort=False).indices
            rest = fitted.drop(columns=["sector", "year"])
            fits = {}
            for m in s["fits"].values():
                rows = groups.get((m["sector"], m["year"]), [])
                f = rest.take(rows).reset_index(drop=True)
                fits[(m["sector"], m["year"])] = SectorFit(m["sector"], m["year"], m["coef"], m["se"], m["nobs"], f,
                                                           m["converged"], tuple(m["notes"]))
            CACHE.put(fp, skey, fits)
    return wm
