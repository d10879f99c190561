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
    assert {(2, "same_country"), (2, "cu"), (2, "shared_sea")} <= set(c.index)
    assert c[(2, "cu")] > 0
    notes = " ".join(kaz_rus.spec["notes"])
    assert "Normal includes:" in notes and "Normal leaves out:" in notes
    assert "same country" in notes and "customs union" in notes


def test_former_soviet_customs_union_pair_no_longer_far_above_normal(kaz_rus):
    """Without agreements and history KAZ->RUS was 2.2x and RUS->KAZ 4.8x the potential (2019)."""
    t = kaz_rus.table.set_index(["exporter", "importer"])["ratio"]
    assert t[("KAZ", "RUS")] < 1.5
    assert t[("RUS", "KAZ")] < 3.0
