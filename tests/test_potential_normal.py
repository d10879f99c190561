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


def test_a_fixed_term_reproduces_the_estimated_one_when_held_at_its_estimate(test_data):
    """``fixed=`` (a coefficient from elsewhere, e.g. the long sanctions panel) enters as an offset: held at
    the value stage 1 would estimate, the potentials are the same; a term cannot be both."""
    import numpy as np
    import pandas as pd

    from tradegap.errors import InputError
    from tradegap.potential.core import two_stage

    d = pd.read_parquet(test_data / "yotov2016_ch1.parquet").drop(columns="pair_id")
    d = d[d["exporter"] != d["importer"]]
    d["ln_dist"] = np.log(d["dist"])
    costs = ["ln_dist", "cntg", "lang", "clny"]
    est = two_stage(d, costs=costs, policy=["rta"], n_draws=0)
    b = float(est.stage1_coef["rta"])
    fix = two_stage(d, costs=costs, fixed={"rta": b}, n_draws=0)
    assert np.isnan(fix.stage1_se["rta"]) and fix.stage1_coef["rta"] == b
    np.testing.assert_allclose(fix.flows["potential"], est.flows["potential"], rtol=1e-6)
    np.testing.assert_allclose(fix.coef.to_numpy(), est.coef.to_numpy(), rtol=1e-6)
    with pytest.raises(InputError, match="both estimated"):
        two_stage(d, costs=costs, policy=["rta"], fixed={"rta": b}, n_draws=0)
