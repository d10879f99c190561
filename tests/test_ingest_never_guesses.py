"""Ingest never guesses: each silent-wrong case of issue 13 now fails loudly or stores the right value.

Python API first (``Store.ingest`` / ``readers``), the CLI where the face matters
(options, printed unit, hints naming ``--`` options).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import warnings
from pathlib import Path

import duckdb
import pytest

from tradegap.data import readers
from tradegap.errors import DataFormatError, InputError, StoreError, UnknownCountryError
from tradegap.store import Store

FIX = Path(__file__).parent / "fixtures"
CODES = "country_code,country_name,country_iso2,country_iso3\n251,France,FR,FRA\n364,Iran,IR,IRN\n643,Russia,RU,RUS\n"


def baci(folder: Path, rows: list[str], name: str = "BACI_HS17_Y2019_V202401.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "country_codes_V202401.csv").write_text(CODES)
    p = folder / name
    p.write_text("t,i,j,k,v,q\n" + "\n".join(rows) + "\n")
    return p


# ---------------------------------------------------------------- BACI: one strict reader
@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("2019.5,643,364,100110,1.0,1", r"line 3, column 't': value '2019.5' is not a whole number"),
        ("2019,364.4,643,100110,1.0,1", r"line 3, column 'i': value '364.4' is not a whole number"),
        ("2019,643,364.0,100110,1.0,1", r"line 3, column 'j': value '364.0' is not a whole number"),
        ("2e3,643,364,100110,1.0,1", r"line 3, column 't': value '2e3' is not a whole number"),
        ("2019,643,364,10011X,1.0,1", r"line 3, column 'k': value '10011X' is not an HS17 6-digit product"),
        ("2019,643,364,770110,1.0,1", r"line 3, column 'k': value '770110' is not an HS17"),
        ("2019,643,364,1001100,1.0,1", r"line 3, column 'k'.*is not an HS17"),
        ("2019,643,364,,1.0,1", r"line 3, column 'k'.*missing"),
        ("2019,643,364,100120,abc,1", r"line 3, column 'v': value 'abc' is not a number"),
    ],
)
def test_baci_rejects_what_it_used_to_round(tmp_path, row, words):
    f = baci(tmp_path, ["2019,643,364,100110,1.5,1", row])
    with pytest.raises(DataFormatError, match=words):
        readers.read("baci", f)
    db = tmp_path / "s.duckdb"
    with Store(db) as s, pytest.raises(DataFormatError, match=words):
        s.ingest("baci", [f])
    with Store(db) as s:
        assert "baci" not in s.stored_sources()


def test_baci_year_checked_against_hs_revision_and_file_name(tmp_path):
    f = baci(tmp_path / "a", ["2016,643,364,100110,1.5,1"], name="BACI_HS17_Y2016_V202401.csv")
    with pytest.raises(DataFormatError, match=r"before HS17 existed \(2017\)"):
        readers.read("baci", f)
    g = baci(tmp_path / "b", ["2019,643,364,100110,1.5,1", "2020,643,364,100120,1.5,1"])
    with pytest.raises(DataFormatError, match=r"line 3.*differs from the year in the file name \(2019\)"):
        readers.read("baci", g)


def test_baci_product_list_beside_the_file(tmp_path):
    f = baci(tmp_path, ["2019,643,364,100110,1.5,1", "2019,643,364,100111,1.5,1"])
    (tmp_path / "product_codes_HS17_V202401.csv").write_text('code,description\n100110,"Wheat, durum"\n')
    with pytest.raises(DataFormatError, match=r"line 3, column 'k': value '100111' is not in the HS17 product list"):
        readers.read("baci", f)


def test_baci_values_exact_and_padded(tmp_path):
    f = baci(tmp_path, ["2019,643,364,10110,1.5,1", "2019,364,643,100110,  2.25,NA"])
    df = readers.read("baci", f)
    assert df["product"].tolist() == ["010110", "100110"]
    assert df["value"].tolist() == [1.5, 2.25] and set(df["scale"]) == {"thousands"}


def test_glob_characters_in_a_file_name_are_literal(tmp_path):
    """`[12]*` in a name used to make DuckDB load other files under this file's name and hash."""
    folder = tmp_path / "we[12]ird*"
    mine = baci(folder, ["2019,643,364,100110,1.5,1"], name="BACI_HS17_Y2019_V202401[12]*.csv")
    baci(folder, ["2019,643,364,100120,99.0,1", "2019,643,364,100130,98.0,1"], name="BACI_HS17_Y2019_V2024011x.csv")
    db = tmp_path / "s.duckdb"
    with Store(db) as s:
        rep = s.ingest("baci", [mine])
        df = s.flows("baci")
    assert rep.rows_added == 1 and df["value"].tolist() == [1.5]
    assert rep.files[0].sha256 == hashlib.sha256(mine.read_bytes()).hexdigest()


# ---------------------------------------------------------------- generic files: units
def _generic(tmp_path: Path, text: str, name: str = "flows.csv") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


MAP = {"exporter": "o", "importer": "d", "year": "yr", "value": "v"}


def test_generic_needs_its_scale_and_stores_it(tmp_path):
    f = _generic(tmp_path, "o,d,yr,v\nRUS,IRN,2019,1517062\n")
    with pytest.raises(InputError, match="scale of the value column is not known") as info:
        readers.read("csv", f, mapping=MAP)
    assert "scale='thousands'" in str(info.value)  # Python: a parameter
    with Store(tmp_path / "s.duckdb") as s:
        rep = s.ingest("csv", [f], mapping=MAP, scale="thousands", dataset="mine")
        df = s.flows("mine")
    assert rep.files[0].values_in == "USD thousands"
    assert (df["unit"].item(), df["scale"].item(), df["value"].item()) == ("USD", "thousands", 1517062.0)


def test_generic_eur_millions_and_semicolons(tmp_path):
    f = _generic(tmp_path, "o;d;yr;v\nDEU;RUS;2019;27,5\n".replace("27,5", "27.5"))
    with Store(tmp_path / "s.duckdb") as s:
        s.ingest("csv", [f], mapping=MAP, scale="millions", unit="EUR", sep=";")
        df = s.flows("csv")
    assert (df["unit"].item(), df["scale"].item(), df["value"].item()) == ("EUR", "millions", 27.5)


def test_mapping_one_column_twice_is_refused(tmp_path):
    f = _generic(tmp_path, "origin,yr,v\nRUS,2019,1\n")
    with pytest.raises(InputError, match="every row would be a self-flow"):
        readers.read("csv", f, mapping={"exporter": "origin", "importer": "origin", "year": "yr", "value": "v"},
                     scale="units")


def test_unit_options_refused_for_published_layouts(tmp_path):
    with Store(tmp_path / "s.duckdb") as s, pytest.raises(InputError, match="own published unit"):
        s.ingest("baci_totals", [FIX / "baci_totals.csv"], scale="millions")


# ---------------------------------------------------------------- policies with notes
@pytest.mark.parametrize(
    ("source", "text", "mapping"),
    [
        ("baci_totals", "year,exporter,importer,value\n2019,RUS,IRN,1.0\n2019,RUS,RUS,5.0\n", None),
        ("csv", "o,d,yr,v\nRUS,IRN,2019,1.0\nRUS,Russia,2019,5.0\n", MAP),
        ("dots", "reporter,partner,flow,year,value_musd\nRussia,Iran,export,2019,1.0\nRussia,Russia,export,2019,5.0\n",
         None),
    ],
)
def test_self_flows_dropped_with_a_note_in_every_layout(tmp_path, source, text, mapping):
    f = _generic(tmp_path, text)
    with Store(tmp_path / "s.duckdb") as s, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rep = s.ingest(source, [f], mapping=mapping, scale="units" if mapping else None)
        df = s.flows(source if source != "baci_totals" else "baci")
    assert len(df) == 1 and (df["exporter"] != df["importer"]).all()
    assert "dropped 1 self-flow row(s)" in rep.files[0].note and "RUS→RUS 2019" in rep.files[0].note
    assert any("self-flow" in str(w.message) for w in caught)


def test_historical_entity_after_its_end_is_flagged(tmp_path):
    f = _generic(tmp_path, "year,exporter,importer,value\n2019,USSR,DEU,1.0\n1990,SUN,DEU,2.0\n")
    with Store(tmp_path / "s.duckdb") as s, warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        rep = s.ingest("baci_totals", [f])
    note = rep.files[0].note
    assert "1 row(s) name SUN (Soviet Union, which ended in 1991) in later years (up to 2019, first at line 2)" in note


def test_wdi_year_2150_rejected(tmp_path):
    f = _generic(tmp_path, "iso3_code,year,gdp,population\nIRN,2150,1e12,8e7\n")
    with pytest.raises(DataFormatError, match=r"line 2, column 'year': value '2150' is not a year"):
        readers.read("wdi", f)


# ---------------------------------------------------------------- messages
def test_utf16_and_latin1_files_are_read_not_reported_as_missing_columns(tmp_path):
    text = "year,exporter,importer,value\n2019,Côte d'Ivoire,Russia,1.5\n"
    u16 = tmp_path / "a.csv"
    u16.write_text(text, encoding="utf-16")
    lat = tmp_path / "b.csv"
    lat.write_bytes(text.encode("latin-1"))
    for f in (u16, lat):
        df = readers.read("baci_totals", f)
        assert df[["exporter", "value"]].values.tolist() == [["CIV", 1.5]]
    bad = tmp_path / "c.csv"
    bad.write_text("jahr,von,nach,wert\n2019,RUS,IRN,1\n", encoding="utf-16")
    with pytest.raises(DataFormatError, match=r"read as UTF-16\). Found: \['jahr', 'von', 'nach', 'wert'\]"):
        readers.read("baci_totals", bad)


def test_a_huge_cell_is_not_echoed(tmp_path):
    f = tmp_path / "big.csv"
    f.write_text("year,exporter,importer,value\n2019,RUS,IRN," + "9" * 500_000 + "x\n")
    with pytest.raises(DataFormatError) as info:
        readers.read("baci_totals", f)
    assert len(str(info.value)) < 600 and "500,001 characters" in str(info.value)
    g = tmp_path / "name.csv"
    g.write_text("year,exporter,importer,value\n2019,RUS," + "Z" * 400_000 + ",1\n")
    with pytest.raises(UnknownCountryError) as info:
        readers.read("baci_totals", g)
    assert len(str(info.value)) < 800


def test_no_numpy_reprs_in_messages(tmp_path):
    f = _generic(tmp_path, "year,exporter,importer,value\n2019,RUS,IRN,1\n2019,RUS,IRN,2\n")
    with pytest.raises(DataFormatError) as info:
        readers.read("baci_totals", f)
    assert "np." not in str(info.value) and "lines 2, 3" in str(info.value)
    g = baci(tmp_path / "b", ["2019,643,364,100110,1.5,1", "2019,643,364,100110,2.5,1"])
    with pytest.raises(DataFormatError) as info:
        readers.read("baci", g)
    assert "np." not in str(info.value) and "t=2019" in str(info.value)


def test_a_read_error_of_the_disk_is_not_a_malformed_line(tmp_path, monkeypatch):
    import errno

    from tradegap.data import textfile

    f = FIX / "baci_totals.csv"
    real = textfile._open_raw

    class Failing:
        def __init__(self, raw):
            self.raw, self.n = raw, 0

        def read(self, n=-1):
            self.n += 1
            if self.n > 1:
                raise OSError(errno.EIO, "Input/output error")
            return self.raw.read(64)

        def close(self):
            self.raw.close()

    monkeypatch.setattr(textfile, "_open_raw", lambda p: Failing(real(p)))
    with pytest.raises(DataFormatError) as info:
        readers.read("baci_totals", f)
    assert "disk reported an error" in str(info.value) and "malformed" not in str(info.value)


def test_identical_stored_values_are_not_called_other_values(tmp_path):
    a = _generic(tmp_path, "year,exporter,importer,value\n2019,RUS,IRN,1.5\n", "a.csv")
    b = _generic(tmp_path, "year,exporter,importer,value\n2019,RUS,IRN,1.5\n2018,RUS,IRN,1\n", "b.csv")
    c = _generic(tmp_path, "year,exporter,importer,value\n2019,RUS,IRN,9.5\n", "c.csv")
    with Store(tmp_path / "s.duckdb") as s:
        s.ingest("baci_totals", [a])
        with pytest.raises(StoreError, match="already stored with the same values") as same:
            s.ingest("baci_totals", [b])
        assert "other values" not in str(same.value)
        with pytest.raises(StoreError, match=r"other values .*stored 1\.5, new 9\.5"):
            s.ingest("baci_totals", [c])


# ---------------------------------------------------------------- opening the store
def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_foreign_duckdb_file_is_refused_not_written_into(tmp_path):
    db = tmp_path / "theirs.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE customers AS SELECT 1 AS id")
    con.close()
    before = _digest(db)
    with Store(db) as s, pytest.raises(StoreError, match="DuckDB database of something else"):
        s.ingest("baci_totals", [FIX / "baci_totals.csv"])
    with Store(db) as s, pytest.raises(StoreError, match="not a tradegap store"):
        s.flows("baci")
    assert _digest(db) == before


def test_store_open_errors_say_what_is_wrong(tmp_path):
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"hello" * 1000)
    with Store(junk) as s, pytest.raises(StoreError, match="not a DuckDB database, or it is damaged"):
        s.ingest("baci_totals", [FIX / "baci_totals.csv"])
    folder = tmp_path / "folder.duckdb"
    folder.mkdir()
    with Store(folder) as s, pytest.raises(StoreError, match="is a folder"):
        s.ingest("baci_totals", [FIX / "baci_totals.csv"])
    db = tmp_path / "busy.duckdb"
    with Store(db) as s:
        s.ingest("baci_totals", [FIX / "baci_totals.csv"])
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, sys, time; c = duckdb.connect({str(db)!r}); print('x', flush=True); "
         "sys.stdin.read()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        holder.stdout.readline()
        with Store(db) as s, pytest.raises(StoreError, match="in use by another tradegap process") as info:
            s.flows("baci")
        assert "PID" not in str(info.value) and "another process may be writing" not in str(info.value)
    finally:
        holder.communicate("", timeout=30)


# ---------------------------------------------------------------- the CLI face
def test_cli_prints_the_unit_and_names_options(tmp_path):
    from cli_corpus import run_batch

    f = _generic(tmp_path, "o,d,yr,v\nRUS,IRN,2019,1517062\n")
    db = str(tmp_path / "s.duckdb")
    m = "exporter=o,importer=d,year=yr,value=v"
    got = run_batch([
        ["ingest", "csv", str(f), "--db", db, "--map", m],
        ["ingest", "csv", str(f), "--db", db, "--map", m, "--scale", "thousands"],
        ["ingest", "baci_totals", str(FIX / "baci_totals.csv"), "--db", db],
        ["ingest", "csv", str(f), "--db", db, "--map", "exporter=o,importer=o,year=yr,value=v", "--scale", "units"],
        ["ingest", "baci", str(FIX / "dist_cepii.csv"), "--db", db],
    ])
    assert got[0].rc == 2 and "`--scale thousands`" in got[0].err and "scale=" not in got[0].err
    assert got[1].rc == 0 and "Values read as USD thousands" in got[1].err
    assert got[2].rc == 0 and "Values read as USD thousands (the layout's published unit)" in got[2].err
    assert got[3].rc == 2 and "self-flow" in got[3].err
    assert got[4].rc == 2 and "`--sep ';'`" in got[4].err
    assert all(o.problem() is None for o in got)
