"""Result objects of the world model's own views (the pair answers reuse :mod:`tradegap.potential.results`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tradegap.potential.results import _clean


@dataclass(frozen=True)
class WorldUntapped:
    """The directed pairs with the largest untapped structural potential in one year.

    Attributes
    ----------
    year : int
    table : DataFrame
        ``rank, exporter, exporter_name, importer, importer_name, actual, potential, potential_lo,
        potential_hi, ratio, untapped`` (USD millions), largest untapped first.
    n_pairs : int
        Directed pairs in the model that year.
    spec : dict
    notes : tuple of str
    """

    year: int
    table: pd.DataFrame
    n_pairs: int
    spec: dict[str, Any] = field(repr=False)
    notes: tuple[str, ...] = ()
    unit: str = "USD"
    scale: str = "millions"

    def to_frame(self) -> pd.DataFrame:
        """The ranking."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dictionary."""
        return {"year": int(self.year), "n_pairs": int(self.n_pairs), "unit": self.unit, "scale": self.scale,
                "table": _clean(self.table), "spec": _clean(self.spec), "notes": list(self.notes)}
