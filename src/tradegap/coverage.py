"""The coverage catalogue: which years each shipped dataset holds, in one place.

Every module and every message that states a dataset's years reads them here
(:data:`DATASETS`, :func:`dataset`); ``tests/test_coverage.py`` checks each entry
against the embedded Parquet files, so the catalogue cannot drift from the data.

Year arguments are parsed once, by :func:`parse_years`: ``None``, an int, a string
(``"2019"``, ``"2000-2020"``, ``"2000,2010"``), a ``range`` or an iterable of ints.
With a ``dataset`` the years are bounded by its coverage and a year outside it is a
:class:`~tradegap.errors.CoverageError` that names the coverage; a string range is
never expanded beyond :data:`YEAR_BOUNDS` (so ``2000-99999999`` is an error, not a
list of a hundred million years).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from tradegap.errors import CoverageError, InputError
from tradegap.validation import check_option

__all__ = ["DATASETS", "YEAR_BOUNDS", "Coverage", "dataset", "parse_years", "span"]


@dataclass(frozen=True, slots=True)
class Coverage:
    """Years of one shipped dataset.

    Attributes
    ----------
    name : str
        Catalogue key, e.g. ``"baci"``.
    label : str
        Source as a reader names it, e.g. ``"CEPII BACI"``.
    first, last : int
        First and last year with data in the shipped file.
    usable_last : int
        Last year complete enough for estimation (``last`` unless the last year is partial).
    note : str
        One sentence on what the span means (partial years, lower bounds).
    """

    name: str
    label: str
    first: int
    last: int
    usable_last: int
    note: str = ""

    @property
    def usable(self) -> tuple[int, int]:
        """``(first, usable_last)``: the years usable for estimation."""
        return (self.first, self.usable_last)

    @property
    def span(self) -> str:
        """``"2000–2020"``: the whole span as printed in messages."""
        return f"{self.first}–{self.last}"

    @property
    def usable_span(self) -> str:
        """``"2000–2019"``: the usable span as printed in messages."""
        return f"{self.first}–{self.usable_last}"

    def years(self, *, usable: bool = True) -> range:
        """The years as a ``range`` (usable years by default)."""
        return range(self.first, (self.usable_last if usable else self.last) + 1)

    def __contains__(self, year: object) -> bool:
        return isinstance(year, int) and self.first <= year <= self.last


#: Widest year range any argument may name (a sanity bound, not a dataset's coverage).
YEAR_BOUNDS: Final[tuple[int, int]] = (1900, 2100)

#: The shipped datasets' years (checked against ``data/embedded/*.parquet`` by the tests).
DATASETS: Final[dict[str, Coverage]] = {
    c.name: c
    for c in (
        Coverage("dots", "IMF DOTS", 1990, 2020, 2020,
                 "IMF Direction of Trade Statistics, mirror-reconciled (importer CIF preferred)"),
        Coverage("baci", "CEPII BACI", 2000, 2020, 2019,
                 "CEPII BACI totals, exporter-reported and reconciled (FOB); 2020 is incomplete"),
        Coverage("sitc", "UN Comtrade SITC", 2015, 2015, 2015, "one cross-section of SITC sector flows"),
        Coverage("wdi", "World Bank WDI", 1960, 2024, 2024, "GDP, population and balance of payments"),
        Coverage("unga", "UN General Assembly roll-call votes (Voeten et al.)", 1946, 2019, 2019,
                 "the year is the year the session opened"),
        Coverage("unga_idealpoints", "UNGA ideal points (Bailey, Strezhnev & Voeten, June 2024 release)", 1946,
                 2023, 2023, "sessions 1–78; the year is the year the session opened"),
        Coverage("gsdb", "Global Sanctions Data Base (GSDB v3)", 2013, 2022, 2022,
                 "the shipped subset holds the cases active in 2013–2022; other years are a lower bound"),
        Coverage("gsdb_full", "Global Sanctions Data Base (GSDB v3), all cases", 1949, 2022, 2022,
                 "every case 1949–2022, used to estimate the trade-sanction effect"),
        Coverage("dots_history", "IMF DOTS 1960–1989", 1960, 1989, 1989,
                 "IMF Direction of Trade Statistics before 1990, for the long sanctions panel"),
        Coverage("wto_rta", "WTO RTA-IS", 1949, 2025, 2025,
                 "regional trade agreements in force per pair and year (October 2025 copy)"),
    )
}

#: Last year complete in every dataset the pair brief uses (BACI, DOTS, WDI, UNGA, GSDB).
BRIEF_LAST_YEAR: Final[int] = min(DATASETS[k].usable_last for k in ("baci", "dots", "wdi", "unga", "gsdb"))


def dataset(name: str) -> Coverage:
    """The :class:`Coverage` of dataset ``name`` (a key of :data:`DATASETS`)."""
    check_option("dataset", name, sorted(DATASETS), "coverage.dataset")
    return DATASETS[name]


def span(years: Iterable[int]) -> str:
    """``[2010, 2011, 2012]`` → ``"2010–2012"``; non-contiguous years are listed."""
    ys = sorted(years)
    if len(ys) > 1 and ys[-1] - ys[0] == len(ys) - 1:
        return f"{ys[0]}–{ys[-1]}"
    return ", ".join(map(str, ys))


def _from_text(text: str, lo: int, hi: int) -> list[int]:
    clean = text.strip().replace("–", "-").replace("..", "-").replace(":", "-")
    out: list[int] = []
    try:
        for part in filter(None, (p.strip() for p in clean.split(","))):
            if "-" in part[1:]:
                a, b = (int(x) for x in part.split("-", 1))
                if a > b:
                    raise ValueError
                if a < lo or b > hi:
                    raise CoverageError(
                        f"The years {part!r} reach beyond {lo}–{hi}.", hint=f"Give years within {lo}–{hi}."
                    )
                out.extend(range(a, b + 1))
            else:
                out.append(int(part))
    except ValueError:
        raise InputError(
            f"Could not read the years {text!r}.",
            hint="Give one year (2019), a range (2000-2020) or a list (2000,2010,2019).",
        ) from None
    return out


def parse_years(years: Any, *, dataset: str | Coverage | None = None, what: str = "years",
                where: str | None = None) -> tuple[int, ...] | None:
    """Normalise a years argument to a sorted tuple of ints (``None`` stays ``None`` = all years).

    Parameters
    ----------
    years : None, int, str, range or iterable of int
        ``2019``, ``"2019"``, ``"2000-2020"``, ``"2000,2010"``, ``range(2000, 2021)``.
    dataset : str or Coverage, optional
        Bound the years by this dataset's coverage (:class:`CoverageError` outside it).
    what : str
        The parameter's name in messages.
    where : str, optional
        The function taking it, named in messages (``The 'years' parameter of trade must be …``).
    """
    import numpy as np  # numpy scalars are accepted as ints

    if years is None:
        return None
    cov = DATASETS[dataset] if isinstance(dataset, str) else dataset
    lo, hi = (cov.first, cov.last) if cov is not None else YEAR_BOUNDS
    of = f" of {where}" if where else ""
    if isinstance(years, (bool, np.bool_)):
        raise InputError(f"The '{what}' parameter{of} must be a year or a range of years. Got {years!r} instead.")
    if isinstance(years, (int, np.integer)):
        out = [int(years)]
    elif isinstance(years, str):
        out = _from_text(years, *YEAR_BOUNDS)
    else:
        try:
            out = [int(y) for y in years]
        except (TypeError, ValueError):
            raise InputError(
                f"The '{what}' parameter{of} must be a year or an iterable of years. Got {years!r} instead."
            ) from None
    if not out:
        raise InputError(f"No years in {years!r}.", hint="Give one year (2019) or a range (2000-2020).")
    bad = sorted({y for y in out if not lo <= y <= hi})
    if bad:
        where = f"the coverage of {cov.label} ({cov.span}; {cov.note})" if cov is not None else f"{lo}–{hi}"
        raise CoverageError(f"Year(s) {span(bad)} are outside {where}.", hint=f"Give years within {lo}–{hi}.")
    return tuple(sorted(set(out)))
