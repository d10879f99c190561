"""Opening user files safely: encoding, compression, size and line-length limits.

Every reader of a user's file goes through here before any parser sees a byte:

* :func:`sniff` reads at most :data:`SNIFF_BYTES` of the (decompressed) start of
  a file and says how it is encoded (UTF-8, UTF-8 with BOM, UTF-16/32, or a
  single-byte Windows/Latin-1 encoding), or refuses it as binary, empty or with a
  first line longer than :data:`MAX_LINE_BYTES` — so a 2 GB file without a
  newline is refused after reading 1 MiB, not after filling memory;
* :func:`open_binary` opens the file (plain, gzip or zip) wrapped so that any
  later line longer than :data:`MAX_LINE_BYTES` stops the parser with the line
  number, and a read error of the disk is not mistaken for a malformed line;
* :func:`shown` cuts a value for an error message (a 5 MB cell is not echoed).

Errors are :class:`~tradegap.errors.DataFormatError` naming the file, the line
(1-based, the header is line 1) and the encoding the file was read as.
"""

from __future__ import annotations

import codecs
import errno
import gzip
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from tradegap.errors import DataFormatError, InputError

__all__ = [
    "MAX_LINE_BYTES",
    "SNIFF_BYTES",
    "FileSniff",
    "check_readable",
    "open_binary",
    "shown",
    "sniff",
]

#: The longest line a reader accepts (1 MiB); real trade files have lines under 1 KiB.
MAX_LINE_BYTES: Final[int] = 1 << 20
#: Bytes read to decide a file's encoding and check its header line.
SNIFF_BYTES: Final[int] = MAX_LINE_BYTES + 1
#: Characters of a value shown in an error message.
SHOWN_CHARS: Final[int] = 60


def shown(value: Any, limit: int = SHOWN_CHARS) -> str:
    """``repr`` of a value for a message, cut to ``limit`` characters (numpy scalars as Python ones)."""
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        value = item()
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}…' ({len(str(value)):,} characters)"


def check_readable(path: Path) -> None:
    """Refuse what is not a readable regular file, naming why."""
    if not path.exists():
        raise DataFormatError(f"{path}: no such file.", hint="Check the path.")
    if path.is_dir():
        raise DataFormatError(f"{path}: is a folder, not a file.", hint="Give the file's path.")
    if not path.is_file():
        raise DataFormatError(f"{path}: is not a regular file (a device or a pipe?).",
                              hint="Save the data to a file first.")
    try:
        with open(path, "rb"):
            pass
    except PermissionError as exc:
        raise DataFormatError(f"{path}: permission denied.", hint="Check the file's permissions.") from exc
    except OSError as exc:
        raise DataFormatError(f"{path}: cannot be opened ({exc.strerror or exc}).", hint="Check the file.") from exc
    if path.stat().st_size == 0:
        raise DataFormatError(
            f"{path}: the file is empty (0 bytes).",
            hint="Download the file again; an interrupted download leaves an empty file.",
        )


class _LineLimited(io.RawIOBase):
    """A binary stream that fails once a line exceeds ``limit`` bytes, and names disk errors."""

    def __init__(self, raw: IO[bytes], path: Path, limit: int) -> None:
        self._raw = raw
        self._path = path
        self._limit = limit
        self._run = 0  # bytes since the last newline
        self._line = 1  # 1-based number of the line being read

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        # At most ``limit`` bytes per read: a line longer than the limit then either spans a
        # whole read without a newline, or two reads (the tail of one, the head of the next).
        want = min(len(b), self._limit)
        try:
            data = self._raw.read(want)
        except (EOFError, zlib_error()) as exc:
            raise DataFormatError(
                f"{self._path}: the compressed file is truncated or damaged after line {self._line:,} ({exc}).",
                hint="Download the file again.",
            ) from exc
        except OSError as exc:
            raise _os_error(self._path, exc, self._line) from exc
        n = len(data)
        b[:n] = data
        first = data.find(b"\n")
        if first < 0:
            self._run += n
        elif self._run + first > self._limit:
            self._too_long()
        else:
            self._line += data.count(b"\n")
            self._run = n - data.rfind(b"\n") - 1
        if self._run > self._limit:
            self._too_long()
        return n

    def _too_long(self) -> None:
        raise DataFormatError(
            f"{self._path}: line {self._line:,} is longer than {self._limit // 1024:,} KiB "
            "(is this a text table with one record per line?).",
            hint="Check the file: a trade table has short lines; a file without line breaks "
            "or a binary file cannot be read.",
        )

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


def _os_error(path: Path, exc: OSError, line: int) -> Exception:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DataFormatError(f"{path}: no space left on the device while reading it.",
                               hint="Free disk space and run again.")
    if isinstance(exc, gzip.BadGzipFile):
        return DataFormatError(f"{path}: not a valid gzip file ({exc}).",
                               hint="Download the file again, or remove the .gz ending if it is plain text.")
    return DataFormatError(
        f"{path}: the disk reported an error reading near line {line:,} ({exc.strerror or exc}).",
        hint="This is a problem of the disk or file system, not of the file's content; copy the file "
        "elsewhere and run again.",
    )


def _open_raw(path: Path) -> IO[bytes]:
    name = path.name.lower()
    try:
        if name.endswith(".gz"):
            return gzip.open(path, "rb")  # type: ignore[return-value]
        if name.endswith(".zip"):
            zf = zipfile.ZipFile(path)
            members = [m for m in zf.namelist() if not m.endswith("/")]
            if len(members) != 1:
                raise DataFormatError(
                    f"{path}: a zip archive must hold exactly one file; it holds {len(members)}.",
                    hint="Unzip it and give the file itself.",
                )
            return zf.open(members[0])
        return open(path, "rb")  # noqa: SIM115 - closed by the caller
    except zipfile.BadZipFile as exc:
        raise DataFormatError(f"{path}: not a valid zip archive ({exc}).", hint="Download the file again.") from exc
    except OSError as exc:
        raise _os_error(path, exc, 1) from exc


def open_binary(path: Path, limit: int = MAX_LINE_BYTES) -> io.BufferedReader:
    """The decompressed bytes of ``path``, failing on a line longer than ``limit`` bytes."""
    return io.BufferedReader(_LineLimited(_open_raw(path), path, limit), buffer_size=1 << 16)


@dataclass(frozen=True, slots=True)
class FileSniff:
    """What the start of a text file says.

    Attributes
    ----------
    encoding : str
        Python codec name to decode it with (``"utf-8"``, ``"utf-8-sig"``, ``"utf-16"``,
        ``"cp1252"``, ...).
    label : str
        The encoding in words, for messages (``"UTF-16 (with BOM)"``).
    header : str
        The first non-empty line, decoded, without BOM and line ending.
    """

    encoding: str
    label: str
    header: str


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 (with BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


def _detect(sample: bytes, path: Path) -> tuple[str, str]:
    for bom, enc, label in _BOMS:
        if sample.startswith(bom):
            return enc, label
    head = sample[:4096]
    if head and head.count(0):
        # UTF-16 without BOM: text whose every other byte is NUL from the first byte on
        start = head[:256]
        odd_nul = start[1::2].count(0) / max(len(start[1::2]), 1)
        even_nul = start[0::2].count(0) / max(len(start[0::2]), 1)
        if odd_nul > 0.9 and even_nul < 0.1:
            return "utf-16-le", "UTF-16 little-endian (no BOM)"
        if even_nul > 0.9 and odd_nul < 0.1:
            return "utf-16-be", "UTF-16 big-endian (no BOM)"
        at = head.find(0)
        line = head[:at].count(10) + 1  # 10 = newline
        raise DataFormatError(
            f"{path}: is a binary file, not a text table (a NUL byte at byte {at:,}"
            + (f", line {line:,}" if at else "") + ").",
            hint="Give a CSV/TSV text file (optionally .gz), a Parquet (.parquet) or a Stata (.dta) file; "
            "the file name's ending tells tradegap which.",
        )
    try:
        sample.decode("utf-8")
        return "utf-8", "UTF-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:  # a multi-byte character cut by the sample's end
            return "utf-8", "UTF-8"
    try:
        sample.decode("cp1252")
        return "cp1252", "Windows-1252 (Latin-1)"
    except UnicodeDecodeError:
        return "latin-1", "Latin-1"


def sniff(path: Path) -> FileSniff:
    """Check a text file's start: encoding, not binary, a header line of sane length."""
    check_readable(path)
    with open_binary(path, limit=1 << 62) as fh:
        sample = fh.read(SNIFF_BYTES)
    if not sample:
        raise DataFormatError(
            f"{path}: the file is empty (no bytes after decompression).",
            hint="Download the file again; an interrupted download leaves an empty file.",
        )
    enc, label = _detect(sample, path)
    text = sample.decode(enc, errors="replace")
    lines = text.lstrip("\ufeff").splitlines()
    header = next((ln for ln in lines if ln.strip()), None)
    if header is None:
        raise DataFormatError(
            f"{path}: the file is empty (no header line).",
            hint="Download the file again; an interrupted download leaves an empty file.",
        )
    first_break = min((i for i in (sample.find(b"\n"), sample.find(b"\r")) if i >= 0), default=-1)
    if first_break < 0 and len(sample) >= SNIFF_BYTES:
        raise DataFormatError(
            f"{path}: line 1 is longer than {MAX_LINE_BYTES // 1024:,} KiB (no line break in the first "
            f"{MAX_LINE_BYTES // 1024:,} KiB).",
            hint="A trade table has one short record per line; check that this is the right file.",
        )
    return FileSniff(enc, label, header.rstrip("\r\n"))


def require_size(path: Path, limit: int, what: str, hint: str) -> None:
    """Refuse a file larger than ``limit`` bytes before reading it."""
    size = path.stat().st_size
    if size > limit:
        raise InputError(
            f"{path}: {size / 2**30:,.1f} GiB is more than the {limit / 2**30:,.1f} GiB {what} reads.",
            hint=hint,
        )


#: Largest scenario/config file read (a scenario is a page of TOML).
MAX_TOML_BYTES: Final[int] = 1 << 20


def read_toml(path: Path, what: str = "scenario file") -> dict[str, Any]:
    """Read a small UTF-8 TOML file, refusing folders, binary or non-UTF-8 files and absurd nesting.

    Raises
    ------
    InputError
        Naming the file, the problem and (for syntax errors) the line and column.
    """
    import tomllib

    path = Path(path)
    if not path.exists():
        raise InputError(f"The {what} {path} does not exist.", hint="Check the path.")
    if path.is_dir():
        raise InputError(f"The {what} {path} is a folder, not a file.", hint="Give the .toml file's path.")
    size = path.stat().st_size
    if size > MAX_TOML_BYTES:
        raise InputError(f"The {what} {path} is {size / 2**20:,.1f} MiB; a {what} is a short TOML text "
                         f"(at most {MAX_TOML_BYTES // 1024:,} KiB).", hint="Check that this is the right file.")
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(f"The {what} {path} is empty.", hint="See examples/*.toml for the layout.")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in raw[:4096]:
        label = "UTF-16" if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "binary"
        raise InputError(f"The {what} {path} is {'a binary file' if label == 'binary' else 'UTF-16 text'}, "
                         "not UTF-8 TOML.", hint="Save it as UTF-8 text (TOML files are UTF-8).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        guess = "Windows-1252/Latin-1" if _latin1(raw) else "an unknown encoding"
        raise InputError(
            f"The {what} {path} is not UTF-8 (byte {raw[exc.start]:#04x} on line {line}; it looks like {guess}).",
            hint="TOML files are UTF-8: re-save the file as UTF-8.",
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"The {what} {path} is not valid TOML: {exc}.",
                         hint="See examples/*.toml for the layout; strings need double quotes.") from None
    except RecursionError:
        raise InputError(f"The {what} {path} nests arrays or tables too deeply to be a scenario.",
                         hint="See examples/*.toml for the layout.") from None


def _latin1(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False
