"""The one result cache: keyed by data fingerprint and spec, thread-safe, invalidated by ingest."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest

import tradegap.store as store_mod
from tradegap.cache import CACHE, MISSING, ResultCache, embedded_fingerprint, store_fingerprint
from tradegap.store import Store
from tradegap.views import potential as potential_view


def _canonical_csv_reader(source, path, *, chunksize, mapping=None, options=None):
    """Canonical-layout CSV (exporter, importer, year, value) → canonical chunks (store mechanics only)."""
    for chunk in pd.read_csv(path, chunksize=chunksize):
        chunk["unit"], chunk["scale"], chunk["source"], chunk["basis"] = "USD", "millions", source, "reconciled"
        chunk["product"] = ""
        yield chunk


@pytest.fixture
def reader(monkeypatch):
    monkeypatch.setattr(store_mod, "_read_chunks", _canonical_csv_reader)


def _write(path: Path, value: float) -> Path:
    pd.DataFrame([("RUS", "IRN", 2019, value), ("IRN", "RUS", 2019, 5.0)],
                 columns=["exporter", "importer", "year", "value"]).to_csv(path, index=False)
    return path


def test_same_process_answers_from_new_data_after_ingest(reader, tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        st.ingest("mysrc", [_write(tmp_path / "a.csv", 100.0)])
        fp1 = store_fingerprint(st)
        first = potential_view._flows(st, "mysrc", (2019,))
        assert first.set_index(["exporter", "importer"]).loc[("RUS", "IRN"), "trade"] == 100.0
        # the cached frame is served while the data are unchanged
        assert potential_view._flows(st, "mysrc", (2019,)) is first
        st.ingest("mysrc", [_write(tmp_path / "b.csv", 250.0)], replace=True)
        assert store_fingerprint(st) != fp1
        second = potential_view._flows(st, "mysrc", (2019,))
        assert second.set_index(["exporter", "importer"]).loc[("RUS", "IRN"), "trade"] == 250.0


def test_fingerprints():
    assert len(embedded_fingerprint()) == 16
    assert store_fingerprint(None) == f"embedded:{embedded_fingerprint()}"


def test_get_put_lru_and_clear():
    c = ResultCache(maxsize=2)
    assert c.get("f", ("a",)) is MISSING
    c.put("f", ("a",), 1)
    c.put("f", ("b",), 2)
    c.get("f", ("a",))  # a is now the most recent
    c.put("f", ("c",), 3)
    assert c.get("f", ("b",)) is MISSING and c.get("f", ("a",)) == 1
    assert c.get("g", ("a",)) is MISSING  # another fingerprint is another key
    c.clear()
    assert len(c) == 0


def test_thread_safe_under_concurrent_use():
    c = ResultCache(maxsize=50)
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(2000):
                c.put("f", (k, i % 80), i)
                c.get("f", (k, (i * 7) % 80))
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(c) == 50


def test_process_cache_is_the_one_cache():
    assert potential_view.CACHE is CACHE
