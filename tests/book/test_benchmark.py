"""Unit tests of rederived.book.benchmark."""

import time

import numpy as np
import pytest

from rederived.book.benchmark import best_time, best_times, jackknife_se, loglog_slope


def test_loglog_slope_recovers_exponents():
    x = np.arange(2, 40)
    assert loglog_slope(x, 3.0 * x**2.5) == pytest.approx(2.5, abs=1e-12)
    assert loglog_slope(x, 1 / x) == pytest.approx(-1.0, abs=1e-12)


def test_best_time_is_positive_and_counts_calls():
    calls = []
    t = best_time(lambda: calls.append(1), repeat=3, number=4)
    assert t > 0 and len(calls) == 1 + 3 * 4


@pytest.mark.parametrize(
    ("x", "y", "match"),
    [
        ([1, 2], [1, -1], "y must be positive"),
        ([1, 1], [1, 2], "two distinct"),
        ([1, 2, 3], [1, 2], "equal length"),
        ([0, 2], [1, 2], "x must be positive"),
        ([1, np.nan], [1, 2], "x must be positive and finite"),
    ],
)
def test_loglog_slope_rejects_bad_input(x, y, match):
    with pytest.raises(ValueError, match=match):
        loglog_slope(x, y)


def test_best_time_rejects_bad_input():
    with pytest.raises(TypeError, match="callable"):
        best_time(3)
    with pytest.raises(ValueError, match="repeat must be a positive int"):
        best_time(lambda: None, repeat=0)


def test_best_time_on_the_cpu_clock():
    import time as _time

    from rederived.book.benchmark import best_time as _best_time

    busy = _best_time(lambda: sum(range(200_000)), repeat=3, clock="cpu")
    asleep = _best_time(lambda: _time.sleep(0.02), repeat=2, clock="cpu")
    assert busy > 0 and asleep < 0.01  # sleeping takes wall time, not processor time
    with pytest.raises(ValueError, match="clock"):
        _best_time(lambda: None, clock="gpu")


def test_best_times_interleaves_and_keeps_each_minimum():
    order = []
    times = best_times({"a": lambda: order.append("a"), "b": lambda: order.append("b")}, repeat=3)
    assert set(times) == {"a", "b"} and all(t >= 0 for t in times.values())
    # rotating rounds, each timing after an untimed warm call of the same function
    assert order == ["a", "a", "b", "b", "b", "b", "a", "a", "a", "a", "b", "b"]
    with pytest.raises(TypeError, match="fns"):
        best_times({})
    with pytest.raises(TypeError, match="fns"):
        best_times({"a": 3})
    with pytest.raises(ValueError, match="repeat"):
        best_times({"a": print}, repeat=0)
    with pytest.raises(ValueError, match="clock"):
        best_times({"a": print}, clock="gpu")
    with pytest.raises(ValueError, match="warm_below"):
        best_times({"a": print}, warm_below=-1.0)


def test_slow_calls_skip_the_untimed_call_after_the_first_round():
    order = []

    def slow():
        order.append("slow")
        time.sleep(0.02)

    best_times({"fast": lambda: order.append("fast"), "slow": slow}, repeat=3, warm_below=0.01)
    # round 1: both warmed; later rounds: only the fast one (the slow one's best is 20 ms)
    assert order.count("slow") == 4 and order.count("fast") == 6


def test_jackknife_se_of_a_mean_is_the_standard_error():
    # for the mean, the leave-one-out values give exactly s/√n
    x = np.random.default_rng(4).normal(size=12)
    drop = np.array([np.delete(x, k).mean() for k in range(x.size)])
    assert jackknife_se(drop) == pytest.approx(x.std(ddof=1) / np.sqrt(x.size), rel=1e-12)
    assert jackknife_se([2.0, 2.0, 2.0]) == 0.0
    with pytest.raises(ValueError, match="at least 2"):
        jackknife_se([1.0])
    with pytest.raises(ValueError, match="finite"):
        jackknife_se([1.0, np.nan])


def test_best_times_keeps_each_functions_result_from_its_first_warm_up():
    calls = {"fast": 0, "slow": 0}

    def fast():
        calls["fast"] += 1
        return "f"

    def slow():
        calls["slow"] += 1
        end = time.perf_counter() + 0.02
        while time.perf_counter() < end:
            pass
        return "s"

    results = {}
    best_times({"fast": fast, "slow": slow}, repeat=3, warm_below=0.01, results=results)
    assert results == {"fast": "f", "slow": "s"}
    # the first round's warm-up gives the result: slow, 1 warm-up and 3 timed calls; fast, a
    # warm-up before each of its 3 timed calls
    assert calls["slow"] == 4
    assert calls["fast"] == 6
    with pytest.raises(TypeError, match="results"):
        best_times({"a": fast}, results=[])
