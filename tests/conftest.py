"""Shared fixtures: the tests never read ../shared at runtime; reference data lives in tests/data."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def test_data() -> Path:
    """Folder of small reference datasets committed with the tests (see tests/data/README.md)."""
    return DATA


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    """A fresh DuckDB store path for one test."""
    return tmp_path / "store.duckdb"


@pytest.fixture(scope="session")
def _tradegap_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One default data dir per test session (worker): the embedded data's world model is built once in it."""
    return tmp_path_factory.mktemp("tradegap-home")


@pytest.fixture(autouse=True)
def _isolated_default_store(_tradegap_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never let a test read or write the developer's own store (~/.local/share/tradegap).

    Tests that ingest use their own ``--db``; the shared default store only ever holds the world model.
    """
    home = _tradegap_home
    monkeypatch.setenv("TRADEGAP_DB", str(home / "default.duckdb"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
