"""Benchmark rows of Part III (approximating functions)."""

from __future__ import annotations

import numpy as np

from rederived.benchmarks import Row, row


@row
def log_bessel() -> Row:
    """log I_v(x) at random points, log-uniform in v ∈ [1e-2, 1e4] and x ∈ [1e-8, 1e5]."""
    import mpmath
    from scipy import special

    from rederived.approximation import bessel

    def make(n):
        rng = np.random.default_rng(n)
        return 10 ** rng.uniform(-2, 4, n), 10 ** rng.uniform(-8, 5, n)

    def scipy_form(inputs):
        v, x = inputs
        with np.errstate(all="ignore"):
            return np.log(special.ive(v, x)) + x

    def reference(inputs):
        v, x = inputs
        with mpmath.workdps(30):
            return np.array(
                [float(mpmath.log(mpmath.besseli(a, b))) for a, b in zip(v, x, strict=True)]
            )

    def units(computed, exact):
        v, x = make(len(exact))
        with np.errstate(all="ignore"):
            e = bessel.error_units(computed, exact, v, x)
        return float(np.max(np.where(np.isfinite(e), e, np.inf)))

    return Row(
        family="log-Bessel",
        chapter="approximation/log-bessel",
        kernel="rederived.approximation.bessel.log_iv (series, Debye, Hankel, SciPy by region)",
        baseline="SciPy log(ive(v, x)) + x (fails where ive underflows)",
        peer="mpmath besseli at 30 digits (accuracy reference)",
        size_name="points",
        sizes=(100, 1_000, 10_000, 100_000, 300_000),
        make=make,
        run_kernel=lambda inputs: bessel.log_iv(*inputs),
        run_baseline=scipy_form,
        run_peer=reference,
        peer_sizes=1,
        error=units,
        error_name="largest error in rounding units (ε·conditioning; inf where not finite)",
        tolerance=100.0,
        fit_from=2,
        baseline_exact=False,
        note="SciPy's form returns -inf or nan on part of the range, so its disagreement is "
        "infinite there; mpmath runs on the smallest size only.",
    )
