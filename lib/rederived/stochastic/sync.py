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
from rederived._checks import memory as _memory
from rederived._checks import nonnegative as _nonnegative

__all__ = [
    "GROWTH_SWEEP",
    "MAX_WORK",
    "REGIMES",
    "RingRun",
    "ew_ring_width2",
    "group_exponents",
    "growth_exponent",
    "simulate_ring",
]


#: the most oscillator steps (steps × oscillators × replicas) simulate_ring takes on
MAX_WORK = 1e11


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
        Euler step and final time, 0 < dt ≤ t_max, with K·dt ≤ 1/4: explicit Euler on the
        ring's discrete Laplacian is stable only for K·dt ≤ 1/2 and makes the shortest waves
        oscillate beyond 1/4 (at K·dt = 1 the width came out 5.6 times too large).
    n_out : int
        Number of (logarithmically spaced) times at which W is recorded (2 to the number of
        steps; repeated times are recorded once).
    seed : int or numpy.random.SeedSequence

    Raises
    ------
    ValueError
        For arguments outside these ranges, rings that need more than 2 GiB, or more than
        :data:`MAX_WORK` oscillator steps (hours of computing).
    """
    L, replicas = _count(L, "L", 3), _count(replicas, "replicas", 1)
    K, c, D = (_nonnegative(v, n) for v, n in ((K, "K"), (c, "c"), (D, "D")))
    dt, t_max = _nonnegative(dt, "dt"), _nonnegative(t_max, "t_max")
    if dt == 0 or t_max < dt:
        raise ValueError("need 0 < dt <= t_max")
    if K * dt > 0.25:
        raise ValueError(
            f"K·dt = {K * dt:.3g} > 1/4: explicit Euler on the coupling is inaccurate there "
            "(unstable beyond 1/2); take dt ≤ 1/(4K)"
        )
    work = (t_max / dt) * L * replicas
    if work > MAX_WORK:
        raise ValueError(
            f"{t_max / dt:.3g} steps of {L * replicas} oscillators ({work:.3g} oscillator "
            f"steps) is more than {MAX_WORK:.0e}: hours of computing; use fewer or shorter runs"
        )
    _memory(40.0 * L * replicas, f"{replicas} rings of {L} oscillators")
    if disorder not in ("noise", "columnar"):
        raise ValueError(f"disorder must be 'noise' or 'columnar', got {disorder!r}")
    n_out = _count(n_out, "n_out", 2)
    if n_out > t_max / dt + 1:
        raise ValueError(f"n_out must be at most the number of steps, got {n_out}")
    rng = np.random.default_rng(seed)
    phi = np.zeros((replicas, L))
    omega = rng.normal(0.0, np.sqrt(2 * D), (replicas, L)) if disorder == "columnar" else 0.0
    noise_scale = np.sqrt(2 * D * dt)
    record = np.unique(np.geomspace(1, t_max / dt, n_out).astype(int))
    widths, step = [], 0
    # the backward difference is the forward one of the left neighbour, negated (exactly, in
    # floating point), so one sine and one cosine per step serve both neighbours
    forward, s, kick = (np.empty_like(phi) for _ in range(3))
    for target in record:
        while step < target:
            np.subtract(phi[:, 1:], phi[:, :-1], out=forward[:, :-1])
            np.subtract(phi[:, 0], phi[:, -1], out=forward[:, -1])
            np.sin(forward, out=s)
            kick[:, 1:] = s[:, 1:] - s[:, :-1]  # sin(forward) + sin(backward)
            kick[:, 0] = s[:, 0] - s[:, -1]
            if c:
                np.cos(forward, out=s)
                kick[:, 1:] += c * (2 - s[:, 1:] - s[:, :-1])
                kick[:, 0] += c * (2 - s[:, 0] - s[:, -1])
            kick *= K * dt
            phi += kick
            phi += omega * dt
            if disorder == "noise" and D:
                rng.standard_normal(out=s)
                s *= noise_scale
                phi += s
            step += 1
        widths.append(np.var(phi, axis=1))
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
    slopes = group_exponents(run, t_min, t_max, groups)
    return beta, float(np.std(slopes, ddof=1) / np.sqrt(groups))


def group_exponents(run: RingRun, t_min: object, t_max: object, groups: int) -> np.ndarray:
    """β fitted separately in each of ``groups`` groups of replicas (consecutive, as equal as
    possible): independent draws of the exponent, for its spread."""
    t_min, t_max = _nonnegative(t_min, "t_min"), _nonnegative(t_max, "t_max")
    replicas = run.width2.shape[1]
    if isinstance(groups, bool) or not isinstance(groups, Integral) or not 2 <= groups <= replicas:
        raise ValueError(f"groups must be an int in [2, replicas = {replicas}], got {groups!r}")
    parts = np.array_split(np.arange(replicas), groups)
    return np.array(
        [_slope(run.times, np.sqrt(run.width2[:, p].mean(axis=1)), t_min, t_max) for p in parts]
    )


# --------------------------------------------------------------------------- the stored runs

#: the chapter's regimes: ring parameters, and how many independent groups of replicas each has
REGIMES = {
    "uncoupled, noise": dict(L=512, K=0, c=0, D=0.1, disorder="noise", dt=0.1, t_max=400),
    "weak coupling, columnar": dict(
        L=512, K=0.1, c=0, D=0.5, disorder="columnar", dt=0.1, t_max=400
    ),
    "EW, noise": dict(L=512, K=1, c=0, D=0.1, disorder="noise", dt=0.1, t_max=400),
    "EW, columnar": dict(L=512, K=1, c=0, D=0.01, disorder="columnar", dt=0.1, t_max=400),
    "KPZ, c = 3": dict(L=1024, K=1, c=3, D=0.05, disorder="noise", dt=0.05, t_max=800),
    "near desync, c = 2": dict(L=1024, K=1, c=2, D=0.1, disorder="noise", dt=0.05, t_max=400),
}


def growth_item(item: dict) -> dict:
    """One group of rings of one regime (``item["regime"]``, ``item["replicas"]``,
    ``item["seed"]``): the squared widths per replica at the recorded times (8 significant
    digits) and the fraction of slipped bonds at the end."""
    params = REGIMES[item["regime"]]
    run = simulate_ring(replicas=int(item["replicas"]), seed=int(item["seed"]), **params)
    return {
        "times": [float(t) for t in run.times],
        "width2": [[float(f"{w:.8g}") for w in row] for row in run.width2],
        "slipped_bonds": float(f"{run.slipped_bonds:.8g}"),
    }


def _growth_items(params) -> list[dict]:
    groups, size = params["groups"], params["replicas_per_group"]
    items = [
        {"regime": regime, "group": g, "replicas": int(size[regime])}
        for regime in REGIMES
        for g in range(int(groups[regime]))
    ]
    children = np.random.SeedSequence(int(params["seed"])).spawn(len(items))
    return [
        {**i, "seed": int(c.generate_state(1)[0])} for i, c in zip(items, children, strict=True)
    ]


def _make_growth_sweep():
    from rederived.sweep import Sweep

    five = dict.fromkeys(REGIMES, 5)
    return Sweep(
        name="sync-growth",
        chapter="stochastic/sync-ew-kpz",
        description="the width of the unwrapped phases over time in every regime of the chapter, "
        "in independent groups of rings.",
        scales={
            # one group of eight rings per regime: what the chapter once computed itself
            "book": {
                "groups": dict.fromkeys(REGIMES, 1),
                "replicas_per_group": dict.fromkeys(REGIMES, 8),
                "seed": 2026,
            },
            # independent groups of eight rings: five per regime, six for KPZ, ten near
            # desynchronization, where single realisations differ most
            "paper": {
                "groups": {**five, "KPZ, c = 3": 6, "near desync, c = 2": 10},
                "replicas_per_group": dict.fromkeys(REGIMES, 8),
                "seed": 2026,
            },
        },
        items=_growth_items,
        run_item=growth_item,
        rtol=1e-6,  # sin, cos and the sums round differently on other processors
    )


GROWTH_SWEEP = _make_growth_sweep()


# --------------------------------------------------------------------------- the phase map

#: the ring of the coarse phase map: small enough to saturate within the run
MAP_RING = dict(L=64, K=1, disorder="noise", dt=0.05, t_max=2000, n_out=80)


def ew_ring_width2(t: object, L: object, K: object) -> np.ndarray:
    """W²(t)/D of the linearised odd coupling from a flat start: the discrete Edwards–Wilkinson
    ring, continuous time, mode k relaxing at λ_k = 4K sin²(πk/L), so that
    W²/D = Σ_k (1 − e^{−2λ_k t})/(λ_k L), which tends to (L² − 1)/(12KL).

    Domain: t ≥ 0 (any shape), L ≥ 3 up to 10⁵, K > 0."""
    L = _count(L, "L", 3)
    if L > 100_000:
        raise ValueError(f"L must be at most 100000, got {L}")
    K = _nonnegative(K, "K")
    if K == 0:
        raise ValueError("K must be positive: without coupling the ring never saturates")
    t = np.asarray(t, dtype=float)
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ValueError("t must be finite and non-negative")
    _memory(t.size * (L - 1) * 8.0, "ew_ring_width2")
    lam = 4 * K * np.sin(np.pi * np.arange(1, L) / L) ** 2
    return np.sum(-np.expm1(-2 * t[..., None] * lam) / lam, axis=-1) / L


def map_item(item: dict) -> dict:
    """One point (c, D) of the phase map (``item["c"]``, ``item["D"]``, ``item["groups"]`` of
    ``item["replicas"]`` rings each, ``item["seed"]``): each group's replica-averaged squared
    width at the recorded times (6 significant digits), so that every quantity read from the map
    has a spread over independent groups, and the fraction of slipped bonds at the end."""
    if not isinstance(item, dict):
        raise TypeError(f"item must be a dict, got {type(item).__name__}")
    missing = {"c", "D", "groups", "replicas", "seed"} - item.keys()
    if missing:
        raise ValueError(f"item lacks {', '.join(sorted(missing))}")
    groups, replicas = _count(item["groups"], "groups", 2), _count(item["replicas"], "replicas", 1)
    c, D = _nonnegative(item["c"], "c"), _nonnegative(item["D"], "D")
    seed = _count(item["seed"], "seed", 0)
    run = simulate_ring(replicas=groups * replicas, seed=seed, c=c, D=D, **MAP_RING)
    by_group = run.width2.reshape(len(run.times), groups, replicas).mean(axis=2).T
    return {
        "times": [float(t) for t in run.times],
        "width2_groups": [[float(f"{w:.6g}") for w in row] for row in by_group],
        "slipped_bonds": float(f"{run.slipped_bonds:.6g}"),
    }


def map_spot_eligible(item: dict) -> bool:
    """The points a test may recompute: D ≤ 0.05, where no ring of the map slips. Past the
    desynchronization edge the slips amplify last-bit differences of sin and cos (a 1e-13
    change of the start moves W² by up to 19 %), so those points could not be recomputed to
    the sweep's tolerance on another processor."""
    return float(item["D"]) <= 0.05


def _map_items(params) -> list[dict]:
    points = [(c, D) for c in params["c"] for D in params["D"]]
    children = np.random.SeedSequence(int(params["seed"])).spawn(len(points))
    return [
        {
            "c": c,
            "D": D,
            "groups": int(params["groups"]),
            "replicas": int(params["replicas"]),
            "seed": int(s.generate_state(1)[0]),
        }
        for (c, D), s in zip(points, children, strict=True)
    ]


def _make_map_sweep():
    from rederived.sweep import Sweep

    return Sweep(
        name="sync-map",
        chapter="stochastic/sync-ew-kpz",
        description="one point (non-oddity c, noise strength D) of the coarse phase map: rings "
        "of 64 oscillators run to saturation.",
        scales={
            # the paper's product, coarsely: 8 × 8 points, eight groups of 8 rings each, to
            # t = 2000; the noise strengths span the synchronized region of so small a ring (a
            # first grid to D = 1 had desynchronized everywhere past D = 0.3); a first run had
            # four groups, too few to spread a claim over
            "paper": {
                "c": [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5],
                "D": [0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.2],
                "groups": 8,
                "replicas": 8,
                "seed": 2604,
            },
            "book": {"c": [0.0, 3.0], "D": [0.05, 1.0], "groups": 2, "replicas": 4, "seed": 2604},
        },
        items=_map_items,
        run_item=map_item,
        rtol=1e-5,  # sin, cos and the sums round differently on other processors
        spot_eligible=map_spot_eligible,
    )


MAP_SWEEP = _make_map_sweep()
