"""Rings of phase oscillators as growing interfaces.

Oscillator j of a ring of L turns at its own frequency ω_j and is pulled by its two neighbours,

    dφ_j/dt = ω_j + K [Γ(φ_{j+1} − φ_j) + Γ(φ_{j−1} − φ_j)] + √(2D) ξ_j(t),
    Γ(x) = sin x + c (1 − cos x),

with either time-dependent noise ξ (white, ω_j = 0) or columnar disorder (frozen ω_j of
variance 2D, no ξ). The unwrapped phases are a height profile h_j(t); its width
W(t) = ⟨(h_j − h̄)²⟩^{1/2} grows as t^β. The odd part of Γ is a discrete Laplacian at small phase
differences (Edwards–Wilkinson); its non-odd part, c(1 − cos x) ≈ c x²/2, adds the KPZ
nonlinearity with λ = cK.

:func:`simulate_ring` integrates replicas of the ring (explicit Euler, vectorised, seeded) and
records W(t) on a logarithmic grid of times and the phase slips (neighbours drifting more than π
apart); :func:`growth_exponent` fits β over a window.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

import numpy as np

from rederived._checks import count as _count
from rederived._checks import nonnegative as _nonnegative

__all__ = ["RingRun", "growth_exponent", "simulate_ring"]


@dataclass(frozen=True)
class RingRun:
    """Squared widths of the unwrapped phases per replica at the recorded times, and slips."""

    times: np.ndarray
    width2: np.ndarray  # shape (times, replicas)
    slipped_bonds: float  # fraction of neighbour pairs more than π apart at the end

    @property
    def width(self) -> np.ndarray:
        """W(t): the root of the replica-averaged squared width."""
        return np.sqrt(self.width2.mean(axis=1))


def simulate_ring(
    L: object,
    replicas: object,
    *,
    K: object,
    c: object,
    D: object,
    disorder: str,
    dt: object,
    t_max: object,
    n_out: int = 40,
    seed: object = 0,
) -> RingRun:
    """Integrate ``replicas`` rings of ``L`` oscillators from φ = 0 up to ``t_max``.

    Parameters
    ----------
    L, replicas : int
        Ring size (≥ 3) and number of independent rings.
    K, c, D : float
        Coupling, non-oddity of the coupling function and randomness strength (all ≥ 0).
    disorder : {"noise", "columnar"}
        Time-dependent white noise of strength D, or frozen frequencies of variance 2D.
    dt, t_max : float
        Euler step and final time.
    n_out : int
        Number of (logarithmically spaced) times at which W is recorded.
    seed : int or numpy.random.SeedSequence
    """
    L, replicas = _count(L, "L", 3), _count(replicas, "replicas", 1)
    K, c, D = (_nonnegative(v, n) for v, n in ((K, "K"), (c, "c"), (D, "D")))
    dt, t_max = _nonnegative(dt, "dt"), _nonnegative(t_max, "t_max")
    if dt == 0 or t_max < dt:
        raise ValueError("need 0 < dt <= t_max")
    if disorder not in ("noise", "columnar"):
        raise ValueError(f"disorder must be 'noise' or 'columnar', got {disorder!r}")
    n_out = _count(n_out, "n_out", 2)
    rng = np.random.default_rng(seed)
    phi = np.zeros((replicas, L))
    omega = rng.normal(0.0, np.sqrt(2 * D), (replicas, L)) if disorder == "columnar" else 0.0
    noise_scale = np.sqrt(2 * D * dt)
    record = np.unique(np.geomspace(1, t_max / dt, n_out).astype(int))
    widths, step = [], 0
    for target in record:
        while step < target:
            forward = np.roll(phi, -1, axis=1) - phi
            backward = np.roll(phi, 1, axis=1) - phi
            pull = np.sin(forward) + np.sin(backward)
            if c:
                pull += c * (2 - np.cos(forward) - np.cos(backward))
            phi = phi + (omega + K * pull) * dt
            if disorder == "noise" and D:
                phi += noise_scale * rng.standard_normal(phi.shape)
            step += 1
        widths.append(np.var(phi, axis=1))
    if not np.all(np.isfinite(phi)):
        raise ValueError("the phases diverged: dt is too large")
    slips = np.abs(np.roll(phi, -1, axis=1) - phi) > np.pi
    return RingRun(record * dt, np.array(widths), float(slips.mean()))


def _slope(times: np.ndarray, width: np.ndarray, t_min: float, t_max: float) -> float:
    keep = (times >= t_min) & (times <= t_max)
    if keep.sum() < 3:
        raise ValueError(f"fewer than 3 recorded times in [{t_min}, {t_max}]")
    if np.any(width[keep] <= 0):
        raise ValueError("the width is zero in the window: nothing grows")
    return float(np.polyfit(np.log(times[keep]), np.log(width[keep]), 1)[0])


def growth_exponent(
    run: RingRun, t_min: object, t_max: object, *, groups: int | None = None
) -> float | tuple[float, float]:
    """Log–log slope β of W(t) over the recorded times in [t_min, t_max] (at least 3).

    With ``groups``, also its standard error: the replicas are split into that many groups,
    β is fitted in each, and the error is their spread over √groups. Returns (β, error).
    """
    t_min, t_max = _nonnegative(t_min, "t_min"), _nonnegative(t_max, "t_max")
    beta = _slope(run.times, run.width, t_min, t_max)
    if groups is None:
        return beta
    replicas = run.width2.shape[1]
    if isinstance(groups, bool) or not isinstance(groups, Integral) or not 2 <= groups <= replicas:
        raise ValueError(f"groups must be an int in [2, replicas = {replicas}], got {groups!r}")
    parts = np.array_split(np.arange(replicas), groups)
    slopes = [
        _slope(run.times, np.sqrt(run.width2[:, p].mean(axis=1)), t_min, t_max) for p in parts
    ]
    return beta, float(np.std(slopes, ddof=1) / np.sqrt(groups))
