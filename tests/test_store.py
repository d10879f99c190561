"""The DuckDB store: atomic, idempotent ingest; queries; fallback to the embedded data.

Store mechanics are tested with a minimal canonical-CSV reader patched in for the
data layer's readers (so a failure here is the store's, not a reader's); the real
readers are exercised end to end in tests/test_cli_data.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

import tradegap.store as store_mod
from tradegap.data.schema import FLOW_COLUMNS
from tradegap.errors import CoverageError, DataFormatError, InputError, StoreError
from tradegap.store import IngestProgress, Store, default_path, parse_years

ROOT = Path(__file__).resolve().parents[1]

READER_SRC = '''
import pandas as pd

def canonical_csv_reader(source, path, *, chunksize, mapping=None, options=None):
    """Canonical-layout CSV (exporter, importer, year, value[, product]) → canonical chunks."""
    for chunk in pd.read_csv(path, chunksize=chunksize, dtype={"product": str},
                             keep_default_na=False, na_values=[""]):
        chunk["unit"] = "USD"
        chunk["scale"] = "thousands"
        chunk["source"] = source
        chunk["basis"] = "reconciled"
        if "product" not in chunk:
            chunk["product"] = ""
        yield chunk
'''
_ns: dict = {}
exec(READER_SRC, _ns)  # noqa: S102 - the same reader is used in the kill subprocess
canonical_csv_reader = _ns["canonical_csv_reader"]


@pytest.fixture
def reader(monkeypatch):
    monkeypatch.setattr(store_mod, "_read_chunks", canonical_csv_reader)


def write_flows(path: Path, rows: list[tuple], product: bool = False) -> Path:
    cols = ["exporter", "importer", "year", "value"] + (["product"] if product else [])
    pd.DataFrame(rows, columns=cols).to_csv(path, index=False)
    return path


def snapshot(db: Path) -> tuple:
    """Everything a user could see in the store, to compare before/after a failed ingest."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        flows = con.execute(
            "SELECT exporter, importer, year, product, value, source, ingest_id FROM flows ORDER BY ALL"
        ).fetchall()
        ingests = con.execute("SELECT id, source, file_name, sha256, rows FROM ingests ORDER BY id").fetchall()
    finally:
        con.close()
    return flows, ingests


SMALL = [("RUS", "IRN", 2019, 1517062.0), ("IRN", "RUS", 2019, 500.0), ("USA", "CHN", 2019, 3.0)]


def test_default_path_env(monkeypatch, tmp_path):
    monkeypatch.setenv("TRADEGAP_DB", str(tmp_path / "x.duckdb"))
    assert default_path() == tmp_path / "x.duckdb"
    monkeypatch.delenv("TRADEGAP_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_path() == tmp_path / "xdg" / "tradegap" / "tradegap.duckdb"


def test_parse_years():
    assert parse_years(None) is None
    assert parse_years(2019) == (2019,)
    assert parse_years("2000-2002") == (2000, 2001, 2002)
    assert parse_years("2019,2000") == (2000, 2019)
    assert parse_years(range(2000, 2002)) == (2000, 2001)
    for bad in ("20x9", "2020-2000", True, "", [None]):
        with pytest.raises(InputError):
            parse_years(bad)


def test_ingest_then_query(reader, tmp_db, tmp_path):
    f = write_flows(tmp_path / "a.csv", SMALL)
    with Store(tmp_db) as s:
        rep = s.ingest("mysrc", [f])
        assert rep.rows_added == 3 and rep.files[0].status == "loaded"
        df = s.flows("mysrc", exporters=["RUS"], importers="IRN", years=2019)
        assert list(df.columns) == list(FLOW_COLUMNS)
        assert df["value"].tolist() == [1517062.0]
        assert s.flows("mysrc", years=2018).empty
        ds = s.datasets()
        row = ds.loc[(ds["dataset"] == "mysrc") & (ds["origin"] == "store")].iloc[0]
        assert (row["rows"], row["countries"], row["years"], row["scale"]) == (3, 4, "2019", "thousands")
        log = s.ingests()
        assert log["file_name"].tolist() == ["a.csv"] and log["rows"].tolist() == [3]
        assert rep.to_dict()["files"][0]["sha256"] == log["sha256"].iloc[0]


def test_same_file_twice_one_copy(reader, tmp_db, tmp_path):
    f = write_flows(tmp_path / "a.csv", SMALL)
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(f.read_bytes())
    with Store(tmp_db) as s:
        s.ingest("mysrc", [f])
        again = s.ingest("mysrc", [f])
        assert again.rows_added == 0 and again.files[0].status == "skipped"
        assert "already ingested as a.csv" in again.files[0].note
        # same bytes under another name, and twice within one call: still one copy
        both = s.ingest("mysrc", [copy, copy])
        assert [x.status for x in both.files] == ["skipped", "skipped"]
        assert len(s.flows("mysrc")) == 3
        assert len(s.ingests()) == 1


def test_same_file_twice_in_one_call(reader, tmp_db, tmp_path):
    f = write_flows(tmp_path / "a.csv", SMALL)
    with Store(tmp_db) as s:
        rep = s.ingest("mysrc", [f, f])
        assert [x.status for x in rep.files] == ["loaded", "skipped"]
        assert len(s.flows("mysrc")) == 3


@pytest.mark.parametrize(
    ("bad_row", "column", "words"),
    [
        (("RUS", "IRN", 2018, -5.0), "value", "negative"),
        (("RUS", "IRN", 2018, float("nan")), "value", "missing or not a number"),
        (("RUS", "Ir", 2018, 1.0), "importer", "not an ISO3 code"),
    ],
)
def test_failing_ingest_leaves_store_unchanged(reader, tmp_db, tmp_path, bad_row, column, words):
    good = write_flows(tmp_path / "good.csv", SMALL)
    with Store(tmp_db) as s:
        s.ingest("mysrc", [good])
    before = snapshot(tmp_db)
    rows = [("FRA", "DEU", 2018, float(i)) for i in range(50)] + [bad_row] + [("DEU", "FRA", 2018, float(i)) for i in range(50)]
    # distinct keys apart from the bad row
    rows = [(e, i, 1900 + k, v) for k, (e, i, _y, v) in enumerate(rows)]
    bad = write_flows(tmp_path / "bad.csv", rows)
    other = write_flows(tmp_path / "other.csv", [("CHN", "USA", 2019, 7.0)])
    with Store(tmp_db) as s:
        # small chunks: the bad row arrives after earlier chunks were staged
        with pytest.raises(DataFormatError) as info:
            s.ingest("mysrc", [other, bad], chunksize=10)
        msg = str(info.value)
        assert "bad.csv" in msg and f"'{column}'" in msg and words in msg and "record 51" in msg
        assert "Hint:" in msg and "unchanged" in msg
    assert snapshot(tmp_db) == before


def test_duplicate_rows_rejected(reader, tmp_db, tmp_path):
    f = write_flows(tmp_path / "dup.csv", [*SMALL, ("FRA", "DEU", 2019, 1.0), ("RUS", "IRN", 2019, 2.0)])
    with Store(tmp_db) as s, pytest.raises(DataFormatError, match=r"Duplicate rows.*RUS→IRN 2019.*dup.csv record 1, dup.csv record 5"):
        s.ingest("mysrc", [f])
    assert not tmp_db.exists() or snapshot(tmp_db) == ([], [])


def test_empty_file(reader, tmp_db, tmp_path):
    f = tmp_path / "empty.csv"
    f.write_text("exporter,importer,year,value\n")
    with Store(tmp_db) as s, pytest.raises(DataFormatError, match="empty.csv: the file has no data rows"):
        s.ingest("mysrc", [f])


def test_missing_file(tmp_db, tmp_path):
    with Store(tmp_db) as s, pytest.raises(InputError, match="File not found"):
        s.ingest("mysrc", [tmp_path / "nope.csv"])


def test_new_version_needs_replace(reader, tmp_db, tmp_path):
    v1 = write_flows(tmp_path / "v1.csv", SMALL)
    v2 = write_flows(tmp_path / "v2.csv", [("RUS", "IRN", 2019, 1600000.0), ("RUS", "IRN", 2020, 9.0)])
    with Store(tmp_db) as s:
        s.ingest("mysrc", [v1])
    before = snapshot(tmp_db)
    with Store(tmp_db) as s:
        with pytest.raises(StoreError, match=r"already stored.*RUS→IRN 2019.*v1.csv") as info:
            s.ingest("mysrc", [v2])
        assert "replace=True" in str(info.value)
    assert snapshot(tmp_db) == before
    with Store(tmp_db) as s:
        rep = s.ingest("mysrc", [v2], replace=True)
        assert (rep.rows_added, rep.rows_replaced) == (2, 1)
        df = s.flows("mysrc", exporters="RUS", importers="IRN")
        assert df[["year", "value"]].values.tolist() == [[2019, 1600000.0], [2020, 9.0]]
        assert len(s.flows("mysrc")) == 4
        # another source with the same keys is not a conflict
        s.ingest("other", [v1])
        assert len(s.flows("other")) == 3


def test_progress_streams_chunks(reader, tmp_db, tmp_path):
    n = 25_000
    rng = np.random.default_rng(0)
    codes = [f"C{a}{b}" for a in "ABCDEFGHIJ" for b in "ABCDEFGHIJ"]
    rows = [(codes[k % 100], codes[(k // 100) % 100], 1990 + k // 10_000, float(rng.random())) for k in range(n)]
    f = write_flows(tmp_path / "big.csv", rows)
    events: list[IngestProgress] = []
    with Store(tmp_db) as s:
        rep = s.ingest("mysrc", [f], chunksize=4_000, progress=events.append)
        assert rep.rows_added == n
    reads = [e.rows for e in events if e.stage == "read"]
    assert reads == [min(4_000 * k, n) for k in range(1, 8)]  # streamed in bounded chunks
    assert events[-1].stage == "commit"


def test_read_only_store_refuses_ingest(reader, tmp_db, tmp_path):
    f = write_flows(tmp_path / "a.csv", SMALL)
    with Store(tmp_db) as s:
        s.ingest("mysrc", [f])
    with Store(tmp_db, read_only=True) as s:
        assert len(s.flows("mysrc")) == 3
        with pytest.raises(StoreError, match="read-only"):
            s.ingest("mysrc", [f])


def test_passed_connection_and_sql_errors_wrapped(reader, tmp_path):
    con = duckdb.connect(":memory:")
    s = Store(connection=con)
    s.ingest("mysrc", [write_flows(tmp_path / "a.csv", SMALL)])
    assert con.execute("SELECT count(*) FROM flows").fetchone()[0] == 3
    with pytest.raises(StoreError, match=r"(?s)table nosuch.*SQL: SELECT \* FROM nosuch") as info:
        s._sql("SELECT * FROM nosuch", table="nosuch")
    assert isinstance(info.value.__cause__, duckdb.Error)
    s.close()  # does not close a connection it was given
    assert con.execute("SELECT 1").fetchone() == (1,)


def test_values_are_bound_not_interpolated(reader, tmp_db, tmp_path):
    with Store(tmp_db) as s:
        s.ingest("mysrc", [write_flows(tmp_path / "a.csv", SMALL)])
        evil = "x' OR '1'='1"
        with pytest.raises(CoverageError):
            s.flows(evil)
        assert s.flows("mysrc", exporters=[evil]).empty


def test_no_store_file_is_created_by_queries(tmp_path):
    db = tmp_path / "never.duckdb"
    s = Store(db)
    assert s.stored_sources() == []
    assert s.ingests().empty
    with pytest.raises(CoverageError, match="neither in the store"):
        s.flows("no_such_source")
    assert not db.exists()


KILL_CHILD = textwrap.dedent(
    """
    import os, signal, sys
    import tradegap.store as store_mod
    {reader}
    store_mod._read_chunks = canonical_csv_reader
    where = sys.argv[3]
    if where == "commit":
        def die():
            os.kill(os.getpid(), signal.SIGKILL)
        store_mod.Store._commit = lambda self: die()
    def progress(ev):
        if where == "read" and ev.stage == "read" and ev.rows >= 20_000:
            os.kill(os.getpid(), signal.SIGKILL)
    s = store_mod.Store(sys.argv[1])
    s.ingest("mysrc", [sys.argv[2]], chunksize=5_000, progress=progress)
    print("survived")
    """
)


@pytest.mark.parametrize("where", ["read", "commit"])
def test_kill_mid_ingest_leaves_store_unchanged(reader, tmp_db, tmp_path, where):
    with Store(tmp_db) as s:
        s.ingest("mysrc", [write_flows(tmp_path / "a.csv", SMALL)])
    before = snapshot(tmp_db)
    rows = [("FRA", "DEU", 1000 + k // 10, float(k)) for k in range(40_000)]
    rows = [(e, i, y, v) for (e, i, y, v) in rows]
    big = pd.DataFrame(rows, columns=["exporter", "importer", "year", "value"])
    big["product"] = [f"{k:06d}" for k in range(len(big))]
    big["year"] = 2000 + (big.index % 20)
    big.to_csv(tmp_path / "big.csv", index=False)
    script = tmp_path / "child.py"
    script.write_text(KILL_CHILD.format(reader=READER_SRC))
    proc = subprocess.run(
        [sys.executable, str(script), str(tmp_db), str(tmp_path / "big.csv"), where],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "survived" not in proc.stdout
    assert snapshot(tmp_db) == before
    # and the store still works afterwards
    with Store(tmp_db) as s:
        rep = s.ingest("mysrc", [tmp_path / "big.csv"])
        assert rep.rows_added == 40_000
    assert len(snapshot(tmp_db)[0]) == 40_003


# ----------------------------------------------------------------------------- with the real readers
WDI = (
    "iso3_code,year,gdp,population\n"
    "IRN,2019,583500000000,82913893\n"
    "RUS,2019,1693114000000,144406261\n"
)
DOTS_LONG = (
    "reporter,partner,flow,indicator,year,value_musd,estimated\n"
    'Russian Federation,"Iran, Islamic Rep. of",export,"Exports, FOB to Partner Countries",2019,1196.91531,False\n'
    'Russian Federation,"Iran, Islamic Rep. of",import,"Imports, CIF from Partner Countries",2019,385.715205,False\n'
    'Russian Federation,"Iran, Islamic Rep. of",import,"Imports, CIF from Partner Countries",2019,385.715205,False\n'
)


def test_covariates_stored_beside_flows(tmp_db, tmp_path):
    f = tmp_path / "wdi.csv"
    f.write_text(WDI)
    with Store(tmp_db) as s:
        embedded_wdi = s.country_year()
        assert len(embedded_wdi) > 1000  # nothing stored yet: the embedded WDI
        rep = s.ingest("wdi", [f])
        assert (rep.rows_added, rep.files[0].kind) == (2, "country_year")
        cy = s.country_year()
        assert cy[["iso3", "year"]].values.tolist() == [["IRN", 2019], ["RUS", 2019]]
        assert cy.set_index("iso3").loc["RUS", "population"] == 144406261
        ds = s.datasets()
        assert ds.loc[(ds["dataset"] == "wdi") & (ds["origin"] == "store"), "kind"].item() == "country_year"
        g = tmp_path / "wdi2.csv"
        g.write_text(WDI.replace("82913893", "83000000"))
        with pytest.raises(StoreError, match="replace=True"):
            s.ingest("wdi", [g])
        s.ingest("wdi", [g], replace=True)
        assert s.country_year().set_index("iso3").loc["IRN", "population"] == 83000000
        assert len(s.country_year()) == 2


def test_reader_warnings_become_notes(tmp_db, tmp_path):
    from tradegap.errors import DroppedObservationsWarning

    f = tmp_path / "dots.csv"
    f.write_text(DOTS_LONG)
    with Store(tmp_db) as s, pytest.warns(DroppedObservationsWarning, match="duplicate"):
        rep = s.ingest("dots", [f])
    assert "duplicate" in rep.files[0].note
    with Store(tmp_db) as s:
        df = s.flows("dots")
    assert df.set_index("exporter").loc["RUS", "basis"] == "exporter_fob"
    assert round(df.set_index("exporter").loc["RUS", "value"], 1) == 1196.9


def test_kill_at_commit_of_baci_ingest(tmp_db, tmp_path):
    """A large official BACI file is staged inside the same transaction: a kill at commit changes nothing."""
    folder = tmp_path / "baci"
    folder.mkdir()
    (folder / "country_codes_V202401.csv").write_text(
        "country_code,country_name,country_iso2,country_iso3\n364,Iran,IR,IRN\n643,Russia,RU,RUS\n"
    )
    small = folder / "BACI_HS17_Y2018_V202401.csv"
    small.write_text("t,i,j,k,v,q\n2018,643,364,100110,1.5,1\n")
    big = folder / "BACI_HS17_Y2019_V202401.csv"
    pd.DataFrame(
        {"t": 2019, "i": 643, "j": 364, "k": [f"{k:06d}" for k in range(10_000, 40_000)], "v": 1.0, "q": "NA"}
    ).to_csv(big, index=False)
    with Store(tmp_db) as s:
        s.ingest("baci", [small])
    before = snapshot(tmp_db)
    script = tmp_path / "child.py"
    script.write_text(
        "import os, signal, sys\n"
        "import tradegap.store as store_mod\n"
        "store_mod.Store._commit = lambda self: os.kill(os.getpid(), signal.SIGKILL)\n"
        "store_mod.Store(sys.argv[1]).ingest('baci', [sys.argv[2]])\n"
        "print('survived')\n"
    )
    proc = subprocess.run(
        [sys.executable, str(script), str(tmp_db), str(big)], capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert snapshot(tmp_db) == before


def test_baci_ingest_frees_each_staged_chunk(tmp_db, tmp_path, monkeypatch):
    """Memory is bounded by a chunk, not the file: no staged chunk is still alive when staging ends.

    (DuckDB keeps a frame registered inside a transaction alive until the commit; the
    store once held every chunk of a 10 M-row file that way, 3.1 GiB.)
    """
    import gc

    folder = tmp_path / "baci"
    folder.mkdir()
    (folder / "country_codes_V202401.csv").write_text(
        "country_code,country_name,country_iso2,country_iso3\n364,Iran,IR,IRN\n643,Russia,RU,RUS\n"
    )
    path = folder / "BACI_HS17_Y2019_V202401.csv"
    pd.DataFrame(
        {"t": 2019, "i": 643, "j": 364, "k": [f"{k:06d}" for k in range(10_000, 40_000)], "v": 1.0, "q": "NA"}
    ).to_csv(path, index=False)
    alive: list[int] = []
    validate = Store._validate_stage

    def counting(self, *args, **kwargs):
        gc.collect()
        alive.append(sum(1 for o in gc.get_objects() if isinstance(o, pd.DataFrame) and "row_no" in o.columns))
        return validate(self, *args, **kwargs)

    monkeypatch.setattr(Store, "_validate_stage", counting)
    with Store(tmp_db) as s:
        rep = s.ingest("baci", [path], chunksize=2_000)
        assert rep.rows_added == 30_000
        assert s.flows("baci")["value"].sum() == pytest.approx(30_000.0)
    assert alive == [0]
