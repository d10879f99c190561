"""Political alignment of two countries: UN General Assembly vote agreement per year.

Data
----
The package ships the UNGA roll-call votes of Voeten et al. (via the ``unvotes`` R package, MIT):
every recorded vote 1946–2019 (sessions 1–74), coded ``1`` yes, ``2`` abstain, ``3`` no.  Absences
and non-membership are *not* votes: a roll call counts for a pair only if both cast one of the
three votes ("common votes").  The **year** of a vote is the year its session opened
(``1945 + session``), so session 74 (Sept 2019 – Jan 2020) is 2019.

Country continuity
------------------
The shipped votes keep the entity that held each seat: the USSR (**SUN**, 1946–1991) and the
Russian Federation (**RUS**, from 1992); SFR Yugoslavia (**YUG**, to 1991), FR Yugoslavia /
Serbia and Montenegro (**SCG**, 1992–2005) and Serbia (**SRB**, from 2006); North Yemen (**YAR**,
to 1990) and Yemen (**YEM**); the Republic of China holding China's seat to 1971 (**TWN**, not CHN);
West Germany's votes 1973–1990 are Germany's (**DEU**, the same state).  Czechoslovakia (CSK),
East Germany (DDR) and South Yemen (YMD) have no successor here.  Zanzibar's two votes of 1963
are dropped.

``continuity="successor"`` (the default) files each predecessor's votes under its successor state
(:data:`SUCCESSORS`: SUN → RUS, Russia being the USSR's continuing state at the UN; YUG and
SCG → SRB; YAR → YEM), so a series for Russia reaches back to 1946 and says so in
:attr:`Alignment.notes`; ``continuity="strict"`` keeps the entities apart (RUS starts in 1992).

Measures (per pair and year, over the common votes)
---------------------------------------------------
``agree``
    Voeten's agreement index: 1 for identical votes, 0.5 when one abstains and the other votes
    yes or no, 0 for yes against no; the mean over common votes.
``agree_yesno``
    Share of identical votes among common votes on which *both* voted yes or no (abstentions
    excluded); ``n_yesno`` such votes.
``s_score``
    Signorino–Ritter S with the absolute (L1) distance over the vote vectors coded 1/2/3:
    ``S = 1 - 2 * d / d_max`` with ``d = sum |x_a - x_b|`` and ``d_max = 2 * n_common``; it equals
    ``2 * agree - 1`` and runs from −1 (always opposite) to 1 (always identical).
``rank``, ``percentile``, ``n_partners``
    Where ``b`` stands among all of ``a``'s partners that year (every other state with at least
    one common vote): rank 1 is ``a``'s closest partner by ``agree``; percentile is the share (in %)
    of ``a``'s other partners whose agreement with ``a`` is lower than ``b``'s, ties counting half.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from tradegap.coverage import parse_years
from tradegap.errors import CoverageError, InputError
from tradegap.validation import check_option, check_pair

#: Vote codes used in the shipped table.
VOTE_CODES: Final[dict[str, int]] = {"yes": 1, "abstain": 2, "no": 3}

#: Predecessor seat → successor state, applied with ``continuity="successor"``.
SUCCESSORS: Final[dict[str, str]] = {"SUN": "RUS", "YUG": "SRB", "SCG": "SRB", "YAR": "YEM"}

#: What each successor's series contains before the successor existed.
CONTINUITY: Final[dict[str, str]] = {
    "RUS": "votes up to 1991 are the USSR's (Russia is its continuing state at the UN)",
    "SRB": "votes up to 1991 are SFR Yugoslavia's, 1992–2005 FR Yugoslavia's / Serbia and Montenegro's",
    "YEM": "votes up to 1990 are North Yemen's (Yemen Arab Republic)",
}
#: First year of the successor state itself.
_SUCCESSOR_FROM: Final[dict[str, int]] = {"RUS": 1992, "SRB": 2006, "YEM": 1991}

Continuity = Literal["successor", "strict"]

#: Issue codes of the roll calls (a roll call may carry several).
ISSUES: Final[dict[str, str]] = {
    "me": "Palestinian conflict",
    "nu": "Nuclear weapons and nuclear material",
    "di": "Arms control and disarmament",
    "hr": "Human rights",
    "co": "Colonialism",
    "ec": "Economic development",
}

ALIGNMENT_COLUMNS: Final[tuple[str, ...]] = (
    "year", "n_common", "n_yesno", "agree", "agree_yesno", "s_score", "rank", "n_partners", "percentile",
)


# --------------------------------------------------------------------------- data


def _embedded(name: str) -> pd.DataFrame:
    path = Path(__file__).resolve().parent / "data" / "embedded" / f"{name}.parquet"
    if not path.exists():  # pragma: no cover - broken install
        raise CoverageError(
            f"The embedded table {path.name} is missing from the package.",
            hint="Reinstall tradegap or rebuild it with scripts/build_policy_data.py.",
        )
    return pd.read_parquet(path)


@lru_cache(maxsize=1)
def _rollcalls() -> pd.DataFrame:
    return _embedded("unga_rollcalls")


@lru_cache(maxsize=2)
def _votes(continuity: Continuity = "successor") -> pd.DataFrame:
    v = _embedded("unga_votes")
    rc = _rollcalls().set_index("rcid")["year"]
    v["year"] = v["rcid"].map(rc).astype("int16")
    if continuity == "successor":  # recode the categories, not the 870 k values
        old = [str(c) for c in v["iso3"].cat.categories]
        new = sorted({SUCCESSORS.get(c, c) for c in old})
        pos = {c: k for k, c in enumerate(new)}
        recode = np.array([pos[SUCCESSORS.get(c, c)] for c in old], dtype=np.int32)
        codes = v["iso3"].cat.codes.to_numpy()
        v["iso3"] = pd.Categorical.from_codes(np.where(codes >= 0, recode[codes], -1), categories=new)
    return v


def _continuity(continuity, where: str) -> Continuity:
    return check_option(
        "continuity", continuity, Continuity, where,
        hint="'successor' files USSR votes under RUS (etc.); 'strict' keeps the historical seats apart.",
    )


def votes(*, continuity: Continuity = "successor") -> pd.DataFrame:
    """All shipped UNGA votes: ``rcid`` (int32), ``iso3`` (category), ``vote`` (int8: 1 yes,
    2 abstain, 3 no), ``year`` (int16, year the session opened).

    ``continuity`` as in :func:`alignment`.
    """
    return _votes(_continuity(continuity, "votes")).copy()


def rollcalls() -> pd.DataFrame:
    """The roll calls: ``rcid, session, year, date, importantvote, unres, short, issues``."""
    return _rollcalls().copy()


def coverage() -> tuple[int, int]:
    """First and last year (session year) of the shipped votes."""
    y = _rollcalls()["year"]
    return int(y.min()), int(y.max())


def un_membership(*, carry_to: int = 2022) -> pd.DataFrame:
    """UN membership spells inferred from the votes: ``iso3, first_year, last_year``.

    A state counts as a member from the first to the last year in which it cast a vote; states
    that voted in the last year of the data are carried forward to ``carry_to``.  Used to expand
    UN sanctions to member states in :mod:`tradegap.sanctions`.
    """
    v = _votes("successor")  # the same cache entry as _year_votes' (lru_cache keys _votes() apart)
    g = v.groupby("iso3", observed=True)["year"].agg(["min", "max"]).reset_index()
    last = int(v["year"].max())
    g["max"] = np.where(g["max"] >= last, max(carry_to, last), g["max"])
    g.columns = ["iso3", "first_year", "last_year"]
    g["iso3"] = g["iso3"].astype(str)
    return g.astype({"first_year": "int64", "last_year": "int64"})


# --------------------------------------------------------------------------- core


@dataclass(frozen=True, slots=True)
class _YearVotes:
    """The votes of one year: ``codes[i, r]`` is country ``countries[i]``'s vote on roll call r
    (1 yes, 2 abstain, 3 no, 0 no vote); only countries with at least one vote that year."""

    countries: np.ndarray
    codes: np.ndarray


def _pairwise(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pairwise vote statistics for a countries × roll-calls code matrix (0 = no vote).

    Returns n_common, n_yesno, same_yesno, sum_diff (each countries × countries), with
    ``sum_diff[i, j] = sum over common votes of |x_i - x_j|`` for codes 1/2/3.
    """
    y = (codes == 1).astype(np.float64)
    a = (codes == 2).astype(np.float64)
    n = (codes == 3).astype(np.float64)
    p = y + a + n
    n_common = p @ p.T
    yn = y + n
    n_yesno = yn @ yn.T
    same_yesno = y @ y.T + n @ n.T
    ya, an, yn_ = y @ a.T, a @ n.T, y @ n.T
    sum_diff = ya + ya.T + an + an.T + 2.0 * (yn_ + yn_.T)
    return n_common, n_yesno, same_yesno, sum_diff


def _row(codes: np.ndarray, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The same statistics as :func:`_pairwise`, for row ``i`` against every row."""
    x = codes[i]
    both = (codes > 0) & (x > 0)
    yesno = both & (codes != 2) & (x != 2)
    n_common = both.sum(axis=1).astype(np.float64)
    n_yesno = yesno.sum(axis=1).astype(np.float64)
    same_yesno = (yesno & (codes == x)).sum(axis=1).astype(np.float64)
    sum_diff = (np.abs(codes.astype(np.int16) - x.astype(np.int16)) * both).sum(axis=1).astype(np.float64)
    return n_common, n_yesno, same_yesno, sum_diff


@lru_cache(maxsize=8)
def _year_votes(issues: tuple[str, ...] | None, continuity: Continuity = "successor") -> dict[int, _YearVotes]:
    v = _votes(continuity)
    if issues:
        rc = _rollcalls()
        keep = rc["issues"].str.split(",").map(lambda s: bool(set(s) & set(issues)))
        v = v[v["rcid"].isin(rc.loc[keep, "rcid"])]
    cats = np.asarray(v["iso3"].cat.categories.astype(str))
    c_all = v["iso3"].cat.codes.to_numpy()
    r_all = v["rcid"].to_numpy()
    y_all = v["year"].to_numpy()
    vote_all = v["vote"].to_numpy()
    order = np.argsort(y_all, kind="stable")
    bounds = np.flatnonzero(np.diff(y_all[order])) + 1
    out: dict[int, _YearVotes] = {}
    for chunk in np.split(order, bounds):
        if len(chunk) == 0:
            continue
        year = int(y_all[chunk[0]])
        rc_u, r_idx = np.unique(r_all[chunk], return_inverse=True)
        c_u, c_idx = np.unique(c_all[chunk], return_inverse=True)
        m = np.zeros((len(c_u), len(rc_u)), dtype=np.int8)
        m[c_idx, r_idx] = vote_all[chunk]
        out[year] = _YearVotes(cats[c_u], m)
    return out


def _measures(yv: _YearVotes, i: int) -> pd.DataFrame:
    """Agreement of country index i with every country in a year (row per partner)."""
    nc, ny, sy, sd = _row(yv.codes, i)
    with np.errstate(invalid="ignore", divide="ignore"):
        agree = 1.0 - sd / (2.0 * nc)
        agree_yesno = sy / ny
        s = 1.0 - sd / nc
    return pd.DataFrame(
        {
            "partner": yv.countries,
            "n_common": nc.astype(np.int64),
            "n_yesno": ny.astype(np.int64),
            "agree": np.where(nc > 0, agree, np.nan),
            "agree_yesno": np.where(ny > 0, agree_yesno, np.nan),
            "s_score": np.where(nc > 0, s, np.nan),
        }
    )


def _pair_row(st: _YearVotes, a3: str, b3: str) -> tuple | None:
    """``n_common, n_yesno, agree, agree_yesno, s_score, rank, n_partners, percentile`` of ``b3`` among
    ``a3``'s partners in one year (partners with at least one common vote); None if they share none."""
    hit_a, hit_b = np.flatnonzero(st.countries == a3), np.flatnonzero(st.countries == b3)
    if not len(hit_a) or not len(hit_b):
        return None
    i, j = int(hit_a[0]), int(hit_b[0])
    nc, ny, sy, sd = _row(st.codes, i)
    keep = nc > 0
    keep[i] = False
    if not keep[j]:
        return None
    with np.errstate(invalid="ignore", divide="ignore"):
        agree = 1.0 - sd / (2.0 * nc)
    mask = keep.copy()
    mask[j] = False
    others = agree[mask]
    ab = float(agree[j])
    rank = 1 + int(np.sum(others > ab))
    pct = 100.0 * (np.sum(others < ab) + 0.5 * np.sum(others == ab)) / max(len(others), 1)
    ayn = float(sy[j] / ny[j]) if ny[j] > 0 else float("nan")
    return (int(nc[j]), int(ny[j]), ab, ayn, float(1.0 - sd[j] / nc[j]), rank, int(keep.sum()), float(pct))


def _code(c: str) -> str:
    from tradegap.countries import to_iso3

    return to_iso3(c)


def _years(years, where: str) -> list[int] | None:
    ys = parse_years(years, where=where)
    return None if ys is None else list(ys)


def _issues(issues, where: str) -> tuple[str, ...] | None:
    if issues is None:
        return None
    if isinstance(issues, str):
        issues = [issues]
    issues = tuple(sorted(set(issues)))
    bad = [i for i in issues if i not in ISSUES]
    if bad:
        raise InputError(
            f"The 'issues' parameter of {where} must hold only codes among {list(ISSUES)}. Got {bad} instead.",
            hint="; ".join(f"{k} = {v}" for k, v in ISSUES.items()),
        )
    return issues


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Alignment:
    """UNGA vote agreement of a pair, per year.

    Attributes
    ----------
    a, b : str
        ISO3 codes; ranks are among ``a``'s partners.
    table : pandas.DataFrame
        One row per year with columns :data:`ALIGNMENT_COLUMNS` (see the module docstring).
    issues : tuple of str or None
        Issue filter applied (None: all roll calls).
    notes : tuple of str
        Continuity choices that affect this pair (e.g. USSR votes filed under RUS).
    continuity : str
        ``"successor"`` or ``"strict"`` (see :func:`alignment`).
    """

    a: str
    b: str
    table: pd.DataFrame = field(repr=False)
    issues: tuple[str, ...] | None = None
    notes: tuple[str, ...] = ()
    continuity: str = "successor"
    source: str = "UN General Assembly roll-call votes, Voeten et al. (unvotes R package, MIT)"

    def to_frame(self) -> pd.DataFrame:
        """Per-year table (a copy), with ``a`` and ``b`` columns first."""
        t = self.table.copy()
        t.insert(0, "b", self.b)
        t.insert(0, "a", self.a)
        return t

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict: pair, definitions, notes and per-year records (NaN → None)."""
        recs = []
        for r in self.table.to_dict(orient="records"):
            recs.append({k: (None if isinstance(v, float) and np.isnan(v) else (v.item() if hasattr(v, "item") else v)) for k, v in r.items()})
        return {
            "a": self.a,
            "b": self.b,
            "issues": list(self.issues) if self.issues else None,
            "continuity": self.continuity,
            "source": self.source,
            "definitions": {
                "agree": "mean over common votes of 1 (same vote), 0.5 (one abstains), 0 (yes vs no)",
                "agree_yesno": "share of identical votes among votes where both voted yes or no",
                "s_score": "Signorino–Ritter S, L1 distance on 1/2/3 coding: 2*agree - 1",
                "rank": f"b's rank among {self.a}'s partners by agree (1 = closest)",
                "percentile": f"% of {self.a}'s other partners less aligned with {self.a} than b (ties half)",
            },
            "notes": list(self.notes),
            "years": recs,
        }

    def mean(self, *, since: int | None = None) -> float:
        """Vote-weighted mean ``agree`` over the years (optionally from ``since``)."""
        t = self.table if since is None else self.table[self.table["year"] >= since]
        w = t["n_common"].to_numpy(dtype=float)
        return float(np.nansum(t["agree"].to_numpy() * w) / w.sum()) if w.sum() > 0 else float("nan")


def alignment(
    a: str,
    b: str,
    *,
    years: Iterable[int] | int | None = None,
    issues: Iterable[str] | str | None = None,
    continuity: Continuity = "successor",
) -> Alignment:
    """UN General Assembly vote agreement between ``a`` and ``b`` per year.

    Parameters
    ----------
    a, b
        Countries (ISO3 codes or names); ranks and percentiles are among ``a``'s partners.
    years
        Years (session years) to return; default all years in which the two share a vote.
    issues
        Restrict to roll calls on these issues (codes of :data:`ISSUES`, e.g. ``"hr"``).
    continuity : {"successor", "strict"}
        ``"successor"`` files predecessor seats under their successor (USSR → RUS, see
        :data:`SUCCESSORS`), ``"strict"`` keeps them apart (pass ``"SUN"`` for the USSR).

    Returns
    -------
    Alignment
        Per-year ``n_common, n_yesno, agree, agree_yesno, s_score, rank, n_partners, percentile``.

    Raises
    ------
    CoverageError
        If the pair shares no vote in the requested years (e.g. a year after 2019), naming the
        years available.
    """
    cont = _continuity(continuity, "alignment")
    a3, b3 = _code(a), _code(b)
    if cont == "successor":  # "USSR" → SUN → RUS: the series of the successor state
        a3, b3 = SUCCESSORS.get(a3, a3), SUCCESSORS.get(b3, b3)
    check_pair(a3, b3, "alignment")
    ys = _years(years, "alignment")
    iss = _issues(issues, "alignment")
    stats = _year_votes(iss, cont)
    rows = []
    for year, st in stats.items():
        if ys is not None and year not in ys:
            continue
        row = _pair_row(st, a3, b3)
        if row is not None:
            rows.append((year, *row))
    if not rows:
        avail = [y for y, st in stats.items() if a3 in st.countries and b3 in st.countries]
        span = f"{min(avail)}–{max(avail)}" if avail else "none"
        lo, hi = coverage()
        raise CoverageError(
            f"{a3} and {b3} share no UN General Assembly vote in the requested years {ys if ys else 'all'}"
            f" (votes cover {lo}–{hi}; years with common votes for this pair: {span}).",
            hint=f"Ask for years within {span}." if avail else "Check the country codes (both must be UN members).",
        )
    table = pd.DataFrame(rows, columns=list(ALIGNMENT_COLUMNS))
    table = table.astype({"year": "int64", "n_common": "int64", "n_yesno": "int64", "rank": "int64", "n_partners": "int64"})
    notes = []
    if cont == "successor":
        for c in (a3, b3):
            if c in CONTINUITY and (table["year"] < _SUCCESSOR_FROM[c]).any():
                notes.append(f"{c}: {CONTINUITY[c]}")
    notes = tuple(notes)
    return Alignment(a3, b3, table, iss, notes, cont)


def panel(
    *,
    years: Iterable[int] | int | None = None,
    issues: Iterable[str] | str | None = None,
    continuity: Continuity = "successor",
) -> pd.DataFrame:
    """Vote agreement for every pair of states per year (symmetric; both orders listed).

    Parameters
    ----------
    years
        Session years; default all (about 2.5 million rows — pass years for a regressor panel).
    issues, continuity
        See :func:`alignment`.

    Returns
    -------
    pandas.DataFrame
        ``a, b, year, n_common, n_yesno, agree, agree_yesno, s_score`` for all pairs a ≠ b with at
        least one common vote.
    """
    ys = _years(years, "panel")
    stats = _year_votes(_issues(issues, "panel"), _continuity(continuity, "panel"))
    frames = []
    for year, st in stats.items():
        if ys is not None and year not in ys:
            continue
        n = len(st.countries)
        n_common, n_yesno, same_yesno, sum_diff = _pairwise(st.codes)
        ii, jj = np.nonzero(~np.eye(n, dtype=bool) & (n_common > 0))
        nc = n_common[ii, jj]
        ny = n_yesno[ii, jj]
        sd = sum_diff[ii, jj]
        with np.errstate(invalid="ignore", divide="ignore"):
            ayn = np.where(ny > 0, same_yesno[ii, jj] / ny, np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "a": st.countries[ii], "b": st.countries[jj], "year": year,
                    "n_common": nc.astype(np.int64), "n_yesno": ny.astype(np.int64),
                    "agree": 1.0 - sd / (2.0 * nc), "agree_yesno": ayn, "s_score": 1.0 - sd / nc,
                }
            )
        )
    if not frames:
        lo, hi = coverage()
        raise CoverageError(f"No UN General Assembly votes in years {ys}.", hint=f"Votes cover {lo}–{hi}.")
    out = pd.concat(frames, ignore_index=True)
    out["a"] = out["a"].astype(str)
    out["b"] = out["b"].astype(str)
    out["year"] = out["year"].astype("int64")
    return out


# --------------------------------------------------------------------------- ideal points (to 2023)

#: Agreement-share columns of the ideal-point file: the six reference states it scores everyone against.
AGREE_WITH: Final[dict[str, str]] = {
    "USA": "agree_usa", "RUS": "agree_rus", "BRA": "agree_bra", "CHN": "agree_chn", "IND": "agree_ind",
    "ISR": "agree_isr",
}
IDEAL_COLUMNS: Final[tuple[str, ...]] = (
    "year", "ideal_a", "ideal_b", "distance", "rank", "n_states", "percentile", "agree_share",
)
IDEAL_SOURCE: Final[str] = (
    "UNGA ideal points, Bailey, Strezhnev & Voeten (2017), June 2024 release (Voeten, Harvard Dataverse)"
)


@lru_cache(maxsize=2)
def _ideal(continuity: Continuity = "successor") -> pd.DataFrame:
    d = _embedded("unga_idealpoints")
    d["iso3"] = d["iso3"].astype(str)
    if continuity == "successor":
        d["iso3"] = d["iso3"].replace(SUCCESSORS)
        # a successor and its predecessor never share a year (the seat passes on), so no duplicates arise
    return d


def ideal_points(*, continuity: Continuity = "successor") -> pd.DataFrame:
    """The shipped ideal points: ``ccode, iso3, session, year, n_votes, ideal, ideal_q05, ideal_q95`` and the
    agreement shares with six reference states (``agree_usa`` … ``agree_isr``, 0–1, abstention = half).

    One row per state and session year, 1946–2023 (sessions 1–78).  Ideal points are on one scale
    across years (Bailey, Strezhnev & Voeten 2017): higher = closer to the US-led Western position.
    """
    return _ideal(_continuity(continuity, "ideal_points")).copy()


def ideal_coverage() -> tuple[int, int]:
    """First and last year (session year) of the shipped ideal points."""
    y = _ideal()["year"]
    return int(y.min()), int(y.max())


@dataclass(frozen=True)
class IdealDistance:
    """Distance between two states' UNGA ideal points, per year, and where it ranks.

    Attributes
    ----------
    a, b : str
        ISO3 codes; ranks are among ``a``'s partners (every other state with an ideal point that year).
    table : pandas.DataFrame
        One row per year: ``year, ideal_a, ideal_b, distance`` (absolute difference, ideal-point units),
        ``rank`` (1 = the state closest to ``a``), ``n_states`` (partners ranked), ``percentile`` (% of
        ``a``'s other partners farther from ``a`` than ``b``, ties half), ``agree_share`` (the file's share
        of votes on which ``a`` voted like ``b``, only when ``b`` or ``a`` is one of :data:`AGREE_WITH`).
    notes : tuple of str
        Continuity choices that affect the pair.
    """

    a: str
    b: str
    table: pd.DataFrame = field(repr=False)
    notes: tuple[str, ...] = ()
    continuity: str = "successor"
    source: str = IDEAL_SOURCE

    def to_frame(self) -> pd.DataFrame:
        """Per-year table (a copy), with ``a`` and ``b`` columns first."""
        t = self.table.copy()
        t.insert(0, "b", self.b)
        t.insert(0, "a", self.a)
        return t

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict: pair, definitions, notes and per-year records (NaN → None)."""
        recs = [
            {k: (None if isinstance(v, float) and np.isnan(v) else (v.item() if hasattr(v, "item") else v))
             for k, v in r.items()}
            for r in self.table.to_dict(orient="records")
        ]
        return {
            "a": self.a, "b": self.b, "continuity": self.continuity, "source": self.source,
            "definitions": {
                "distance": "|ideal point of a − ideal point of b| (Bailey–Strezhnev–Voeten scale)",
                "rank": f"b's rank among {self.a}'s partners by distance (1 = closest)",
                "percentile": f"% of {self.a}'s other partners farther from {self.a} than b (ties half)",
                "agree_share": "share of roll calls on which a voted like b (abstention = half), as published; "
                               "only for b or a in " + ", ".join(AGREE_WITH),
            },
            "notes": list(self.notes),
            "years": recs,
        }

    def mean(self, *, since: int | None = None) -> float:
        """Mean distance over the years (optionally from ``since``)."""
        t = self.table if since is None else self.table[self.table["year"] >= since]
        return float(t["distance"].mean()) if len(t) else float("nan")


def ideal_distance(
    a: str,
    b: str,
    *,
    years: Iterable[int] | int | None = None,
    continuity: Continuity = "successor",
) -> IdealDistance:
    """Ideal-point distance between ``a`` and ``b`` per year (1946–2023), a second measure beside
    :func:`alignment` (whose roll-call votes end in 2019).

    Parameters
    ----------
    a, b
        Countries (ISO3 codes or names); ranks are among ``a``'s partners.
    years
        Session years; default every year both have an ideal point.
    continuity
        As in :func:`alignment`.

    Raises
    ------
    CoverageError
        If the two share no year, naming the years the file covers.
    """
    cont = _continuity(continuity, "ideal_distance")
    a3, b3 = _code(a), _code(b)
    if cont == "successor":
        a3, b3 = SUCCESSORS.get(a3, a3), SUCCESSORS.get(b3, b3)
    if a3 == b3:
        raise InputError(f"ideal_distance needs two different countries. Got {a3!r} twice.")
    ys = _years(years, "ideal_distance")
    d = _ideal(cont)
    if ys is not None:
        d = d[d["year"].isin(ys)]
    pa = d.loc[d["iso3"] == a3, ["year", "ideal"]].set_index("year")["ideal"]
    share_col, share_of = (AGREE_WITH[b3], a3) if b3 in AGREE_WITH else (AGREE_WITH.get(a3), b3)
    rows = []
    years = d["year"].to_numpy()
    iso = d["iso3"].to_numpy(dtype=object)
    ideal = d["ideal"].to_numpy(dtype=float)
    share_all = d[share_col].to_numpy(dtype=float) if share_col else None
    order = np.argsort(years, kind="stable")
    for chunk in np.split(order, np.flatnonzero(np.diff(years[order])) + 1):  # one year at a time
        if not len(chunk) or int(years[chunk[0]]) not in pa.index:
            continue
        codes = iso[chunk]
        ka, kb = np.flatnonzero(codes == a3), np.flatnonzero(codes == b3)
        if not len(kb):
            continue
        vals = ideal[chunk]
        ia, ib = float(vals[ka[0]]), float(vals[kb[0]])
        dist = abs(ia - ib)
        others = np.abs(vals[(codes != a3) & (codes != b3)] - ia)
        rank = 1 + int(np.sum(others < dist))
        pct = 100.0 * (np.sum(others > dist) + 0.5 * np.sum(others == dist)) / max(len(others), 1)
        share = float("nan")
        if share_all is not None:
            share = float(share_all[chunk][ka[0] if share_of == a3 else kb[0]])
        rows.append((int(years[chunk[0]]), ia, ib, dist, rank, len(others) + 1, float(pct), share))
    if not rows:
        lo, hi = ideal_coverage()
        have = sorted(set(pa.index) & set(_ideal(cont).loc[_ideal(cont)["iso3"] == b3, "year"]))
        span = f"{have[0]}–{have[-1]}" if have else "none"
        raise CoverageError(
            f"{a3} and {b3} have no UN General Assembly ideal points in the same year among {ys if ys else 'all'}"
            f" (ideal points cover {lo}–{hi}; years with both: {span}).",
            hint=f"Ask for years within {span}." if have else "Check the country codes (both must be UN members).",
        )
    table = pd.DataFrame(rows, columns=list(IDEAL_COLUMNS)).astype({"year": "int64", "rank": "int64",
                                                                     "n_states": "int64"})
    notes = []
    if cont == "successor":
        for c in (a3, b3):
            if c in CONTINUITY and (table["year"] < _SUCCESSOR_FROM[c]).any():
                notes.append(f"{c}: {CONTINUITY[c].replace('votes', 'ideal points')}")
    return IdealDistance(a3, b3, table, tuple(notes), cont)
