"""Synthetic structural-gravity panels for the PPML benchmark (not a test)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def gravity_panel(n_countries: int, n_years: int, *, seed: int = 0, zero_share: float = 0.10) -> pd.DataFrame:
    """All directed pairs incl. domestic flows, for ``n_years`` years.

    Flows are Poisson-ish draws around exp(exporter-year + importer-year + pair
    effects + 0.3*rta), with about ``zero_share`` of international flows set to
    zero (small expected flows are more likely to be zero).
    """
    rng = np.random.default_rng(seed)
    c = np.arange(n_countries)
    ex, im = np.meshgrid(c, c, indexing="ij")
    ex, im = ex.ravel(), im.ravel()
    n_pairs = ex.size
    lat, lon = rng.uniform(-60, 60, n_countries), rng.uniform(-180, 180, n_countries)
    dist = np.hypot(lat[ex] - lat[im], (lon[ex] - lon[im]) / 2) + 1.0
    dist[ex == im] = rng.uniform(0.3, 1.0, (ex == im).sum())
    pair_eff = -0.9 * np.log(dist) + rng.normal(0, 0.5, n_pairs)
    pair_eff[ex == im] += 2.0
    size = rng.normal(0, 1.2, n_countries)
    years = np.arange(2000, 2000 + n_years)
    rta_start = np.where(rng.uniform(size=n_pairs) < 0.25, rng.integers(2000, 2000 + 2 * n_years, n_pairs), 10_000)
    frames = []
    for t, year in enumerate(years):
        ey = size[ex] + 0.02 * t + rng.normal(0, 0.1, n_countries)[ex]
        iy = size[im] + 0.02 * t + rng.normal(0, 0.1, n_countries)[im]
        rta = ((year >= rta_start) & (ex != im)).astype(np.float64)
        mu = np.exp(5.0 + ey + iy + pair_eff + 0.3 * rta)
        trade = rng.gamma(2.0, mu / 2.0)
        frames.append(pd.DataFrame({"exporter": ex, "importer": im, "year": year, "trade": trade, "rta": rta,
                                    "ldist": np.log(dist), "mu": mu}))
    df = pd.concat(frames, ignore_index=True)
    intl = (df["exporter"] != df["importer"]).to_numpy()
    # zeros: the smallest expected flows (with noise) among international pairs
    score = np.log(df["mu"].to_numpy()) + rng.normal(0, 1.0, len(df))
    cut = np.quantile(score[intl], zero_share)
    df.loc[intl & (score < cut), "trade"] = 0.0
    names = np.array([f"C{i:03d}" for i in range(n_countries)])
    df["exporter"] = names[df["exporter"].to_numpy()]
    df["importer"] = names[df["importer"].to_numpy()]
    return df.drop(columns="mu")
