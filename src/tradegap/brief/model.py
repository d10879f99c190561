"""The brief's result objects: :class:`Chart`, :class:`BriefSection`, :class:`PairBrief`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final, Literal, get_args

import pandas as pd

from tradegap._json import jsonable
from tradegap.errors import InputError, TradegapError
from tradegap.progress import Progress

__all__ = ["DEFAULT_SECTIONS", "SECTIONS", "UNIT", "BriefSection", "Chart", "PairBrief", "Progress"]

ChartKind = Literal["history", "bars", "politics"]
SectionStatus = Literal["ok", "unavailable"]

#: The sections a brief can hold, in display order.
SECTIONS: Final[tuple[str, ...]] = (
    "summary",
    "claims",
    "history",
    "peers",
    "potential",
    "gap",
    "decomposition",
    "sanctions",
    "politics",
    "sectors",
    "scenarios",
    "method",
)

#: Sections built by default (``claims`` appears when claim checks are passed in).
DEFAULT_SECTIONS: Final[tuple[str, ...]] = tuple(s for s in SECTIONS if s != "claims")

UNIT: Final[str] = "USD millions"



# ----------------------------------------------------------------------------------------------
# Result objects
# ----------------------------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


@dataclass(frozen=True)
class Chart:
    """What to draw for a section: a kind and a tidy frame (drawn by :mod:`tradegap.report`).

    Parameters
    ----------
    kind : {"history", "bars", "politics"}
        ``history``: columns ``year, direction, actual`` and optionally
        ``potential, lower, upper`` (structural potential and its band),
        ``actual_model`` (the actual value in the potential's own data) and
        ``size_potential``; one panel per direction, values in USD millions.
        ``bars``: columns ``label, value`` and optionally ``group`` (grouped bars)
        and ``highlight`` (bool, drawn in the accent colour); horizontal bars.
        ``politics``: columns ``year, agreement`` (share of UN votes in agreement,
        0–1) and optionally ``ratio`` (actual/potential trade) on a second axis.
    data : pandas.DataFrame
        The tidy frame described above.
    title, xlabel, ylabel : str
        Labels; ``note`` is a caption printed under the chart.
    """

    kind: ChartKind
    data: pd.DataFrame
    title: str
    xlabel: str = ""
    ylabel: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        kinds = list(get_args(ChartKind))
        if self.kind not in kinds:
            raise InputError(
                f"The 'kind' parameter of Chart must be one of {kinds}. Got {self.kind!r} instead."
            )
        if not isinstance(self.data, pd.DataFrame):
            raise InputError(
                f"The 'data' parameter of Chart must be a pandas DataFrame. Got {type(self.data).__name__} instead."
            )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able description: kind, labels and the data records."""
        return {
            "kind": self.kind,
            "title": self.title,
            "xlabel": self.xlabel,
            "ylabel": self.ylabel,
            "note": self.note,
            "data": jsonable(self.data),
        }


@dataclass(frozen=True)
class BriefSection:
    """One section of a brief: plain-language text, an optional table and chart.

    Other modules (e.g. the article reader) can build their own sections and pass
    them to :func:`pair_brief` with ``extra_sections=``.

    Parameters
    ----------
    title : str
        Heading shown to the reader.
    text : str
        Plain-language explanation; paragraphs separated by blank lines.
    frame : pandas.DataFrame, optional
        The table of the section (values in USD millions unless a column says otherwise).
    chart : Chart, optional
        What to draw.
    key : str, optional
        Stable identifier (HTML ids, JSON keys); defaults to a slug of the title.
    status : {"ok", "unavailable"}
        ``"unavailable"`` when the section could not be computed; ``text`` then says why.
    sources : tuple of str
        Data sources the section rests on.
    """

    title: str
    text: str
    frame: pd.DataFrame | None = None
    chart: Chart | None = None
    key: str = ""
    status: SectionStatus = "ok"
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", _slug(self.title))
        if self.status not in get_args(SectionStatus):
            raise InputError(
                f"The 'status' parameter of BriefSection must be one of {list(get_args(SectionStatus))}. "
                f"Got {self.status!r} instead."
            )
        if self.frame is not None and not isinstance(self.frame, pd.DataFrame):
            raise InputError(
                "The 'frame' parameter of BriefSection must be a pandas DataFrame or None. "
                f"Got {type(self.frame).__name__} instead."
            )
        object.__setattr__(self, "sources", tuple(self.sources))

    @property
    def ok(self) -> bool:
        """True when the section was computed."""
        return self.status == "ok"

    @classmethod
    def unavailable(cls, key: str, title: str, error: BaseException | str) -> BriefSection:
        """A section that could not be computed, carrying the reason as its text."""
        if isinstance(error, TradegapError):
            text = f"This section could not be computed: {error.message}"
            if error.hint:
                text += f"\n\nHint: {error.hint}"
        else:
            text = f"This section could not be computed: {error}"
        return cls(title=title, text=text, key=key, status="unavailable")

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: key, title, status, text, table records and chart."""
        return {
            "key": self.key,
            "title": self.title,
            "status": self.status,
            "text": self.text,
            "sources": list(self.sources),
            "table": None if self.frame is None else jsonable(self.frame),
            "chart": None if self.chart is None else self.chart.to_dict(),
        }


@dataclass(frozen=True)
class PairBrief:
    """The brief for one pair of countries and one reference year.

    Attributes
    ----------
    a, b : str
        ISO3 codes of the two countries (in the order asked for).
    names : tuple of str
        Their English names.
    year : int
        Reference year of the snapshot figures.
    sections : tuple of BriefSection
        In display order.
    headline : str
        One-paragraph answer to "could these two trade more?".
    unit : str
        Unit of every trade value: ``"USD millions"``.
    """

    a: str
    b: str
    names: tuple[str, str]
    year: int
    sections: tuple[BriefSection, ...]
    headline: str = ""
    unit: str = UNIT
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """``"Iran – Russia: trade potential brief, 2019"``."""
        return f"{self.names[0]} – {self.names[1]}: trade potential brief, {self.year}"

    def section(self, key: str) -> BriefSection:
        """The section with this key (raises :class:`KeyError` naming the keys present)."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"No section {key!r} in this brief; sections: {[s.key for s in self.sections]}")

    def __contains__(self, key: object) -> bool:
        return any(s.key == key for s in self.sections)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form of the whole brief."""
        return {
            "a": self.a,
            "b": self.b,
            "names": list(self.names),
            "year": self.year,
            "title": self.title,
            "unit": self.unit,
            "headline": self.headline,
            "metrics": jsonable(self.metrics),
            "sections": [s.to_dict() for s in self.sections],
        }

    def to_frame(self) -> pd.DataFrame:
        """Summary table: one row per section with its status and first sentence."""
        rows = []
        for s in self.sections:
            first = s.text.strip().split("\n")[0]
            m = re.match(r"(.+?[.!?])(\s|$)", first)
            rows.append(
                {
                    "section": s.key,
                    "title": s.title,
                    "status": s.status,
                    "summary": m.group(1) if m else first,
                }
            )
        return pd.DataFrame(rows, columns=["section", "title", "status", "summary"])
