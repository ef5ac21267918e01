"""The benchmark registry and its measurement (the rows run in the Benchmarks chapter)."""

from __future__ import annotations

import numpy as np
import pytest

from rederived import benchmarks
from rederived.benchmarks import Row, measure


def toy(**changes) -> Row:
    fields = dict(
        family="sorting",
        chapter="front/how-claims-are-checked",
        kernel="numpy.sort",
        baseline="sorted()",
        peer="numpy.argsort",
        size_name="n",
        sizes=(100, 200, 400),
        make=lambda n: np.random.default_rng(n).random(n),
        run_kernel=np.sort,
        run_baseline=lambda x: np.array(sorted(x)),
        run_peer=lambda x: x[np.argsort(x)],
        peer_sizes=2,
        error=lambda a, b: float(np.max(np.abs(a - b))),
        error_name="largest difference",
        tolerance=0.0,
        fit_from=0,
    )
    fields.update(changes)
    return Row(**fields)


def test_measure_times_every_size_and_checks_agreement():
    m = measure(lambda: toy(), repeat=1)
    assert len(m.times["kernel"]) == len(m.times["baseline"]) == 3
    assert len(m.times["peer"]) == 2 and m.sizes("peer") == [100, 200]
    assert m.worst_error("baseline") == 0.0 and m.worst_error("peer") == 0.0
    assert np.isfinite(m.exponent("kernel")) and m.ratio("baseline") > 0
    assert "kernel" not in m.errors


def test_disagreement_beyond_tolerance_raises_unless_the_baseline_is_approximate():
    wrong = toy(run_baseline=lambda x: np.sort(x) + 1e-3)
    with pytest.raises(AssertionError, match="baseline disagrees"):
        measure(lambda: wrong, repeat=1)
    m = measure(
        lambda: toy(run_baseline=lambda x: np.sort(x) + 1e-3, baseline_exact=False), repeat=1
    )
    assert m.worst_error("baseline") == pytest.approx(1e-3)


def test_exponent_needs_two_sizes_and_speed_bound_is_checked():
    m = measure(lambda: toy(peer_sizes=1), repeat=1)
    assert m.exponent("peer") is None
    with pytest.raises(AssertionError, match="faster than the baseline"):
        measure(lambda: toy(faster_than_baseline=1e12), repeat=1).check_speed()


def test_every_registered_row_is_well_formed():
    assert {"pcf_convergents", "real_harmonics", "gaunt_product", "log_bessel"} <= set(
        benchmarks.ROWS
    )
    for factory in benchmarks.ROWS.values():
        r = factory()
        assert list(r.sizes) == sorted(set(r.sizes)) and len(r.sizes) >= 3
        assert r.tolerance >= 0 and 0 <= r.fit_from < len(r.sizes) - 1
        assert r.run_peer is not None or r.note, f"{r.family}: say why there is no peer"
        assert set(r.theory) <= {"kernel", "baseline", "peer"}
        assert r.theory_note, f"{r.family}: say what cost exponents to expect, or why none"


@pytest.mark.needs_book
@pytest.mark.parametrize(
    ("name", "against"),
    [
        ("rounding_to_fp16", "baseline"),
        ("real_harmonics", "peer"),
        ("gaunt_coefficients", "baseline"),
    ],
)
def test_a_rows_ratio_repeats_within_twenty_percent(name, against, built_book):
    # a row's ratio is a result, not noise: estimated twice in one process (processor time,
    # interleaved rounds), it may not move by more than 20 %. The rows: the one whose ratio once
    # swung fivefold (rounding, memory-bound), a target against a compiled peer, and a target
    # against a baseline. Each estimate is the median of five measurements: beside a parallel
    # test worker, single measurements move by up to about 20 % (1.42 against 1.16 for the
    # rounding row in a CI run), and the page, which shows one measurement per row, says so.
    # `built_book` waits for `make test`'s background build: a third process on the two cores
    # moved the memory-bound rounding row's ratio by 29 % in one CI run (1.39 against 1.08)
    # The two estimates take turns (odd against even measurements), so that a change in
    # the load from the other worker's notebooks falls on both alike: measured one after the
    # other, the rounding row's two medians moved by 24 % in a full run with a notebook beside
    # (medians of three, used until then, fell just outside the bound in two runs beside a
    # loaded worker, 0.82 for gaunt_coefficients-baseline; five were taken instead, and the 20 %
    # bound itself is unchanged).
    ratios = [measure(benchmarks.ROWS[name]).ratio(against) for _ in range(10)]
    first, second = float(np.median(ratios[0::2])), float(np.median(ratios[1::2]))
    assert 1 / 1.2 <= first / second <= 1.2, (first, second)


def test_rows_refuse_targets_they_cannot_measure():
    with pytest.raises(ValueError, match="timed peer"):
        toy(peer_timed=False, target=benchmarks.Target("peer", 1.0))
    with pytest.raises(ValueError, match="two sizes"):
        toy(peer_sizes=1, target=benchmarks.Target("peer", 1.0, exponent=True))


def test_targets_are_checked_against_the_named_method():
    m = measure(lambda: toy(target=benchmarks.Target("baseline", 1e12)), repeat=1)
    assert m.target_met() is False
    m = measure(lambda: toy(target=benchmarks.Target("peer", 1e-12)), repeat=1)
    assert m.target_met() is True
    assert measure(lambda: toy(), repeat=1).target_met() is None
    steep = toy(  # the same sort after a quadratic amount of extra work
        run_kernel=lambda x: (np.subtract.outer(x, x).sum(), np.sort(x))[1],
        run_baseline=np.sort,
        target=benchmarks.Target("baseline", 1e-12, exponent=True),
    )
    assert measure(lambda: steep, repeat=1).target_met() is False
    with pytest.raises(ValueError, match="against"):
        benchmarks.Target("naive", 1.0)
    with pytest.raises(ValueError, match="at_least"):
        benchmarks.Target("peer", 0.0)


def test_an_accuracy_reference_is_compared_but_not_timed():
    m = measure(lambda: toy(peer_timed=False), repeat=1)
    assert "peer" not in m.times and m.errors["peer"] == [0.0, 0.0]


def test_exponents_are_fitted_against_the_declared_work():
    # the same timings read against a work that grows as the size squared: the exponent
    # against the work is the one against the size, halved
    plain = measure(lambda: toy(fit_from=0), repeat=1)
    squared = benchmarks.Measurement(toy(fit_from=0, work=lambda n: float(n) ** 2), plain.times)
    assert squared.exponent("kernel") == pytest.approx(plain.exponent("kernel") / 2)
    assert squared.exponent("baseline") == pytest.approx(plain.exponent("baseline") / 2)
