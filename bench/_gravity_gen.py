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


def independent_panel(n_countries: int, n_years: int, *, seed: int = 7) -> pd.DataFrame:
    """A second, independently designed panel (different data-generating process and layout).

    Differences from :func:`gravity_panel`: GDPs from a Pareto law and growing at
    country-specific rates; distance on a sphere; trade drawn as Poisson counts of
    shipments of lognormal size (so zeros arise from the process, ~15-25% of pairs,
    not from a cut-off); agreements with phase-in (0, 0.5, 1); an unbalanced panel
    (5% of pair-years missing); rows in random order; three-letter country codes.
    """
    rng = np.random.default_rng(seed)
    n = n_countries
    gdp0 = (rng.pareto(1.2, n) + 1.0) * 10.0
    growth = rng.normal(0.02, 0.015, n)
    lat = np.arcsin(rng.uniform(-0.9, 0.9, n))
    lon = rng.uniform(-np.pi, np.pi, n)
    ex, im = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(n), indexing="ij"))
    cosd = np.sin(lat[ex]) * np.sin(lat[im]) + np.cos(lat[ex]) * np.cos(lat[im]) * np.cos(lon[ex] - lon[im])
    km = 6371.0 * np.arccos(np.clip(cosd, -1, 1)) + 150.0
    km[ex == im] = rng.uniform(50, 400, n)
    friction = rng.lognormal(0, 0.4, ex.size)
    start = np.where((rng.random(ex.size) < 0.3) & (ex != im), rng.integers(0, n_years + 5, ex.size), 10**6)
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    names = set()
    while len(names) < n:
        names.add("".join(rng.choice(letters, 3)))
    names = np.array(sorted(names), dtype=object)
    rng.shuffle(names)
    base = gdp0[ex] * gdp0[im] / km**1.1 / friction
    scale = 3.0 / np.median(base[ex != im])  # median international pair: 3 shipments a year
    frames = []
    for t in range(n_years):
        gdp = gdp0 * np.exp(growth * t)
        rta = np.clip((t - start) / 2.0 + 0.5, 0.0, 1.0) * (start <= t)
        lam = scale * gdp[ex] * gdp[im] / km**1.1 / friction * np.exp(0.45 * rta) * np.where(ex == im, 8.0, 1.0)
        shipments = rng.poisson(lam)
        value = shipments * rng.lognormal(0, 0.6, ex.size)
        frames.append(pd.DataFrame({"exporter": names[ex], "importer": names[im], "year": 1990 + t,
                                    "trade": value, "rta": rta}))
    df = pd.concat(frames, ignore_index=True)
    keep = rng.random(len(df)) >= 0.05
    df = df[keep].sample(frac=1.0, random_state=seed).reset_index(drop=True)
    return df
