"""The coefficients the GE scenarios use, kept in the world model as JSON and restored as the same objects.

The FTA effect (:func:`tradegap.agreements.fta_effect`) and the sanction effect
(:func:`tradegap.sanctions_effect.long_panel_effect`) are PPML fits with pair fixed effects on the
shipped panels.  A build computes them through those functions (which cache them in
:data:`tradegap.cache.CACHE`), stores each frozen result object field by field (frames as columns,
tuples tagged, floats exactly through JSON), and :func:`seed` puts them back into the cache under the
same keys in a later process, so a scenario does not refit them.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["collect", "seed"]


def _encode(v: Any) -> Any:
    if isinstance(v, pd.DataFrame):
        return {"__frame__": {c: [_encode(x) for x in v[c].tolist()] for c in v.columns}}
    if isinstance(v, tuple):
        return {"__tuple__": [_encode(x) for x in v]}
    if isinstance(v, list):
        return [_encode(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _encode(x) for k, x in v.items()}
    if isinstance(v, np.generic):
        return v.item()
    return v


def _decode(v: Any) -> Any:
    if isinstance(v, dict):
        if "__frame__" in v:
            return pd.DataFrame({c: [_decode(x) for x in col] for c, col in v["__frame__"].items()})
        if "__tuple__" in v:
            return tuple(_decode(x) for x in v["__tuple__"])
        return {k: _decode(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_decode(x) for x in v]
    return v


def _keys() -> dict[str, tuple]:
    """The cache keys (under the embedded data's fingerprint) of the effects the scenarios use."""
    from tradegap import agreements, sanctions_effect

    return {
        "fta_effect": ("fta_effect", "baci", tuple(agreements.EFFECT_YEARS.get("baci", ()))),
        "sanction_effect": ("sanction_effect", "pooled", tuple(sanctions_effect.HISTORY_YEARS)),
    }


def _classes() -> dict[str, type]:
    from tradegap import agreements, sanctions_effect

    return {"fta_effect": agreements.AgreementEffect, "sanction_effect": sanctions_effect.SanctionEffect}


def collect() -> dict[str, Any]:
    """Compute (or take from the cache) the scenario coefficients; JSON-able ``{name: {key, fields}}``."""
    from tradegap.cache import CACHE, MISSING, store_fingerprint
    from tradegap.views import scenarios

    scenarios.fta_coefficient()
    scenarios.sanction_coefficient()
    out: dict[str, Any] = {}
    for name, key in _keys().items():
        obj = CACHE.get(store_fingerprint(None), key)
        if obj is MISSING or not dataclasses.is_dataclass(obj):
            continue  # a coefficient computed another way: the scenario computes it itself
        out[name] = {"key": _encode(key),
                     "fields": {f.name: _encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}}
    return out


def seed(stored: dict[str, Any]) -> None:
    """Put stored coefficients back into the result cache (unless already there)."""
    from tradegap.cache import CACHE, MISSING, store_fingerprint

    classes, keys = _classes(), _keys()
    fp = store_fingerprint(None)
    for name, entry in stored.items():
        key = _decode(entry["key"])
        if name not in classes or key != keys[name] or CACHE.get(fp, key) is not MISSING:
            continue
        CACHE.put(fp, key, classes[name](**_decode(entry["fields"])))
