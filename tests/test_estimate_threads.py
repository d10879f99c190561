"""Parallel kernels: the same estimates on any number of threads; compiled code cached on disk."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import numba as nb
import numpy as np
import pytest
from numba.core.caching import FunctionCache

from _estimate_helpers import gravity_panel
from tradegap.errors import InputError
from tradegap.estimate import demean as demean_mod
from tradegap.estimate import fepois, fepois_arrays
from tradegap.estimate import ppml as ppml_mod
from tradegap.estimate.demean import factorize_fe, residualize, solve_alpha
from tradegap.estimate.threads import max_threads, numba_threads

needs_two = pytest.mark.skipif(max_threads() < 2, reason="NUMBA_NUM_THREADS < 2: nothing to compare")
FORMULA = "trade ~ rta + x2 | exporter^year + importer^year + exporter^importer"


def _problem(n=4000, p=5, seed=0, dims=(40, 60, 500)):
    rng = np.random.default_rng(seed)
    codes = [rng.integers(0, d, n) for d in dims]
    X = rng.normal(size=(n, p))
    X[:, -1] += codes[0] * 0.1
    return codes, X, rng.uniform(0.2, 5.0, n)


@needs_two
@pytest.mark.parametrize("p", [1, 2, 3, 5])
@pytest.mark.parametrize("q", [2, 3, 4])
def test_demeaning_identical_on_one_and_two_threads(p, q):
    dims = (40, 60, 500, 7)[:q]
    codes, X, w = _problem(p=p, dims=dims)
    fe = factorize_fe(codes, tuple(f"f{i}" for i in range(q)))
    out = {}
    for th in (1, 2):
        with numba_threads(th):
            a, it, ok = solve_alpha(X, fe, w, tol=1e-12)
            out[th] = (a, it, ok, residualize(X, fe, a))
    assert out[1][2] and out[2][2]
    assert out[1][1] == out[2][1]
    np.testing.assert_allclose(out[2][0], out[1][0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(out[2][3], out[1][3], rtol=0, atol=1e-12)


@needs_two
def test_fepois_identical_on_one_and_two_threads():
    df = gravity_panel(25, 5, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r1 = fepois(FORMULA, df, threads=1)
        r2 = fepois(FORMULA, df, threads=2)
    np.testing.assert_allclose(r2.coef.to_numpy(), r1.coef.to_numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(r2.se.to_numpy(), r1.se.to_numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(r2.fitted, r1.fitted, rtol=1e-12, atol=0)
    assert r1.iterations == r2.iterations
    # the setting is restored after the call
    assert nb.get_num_threads() == max_threads()


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True, 10_000])
def test_bad_threads_is_a_clear_error(bad):
    df = gravity_panel(8, 2)
    with pytest.raises(InputError, match="'threads' parameter of fepois must be an integer from 1 to"):
        fepois(FORMULA, df, threads=bad)
    with pytest.raises(InputError, match="'threads' parameter of fepois_arrays"):
        fepois_arrays(df["trade"].to_numpy(), None, [df["exporter"].to_numpy()], threads=bad)


def _kernels(mod):
    return {k: v for k, v in vars(mod).items() if isinstance(v, nb.core.registry.CPUDispatcher)}


def test_every_kernel_is_cached_on_disk():
    ks = {**_kernels(demean_mod), **_kernels(ppml_mod)}
    assert {"_solve", "_solve1", "_sweep1", "_group_sums", "_residualize", "_wcross", "_predict", "_deviance"} <= set(ks)
    for name, k in ks.items():
        assert isinstance(k._cache, FunctionCache), f"{name} is compiled without cache=True"


_FRESH = """
import json, time, warnings
warnings.simplefilter("ignore")
import numpy as np
t0 = time.perf_counter()
from tradegap.estimate import fepois_arrays
from tradegap.estimate import demean, ppml
rng = np.random.default_rng(0)
n = 3000
fe = [rng.integers(0, 30, n), rng.integers(0, 40, n), rng.integers(0, 300, n)]
x = rng.normal(size=n)
y = rng.poisson(np.exp(1 + 0.3 * x))
fepois_arrays(y, x, fe)
ks = [demean._solve, demean._group_sums, demean._residualize, ppml._wcross, ppml._predict]
print(json.dumps({"seconds": time.perf_counter() - t0,
                  "misses": sum(sum(k.stats.cache_misses.values()) for k in ks),
                  "hits": sum(sum(k.stats.cache_hits.values()) for k in ks)}))
"""


def test_a_new_process_loads_the_kernels_from_the_cache():
    runs = []
    for _ in range(2):  # the first run may compile and write the cache; the second must only read it
        out = subprocess.run([sys.executable, "-c", _FRESH], capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    assert runs[1]["misses"] == 0 and runs[1]["hits"] >= 5, runs
