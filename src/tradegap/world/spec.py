"""What a world model is computed for: the data source, the terminal year and the options.

A world model answers every single-year question on one source the way the pair views do: a
potential for year ``Y`` comes from the structural and size-based models estimated on the anchor
years ending at ``Y`` (:func:`tradegap.views.potential._anchors`).  One :class:`WorldSpec` covers
one terminal year; its tables hold every directed pair for every year from the start of the
source's coverage up to that terminal year (the years a brief on ``Y`` shows).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

#: Bumped whenever what the world model computes or stores changes (old tables are then rebuilt).
WORLD_VERSION = 6

#: Bootstrap draws for the 90% bands (the pair views' default).
DEFAULT_DRAWS = 100


@dataclass(frozen=True)
class WorldSpec:
    """The specification a world model is keyed by (with the data fingerprint).

    Attributes
    ----------
    source : str
        Flow dataset of the potentials (``"baci"``).
    year : int
        Terminal year: the models are estimated on the anchor years ending at it.
    n_draws : int
        Bootstrap draws of the 90% bands.
    version : int
        :data:`WORLD_VERSION` at build time.
    """

    source: str
    year: int
    n_draws: int = DEFAULT_DRAWS
    version: int = WORLD_VERSION

    @property
    def key(self) -> str:
        """The spec's key in the world tables, e.g. ``"baci/2019/d100/v1"``."""
        return f"{self.source}/{self.year}/d{self.n_draws}/v{self.version}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return asdict(self)

    def to_json(self) -> str:
        """Canonical JSON (sorted keys)."""
        return json.dumps(self.to_dict(), sort_keys=True)


def coverage(source: str) -> tuple[int, int]:
    """First and last year with potentials for ``source``."""
    from tradegap.views.potential import COVERAGE

    return COVERAGE[source]


def default_spec(source: str = "baci", year: int | None = None) -> WorldSpec:
    """The spec for ``year`` (default: the source's latest covered year)."""
    _, hi = coverage(source)
    return WorldSpec(source=source, year=hi if year is None else int(year))
