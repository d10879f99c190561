"""Shared helpers for the estimate tests: a small synthetic gravity panel and the pyfixest reference."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd


def gravity_panel(n_countries: int = 20, n_years: int = 4, *, seed: int = 0, zero_share: float = 0.1) -> pd.DataFrame:
    """Directed pairs incl. domestic flows; trade ~ exp(FE + pair effect + 0.3 rta) with gamma noise and zeros."""
    rng = np.random.default_rng(seed)
    c = np.arange(n_countries)
    ex, im = (a.ravel() for a in np.meshgrid(c, c, indexing="ij"))
    ldist = np.log(rng.uniform(100, 10_000, ex.size))
    ldist[ex == im] = np.log(50.0)
    pair = -0.8 * ldist + rng.normal(0, 0.5, ex.size)
    size = rng.normal(0, 1, n_countries)
    rta_start = np.where(rng.uniform(size=ex.size) < 0.3, rng.integers(0, 2 * n_years, ex.size), 99)
    rows = []
    for t in range(n_years):
        rta = ((t >= rta_start) & (ex != im)).astype(float)
        mu = np.exp(8 + size[ex] + size[im] + 0.05 * t + pair + 0.3 * rta)
        trade = rng.gamma(2.0, mu / 2.0)
        rows.append(pd.DataFrame({"exporter": ex, "importer": im, "year": 2000 + t, "trade": trade,
                                  "rta": rta, "ldist": ldist, "mu": mu}))
    df = pd.concat(rows, ignore_index=True)
    intl = (df.exporter != df.importer).to_numpy()
    score = np.log(df.mu.to_numpy()) + rng.normal(0, 1, len(df))
    df.loc[intl & (score < np.quantile(score[intl], zero_share)), "trade"] = 0.0
    names = np.array([f"C{i:02d}" for i in range(n_countries)], dtype=object)
    df["exporter"] = names[df.exporter.to_numpy()]
    df["importer"] = names[df.importer.to_numpy()]
    df["pair"] = df.exporter + "_" + df.importer
    df["w"] = rng.uniform(0.5, 2.0, len(df))
    df["off"] = rng.normal(0, 0.2, len(df))
    df["x2"] = rng.normal(0, 1, len(df))
    return df.drop(columns="mu")


def pyfixest_fit(fml: str, data: pd.DataFrame, *, vcov, separation_check=("fe",), **kw):
    """pyfixest.fepois at tight tolerances (IRLS 1e-12, demeaning 1e-12)."""
    import pyfixest as pf
    from pyfixest.demeaners import MapDemeaner

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pf.fepois(
            fml,
            data=data,
            vcov=vcov,
            iwls_tol=1e-12,
            iwls_maxiter=100,
            demeaner=MapDemeaner(fixef_tol=1e-12, fixef_maxiter=100_000),
            separation_check=list(separation_check),
            **kw,
        )
