"""Size and line-length limits are checked before reading: a 2 GB file is refused in under a second.

Each reader (every ingest layout, the generic CSV/Parquet/Stata reader and the
whole-file reader of ``estimate``) meets three files made in ``tmp_path``: a 2 GiB
sparse file of NUL bytes, the layout's header followed by 2 GiB of NULs (sparse,
so nothing is written to disk), and the header followed by one 2 MiB line.  Each
gives a :class:`~tradegap.errors.DataFormatError` naming the problem, in under a
second, without the process growing by more than 100 MiB.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tradegap.data import readers
from tradegap.data.tables import read_frame
from tradegap.errors import DataFormatError, InputError

psutil = pytest.importorskip("psutil")

GIB2 = 2 * 1024**3
HEADERS = {
    "dots": "reporter,partner,flow,year,value_musd",
    "imf": "Country Name,Country Code,Counterpart Country Name,Counterpart Country Code,Indicator Code,2019",
    "comtrade": "refYear,reporterISO,partnerISO,flowCode,cmdCode,primaryValue",
    "baci": "t,i,j,k,v,q",
    "baci_totals": "year,exporter,importer,value",
    "gravity": "year,iso3_o,iso3_d,tradeflow_baci",
    "unctad": "source,target,edgewidth,sitc,year",
    "wdi": "iso3_code,year,gdp,population",
    "geodist": "iso_o;iso_d;contig;comlang_off;comlang_ethno;colony;comcol;smctry;dist;distw",
    "csv": "o,d,yr,v",
}
GENERIC = {"mapping": {"exporter": "o", "importer": "d", "year": "yr", "value": "v"}, "scale": "units"}


def _sparse(path: Path, head: bytes = b"", size: int = GIB2) -> Path:
    with open(path, "wb") as fh:
        fh.write(head)
        fh.truncate(size)
    return path


def _refused(fn, *, match: str) -> float:
    proc = psutil.Process()
    rss0 = proc.memory_info().rss
    t0 = time.perf_counter()
    with pytest.raises((DataFormatError, InputError), match=match):
        fn()
    took = time.perf_counter() - t0
    grown = (proc.memory_info().rss - rss0) / 2**20
    assert grown < 100, f"memory grew by {grown:.0f} MiB"
    return took


def _read(source: str, path: Path):
    opts = GENERIC if source == "csv" else {}
    return lambda: readers.read(source, path, **opts)


@pytest.fixture(scope="module", autouse=True)
def _warm():
    """Import the readers' lazy dependencies once, so timings measure the check itself."""
    import pyarrow.csv  # noqa: F401


@pytest.mark.parametrize("source", sorted(HEADERS))
def test_two_gib_of_nothing_refused_fast(tmp_path, source):
    f = _sparse(tmp_path / "big.csv")
    took = _refused(_read(source, f), match="binary file|longer than")
    assert took < 1.0, f"{took:.2f} s"


@pytest.mark.parametrize("source", sorted(HEADERS))
def test_header_then_two_gib_without_a_newline_refused_fast(tmp_path, source):
    f = _sparse(tmp_path / "big.csv", (HEADERS[source] + "\n").encode())
    took = _refused(_read(source, f), match="binary file|longer than")
    assert took < 1.0, f"{took:.2f} s"


@pytest.mark.parametrize("source", sorted(HEADERS))
def test_one_long_line_after_the_header_names_the_line(tmp_path, source):
    f = tmp_path / "long.csv"
    f.write_bytes((HEADERS[source] + "\n").encode() + b"x" * (2 << 20) + b"\n")
    took = _refused(_read(source, f), match=r"line 2 is longer than 1,024 KiB")
    assert took < 1.0, f"{took:.2f} s"


@pytest.mark.parametrize("name", ["big.parquet", "big.dta"])
def test_binary_layouts_two_gib_refused_fast(tmp_path, name):
    f = _sparse(tmp_path / name)
    source = "parquet" if name.endswith("parquet") else "stata"
    took = _refused(lambda: readers.read(source, f, **GENERIC), match="not a readable")
    assert took < 1.0, f"{took:.2f} s"
    took = _refused(lambda: read_frame(f), match="not a readable Parquet|not a Stata .dta file")
    assert took < 1.0, f"{took:.2f} s"


@pytest.mark.parametrize("name", ["big.csv", "big.tsv"])
def test_estimate_reader_two_gib_refused_fast(tmp_path, name):
    f = _sparse(tmp_path / name, b"y,x,fe\n")
    took = _refused(lambda: read_frame(f), match="binary file|longer than")
    assert took < 1.0, f"{took:.2f} s"
    g = tmp_path / ("long" + name[3:])
    g.write_bytes(b"y,x,fe\n1,2,a\n" + b"9" * (2 << 20) + b"\n")
    took = _refused(lambda: read_frame(g), match=r"line 3 is longer than")
    assert took < 1.0, f"{took:.2f} s"
