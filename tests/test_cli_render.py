"""The table renderer at 80 columns: never a cut number, whole columns left out and named, human headers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from tradegap.cli.fit import fit, format_cell, human_header
from tradegap.cli.render import frame_table


def _render(df: pd.DataFrame, width: int, caption: str | None = None) -> str:
    con = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    con.print(frame_table(df, title="Trade, USD millions", caption=caption, width=width))
    return con.export_text()


def _frames() -> list[pd.DataFrame]:
    rng = np.random.default_rng(7)
    wide = pd.DataFrame({f"value_{k}_musd": rng.lognormal(8, 3, 6) for k in range(12)})
    wide.insert(0, "partner_name", ["United Arab Emirates", "Iran", "Bosnia and Herzegovina", "Chad", "Peru", "Fiji"])
    wide.insert(1, "year", [2019] * 6)
    long_text = pd.DataFrame({"note": ["dropped 1,234 rows of non-country areas (BACI codes 0, 899) " * 3],
                              "rows": [10_000_000], "value": [576_123.456]})
    return [wide, long_text, wide.iloc[:, :5]]


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("k", range(3))
def test_no_number_is_ever_cut(width, k):
    df = _frames()[k]
    text = _render(df, width)
    assert max(len(line) for line in text.splitlines()) <= width
    fitted = fit(df, width)
    shown = [c for c in df.columns if human_header(c) in fitted.headers]
    assert shown and shown[0] == df.columns[0]
    for c in shown:
        if pd.api.types.is_numeric_dtype(df[c]) and c != "year":
            for v in df[c]:
                assert format_cell(v) in text, (c, format_cell(v))
    assert "…" not in text  # rich's ellipsis never appears: nothing is cut
    lines = text.splitlines()
    assert not any(line.strip().startswith("┏") for line in lines[lines.index(next(x for x in lines if "┏" in x)) + 1:])


def test_left_out_columns_are_named_and_the_first_is_kept():
    df = _frames()[0]
    text = _render(df, 80)
    assert "not shown at this width" in text and "--format csv" in text
    assert "Emirates" in text and "2019" in text and "2,019" not in text


def test_human_headers_and_years():
    assert human_header("exports_change_pct") == "exports change %"
    assert human_header("gdp_busd") == "GDP $bn"
    assert human_header("year_min") == "year min"
    assert format_cell(576123.456) == "576,123.5" and format_cell(0.5) == "0.500" and format_cell(np.int64(7)) == "7"
    assert format_cell(float("nan")) == "" and format_cell(None) == ""
