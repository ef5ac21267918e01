"""Contract of rederived.algorithms.hamming, on its whole domain (Hypothesis).

Domain: text and pattern are non-empty str or 1-D arrays of any integer dtype (bool, int8..int64,
uint8..uint64, the full range of each), the pattern no longer than the text; ``method`` one of
naive, fft, split; ``threshold`` a positive real (inf: every symbol by pairs). Everything else is
refused with a ValueError or TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rederived.algorithms import hamming

COVERS = ("text_to_pattern", "approximate", "operation_count")

INTEGER_DTYPES = st.sampled_from(
    [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
)


@st.composite
def text_and_pattern(draw):
    """Two integer sequences, each of its own dtype, over a small alphabet drawn from the dtypes'
    whole range (extremes included), so that matches happen."""
    dtypes = [np.dtype(draw(INTEGER_DTYPES)) for _ in range(2)]
    common = [int(v) for v in np.array([0, 1])]  # values every dtype holds
    for d in dtypes:
        if d.kind in "iu":
            info = np.iinfo(d)
            common += [int(info.min), int(info.max)]
    alphabet = st.sampled_from(sorted(set(common)))
    n = draw(st.integers(1, 40))
    m = draw(st.integers(1, n))
    values_t = draw(st.lists(alphabet, min_size=n, max_size=n))
    values_p = draw(st.lists(alphabet, min_size=m, max_size=m))

    def fit(values, d):
        if d.kind == "b":
            return np.array([v != 0 for v in values], dtype=d), [int(v != 0) for v in values]
        info = np.iinfo(d)
        kept = [v if info.min <= v <= info.max else 0 for v in values]
        return np.array(kept, dtype=d), kept

    (t, vt), (p, vp) = fit(values_t, dtypes[0]), fit(values_p, dtypes[1])
    return t, p, vt, vp


def reference(vt, vp):
    """Distances by Python integers, one alignment at a time."""
    m = len(vp)
    return [
        sum(a != b for a, b in zip(vt[i : i + m], vp, strict=True)) for i in range(len(vt) - m + 1)
    ]


@given(text_and_pattern(), st.sampled_from(["naive", "fft", "split", "auto"]))
def test_every_method_is_exact_on_any_integer_dtype(case, method):
    t, p, vt, vp = case
    out = hamming.text_to_pattern(t, p, method)
    assert out.dtype == np.int64
    assert list(out) == reference(vt, vp)


@given(st.text(min_size=1, max_size=30), st.data(), st.sampled_from([1.0, 2.5, np.inf]))
def test_str_input_and_any_threshold(text, data, threshold):
    m = data.draw(st.integers(1, len(text)))
    start = data.draw(st.integers(0, len(text) - m))
    pattern = text[start : start + m]
    out = hamming.text_to_pattern(text, pattern, "split", threshold=threshold)
    assert list(out) == reference(list(text), list(pattern))
    assert out[start] == 0


@given(text_and_pattern(), st.integers(1, 2**62), st.integers(0, 2**32))
def test_approximation_stays_in_range(case, samples, seed):
    t, p, _, vp = case
    estimate = hamming.approximate(t, p, samples, seed=seed)
    assert estimate.shape == (t.size - p.size + 1,)
    assert np.all(np.isfinite(estimate))
    assert np.all((estimate >= 0) & (estimate <= len(vp)))


@given(st.integers(1, 2**200), st.data(), st.sampled_from(["naive", "fft", "split"]))
def test_operation_count_is_finite_and_positive(n, data, method):
    # any int size: once a NumPy log2 of a Python int beyond int64 failed without naming it
    m, sigma = data.draw(st.integers(1, n)), data.draw(st.integers(1, 2**200))
    cost = hamming.operation_count(n, m, sigma, method)
    assert np.isfinite(cost) and cost > 0


BAD = [
    (lambda: hamming.text_to_pattern(np.array([1.5, 2.0]), [1]), TypeError, "text"),
    (lambda: hamming.text_to_pattern([1, 2], np.array([1j])), TypeError, "pattern"),
    (lambda: hamming.text_to_pattern(np.array(["a", "b"]), [1]), TypeError, "text"),
    (lambda: hamming.text_to_pattern([1, 2], np.array([1], dtype=object)), TypeError, "pattern"),
    (lambda: hamming.text_to_pattern(np.zeros((2, 2), int), [1]), ValueError, "text"),
    (lambda: hamming.text_to_pattern([1, 2], []), ValueError, "pattern"),
    (lambda: hamming.text_to_pattern("", ""), ValueError, "text"),
    (lambda: hamming.text_to_pattern("abc", ""), ValueError, "pattern"),
    (lambda: hamming.text_to_pattern([1], [1, 2]), ValueError, "longer"),
    (lambda: hamming.text_to_pattern([1, 2], [1], "fast"), ValueError, "method"),
    (
        lambda: hamming.text_to_pattern([1, 2], [1], "split", threshold=float("nan")),
        ValueError,
        "threshold",
    ),
    (lambda: hamming.text_to_pattern([1, 2], [1], "split", threshold=-1), ValueError, "threshold"),
    (
        lambda: hamming.text_to_pattern([1, 2], [1], "split", threshold=True),
        ValueError,
        "threshold",
    ),
    (
        lambda: hamming.text_to_pattern([1, 2], [1], threshold=2),
        ValueError,
        "only used by the split",
    ),
    (lambda: hamming.text_to_pattern([1, 2], [1], "fft", threshold=-5), ValueError, "only used"),
    (lambda: hamming.text_to_pattern([1, 2], [1], "naive", threshold=3), ValueError, "only used"),
    (lambda: hamming.approximate([1, 2], [1], 0), ValueError, "samples"),
    (lambda: hamming.approximate([1, 2], [1], 2.0), ValueError, "samples"),
    (lambda: hamming.approximate([1, 2], [1], 2**63), ValueError, "samples"),
    (lambda: hamming.approximate([1, 2], [1], 5, seed="x"), TypeError, "seed"),
    (lambda: hamming.operation_count(0, 1, 1, "naive"), ValueError, "n must"),
    (lambda: hamming.operation_count(1, 1.0, 1, "naive"), ValueError, "m must"),
    (lambda: hamming.operation_count(1, 1, 1, "other"), ValueError, "method"),
    (lambda: hamming.operation_count(10, 100, 4, "naive"), ValueError, "longer"),
    (lambda: hamming.text_to_pattern("abc", np.array([97])), TypeError, "both be str"),
    (lambda: hamming.text_to_pattern([97, 98], "a"), TypeError, "both be str"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()


def test_operation_count_beyond_a_float_is_refused_by_name():
    # 10**400 raised an OverflowError from the float conversion
    with pytest.raises(ValueError, match="below 2\\*\\*1000"):
        hamming.operation_count(10**400, 10, 10, "naive")
