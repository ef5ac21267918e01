"""Contract of rederived.approximation.wls, on its whole domain (Hypothesis).

Domain: grids in [−1, 1]; feature matrices finite real (N, m) with N ≥ m ≥ 1 and independent
columns (of any scale), orthonormal on the grid where a sampler needs it; sample sizes ints ≥ 1
within the memory budget; rng a NumPy Generator; indices into the grid (no negative wrap);
values finite and real. Results: features with (1/N) ΦᵀΦ = I, samples of grid indices with
positive weights, fits exact on functions in the space, squared errors ≥ 0 at any scale; or a
ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rederived.approximation.wls import (
    best_error,
    l2_error,
    legendre_features,
    orthonormal_features,
    projection_dpp,
    sample_iid,
    volume_rescaled,
    weighted_fit,
)

COVERS = (
    "best_error",
    "l2_error",
    "legendre_features",
    "orthonormal_features",
    "projection_dpp",
    "sample_iid",
    "volume_rescaled",
    "weighted_fit",
)

GRID = np.linspace(-1, 1, 201)


@given(st.integers(1, 12), st.sampled_from([1e-300, 1e-8, 1.0, 1e8, 1e300]))
def test_orthonormal_features_at_any_column_scale(m, scale):
    raw = legendre_features(GRID, m)
    raw[:, 0] *= scale  # badly scaled, still independent
    Phi = orthonormal_features(raw)
    assert np.allclose(Phi.T @ Phi / len(GRID), np.eye(m), atol=1e-10)
    # the same space: projecting the raw features changes nothing
    for j in range(m):
        column = raw[:, j] / np.max(np.abs(raw[:, j]))
        assert best_error(Phi, column)[0] < 1e-20


@given(st.integers(1, 8), st.integers(0, 40), st.integers(0, 2**32))
def test_samplers_and_fits(m, extra, seed):
    rng = np.random.default_rng(seed)
    Phi = orthonormal_features(legendre_features(GRID, m))
    idx, w = sample_iid(Phi, m + extra, rng)
    assert idx.shape == w.shape == (m + extra,) and np.all(w > 0)
    assert np.all((0 <= idx) & (idx < len(GRID)))
    dpp = projection_dpp(Phi, rng)
    assert len(set(dpp.tolist())) == m
    vr = volume_rescaled(Phi, m + extra, rng)
    assert vr.shape == (m + extra,)
    coef = rng.standard_normal(m)
    assert np.allclose(weighted_fit(Phi, vr, Phi[vr] @ coef), coef, atol=1e-8)
    err, best = best_error(Phi, Phi @ coef)
    assert err < 1e-25 and np.allclose(best, coef)


@given(st.sampled_from([1e-150, 1e-30, 1.0, 1e30, 1e150]), st.integers(0, 2**32))
def test_squared_errors_are_nonnegative_at_any_scale(scale, seed):
    Phi = orthonormal_features(legendre_features(GRID, 3))
    f = scale * np.random.default_rng(seed).standard_normal(len(GRID))
    err = l2_error(Phi, np.zeros(3), f)
    assert np.isfinite(err) and err > 0
    assert err == pytest.approx(np.mean((f / scale) ** 2) * scale**2, rel=1e-12)


PHI = orthonormal_features(legendre_features(GRID, 3))
RNG = np.random.default_rng(0)
BAD = [
    (lambda: legendre_features([2.0], 3), ValueError, "x"),
    (lambda: legendre_features([0.5], 0), ValueError, "m"),
    (lambda: legendre_features(GRID, 10**9), ValueError, "GiB"),
    (lambda: legendre_features(["a"], 3), TypeError, "x"),
    (lambda: orthonormal_features(np.zeros((5, 2))), ValueError, "zero column"),
    (lambda: orthonormal_features(np.ones((5, 2))), ValueError, "dependent"),
    (lambda: orthonormal_features(np.zeros((5, 0))), ValueError, "m >= 1"),
    (lambda: orthonormal_features(np.ones((2, 5))), ValueError, "N >= m"),
    (lambda: orthonormal_features(np.full((5, 2), np.nan)), ValueError, "finite"),
    (lambda: orthonormal_features(np.ones((5, 2)) * 1j), TypeError, "Phi"),
    (lambda: sample_iid(np.ones((5, 2)), 3, RNG), ValueError, "orthonormal"),
    (lambda: sample_iid(PHI, 10**10, RNG), ValueError, "GiB"),
    (lambda: sample_iid(PHI, 3, None), TypeError, "rng"),
    (lambda: projection_dpp(PHI, 5), TypeError, "rng"),
    (lambda: volume_rescaled(PHI, 2, RNG), ValueError, "n >= m"),
    (lambda: weighted_fit(PHI, [-1, 0, 1], [1.0, 2.0, 3.0]), ValueError, "negative"),
    (lambda: weighted_fit(PHI, [0, 1, 2], [1.0, np.nan, 3.0]), ValueError, "finite"),
    (lambda: weighted_fit(PHI, [0, 1, 2], [1j, 1, 1]), TypeError, "y"),
    (lambda: weighted_fit(PHI, [0.5, 1, 2], [1.0, 2.0, 3.0]), ValueError, "integer"),
    (lambda: weighted_fit(PHI, [0, 0, 0], [1.0, 1.0, 1.0]), ValueError, "determines only"),
    (lambda: l2_error(PHI, [1j, 0, 0], GRID), TypeError, "coef"),
    (lambda: l2_error(PHI, [np.nan, 0, 0], GRID), ValueError, "coef"),
    (lambda: l2_error(PHI, [0, 0], GRID), ValueError, "coef"),
    (lambda: l2_error(PHI, [1e200, 0, 0], GRID * 0), ValueError, "overflows"),
    (lambda: best_error(PHI, GRID[:5]), ValueError, "f_grid"),
    (lambda: best_error(PHI, GRID * np.nan), ValueError, "f_grid"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()


def _projection_dpp_by_choice(Phi, rng):
    """The chain rule drawing each point with rng.choice, as projection_dpp once did."""
    N, m = Phi.shape
    V = Phi / np.sqrt(N)
    remaining = np.sum(V**2, axis=1)
    chosen = np.empty(m, dtype=int)
    for step in range(m):
        p = np.maximum(remaining, 0)
        i = rng.choice(N, p=p / p.sum())
        chosen[step] = i
        direction = V[i] / np.sqrt(remaining[i])
        V = V - np.outer(V @ direction, direction)
        remaining = np.sum(V**2, axis=1)
        remaining[chosen[: step + 1]] = 0
    return chosen


@given(st.integers(1, 8), st.integers(0, 40), st.integers(0, 2**32 - 1))
def test_projection_dpp_draws_as_rng_choice_would(m, extra, seed):
    # the sampler's own inverse-CDF draw consumes the generator as rng.choice does: the same
    # indices and the same generator state afterwards, down to N = m
    Phi = orthonormal_features(legendre_features(np.linspace(-1, 1, m + extra), m))
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    for _ in range(3):
        assert projection_dpp(Phi, ours).tolist() == _projection_dpp_by_choice(Phi, theirs).tolist()
    assert ours.random() == theirs.random()
