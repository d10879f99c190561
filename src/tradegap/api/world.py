"""The world's largest untapped flows: every directed pair's structural potential in one year.

A bridge until the persisted world model (``tradegap.world``) answers this from stored rows:
it reads the same global structural model that :func:`tradegap.potential.untapped` fits
(cached in :data:`tradegap.cache.CACHE` by :mod:`tradegap.views.potential`), so the numbers match the per-country ranking.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tradegap.views import potential as _pair

__all__ = ["world_untapped"]


def world_untapped(*, year: int, top: int, store: Any = None, source: str = "baci") -> dict[str, Any]:
    """The ``top`` directed flows with the largest untapped value (potential − actual) in ``year``.

    Returns
    -------
    dict
        ``year, unit, scale, source, n_pairs, table`` where ``table`` rows are ``rank, exporter,
        exporter_name, importer, importer_name, actual, potential, potential_lo, potential_hi, ratio,
        untapped`` (USD millions), plus ``notes``.
    """
    from tradegap.countries import country_name

    ys = _pair._years_arg(year, source)
    st = _pair._store(store)
    anchors = _pair._anchors(ys, source)
    model, notes = _pair._structural_model(st, source, anchors, _pair.DEFAULT_DRAWS)
    f = model.flows if ys[0] in anchors else _pair._extra_year_flows(model, st, source, ys[0])
    f = f[(f["year"] == ys[0]) & np.isfinite(f["potential"]) & (f["potential"] > 0)]
    t = f.sort_values("untapped", ascending=False).head(int(top)).reset_index(drop=True)
    names: dict[str, str] = {}

    def nm(code: str) -> str:
        if code not in names:
            try:
                names[code] = country_name(code)
            except Exception:  # noqa: BLE001 - names are cosmetic
                names[code] = code
        return names[code]

    rows = [
        {
            "rank": i + 1,
            "exporter": str(r.exporter),
            "exporter_name": nm(str(r.exporter)),
            "importer": str(r.importer),
            "importer_name": nm(str(r.importer)),
            "actual": float(r.actual),
            "potential": float(r.potential),
            "potential_lo": float(r.potential_lo),
            "potential_hi": float(r.potential_hi),
            "ratio": float(r.ratio),
            "untapped": float(r.untapped),
        }
        for i, r in enumerate(t.itertuples(index=False))
    ]
    return {
        "year": int(ys[0]),
        "unit": "USD",
        "scale": "millions",
        "source": source,
        "n_pairs": len(f),
        "table": rows,
        "notes": [
            *notes,
            (
                "Untapped = structural potential − actual trade of one directed flow (exporter → importer), "
                "USD millions; ratio = actual / potential; the band is the potential's 90% bootstrap interval."
            ),
        ],
    }
