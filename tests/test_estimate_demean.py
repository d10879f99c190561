"""The demeaning kernel against a direct sparse least-squares solution."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.linalg import lsqr

from tradegap.estimate.demean import demean, factorize_fe, fe_sum, solve_alpha


def _problem(n=1500, seed=0, dims=(30, 40, 300)):
    rng = np.random.default_rng(seed)
    codes = [rng.integers(0, d, n) for d in dims]
    X = rng.normal(size=(n, 3))
    X[:, 1] += codes[0] * 0.1
    w = rng.uniform(0.2, 5.0, n)
    return codes, X, w


def _direct(codes, X, w):
    n = X.shape[0]
    blocks = [sparse.csr_matrix((np.ones(n), (np.arange(n), c)), shape=(n, c.max() + 1)) for c in codes]
    D = sparse.hstack(blocks).tocsr()
    sw = np.sqrt(w)
    Dw = sparse.diags(sw) @ D
    out = np.empty_like(X)
    for j in range(X.shape[1]):
        a = lsqr(Dw, sw * X[:, j], atol=1e-14, btol=1e-14, iter_lim=100_000)[0]
        out[:, j] = X[:, j] - D @ a
    return out


@pytest.mark.parametrize("q", [1, 2, 3])
def test_demean_matches_sparse_least_squares(q):
    codes, X, w = _problem()
    fe = factorize_fe(codes[:q], tuple(f"f{i}" for i in range(q)))
    res = demean(X, fe, w, tol=1e-12)
    assert res.converged
    np.testing.assert_allclose(res.resid, _direct(codes[:q], X, w), atol=1e-8)
    # the coefficients reproduce the projection: X - resid = D alpha
    np.testing.assert_allclose(X[:, 0] - res.resid[:, 0], fe_sum(fe, res.alpha[:, 0]), atol=1e-12)


def test_conjugate_gradient_equals_irons_tuck():
    codes, X, w = _problem(seed=3)
    fe = factorize_fe(codes, ("a", "b", "c"))
    a_it, _, ok1 = solve_alpha(X, fe, w, tol=1e-12, method="it")
    a_cg, _, ok2 = solve_alpha(X, fe, w, tol=1e-12, method="cg")
    assert ok1 and ok2
    np.testing.assert_allclose(fe_sum(fe, a_it[:, 1]), fe_sum(fe, a_cg[:, 1]), atol=1e-8)


def test_warm_start_needs_fewer_sweeps():
    codes, X, w = _problem(seed=5)
    fe = factorize_fe(codes, ("a", "b", "c"))
    a, it_cold, _ = solve_alpha(X, fe, w, tol=1e-10)
    w2 = w * np.exp(np.random.default_rng(1).normal(0, 0.01, w.size))
    _, it_warm, _ = solve_alpha(X, fe, w2, tol=1e-10, alpha0=a)
    _, it_cold2, _ = solve_alpha(X, fe, w2, tol=1e-10)
    assert it_warm < it_cold2
