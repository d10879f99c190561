"""Usage errors through the real console entry point: ``Error: … Hint: …``, exit 2, never a traceback.

``CliRunner`` catches what the console script would not; these tests run the
installed executable (and, for the long corpus, :func:`tradegap.cli.main` in one
child process) — see ``tests/cli_corpus.py``.
"""

from __future__ import annotations

import pytest

from cli_corpus import problems, run_batch, run_exe

# The mistakes named in the issue, each through the executable itself.
NAMED = [
    ([], "No command given"),
    (["trade"], "Missing argument A"),
    (["trade", "IRN", "RUS", "--yeers", "2019"], "no option --yeers"),
    (["trade", "IRN", "RUS", "--format", "xml"], "'xml' is not one of"),
    (["peers", "RUS", "IRN", "--year", "abc"], "'abc' for option --year"),
    (["untapped", "RUS", "--top", "0"], "'0' for option --top"),
    (["frobnicate"], "no command 'frobnicate'"),
    (["fta", "IRN", "RUS"], "`tradegap scenario fta --help`"),
]


@pytest.mark.parametrize(("args", "words"), NAMED, ids=[" ".join(a) or "(none)" for a, _ in NAMED])
def test_named_usage_errors_through_the_executable(args, words):
    got = run_exe(*args)
    assert got.problem() is None, got.problem()
    assert got.rc == 2
    assert words in got.err
    assert got.err.count("Error:") == 1 and got.err.count("Hint:") == 1


def test_misspelled_option_and_command_get_a_suggestion():
    got = run_batch([["trade", "IRN", "RUS", "--yeers", "2019"], ["trde", "IRN", "RUS"]])
    assert "Did you mean --years?" in got[0].err
    assert "Did you mean trade" in got[1].err


def test_help_exits_0():
    got = run_exe("--help")
    assert got.rc == 0 and "Usage" in got.out and not got.err


CORPUS = [
    [""], ["-"], ["--"], ["--help", "--nope"], ["--nope"], ["-x"], ["TRADE"],
    ["trade", "IRN"], ["trade", "IRN", "RUS", "extra"], ["trade", "IRN", "RUS", "--years"],
    ["trade", "IRN", "RUS", "-f"], ["trade", "IRN", "RUS", "--format", ""], ["trade", "IRN", "RUS", "--format=XML"],
    ["trade", "IRN", "RUS", "--db"], ["peers", "RUS", "IRN", "--year", "2019.5"], ["peers", "RUS", "IRN", "--year", "1e3"],
    ["peers", "RUS", "IRN", "-n", "many"], ["peers", "RUS", "IRN", "--year", ""],
    ["peers", "RUS", "IRN", "--year", "99999999999999999999999"],
    ["untapped", "RUS", "--top", "-5"], ["untapped", "RUS", "--top", "x"], ["untapped"],
    ["potential"], ["potential", "IRN"], ["potential", "IRN", "RUS", "--year", "abc"],
    ["brief"], ["brief", "IRN"], ["brief", "IRN", "RUS", "--year", "abc"], ["brief", "IRN", "RUS", "--html"],
    ["ingest"], ["ingest", "baci"], ["ingest", "baci", "--replace"], ["estimate"], ["read"],
    ["sanctions"], ["politics"], ["politics", "IRN"], ["sectors"], ["sectors", "IRN"],
    ["scenario"], ["scenario", "frobnicate"], ["scenario", "fta"], ["scenario", "run"],
    ["datasets", "extra"], ["datasets", "--format", "yaml"], ["trade", "\x00", "RUS", "--format", "\x1b[31m"],
    ["trade", "IRN", "RUS", "--years", "2019", "--years"],
]


def test_usage_corpus_never_a_traceback():
    """About fifty malformed command lines: each exits 2 with one Error and one Hint, none crashes."""
    got = run_batch(CORPUS)
    bad = problems(got)
    assert not bad, "\n\n".join(bad)
    assert all(o.rc == 2 for o in got), [(o.args, o.rc) for o in got if o.rc != 2]


def test_unknown_top_level_command_names_the_group_that_has_it():
    got = run_exe("fta", "DEU", "FRA")
    assert got.problem() is None, got.problem()
    assert got.rc == 2
    assert "no command 'fta'" in got.err and "tradegap scenario fta" in got.err


def test_unknown_command_without_a_group_points_to_help():
    got = run_exe("nonsense")
    assert got.rc == 2 and "tradegap --help" in got.err
