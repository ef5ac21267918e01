"""Contract of rederived.approximation.eim, on its whole domain (Hypothesis).

Domain: sample matrices are finite, real, nonzero 2-d arrays of any magnitude (subnormal to
1e300); d from 1 to the matrix's smaller side; indices distinct and within range (no negative
wrap); reduced-basis problems have square finite operators, a finite f, a basis V, an SPD X,
and finite parameter rows that are not zero (of any magnitude: the residual is the same for θ
and cθ); powers of training matrices must stay within the double range. Results: interpolants
that reproduce the samples at the selected rows and columns, selections that do not depend on
the scale of F, residual norms that agree three ways and are scale-free in θ; singular systems
refused; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.approximation.eim import (
    EIM,
    PowerEIM,
    ResidualEIM,
    greedy,
    lebesgue_constant,
    power_eim,
    residual_eim,
    residual_norms,
    skeleton,
    snapshot_coefficients,
)

COVERS = (
    "EIM",
    "PowerEIM",
    "ResidualEIM",
    "greedy",
    "lebesgue_constant",
    "power_eim",
    "residual_eim",
    "residual_norms",
    "skeleton",
    "snapshot_coefficients",
)

x = np.linspace(0, 1, 30)
y = np.linspace(0, 1, 25)
F = 1 / (1 + x[:, None] + 2 * y[None, :])  # smooth: rapid decay of the EIM error


@given(
    st.integers(1, 8),
    st.sampled_from([5e-324 * 2**40, 1e-300, 1.0, 1e300]),
    st.sampled_from(["max", "l2"]),
)
def test_selection_is_scale_free_and_interpolates(d, scale, norm):
    run = greedy(F * scale, d, norm)
    base = greedy(F, d, norm)
    assert isinstance(run, EIM)
    assert np.array_equal(run.xs, base.xs) and np.array_equal(run.ys, base.ys)
    interp = run.interpolant(F)
    assert np.allclose(interp[run.xs], F[run.xs], rtol=1e-10)
    assert np.allclose(interp[:, run.ys], F[:, run.ys], rtol=1e-8, atol=1e-12)
    assert np.allclose(skeleton(F, run.xs, run.ys), interp, atol=1e-10)
    assert lebesgue_constant(run.Q, run.xs) >= 1 - 1e-12
    beta = snapshot_coefficients(F[np.ix_(run.xs, run.ys)], F[run.xs, 3])
    assert np.allclose(F[:, run.ys] @ beta, interp[:, 3], atol=1e-10)


def reduced_problem(seed, n=12, N=3):
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((n, n))
    A = [np.eye(n) * 4 + 0.1 * (M + M.T), np.diag(np.linspace(1, 2, n))]
    V = np.linalg.qr(rng.standard_normal((n, N)))[0]
    return A, rng.standard_normal(n), V, np.eye(n) + 0.1 * np.diag(rng.random(n))


@settings(max_examples=max(5, settings.default.max_examples // 2))
@given(st.integers(0, 2**32), st.sampled_from([1e-300, 1e-8, 1.0, 1e8, 1e300]))
def test_residual_norms_agree_and_are_scale_free_in_theta(seed, scale):
    A, f, V, X = reduced_problem(seed)
    theta = np.array([[1.0, 0.5], [0.3, 2.0]])
    direct, expanded, orthogonal = residual_norms(A, scale * theta, f, V, X)
    reference = residual_norms(A, theta, f, V, X)[0]
    assert np.allclose(direct, reference, rtol=1e-12)
    assert np.allclose(orthogonal, direct, rtol=1e-10)
    assert np.allclose(expanded, direct, rtol=1e-6)
    eim = residual_eim(A, np.random.default_rng(seed).uniform(0.2, 2, (20, 2)), f, V, X, 12)
    assert isinstance(eim, ResidualEIM)
    assert np.allclose(eim.norms(scale * theta), direct, rtol=1e-6)


@given(st.integers(0, 2**32), st.integers(1, 4))
def test_power_interpolation_reproduces_its_training_matrices(seed, K):
    rng = np.random.default_rng(seed)
    mats = [0.3 * rng.standard_normal((4, 4)) for _ in range(6)]
    run = power_eim(mats, K, 6)
    assert isinstance(run, PowerEIM)
    for B in mats[:2]:
        assert np.allclose(run.family(B)[run.magic], run.magic_values(B))
    j = int(run.params[0])
    beta = run.coefficients(mats[j])
    assert np.allclose(beta, np.eye(len(beta))[0], atol=1e-8)


A0, f0, V0, X0 = reduced_problem(0)
RUN = greedy(F, 3)
BAD = [
    (lambda: greedy(np.zeros((3, 3)), 1), ValueError, "zero"),
    (lambda: greedy(F, 0), ValueError, "d"),
    (lambda: greedy(F, 40), ValueError, "d"),
    (lambda: greedy(F, 2, norm="l1"), ValueError, "norm"),
    (lambda: greedy(F + 1j, 2), TypeError, "F"),
    (lambda: greedy(F * np.nan, 2), ValueError, "finite"),
    (lambda: RUN.interpolant(F, d=0), ValueError, "d"),
    (lambda: RUN.interpolant(F, d=4), ValueError, "d"),
    (lambda: RUN.interpolant(F[:5]), ValueError, "rows"),
    (lambda: RUN.interpolant(F + 1j), TypeError, "F"),
    (lambda: lebesgue_constant(RUN.Q, [-1, 0, 1]), ValueError, "negative"),
    (lambda: lebesgue_constant(RUN.Q, [0.5, 1, 2]), ValueError, "integer"),
    (lambda: lebesgue_constant(RUN.Q, [0, 1]), ValueError, "xs"),
    (lambda: lebesgue_constant(RUN.Q, [0, 0, 1]), ValueError, "distinct"),
    (lambda: lebesgue_constant(None, [0, 1, 2]), TypeError, "Q"),
    (lambda: skeleton(np.ones((3, 3)), [0, 1], [0, 1]), ValueError, "singular"),
    (lambda: skeleton(F, [0, 40], [0, 1]), ValueError, "xs"),
    (lambda: snapshot_coefficients([[1.0, 1.0], [1.0, 1.0]], [1.0, 2.0]), ValueError, "singular"),
    (lambda: snapshot_coefficients([[5e-324]], [1.0]), ValueError, "singular"),
    (lambda: snapshot_coefficients([[1.0]], 1.0), ValueError, "values"),
    (lambda: snapshot_coefficients(np.ones((3, 2)), np.ones(3)), ValueError, "more rows"),
    (lambda: residual_norms(A0, [[0.0, 0.0]], f0, V0, X0), ValueError, "zero row"),
    (lambda: residual_norms(A0, [[np.nan, 1.0]], f0, V0, X0), ValueError, "theta"),
    (lambda: residual_norms(A0, [[1.0]], f0, V0, X0), ValueError, "theta"),
    (lambda: residual_norms(A0, [[1.0, 1.0]], f0, V0, -X0), ValueError, "positive definite"),
    (lambda: residual_norms(A0, [[1.0, 1.0]], f0[:3], V0, X0), ValueError, "f"),
    (lambda: residual_norms(A0, [[1.0, 1.0]], f0 + 1j, V0, X0), TypeError, "f"),
    (lambda: residual_norms([], [[1.0]], f0, V0, X0), TypeError, "operators"),
    (
        lambda: residual_norms([A0[0], A0[1][:3]], [[1.0, 1.0]], f0, V0, X0),
        ValueError,
        r"operators\[1\]",
    ),
    (lambda: residual_eim(A0, [[0.0, 0.0]], f0, V0, X0, 2), ValueError, "zero row"),
    (lambda: power_eim([], 3, 3), ValueError, "at least one"),
    (lambda: power_eim(None, 3, 3), TypeError, "matrices"),
    (lambda: power_eim([np.eye(2) * 1e200], 3, 3), ValueError, "overflow"),
    (lambda: power_eim([np.eye(2), np.eye(3)], 3, 3), ValueError, r"matrices\[1\]"),
    (lambda: power_eim([np.eye(2)], 10**9, 3), ValueError, "GiB"),
    (lambda: power_eim([np.eye(2)], 3, 3, entries=[7]), ValueError, "entries"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
