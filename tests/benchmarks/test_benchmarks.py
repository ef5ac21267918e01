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
