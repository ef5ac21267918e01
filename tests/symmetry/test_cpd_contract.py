"""Contract of rederived.symmetry.cpd, on its whole domain (Hypothesis).

Domain: tensors are finite, nonzero real 3-way arrays of any magnitude a double holds
(1e-300..1e300); ranks, sweeps and steps are ints ≥ 1, seeds ints ≥ 0, learning rates and
tolerances positive, weight decay ≥ 0; factors are finite (d, R) matrices of one rank; the
bilinear map takes finite real batches. Results: fits of exact low-rank tensors to rounding,
errors that are relative (scale-free) and recorded per sweep, a bilinear map equal to the
contraction with the reconstruction; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.symmetry.cpd import CP, adam, als, apply, reconstruct, relative_error

COVERS = ("CP", "adam", "als", "apply", "reconstruct", "relative_error")

scales = st.sampled_from([1e-300, 1e-20, 1.0, 1e20, 1e300, 1.7e308 / 8])


def low_rank(seed, shape, rank):
    rng = np.random.default_rng(seed)
    factors = [rng.standard_normal((n, rank)) for n in shape]
    return np.einsum("kr,ir,jr->kij", *factors)


@settings(max_examples=max(5, settings.default.max_examples // 3))
@given(st.integers(0, 2**32), st.integers(1, 3), scales)
def test_als_recovers_exact_low_rank_tensors_at_any_scale(seed, rank, scale):
    base = low_rank(seed, (3, 4, 5), rank)
    T = scale * (base / np.max(np.abs(base)))  # largest entry = scale, up to near 1.8e308
    cp = als(T, rank, sweeps=200, seed=seed)
    assert cp.rank == rank and np.all(np.isfinite(cp.errors))
    assert relative_error(T, cp) < 1e-6
    assert abs(relative_error(T, cp) - cp.errors.min()) < 1e-9


@settings(max_examples=max(5, settings.default.max_examples // 3))
@given(st.integers(0, 2**32), scales)
def test_adam_decreases_the_relative_error(seed, scale):
    base = low_rank(seed, (3, 3, 3), 2)
    T = scale * (base / np.max(np.abs(base)))
    cp = adam(T, 2, steps=200, lr=0.05, seed=seed)
    assert np.all(np.isfinite(cp.errors)) and cp.errors.min() < cp.errors[0]
    assert relative_error(T, cp) == pytest.approx(cp.errors.min(), rel=1e-9)


@given(st.integers(0, 2**32), st.integers(0, 3))
def test_the_bilinear_map_is_the_contraction_with_the_reconstruction(seed, batch):
    rng = np.random.default_rng(seed)
    cp = CP(*(rng.standard_normal((n, 2)) for n in (3, 4, 5)), errors=[0.1])
    x, y = rng.standard_normal((batch, 4)), rng.standard_normal((batch, 5))
    out = apply(cp, x, y)
    assert out.shape == (batch, 3)
    assert np.allclose(out, np.einsum("kij,ni,nj->nk", reconstruct(cp), x, y))


T0 = low_rank(0, (2, 3, 4), 2)
CP0 = als(T0, 2, sweeps=3)
BAD = [
    (lambda: als(np.zeros((2, 2, 2)), 1), ValueError, "zero"),
    (lambda: als(np.ones((2, 2)), 1), ValueError, "3-way"),
    (lambda: als(T0 * np.nan, 1), ValueError, "finite"),
    (lambda: als(T0 * 1j, 1), TypeError, "T"),
    (lambda: als(T0, 0), ValueError, "rank"),
    (lambda: als(T0, 1, sweeps=0), ValueError, "sweeps"),
    (lambda: als(T0, 1, seed=-1), ValueError, "seed"),
    (lambda: als(T0, 1, tol=0.0), ValueError, "tol"),
    (lambda: adam(T0, 1, lr=-1.0), ValueError, "lr"),
    (lambda: adam(T0, 1, steps=1.5), ValueError, "steps"),
    (lambda: adam(T0, 1, weight_decay=-1.0), ValueError, "weight_decay"),
    (lambda: adam(T0, 1, weight_decay="a"), TypeError, "weight_decay"),
    (lambda: apply(CP0, np.full(3, np.nan), np.ones(4)), ValueError, "finite"),
    (lambda: apply(CP0, np.ones(3) * 1j, np.ones(4)), TypeError, "x"),
    (lambda: apply(CP0, np.ones(2), np.ones(4)), ValueError, "components"),
    (lambda: apply(CP0, 1.0, np.ones(4)), ValueError, "components"),
    (lambda: apply(CP0, np.ones((3, 3)), np.ones((4, 4))), ValueError, "do not broadcast"),
    (lambda: apply(CP0, np.full(3, 1e300), np.full(4, 1e300)), ValueError, "overflows"),
    (lambda: relative_error(np.ones((3, 3, 3)), CP0), ValueError, "shape"),
    (lambda: CP(np.ones((2, 2)), np.ones((3, 1)), np.ones((4, 2)), []), ValueError, "rank"),
    (lambda: CP(np.ones((2, 2)) * np.nan, np.ones((3, 2)), np.ones((4, 2)), []), ValueError, "A"),
    (lambda: CP(np.ones(2), np.ones((3, 2)), np.ones((4, 2)), []), ValueError, "A"),
    (lambda: CP(np.ones((2, 2)), np.ones((3, 2)) * 1j, np.ones((4, 2)), []), TypeError, "B"),
    (
        lambda: reconstruct(CP(*(np.full((n, 1), 1e200) for n in (2, 2, 2)), [])),
        ValueError,
        "overflows",
    ),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
