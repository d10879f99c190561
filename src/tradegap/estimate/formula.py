"""fixest-style model formulas: ``y ~ x1 + log(x2) | fe1 + fe2^fe3``.

Grammar (whitespace is free)::

    formula   := depvar "~" rhs [ "|" fixef ]
    rhs       := "1" | "0" | term ("+" term)*          # "0 + ..." / "- 1" drop the intercept
    term      := NAME | "log(" NAME ")" | "exp(" NAME ")"
    fixef     := fe ("+" fe)*
    fe        := NAME ("^" NAME)*                     # interactions: one level per combination

Models with fixed effects have no intercept (it is absorbed); models without
fixed effects get an ``Intercept`` column unless ``0`` or ``-1`` is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tradegap.errors import InputError

__all__ = ["Formula", "parse_formula", "fe_column"]

_NAME = r"[A-Za-z_.][A-Za-z0-9_.]*"
_TERM = re.compile(rf"^(?:(?P<fn>log|exp)\(\s*(?P<arg>{_NAME})\s*\)|(?P<name>{_NAME}))$")
_FE = re.compile(rf"^{_NAME}(?:\^{_NAME})*$")


@dataclass(frozen=True)
class Formula:
    """A parsed formula.

    Attributes
    ----------
    depvar
        Name of the outcome column.
    terms
        Regressor terms as written (``"ldist"``, ``"log(dist)"``).
    fixef
        Fixed-effect terms (``"exporter^year"``).
    intercept
        Whether an ``Intercept`` column is added (only without fixed effects).
    text
        The formula as given.
    """

    depvar: str
    terms: tuple[str, ...]
    fixef: tuple[str, ...]
    intercept: bool
    text: str

    def columns(self) -> list[str]:
        """Every data column the formula reads (outcome, regressors, fixed effects)."""
        cols = [self.depvar]
        for t in self.terms:
            m = _TERM.match(t)
            assert m is not None  # guaranteed by parse_formula
            cols.append(m.group("arg") or m.group("name"))
        for f in self.fixef:
            cols.extend(f.split("^"))
        return list(dict.fromkeys(cols))


def _bad(text: str, why: str) -> InputError:
    return InputError(
        f"Cannot parse the formula {text!r}: {why}.",
        hint="Write it fixest-style, e.g. 'trade ~ ln_dist + cntg | exporter^year + importer^year' "
        "or 'trade ~ 1 | exporter^year + importer^year + exporter^importer' for fixed effects only.",
    )


def parse_formula(text: str) -> Formula:
    """Parse a fixest-style formula (see the module docstring for the grammar).

    Raises
    ------
    InputError
        If the formula does not follow the grammar.
    """
    if not isinstance(text, str) or "~" not in text:
        raise _bad(str(text), "it needs one '~' between the outcome and the regressors")
    lhs, _, rest = text.partition("~")
    if "~" in rest:
        raise _bad(text, "it has more than one '~'")
    depvar = lhs.strip()
    if not re.fullmatch(_NAME, depvar):
        raise _bad(text, f"the outcome {depvar!r} is not a column name")
    parts = rest.split("|")
    if len(parts) > 2:
        raise _bad(text, "only one '|' (before the fixed effects) is allowed")
    rhs = parts[0].strip()
    fe_text = parts[1].strip() if len(parts) == 2 else ""
    intercept = True
    terms: list[str] = []
    rhs_norm = re.sub(r"\s+", "", rhs)
    if rhs_norm == "":
        raise _bad(text, "nothing on the right of '~' (write '1' for a fixed-effects-only model)")
    if rhs_norm.endswith("-1"):
        intercept = False
        rhs_norm = rhs_norm[:-2]
    for raw in rhs_norm.split("+") if rhs_norm else []:
        if raw == "":
            raise _bad(text, "an empty term between '+' signs")
        if raw == "1":
            continue
        if raw == "0":
            intercept = False
            continue
        if not _TERM.match(raw):
            raise _bad(text, f"the term {raw!r} is not a column name, log(column) or exp(column)")
        if raw in terms:
            raise _bad(text, f"the term {raw!r} appears twice")
        terms.append(raw)
    fixef: list[str] = []
    if len(parts) == 2:
        fe_norm = re.sub(r"\s+", "", fe_text)
        if fe_norm in ("", "0"):
            raise _bad(text, "no fixed effects after '|'")
        for raw in fe_norm.split("+"):
            if not _FE.match(raw):
                raise _bad(text, f"the fixed effect {raw!r} is not a column name or an interaction a^b")
            if raw in fixef:
                raise _bad(text, f"the fixed effect {raw!r} appears twice")
            fixef.append(raw)
    if fixef:
        intercept = False
    if not terms and not fixef and not intercept:
        raise _bad(text, "the model has no regressors and no fixed effects")
    return Formula(depvar=depvar, terms=tuple(terms), fixef=tuple(fixef), intercept=intercept, text=text)


def check_columns(formula: Formula, data: pd.DataFrame, extra: list[str] | tuple[str, ...] = ()) -> None:
    """Raise :class:`InputError` naming every column the formula needs but the data lacks."""
    missing = [c for c in [*formula.columns(), *extra] if c not in data.columns]
    if missing:
        avail = ", ".join(map(str, list(data.columns)[:30]))
        raise InputError(
            f"The data have no column(s) {', '.join(map(repr, missing))} used in {formula.text!r}.",
            hint=f"Available columns: {avail}{', ...' if data.shape[1] > 30 else ''}.",
        )


def term_values(term: str, data: pd.DataFrame) -> np.ndarray:
    """The float values of one regressor term (``name``, ``log(name)``, ``exp(name)``)."""
    m = _TERM.match(term)
    if m is None:  # pragma: no cover - parse_formula guarantees the shape
        raise InputError(f"Unknown term {term!r}.")
    col = m.group("arg") or m.group("name")
    s = data[col]
    if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
        raise InputError(
            f"The regressor column {col!r} is not numeric (dtype {s.dtype}).",
            hint="Convert it to numbers, or put it after '|' if it is a fixed effect.",
        )
    v = s.to_numpy(dtype=np.float64, na_value=np.nan)
    fn = m.group("fn")
    if fn == "log":
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.where(v > 0, np.log(np.where(v > 0, v, 1.0)), np.nan)
    elif fn == "exp":
        v = np.exp(v)
    return v


def fe_column(term: str, data: pd.DataFrame) -> tuple[np.ndarray, pd.Index, np.ndarray]:
    """Code one fixed-effect term (``"a"`` or ``"a^b^c"``).

    Returns
    -------
    codes
        ``(n,)`` int64 codes, ``-1`` where any component is missing.
    labels
        Level labels; for interactions the component values joined with ``^``
        (e.g. ``"IRN^2019"``).
    missing
        ``(n,)`` bool, True where a component is missing.
    """
    parts = term.split("^")
    comp_codes = []
    comp_uniques = []
    missing = np.zeros(len(data), dtype=bool)
    for col in parts:
        c, u = pd.factorize(data[col], sort=False, use_na_sentinel=True)
        missing |= c < 0
        comp_codes.append(c.astype(np.int64))
        comp_uniques.append(u)
    if len(parts) == 1:
        codes = comp_codes[0]
        labels = pd.Index(comp_uniques[0])
        return codes, labels, missing
    combined = np.zeros(len(data), dtype=np.int64)
    for c, u in zip(comp_codes, comp_uniques):
        combined = combined * max(len(u), 1) + np.where(c < 0, 0, c)
    combined[missing] = -1
    codes, uniq = pd.factorize(combined, sort=False)
    codes = codes.astype(np.int64)
    radices = [max(len(u), 1) for u in comp_uniques]
    rem = np.where(uniq < 0, 0, uniq)
    idx = []
    for r in reversed(radices):
        idx.append(rem % r)
        rem = rem // r
    idx.reverse()
    labels_arr = None
    for u, k in zip(comp_uniques, idx):
        lab = np.array([_label(v) for v in u] or [""], dtype=object)[k]
        labels_arr = lab if labels_arr is None else labels_arr + "^" + lab
    labels_arr = np.asarray(labels_arr, dtype=object)
    labels_arr[uniq < 0] = None
    labels = pd.Index(labels_arr, dtype=object)
    codes = np.where(missing, -1, codes)
    return codes, labels, missing


def _label(v: object) -> str:
    """Label of one level value: integral floats print without '.0' (2019.0 -> '2019')."""
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def fe_labels(term: str, data: pd.DataFrame) -> np.ndarray | pd.Series:
    """Level labels of a fixed-effect term for every row (as used in ``fixef()`` indexes)."""
    parts = term.split("^")
    if len(parts) == 1:
        return data[parts[0]]
    out = None
    for col in parts:
        s = data[col].map(_label).astype(object)
        out = s if out is None else out + "^" + s
    return out.to_numpy()
