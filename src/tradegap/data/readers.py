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
import glob
import gzip
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final, Literal, get_args

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tradegap import countries
from tradegap.data.reconcile import reconcile
from tradegap.data.schema import FLOW_COLUMNS, PAIR_COLUMNS, SCALES
from tradegap.errors import DataFormatError, DroppedObservationsWarning, InputError, UnknownCountryError

__all__ = [
    "SOURCES",
    "ReaderSource",
    "iter_chunks",
    "read",
    "read_generic",
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


# ======================================================================================
# Low-level CSV plumbing: open, sniff, stream, locate errors
# ======================================================================================
def _open_text(path: Path) -> io.TextIOBase:
    """Open a (possibly gzip/zip-compressed) text file for sniffing."""
    name = path.name.lower()
    if name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", errors="replace")
    if name.endswith(".zip"):
        zf = zipfile.ZipFile(path)
        members = [m for m in zf.namelist() if not m.endswith("/")]
        return io.TextIOWrapper(zf.open(members[0]), encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace", newline="")  # noqa: SIM115


def _first_line(path: Path) -> str:
    if not path.exists():
        raise DataFormatError(f"{path}: no such file.", hint="Check the path.")
    if path.stat().st_size == 0:
        raise DataFormatError(
            f"{path}: the file is empty (0 bytes).",
            hint="Download the file again; an interrupted download leaves an empty file.",
        )
    try:
        with _open_text(path) as fh:
            for line in fh:
                if line.strip():
                    return line.lstrip("\ufeff").rstrip("\r\n")
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        raise DataFormatError(
            f"{path}: cannot be read as text ({exc}).",
            hint="Is it compressed in a format other than gzip/zip, or truncated?",
        ) from exc
    raise DataFormatError(
        f"{path}: the file is empty (no header line).",
        hint="Download the file again; an interrupted download leaves an empty file.",
    )


def sniff_delimiter(header: str) -> str:
    """The most frequent of ``,``, ``;``, tab and ``|`` in a header line (``,`` on ties)."""
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda s: (counts[s], s == ","))
    return best if counts[best] > 0 else ","


def _split_header(header: str, sep: str) -> list[str]:
    return [c.strip() for c in next(csv.reader([header], delimiter=sep))]


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
                hint=f"Pass sep={found_sep!r} to the reader (or re-save the file with "
                f"{_sep_name(use)} as delimiter).",
            )
    missing = [c for c in required if c not in cols]
    if missing:
        raise DataFormatError(
            f"{path}: the {layout} layout needs column(s) {missing}, missing from line 1 "
            f"(header). Found: {cols}.",
            hint="Check that the file is in this layout (SOURCE argument), or map its columns "
            "with read_generic(..., mapping={...}) / `--map`.",
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
    header = _split_header(_first_line(path), sep)
    # With a column subset, pandas' C parser ignores surplus fields in a row; read every
    # column of narrow layouts so that a malformed row is reported, subset wide ones.
    narrow = len(header) <= 16
    try:
        reader = pd.read_csv(
            path,
            sep=sep,
            usecols=None if narrow else (lambda c: c.strip().lstrip("\ufeff") in usecols),
            dtype=dtype,
            chunksize=chunksize,
            keep_default_na=False,
            na_values=[""],
            skipinitialspace=True,
            encoding_errors="replace",
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
        raise DataFormatError(
            f"{path}: malformed CSV at {where}: {str(exc).strip()}.",
            hint=f"The {layout} layout has one record per line with the header's columns; fix "
            "or remove that line (an unquoted separator inside a name, a truncated row?).",
        ) from exc
    except (ValueError, UnicodeDecodeError, EOFError, OSError) as exc:
        raise DataFormatError(
            f"{path}: cannot be parsed as a {layout} CSV: {exc}.",
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
    shown = raw.iloc[i]
    shown = shown.item() if isinstance(shown, np.generic) else shown
    more = f" ({len(pos) - 1} more row(s) in this chunk)" if len(pos) > 1 else ""
    raise DataFormatError(
        f"{path}: line {first_line + i}, column {col!r}: value {shown!r} {what}{more}.",
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
            sug = countries._suggest(v) if v else []
            shown = repr(v) if v else "an empty cell"
            listed.append(f"{shown} (line {line}, column {col!r}"
                          + (f"; did you mean {', '.join(sug)}?" if sug else "") + ")")
        raise UnknownCountryError(
            f"{path}: {len(unknown)} unknown country name(s)/code(s): " + "; ".join(listed),
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
        self.lines: list[np.ndarray] = []

    def add(self, keys: pd.DataFrame, lines: np.ndarray, labels=None) -> None:
        h = pd.util.hash_pandas_object(keys, index=False).to_numpy()
        self.hashes.append(h)
        self.lines.append(lines.astype(np.int64))
        dup = pd.Series(h).duplicated(keep=False).to_numpy()
        if dup.any():
            self._raise(keys, h, lines, dup, labels)

    def _raise(self, keys, h, lines, dup, labels=None) -> None:
        first = int(np.flatnonzero(dup)[0])
        same = np.flatnonzero(h == h[first])
        shown = labels(first) if labels is not None else {c: keys.iloc[first][c] for c in keys.columns}
        key = ", ".join(f"{k}={v!r}" for k, v in shown.items())
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
        order = np.argsort(h, kind="stable")
        hs = h[order]
        eq = np.flatnonzero(hs[1:] == hs[:-1])
        if len(eq):
            lines = np.concatenate(self.lines)
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


def _years(chunk, col, *, path, first_line) -> np.ndarray:
    y = _numeric(chunk, col, path=path, first_line=first_line)
    arr = y.to_numpy()
    bad = np.flatnonzero((arr != np.round(arr)) | (arr < 1800) | (arr > 2200))
    if len(bad):
        _value_error(path, first_line, bad, col, chunk[col], "is not a year",
                     "Years are integers such as 2019.")
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
        yield _flows(m["exporter"][keep], m["importer"][keep], year[keep], None, val[keep],
                     unit="USD", scale="thousands", source="baci", basis="reconciled")
    dups.finish()


def _baci_country_codes(path: Path, country_codes: str | Path | None) -> dict[str, str | None]:
    """Numeric BACI code → ISO3, from ``country_codes_V*.csv`` next to the data file."""
    if country_codes is None:
        cands = sorted(glob.glob(str(path.parent / "country_codes_V*.csv")))
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
    cc = pd.read_csv(cc_path, sep=sep, dtype=str, keep_default_na=False, encoding_errors="replace")
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


def _iter_baci(path: Path, chunksize: int, sep: str | None, country_codes=None,
               **_: Any) -> Iterator[pd.DataFrame]:
    req = ["t", "i", "j", "k", "v"]
    sep, _cols = _check_header(path, "CEPII BACI", req, sep)
    codes = _baci_country_codes(path, country_codes)
    dups = _DupTracker(path, ["t", "i", "j", "k"])
    # numbers are parsed by the C parser (fast path); a column that does not parse as
    # numbers comes back as text and is diagnosed row by row in _numeric/_map_countries
    for line, ch in _csv_chunks(path, sep=sep, usecols=req, dtype=None,
                                chunksize=chunksize, layout="CEPII BACI"):
        year = _years(ch, "t", path=path, first_line=line)
        val = _numeric(ch, "v", path=path, first_line=line)
        m, keep = _map_countries(ch, ["i", "j"], path=path, first_line=line, source="baci",
                                 extra=codes)
        if pd.api.types.is_integer_dtype(ch["k"]):  # HS6 codes parsed as numbers: pad to 6
            kkey = ch["k"].to_numpy()
            k = pc.utf8_lpad(pc.cast(pa.array(kkey), pa.string()), 6, "0")
        else:
            k = pc.utf8_trim_whitespace(pa.array(ch["k"].astype(str).to_numpy(), type=pa.string()))
            k = pc.if_else(pc.equal(pc.utf8_length(k), 5),
                           pc.binary_join_element_wise("0", k, ""), k)
            kkey = pd.factorize(pd.Series(pd.array(k, dtype="str")))[0]
        k = pd.Series(pd.array(k, dtype="str"))
        ikey = pd.factorize(m["i"])[0] if not pd.api.types.is_integer_dtype(ch["i"]) else ch["i"]
        jkey = pd.factorize(m["j"])[0] if not pd.api.types.is_integer_dtype(ch["j"]) else ch["j"]
        dups.add(pd.DataFrame({"i": np.asarray(ikey), "j": np.asarray(jkey), "t": year,
                               "k": np.asarray(kkey)}), line + np.arange(len(ch)),
                 labels=lambda r, year=year, m=m, k=k: {"t": year[r], "i": m["i"].iloc[r],
                                                       "j": m["j"].iloc[r], "k": k.iloc[r]})
        if keep.all():
            yield _flows(m["i"], m["j"], year, k, val, unit="USD", scale="thousands",
                         source="baci", basis="reconciled")
        else:
            yield _flows(m["i"][keep], m["j"][keep], year[keep], k[keep], val[keep],
                         unit="USD", scale="thousands", source="baci", basis="reconciled")
    dups.finish()


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
        yield _flows(m["iso3_o"][keep], m["iso3_d"][keep], year[keep], None, val[keep],
                     unit="USD", scale="thousands", source=src, basis=basis)
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
        yield _flows(m["source"][keep], m["target"][keep], yr[keep],
                     prod[keep] if prod is not None else None, val[keep], unit="USD",
                     scale="thousands", source="unctad", basis="reported")
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
                      source: str, cif_fob: float | None) -> Iterator[pd.DataFrame]:
    rep = rep[rep["reporter"] != rep["partner"]]
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
                                 cif_fob=cif_fob)


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
                                 cif_fob=cif_fob)


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
                                 cif_fob=cif_fob)


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
        except (ValueError, OSError) as exc:
            raise DataFormatError(f"{path}: not a readable Stata file ({exc}).",
                                  hint="Save it with Stata 10+ (`saveold` if needed).") from exc
        return
    sep, _ = _check_header(path, "mapped CSV", needed, sep,
                           default_sep="\t" if name.endswith((".tsv", ".tab")) else ",")
    for line, df in _csv_chunks(path, sep=sep, usecols=needed, dtype=dict.fromkeys(needed, str),
                                chunksize=chunksize, layout="mapped CSV"):
        yield line, df


def _iter_generic(path: Path, chunksize: int, sep: str | None, mapping: Mapping[str, str] | None = None,
                  unit: str = "USD", scale: str = "units", dataset: str = "csv",
                  basis: str = "reported", country_source: countries.Source = "",
                  **unknown: Any) -> Iterator[pd.DataFrame]:
    if unknown:
        raise InputError(
            f"Unknown option(s) {sorted(unknown)} for a generic file; it accepts mapping, unit, "
            "scale, dataset, basis, country_source, sep.")
    source = dataset
    if not mapping:
        raise InputError(
            f"{path}: a generic file needs a column mapping.",
            hint="Pass mapping={'exporter': ..., 'importer': ..., 'year': ..., 'value': ...} "
            "(CLI: --map exporter=COL,importer=COL,year=COL,value=COL).",
        )
    bad = [k for k in mapping if k not in _MAPPING_KEYS]
    miss = [k for k in ("exporter", "importer", "year", "value") if k not in mapping]
    if bad or miss:
        raise InputError(
            f"The 'mapping' parameter must map {list(_MAPPING_KEYS[:4])} (and optionally "
            f"'product') to file columns. Got {dict(mapping)!r}: "
            + (f"unknown key(s) {bad}; " if bad else "") + (f"missing {miss}." if miss else ""),
            hint="Example: mapping={'exporter': 'iso_o', 'importer': 'iso_d', 'year': 'year', "
            "'value': 'trade'}.",
        )
    if scale not in SCALES:
        raise InputError(f"The 'scale' parameter must be one of {list(SCALES)}. Got {scale!r} "
                         "instead.")
    from tradegap.data.schema import BASES

    if basis not in BASES:
        raise InputError(f"The 'basis' parameter must be one of {list(BASES)}. Got {basis!r} "
                         "instead.")
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
        yield _flows(m[e][keep], m[i][keep], year[keep], prod[keep] if p else None, val[keep],
                     unit=unit, scale=scale, source=source, basis=basis)
    dups.finish()


def read_generic(
    path: str | Path,
    mapping: Mapping[str, str],
    *,
    unit: str = "USD",
    scale: str = "units",
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
        Currency and scale of the value column (scale in ``"units"``,
        ``"thousands"``, ``"millions"``).
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
    if kind == "generic":
        options.setdefault("dataset", source if source != "generic" else "csv")
        return _iter_generic(p, chunksize, sep, **options)
    allowed = {
        "dots": {"cif_fob"}, "imf": {"cif_fob", "scale"}, "comtrade": {"cif_fob"},
        "baci": {"country_codes"}, "baci_totals": set(), "gravity": {"flow"},
        "unctad": {"year"}, "wdi": set(), "geodist": {"geo"},
    }[kind]
    unknown = sorted(set(options) - allowed - {"mapping"})
    if unknown or (options.get("mapping") and kind != "generic"):
        raise InputError(
            f"Unknown option(s) {unknown or ['mapping']} for the {source!r} reader; it accepts "
            f"{sorted(allowed) or 'none'}.",
            hint="A column mapping is for generic files: use source 'csv', 'parquet' or 'stata'.",
        )
    options.pop("mapping", None)
    return _READERS[kind](p, chunksize, sep, **options)


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
