"""JSON-ready values: numpy/pandas scalars and containers to plain Python (NaN and inf → None).

Shared by the library (:mod:`tradegap.brief`), the CLI renderer and the HTTP API.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["jsonable"]


def jsonable(obj: Any) -> Any:
    """Make numpy/pandas values JSON-serialisable (NaN and inf become ``None``).

    Dicts, lists, tuples, frames (as records), series and arrays are converted
    recursively; objects with ``to_dict()`` and dataclasses through their dict;
    anything else that JSON cannot hold becomes its ``str()``.
    """
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, pd.DataFrame):
        return [jsonable(r) for r in obj.to_dict(orient="records")]
    if isinstance(obj, pd.Series):
        return jsonable(obj.to_dict())
    if isinstance(obj, np.ndarray):
        return jsonable(obj.tolist())
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return None if math.isnan(f) or math.isinf(f) else f
    if obj is None or isinstance(obj, (str, int, bool)):
        return obj
    try:
        if pd.isna(obj):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(obj, "to_dict"):
        return jsonable(obj.to_dict())
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return jsonable(dataclasses.asdict(obj))
    return str(obj)
