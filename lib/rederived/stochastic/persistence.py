"""Persistence of stationary Gaussian processes: the independent interval approximation (IIA),
its interval density, and simulation.

A stationary Gaussian process X(T) with unit variance and correlation f(T) changes sign at the
Rice rate √(−f''(0))/π. Its *persistence probability* S(T), the chance of no sign change in
[0, T], decays as e^(−θT); θ is the persistence exponent. The IIA replaces sign(X) by a
switching process with independent intervals whose correlation is the clipped correlation
A(T) = (2/π)·arcsin f(T). Matching the two in Laplace space gives θ as the root of

    (θ⟨T⟩/2)·(1 + θ ∫₀^∞ A(T) e^{θT} dT) = 1,    ⟨T⟩ = π / √(−f''(0)),

and the density P(t) of the intervals as the solution of the renewal equation
P = g + g∗P with g = (⟨T⟩/4)·A''. The chapter *Persistence and the independent interval
approximation* derives both and checks them against simulation (:func:`simulate_stationary`).
"""

from __future__ import annotations

from collections.abc import Callable

import mpmath
import numpy as np
from scipy import integrate

from rederived._checks import count as _count
from rederived._checks import memory as _memory
from rederived._checks import nonnegative as _nonnegative
from rederived._checks import positive as _positive
from rederived._checks import real_array as _real

#: the most grid points :func:`iia_interval_density` solves the renewal equation on
MAX_DENSITY_POINTS = 50_000

#: how far below zero :func:`iia_exponent` lets a correlation go (then it takes the smallest root)
NEGATIVE_TOLERANCE = 1e-3

__all__ = [
    "diffusion_correlation",
    "iia_excess",
    "iia_exponent",
    "iia_exponent_diffusion",
    "iia_interval_density",
    "interval_lengths",
    "persistence_probability",
    "simulate_stationary",
]


def diffusion_correlation(d: object) -> Callable:
    """Correlation in log-time T = ln t of the diffusion field from random initial conditions in
    ``d`` dimensions: f(T) = sech(T/2)^(d/2). Works on floats, arrays and mpmath numbers."""
    half_d = _positive(d, "d") / 2

    def f(T):
        if isinstance(T, mpmath.mpf | mpmath.mpc):
            return mpmath.sech(T / 2) ** half_d
        # sech(T/2) = 2 e^{-|T|/2} / (1 + e^{-|T|}), which neither overflows nor cancels
        u = np.exp(-np.abs(np.asarray(T, dtype=float)) / 2)
        return (2 * u / (1 + u * u)) ** half_d

    return f


def iia_exponent(
    correlation: Callable,
    curvature: object,
    decay: object,
    *,
    dps: int = 25,
) -> float:
    """Persistence exponent θ of the independent interval approximation.

    Parameters
    ----------
    correlation : callable
        f(T) for T ≥ 0, accepting mpmath numbers; f(0) = 1, and f ≥ −1e-3 on
        [0, max(40/κ, 40)] (:data:`NEGATIVE_TOLERANCE`): a correlation that goes further below
        zero is refused (scan its roots with :func:`iia_excess`); one that dips below zero less
        gets the smallest root.
    curvature : float
        −f''(0) > 0 (the Rice rate of sign changes is √curvature/π).
    decay : float
        Rate κ of the correlation's exponential decay, f(T) ~ e^(−κT). The IIA equation's
        integral converges for θ < κ, where the root is sought.
    dps : int
        Working precision of the quadrature and root (digits); the result is good to about
        ``dps − 10`` digits, and at least 10 with the default.

    Returns
    -------
    float
    """
    curvature, decay = _positive(curvature, "curvature"), _positive(decay, "decay")
    dps = _count(dps, "dps", 15)
    if not callable(correlation):
        raise TypeError("correlation must be callable")
    # For a correlation that never goes negative the IIA equation's left side rises through a
    # single root. One that oscillates can have several roots or none, and once the IIA's own
    # pair of roots has left the real axis the smallest real root belongs to another branch
    # (a spurious exponent): a clearly negative correlation is refused, a barely negative one
    # (at most NEGATIVE_TOLERANCE) gets the smallest root, found by a scan.
    span = max(40 / decay, 40.0)
    lowest = min(float(correlation(mpmath.mpf(k) * span / 400)) for k in range(1, 401))
    if lowest < -NEGATIVE_TOLERANCE:
        raise ValueError(
            f"correlation changes sign (down to {lowest:.3g}): the IIA equation may then have "
            "several roots or none, and the smallest may belong to another branch; scan them "
            "with iia_excess"
        )
    with mpmath.workdps(dps):
        mean_interval = mpmath.pi / mpmath.sqrt(curvature)

        def clipped(T):
            value = correlation(T)
            if not -1 <= value <= 1:
                raise ValueError(f"correlation({T}) = {value} is not in [-1, 1]")
            return 2 / mpmath.pi * mpmath.asin(value)

        def excess(theta):
            cuts = [0, 1, 5, 20, 80, mpmath.inf]
            integral = mpmath.quad(lambda T: clipped(T) * mpmath.exp(theta * T), cuts)
            return theta * mean_interval / 2 * (1 + theta * integral) - 1

        lo = mpmath.mpf(decay) * 1e-6
        hi = mpmath.mpf(decay) * (1 - mpmath.mpf(10) ** -3)
        if lowest < 0:  # barely negative: bracket the smallest root by a scan from below
            points = [lo + (hi - lo) * k / 40 for k in range(41)]
            first = next((k for k, t in enumerate(points) if excess(t) > 0), None)
            if first is None:
                raise ValueError("no IIA root below the decay rate: is `decay` too small?")
            lo, hi = points[max(first - 1, 0)], points[first]
        elif excess(hi) <= 0:
            # the left side grows from −1 at θ = 0 to +∞ as θ → κ: a single root below κ
            raise ValueError("no IIA root below the decay rate: is `decay` too small?")
        root = mpmath.findroot(excess, (lo, hi), solver="anderson")
        return float(root)


def iia_excess(correlation: Callable, curvature: object, theta: object) -> float:
    """The IIA equation's left side minus one, θ⟨T⟩/2 · (1 + θ ∫₀^∞ A(T) e^(θT) dT) − 1, with
    A = (2/π) asin f and ⟨T⟩ = π/√curvature, in double precision (SciPy quadrature).

    Its zeros in θ > 0 are the IIA's candidate exponents; :func:`iia_exponent` finds the one of
    an exponentially decaying correlation at high precision. This function is for scanning
    correlations that decay faster than any exponential (the integral converges for every θ),
    where roots can appear, merge and leave the real axis as a parameter moves.

    Parameters
    ----------
    correlation : callable
        f(T) for T ≥ 0 on floats, f(0) = 1, with |f| ≤ 1; it must decay so fast that
        A(T) e^(θT) is negligible beyond T = 40 + 2θ (a Gaussian-type decay).
    curvature : float
        −f''(0) > 0.
    theta : float
        In [0, 20] (beyond, e^(θT) overflows the quadrature's accuracy).
    """
    curvature = _positive(curvature, "curvature")
    theta = float(_nonnegative(theta, "theta"))
    if theta > 20:
        raise ValueError(f"theta must be at most 20, got {theta}")
    if not callable(correlation):
        raise TypeError("correlation must be callable")

    def integrand(T):
        value = float(correlation(T))
        if not -1 <= value <= 1:
            raise ValueError(f"correlation({T}) = {value} is not in [-1, 1]")
        return 2 / np.pi * np.arcsin(value) * np.exp(theta * T)

    integral = integrate.quad(integrand, 0, 40 + 2 * theta, limit=500, epsabs=1e-12, epsrel=1e-9)[0]
    return theta * np.pi / np.sqrt(curvature) / 2 * (1 + theta * integral) - 1


def iia_exponent_diffusion(d: object, *, dps: int = 25) -> float:
    """IIA persistence exponent of d-dimensional diffusion from random initial conditions
    (correlation sech(T/2)^(d/2), curvature d/8, decay d/4)."""
    d = _positive(d, "d")
    return iia_exponent(diffusion_correlation(d), d / 8, d / 4, dps=dps)


def iia_interval_density(g: object, h: object) -> np.ndarray:
    """Density P of the IIA's intervals on the grid t_k = k·h, from g = (⟨T⟩/4)·A''.

    Solves the renewal equation P(t) = g(t) + ∫₀ᵗ P(u) g(t − u) du by the trapezoidal rule
    (second order in h). A valid IIA needs P ≥ 0; a negative P means the approximation does
    not define a probability distribution.

    Parameters
    ----------
    g : array_like, shape (n,)
        (⟨T⟩/4)·A''(t_k), finite.
    h : float
        Grid step, positive.
    """
    g = _real(g, "g")
    h = _positive(h, "h")
    if g.ndim != 1 or not 2 <= g.size <= MAX_DENSITY_POINTS:
        raise ValueError(
            f"g must be 1-D with 2 to {MAX_DENSITY_POINTS} values (the renewal equation costs "
            f"n² operations), got shape {g.shape}"
        )
    if not np.all(np.isfinite(g)):
        raise ValueError("g must be finite")
    n = g.size
    P = np.empty(n)
    P[0] = g[0]
    scale = 1 - h / 2 * g[0]
    if scale <= 0:
        raise ValueError("h is too large for this g: the trapezoidal step is singular")
    for k in range(1, n):
        # trapezoid: h·[P0 g_k / 2 + Σ_{j=1}^{k−1} P_j g_{k−j} + P_k g_0 / 2]
        inner = h * (P[0] * g[k] / 2 + np.dot(P[1:k], g[k - 1 : 0 : -1]))
        P[k] = (g[k] + inner) / scale
    return P


def simulate_stationary(
    correlation: Callable,
    dt: object,
    n_steps: object,
    n_paths: object,
    *,
    seed: object = 0,
) -> np.ndarray:
    """Paths of a stationary Gaussian process with correlation f on the grid k·dt, by circulant
    embedding (exact in distribution on the grid).

    Each embedding draw yields several paths: the real and imaginary parts, each cut into
    segments separated by the lag beyond which |f| < 1e-6 for good: paths correlated by less
    than that, far below the Monte Carlo error of any persistence estimate made from them. A
    correlation still above 1e-6 after 2^16 steps gives one segment per part (independent
    paths, fewer per draw); the embedding and its draws are held within 2 GiB.

    Parameters
    ----------
    correlation : callable
        f(T) on float arrays, f(0) = 1.
    dt : float
    n_steps : int
        Points per path.
    n_paths : int
    seed : int or numpy.random.SeedSequence

    Returns
    -------
    ndarray, shape (n_paths, n_steps)

    Raises
    ------
    ValueError
        If the embedding is not positive semi-definite: the correlation has not decayed within
        the embedding (grown up to 2^24 points).
    """
    dt = _positive(dt, "dt")
    n_steps, n_paths = _count(n_steps, "n_steps", 2), _count(n_paths, "n_paths")
    if not callable(correlation):
        raise TypeError("correlation must be callable")
    # decorrelation lag: beyond the last grid lag where |f| ≥ 1e-6 (a correlation that crosses
    # zero is small at the crossing, not for good)
    lags_c = np.arange(1, 1 << 16) * dt
    small = np.abs(np.asarray(correlation(lags_c), dtype=float)) < 1e-6
    if small[-1]:
        gap = int(np.flatnonzero(~small)[-1]) + 2 if (~small).any() else 1
        # the embedding: room for the path plus the decorrelation lag on both sides
        m = 1 << int(np.ceil(np.log2(2 * (n_steps + gap))))
        stride = n_steps + gap  # segments this far apart are correlated by less than 1e-6
        per_path = max(1, (m - gap) // stride)
    else:
        # no decorrelation lag within 2^16 steps: one segment per path (the real and imaginary
        # parts of a draw are independent), never two cut from the same draw
        m = 1 << int(np.ceil(np.log2(2 * n_steps)))
        stride, per_path = n_steps, 1
    _memory(48.0 * m + 8.0 * n_paths * n_steps, f"{n_paths} paths of {n_steps} points")
    lags = np.minimum(np.arange(m), m - np.arange(m)) * dt
    row = np.asarray(correlation(lags), dtype=float)
    if row.shape != (m,) or not np.all(np.isfinite(row)):
        raise ValueError("correlation must map a float array to finite values of its shape")
    eig = np.fft.fft(row).real  # the circulant's eigenvalues
    if eig.min() < -1e-9 * eig.max():
        raise ValueError(
            f"circulant embedding is not positive semi-definite (min eigenvalue {eig.min():.2e}): "
            "the correlation has not decayed within the embedding; use longer paths"
        )
    amp = np.sqrt(np.clip(eig, 0, None) / m)
    rng = np.random.default_rng(seed)
    # a complex white-noise vector gives two independent real paths (real and imaginary parts),
    # and each holds `per_path` segments separated by the decorrelation lag
    draws = -(-n_paths // (2 * per_path))
    out = []
    block = max(1, min(256, (1 << 28) // (48 * m)))  # draws at once: about 256 MiB
    for start in range(0, draws, block):  # in blocks, to bound memory
        k = min(block, draws - start)
        noise = rng.standard_normal((k, m)) + 1j * rng.standard_normal((k, m))
        z = np.fft.fft(noise * amp, axis=1)
        for part in (z.real, z.imag):
            out += [part[:, j * stride : j * stride + n_steps] for j in range(per_path)]
    return np.concatenate(out)[:n_paths]


def persistence_probability(paths: object) -> np.ndarray:
    """Fraction of paths with no sign change from the first grid point to each later one."""
    x = _real(paths, "paths")
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] < 2:
        raise ValueError(
            f"paths must be 2-D (paths, steps) with >= 1 path and >= 2 steps, got {x.shape}"
        )
    if not np.all(np.isfinite(x)):
        raise ValueError("paths must be finite")
    same = np.signbit(x) == np.signbit(x[:, :1])
    return np.logical_and.accumulate(same, axis=1).mean(axis=0)


def interval_lengths(paths: object, dt: object) -> np.ndarray:
    """Lengths of the complete intervals between consecutive grid-detected sign changes (the
    partial intervals at both ends of each path are left out)."""
    x = _real(paths, "paths")
    dt = _positive(dt, "dt")
    if x.ndim != 2:
        raise ValueError(f"paths must be 2-D (paths, steps), got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("paths must be finite")
    flips = np.signbit(x[:, 1:]) != np.signbit(x[:, :-1])
    out = []
    for row in flips:
        where = np.flatnonzero(row)
        if where.size >= 2:
            out.append(np.diff(where))
    return np.concatenate(out) * dt if out else np.empty(0)
