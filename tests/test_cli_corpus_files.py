"""Bad files through the real entry point: every ingest layout and ``estimate``, 0 tracebacks, exit 0 or 2.

A corpus of about two hundred damaged files (made from the layouts' fixtures in
``tests/fixtures``) runs through :func:`tradegap.cli.main` in one child process
(``tests/cli_corpus.py``); a few representative ones through the executable.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pandas as pd
import pytest

from cli_corpus import problems, run_batch, run_exe

FIX = Path(__file__).parent / "fixtures"

#: layout → (fixture, delimiter, value column, year column or None, country column)
LAYOUTS = {
    "dots": ("dots_long.csv", ",", "value_musd", "year", "reporter"),
    "imf": ("imf_dots_bulk.csv", ",", "2019", None, "Country Name"),
    "comtrade": ("comtrade_bulk.csv", ",", "primaryValue", "refYear", "reporterISO"),
    "baci": ("BACI_HS17_Y2019_V202401.csv", ",", "v", "t", "i"),
    "baci_totals": ("baci_totals.csv", ",", "value", "year", "exporter"),
    "gravity": ("Gravity_V202211.csv", ",", "tradeflow_baci", "year", "iso3_o"),
    "unctad": ("unctad_sitc_sections_2015.csv", ",", "edgewidth", None, "source"),
    "wdi": ("wdi.csv", ",", "gdp", "year", "iso3_code"),
    "geodist": ("dist_cepii.csv", ";", "dist", None, "iso_o"),
}
VALUES = ["abc", "-5", "inf", "1e400", "", "1,000", "NaN", "9" * 5000]
YEARS = ["2019.5", "2150", "abc", "", "-1", "99999999999999999999"]
COUNTRIES = ["Narnia", "", "R u s s i a", "russia!!", "Congo", "Korea", "🙂", "x" * 3000]


def _cell_mutations(layout: str, folder: Path) -> list[Path]:
    name, sep, vcol, ycol, ccol = LAYOUTS[layout]
    src = FIX / name
    enc = "utf-8"
    df = pd.read_csv(src, sep=sep, dtype=str, keep_default_na=False, encoding=enc)
    out = []
    for col, bad in [(vcol, VALUES), (ycol, YEARS), (ccol, COUNTRIES)]:
        if col is None:
            continue
        for k, v in enumerate(bad):
            d = df.copy()
            d.loc[0, col] = v
            p = folder / f"{layout}_{col.replace(' ', '_')}_{k}" / name
            p.parent.mkdir(parents=True)
            d.to_csv(p, sep=sep, index=False)
            out.append(p)
    return out


def _structural(layout: str, folder: Path) -> list[Path]:
    name, sep, *_ = LAYOUTS[layout]
    raw = (FIX / name).read_bytes()
    lines = raw.splitlines(keepends=True)
    variants = {
        "empty": b"",
        "header_only": lines[0],
        "binary": bytes(range(256)) * 40,
        "extra_field": lines[0] + lines[1].rstrip(b"\r\n") + sep.encode() + b"surplus\n" + b"".join(lines[2:]),
        "missing_field": lines[0] + sep.encode().join(lines[1].split(sep.encode())[:-2]) + b"\n",
        "duplicate_row": lines[0] + lines[1] + lines[1],
        "wrong_delimiter": raw.replace(sep.encode(), b"|"),
        "utf16": raw.decode("utf-8").encode("utf-16"),
        "latin1_bom": b"\xef\xbb\xbf" + raw,
        "crlf": raw.replace(b"\n", b"\r\n"),
        "blank_lines": lines[0] + b"\n\n" + b"".join(lines[1:]),
        "nul_line": lines[0] + b"\x00" * 50 + b"\n" + b"".join(lines[1:]),
        "quote_open": lines[0] + b'"' + lines[1],
        "header_twice": lines[0] + raw,
        "html_page": b"<html><body>404 Not Found</body></html>\n",
    }
    out = []
    for label, data in variants.items():
        p = folder / f"{layout}_{label}" / name
        p.parent.mkdir(parents=True)
        p.write_bytes(data)
        out.append(p)
    gz = folder / f"{layout}_truncated_gz" / (name + ".gz")
    gz.parent.mkdir(parents=True)
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb") as fh:
        fh.write(raw * 50)
    gz.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    out.append(gz)
    if layout == "baci":
        for p in out:
            (p.parent / "country_codes_V202401.csv").write_bytes((FIX / "country_codes_V202401.csv").read_bytes())
    return out


#: The default run's share of the corpus (the whole corpus, ~220 files, runs under ``slow``).
SAMPLE = ("_0/", "_2/", "_1/", "_binary/", "_extra_field/", "_utf16/", "_truncated_gz/", "_empty/")


@pytest.mark.parametrize("full", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["sample", "full"])
def test_ingest_corpus_every_layout(tmp_path, full):
    cases, expect_fail = [], []
    for layout in LAYOUTS:
        files = _cell_mutations(layout, tmp_path) + _structural(layout, tmp_path)
        if not full:
            files = [f for f in files if any(t in str(f) for t in SAMPLE)]
        if layout == "baci":
            for p in files:
                cc = p.parent / "country_codes_V202401.csv"
                if not cc.exists():
                    cc.write_bytes((FIX / "country_codes_V202401.csv").read_bytes())
        for k, f in enumerate(files):
            cases.append(["ingest", layout, str(f), "--db", ":memory:"])
            expect_fail.append(any(t in str(f) for t in ("_empty", "binary", "html_page", "truncated_gz",
                                                          "header_only", "extra_field"))
                               or (layout not in ("dots", "imf", "comtrade") and "duplicate_row" in str(f)))
    # the store and the options
    cases += [
        ["ingest", "baci", str(tmp_path), "--db", str(tmp_path / "x.duckdb")],
        ["ingest", "baci", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "x.duckdb")],
        ["ingest", "nosuchlayout", str(FIX / "baci_totals.csv"), "--db", str(tmp_path / "x.duckdb")],
        ["ingest", "baci_totals", str(FIX / "baci_totals.csv"), "--db", str(tmp_path)],
        ["ingest", "baci_totals", str(FIX / "baci_totals.csv"), "--db", str(FIX / "baci_totals.csv")],
        ["ingest", "baci_totals", str(FIX / "baci_totals.csv"), "--db", str(tmp_path / "x.duckdb"), "--scale", "k"],
        ["ingest", "csv", str(FIX / "baci_totals.csv"), "--db", str(tmp_path / "x.duckdb"), "--map", "exporter"],
        ["ingest", "csv", str(FIX / "baci_totals.csv"), "--db", str(tmp_path / "x.duckdb"),
         "--map", "exporter=exporter,importer=importer,year=year,value=value", "--scale", "bn"],
        ["ingest", "csv", str(FIX / "baci_totals.csv"), "--db", str(tmp_path / "x.duckdb"),
         "--map", "exporter=exporter,importer=importer,year=year,value=value", "--scale", "units", "--unit", "dollars"],
        ["ingest", "csv", str(FIX / "baci_totals.csv"), "--db", str(tmp_path / "x.duckdb"),
         "--map", "exporter=exporter,importer=importer,year=year,value=value", "--scale", "units", "--sep", "ab"],
        ["ingest", "parquet", str(FIX / "baci_totals.csv"), "--db", str(tmp_path / "x.duckdb"),
         "--map", "exporter=exporter,importer=importer,year=year,value=value", "--scale", "units"],
        ["ingest", "stata", str(FIX / "baci_totals.csv"), "--db", str(tmp_path / "x.duckdb"),
         "--map", "exporter=exporter,importer=importer,year=year,value=value", "--scale", "units"],
    ]
    expect_fail += [True] * 10 + [False] * 2  # parquet/stata sources read a .csv by its ending
    got = run_batch(cases)
    bad = problems(got)
    assert not bad, f"{len(bad)} of {len(got)}:\n\n" + "\n\n".join(bad[:10])
    should = [o.args for o, f in zip(got, expect_fail, strict=True) if f and o.rc != 2]
    assert not should, "\n".join(" ".join(a[1:3]) for a in should)
    assert len(got) > (200 if full else 60)


def _dta(path: Path, df: pd.DataFrame) -> Path:
    df.to_stata(path, write_index=False)
    return path


def test_estimate_corpus(tmp_path):
    good = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 6], "x": [1.0, 2, 1, 3, 2, 5], "fe": list("ababab")})
    files: dict[str, bytes | None] = {
        "empty.dta": b"", "empty.csv": b"", "empty.parquet": b"",
        "renamed.dta": b"y,x\n1,2\n", "renamed.parquet": b"y,x\n1,2\n",
        "html.csv": b"<html>404</html>\n", "one_row.csv": b"y,x\n1,2\n", "two_rows.csv": b"y,x,fe\n1,2,a\n3,4,b\n",
        "huge.csv": b"y,x\n1,1e300\n2,2e300\n3,1\n4,5\n", "text.csv": b"y,x\n1,a\n2,b\n3,c\n",
        "bom.csv": b"\xef\xbb\xbf" + good.to_csv(index=False).encode(),
        "utf16.csv": good.to_csv(index=False).encode("utf-16"),
        "semicolon.csv": good.to_csv(index=False, sep=";").encode(),
        "nan.csv": b"y,x\n1,2\n,3\n4,\n5,6\n", "neg.csv": b"y,x\n-1,2\n3,3\n4,4\n5,6\n",
        "inf.csv": b"y,x\ninf,2\n3,3\n4,4\n5,6\n", "noext": b"y,x\n1,2\n", "binary.csv": bytes(range(256)) * 10,
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    dta = _dta(tmp_path / "good.dta", good)
    raw = dta.read_bytes()
    (tmp_path / "truncated.dta").write_bytes(raw[: len(raw) // 2])
    (tmp_path / "header.dta").write_bytes(raw[:40])
    pq = tmp_path / "good.parquet"
    good.to_parquet(pq)
    (tmp_path / "truncated.parquet").write_bytes(pq.read_bytes()[:-20])
    names = sorted([*files, "truncated.dta", "header.dta", "truncated.parquet", "good.dta", "good.parquet"])
    cases = [["estimate", str(tmp_path / n), "-F", "y ~ x"] for n in names]
    cases += [["estimate", str(tmp_path / "good.parquet"), "-F", f] for f in
              ["", "y", "~ x", "y ~", "y ~ x |", "y ~ nope", "nope ~ x", "y ~ x | nope", "y ~ x +", "y ~ log(x",
               "y ~ x | fe^", "((((", "y ~ " + " + ".join(["x"] * 500)]]
    cases += [["estimate", str(tmp_path / "good.parquet"), "-F", "y ~ x", "--vcov", v] for v in
              ["", "hc9", "cluster:", "cluster:nope", "cluster:fe,nope"]]
    cases += [["estimate", str(tmp_path), "-F", "y ~ x"], ["estimate", str(tmp_path / "missing.csv"), "-F", "y ~ x"]]
    got = run_batch(cases)
    bad = problems(got)
    assert not bad, f"{len(bad)} of {len(got)}:\n\n" + "\n\n".join(bad[:10])
    by_name = {Path(o.args[1]).name: o for o in got[: len(names)]}
    for ok in ("bom.csv", "utf16.csv", "semicolon.csv", "good.dta", "good.parquet"):
        assert by_name[ok].rc == 0, (ok, by_name[ok].err)
    for name in ("empty.dta", "renamed.dta", "truncated.dta", "header.dta", "one_row.csv", "two_rows.csv",
                 "huge.csv", "truncated.parquet"):
        assert by_name[name].rc == 2, (name, by_name[name].out)
        assert "struct.error" not in by_name[name].err and "ZeroDivision" not in by_name[name].err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["ingest", "baci", "{FIX}/dist_cepii.csv"], "`--sep ';'`"),
        (["estimate", "{TMP}/empty.dta", "-F", "y ~ x"], "the file is empty"),
    ],
)
def test_representative_bad_files_through_the_executable(tmp_path, args, words):
    (tmp_path / "empty.dta").write_bytes(b"")
    args = [a.replace("{FIX}", str(FIX)).replace("{TMP}", str(tmp_path)) for a in args]
    got = run_exe(*args, "--db", str(tmp_path / "s.duckdb")) if args[0] == "ingest" else run_exe(*args)
    assert got.problem() is None and got.rc == 2 and words in got.err, got.text
