"""A two-species Boltzmann mixture with disparate masses: truncated cross operators and an
asymptotic-preserving (AP) scheme, space-homogeneous, in two velocity dimensions.

The model (derived and asserted in the chapter ``differential/ap-boltzmann-mixture``): a light
species L and a heavy species H with mass ratio m_L/m_H = ε², Maxwell molecules with isotropic
scattering (every pair collides at rate 1 per unit partner density), velocities measured in each
species' own thermal unit (w = ε v for the light one) and time on the slow, temperature scale
τ = ε² t. Truncating the cross operators after their O(ε²) terms gives::

    ∂τ f_L = ε⁻² [Q(f_L, f_L) + n_H (P f_L − f_L)] + n_H FP[T_H](P f_L)
    ∂τ f_H = ε⁻ᵖ Q(f_H, f_H) + n_L FP[T_L](f_H)

with Q the Maxwell-molecule collision operator, P the average over directions (the Lorentz
operator is n_H (P − I)), FP[T] g = ∇·(w g) + T Δg the Fokker–Planck operator and p = 1 (the
heavy species thermalises on the intermediate scale ε⁻¹; p = 2 is the control without it).
The temperatures T = ⟨|w − u|²⟩/2 exchange at the rate λ = 2(n_L + n_H); the untruncated model's
rate is λ/(1 + ε²)² (:func:`temperature_gap`).

Discretisation: both species live on one periodic grid of ``modes``² points on [−L, L)². Q is the
fast spectral method of Mouhot and Pareschi for 2-D Maxwell molecules (Carleman form, the
directions' integral by ``angles`` equally spaced angles, products dealiased by zero padding);
:func:`collision_direct` sums the same discrete kernel over all pairs of modes (O(n⁴)), the
baseline. P is exact on the grid's trigonometric interpolant (Σ c_k J₀(|k| |w|)). One AP step
(:func:`ap_step`) is a collision step, implicit in the stiff parts (BGK penalisation of Q after
Filbet and Jin, the Lorentz operator in closed form), followed by the exchange terms solved
exactly (Ornstein–Uhlenbeck flows with the temperatures' exact paths). The explicit scheme
(``scheme="explicit"``) differs only in its collision step, forward Euler: the non-AP control.

Domain: ``modes`` even in [8, MAX_MODES], ``half_width`` L in [2, 64], ``angles`` in [2, 64];
distributions are finite, non-negative up to 1e-3 of their largest value (the scheme is
positive up to the spectral operator's errors, whose negative wiggles reach about 1e-4 of the
peak where Δτ/ε² is of order one), real arrays of shape (modes, modes) with positive
mass and a temperature small enough that they fit in the box (checked: less than 1e-5 of the
mass within 5 % of the box's edge; a Maxwellian at T = 2 fits the default box) and resolved
(checked: Fourier coefficients at the two highest wave numbers per direction below 1e-3 of the
mean; a Gaussian of variance s passes when exp(−κ² s/2) ≤ 1e-3, κ = π(modes/2 − 1)/L, so for
s ≥ 0.4 on the default grid, where the operator's residual on a Maxwellian is below 1e-3).
ε in [1e-100, 1], steps finite and positive.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import scipy.fft as _fft
import scipy.special

from rederived._checks import count, finite_real, generator, memory, positive, real_array

__all__ = [
    "LEVELS",
    "MAX_MODES",
    "Relaxation",
    "VelocityGrid",
    "angular_average",
    "ap_step",
    "bkw_solution",
    "collision",
    "collision_direct",
    "distance",
    "dsmc_temperatures",
    "epochal_times",
    "exchange_step",
    "fixed_step_error",
    "geometric_steps",
    "largest_stable_step",
    "limit_solution",
    "maxwellian",
    "moments",
    "random_initial",
    "relax",
    "relaxation_time",
    "temperature_gap",
]

#: the default levels of :func:`epochal_times`: e⁻¹, e⁻², e⁻³ of the initial value
LEVELS = (math.exp(-1), math.exp(-2), math.exp(-3))

#: the most Fourier modes per direction (the direct sum's pair arrays hold modes⁴ entries)
MAX_MODES = 64


@dataclass(frozen=True, eq=False)
class VelocityGrid:
    """A periodic velocity grid of ``modes`` × ``modes`` points on [−L, L)², L = ``half_width``,
    with the fast spectral method's tables for ``angles`` directions.

    The collision kernel is truncated to relative velocities |g| ≤ R = 4L/(3 + √2), the largest
    truncation without aliasing for distributions supported in the ball of radius R/2
    (Pareschi and Russo). Attributes: ``w1``, ``w2`` (the points, 'ij' indexing), ``h`` (the
    spacing), ``radius`` (R)."""

    modes: int = 32
    half_width: float = 8.0
    angles: int = 8
    w1: np.ndarray = field(init=False, repr=False)
    w2: np.ndarray = field(init=False, repr=False)
    h: float = field(init=False)
    radius: float = field(init=False)
    _cache: dict = field(init=False, repr=False)

    def __post_init__(self):
        n = count(self.modes, "modes", 8)
        if n % 2 or n > MAX_MODES:
            raise ValueError(f"modes must be an even int in [8, {MAX_MODES}], got {self.modes!r}")
        L = positive(self.half_width, "half_width")
        if not 2.0 <= L <= 64.0:
            raise ValueError(f"half_width must lie in [2, 64], got {self.half_width!r}")
        m = count(self.angles, "angles", 2)
        if m > 64:
            raise ValueError(f"angles must be an int in [2, 64], got {self.angles!r}")
        object.__setattr__(self, "modes", n)
        object.__setattr__(self, "half_width", L)
        object.__setattr__(self, "angles", m)
        h = 2 * L / n
        w = -L + h * np.arange(n)
        w1, w2 = np.meshgrid(w, w, indexing="ij")
        object.__setattr__(self, "w1", w1)
        object.__setattr__(self, "w2", w2)
        object.__setattr__(self, "h", h)
        object.__setattr__(self, "radius", 4 * L / (3 + math.sqrt(2)))
        object.__setattr__(self, "_cache", {})

    # wave numbers (π/L) k of the coefficients of ifftshift(f), in FFT order
    @property
    def _kappa(self):
        if "kappa" not in self._cache:
            k = np.fft.fftfreq(self.modes, 1.0 / self.modes) * math.pi / self.half_width
            self._cache["kappa"] = np.meshgrid(k, k, indexing="ij")
        return self._cache["kappa"]

    @property
    def _tables(self):
        """φ_R(κ·e_p), φ_R(κ·e_p⊥) for the angles θ_p = pπ/M, the weights, the loss table."""
        if "tables" not in self._cache:
            k1, k2 = self._kappa
            theta = np.pi * np.arange(self.angles) / self.angles
            c, s = np.cos(theta)[:, None, None], np.sin(theta)[:, None, None]
            a = _phi(k1 * c + k2 * s, self.radius)
            b = _phi(-k1 * s + k2 * c, self.radius)
            # Carleman kernel B̃ = 2B = 1/π for B = 1/(2π) (unit collision rate); θ-rule weight π/M
            weight = (1 / np.pi) * (np.pi / self.angles)
            loss = weight * np.sum(a * b, axis=0)
            self._cache["tables"] = (a, b, weight, loss)
        return self._cache["tables"]

    @property
    def _average_matrix(self):
        """J₀(|κ_k| r) for the distinct radii r ≤ L of the grid's points, and each point's
        radius index (−1 beyond L: circles there leave the box, where the interpolant repeats f
        periodically, and the average is set to 0; f is negligible that far out)."""
        if "average" not in self._cache:
            n = self.modes
            k1, k2 = self._kappa
            knorm = np.hypot(k1, k2).ravel()
            j = np.arange(n) - n // 2  # w = j h
            squares = (j[:, None] ** 2 + j[None, :] ** 2).ravel()
            radii2, which = np.unique(squares, return_inverse=True)
            memory(8.0 * radii2.size * n**2, f"the angular average on {n}² modes")
            r = self.h * np.sqrt(radii2)
            matrix = scipy.special.j0(r[:, None] * knorm[None, :])
            which = np.where(r[which] > self.half_width, -1, which)
            self._cache["average"] = (matrix, which.reshape(n, n))
        return self._cache["average"]

    def _pad_index(self):
        n = self.modes
        return np.concatenate([np.arange(n // 2), np.arange(2 * n - n // 2, 2 * n)])


def _phi(s: np.ndarray, R: float) -> np.ndarray:
    """∫_{−R}^{R} e^{iρs} dρ = 2 sin(Rs)/s (2R at s = 0)."""
    return 2 * R * np.sinc(R * s / np.pi)


def _grid(grid: object) -> VelocityGrid:
    if not isinstance(grid, VelocityGrid):
        raise TypeError(f"grid must be a VelocityGrid, got {type(grid).__name__}")
    return grid


def _distribution(f: object, grid: VelocityGrid, name: str) -> np.ndarray:
    arr = real_array(f, name)
    if arr.shape != (grid.modes, grid.modes):
        raise ValueError(f"{name} must have shape {(grid.modes, grid.modes)}, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    if arr.min() < -1e-3 * arr.max():
        raise ValueError(
            f"{name} must be non-negative (a density of particles), up to 1e-3 of its largest "
            "value (the spectral operators' wiggles)"
        )
    mass = arr.sum()
    if not 1e-100 <= mass * grid.h**2 <= 1e100:
        raise ValueError(f"{name} must have a mass in [1e-100, 1e100], got {mass * grid.h**2:g}")
    edge = np.maximum(np.abs(grid.w1), np.abs(grid.w2)) >= 0.95 * grid.half_width
    if arr[edge].sum() > 1e-5 * mass:
        raise ValueError(
            f"{name} does not fit in the velocity box: more than 1e-5 of its mass lies within "
            f"5 % of the edge |w| = {grid.half_width:g} (lower the temperature or widen the box)"
        )
    c = np.abs(_coefficients(arr))
    k = np.abs(np.fft.fftfreq(grid.modes, 1.0 / grid.modes))
    outer = (k[:, None] >= grid.modes // 2 - 1) | (k[None, :] >= grid.modes // 2 - 1)
    if c[outer].max() > 1e-3 * c[0, 0]:
        raise ValueError(
            f"{name} is not resolved by the grid: its Fourier coefficients at the highest wave "
            "numbers exceed 1e-3 of its mean (use more modes or a smaller box)"
        )
    return arr


def _coefficients(f: np.ndarray) -> np.ndarray:
    n = f.shape[0]
    return _fft.fft2(np.fft.ifftshift(f)) / n**2


def _values(c: np.ndarray) -> np.ndarray:
    n = c.shape[-1]
    return np.fft.fftshift(_fft.ifft2(c) * n**2, axes=(-2, -1)).real


def moments(f: object, grid: object) -> tuple[float, np.ndarray, float]:
    """Density ρ = ∫f, mean velocity u and temperature T = ∫|w − u|² f / (2ρ) of f on ``grid``
    (trapezoidal sums, spectrally accurate for smooth f that vanishes at the box's edge)."""
    grid = _grid(grid)
    f = _distribution(f, grid, "f")
    return _moments(f, grid)


def _moments(f, grid):
    """Density, mean velocity and temperature by trapezoidal sums; also for the schemes'
    intermediate stages, which may dip slightly below zero."""
    h2 = grid.h**2
    rho = h2 * f.sum()
    u = np.array([h2 * (grid.w1 * f).sum(), h2 * (grid.w2 * f).sum()]) / rho
    energy = h2 * ((grid.w1**2 + grid.w2**2) * f).sum() / rho
    return float(rho), u, float(energy - u @ u) / 2


def maxwellian(grid: object, density: object, temperature: object, velocity=(0.0, 0.0)):
    """ρ/(2πT) exp(−|w − u|²/(2T)) on ``grid``; refused if it does not fit in the box."""
    grid = _grid(grid)
    rho = positive(density, "density")
    T = positive(temperature, "temperature")
    u = real_array(velocity, "velocity")
    if u.shape != (2,) or not np.all(np.isfinite(u)):
        raise ValueError("velocity must be two finite numbers")
    f = _maxwellian(grid, rho, u, T)
    return _distribution(f, grid, "the Maxwellian")


def _maxwellian(grid, rho, u, T):
    r2 = (grid.w1 - u[0]) ** 2 + (grid.w2 - u[1]) ** 2
    return rho / (2 * np.pi * T) * np.exp(-r2 / (2 * T))


def bkw_solution(grid: object, time: object) -> np.ndarray:
    """The BKW solution of the single-species 2-D Maxwell-molecule equation (unit rate, unit
    density and temperature) at ``time``: e^{−|w|²/(2K)}(2K − 1 + (1 − K)|w|²/(2K))/(2πK²),
    K = 1 − e^{−t/8}. It is a density only for K ≥ 1/2, so ``time`` must be at least 8 ln 2."""
    grid = _grid(grid)
    t = finite_real(time, "time")
    if t < 8 * math.log(2):
        raise ValueError(f"time must be at least 8 ln 2 ≈ 5.545 (K ≥ 1/2), got {time!r}")
    K = -math.expm1(-t / 8)
    r2 = grid.w1**2 + grid.w2**2
    f = np.exp(-r2 / (2 * K)) / (2 * np.pi * K**2) * (2 * K - 1 + (1 - K) * r2 / (2 * K))
    return _distribution(f, grid, "the BKW solution")


def collision(f: object, grid: object) -> np.ndarray:
    """Q(f, f) for 2-D Maxwell molecules with isotropic scattering at unit rate, by the fast
    spectral method (O(M n² log n) for M angles on n² modes)."""
    grid = _grid(grid)
    f = _distribution(f, grid, "f")
    return _collision(f, grid)


def _collision(f, grid):
    n = grid.modes
    a, b, weight, loss = grid._tables
    c = _coefficients(f)
    idx = grid._pad_index()
    pad = np.zeros((2 * n, 2 * n), complex)
    pad[np.ix_(idx, idx)] = c
    f_pad = _fft.ifft2(pad) * (2 * n) ** 2
    pa = np.zeros((grid.angles, 2 * n, 2 * n), complex)
    pb = np.zeros_like(pa)
    pa[:, idx[:, None], idx[None, :]] = a * c
    pb[:, idx[:, None], idx[None, :]] = b * c
    ga = _fft.ifft2(pa) * (2 * n) ** 2
    gb = _fft.ifft2(pb) * (2 * n) ** 2
    pl = np.zeros((2 * n, 2 * n), complex)
    pl[np.ix_(idx, idx)] = loss * c
    lossf = _fft.ifft2(pl) * (2 * n) ** 2
    prod = weight * np.sum(ga * gb, axis=0) - f_pad * lossf
    q = (_fft.fft2(prod) / (2 * n) ** 2)[np.ix_(idx, idx)]
    return _conserve(_values(q), f, grid)


def _match(f, grid, rho, momentum, energy, weight=None):
    """f + M (a + b·w + c|w|²), M the Maxwellian of the moments of ``weight`` (default f), with
    a, b, c chosen so that the result has mass ρ, momentum ``momentum`` (a 2-vector, ρu) and
    energy ∫|w|²/2 f = energy on the grid: the moments the continuous step keeps, restored to
    rounding."""
    r0, u0, t0 = _moments(f if weight is None else weight, grid)
    m = (
        _maxwellian(grid, r0, u0, t0)
        if r0 > 0 and t0 > 0
        else np.abs(f if weight is None else weight)
    )
    basis = np.stack([np.ones_like(grid.w1), grid.w1, grid.w2, (grid.w1**2 + grid.w2**2) / 2])
    h2 = grid.h**2
    target = np.array([rho, momentum[0], momentum[1], energy]) / h2
    gram = np.einsum("iab,jab->ij", basis * m, basis)
    coef = np.linalg.solve(gram, target - np.einsum("iab,ab->i", basis, f))
    return f + m * np.einsum("i,iab->ab", coef, basis)


def _conserve(q, f, grid):
    """Q(f) corrected, with weights from the Maxwellian of f, to zero mass, momentum and energy
    on the grid: the discrete operator conserves them only to the truncation's accuracy, about
    1e-6 here, and the AP step would multiply the rest by Δt/ε²."""
    return _match(q, grid, 0.0, (0.0, 0.0), 0.0, weight=f)


def collision_direct(f: object, grid: object, max_bytes=None) -> np.ndarray:
    """The same discrete operator as :func:`collision`, summed over every pair of modes:
    Q̂_k = Σ_{l+m=k} [B(l, m) − B(m, m)] f̂_l f̂_m with the kernel's angle rule (O(M n⁴)); the
    Benchmarks baseline."""
    grid = _grid(grid)
    f = _distribution(f, grid, "f")
    n = grid.modes
    memory(4 * 16.0 * n**4, f"the direct spectral sum on {n}² modes", max_bytes)
    a, b, weight, loss = grid._tables
    c = _coefficients(f)
    kint = np.fft.fftfreq(n, 1.0 / n).astype(int)
    k1, k2 = (x.ravel() for x in np.meshgrid(kint, kint, indexing="ij"))
    A = a.reshape(grid.angles, -1)
    B = b.reshape(grid.angles, -1)
    gain_kernel = weight * (A.T @ B)  # l (first factor) × m (second factor)
    pair = c.ravel()[:, None] * c.ravel()[None, :] * (gain_kernel - loss.ravel()[None, :])
    s1 = k1[:, None] + k1[None, :]
    s2 = k2[:, None] + k2[None, :]
    inside = (s1 >= -n // 2) & (s1 < n // 2) & (s2 >= -n // 2) & (s2 < n // 2)
    q = np.zeros((n, n), complex)
    np.add.at(q, (s1[inside] % n, s2[inside] % n), pair[inside])
    return _conserve(_values(q), f, grid)


def angular_average(f: object, grid: object) -> np.ndarray:
    """P f: the average of f's trigonometric interpolant over the circle through each point,
    Σ_k f̂_k J₀(|κ_k| |w|). The Lorentz operator is P − I."""
    grid = _grid(grid)
    f = _distribution(f, grid, "f")
    return _average(f, grid)


def _average(f, grid):
    matrix, which = grid._average_matrix
    radial = (matrix @ _coefficients(f).ravel()).real
    return np.where(which >= 0, radial[which], 0.0)


def _ou(f, grid, t, variance):
    """The Ornstein–Uhlenbeck flow ∂g = ∇·(w g) + (...)Δg over time t: ĝ(κ) = f̂(e^{−t}κ)
    exp(−variance |κ|²/2), f̂ at the dilated wave numbers by the trapezoidal sum."""
    n = grid.modes
    k = np.fft.fftfreq(n, 1.0 / n) * math.pi / grid.half_width
    w = grid.w1[:, 0]
    D = np.exp(-1j * math.exp(-t) * k[:, None] * w[None, :])
    c = D @ f @ D.T / n**2
    k1, k2 = grid._kappa
    c = c * np.exp(-variance * (k1**2 + k2**2) / 2)
    return _values(c)


def _variance(rate, t, T_inf, g_partner, lam):
    """∫₀ᵗ 2a T(s) e^{−2a(t−s)} ds for T(s) = T_inf + g_partner e^{−λs}."""
    two_a = 2 * rate
    x = (two_a - lam) * t
    growth = t * (math.expm1(x) / x if x != 0 else 1.0)
    return T_inf * -math.expm1(-two_a * t) + two_a * g_partner * math.exp(-two_a * t) * growth


def exchange_step(f_light: object, f_heavy: object, grid: object, dt: object):
    """The energy exchange over a time dt, exactly: the light species' isotropic part follows
    ∂g = n_H FP[T_H](g), the heavy species ∂f = n_L FP[T_L](f), with both temperatures on their
    exact exponential paths (the anisotropic part of f_L is left unchanged)."""
    grid = _grid(grid)
    fl = _distribution(f_light, grid, "f_light")
    fh = _distribution(f_heavy, grid, "f_heavy")
    dt = positive(dt, "dt")
    return _exchange(fl, fh, grid, dt)


def _exchange(fl, fh, grid, dt):
    nl, _, Tl = _moments(fl, grid)
    nh, _, Th = _moments(fh, grid)
    lam = 2 * (nl + nh)
    t_inf = (nl * Tl + nh * Th) / (nl + nh)
    gap = Tl - Th
    # light: rate n_H towards T_H(s) = T∞ − n_L gap e^{−λs}/(n_L + n_H)
    pl = _average(fl, grid)
    vl = _variance(nh, dt, t_inf, -nl * gap / (nl + nh), lam)
    new_l = fl - pl + _ou(pl, grid, nh * dt, vl)
    vh = _variance(nl, dt, t_inf, nh * gap / (nl + nh), lam)
    new_h = _ou(fh, grid, nl * dt, vh)
    # restore, to rounding, the masses, momenta and the temperatures' exact values at dt (the
    # discrete average and dilation keep them to about 1e-6)
    decay = math.exp(-lam * dt)
    tl_new, th_new = t_inf + nh * gap * decay / (nl + nh), t_inf - nl * gap * decay / (nl + nh)
    # the momenta: the light species' is carried by its anisotropic part, which the step leaves
    # alone; the heavy species' decays like e^(−n_L dt) under its drift term
    _, ul, _ = _moments(fl, grid)
    _, uh, _ = _moments(fh, grid)
    uh = uh * math.exp(-nl * dt)
    fixed = []
    for f_new, n_, t_, u_ in ((new_l, nl, tl_new, ul), (new_h, nh, th_new, uh)):
        fixed.append(_match(f_new, grid, n_, n_ * u_, n_ * (t_ + u_ @ u_ / 2)))
    return fixed[0], fixed[1]


def _collide_ap(fl, fh, grid, eps, dt, heavy_power):
    """Implicit in the stiff terms, written with 1/k = ε²/Δτ so that k → ∞ is exact (no
    overflow of Δτ/ε²). The new Maxwellians take the moments the continuous step keeps (mass
    and energy of each species, the heavy momentum; the light momentum decays by 1/(1 + a),
    a = k n_H, under the implicit Lorentz operator), not those of the explicit stage.

    Light, with β = n_L the loss rate and R = Q(f) − β(M − f) the penalised remainder: the
    implicit equation f' = f + kR + kβ(M' − f') + k n_H (Pf' − f') is solved by
    Pf' = (Pf/k + PR + βPM')/(1/k + β) and f' = (f/k + R + βM' + n_H Pf')/(1/k + β + n_H);
    for k < 1 the same fractions are evaluated multiplied through by k (a subnormal step)."""
    nl, ul, tl = _moments(fl, grid)
    nh, uh, th = _moments(fh, grid)

    def implicit(ratio, f, x, rate):
        """(ratio f + x)/(ratio + rate), ratio = 1/k, in whichever form does not overflow"""
        if ratio >= 1:
            k = 1 / ratio  # at most 1; 0 when ratio overflowed: the identity
            return (f + k * x) / (1 + k * rate)
        return (ratio * f + x) / (ratio + rate)

    ratio = eps**2 / dt  # 1/k: may underflow to 0 (the limit) or overflow (a vanishing step)
    ml = _maxwellian(grid, nl, ul, tl)
    remainder = _collision(fl, grid) - nl * (ml - fl)
    u_new = implicit(ratio, ul, 0.0 * ul, nh)
    m_new = _maxwellian(grid, nl, u_new, tl + (ul @ ul - u_new @ u_new) / 2)
    p_new = implicit(ratio, _average(fl, grid), _average(remainder + nl * m_new, grid), nl)
    new_l = implicit(ratio, fl, remainder + nl * m_new + nh * p_new, nl + nh)
    # the angular average carries Q's truncation error: restore the mass, momentum and energy
    # the step keeps
    new_l = _match(new_l, grid, nl, nl * u_new, nl * (tl + ul @ ul / 2))
    # heavy: penalised Q at rate ε^(−p), β = n_H: f' = (f/k + Q(f) + βf)/(1/k + β)
    new_h = implicit(eps**heavy_power / dt, fh, _collision(fh, grid) + nh * fh, nh)
    new_h = _match(new_h, grid, nh, nh * uh, nh * (th + uh @ uh / 2))
    return new_l, new_h


def _collide_explicit(fl, fh, grid, eps, dt, heavy_power):
    nh = _moments(fh, grid)[0]
    new_l = fl + dt / eps**2 * (_collision(fl, grid) + nh * (_average(fl, grid) - fl))
    new_h = fh + dt * eps**-heavy_power * _collision(fh, grid)
    return new_l, new_h


def _eps(eps):
    eps = positive(eps, "eps")
    if not 1e-100 <= eps <= 1:
        raise ValueError(f"eps must lie in [1e-100, 1] (m_L/m_H = eps²), got {eps!r}")
    return eps


def _heavy_power(p):
    p = finite_real(p, "heavy_power")
    if not 1 <= p <= 2:
        raise ValueError(
            f"heavy_power must lie in [1, 2] (1: the model; more: controls), got {p!r}"
        )
    return p


def ap_step(f_light, f_heavy, grid, eps, dt, heavy_power=1):
    """One step of the AP scheme: the implicit collision step, then :func:`exchange_step`."""
    grid = _grid(grid)
    fl = _distribution(f_light, grid, "f_light")
    fh = _distribution(f_heavy, grid, "f_heavy")
    eps, dt = _eps(eps), positive(dt, "dt")
    fl, fh = _collide_ap(fl, fh, grid, eps, dt, _heavy_power(heavy_power))
    return _exchange(fl, fh, grid, dt)


@dataclass(frozen=True)
class Relaxation:
    """A run of :func:`relax`: at each time (the first is 0), the temperatures, the relative L1
    distance of each species from the Maxwellian with its own moments, and optionally the
    distributions. ``diverged``: the run stopped when the distributions stopped being finite or
    grew beyond ``blowup`` times their initial largest value."""

    times: np.ndarray
    temperature_light: np.ndarray
    temperature_heavy: np.ndarray
    distance_light: np.ndarray
    distance_heavy: np.ndarray
    diverged: bool
    light: np.ndarray | None = None
    heavy: np.ndarray | None = None


def distance(f: object, g: object) -> float:
    """Relative L1 distance Σ|f − g| / Σ|g| of two arrays of the same shape (g not all zero)."""
    f, g = real_array(f, "f"), real_array(g, "g")
    if f.shape != g.shape:
        raise ValueError(f"f and g must have the same shape, got {f.shape} and {g.shape}")
    if not (np.all(np.isfinite(f)) and np.all(np.isfinite(g))):
        raise ValueError("f and g must be finite")
    scale = max(np.abs(f).max(initial=0.0), np.abs(g).max(initial=0.0))
    if not scale > 0 or not np.any(g):
        raise ValueError("g must not be zero")
    f, g = f / scale, g / scale  # no overflow in the sums
    return float(np.abs(f - g).sum() / np.abs(g).sum())


def _own_distance(f, grid):
    rho, u, T = _moments(f, grid)
    if not (rho > 0 and T > 0 and np.isfinite(T)):
        return math.inf
    m = _maxwellian(grid, rho, u, T)
    return float(np.abs(f - m).sum() / np.abs(m).sum())


def relax(
    f_light,
    f_heavy,
    grid,
    eps,
    steps,
    scheme="ap",
    heavy_power=1,
    keep=False,
    blowup=1e6,
    exchange=1.0,
) -> Relaxation:
    """Run the scheme over the given steps (a 1-d array of positive dt) from f_light, f_heavy.

    ``scheme``: "ap" (:func:`ap_step`) or "explicit" (forward Euler in the collision step, the
    exchange step exact as in the AP scheme). ``keep``: also return the distributions at every
    time. ``exchange``: a factor on the exchange step's time, 1 for the model; another value is
    a control that relaxes the temperatures at the wrong rate. A divergent run stops and reports
    ``diverged=True``."""
    grid = _grid(grid)
    fl = _distribution(f_light, grid, "f_light")
    fh = _distribution(f_heavy, grid, "f_heavy")
    eps, power = _eps(eps), _heavy_power(heavy_power)
    dts = real_array(steps, "steps")
    if dts.ndim != 1 or dts.size < 1 or not np.all(np.isfinite(dts)) or np.any(dts <= 0):
        raise ValueError("steps must be a non-empty 1-d array of finite positive time steps")
    if dts.size > 100_000:
        raise ValueError(f"steps must hold at most 100000 steps, got {dts.size}")
    if scheme not in ("ap", "explicit"):
        raise ValueError(f"scheme must be 'ap' or 'explicit', got {scheme!r}")
    blowup = positive(blowup, "blowup")
    exchange = positive(exchange, "exchange")
    if keep:
        memory(16.0 * grid.modes**2 * (dts.size + 1), "keeping every distribution")
    collide = _collide_ap if scheme == "ap" else _collide_explicit
    scale = max(fl.max(), fh.max())
    times, tl, th, dl, dh = [0.0], [], [], [], []
    kept_l, kept_h = [fl], [fh]

    def record(a, b):
        tl.append(_moments(a, grid)[2])
        th.append(_moments(b, grid)[2])
        dl.append(_own_distance(a, grid))
        dh.append(_own_distance(b, grid))

    record(fl, fh)
    diverged = False
    with np.errstate(all="ignore"):
        for dt in dts:
            fl, fh = collide(fl, fh, grid, eps, float(dt), power)
            ok = all(np.all(np.isfinite(x)) and np.abs(x).max() <= blowup * scale for x in (fl, fh))
            if ok:
                ok = all(_moments(x, grid)[0] > 0 and _moments(x, grid)[2] > 0 for x in (fl, fh))
            if not ok:
                diverged = True
                break
            fl, fh = _exchange(fl, fh, grid, exchange * float(dt))
            times.append(times[-1] + float(dt))
            record(fl, fh)
            if keep:
                kept_l.append(fl)
                kept_h.append(fh)
    return Relaxation(
        times=np.array(times),
        temperature_light=np.array(tl),
        temperature_heavy=np.array(th),
        distance_light=np.array(dl),
        distance_heavy=np.array(dh),
        diverged=diverged,
        light=np.array(kept_l) if keep else None,
        heavy=np.array(kept_h) if keep else None,
    )


def temperature_gap(times: object, gap0: object, n_light=1.0, n_heavy=1.0, eps=None):
    """T_L − T_H at the given times: gap0 exp(−λτ), λ = 2(n_L + n_H) for the truncated model
    (``eps=None``, also the limit ε → 0) and λ/(1 + ε²)² for the untruncated one (exact for
    Maxwell molecules, whatever the distributions)."""
    t = real_array(times, "times")
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ValueError("times must be finite and non-negative")
    g0 = finite_real(gap0, "gap0")
    lam = 2 * (positive(n_light, "n_light") + positive(n_heavy, "n_heavy"))
    if eps is not None:
        lam /= (1 + _eps(eps) ** 2) ** 2
    return g0 * np.exp(-lam * t)


def relaxation_time(times: object, values: object, level: object) -> float:
    """The first time at which ``values`` (positive) falls to ``level`` times its first value,
    interpolated linearly in log(value) between the samples; refused if it never does."""
    t, v = real_array(times, "times"), real_array(values, "values")
    if t.ndim != 1 or t.shape != v.shape or t.size < 2:
        raise ValueError("times and values must be 1-d arrays of the same length, at least 2")
    if not (np.all(np.isfinite(t)) and np.all(np.diff(t) > 0)):
        raise ValueError("times must be finite and increasing")
    if not (np.all(np.isfinite(v)) and np.all(v > 0)):
        raise ValueError("values must be finite and positive")
    level = positive(level, "level")
    if level >= 1:
        raise ValueError(f"level must lie in (0, 1), got {level!r}")
    target = level * v[0]
    below = np.nonzero(v <= target)[0]
    if below.size == 0:
        raise ValueError("values never fall to level times their first value")
    i = int(below[0])
    x0, x1 = math.log(v[i - 1]), math.log(v[i])
    frac = (x0 - math.log(target)) / (x0 - x1) if x0 != x1 else 1.0
    return float(t[i - 1] + frac * (t[i] - t[i - 1]))


def largest_stable_step(
    f_light, f_heavy, grid, eps, scheme="ap", steps=40, low=1e-8, high=1.0, iterations=30
) -> float:
    """The largest dt in [low, high] (bisection in log dt to a factor 1.05) for which ``steps``
    steps of the scheme do not diverge (:func:`relax`); ``high`` if that is stable, and ``low``
    is refused if unstable."""
    grid = _grid(grid)
    count(steps, "steps")
    low, high = positive(low, "low"), positive(high, "high")
    if not low < high:
        raise ValueError(f"low must be below high, got {low!r} and {high!r}")
    count(iterations, "iterations")

    def stable(dt):
        return not relax(f_light, f_heavy, grid, eps, np.full(steps, dt), scheme).diverged

    if stable(high):
        return high
    if not stable(low):
        raise ValueError(f"the scheme diverges already at dt = low = {low:g}")
    for _ in range(iterations):
        if high / low <= 1.05:
            break
        mid = math.sqrt(low) * math.sqrt(high)
        low, high = (mid, high) if stable(mid) else (low, mid)
    return low


def random_initial(grid: object, seed: object, n_light=1.0, n_heavy=1.0):
    """Random non-equilibrium data with zero momentum: the light species a symmetric pair of
    anisotropic Gaussians (centres ±c along a random direction, |c| in [0.25, 0.45] √T_L), the
    heavy one an anisotropic Gaussian rotated at random (principal temperatures T(1 ± a), a in
    [0.1, 0.2], for both); the hotter temperature in [1, 1.2], the ratio in [1.3, 1.6], which
    species is hotter a coin flip. Made for the default grid (32² modes, L = 8): every
    Gaussian's variance is at least 0.45, so its Fourier coefficients at the grid's highest
    wave number are below 2e-4 of the largest."""
    grid = _grid(grid)
    rng = generator(seed)
    nl, nh = positive(n_light, "n_light"), positive(n_heavy, "n_heavy")
    ratio = rng.uniform(1.3, 1.6)
    hot = rng.uniform(1.0, 1.2)
    cold = hot / ratio
    t_light, t_heavy = (hot, cold) if rng.random() < 0.5 else (cold, hot)

    def gaussian(cov, centre):
        d = np.stack([grid.w1 - centre[0], grid.w2 - centre[1]], axis=-1)
        inv = np.linalg.inv(cov)
        q = np.einsum("...i,ij,...j->...", d, inv, d)
        return np.exp(-q / 2) / (2 * np.pi * math.sqrt(np.linalg.det(cov)))

    def rotated(tx, ty, angle):
        r = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
        return r @ np.diag([tx, ty]) @ r.T

    # light: the pair's temperature is the bumps' mean variance plus |c|²/2
    c = rng.uniform(0.25, 0.45) * math.sqrt(t_light)
    phi = rng.uniform(0, 2 * np.pi)
    centre = c * np.array([math.cos(phi), math.sin(phi)])
    inner = t_light - c**2 / 2
    aniso = rng.uniform(0.1, 0.2)
    cov_l = rotated(inner * (1 + aniso), inner * (1 - aniso), rng.uniform(0, np.pi))
    fl = nl * (gaussian(cov_l, centre) + gaussian(cov_l, -centre)) / 2
    aniso_h = rng.uniform(0.1, 0.2)
    cov_h = rotated(t_heavy * (1 + aniso_h), t_heavy * (1 - aniso_h), rng.uniform(0, np.pi))
    fh = nh * gaussian(cov_h, np.zeros(2))
    return _distribution(fl, grid, "f_light"), _distribution(fh, grid, "f_heavy")


def limit_solution(f_light, f_heavy, grid, times):
    """The ε → 0 limit of the truncated model at the given times: each species the isotropic,
    zero-mean Maxwellian with its mass and with the temperature of the limit ODE
    (:func:`temperature_gap`) from f_light's and f_heavy's temperatures. Returns two arrays of
    shape (len(times), modes, modes). Only data with zero mean velocities have this limit."""
    grid = _grid(grid)
    fl = _distribution(f_light, grid, "f_light")
    fh = _distribution(f_heavy, grid, "f_heavy")
    nl, ul, tl = _moments(fl, grid)
    nh, uh, th = _moments(fh, grid)
    for u, name in ((ul, "f_light"), (uh, "f_heavy")):
        if np.hypot(*u) > 1e-8 * math.sqrt(tl + th):
            raise ValueError(f"{name} must have zero mean velocity for this limit")
    t = real_array(times, "times")
    if t.ndim != 1 or t.size > 100_000:
        raise ValueError("times must be a 1-d array of at most 100000 times")
    memory(16.0 * grid.modes**2 * t.size, "the limit solution at every time")
    gap = temperature_gap(t, tl - th, nl, nh)
    t_inf = (nl * tl + nh * th) / (nl + nh)
    light = np.array([_maxwellian(grid, nl, np.zeros(2), t_inf + nh * x / (nl + nh)) for x in gap])
    heavy = np.array([_maxwellian(grid, nh, np.zeros(2), t_inf - nl * x / (nl + nh)) for x in gap])
    return light, heavy


def fixed_step_error(
    f_light,
    f_heavy,
    grid,
    eps,
    dt=0.05,
    t_end=0.5,
    t_from=0.3,
    scheme="ap",
    resolved_below=0.01,
    reference_step=0.5,
    exchange=1.0,
):
    """The largest relative L1 distance, over both species and the step times in
    [t_from, t_end], of a run with the fixed step dt from a reference: for eps ≤
    ``resolved_below`` the limit solution (:func:`limit_solution`), above it a resolved run of
    the same model (explicit collision step, dt_ref = ``reference_step`` eps² or the largest
    step below it that divides dt; a unit test compares eps²/2 with eps²/20 on one datum). A
    diverged run, and any distance above 1, count as 1: the state is lost. ``t_from`` may be an
    increasing sequence: then disjoint windows [t_i, t_(i+1)) and [t_last, t_end] of one run,
    and an array, one error per window. ``exchange``: as in
    :func:`relax` (a control)."""
    grid = _grid(grid)
    eps, dt = _eps(eps), positive(dt, "dt")
    t_end = positive(t_end, "t_end")
    starts = real_array(t_from, "t_from")
    if starts.ndim > 1 or starts.size < 1 or not np.all((starts > 0) & (starts <= t_end)):
        raise ValueError(f"t_from must be positive times up to t_end = {t_end!r}")
    if np.any(np.diff(starts.ravel()) <= 0):
        raise ValueError("t_from must be increasing")
    steps = round(t_end / dt)
    if not 1 <= steps <= 100_000 or abs(steps * dt - t_end) > 1e-9 * t_end:
        raise ValueError(
            f"t_end must be a whole number, at most 100000, of steps dt: got {t_end!r}, {dt!r}"
        )
    reference_step = positive(reference_step, "reference_step")
    resolved = eps > positive(resolved_below, "resolved_below")
    per_step = math.ceil(dt / (eps**2 * reference_step)) if resolved else 1
    if steps * per_step > 100_000:
        raise ValueError(
            f"the resolved reference would take {steps * per_step:.3g} steps, over 100000"
        )
    run = relax(
        f_light, f_heavy, grid, eps, np.full(steps, dt), scheme, keep=True, exchange=exchange
    )
    if run.diverged:
        return np.ones(starts.shape) if starts.ndim else 1.0
    if resolved:
        ref_l, ref_h = _resolved_reference(
            run.light[0], run.heavy[0], grid, eps, dt / per_step, steps, per_step
        )
    else:
        ref_l, ref_h = limit_solution(f_light, f_heavy, grid, run.times)
    per_time = np.array(
        [
            max(distance(a, b), distance(c, d))
            for a, b, c, d in zip(run.light, ref_l, run.heavy, ref_h, strict=True)
        ]
    )
    edges = np.append(starts.ravel(), np.inf) - 1e-9 * t_end
    inside = [(run.times >= a) & (run.times < b) for a, b in itertools.pairwise(edges)]
    if not all(w.any() for w in inside):
        raise ValueError("every window of t_from must hold at least one step time")
    errors = np.array([min(per_time[w].max(), 1.0) for w in inside])
    return errors if starts.ndim else float(errors[0])


#: resolved references of :func:`fixed_step_error`, reused by its controls (the last few)
_REFERENCES: dict = {}


def _resolved_reference(fl, fh, grid, eps, dt, steps, per_step):
    key = (
        fl.tobytes(),
        fh.tobytes(),
        grid.modes,
        grid.half_width,
        grid.angles,
        eps,
        dt,
        steps,
        per_step,
    )
    if key not in _REFERENCES:
        ref = relax(fl, fh, grid, eps, np.full(steps * per_step, dt), "explicit", keep=True)
        if ref.diverged:
            raise ValueError("the resolved reference diverged")
        if len(_REFERENCES) >= 8:
            _REFERENCES.pop(next(iter(_REFERENCES)))
        _REFERENCES[key] = (ref.light[::per_step], ref.heavy[::per_step])
    return _REFERENCES[key]


def geometric_steps(eps, t_end=1.0, first=None, ratio=1.2, dt_max=0.05) -> np.ndarray:
    """Steps that start at ``first`` (default eps²/20, resolving the light species' epoch), grow
    by ``ratio`` up to dt_max and end at t_end or just past it (at most 100000 steps)."""
    eps = _eps(eps)
    first = eps**2 / 20 if first is None else positive(first, "first")
    ratio, dt_max, t_end = (
        positive(ratio, "ratio"),
        positive(dt_max, "dt_max"),
        positive(t_end, "t_end"),
    )
    if ratio < 1:
        raise ValueError(f"ratio must be at least 1, got {ratio!r}")
    span = math.log(max(dt_max / first, 1.0))
    n = math.ceil(span / math.log(ratio)) if ratio > 1 and span > 0 else 0
    if n > 100_000:
        raise ValueError("these steps would number over 100000")
    ramp = np.minimum(first * ratio ** np.arange(n + 1), dt_max)
    if ramp.sum() >= t_end:
        return ramp[: int(np.searchsorted(np.cumsum(ramp), t_end)) + 1]
    rest = math.ceil((t_end - ramp.sum()) / dt_max)
    if n + 1 + rest > 100_000:
        raise ValueError("these steps would number over 100000")
    return np.concatenate([ramp, np.full(rest, dt_max)])


def epochal_times(f_light, f_heavy, grid, eps, levels=None, heavy_power=1) -> np.ndarray:
    """The three relaxation times of an AP run on :func:`geometric_steps`: of the light species'
    distance from its own Maxwellian, of the heavy species' and of |T_L − T_H|, each to every
    level in (0, 1) (:func:`relaxation_time`; default :data:`LEVELS`). Returns an array
    (len(levels), 3)."""
    levels = real_array(LEVELS if levels is None else levels, "levels")
    if levels.ndim != 1 or levels.size < 1 or not np.all((levels > 0) & (levels < 1)):
        raise ValueError("levels must be a 1-d sequence of numbers in (0, 1)")
    run = relax(f_light, f_heavy, grid, eps, geometric_steps(eps), "ap", heavy_power)
    if run.diverged:
        raise ValueError("the AP run diverged")
    gap = np.abs(run.temperature_light - run.temperature_heavy)
    series = {
        "light distance": run.distance_light,
        "heavy distance": run.distance_heavy,
        "temperature gap": gap,
    }
    out = np.empty((levels.size, 3))
    for j, level in enumerate(levels):
        for i, (name, values) in enumerate(series.items()):
            try:
                out[j, i] = relaxation_time(run.times, values, level)
            except ValueError as error:
                raise ValueError(f"the {name} at eps = {eps!r}: {error}") from None
    return out


def dsmc_temperatures(eps, t_end, seed, particles=100_000, dt=0.01, t_light=1.2, t_heavy=0.6):
    """The untruncated model's temperatures by direct simulation Monte Carlo: ``particles`` light
    (mass ε²) and as many heavy (mass 1) particles with Maxwellian velocities at t_light,
    t_heavy; every unit of fast time t each light particle undergoes on average one collision
    with a random heavy partner (densities 1, unit rate), isotropic in the centre of mass, as
    disjoint random pairs per step dt (Nanbu–Babovsky; the step's bias on the relaxation rate
    is about 2μ dt relative, μ = ε²/(1 + ε²)² ≤ 1/4, at most 0.5 % at dt = 0.01). ``particles``
    × dt must be a whole number of pairs, at least 100, so that the collision rate is exact.
    Self-collisions are left out: for Maxwell molecules they do not change either temperature.
    Returns (τ, T_L, T_H) at about 200 step times, τ = ε²t up to t_end (slow time)."""
    eps = _eps(eps)
    t_end, dt = positive(t_end, "t_end"), positive(dt, "dt")
    n = count(particles, "particles", 100)
    if n > 10_000_000:
        raise ValueError(f"particles must be at most 10 000 000, got {n}")
    if dt > 1:
        raise ValueError(f"dt must be at most 1 (one collision per particle per step), got {dt!r}")
    pairs = round(n * dt)
    if pairs < 100 or abs(pairs - n * dt) > 1e-9 * n * dt:
        raise ValueError(
            f"particles × dt must be a whole number of pairs, at least 100, got {n * dt:g}"
        )
    t_light, t_heavy = positive(t_light, "t_light"), positive(t_heavy, "t_heavy")
    fast_time = t_end / eps**2
    if not fast_time * n <= 2e9:
        raise ValueError("this run would take over 2e9 collisions")
    steps = math.ceil(fast_time / dt)
    rng = generator(seed)
    m_l, m_h = eps**2, 1.0
    total = m_l + m_h
    vl = rng.normal(0.0, math.sqrt(t_light / m_l), (n, 2))
    vh = rng.normal(0.0, math.sqrt(t_heavy / m_h), (n, 2))

    # running sums of v and |v|² per species, updated with the colliding particles only
    sums = {"l": [vl.sum(axis=0), (vl**2).sum()], "h": [vh.sum(axis=0), (vh**2).sum()]}

    def temperature(key, m):
        mean, square = sums[key][0] / n, sums[key][1] / n
        return float(m * (square - mean @ mean) / 2)

    def update(key, old, new):
        sums[key][0] = sums[key][0] + new.sum(axis=0) - old.sum(axis=0)
        sums[key][1] = sums[key][1] + (new**2).sum() - (old**2).sum()

    record_every = max(1, steps // 200)
    taus, tl, th = [0.0], [temperature("l", m_l)], [temperature("h", m_h)]
    for k in range(steps):
        # independent draws each step: a particle's collisions form (nearly) a Poisson process;
        # sweeping through one permutation instead would correlate them and bias the rate
        i = rng.choice(n, pairs, replace=False)
        j = rng.choice(n, pairs, replace=False)
        g = vl[i] - vh[j]
        centre = (m_l * vl[i] + m_h * vh[j]) / total
        angle = rng.uniform(0, 2 * np.pi, pairs)
        speed = np.hypot(g[:, 0], g[:, 1])[:, None]
        sigma = np.stack([np.cos(angle), np.sin(angle)], axis=1) * speed
        new_l, new_h = centre + m_h / total * sigma, centre - m_l / total * sigma
        update("l", vl[i], new_l)
        update("h", vh[j], new_h)
        vl[i], vh[j] = new_l, new_h
        if (k + 1) % record_every == 0 or k + 1 == steps:
            taus.append(eps**2 * dt * (k + 1))
            tl.append(temperature("l", m_l))
            th.append(temperature("h", m_h))
    return np.array(taus), np.array(tl), np.array(th)
