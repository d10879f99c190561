"""The coverage catalogue matches the shipped data, and year parsing is bounded."""

from __future__ import annotations

import duckdb
import pytest

from tradegap.coverage import DATASETS, dataset, parse_years
from tradegap.data.embedded import DIR
from tradegap.errors import CoverageError, InputError

_FILES = {
    "dots": ("flows_dots", "year"),
    "baci": ("flows_baci", "year"),
    "sitc": ("flows_sitc", "year"),
    "wdi": ("wdi", "year"),
    "unga": ("unga_rollcalls", "year"),
    "dots_history": ("dots_1960_1989", "year"),
    "wto_rta": ("rta_pairs", "year"),
    "unga_idealpoints": ("unga_idealpoints", "year"),
}


@pytest.mark.parametrize("name", sorted(_FILES))
def test_catalogue_matches_embedded_file(name: str) -> None:
    stem, col = _FILES[name]
    lo, hi = duckdb.sql(f"select min({col}), max({col}) from '{DIR / (stem + '.parquet')}'").fetchall()[0]
    cov = DATASETS[name]
    assert (cov.first, cov.last) == (lo, hi)
    assert cov.first <= cov.usable_last <= cov.last


def test_gsdb_coverage_holds_every_case_active_in_it() -> None:
    cov = dataset("gsdb")
    n = duckdb.sql(
        f"select count(*) from '{DIR / 'sanctions_cases.parquet'}' "
        f"where coalesce(\"end\", 9999) < {cov.first}"
    ).fetchall()[0][0]
    assert n == 0  # the shipped subset is the cases active in the coverage: none ended before it


def test_full_gsdb_coverage_matches_its_cases() -> None:
    lo, hi = duckdb.sql(f"select min(begin), max(\"end\") from '{DIR / 'sanctions_cases_full.parquet'}'").fetchall()[0]
    assert (dataset("gsdb_full").first, dataset("gsdb_full").last) == (lo, hi)


def test_parse_years_forms() -> None:
    assert parse_years(None) is None
    assert parse_years(2019) == (2019,)
    assert parse_years("2000-2002") == (2000, 2001, 2002)
    assert parse_years("2010,2000") == (2000, 2010)
    assert parse_years(range(2000, 2003)) == (2000, 2001, 2002)


def test_parse_years_never_expands_an_absurd_range() -> None:
    with pytest.raises(CoverageError, match="beyond"):
        parse_years("2000-99999999")


def test_parse_years_bounded_by_dataset() -> None:
    with pytest.raises(CoverageError, match="CEPII BACI"):
        parse_years("1995-2001", dataset="baci")
    with pytest.raises(InputError, match="Could not read"):
        parse_years("20x0")
