"""Bad input: one test per case, each a specific message (file, line, column, value, hint)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from tradegap.data import readers
from tradegap.errors import DataFormatError, UnknownCountryError

FIX = Path(__file__).parent / "fixtures"
TOTALS_HEADER = "year,exporter,importer,value\n"


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


def _assert_hint(exc):
    assert "\nHint: " in str(exc.value)


def test_empty_file(tmp_path):
    p = _write(tmp_path, "baci_totals.csv", "")
    with pytest.raises(DataFormatError, match="empty") as exc:
        readers.read("baci_totals", p)
    assert str(p) in str(exc.value)
    _assert_hint(exc)


def test_empty_gzip_file(tmp_path):
    p = tmp_path / "dots.csv.gz"
    with gzip.open(p, "wt") as fh:
        fh.write("")
    with pytest.raises(DataFormatError, match="empty"):
        readers.read("dots", p)


def test_header_only_file(tmp_path):
    p = _write(tmp_path, "baci_totals.csv", TOTALS_HEADER)
    with pytest.raises(DataFormatError, match="no data rows"):
        readers.read("baci_totals", p)


def test_wrong_delimiter(tmp_path):
    p = _write(tmp_path, "BACI_HS17_Y2019_V202401.csv", "t;i;j;k;v;q\n2019;643;364;100199;4.5;1\n")
    with pytest.raises(DataFormatError) as exc:
        readers.read("baci", p)
    msg = str(exc.value)
    assert "';'-separated" in msg and "','-separated" in msg and "line 1" in msg
    assert "sep=';'" in msg


def test_wrong_delimiter_can_be_overridden(tmp_path):
    p = _write(tmp_path, "baci_totals.csv", "year;exporter;importer;value\n2019;RUS;IRN;1.5\n")
    df = readers.read("baci_totals", p, sep=";")
    assert df["value"].tolist() == [1.5]


def test_missing_columns(tmp_path):
    p = _write(tmp_path, "Gravity_V202211.csv", "year,iso3_o,iso3_d,gdp_o\n2019,RUS,IRN,1\n")
    with pytest.raises(DataFormatError) as exc:
        readers.read("gravity", p)
    msg = str(exc.value)
    assert "['tradeflow_baci']" in msg and "Found: ['year', 'iso3_o', 'iso3_d', 'gdp_o']" in msg
    _assert_hint(exc)


def test_malformed_csv_row(tmp_path):
    text = TOTALS_HEADER + "2019,RUS,IRN,1.5\n2019,IRN,RUS,2.5\n2019,DEU,RUS,3,4,5\n"
    p = _write(tmp_path, "baci_totals.csv", text)
    with pytest.raises(DataFormatError) as exc:
        readers.read("baci_totals", p)
    msg = str(exc.value)
    assert "malformed CSV" in msg and "line 4" in msg and str(p) in msg
    _assert_hint(exc)


def test_unknown_country_names_all_listed_with_suggestions(tmp_path):
    text = ("reporter,partner,flow,indicator,year,value_musd,estimated\n"
            "Russian Federation,Irann,export,x,2019,1.0,False\n"
            "Russian Federation,World,export,x,2019,9.0,False\n"
            "Narnia,Germany,export,x,2019,1.0,False\n"
            "Russian Federation,Irann,export,x,2018,1.0,False\n")
    p = _write(tmp_path, "dots.csv", text)
    with pytest.raises(UnknownCountryError) as exc:
        readers.read("dots", p)
    msg = str(exc.value)
    assert "2 unknown" in msg
    assert "'Irann' (line 2, column 'partner'; did you mean Iran (IRN)" in msg
    assert "'Narnia' (line 4, column 'reporter'" in msg
    assert "World" not in msg  # aggregates are dropped, not errors
    _assert_hint(exc)


def test_unknown_numeric_codes(tmp_path):
    p = tmp_path / "BACI_HS17_Y2019_V202401.csv"
    p.write_text("t,i,j,k,v,q\n2019,643,364,100199,4.5,1\n2019,643,999,100199,4.5,1\n")
    (tmp_path / "country_codes_V202401.csv").write_text(
        (FIX / "country_codes_V202401.csv").read_text())
    with pytest.raises(UnknownCountryError, match=r"'999' \(line 3, column 'j'"):
        readers.read("baci", p)


def test_empty_country_cell(tmp_path):
    p = _write(tmp_path, "baci_totals.csv", TOTALS_HEADER + "2019,RUS,,1.5\n")
    with pytest.raises(UnknownCountryError, match="an empty cell \\(line 2, column 'importer'"):
        readers.read("baci_totals", p)


def test_negative_value(tmp_path):
    p = _write(tmp_path, "baci_totals.csv", TOTALS_HEADER + "2019,RUS,IRN,1.5\n2019,IRN,RUS,-2.5\n")
    with pytest.raises(DataFormatError) as exc:
        readers.read("baci_totals", p)
    assert "line 3, column 'value': value -2.5 is negative" in str(exc.value)
    _assert_hint(exc)


def test_nan_value(tmp_path):
    p = _write(tmp_path, "baci_totals.csv", TOTALS_HEADER + "2019,RUS,IRN,1.5\n2019,IRN,RUS,\n")
    with pytest.raises(DataFormatError, match="line 3, column 'value'.* is missing"):
        readers.read("baci_totals", p)


def test_nan_text_value(tmp_path):
    p = tmp_path / "BACI_HS17_Y2019_V202401.csv"
    p.write_text("t,i,j,k,v,q\n2019,643,364,100199,4.5,1\n2019,643,364,100200,NaN,1\n")
    with pytest.raises(DataFormatError, match="line 3, column 'v'.* is missing"):
        readers.read("baci", p)


def test_infinite_value(tmp_path):
    p = _write(tmp_path, "baci_totals.csv", TOTALS_HEADER + "2019,RUS,IRN,inf\n")
    with pytest.raises(DataFormatError, match="line 2, column 'value'.* is infinite"):
        readers.read("baci_totals", p)


def test_non_numeric_value(tmp_path):
    p = _write(tmp_path, "baci_totals.csv", TOTALS_HEADER + "2019,RUS,IRN,\"1,517,062\"\n")
    with pytest.raises(DataFormatError, match="line 2, column 'value': value '1,517,062' is not a number"):
        readers.read("baci_totals", p)


def test_bad_year(tmp_path):
    p = _write(tmp_path, "baci_totals.csv", TOTALS_HEADER + "2019.5,RUS,IRN,1\n")
    with pytest.raises(DataFormatError, match="line 2, column 'year'.* is not a year"):
        readers.read("baci_totals", p)


def test_duplicate_rows(tmp_path):
    text = TOTALS_HEADER + "2019,RUS,IRN,1.5\n2019,IRN,RUS,2\n2019,RUS,IRN,1.5\n"
    p = _write(tmp_path, "baci_totals.csv", text)
    with pytest.raises(DataFormatError) as exc:
        readers.read("baci_totals", p)
    msg = str(exc.value)
    assert "duplicate rows: lines 2, 4" in msg and "'RUS'" in msg
    _assert_hint(exc)


def test_duplicate_rows_across_chunks(tmp_path):
    text = TOTALS_HEADER + "2019,RUS,IRN,1.5\n2019,IRN,RUS,2\n2019,RUS,IRN,1.5\n"
    p = _write(tmp_path, "baci_totals.csv", text)
    with pytest.raises(DataFormatError, match="duplicate rows: lines 2 and 4"):
        list(readers.iter_chunks("baci_totals", p, chunksize=1))


def test_baci_duplicate_rows_across_chunks_name_both_lines(tmp_path):
    _write(tmp_path, "country_codes_V202401.csv",
           "country_code,country_name,country_iso2,country_iso3\n364,Iran,IR,IRN\n643,Russia,RU,RUS\n")
    p = _write(tmp_path, "BACI_HS17_Y2019_V202401.csv",
               "t,i,j,k,v,q\n2019,643,364,100110,1.5,1\n2019,643,364,100120,1.5,1\n"
               "2019,364,643,100110,1.5,1\n2019,643,364,100110,2,1\n")
    with pytest.raises(DataFormatError, match="duplicate rows: lines 2 and 5 have the same key"):
        list(readers.iter_chunks("baci", p, chunksize=1))


def test_duplicate_reports_with_different_values(tmp_path):
    text = ("reporter,partner,flow,indicator,year,value_musd,estimated\n"
            "Russian Federation,Germany,export,x,2019,1.0,False\n"
            "Russian Federation,Germany,export,x,2019,2.0,False\n")
    p = _write(tmp_path, "dots.csv", text)
    with pytest.raises(DataFormatError, match="lines 2, 3 both report exports of RUS with DEU"):
        readers.read("dots", p)


def test_no_such_file(tmp_path):
    with pytest.raises(DataFormatError, match="no such file"):
        readers.read("baci", tmp_path / "missing.csv")


def test_errors_are_value_errors_not_tracebacks(tmp_path):
    p = _write(tmp_path, "baci_totals.csv", TOTALS_HEADER + "2019,RUS,IRN,-1\n")
    with pytest.raises(ValueError):  # DataFormatError is an InputError(ValueError)
        readers.read("baci_totals", p)
