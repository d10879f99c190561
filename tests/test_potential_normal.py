"""Stage 1 and stage 2 of the structural potential know agreements and common history, and say what
"normal" includes and leaves out."""

from __future__ import annotations

import pytest

from tradegap.potential import structural


@pytest.fixture(scope="module")
def kaz_rus():
    return structural("KAZ", "RUS", years=[2019])


def test_stage1_has_the_agreement_term_and_stage2_common_history_and_customs_unions(kaz_rus):
    c = kaz_rus.coefficients.set_index(["stage", "term"])["estimate"]
    assert (1, "fta_cu") in c.index and (1, "sanction_trade") in c.index
    assert {(2, "smctry"), (2, "former_federation"), (2, "cu"), (2, "shared_sea")} <= set(c.index)
    assert c[(2, "cu")] > 0 and c[(2, "former_federation")] > 0
    notes = " ".join(kaz_rus.spec["notes"])
    assert "Normal includes:" in notes and "Normal leaves out:" in notes
    assert "same country" in notes and "federation" in notes and "customs union" in notes


def test_former_soviet_pairs_no_longer_several_times_their_potential(kaz_rus):
    """Without agreements and history (2019): KAZ->RUS 2.2x, RUS->KAZ 4.8x, KAZ->UZB 4.1x, UZB->KAZ 6.0x."""
    t = kaz_rus.table.set_index(["exporter", "importer"])["ratio"]
    assert t[("KAZ", "RUS")] < 1.5 and t[("RUS", "KAZ")] < 1.5
    u = structural("KAZ", "UZB", years=[2019]).table.set_index(["exporter", "importer"])["ratio"]
    assert u[("KAZ", "UZB")] < 2.5 and u[("UZB", "KAZ")] < 3.5
