"""Readers of trade and covariate files into tradegap's canonical tables.

Every reader turns one file in a published layout into the canonical long flow
table (:data:`tradegap.data.schema.FLOW_COLUMNS`), or, for covariates, into a
country-year table (``iso3, year, ...``) or a pair table
(:data:`~tradegap.data.schema.PAIR_COLUMNS`).  Two entry points:

* :func:`iter_chunks` ``(source, path, chunksize)`` streams canonical frames with
  bounded memory (a 10-million-row BACI file is read a chunk at a time); the
  store's ingest consumes it;
* :func:`read` ``(source, path)`` returns the whole canonical frame.

Sources (``source=``)
---------------------
============  ==============================================================  ==========
source        layout                                                          value unit
============  ==============================================================  ==========
dots          IMF DOTS long file: reporter, partner, flow (export/import),    USD mn
              year, value_musd (IMF country names)
imf           IMF DOTS bulk CSV: Country Name, Country Code, Counterpart      USD (scale
              Country Name, Counterpart Country Code, Indicator Code          from the
              (TXG_FOB_USD, TMG_CIF_USD), Attribute (Value/Status), and one   file)
              column per year ("1990", "1991", ...)
comtrade      UN Comtrade bulk CSV: refYear, reporterISO, partnerISO,         USD
              flowCode (M/X), cmdCode, primaryValue
baci          CEPII BACI ``BACI_HS*_Y*_V*.csv``: t, i, j, k, v, q with        USD thous.
              numeric i/j decoded by ``country_codes_V*.csv`` in the folder
baci_totals   BACI totals: year, exporter, importer, value (ISO3)             USD thous.
gravity       CEPII Gravity ``Gravity_V*.csv``: iso3_o, iso3_d, year,         USD thous.
              tradeflow_baci (or tradeflow_imf_o / tradeflow_imf_d)
unctad        UNCTADstat SITC matrix: source, target, edgewidth, sitc         USD thous.
              (country names; the year from a ``year`` column, ``year=``,
              or the file name)
wdi           World Bank WDI extract: iso3_code, year, gdp, ...,              USD,
              population (country-year covariates)                           persons
geodist       CEPII GeoDist ``dist_cepii.csv`` (``;``-separated) → pair       km
              covariates with landlocked and tradegap's shared_sea
csv, parquet, any file with a column mapping, see :func:`read_generic`
stata,generic
============  ==============================================================  ==========

Reporter-based sources (``dots``, ``imf``, ``comtrade``) are mirror-reconciled
with :func:`tradegap.data.reconcile.reconcile` (importer CIF preferred,
exporter FOB otherwise): their raw reports are streamed and validated chunk by
chunk, kept in compact form, reconciled once, then yielded in chunks.

Errors
------
Bad input raises :class:`~tradegap.errors.DataFormatError` (or
:class:`~tradegap.errors.UnknownCountryError`) naming the file, the 1-based
line in the file (the header is line 1), the column and the offending value,
with a ``Hint:`` line: empty file, wrong delimiter, malformed CSV, missing
columns, unknown countries (all of them, with suggestions), non-numeric,
missing, infinite or negative values, and duplicate keys.  Aggregates ("World",
"Euro Area", Comtrade's "W00") are dropped; identical duplicate report rows in
reporter-based files (the IMF DOTS long file has some) are dropped with a
:class:`~tradegap.errors.DroppedObservationsWarning`.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final, Literal, get_args

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from tradegap import countries
from tradegap.data.reconcile import reconcile
from tradegap.data.schema import FLOW_COLUMNS, PAIR_COLUMNS, SCALES
from tradegap.data.textfile import check_readable, open_binary, shown, sniff
from tradegap.errors import (
    AssumptionWarning,
    DataFormatError,
    DroppedObservationsWarning,
    InputError,
    UnknownCountryError,
    option,
)

__all__ = [
    "SOURCES",
    "ReaderSource",
    "iter_chunks",
    "read",
    "read_generic",
    "validate_options",
    "read_geo_cepii",
    "sniff_delimiter",
]

ReaderSource = Literal[
    "dots", "imf", "comtrade", "baci", "baci_totals", "gravity", "unctad", "wdi", "geodist",
    "csv", "parquet", "stata", "generic",
]
SOURCES: Final[tuple[str, ...]] = get_args(ReaderSource)
_GENERIC = {"csv", "parquet", "stata", "generic"}

DEFAULT_CHUNKSIZE: Final[int] = 1_000_000
#: The latest year a data file may hold (this year plus one: no projections as data).
_MAX_YEAR: Final[int] = datetime.date.today().year + 1


# ======================================================================================
# Low-level CSV plumbing: open, sniff, stream, locate errors
# ======================================================================================
def _first_line(path: Path) -> str:
    """The header line (checked: readable, text, known encoding, sane length)."""
    return sniff(path).header


def sniff_delimiter(header: str) -> str:
    """The most frequent of ``,``, ``;``, tab and ``|`` in a header line (``,`` on ties)."""
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda s: (counts[s], s == ","))
    return best if counts[best] > 0 else ","


def _split_header(header: str, sep: str) -> list[str]:
    try:
        return [c.strip() for c in next(csv.reader([header], delimiter=sep))]
    except csv.Error as exc:
        raise DataFormatError(f"The header line cannot be split into columns ({exc}): {shown(header, 120)}.",
                              hint="Check that the file is a delimited text table.") from exc


def _sep_name(sep: str) -> str:
    return {"\t": "tab", ",": "','", ";": "';'", "|": "'|'"}.get(sep, repr(sep))


def _check_header(
    path: Path, layout: str, required: list[str], sep: str | None, *, default_sep: str = ","
) -> tuple[str, list[str]]:
    """Sniff the delimiter and check the required columns; return (sep, columns)."""
    header = _first_line(path)
    found_sep = sniff_delimiter(header)
    use = sep or default_sep
    cols = _split_header(header, use)
    if sep is None and found_sep != use:
        other = _split_header(header, found_sep)
        if set(required) <= set(other) or len(other) > len(cols):
            raise DataFormatError(
                f"{path}: line 1 (header) is {_sep_name(found_sep)}-separated, but the {layout} "
                f"layout is {_sep_name(use)}-separated (header: {header[:120]!r}).",
                hint=f"Pass {option('sep', repr(found_sep), cli=repr(found_sep))} (or re-save the file "
                f"with {_sep_name(use)} as delimiter).",
            )
    missing = [c for c in required if c not in cols]
    if missing:
        enc = sniff(path).label
        found = repr(cols) if len(repr(cols)) <= 400 else (
            "[" + ", ".join(shown(c, 40) for c in cols[:20]) + f", …] ({len(cols)} columns)")
        raise DataFormatError(
            f"{path}: the {layout} layout needs column(s) {missing}, missing from line 1 "
            f"(header, read as {enc}). Found: {found}.",
            hint="Check that the file is in this layout (the source), or map its columns with "
            + option("mapping", "{'exporter': COLUMN, ...}", cli="exporter=COLUMN,...") + ".",
        )
    return use, cols


def _csv_chunks(
    path: Path,
    *,
    sep: str,
    usecols: list[str],
    dtype: dict[str, Any],
    chunksize: int,
    layout: str,
) -> Iterator[tuple[int, pd.DataFrame]]:
    """Yield ``(first_line, chunk)``; ``first_line`` is the 1-based file line of the chunk's row 0."""
    info = sniff(path)
    header = _split_header(info.header, sep)
    # With a column subset, pandas' C parser ignores surplus fields in a row; read every
    # column of narrow layouts so that a malformed row is reported, subset wide ones.
    narrow = len(header) <= 16
    try:
        reader = pd.read_csv(
            open_binary(path),
            sep=sep,
            encoding=info.encoding,
            compression=None,
            usecols=None if narrow else (lambda c: c.strip().lstrip("\ufeff") in usecols),
            dtype=dtype,
            chunksize=chunksize,
            keep_default_na=False,
            na_values=[""],
            skipinitialspace=True,
            low_memory=False,
        )
        line = 2
        for chunk in reader:
            chunk.columns = [c.strip().lstrip("\ufeff") for c in chunk.columns]
            if narrow:
                chunk = chunk.loc[:, [c for c in chunk.columns if c in usecols]]
            yield line, chunk
            line += len(chunk)
        if line == 2:
            raise DataFormatError(
                f"{path}: the file has a header (line 1) but no data rows.",
                hint="Download or export the file again; it holds no records.",
            )
    except pd.errors.EmptyDataError as exc:
        raise DataFormatError(
            f"{path}: the file is empty.",
            hint="Download the file again; an interrupted download leaves an empty file.",
        ) from exc
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        where = f"line {m.group(1)}" if m else "a line"
        detail = re.sub(r"^Error tokenizing data\. C error: ", "", str(exc).strip()).rstrip(".")
        raise DataFormatError(
            f"{path}: malformed CSV at {where}: {detail[:300]}.",
            hint=f"The {layout} layout has one record per line with the header's columns; fix "
            "or remove that line (an unquoted separator inside a name, a truncated row?).",
        ) from exc
    except UnicodeDecodeError as exc:
        raise DataFormatError(
            f"{path}: a line after the first MiB is not valid {info.label} ({exc.reason}).",
            hint="The file mixes encodings; re-save it as UTF-8.",
        ) from exc
    except OSError as exc:
        raise DataFormatError(
            f"{path}: the disk reported an error while reading it ({exc.strerror or exc}).",
            hint="This is a problem of the disk or file system, not of the file's content.",
        ) from exc
    except (ValueError, EOFError) as exc:
        raise DataFormatError(
            f"{path}: cannot be parsed as a {layout} CSV (read as {info.label}): {str(exc)[:300]}.",
            hint="Check the file's format and compression.",
        ) from exc


def _numeric(
    chunk: pd.DataFrame,
    col: str,
    *,
    path: Path,
    first_line: int,
    allow_missing: bool = False,
    allow_negative: bool = False,
) -> pd.Series:
    """Convert a column to float64, raising on non-numeric, NaN, inf or negative values."""
    raw = chunk[col]
    if pd.api.types.is_numeric_dtype(raw):
        vals = raw.astype("float64")
        nonnum = pd.Series(False, index=raw.index)
    else:
        s = raw.astype("string").str.strip()
        vals = pd.to_numeric(s, errors="coerce").astype("float64")
        nonnum = vals.isna() & s.notna() & ~s.str.upper().isin(["NA", "NAN", "NULL", "..", "."])
    arr = vals.to_numpy()
    pos = np.flatnonzero(nonnum.to_numpy())
    if len(pos):
        _value_error(path, first_line, pos, col, raw, "is not a number",
                     "Remove thousands separators/text from the value column, or fix the row.")
    if not allow_missing:
        pos = np.flatnonzero(np.isnan(arr))
        if len(pos):
            _value_error(path, first_line, pos, col, raw, "is missing (empty or NaN)",
                         "Fill in or drop rows without a value; tradegap never reads a missing "
                         "value as zero.")
    pos = np.flatnonzero(np.isinf(arr))
    if len(pos):
        _value_error(path, first_line, pos, col, raw, "is infinite",
                     "Trade values must be finite; fix the row.")
    if not allow_negative:
        pos = np.flatnonzero(arr < 0)
        if len(pos):
            _value_error(path, first_line, pos, col, raw, "is negative",
                         "Trade values must be >= 0; a negative flow is a data error (or a "
                         "balance, not a flow).")
    return vals


def _value_error(path, first_line, pos, col, raw, what, hint) -> None:
    i = int(pos[0])
    more = f" ({len(pos) - 1:,} more row(s) in this chunk)" if len(pos) > 1 else ""
    raise DataFormatError(
        f"{path}: line {first_line + i:,}, column {col!r}: value {shown(raw.iloc[i])} {what}{more}.",
        hint=hint,
    )


def _as_key(v: Any) -> str:
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v).strip()


def _take_str(labels: list[str], idx: np.ndarray) -> pd.Series:
    """``labels[idx]`` as a pandas ``str`` Series (built in Arrow, no Python objects per row)."""
    arr = pa.array(labels, type=pa.string()).take(pa.array(idx, type=pa.int64()))
    return pd.Series(pd.array(arr, dtype="str"))


def _const_str(value: str, n: int) -> pd.Series:
    return _take_str([value], np.zeros(n, dtype=np.int64))


def _map_countries(
    chunk: pd.DataFrame,
    cols: list[str],
    *,
    path: Path,
    first_line: int,
    source: countries.Source = "",
    extra: Mapping[str, str | None] | None = None,
) -> tuple[dict[str, pd.Series], np.ndarray]:
    """Map country columns to ISO3; return ``({col: iso3 str Series}, keep_mask)``.

    Aggregates are dropped (``keep`` False).  Each distinct value is looked up
    once (``pd.factorize``).  Raises one UnknownCountryError listing every
    unknown value with the first line where it occurs.
    """
    keep = np.ones(len(chunk), dtype=bool)
    mapped: dict[str, pd.Series] = {}
    unknown: dict[str, tuple[int, str]] = {}
    extra = extra or {}
    for col in cols:
        idx, uniq = pd.factorize(chunk[col], use_na_sentinel=True)
        labels: list[str] = []
        status = np.zeros(len(uniq) + 1, dtype=np.int8)  # 0 ok, 1 dropped, 2 unknown
        for u, raw in enumerate(uniq):
            v = _as_key(raw)
            if v in extra:
                hit = extra[v]
            else:
                try:
                    hit = countries.to_iso3(v, source=source)
                except UnknownCountryError:
                    hit = None if (v and countries.is_aggregate(v)) else "?"
            if hit is None:
                status[u] = 1
            elif hit == "?" or not v:
                status[u] = 2
            labels.append(hit if hit not in (None, "?") else "")
        labels.append("")  # NA sentinel (-1) → last label
        status[-1] = 2
        idx = np.where(idx < 0, len(uniq), idx)
        st = status[idx]
        if (st == 2).any():
            for i in np.flatnonzero(st == 2):
                u = idx[i]
                v = _as_key(uniq[u]) if u < len(uniq) else ""
                if v not in unknown:
                    unknown[v] = (first_line + int(i), col)
        keep &= st == 0
        mapped[col] = _take_str(labels, idx)
    if unknown:
        listed = []
        for v, (line, col) in unknown.items():
            sug = countries._suggest(v[:60]) if v else []
            val = shown(v) if v else "an empty cell"
            listed.append(f"{val} (line {line:,}, column {col!r}"
                          + (f"; did you mean {', '.join(sug)}?" if sug else "") + ")")
        more = f"; … and {len(listed) - 20} more" if len(listed) > 20 else ""
        raise UnknownCountryError(
            f"{path}: {len(unknown)} unknown country name(s)/code(s): " + "; ".join(listed[:20]) + more,
            hint="Use ISO3 codes or names tradegap knows (tradegap.countries.to_iso3); rename "
            "the values in the file, or drop aggregate rows.",
        )
    return mapped, keep


class _DupTracker:
    """Detects repeated keys across chunks with 8 bytes per row (hashes)."""

    def __init__(self, path: Path, key_names: list[str]) -> None:
        self.path = path
        self.key_names = key_names
        self.hashes: list[np.ndarray] = []
        self.lines: list[np.ndarray | range] = []

    def add(self, keys: pd.DataFrame, lines: np.ndarray, labels=None) -> None:
        h = pd.util.hash_pandas_object(keys, index=False).to_numpy()
        self.hashes.append(h)
        lines = np.asarray(lines, dtype=np.int64)
        if len(lines) and lines[-1] - lines[0] == len(lines) - 1 and (np.diff(lines) == 1).all():
            self.lines.append(range(int(lines[0]), int(lines[-1]) + 1))  # consecutive: no array kept
        else:
            self.lines.append(lines)
        dup = pd.Series(h).duplicated(keep=False).to_numpy()
        if dup.any():
            self._raise(keys, h, lines, dup, labels)

    def _raise(self, keys, h, lines, dup, labels=None) -> None:
        first = int(np.flatnonzero(dup)[0])
        same = np.flatnonzero(h == h[first])
        vals = labels(first) if labels is not None else {c: keys.iloc[first][c] for c in keys.columns}
        key = ", ".join(f"{k}={shown(v)}" for k, v in vals.items())
        raise DataFormatError(
            f"{self.path}: duplicate rows: lines {', '.join(str(int(lines[i])) for i in same[:5])} "
            f"have the same key ({key}).",
            hint="Each " + "/".join(self.key_names) + " must appear once; remove the repeated "
            "rows (or aggregate them) before loading.",
        )

    def finish(self) -> None:
        if len(self.hashes) <= 1:
            return
        h = np.concatenate(self.hashes)
        self.hashes = [h]  # the pieces are freed: 8 bytes a row, not 16
        hs = np.sort(h)
        if not (hs[1:] == hs[:-1]).any():
            return
        del hs
        order = np.argsort(h, kind="stable")  # only when a key repeats: find its lines
        hs = h[order]
        eq = np.flatnonzero(hs[1:] == hs[:-1])
        if len(eq):
            lines = np.concatenate([np.arange(x.start, x.stop) if isinstance(x, range) else x for x in self.lines])
            a, b = lines[order[eq[0]]], lines[order[eq[0] + 1]]
            raise DataFormatError(
                f"{self.path}: duplicate rows: lines {min(a, b)} and {max(a, b)} have the same "
                f"key ({'/'.join(self.key_names)}).",
                hint="Each key must appear once; remove the repeated rows before loading.",
            )


def _flows(exporter, importer, year, product, value, *, unit, scale, source, basis) -> pd.DataFrame:
    """Assemble a canonical flow frame (code columns as pandas ``str``)."""
    value = np.asarray(value, dtype=np.float64)
    n = len(value)

    def as_str(x) -> pd.Series:
        if isinstance(x, pd.Series) and x.dtype == "str":
            return x.reset_index(drop=True)
        return pd.Series(pd.array(np.asarray(x, dtype=object).astype(str), dtype="str"))

    return pd.DataFrame(
        {
            "exporter": as_str(exporter),
            "importer": as_str(importer),
            "year": np.asarray(year, dtype=np.int64),
            "product": _const_str("", n) if product is None else as_str(product),
            "value": value,
            "unit": _const_str(unit, n),
            "scale": _const_str(scale, n),
            "source": _const_str(source, n),
            "basis": _const_str(basis, n),
        },
        columns=list(FLOW_COLUMNS),
    )


class FileLines:
    """The 1-based file line of each row of a chunk (``chunk.attrs["lines"].lines``).

    Compared by identity, so ``pd.concat`` drops it rather than comparing arrays.
    """

    __slots__ = ("lines",)

    def __init__(self, lines: np.ndarray) -> None:
        self.lines = np.asarray(lines, dtype=np.int64)


def _with_lines(frame: pd.DataFrame, lines: np.ndarray) -> pd.DataFrame:
    """Attach each row's file line to a chunk, for the store's messages ("line N", like the readers')."""
    frame.attrs["lines"] = FileLines(lines)
    return frame


def _years(chunk, col, *, path, first_line) -> np.ndarray:
    y = _numeric(chunk, col, path=path, first_line=first_line)
    arr = y.to_numpy()
    bad = np.flatnonzero((arr != np.round(arr)) | (arr < 1800) | (arr > _MAX_YEAR))
    if len(bad):
        _value_error(path, first_line, bad, col, chunk[col], f"is not a year (1800–{_MAX_YEAR})",
                     "Years are whole numbers such as 2019, no later than next year.")
    return arr.astype(np.int64)


# ======================================================================================
# Layout readers (each yields canonical chunks)
# ======================================================================================
def _iter_baci_totals(path: Path, chunksize: int, sep: str | None, **_: Any) -> Iterator[pd.DataFrame]:
    req = ["year", "exporter", "importer", "value"]
    sep, _cols = _check_header(path, "BACI totals", req, sep)
    dups = _DupTracker(path, ["exporter", "importer", "year"])
    for line, ch in _csv_chunks(path, sep=sep, usecols=req, dtype={"exporter": str, "importer": str},
                                chunksize=chunksize, layout="BACI totals"):
        year = _years(ch, "year", path=path, first_line=line)
        val = _numeric(ch, "value", path=path, first_line=line)
        m, keep = _map_countries(ch, ["exporter", "importer"], path=path, first_line=line)
        lines = line + np.arange(len(ch))
        dups.add(pd.DataFrame({"e": m["exporter"], "i": m["importer"], "y": year}), lines)
        yield _with_lines(_flows(m["exporter"][keep], m["importer"][keep], year[keep], None, val[keep],
                                 unit="USD", scale="thousands", source="baci", basis="reconciled"), lines[keep])
    dups.finish()


def _baci_country_codes(path: Path, country_codes: str | Path | None) -> dict[str, str | None]:
    """Numeric BACI code → ISO3, from ``country_codes_V*.csv`` next to the data file."""
    if country_codes is None:
        # pathlib's glob matches the pattern in the folder only: a '[' in the folder name is literal
        cands = sorted(path.parent.glob("country_codes_V*.csv"))
        if not cands:
            return {}
        country_codes = cands[-1]
    cc_path = Path(country_codes)
    header = _first_line(cc_path)
    sep = sniff_delimiter(header)
    cols = _split_header(header, sep)
    code_col = "country_code" if "country_code" in cols else None
    iso_col = next((c for c in ("country_iso3", "iso_3digit_alpha") if c in cols), None)
    if code_col is None or iso_col is None:
        raise DataFormatError(
            f"{cc_path}: a BACI country_codes file needs columns 'country_code' and "
            f"'country_iso3' (or 'iso_3digit_alpha'); found {cols}.",
            hint="Use the country_codes_V*.csv shipped in the same BACI archive.",
        )
    try:
        cc = pd.read_csv(open_binary(cc_path), sep=sep, dtype=str, keep_default_na=False,
                         encoding=sniff(cc_path).encoding, compression=None)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataFormatError(f"{cc_path}: cannot be read as a BACI country-codes file ({str(exc)[:200]}).",
                              hint="Use the country_codes_V*.csv shipped in the same BACI archive.") from exc
    out: dict[str, str | None] = {}
    name_col = next((c for c in ("country_name", "country_name_full",
                                 "country_name_abbreviation") if c in cols), None)
    names = cc[name_col].str.strip() if name_col else pd.Series("", index=cc.index)
    for code, iso, name in zip(cc[code_col].str.strip(), cc[iso_col].str.strip(), names,
                               strict=True):
        key = str(int(float(code))) if re.fullmatch(r"\d+(\.0+)?", code or "") else code
        try:
            if not re.fullmatch(r"[A-Za-z]{3}", iso or ""):  # "NA", "N/A", "": no country
                raise UnknownCountryError(iso)
            out[key] = countries.to_iso3(iso)
        except UnknownCountryError:
            if name and countries.is_aggregate(name):
                out[key] = None
                continue
            try:
                out[key] = countries.to_iso3(key, source="baci")
            except UnknownCountryError:
                out[key] = None  # areas n.e.s., free zones, bunkers: not countries
    return out


#: First year each HS revision was in use; a BACI file of revision HSxx has no earlier year.
_HS_FIRST_YEAR: Final[dict[str, int]] = {"92": 1988, "96": 1996, "02": 2002, "07": 2007, "12": 2012,
                                          "17": 2017, "22": 2022}
_BACI_NAME = re.compile(r"BACI_HS(\d\d)_Y(\d{4})_V", re.IGNORECASE)
_INT_RE = r"^\s*[0-9]{1,9}\s*$"
_NUM_RE = r"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$"
_MISSING_RE = r"^\s*(|NA|N/A|NaN|nan|NAN|NULL|null|\.\.|\.)\s*$"
_HS6_RE = r"^[0-9]{6}$"


def _hs_revision(path: Path) -> tuple[str | None, int | None]:
    """(HS revision, year) from a BACI file name ``BACI_HS17_Y2019_V202401.csv``, else (None, None)."""
    m = _BACI_NAME.search(path.name)
    if not m or m.group(1) not in _HS_FIRST_YEAR:
        return None, None
    return m.group(1), int(m.group(2))


def _baci_product_codes(path: Path, rev: str | None) -> frozenset[str] | None:
    """HS6 codes of ``product_codes_HS<rev>_V*.csv`` beside the data file (BACI ships it), if any."""
    if rev is None:
        return None
    cands = sorted(path.parent.glob(f"product_codes_HS{rev}_V*.csv"))
    if not cands:
        return None
    info = sniff(cands[-1])
    sep = sniff_delimiter(info.header)
    if "code" not in _split_header(info.header, sep):
        raise DataFormatError(f"{cands[-1]}: a BACI product-codes file needs a 'code' column; line 1 has "
                              f"{_split_header(info.header, sep)[:10]}.",
                              hint="Use the product_codes_HS*_V*.csv shipped in the same BACI archive.")
    pc_ = pd.read_csv(open_binary(cands[-1]), sep=sep, dtype=str, keep_default_na=False,
                      encoding=info.encoding, compression=None, usecols=["code"])
    return frozenset(pc_["code"].str.strip().str.zfill(6))


def _baci_numeric(code: int) -> str | None:
    """ISO3 of a UN/BACI numeric country code, or None if tradegap does not know it."""
    try:
        return countries.to_iso3(str(code), source="baci")
    except UnknownCountryError:
        return None


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _arrow_ints(arr: pa.Array, col: str, *, path: Path, first_line: int, what: str) -> np.ndarray:
    """Strict whole numbers (``2019``, never ``2019.5`` or ``2e3``) from a string column."""
    ok = pc.match_substring_regex(arr, _INT_RE).fill_null(False).to_numpy(zero_copy_only=False)
    if not ok.all():
        i = _first_bad(~ok)
        raw = arr[i].as_py()
        if raw is None or not str(raw).strip():
            _raise_at(path, first_line + i, col, raw, f"is missing (no {what})",
                      "Fix or remove the row; tradegap never guesses a missing code or year.")
        _raise_at(path, first_line + i, col, raw, "is not a whole number",
                  f"BACI's {col!r} column holds whole numbers ({what}); a decimal or text value is a "
                  "damaged file: download it again.")
    return pc.cast(pc.utf8_trim_whitespace(arr), pa.int64()).to_numpy(zero_copy_only=False)


def _arrow_values(arr: pa.Array, col: str, *, path: Path, first_line: int) -> np.ndarray:
    """Finite, non-negative numbers from a string column."""
    ok = pc.match_substring_regex(arr, _NUM_RE).fill_null(False).to_numpy(zero_copy_only=False)
    if not ok.all():
        i = _first_bad(~ok)
        raw = arr[i].as_py()
        if raw is None or re.fullmatch(_MISSING_RE, str(raw)):
            _raise_at(path, first_line + i, col, raw, "is missing (empty or NA)",
                      "Fill in or drop rows without a value; tradegap never reads a missing value as zero.")
        _raise_at(path, first_line + i, col, raw, "is not a number",
                  "Remove thousands separators/text from the value column, or fix the row.")
    vals = pc.cast(pc.utf8_trim_whitespace(arr), pa.float64()).to_numpy(zero_copy_only=False)
    bad = ~np.isfinite(vals)
    if bad.any():
        i = _first_bad(bad)
        _raise_at(path, first_line + i, col, arr[i].as_py(), "is infinite", "Trade values must be finite; fix the row.")
    if (vals < 0).any():
        i = _first_bad(vals < 0)
        _raise_at(path, first_line + i, col, arr[i].as_py(), "is negative",
                  "Trade values must be >= 0; a negative flow is a data error.")
    return vals


def _raise_at(path: Path, line: int, col: str, raw: Any, what: str, hint: str) -> None:
    raise DataFormatError(f"{path}: line {line:,}, column {col!r}: value {shown(raw)} {what}.", hint=hint)


def _hs6(arr: pa.Array, *, path: Path, first_line: int, rev: str | None,
         known: frozenset[str] | None) -> pa.Array:
    """Product codes as 6-digit HS strings, validated (BACI writes 010121 as 10121: padded)."""
    k = pc.utf8_trim_whitespace(arr)
    k = pc.if_else(pc.equal(pc.utf8_length(k), 5), pc.binary_join_element_wise("0", k, ""), k)
    ok = pc.match_substring_regex(k, _HS6_RE).fill_null(False).to_numpy(zero_copy_only=False)
    chapter = pc.cast(pc.utf8_slice_codeunits(pc.if_else(pa.array(ok), k, "000000"), 0, 2),
                      pa.int64()).to_numpy(zero_copy_only=False)
    ok &= (chapter >= 1) & (chapter != 77)  # 98–99: national use (Comtrade 999999: not specified)
    revname = f"HS{rev}" if rev else "HS"
    if not ok.all():
        i = _first_bad(~ok)
        raw = arr[i].as_py()
        if raw is None or not str(raw).strip():
            _raise_at(path, first_line + i, "k", raw, "is missing (no product code)",
                      "Fix or remove the row; tradegap never guesses a product.")
        _raise_at(path, first_line + i, "k", raw, f"is not an {revname} 6-digit product code",
                  "HS6 codes have six digits, chapters 01–99 (77 is reserved); a decimal or text value "
                  "is a damaged file: download it again.")
    if known is not None:
        inlist = pc.is_in(k, value_set=pa.array(sorted(known))).to_numpy(zero_copy_only=False)
        if not inlist.all():
            i = _first_bad(~inlist)
            _raise_at(path, first_line + i, "k", arr[i].as_py(),
                      f"is not in the {revname} product list beside the file", "Check that the file and "
                      "its product_codes file come from the same BACI release.")
    return k


def _find_line(path: Path, encoding: str, text: str) -> int | None:
    """1-based number of the first line whose text is ``text`` (only used to place an error)."""
    with io.TextIOWrapper(open_binary(path), encoding=encoding, errors="replace", newline="") as fh:
        for n, line in enumerate(fh, 1):
            if line.rstrip("\r\n") == text:
                return n
    return None


def _arrow_csv(path: Path, sep: str, columns: list[str], chunksize: int,
               layout: str) -> Iterator[tuple[int, pa.RecordBatch]]:
    """Stream ``columns`` of a CSV as string batches of ≤ ``chunksize`` rows: ``(first line, batch)``.

    Parsed by Arrow's multi-threaded reader: nothing is converted (strict typing is
    the caller's), no row is skipped silently (a row with the wrong number of fields
    is an error naming its line), no path globbing, lines at most MAX_LINE_BYTES.
    """
    info = sniff(path)
    names = _split_header(info.header, sep)
    invalid: list[Any] = []

    def on_invalid(row: Any) -> str:
        invalid.append(row)
        return "skip"

    enc = "utf8" if info.encoding in ("utf-8", "utf-8-sig") else info.encoding
    first_size = max(len(info.header), 1)
    block = int(min(64 << 20, max(1 << 20, chunksize * min(first_size, 200))))
    try:
        reader = pacsv.open_csv(
            open_binary(path),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=block,
                                           encoding=enc, use_threads=True),
            parse_options=pacsv.ParseOptions(delimiter=sep, ignore_empty_lines=False,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                 include_columns=columns, null_values=["", "NA"],
                                                 strings_can_be_null=True),
        )
        line = 2
        pending: list[pa.RecordBatch] = []
        have = 0

        def flush(n: int) -> Iterator[tuple[int, pa.RecordBatch]]:
            """Yield slices of ``n`` rows of the pending batches (all of them if ``n`` is 0)."""
            nonlocal pending, have, line
            whole = pa.concat_batches(pending) if len(pending) > 1 else pending[0]
            start = 0
            while whole.num_rows - start > 0 and (n == 0 or whole.num_rows - start >= n):
                size = n or whole.num_rows - start
                yield line, whole.slice(start, size)
                line += size
                start += size
            rest = whole.slice(start)
            pending, have = ([rest], rest.num_rows) if rest.num_rows else ([], 0)

        def check_invalid() -> None:
            if invalid:
                row = invalid[0]
                at = _find_line(path, info.encoding, row.text)
                raise DataFormatError(
                    f"{path}: malformed CSV at line {at if at is not None else '?'}: expected "
                    f"{row.expected_columns} fields, found {row.actual_columns} ({shown(row.text, 80)}).",
                    hint=f"The {layout} layout has one record per line with the header's "
                    f"{len(names)} columns; fix or remove that line (a truncated row?).",
                )

        for batch in reader:
            check_invalid()
            if batch.num_rows:
                pending.append(batch)
                have += batch.num_rows
            if have >= chunksize:
                yield from flush(chunksize)
        check_invalid()
        if have:
            yield from flush(0)
        if line == 2:
            raise DataFormatError(
                f"{path}: the file has a header (line 1) but no data rows.",
                hint="Download or export the file again; it holds no records.",
            )
    except pa.ArrowInvalid as exc:
        raise DataFormatError(
            f"{path}: cannot be parsed as a {layout} CSV (read as {info.label}): {str(exc)[:300]}.",
            hint="Check the file's format and compression.",
        ) from exc
    except OSError as exc:
        raise DataFormatError(
            f"{path}: the disk reported an error while reading it ({exc.strerror or exc}).",
            hint="This is a problem of the disk or file system, not of the file's content.",
        ) from exc


class _CodeTable:
    """BACI numeric country code → ISO3 (None: an area that is not a country), vectorised."""

    def __init__(self, codes: Mapping[str, str | None]) -> None:
        num = {int(k): v for k, v in codes.items() if str(k).isdigit()}
        self._set(num)

    def _set(self, num: dict[int, str | None]) -> None:
        self.num = num
        self.keys = np.array(sorted(num), dtype=np.int64)
        self.labels = [num[int(k)] or "" for k in self.keys] + [""]
        self.is_country = np.array([num[int(k)] is not None for k in self.keys] + [False])

    def add(self, extra: Mapping[int, str | None]) -> None:
        self._set({**self.num, **extra})

    def index(self, vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in the table, found) for each code; not found → the last (empty) label."""
        if not len(self.keys):
            return np.full(len(vals), 0, dtype=np.int64), np.zeros(len(vals), dtype=bool)
        pos = np.searchsorted(self.keys, vals).clip(0, len(self.keys) - 1)
        found = self.keys[pos] == vals
        return np.where(found, pos, len(self.keys)), found


def _iter_baci(path: Path, chunksize: int, sep: str | None, country_codes=None,
               **_: Any) -> Iterator[pd.DataFrame]:
    """CEPII BACI ``t,i,j,k,v,q``: strict whole years and codes, HS6 products, USD thousands."""
    req = ["t", "i", "j", "k", "v"]
    sep, _cols = _check_header(path, "CEPII BACI", req, sep)
    rev, name_year = _hs_revision(path)
    table = _CodeTable(_baci_country_codes(path, country_codes))
    products = _baci_product_codes(path, rev)
    dups = _DupTracker(path, ["t", "i", "j", "k"])
    dropped: dict[int, int] = {}
    for line, batch in _arrow_csv(path, sep, req, chunksize, "CEPII BACI"):
        cols = {c: batch.column(c) for c in req}
        year = _arrow_ints(cols["t"], "t", path=path, first_line=line, what="year")
        bad = (year < 1800) | (year > _MAX_YEAR)
        if rev is not None:
            bad |= year < _HS_FIRST_YEAR[rev]
        if bad.any():
            i = _first_bad(bad)
            why = (f"is before HS{rev} existed ({_HS_FIRST_YEAR[rev]})" if rev and 1800 <= year[i] <= _MAX_YEAR
                   else f"is not a year between 1800 and {_MAX_YEAR}")
            _raise_at(path, line + i, "t", cols["t"][i].as_py(), why,
                      "Check the file: the year column of BACI holds the data's year.")
        if name_year is not None and (year != name_year).any():
            i = _first_bad(year != name_year)
            _raise_at(path, line + i, "t", cols["t"][i].as_py(),
                      f"differs from the year in the file name ({name_year})",
                      "A BACI file holds one year; rename the file if it was renamed by mistake.")
        ex = _arrow_ints(cols["i"], "i", path=path, first_line=line, what="exporter code")
        im = _arrow_ints(cols["j"], "j", path=path, first_line=line, what="importer code")
        val = _arrow_values(cols["v"], "v", path=path, first_line=line)
        k = _hs6(cols["k"], path=path, first_line=line, rev=rev, known=products)
        pos_i, f_i = table.index(ex)
        pos_j, f_j = table.index(im)
        if not (f_i.all() and f_j.all()):
            missing = np.unique(np.concatenate([ex[~f_i], im[~f_j]]))
            table.add({int(c): _baci_numeric(int(c)) for c in missing})
            still = [int(c) for c in missing if table.num.get(int(c)) is None]
            if still:
                listed = []
                for c in still[:20]:
                    where = np.flatnonzero((ex == c) | (im == c))[0]
                    col = "i" if ex[where] == c else "j"
                    listed.append(f"'{c}' (line {line + int(where):,}, column {col!r})")
                raise UnknownCountryError(
                    f"{path}: {len(still)} unknown country code(s): {'; '.join(listed)}.",
                    hint="BACI's numeric codes are decoded with the country_codes_V*.csv file of the same "
                    "release; put it in the same folder.",
                )
            pos_i, f_i = table.index(ex)
            pos_j, f_j = table.index(im)
        keep = table.is_country[pos_i] & table.is_country[pos_j]
        if not keep.all():
            for c in np.concatenate([ex[~table.is_country[pos_i]], im[~table.is_country[pos_j]]]):
                dropped[int(c)] = dropped.get(int(c), 0) + 1
        kint = pc.cast(k, pa.int64()).to_numpy(zero_copy_only=False)
        dups.add(pd.DataFrame({"i": ex, "j": im, "t": year, "k": kint}),
                 line + np.arange(len(year)),
                 labels=lambda r, year=year, ex=ex, im=im, k=k: {"t": int(year[r]), "i": int(ex[r]),
                                                                 "j": int(im[r]), "k": k[r].as_py()})
        exporter = _take_str(table.labels, pos_i)
        importer = _take_str(table.labels, pos_j)
        kk = pd.Series(pd.array(k, dtype="str"))
        lines = line + np.arange(len(year))
        if keep.all():
            yield _with_lines(_flows(exporter, importer, year, kk, val, unit="USD", scale="thousands",
                                     source="baci", basis="reconciled"), lines)
        else:
            yield _with_lines(_flows(exporter[keep], importer[keep], year[keep], kk[keep], val[keep],
                                     unit="USD", scale="thousands", source="baci", basis="reconciled"),
                              lines[keep])
    dups.finish()
    if dropped:
        codes = ", ".join(str(c) for c in sorted(dropped)[:10])
        warnings.warn(
            f"dropped {sum(dropped.values()):,} rows of non-country areas (BACI codes {codes})",
            DroppedObservationsWarning, stacklevel=3,
        )


def _iter_gravity(path: Path, chunksize: int, sep: str | None, flow: str = "tradeflow_baci",
                  **_: Any) -> Iterator[pd.DataFrame]:
    allowed = ("tradeflow_baci", "tradeflow_imf_o", "tradeflow_imf_d", "tradeflow_comtrade_o",
               "tradeflow_comtrade_d", "manuf_tradeflow_baci")
    if flow not in allowed:
        raise InputError(f"The 'flow' parameter of the gravity reader must be one of "
                         f"{list(allowed)}. Got {flow!r} instead.")
    req = ["iso3_o", "iso3_d", "year", flow]
    sep, cols = _check_header(path, "CEPII Gravity", req, sep)
    extra_cols = [c for c in ("country_exists_o", "country_exists_d") if c in cols]
    basis = {"tradeflow_imf_o": "exporter_fob", "tradeflow_imf_d": "importer_cif",
             "tradeflow_comtrade_o": "exporter_fob", "tradeflow_comtrade_d": "importer_cif"}.get(
        flow, "reconciled")
    src = "baci" if "baci" in flow else ("dots" if "imf" in flow else "comtrade")
    dups = _DupTracker(path, ["iso3_o", "iso3_d", "year"])
    dropped = 0
    for line, ch in _csv_chunks(path, sep=sep, usecols=req + extra_cols,
                                dtype={"iso3_o": str, "iso3_d": str},
                                chunksize=chunksize, layout="CEPII Gravity"):
        live = np.ones(len(ch), dtype=bool)
        for c in extra_cols:
            live &= pd.to_numeric(ch[c], errors="coerce").fillna(1).eq(1).to_numpy()
        ch = ch[live]
        line_of = line + np.flatnonzero(live)
        ch.index = pd.RangeIndex(len(ch))
        year = _years(ch, "year", path=path, first_line=line) if len(ch) else np.array([], int)
        val = _numeric(ch, flow, path=path, first_line=line, allow_missing=True)
        m, keep = _map_countries(ch, ["iso3_o", "iso3_d"], path=path, first_line=line)
        dups.add(pd.DataFrame({"o": m["iso3_o"], "d": m["iso3_d"], "y": year}), line_of)
        has = val.notna().to_numpy()
        dropped += int((keep & ~has).sum())
        keep &= has
        yield _with_lines(_flows(m["iso3_o"][keep], m["iso3_d"][keep], year[keep], None, val[keep],
                                 unit="USD", scale="thousands", source=src, basis=basis), line_of[keep])
    dups.finish()
    if dropped:
        warnings.warn(f"{path}: {dropped} pair-year row(s) without {flow} were skipped (Gravity "
                      "lists every pair-year; an empty flow is unreported, not zero).",
                      DroppedObservationsWarning, stacklevel=3)


def _iter_unctad(path: Path, chunksize: int, sep: str | None, year: int | None = None,
                 **_: Any) -> Iterator[pd.DataFrame]:
    req = ["source", "target", "edgewidth"]
    sep, cols = _check_header(path, "UNCTAD SITC", req, sep)
    use = req + [c for c in ("sitc", "year") if c in cols]
    if "year" not in cols and year is None:
        m = re.search(r"(19[5-9]\d|20\d\d)", path.name)
        if not m:
            raise DataFormatError(
                f"{path}: the UNCTAD layout has no 'year' column and the file name has no year.",
                hint="Pass year=2015 (the year of the matrix) to the reader.",
            )
        year = int(m.group(1))
    dups = _DupTracker(path, ["source", "target", "sitc"])
    for line, ch in _csv_chunks(path, sep=sep, usecols=use, dtype=dict.fromkeys(use, str),
                                chunksize=chunksize, layout="UNCTAD SITC"):
        yr = (_years(ch, "year", path=path, first_line=line) if "year" in ch
              else np.full(len(ch), int(year), dtype=np.int64))
        val = _numeric(ch, "edgewidth", path=path, first_line=line)
        m, keep = _map_countries(ch, ["source", "target"], path=path, first_line=line,
                                 source="unctad")
        prod = ch["sitc"].astype("string").fillna("").to_numpy() if "sitc" in ch else None
        keyframe = pd.DataFrame({"s": m["source"], "t": m["target"], "y": yr,
                                 "k": prod if prod is not None else ""})
        dups.add(keyframe, line + np.arange(len(ch)))
        yield _with_lines(_flows(m["source"][keep], m["target"][keep], yr[keep],
                                 prod[keep] if prod is not None else None, val[keep], unit="USD",
                                 scale="thousands", source="unctad", basis="reported"),
                          (line + np.arange(len(ch)))[keep])
    dups.finish()


# ---- reporter-based sources: stream reports, reconcile once ---------------------------
def _collect_reports(parts: list[pd.DataFrame], path: Path) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(columns=["reporter", "partner", "year", "flow", "value", "product",
                                     "_line"])
    rep = pd.concat(parts, ignore_index=True)
    key = ["reporter", "partner", "year", "flow", "product"]
    dup = rep.duplicated(key, keep=False)
    if dup.any():
        d = rep[dup]
        nun = d.groupby(key, sort=False)["value"].nunique()
        if (nun > 1).any():
            k = nun[nun > 1].index[0]
            sel = d[(d["reporter"] == k[0]) & (d["partner"] == k[1]) & (d["year"] == k[2])
                    & (d["flow"] == k[3]) & (d["product"] == k[4])]
            raise DataFormatError(
                f"{path}: duplicate rows with different values: lines "
                f"{', '.join(str(x) for x in sel['_line'].head(5))} both report {k[3]}s of "
                f"{k[0]} with {k[1]} in {k[2]} (values {', '.join(map(str, sel['value'].head(5)))}).",
                hint="Keep one row per reporter, partner, year and flow; remove the other.",
            )
        n = int(rep.duplicated(key).sum())
        warnings.warn(f"{path}: {n} identical duplicate row(s) dropped.",
                      DroppedObservationsWarning, stacklevel=4)
        rep = rep.drop_duplicates(key)
    return rep


def _yield_reconciled(rep: pd.DataFrame, chunksize: int, *, unit: str, scale: str,
                      source: str, cif_fob: float | None, path: Path) -> Iterator[pd.DataFrame]:
    same = (rep["reporter"] == rep["partner"]).to_numpy()
    if same.any():
        i = int(np.flatnonzero(same)[0])
        r = rep.iloc[i]
        warnings.warn(_self_flow_note(path, int(same.sum()), int(r["_line"]),
                                      f"{r['reporter']}→{r['partner']} {int(r['year'])}"),
                      DroppedObservationsWarning, stacklevel=4)
        rep = rep[~same]
    flows = reconcile(rep.drop(columns="_line"), cif_fob=cif_fob, unit=unit, scale=scale,
                      source=source)
    flows = flows.astype({c: "str" for c in ("exporter", "importer", "product", "unit", "scale",
                                             "source", "basis")})
    for start in range(0, max(len(flows), 1), chunksize):
        part = flows.iloc[start:start + chunksize]
        if len(part) or start == 0:
            yield part.reset_index(drop=True)


def _iter_dots(path: Path, chunksize: int, sep: str | None, cif_fob: float | None = None,
               **_: Any) -> Iterator[pd.DataFrame]:
    header = _first_line(path)
    cols = _split_header(header, sep or sniff_delimiter(header))
    vcol = next((c for c in ("value_musd", "value") if c in cols), "value_musd")
    req = ["reporter", "partner", "flow", "year", vcol]
    sep, cols = _check_header(path, "IMF DOTS long", req, sep)
    parts = []
    for line, ch in _csv_chunks(path, sep=sep, usecols=req, dtype=dict.fromkeys(req, str),
                                chunksize=chunksize, layout="IMF DOTS long"):
        m, keep = _map_countries(ch, ["reporter", "partner"], path=path, first_line=line,
                                 source="dots")
        ch = ch[keep]
        lines = line + np.flatnonzero(keep)
        ch.index = pd.RangeIndex(len(ch))
        # aggregates are gone; validate what remains (line numbers kept)
        year, val = _validate_rows(ch, "year", vcol, lines, path)
        flow = ch["flow"].astype("string").str.strip().str.lower()
        badf = ~flow.isin(["export", "import"])
        if badf.any():
            i = int(np.flatnonzero(badf.to_numpy())[0])
            raise DataFormatError(
                f"{path}: line {lines[i]}, column 'flow': value {ch['flow'].iloc[i]!r} is not "
                "'export' or 'import'.",
                hint="The DOTS long layout has flow = export (FOB, exporter's report) or import "
                "(CIF, importer's report).",
            )
        parts.append(pd.DataFrame({
            "reporter": m["reporter"][keep].to_numpy(), "partner": m["partner"][keep].to_numpy(),
            "year": year, "flow": flow.to_numpy(), "value": val, "product": "", "_line": lines,
        }))
    rep = _collect_reports(parts, path)
    yield from _yield_reconciled(rep, chunksize, unit="USD", scale="millions", source="dots",
                                 cif_fob=cif_fob, path=path)


def _validate_rows(ch: pd.DataFrame, ycol: str, vcol: str, lines: np.ndarray,
                   path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Year and value checks on a filtered chunk, reporting true file lines."""
    tmp = ch[[ycol, vcol]].copy()
    tmp.index = pd.RangeIndex(len(tmp))
    try:
        y = _years(tmp, ycol, path=path, first_line=0)
        v = _numeric(tmp, vcol, path=path, first_line=0).to_numpy()
    except DataFormatError as exc:
        msg = exc.message
        m = re.search(r"line (\d+)", msg)
        if m:
            msg = msg.replace(f"line {m.group(1)}", f"line {int(lines[int(m.group(1))])}", 1)
        raise DataFormatError(msg, hint=exc.hint) from None
    return y, v


_IMF_INDICATORS = {"TXG_FOB_USD": "export", "TMG_CIF_USD": "import"}


def _iter_imf(path: Path, chunksize: int, sep: str | None, cif_fob: float | None = None,
              scale: str = "units", **_: Any) -> Iterator[pd.DataFrame]:
    if scale not in SCALES:
        raise InputError(f"The 'scale' parameter must be one of {list(SCALES)}. Got {scale!r} "
                         "instead.", hint="IMF bulk files hold US dollars (scale='units').")
    req = ["Country Name", "Country Code", "Counterpart Country Name",
           "Counterpart Country Code", "Indicator Code"]
    sep, cols = _check_header(path, "IMF DOTS bulk", req, sep)
    ycols = [c for c in cols if re.fullmatch(r"(19|20)\d\d", c.strip())]
    if not ycols:
        raise DataFormatError(
            f"{path}: the IMF DOTS bulk layout needs one column per year ('1990', '1991', ...); "
            f"none in line 1 (header). Found: {cols}.",
            hint="Download the annual series (columns = years) from IMF Data.",
        )
    use = req + (["Attribute"] if "Attribute" in cols else []) + ycols
    parts = []
    for line, ch in _csv_chunks(path, sep=sep, usecols=use, dtype=dict.fromkeys(use, str),
                                chunksize=chunksize, layout="IMF DOTS bulk"):
        lines_all = line + np.arange(len(ch))
        ind = ch["Indicator Code"].astype("string").str.strip()
        keep = np.array(ind.isin(list(_IMF_INDICATORS)), dtype=bool)
        if "Attribute" in ch:
            keep &= ch["Attribute"].astype("string").str.strip().fillna("Value").eq("Value").to_numpy()
        ch = ch[keep]
        lines = lines_all[keep]
        ch.index = pd.RangeIndex(len(ch))
        if not len(ch):
            continue
        # names are more stable across IMF vintages than its numeric codes
        m, ok = _map_countries(ch, ["Country Name", "Counterpart Country Name"], path=path,
                               first_line=line, source="imf")
        ch = ch[ok]
        lines = lines[ok]
        ch.index = pd.RangeIndex(len(ch))
        long = ch.melt(id_vars=["Country Name", "Counterpart Country Name", "Indicator Code"],
                       value_vars=ycols, var_name="year", value_name="value")
        rowline = np.tile(lines, len(ycols))
        has = long["value"].astype("string").str.strip().fillna("").ne("").to_numpy()
        long = long[has]
        rowline = rowline[has]
        long.index = pd.RangeIndex(len(long))
        year, val = _validate_rows(long, "year", "value", rowline, path)
        parts.append(pd.DataFrame({
            "reporter": long["Country Name"].map(dict(zip(ch["Country Name"],
                                                          m["Country Name"][ok], strict=False))).to_numpy(),
            "partner": long["Counterpart Country Name"].map(dict(zip(
                ch["Counterpart Country Name"], m["Counterpart Country Name"][ok],
                strict=False))).to_numpy(),
            "year": year, "flow": long["Indicator Code"].map(_IMF_INDICATORS).to_numpy(),
            "value": val, "product": "", "_line": rowline,
        }))
    rep = _collect_reports(parts, path)
    yield from _yield_reconciled(rep, chunksize, unit="USD", scale=scale, source="dots",
                                 cif_fob=cif_fob, path=path)


_COMTRADE_AGGREGATES = {"W00", "_X", "X1", "X2", "XX", "R4", "0", "Wld", "WLD", "EUR", "EU"}
_COMTRADE_EXTRA: dict[str, str | None] = {**dict.fromkeys(_COMTRADE_AGGREGATES),
                                          "S19": "TWN", "E19": None, "F19": None, "N19": None}


def _iter_comtrade(path: Path, chunksize: int, sep: str | None, cif_fob: float | None = None,
                   **_: Any) -> Iterator[pd.DataFrame]:
    req = ["refYear", "reporterISO", "partnerISO", "flowCode", "cmdCode", "primaryValue"]
    sep, cols = _check_header(path, "UN Comtrade bulk", req, sep)
    filters = [c for c in ("partner2ISO", "motCode", "customsCode") if c in cols]
    parts = []
    for line, ch in _csv_chunks(path, sep=sep, usecols=req + filters,
                                dtype=dict.fromkeys(req + filters, str), chunksize=chunksize,
                                layout="UN Comtrade bulk"):
        flow = ch["flowCode"].astype("string").str.strip().str.upper()
        keep = np.array(flow.isin(["M", "X"]), dtype=bool)  # re-exports/imports (RX/RM) are not used
        if "partner2ISO" in ch:
            keep &= ch["partner2ISO"].astype("string").str.strip().fillna("W00").isin(
                ["W00", "0", ""]).to_numpy()
        if "motCode" in ch:
            keep &= ch["motCode"].astype("string").str.strip().fillna("0").isin(["0", ""]).to_numpy()
        if "customsCode" in ch:
            keep &= ch["customsCode"].astype("string").str.strip().fillna("C00").isin(
                ["C00", ""]).to_numpy()
        lines = line + np.flatnonzero(keep)
        ch = ch[keep]
        flow = flow[keep]
        ch.index = pd.RangeIndex(len(ch))
        m, ok = _map_countries(ch, ["reporterISO", "partnerISO"], path=path, first_line=line,
                               source="comtrade", extra=_COMTRADE_EXTRA)
        ch = ch[ok]
        lines = lines[ok]
        ch.index = pd.RangeIndex(len(ch))
        year, val = _validate_rows(ch, "refYear", "primaryValue", lines, path)
        cmd = ch["cmdCode"].astype("string").str.strip().fillna("")
        cmd = cmd.where(~cmd.str.upper().isin(["TOTAL", "TOT"]), "")
        parts.append(pd.DataFrame({
            "reporter": m["reporterISO"][ok].to_numpy(), "partner": m["partnerISO"][ok].to_numpy(),
            "year": year, "flow": np.where(flow[ok].to_numpy() == "M", "import", "export"),
            "value": val, "product": cmd.to_numpy(), "_line": lines,
        }))
    rep = _collect_reports(parts, path)
    yield from _yield_reconciled(rep, chunksize, unit="USD", scale="units", source="comtrade",
                                 cif_fob=cif_fob, path=path)


# ---- covariates ----------------------------------------------------------------------
_WDI_VALUE_COLS = ("gdp", "gdp_const", "gdp_ppp", "gdp_ppp_const", "gdppc", "gdppc_const",
                   "gdppc_ppp", "gdppc_ppp_const", "current_account", "exports_goods_bop",
                   "imports_goods_bop", "population")


def _iter_wdi(path: Path, chunksize: int, sep: str | None, **_: Any) -> Iterator[pd.DataFrame]:
    header = _first_line(path)
    cols = _split_header(header, sep or sniff_delimiter(header))
    icol = "iso3_code" if "iso3_code" in cols else "iso3"
    sep, cols = _check_header(path, "WDI", [icol, "year", "gdp", "population"], sep)
    vcols = [c for c in _WDI_VALUE_COLS if c in cols]
    dups = _DupTracker(path, [icol, "year"])
    for line, ch in _csv_chunks(path, sep=sep, usecols=[icol, "year", *vcols],
                                dtype=dict.fromkeys([icol, "year", *vcols], str),
                                chunksize=chunksize, layout="WDI"):
        year = _years(ch, "year", path=path, first_line=line)
        m, keep = _map_countries(ch, [icol], path=path, first_line=line)
        dups.add(pd.DataFrame({"c": m[icol], "y": year}), line + np.arange(len(ch)))
        out = pd.DataFrame({"iso3": m[icol].to_numpy(), "year": year})
        for c in vcols:
            out[c] = _numeric(ch, c, path=path, first_line=line, allow_missing=True,
                              allow_negative=(c == "current_account")).to_numpy()
        out = out[keep].reset_index(drop=True)
        out["iso3"] = out["iso3"].astype("str")
        yield out
    dups.finish()


def read_geo_cepii(path: str | Path) -> pd.DataFrame:
    """CEPII GeoDist ``geo_cepii.csv`` → one row per country (its capital's row).

    Returns
    -------
    pandas.DataFrame
        ``iso3, name, landlocked (0/1), lat, lon (degrees, of the capital), capital,
        continent``.  CEPII's legacy codes are modernized (ROM → ROU, ZAR → COD,
        TMP → TLS, PAL → PSE); its "YUG" row, labelled Serbia and Montenegro, is
        coded SRB, as CEPII's own ``dist_cepii.csv`` codes that entity.
    """
    path = Path(path)
    req = ["iso3", "country", "landlocked", "continent", "city_en", "lat", "lon", "cap"]
    sep, _ = _check_header(path, "CEPII geo_cepii", req, None, default_sep=";")
    try:
        g = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="latin-1")
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataFormatError(f"{path}: cannot be parsed: {exc}.",
                              hint="Use CEPII's geo_cepii.csv (';'-separated, Latin-1).") from exc
    g = g[g["cap"].str.strip() == "1"].copy()
    g["iso3"] = g["iso3"].str.strip().replace({"YUG": "SRB"})
    iso = countries.to_iso3_many(g["iso3"], source="cepii")
    out = pd.DataFrame({
        "iso3": g["iso3"].map(iso).astype("str").to_numpy(),
        "name": [countries.country_name(iso[c]) for c in g["iso3"]],
        "landlocked": pd.to_numeric(g["landlocked"]).astype("int8").to_numpy(),
        "lat": pd.to_numeric(g["lat"]).astype("float64").to_numpy(),
        "lon": pd.to_numeric(g["lon"]).astype("float64").to_numpy(),
        "capital": g["city_en"].str.strip().to_numpy(),
        "continent": g["continent"].str.strip().to_numpy(),
    })
    return out.drop_duplicates("iso3").sort_values("iso3").reset_index(drop=True)


def _iter_geodist(path: Path, chunksize: int, sep: str | None, geo: str | Path | None = None,
                  **_: Any) -> Iterator[pd.DataFrame]:
    from tradegap.data.embedded import shared_sea_pairs

    num = ["contig", "comlang_off", "comlang_ethno", "colony", "comcol", "smctry", "dist", "distw"]
    req = ["iso_o", "iso_d", *num]
    sep, _ = _check_header(path, "CEPII GeoDist dist_cepii", req, sep, default_sep=";")
    if geo is None:
        cand = path.parent / "geo_cepii.csv"
        geo = cand if cand.exists() else None
    if geo is not None:
        landlocked = read_geo_cepii(geo).set_index("iso3")["landlocked"]
    else:
        from tradegap.data import embedded

        landlocked = embedded.load("countries").set_index("iso3")["landlocked"]
    sea = shared_sea_pairs()
    dups = _DupTracker(path, ["iso_o", "iso_d"])
    for line, ch in _csv_chunks(path, sep=sep, usecols=req, dtype=dict.fromkeys(req, str),
                                chunksize=chunksize, layout="CEPII GeoDist"):
        m, keep = _map_countries(ch, ["iso_o", "iso_d"], path=path, first_line=line,
                                 source="cepii")
        dups.add(pd.DataFrame({"o": m["iso_o"], "d": m["iso_d"]}), line + np.arange(len(ch)))
        out = pd.DataFrame({"exporter": m["iso_o"].to_numpy(), "importer": m["iso_d"].to_numpy()})
        for c in num:
            v = _numeric(ch, c, path=path, first_line=line, allow_missing=(c == "distw"))
            out[c] = v.to_numpy() if c in ("dist", "distw") else v.astype("int8").to_numpy()
        out["landlocked_o"] = out["exporter"].map(landlocked).astype("Int8")
        out["landlocked_d"] = out["importer"].map(landlocked).astype("Int8")
        pairs = pd.MultiIndex.from_arrays([out["exporter"], out["importer"]])
        out["shared_sea"] = (pairs.isin(sea) & (out["exporter"] != out["importer"]).to_numpy()
                             ).astype("int8")
        out = out[keep].reset_index(drop=True)
        out = out.astype({"exporter": "str", "importer": "str"})
        yield out.loc[:, list(PAIR_COLUMNS)]
    dups.finish()


# ======================================================================================
# Generic files with a column mapping
# ======================================================================================
_MAPPING_KEYS = ("exporter", "importer", "year", "value", "product")


def _generic_frames(path: Path, needed: list[str], sep: str | None,
                    chunksize: int) -> Iterator[tuple[int, pd.DataFrame]]:
    check_readable(path)
    name = path.name.lower()
    if name.endswith(".parquet") or name.endswith(".pq"):
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(path)
        except Exception as exc:  # pyarrow raises several types
            raise DataFormatError(f"{path}: not a readable Parquet file ({exc}).",
                                  hint="Check the file; write it with DataFrame.to_parquet.") from exc
        found = pf.schema_arrow.names
        missing = [c for c in needed if c not in found]
        if missing:
            raise DataFormatError(
                f"{path}: mapped column(s) {missing} not in the file. Found: {found}.",
                hint="Fix the mapping: {canonical name: column in the file}.")
        if pf.metadata.num_rows == 0:
            raise DataFormatError(f"{path}: the file has no rows.", hint="Check the export.")
        line = 1  # Parquet has no lines: report 1-based row numbers
        for batch in pf.iter_batches(batch_size=chunksize, columns=needed):
            df = batch.to_pandas()
            yield line, df
            line += len(df)
        return
    if name.endswith(".dta"):
        try:
            reader = pd.read_stata(path, columns=None, chunksize=chunksize,
                                   convert_categoricals=True)
            line = 1
            with reader:
                for df in reader:
                    missing = [c for c in needed if c not in df.columns]
                    if missing:
                        raise DataFormatError(
                            f"{path}: mapped column(s) {missing} not in the file. Found: "
                            f"{list(df.columns)}.",
                            hint="Fix the mapping: {canonical name: variable in the .dta}.")
                    yield line, df[needed]
                    line += len(df)
        except DataFormatError:
            raise
        except Exception as exc:  # noqa: BLE001 - pandas' Stata reader raises struct.error, ValueError, ...
            raise DataFormatError(f"{path}: not a readable Stata .dta file ({type(exc).__name__}: "
                                  f"{str(exc)[:200]}); is it empty, truncated or renamed?",
                                  hint="Save it again with Stata 10+ (`saveold` if needed).") from exc
        return
    sep, _ = _check_header(path, "mapped CSV", needed, sep,
                           default_sep="\t" if name.endswith((".tsv", ".tab")) else ",")
    for line, df in _csv_chunks(path, sep=sep, usecols=needed, dtype=dict.fromkeys(needed, str),
                                chunksize=chunksize, layout="mapped CSV"):
        yield line, df


def _check_generic(mapping: Mapping[str, str] | None = None, unit: str = "USD", scale: str | None = None,
                   dataset: str = "csv", basis: str = "reported", country_source: countries.Source = "",
                   **unknown: Any) -> None:
    """Check a generic file's options before any file is read (every problem is the user's to fix)."""
    if unknown:
        raise InputError(
            f"Unknown option(s) {sorted(unknown)} for a generic file; it accepts mapping, unit, "
            "scale, dataset, basis, country_source, sep.")
    if not isinstance(dataset, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", dataset):
        raise InputError(f"The 'dataset' parameter must be a short name (letters, digits, _ . -). Got "
                         f"{shown(dataset)} instead.", hint=f"Pass {option('dataset', repr('mydata'), cli='mydata')}.")
    if not mapping:
        raise InputError(
            "A generic file needs a column mapping.",
            hint="Pass " + option("mapping", "{'exporter': ..., 'importer': ..., 'year': ..., 'value': ...}",
                                  cli="exporter=COL,importer=COL,year=COL,value=COL") + ".",
        )
    bad = [k for k in mapping if k not in _MAPPING_KEYS]
    miss = [k for k in ("exporter", "importer", "year", "value") if k not in mapping]
    if bad or miss:
        raise InputError(
            f"The 'mapping' parameter must map {list(_MAPPING_KEYS[:4])} (and optionally "
            f"'product') to file columns. Got {dict(mapping)!r}: "
            + (f"unknown key(s) {bad}; " if bad else "") + (f"missing {miss}." if miss else ""),
            hint="Example: " + option("mapping", "{'exporter': 'iso_o', 'importer': 'iso_d', 'year': 'year', "
                                      "'value': 'trade'}", cli="exporter=iso_o,importer=iso_d,year=year,value=trade")
            + ".",
        )
    mapped = [mapping[k] for k in _MAPPING_KEYS if k in mapping]
    if len(set(mapped)) < len(mapped):
        twice = sorted({c for c in mapped if mapped.count(c) > 1})
        keys = [k for k in _MAPPING_KEYS if mapping.get(k) in twice]
        raise InputError(
            f"The column mapping uses column(s) {twice} for more than one of {keys}: "
            + ("every row would be a self-flow (exporter = importer)." if {"exporter", "importer"} <= set(keys)
               else "each canonical column needs its own file column."),
            hint="Map each of exporter, importer, year, value (and product) to a different column of the file.",
        )
    if scale is None:
        raise InputError(
            "The scale of the value column is not known; tradegap does not guess it "
            "(a file in thousands read as units is off by 1,000).",
            hint="Pass " + option("scale", "'thousands'", cli="thousands") + f" (one of {', '.join(SCALES)}), and "
            + option("unit", "'USD'", cli="USD") + " if the currency is not US dollars.",
        )
    if scale not in SCALES:
        raise InputError(f"The 'scale' parameter must be one of {list(SCALES)}. Got {scale!r} "
                         "instead.", hint=f"Pass {option('scale', repr('thousands'), cli='thousands')}.")
    if not isinstance(unit, str) or not re.fullmatch(r"[A-Z]{3}", unit):
        raise InputError(f"The 'unit' parameter must be a 3-letter currency code such as 'USD'. Got {unit!r} "
                         "instead.", hint=f"Pass {option('unit', repr('USD'), cli='USD')}.")
    from tradegap.data.schema import BASES

    if basis not in BASES:
        raise InputError(f"The 'basis' parameter must be one of {list(BASES)}. Got {basis!r} "
                         "instead.")

def _iter_generic(path: Path, chunksize: int, sep: str | None, mapping: Mapping[str, str] | None = None,
                  unit: str = "USD", scale: str | None = None, dataset: str = "csv",
                  basis: str = "reported", country_source: countries.Source = "",
                  **unknown: Any) -> Iterator[pd.DataFrame]:
    _check_generic(mapping, unit, scale, dataset, basis, country_source, **unknown)
    assert mapping is not None and scale is not None  # checked above
    source = dataset
    cols = [mapping[k] for k in _MAPPING_KEYS if k in mapping]
    e, i, y, v = mapping["exporter"], mapping["importer"], mapping["year"], mapping["value"]
    p = mapping.get("product")
    dups = _DupTracker(path, [e, i, y] + ([p] if p else []))
    for line, df in _generic_frames(path, list(dict.fromkeys(cols)), sep, chunksize):
        df = df.reset_index(drop=True)
        for c in (e, i):
            if pd.api.types.is_float_dtype(df[c]):
                df[c] = df[c].astype("Int64").astype("string")
        year = _years(df, y, path=path, first_line=line)
        val = _numeric(df, v, path=path, first_line=line)
        m, keep = _map_countries(df, [e, i] if e != i else [e], path=path, first_line=line,
                                 source=country_source)
        prod = df[p].astype("string").fillna("").to_numpy() if p else None
        dups.add(pd.DataFrame({"e": m[e], "i": m[i], "y": year, "p": prod if p else ""}),
                 line + np.arange(len(df)))
        yield _with_lines(_flows(m[e][keep], m[i][keep], year[keep], prod[keep] if p else None, val[keep],
                                 unit=unit, scale=scale, source=source, basis=basis),
                          (line + np.arange(len(df)))[keep])
    dups.finish()


def read_generic(
    path: str | Path,
    mapping: Mapping[str, str],
    *,
    unit: str = "USD",
    scale: str | None = None,
    source: str = "csv",
    basis: str = "reported",
    sep: str | None = None,
    country_source: countries.Source = "",
) -> pd.DataFrame:
    """Read any CSV/TSV (optionally gzip), Parquet or Stata ``.dta`` file of bilateral flows.

    Parameters
    ----------
    path : str or Path
    mapping : dict
        ``{"exporter": col, "importer": col, "year": col, "value": col}`` and
        optionally ``"product": col``; country columns may hold names or codes.
    unit, scale : str
        Currency (default ``"USD"``) and scale of the value column: ``"units"``,
        ``"thousands"`` or ``"millions"``.  The scale is required: it is never guessed.
    source, basis : str
        Dataset id and value basis (:data:`tradegap.data.schema.BASES`) recorded
        on every row.
    sep : str, optional
        CSV delimiter (default ``,``; ``\\t`` for ``.tsv``).
    country_source : str
        How numeric country codes are read (see :func:`tradegap.countries.to_iso3`).

    Returns
    -------
    pandas.DataFrame
        The canonical flow table.
    """
    parts = list(_iter_generic(Path(path), DEFAULT_CHUNKSIZE, sep, mapping=mapping, unit=unit,
                               scale=scale, dataset=source, basis=basis,
                               country_source=country_source))
    return _concat(parts)


# ======================================================================================
# Entry points
# ======================================================================================
_READERS: dict[str, Callable[..., Iterator[pd.DataFrame]]] = {
    "dots": _iter_dots,
    "imf": _iter_imf,
    "comtrade": _iter_comtrade,
    "baci": _iter_baci,
    "baci_totals": _iter_baci_totals,
    "gravity": _iter_gravity,
    "unctad": _iter_unctad,
    "wdi": _iter_wdi,
    "geodist": _iter_geodist,
}


def _resolve_source(source: str, path: Path) -> str:
    if source in _GENERIC:
        return "generic"
    if source == "baci":
        # the totals file (year, exporter, importer, value) is also BACI
        header = _first_line(path)
        cols = _split_header(header, sniff_delimiter(header))
        if {"exporter", "importer", "value"} <= set(cols) and "k" not in cols:
            return "baci_totals"
    if source not in _READERS:
        raise InputError(
            f"The 'source' parameter of the readers must be one of {list(SOURCES)}. "
            f"Got {source!r} instead.",
            hint="Pick the layout of the file (e.g. baci, dots, comtrade, gravity), or 'csv' "
            "with a column mapping.",
        )
    return source


_ALLOWED: Final[dict[str, set[str]]] = {
    "dots": {"cif_fob"}, "imf": {"cif_fob", "scale"}, "comtrade": {"cif_fob"},
    "baci": {"country_codes"}, "baci_totals": set(), "gravity": {"flow"},
    "unctad": {"year"}, "wdi": set(), "geodist": {"geo"},
}


def validate_options(source: str, *, sep: str | None = None, **options: Any) -> None:
    """Check a reader's options without reading a file (the store calls it before any work).

    Raises
    ------
    InputError
        Unknown source, an option the layout does not take, a bad mapping, a missing
        or unknown scale, a bad unit or delimiter.
    """
    if sep is not None and (not isinstance(sep, str) or len(sep) != 1 or sep in "\r\n\"'"):
        raise InputError(f"The 'sep' parameter must be one delimiter character. Got {shown(sep)} instead.",
                         hint=f"Pass {option('sep', repr(';'), cli=repr(';'))} or tab.")
    if source in _GENERIC:
        options = {k: v for k, v in options.items() if v is not None}
        options.setdefault("dataset", source if source != "generic" else "csv")
        _check_generic(**options)
        return
    if source not in _READERS and source != "baci_totals":
        _resolve_source(source, Path("."))
    kind = source
    allowed = _ALLOWED.get(kind, set())
    if kind == "baci":
        allowed = allowed | _ALLOWED["baci_totals"]
    unknown = sorted(set(options) - allowed - {"mapping"})
    if options.get("mapping"):
        raise InputError(
            f"A column mapping is for generic files; the {source!r} layout has fixed columns.",
            hint="Drop " + option("mapping", "{...}", cli="...") + ", or read the file as source 'csv', "
            "'parquet' or 'stata' with a mapping.",
        )
    if unknown:
        fixed = {"unit", "scale", "dataset"} & set(unknown)
        raise InputError(
            f"Unknown option(s) {', '.join(option(u, '...', cli='...') for u in unknown)} for the {source!r} "
            f"layout; it accepts {', '.join(option(a, '...', cli='...') for a in sorted(allowed)) or 'none'}.",
            hint=(f"The {source!r} layout records its values in its own published unit; unit, scale and "
                  "dataset are for generic files (source 'csv', 'parquet' or 'stata')." if fixed else
                  "Remove the option."),
        )


def iter_chunks(
    source: str,
    path: str | Path,
    chunksize: int = DEFAULT_CHUNKSIZE,
    *,
    sep: str | None = None,
    **options: Any,
) -> Iterator[pd.DataFrame]:
    """Stream a file as canonical frames of at most ``chunksize`` rows.

    Parameters
    ----------
    source : str
        The file's layout, one of :data:`SOURCES` (see the module docstring).
    path : str or Path
    chunksize : int
        Rows read per chunk (memory is bounded by a few chunks, except for
        reporter-based sources, which are reconciled in memory in compact form).
    sep : str, optional
        Override the layout's delimiter.
    **options
        Layout options: ``mapping``, ``unit``, ``scale``, ``dataset`` (the id written
        to the ``source`` column), ``basis``, ``country_source`` (generic); ``cif_fob`` (dots, imf, comtrade);
        ``scale`` (imf); ``country_codes`` (baci); ``flow`` (gravity, default
        ``"tradeflow_baci"``); ``year`` (unctad); ``geo`` (geodist).

    Yields
    ------
    pandas.DataFrame
        Flow chunks with :data:`~tradegap.data.schema.FLOW_COLUMNS`; for ``wdi``
        country-year chunks (``iso3, year, gdp, ...``); for ``geodist`` pair chunks
        (:data:`~tradegap.data.schema.PAIR_COLUMNS`).

    Raises
    ------
    DataFormatError, UnknownCountryError, InputError
        With file, line, column, value and a hint (see the module docstring).
    """
    if not isinstance(chunksize, int) or chunksize < 1:
        raise InputError(f"The 'chunksize' parameter must be a positive int. Got {chunksize!r} "
                         "instead.")
    p = Path(path)
    kind = _resolve_source(source, p)
    validate_options(source, sep=sep, **options)
    if kind == "generic":
        options.setdefault("dataset", source if source != "generic" else "csv")
        return _flow_policies(_iter_generic(p, chunksize, sep, **options), p)
    options.pop("mapping", None)
    return _flow_policies(_READERS[kind](p, chunksize, sep, **options), p)


def _self_flow_note(path: Path, n: int, first_line: int | None, example: str) -> str:
    at = f" (first at line {first_line:,}: {example})" if first_line is not None else f" ({example})"
    return (f"{path.name}: dropped {n:,} self-flow row(s) where exporter = importer{at}; tradegap "
            "stores trade between countries only")


def _flow_policies(chunks: Iterator[pd.DataFrame], path: Path) -> Iterator[pd.DataFrame]:
    """The policies every flow layout shares, each announced by a warning (an ingest note).

    * Self-flows (exporter = importer after harmonisation, e.g. two codes of one
      country, or a domestic-trade row) are dropped.
    * Rows naming a historical entity after its last year
      (:data:`tradegap.countries.LAST_YEAR`, e.g. the Soviet Union in 2019) are kept as
      the source reports them — residual partner lines — and flagged.
    """
    n_self, self_line, self_ex = 0, None, ""
    late: dict[str, tuple[int, int, int | None]] = {}  # code → (rows, latest year, first line)
    for ch in chunks:
        if not set(FLOW_COLUMNS) <= set(ch.columns) or not len(ch):
            yield ch
            continue
        lines = getattr(ch.attrs.get("lines"), "lines", None)
        ex = ch["exporter"].to_numpy()
        im = ch["importer"].to_numpy()
        same = ex == im
        if same.any():
            i = int(np.flatnonzero(same)[0])
            if n_self == 0:
                self_line = int(lines[i]) if lines is not None else None
                self_ex = f"{ex[i]}→{im[i]} {int(ch['year'].iloc[i])}"
            n_self += int(same.sum())
            keep = ~same
            attrs = dict(ch.attrs)
            ch = ch.loc[keep].reset_index(drop=True)
            ch.attrs = attrs
            if lines is not None:
                ch.attrs["lines"] = FileLines(lines[keep])
                lines = lines[keep]
            ex, im = ex[keep], im[keep]
        year = ch["year"].to_numpy()
        for code, last in countries.LAST_YEAR.items():
            m = ((ex == code) | (im == code)) & (year > last)
            if m.any():
                rows, ymax, first = late.get(code, (0, 0, None))
                i = int(np.flatnonzero(m)[0])
                late[code] = (rows + int(m.sum()), max(ymax, int(year[m].max())),
                              first if first is not None else (int(lines[i]) if lines is not None else None))
        yield ch
    if n_self:
        warnings.warn(_self_flow_note(path, n_self, self_line, self_ex), DroppedObservationsWarning, stacklevel=3)
    for code, (rows, ymax, first) in late.items():
        name = countries.HISTORICAL[code][0]
        at = f", first at line {first:,}" if first is not None else ""
        warnings.warn(
            f"{path.name}: {rows:,} row(s) name {code} ({name}, which ended in {countries.LAST_YEAR[code]}) "
            f"in later years (up to {ymax}{at}); kept as reported (a residual partner line of the "
            "source), never merged into successor states",
            AssumptionWarning, stacklevel=3,
        )


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)] or parts[:1]
    if not parts:
        return pd.DataFrame(columns=list(FLOW_COLUMNS))
    return pd.concat(parts, ignore_index=True)


def read(source: str, path: str | Path, **options: Any) -> pd.DataFrame:
    """Read a whole file into its canonical table (see :func:`iter_chunks` for options).

    Examples
    --------
    >>> flows = read("baci_totals", "baci_totals_2000_2020.csv.gz")  # doctest: +SKIP
    >>> flows.columns.tolist()  # doctest: +SKIP
    ['exporter', 'importer', 'year', 'product', 'value', 'unit', 'scale', 'source', 'basis']
    """
    return _concat(list(iter_chunks(source, path, **options)))
