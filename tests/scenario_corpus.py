"""A corpus of damaged scenario TOML files, made from ``examples/trade_without_borders.toml``.

:func:`make` writes each case into a folder (beside a copy of the example's data)
and returns ``{label: path}``; ``SILENT_WRONG`` names the cases that used to run
with a silently wrong meaning and must now be refused.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = (ROOT / "examples" / "trade_without_borders.toml").read_text(encoding="utf-8")

#: label → replacement rules (regex on the base text → new text), or raw bytes for the whole file
EDITS: dict[str, list[tuple[str, str]] | bytes] = {
    "empty": b"",
    "binary": bytes(range(256)) * 8,
    "latin1": BASE.replace('name = "Trade without borders', 'name = "Trade sans frontières').encode("latin-1"),
    "utf16": BASE.encode("utf-16"),
    "not_toml": b"this is : not [toml\n",
    "deep_nesting": b"x = " + b"[" * 50_000 + b"]" * 50_000 + b"\n",
    "deep_tables": ("".join(f"[{'.'.join(['a'] * k)}]\n" for k in range(1, 400))).encode(),
    "huge_string": ('name = "' + "x" * 3_000_000 + '"\n').encode(),
    "change_list_of_ints": [(r"\[\[change\]\][\s\S]*", ""), (r"^sigma = 7$", "sigma = 7\nchange = [1, 2]")],
    "value_zero_text": [(r"\[\[change\]\][\s\S]*", '[[change]]\ntype = "set"\nvariable = "INTL_BRDR"\nvalue = "zero"\n'
                         "international = true\n")],
    "monte_carlo_int": [(r"^sigma = 7$", "sigma = 7\nmonte_carlo = 5")],
    "reference_narnia": [(r'^reference = "DEU"$', 'reference = "NARNIA"')],
    "reference_number": [(r'^reference = "DEU"$', "reference = 276")],
    "sigma_one": [(r"^sigma = 7$", "sigma = 1")],
    "sigma_barely": [(r"^sigma = 7$", "sigma = 1.0000001")],
    "sigma_huge": [(r"^sigma = 7$", "sigma = 1e308")],
    "sigma_text": [(r"^sigma = 7$", 'sigma = "seven"')],
    "sigma_negative": [(r"^sigma = 7$", "sigma = -3")],
    "sigma_nan": [(r"^sigma = 7$", "sigma = nan")],
    "sigma_inf": [(r"^sigma = 7$", "sigma = inf")],
    "sigma_bool": [(r"^sigma = 7$", "sigma = true")],
    "year_text": [(r"^year = 2006$", 'year = "2006"')],
    "year_far": [(r"^year = 2006$", "year = 99999")],
    "year_absent_in_data": [(r"^year = 2006$", "year = 1990")],
    "pair_one": [(r"^deficits", 'pair = ["CAN"]\ndeficits')],
    "pair_same": [(r"^deficits", 'pair = ["CAN", "CAN"]\ndeficits')],
    "pair_text": [(r"^deficits", 'pair = "CAN"\ndeficits')],
    "pair_narnia": [(r"^deficits", 'pair = ["CAN", "NARNIA"]\ndeficits')],
    "convention_bad": [(r'^convention = "exact"$', 'convention = "weird"')],
    "deficits_number": [(r'^deficits = "multiplicative"$', "deficits = 5")],
    "unknown_key": [(r"^sigma = 7$", "sigma = 7\nsigmaa = 3")],
    "no_data": [(r"\[data\][\s\S]*?(?=\[estimation\])", "")],
    "data_file_missing": [(r'file = "data/[^"]*"', 'file = "data/nope.parquet"')],
    "data_file_number": [(r'file = "data/[^"]*"', "file = 5")],
    "data_file_folder": [(r'file = "data/[^"]*"', 'file = "data"')],
    "data_file_binary": [(r'file = "data/[^"]*"', 'file = "blob.csv"')],
    "data_file_renamed_dta": [(r'file = "data/[^"]*"', 'file = "renamed.dta"')],
    "data_column_missing": [(r'^exporter = "exporter"$', 'exporter = "nope"')],
    "data_table_is_text": [(r"\[data\][\s\S]*?(?=\[estimation\])", 'data = "file.parquet"\n')],
    "estimation_method_bad": [(r'method = "gravity"', 'method = "magic"')],
    "estimation_variables_text": [(r'variables = \["ln_DIST", "CNTG", "INTL_BRDR"\]', 'variables = "ln_DIST"')],
    "estimation_variables_empty": [(r'variables = \["ln_DIST", "CNTG", "INTL_BRDR"\]', "variables = []")],
    "estimation_variable_missing": [(r'variables = \["ln_DIST", "CNTG", "INTL_BRDR"\]', 'variables = ["nope"]')],
    "change_type_bad": [(r'type = "remove_border"', 'type = "teleport"')],
    "change_variable_missing": [(r'variable = "INTL_BRDR"\ninternational', 'variable = "nope"\ninternational')],
    "change_international_text": [(r"international = true", 'international = "yes"')],
    "change_among_narnia": [(r"international = true", 'among = ["NARNIA", "USA"]')],
    "change_among_text": [(r"international = true", 'among = "USA"')],
    "change_between_short": [(r"international = true", 'between = [["USA"]]')],
    "change_none": [(r"\[\[change\]\][\s\S]*", "")],
    "mc_trials_negative": [(r"\Z", "\n[monte_carlo]\ntrials = -1\n")],
    "mc_trials_huge": [(r"\Z", "\n[monte_carlo]\ntrials = 1000000000\n")],
    "mc_trials_text": [(r"\Z", '\n[monte_carlo]\ntrials = "many"\n')],
    "coefficients_text": [(r"\Z", '\n[coefficients]\nINTL_BRDR = "x"\n')],
}

#: Cases that used to run with a silently wrong meaning (issue 13, point 4).
SILENT_WRONG = ("change_list_of_ints", "value_zero_text", "monte_carlo_int", "reference_narnia", "unknown_key",
                "sigma_barely", "sigma_huge", "sigma_bool", "pair_text")


def make(folder: Path) -> dict[str, Path]:
    """Write every case as ``folder/<label>.toml`` beside a copy of the example's data."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "examples" / "data", folder / "data", dirs_exist_ok=True)
    (folder / "blob.csv").write_bytes(bytes(range(256)) * 40)
    (folder / "renamed.dta").write_text("exporter,importer\nA,B\n")
    out: dict[str, Path] = {}
    for label, edit in EDITS.items():
        p = folder / f"{label}.toml"
        if isinstance(edit, bytes):
            p.write_bytes(edit)
        else:
            text = BASE
            for pattern, repl in edit:
                new = re.sub(pattern, repl, text, count=1, flags=re.M)
                assert new != text or pattern == r"\Z", (label, pattern)
                text = new
            p.write_text(text, encoding="utf-8")
        out[label] = p
    d = folder / "a_folder.toml"
    d.mkdir(exist_ok=True)
    out["a_folder"] = d
    out["missing"] = folder / "missing.toml"
    return out
