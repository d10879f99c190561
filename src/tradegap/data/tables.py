"""Whole data files as frames: CSV/TSV (optionally gzip), Parquet or Stata, checked before reading.

Used where a whole table is needed at once (``tradegap estimate FILE``, scenario
data).  The file is checked first (:mod:`tradegap.data.textfile`: exists, not
empty, not binary where text is expected, encoding, no line longer than 1 MiB),
so a damaged or mislabelled file gives one clear
:class:`~tradegap.errors.DataFormatError` — never ``struct.error`` or a hang.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd

from tradegap.data.textfile import check_readable, open_binary, shown, sniff
from tradegap.errors import DataFormatError

__all__ = ["FORMATS", "read_frame"]

#: File name endings → format.
FORMATS: Final[dict[str, str]] = {
    ".csv": "csv", ".txt": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".parquet": "parquet", ".pq": "parquet", ".dta": "stata",
}
_COMPRESSED = (".gz", ".zip")


def _kind(path: Path) -> tuple[str, str | None]:
    suffixes = [s.lower() for s in path.suffixes]
    comp = suffixes[-1] if suffixes and suffixes[-1] in _COMPRESSED else None
    ext = suffixes[-2] if comp and len(suffixes) >= 2 else (suffixes[-1] if suffixes else "")
    kind = FORMATS.get(ext)
    if kind is None or (comp and kind in ("parquet", "stata")):
        raise DataFormatError(
            f"Cannot tell the format of {path} from its name ending {''.join(path.suffixes[-2:]) or '(none)'!r}.",
            hint="Use a .csv, .csv.gz, .tsv, .parquet or .dta file.",
        )
    return kind, comp


def _stata_signature(path: Path) -> None:
    """Refuse a file that does not start like a Stata .dta (a renamed CSV, an HTML error page)."""
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head.startswith(b"<stata_dta>") or (len(head) >= 4 and 104 <= head[0] <= 115 and head[1] in (1, 2)):
        return
    raise DataFormatError(
        f"{path}: is not a Stata .dta file (it starts with {shown(head)}); was another file renamed to .dta?",
        hint="Give the file its real ending (.csv, .parquet), or export it again from Stata.",
    )


def read_frame(path: str | Path) -> pd.DataFrame:
    """Read a whole CSV/TSV (optionally ``.gz``/``.zip``), Parquet or Stata file.

    Parameters
    ----------
    path : str or Path
        The file; its name ending says its format.

    Returns
    -------
    pandas.DataFrame
        The file's columns (CSV: delimiter sniffed, UTF-8 with or without BOM,
        UTF-16 or Windows-1252).

    Raises
    ------
    DataFormatError
        Missing, empty, binary, mislabelled, truncated or unparsable files, naming the
        file, the encoding it was read as and, where known, the line.
    """
    path = Path(path)
    check_readable(path)
    kind, _comp = _kind(path)
    if kind in ("csv", "tsv"):
        info = sniff(path)
        from tradegap.data.readers import sniff_delimiter

        sep = "\t" if kind == "tsv" else sniff_delimiter(info.header)
        try:
            df = pd.read_csv(open_binary(path), sep=sep, encoding=info.encoding, compression=None,
                             low_memory=False)
        except DataFormatError:
            raise
        except pd.errors.ParserError as exc:
            raise DataFormatError(
                f"{path}: malformed {kind.upper()} (read as {info.label}): {str(exc).strip()[:300]}.",
                hint="Each line needs the header's number of fields; fix or remove the line named.",
            ) from exc
        except UnicodeDecodeError as exc:
            raise DataFormatError(f"{path}: a line after the first MiB is not valid {info.label} ({exc.reason}).",
                                  hint="The file mixes encodings; re-save it as UTF-8.") from exc
        except (ValueError, EOFError, OSError) as exc:
            raise DataFormatError(f"{path}: cannot be read as {kind.upper()} (read as {info.label}): "
                                  f"{str(exc)[:300]}.", hint="Check the file's format and compression.") from exc
    elif kind == "parquet":
        try:
            df = pd.read_parquet(path)
        except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for damaged files
            raise DataFormatError(
                f"{path}: not a readable Parquet file ({type(exc).__name__}: {str(exc)[:200]}); is it "
                "truncated or renamed?",
                hint="Write it again with DataFrame.to_parquet, or give the file its real ending.",
            ) from exc
    else:
        _stata_signature(path)
        try:
            df = pd.read_stata(path)
        except Exception as exc:  # noqa: BLE001 - pandas' Stata reader raises struct.error, ValueError, ...
            raise DataFormatError(
                f"{path}: the Stata file is damaged or truncated ({type(exc).__name__}: {str(exc)[:200]}).",
                hint="Export it again from Stata (`saveold` for older versions).",
            ) from exc
    if df.shape[1] < 2 or len(df) == 0:
        raise DataFormatError(
            f"{path}: parsed as {kind} but has {len(df)} row(s) and {df.shape[1]} column(s).",
            hint="The file needs a header row, data rows, an outcome and a regressor or fixed-effect column.",
        )
    df.columns = [str(c).strip() for c in df.columns]
    return df
