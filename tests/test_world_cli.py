"""The world model's faces: `tradegap build`, the untapped map, `potential` reading rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _world_helpers import COUNTRIES, small_store
from tradegap.cli import load_commands
from tradegap.cli.app import app


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    load_commands()
    return CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small store, its default world model (100 draws) built by the first command."""
    return small_store(tmp_path_factory.mktemp("world-cli"), spec=None)


def run(runner: CliRunner, *args: object):
    return runner.invoke(app, [str(a) for a in args], terminal_width=80)


def test_build_then_already_built(runner, db):
    res = run(runner, "build", "--db", db)
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "Built: world model baci/2019/d100" in text
    assert "not built yet for this data" in text and "one-time computation of about" in text
    res = run(runner, "build", "--db", db, "--format", "json")
    info = json.loads(res.stdout)
    assert info["built_now"] is False and info["tables"]["world_structural"] > 0


def test_untapped_country_and_world(runner, db):
    res = run(runner, "untapped", "RUS", "--db", db, "--top", "5", "--format", "json")
    assert res.exit_code == 0, res.output
    t = json.loads(res.stdout)["table"]
    assert [r["rank"] for r in t] == [1, 2, 3, 4, 5]
    res = run(runner, "untapped", "--world", "--top", "7", "--db", db, "--format", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert len(out["table"]) == 7 and out["n_pairs"] == len(COUNTRIES) * (len(COUNTRIES) - 1)
    assert all(a["untapped"] >= b["untapped"] for a, b in zip(out["table"], out["table"][1:]))
    res = run(runner, "untapped", "--world", "--db", db)
    assert res.exit_code == 0 and "Largest untapped trade in the world, 2019" in " ".join(res.output.split())


@pytest.mark.parametrize("args", [[], ["RUS", "--world"]])
def test_untapped_needs_a_country_or_world(runner, db, args):
    res = run(runner, "untapped", *args, "--db", db)
    assert res.exit_code == 2
    assert "Error:" in res.output and "Hint:" in res.output and "Traceback" not in res.output


def test_potential_reads_the_model(runner, db):
    assert run(runner, "build", "--db", db).exit_code == 0  # built here, or already by another test of this worker
    res = run(runner, "potential", "IRN", "RUS", "--db", db, "--format", "json")
    assert res.exit_code == 0, res.output
    assert "not built yet" not in res.output  # the command reads the model, it does not build it again
    out = json.loads(res.stdout)
    assert "structural" in out["specification"]  # the small store has no size-based years before 2013
    assert out["table"] if "table" in out else out


def test_default_store_built_by_the_world_model_stays_a_store(runner):
    """`build` on the embedded data creates the default store file; the data commands still read it."""
    res = run(runner, "build")
    assert res.exit_code == 0, res.output
    res = run(runner, "trade", "RUS", "IRN", "--years", "2019", "--format", "json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["flows"]
