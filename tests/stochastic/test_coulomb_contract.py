"""Contract of rederived.stochastic.coulomb, on its whole domain (Hypothesis).

Domain: f(r) = Σ c_p r^(2p) with 2 to MAX_COEFFICIENTS finite rational coefficients (not all of
c_1, ... zero) and cumulant orders up to MAX_ORDER (radial), 4 (counting, samples); sizes n ≥ 1
and sample counts within a 2 GiB budget; the disk radius in (0, 1). Results: exact cumulants
that agree with direct numerical integration over Kostlan's Gamma laws, counting cumulants that
obey the Bernoulli bounds, k-statistics with the right shift and scale behaviour, samples of the
right shape in the unit disk's scale; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import integrate, stats

from rederived.stochastic import coulomb

COVERS = (
    "beta_hermite_traces",
    "dirichlet_variance",
    "disk_counting_cumulants",
    "ginibre_eigenvalues",
    "kostlan_moduli",
    "radial_cumulants",
    "sample_cumulants",
)

COEFFS = st.lists(st.integers(-3, 3), min_size=2, max_size=4).filter(lambda c: any(c[1:]))
# the exact cumulants are symbolic sums (about a second each): a third of the profile's examples
SYMBOLIC = settings(max_examples=max(5, settings.default.max_examples // 3))


def term_moments(coeffs, n, k):
    """Mean and variance of f(√(G/n)), G ~ Gamma(k, 1), by numerical quadrature."""

    def f(g):
        return sum(c * (g / n) ** p for p, c in enumerate(coeffs))

    density = stats.gamma(k).pdf
    mean = integrate.quad(lambda g: f(g) * density(g), 0, np.inf)[0]
    second = integrate.quad(lambda g: f(g) ** 2 * density(g), 0, np.inf)[0]
    return mean, second - mean**2


@SYMBOLIC
@given(COEFFS, st.integers(1, 4))
def test_exact_cumulants_agree_with_quadrature(coeffs, n):
    kappa = coulomb.radial_cumulants(coeffs, 2)
    moments = [term_moments(coeffs, n, k) for k in range(1, n + 1)]
    mean, var = sum(m for m, _ in moments), sum(v for _, v in moments)
    assert math.isclose(float(kappa[0].subs(coulomb.N, n)), mean, rel_tol=1e-7, abs_tol=1e-9)
    assert math.isclose(float(kappa[1].subs(coulomb.N, n)), var, rel_tol=1e-6, abs_tol=1e-9)


@SYMBOLIC
@given(COEFFS)
def test_the_dirichlet_variance_is_the_large_n_variance(coeffs):
    kappa2 = coulomb.radial_cumulants(coeffs, 2)[1]
    assert sp.limit(kappa2, coulomb.N, sp.oo) == coulomb.dirichlet_variance(coeffs)


@given(st.integers(1, 3000), st.floats(1e-6, 1 - 1e-6), st.integers(1, 4))
def test_counting_cumulants_obey_the_bernoulli_bounds(n, radius, q_max):
    k = coulomb.disk_counting_cumulants(n, radius, q_max)
    assert k.shape == (q_max,) and np.all(np.isfinite(k))
    assert -1e-9 <= k[0] <= n + 1e-9
    if q_max >= 2:
        assert -1e-12 <= k[1] <= min(k[0], n - k[0]) + 1e-9
    for extra in k[2:]:
        assert abs(extra) <= k[1] + 1e-9


@given(
    hnp.arrays(float, st.integers(5, 60), elements=st.floats(-1e3, 1e3)),
    st.floats(-1e3, 1e3),
    st.sampled_from([0.5, 2.0, -3.0]),
)
def test_k_statistics_shift_and_scale(x, shift, scale):
    k = coulomb.sample_cumulants(x)
    moved = coulomb.sample_cumulants(scale * x + shift)
    assert np.all(np.isfinite(k))
    assert math.isclose(moved[0], scale * k[0] + shift, rel_tol=1e-9, abs_tol=1e-6)
    for q in (2, 3, 4):
        assert math.isclose(moved[q - 1], scale**q * k[q - 1], rel_tol=1e-6, abs_tol=1e-3)


@given(st.integers(1, 12), st.integers(1, 5), st.integers(0, 2**32))
def test_samples_have_their_shape_and_scale(n, samples, seed):
    z = coulomb.ginibre_eigenvalues(n, samples, seed=seed)
    r = coulomb.kostlan_moduli(n, samples, seed=seed)
    assert z.shape == r.shape == (samples, n)
    assert np.all(np.isfinite(z)) and np.all(r >= 0)
    # the unit disk's scale: no modulus beyond a few times the edge
    assert np.abs(z).max() < 4 and r.max() < 4
    assert np.array_equal(r, coulomb.kostlan_moduli(n, samples, seed=seed))


@given(st.integers(2, 9), st.sampled_from([1e-6, 0.05, 1.0, 2.0, 20.0, 1e6]), st.integers(0, 2**32))
def test_beta_hermite_traces_are_those_of_the_eigenvalues(n, beta, seed):
    # the same draws, in the same order, as a dense tridiagonal matrix diagonalised
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((3, n))
    b = np.sqrt(rng.chisquare(beta * np.arange(n - 1, 0, -1), size=(3, n - 1)) / 2)
    traces = coulomb.beta_hermite_traces(n, 3, beta, powers=(1, 2, 3, 4), seed=seed)
    for k in range(3):
        H = np.diag(a[k]) + np.diag(b[k], 1) + np.diag(b[k], -1)
        lam = np.linalg.eigvalsh(H) / np.sqrt(2 * beta * n)
        expected = [np.sum(lam**p) for p in (1, 2, 3, 4)]
        assert np.allclose(traces[:, k], expected, rtol=1e-10, atol=1e-12)


def test_beta_hermite_fourth_moment_matches_the_dense_ensembles():
    # E tr H⁴ of the GUE (β = 2, density ∝ e^{−tr H²/2}) is 2n³ + n; of the GOE (β = 1),
    # (2n³ + 5n² + 5n)/4: known closed forms, independent of the tridiagonal model
    n = 30
    for beta, exact in ((2.0, 2 * n**3 + n), (1.0, (2 * n**3 + 5 * n**2 + 5 * n) / 4)):
        L4 = coulomb.beta_hermite_traces(n, 100_000, beta, powers=(4,), seed=11)[0]
        tr4 = L4 * (2 * beta * n) ** 2
        assert abs(tr4.mean() - exact) < 5 * tr4.std() / np.sqrt(tr4.size)


BAD = [
    (lambda: coulomb.beta_hermite_traces(1, 3, 2.0), ValueError, "n must"),
    (lambda: coulomb.beta_hermite_traces(5, 0, 2.0), ValueError, "samples"),
    (lambda: coulomb.beta_hermite_traces(5, 3, 0.0), ValueError, "beta"),
    (lambda: coulomb.beta_hermite_traces(5, 3, 1e-300), ValueError, "beta"),
    (lambda: coulomb.beta_hermite_traces(5, 3, 1e7), ValueError, "beta"),
    (
        lambda: coulomb.beta_hermite_traces(2, 4_000_000_000, 2.0, powers=(1, 2, 3, 4)),
        ValueError,
        "GiB",
    ),
    (lambda: coulomb.beta_hermite_traces(5, 3, float("nan")), ValueError, "beta"),
    (lambda: coulomb.beta_hermite_traces(5, 3, True), ValueError, "beta"),
    (lambda: coulomb.beta_hermite_traces(5, 3, 2.0, powers=(5,)), ValueError, "powers"),
    (lambda: coulomb.beta_hermite_traces(5, 3, 2.0, powers=()), ValueError, "powers"),
    (lambda: coulomb.beta_hermite_traces(5, 3, 2.0, powers="24"), TypeError, "powers"),
    (lambda: coulomb.beta_hermite_traces(10**9, 10**3, 2.0), ValueError, "1e10"),
    (lambda: coulomb.beta_hermite_traces(10**9, 1, 2.0), ValueError, "GiB"),
    (lambda: coulomb.radial_cumulants([1]), ValueError, "coeffs"),
    (lambda: coulomb.radial_cumulants("12"), ValueError, "coeffs"),
    (lambda: coulomb.radial_cumulants([1, 0, 0]), ValueError, "depend on r"),
    (lambda: coulomb.radial_cumulants([0, float("nan")]), ValueError, "finite"),
    (lambda: coulomb.radial_cumulants([0, float("inf")]), ValueError, "finite"),
    (lambda: coulomb.radial_cumulants([0, 1j]), TypeError, "rational"),
    (lambda: coulomb.radial_cumulants([0, True]), TypeError, "rational"),
    (lambda: coulomb.radial_cumulants([0, 1], 0), ValueError, "q_max"),
    (lambda: coulomb.radial_cumulants([0, 1], 50), ValueError, "q_max"),
    (lambda: coulomb.radial_cumulants(list(range(20))), ValueError, "at most"),
    (lambda: coulomb.dirichlet_variance([0, float("nan")]), ValueError, "finite"),
    (lambda: coulomb.disk_counting_cumulants(10, 1.0), ValueError, "radius"),
    (lambda: coulomb.disk_counting_cumulants(10, float("nan")), ValueError, "radius"),
    (lambda: coulomb.disk_counting_cumulants(10, 0.5, 5), ValueError, "q_max"),
    (lambda: coulomb.disk_counting_cumulants(0, 0.5), ValueError, "n must"),
    (lambda: coulomb.disk_counting_cumulants(10**12, 0.5), ValueError, "GiB"),
    (lambda: coulomb.ginibre_eigenvalues(10**5, 1), ValueError, "GiB"),
    (lambda: coulomb.ginibre_eigenvalues(3, 0), ValueError, "samples"),
    (lambda: coulomb.kostlan_moduli(10**6, 10**6), ValueError, "GiB"),
    (lambda: coulomb.kostlan_moduli(2.0, 3), ValueError, "n must"),
    (lambda: coulomb.sample_cumulants([1.0, 2.0]), ValueError, "values"),
    (lambda: coulomb.sample_cumulants(np.ones(10) * 1j), TypeError, "values"),
    (lambda: coulomb.sample_cumulants([1.0, 2, 3, 4, np.nan]), ValueError, "values"),
    (lambda: coulomb.sample_cumulants(np.ones(10), 5), ValueError, "q_max"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
