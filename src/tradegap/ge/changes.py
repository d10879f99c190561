"""The scenario vocabulary: pair selections, trade-cost changes and country groups.

A :class:`PairSelection` names directed pairs (countries or groups from
:data:`tradegap.countries.GROUPS`); a :class:`Change` sets a cost variable, scales
trade costs or removes a border on a selection; :func:`apply_changes` turns a list of
changes into the counterfactual :class:`~tradegap.ge.model.CostStructure`.  Used by the
TOML runner (:mod:`tradegap.ge.scenario`), Monte Carlo (:mod:`tradegap.ge.montecarlo`)
and the pair scenarios (:mod:`tradegap.views.scenarios`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from tradegap.countries import GROUPS
from tradegap.errors import InputError, UnknownCountryError
from tradegap.ge.model import Baseline, CostStructure

__all__ = ["CHANGE_TYPES", "GROUPS", "Change", "ChangeType", "PairSelection", "apply_changes", "canon", "expand"]

#: Historical aliases (codes used by some datasets).
_ALIASES = {"ROM": "ROU"}

ChangeType = Literal["set", "scale", "remove_border"]
CHANGE_TYPES: tuple[str, ...] = ("set", "scale", "remove_border")


@dataclass(frozen=True)
class PairSelection:
    """A set of directed pairs (exporter, importer), i ≠ j unless listed explicitly."""

    among: tuple[str, ...] | None = None
    between: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    pairs: tuple[tuple[str, str], ...] | None = None
    exporters: tuple[str, ...] | None = None
    importers: tuple[str, ...] | None = None
    international: bool = False

    def describe(self) -> str:
        """Human-readable description."""
        if self.among is not None:
            return "all pairs among " + ", ".join(self.among)
        if self.between is not None:
            return f"both directions between {', '.join(self.between[0])} and {', '.join(self.between[1])}"
        if self.pairs is not None:
            return "pairs " + ", ".join(f"{a}→{b}" for a, b in self.pairs)
        if self.international:
            return "all international pairs"
        ex = ", ".join(self.exporters) if self.exporters else "any exporter"
        im = ", ".join(self.importers) if self.importers else "any importer"
        return f"from {ex} to {im}"

    def mask(self, baseline: Baseline, notes: list[str] | None = None) -> np.ndarray:
        """Boolean (N, N) mask of the selected directed pairs in ``baseline``'s order."""
        n = baseline.n
        off = ~np.eye(n, dtype=bool)

        def idx(codes: Sequence[str]) -> np.ndarray:
            return np.array(sorted(set(expand(codes, baseline, notes))), dtype=int)

        m = np.zeros((n, n), dtype=bool)
        if self.international:
            return off.copy()
        if self.among is not None:
            ii = idx(self.among)
            m[np.ix_(ii, ii)] = True
            return m & off
        if self.between is not None:
            a, b = idx(self.between[0]), idx(self.between[1])
            m[np.ix_(a, b)] = True
            m[np.ix_(b, a)] = True
            return m & off
        if self.pairs is not None:
            for a, b in self.pairs:
                m[baseline.position(canon(a)), baseline.position(canon(b))] = True
            return m
        rows = idx(self.exporters) if self.exporters else np.arange(n)
        cols = idx(self.importers) if self.importers else np.arange(n)
        m[np.ix_(rows, cols)] = True
        return m & off


def canon(code: str) -> str:
    c = str(code).strip().upper()
    return _ALIASES.get(c, c)


def expand(codes: Sequence[str], baseline: Baseline, notes: list[str] | None = None) -> list[int]:
    """Positions of countries/groups in the baseline.

    A named country missing from the model raises :class:`UnknownCountryError`; members
    of a group that are missing are skipped (and noted).
    """
    out: list[int] = []
    for code in codes:
        c = canon(code)
        if c in ("*", "ALL", "WORLD"):
            out.extend(range(baseline.n))
            continue
        if c in GROUPS:
            members = GROUPS[c]
            present = [m for m in members if m in baseline.countries]
            absent = [m for m in members if m not in baseline.countries]
            if not present:
                raise UnknownCountryError(
                    f"No member of group {c} ({', '.join(members)}) is in the GE model.",
                    hint="Use countries present in the baseline data.",
                )
            if absent and notes is not None:
                notes.append(f"Group {c}: members not in the data and left out: {', '.join(absent)}.")
            out.extend(baseline.position(m) for m in present)
        else:
            if c not in baseline.countries:
                hint = f"Known groups: {', '.join(GROUPS)}. Countries in the model: " + ", ".join(
                    baseline.countries[:30]
                ) + (" ..." if baseline.n > 30 else "")
                try:
                    from tradegap.countries import to_iso3

                    iso = to_iso3(code)
                    if iso in baseline.countries:
                        out.append(baseline.position(iso))
                        continue
                    hint = f"{code!r} is {iso}, which has no data in this model. " + hint
                except Exception:  # noqa: BLE001 - country lookup is only a helper for the message
                    pass
                raise UnknownCountryError(f"Country {code!r} is not in the GE model.", hint=hint)
            out.append(baseline.position(c))
    return out


@dataclass(frozen=True)
class Change:
    """One trade-cost change of a scenario."""

    type: ChangeType
    select: PairSelection
    variable: str | None = None
    value: float | None = None
    percent: float | None = None

    def describe(self) -> str:
        """Human-readable description."""
        if self.type == "set":
            return f"set {self.variable} = {self.value:g} for {self.select.describe()}"
        if self.type == "scale":
            return f"trade costs t_ij {self.percent:+g}% for {self.select.describe()}"
        return f"remove border ({self.variable} = 0) for {self.select.describe()}"


def apply_changes(baseline: Baseline, changes: Sequence[Change], notes: list[str] | None = None) -> CostStructure:
    """The counterfactual cost structure after the scenario's changes.

    Raises
    ------
    InputError
        A change names a variable the model does not have.
    UnknownCountryError
        A change names a country that is not in the model.
    """
    costs = baseline.costs
    for ch in changes:
        mask = ch.select.mask(baseline, notes)
        if not mask.any():
            raise InputError(f"The change '{ch.describe()}' selects no pair.",
                             hint="'among' needs at least two countries of the model; 'between' two non-empty lists.")
        if ch.type in ("set", "remove_border"):
            k = costs.index(str(ch.variable))
            x = costs.x[k].copy()
            changed = int(np.count_nonzero(x[mask] != ch.value))
            x[mask] = ch.value
            costs = costs.with_x(k, x)
            if notes is not None:
                notes.append(f"'{ch.describe()}' changed {changed} of the {int(mask.sum())} selected directed pairs"
                             + (" (nothing to change: the scenario equals the baseline there)" if changed == 0 else "")
                             + ".")
        else:
            r = costs.residual.copy()
            r[mask] += (1.0 - baseline.sigma) * np.log1p(ch.percent / 100.0)
            costs = replace(costs, residual=r)
    return costs


