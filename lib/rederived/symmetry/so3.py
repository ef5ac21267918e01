"""Real spherical harmonics, their rotation matrices and exact quadrature on the sphere.

Conventions (used throughout the book). The complex harmonics ``Y_l^m`` carry the Condon–Shortley
phase. The real harmonics are

    Y_{l,m} = sqrt(2) (-1)^m Re Y_l^m     (m > 0)
    Y_{l,0} = Y_l^0
    Y_{l,m} = sqrt(2) (-1)^m Im Y_l^|m|   (m < 0),

orthonormal on the unit sphere, stored at index ``l*l + l + m``. The two phases cancel, so

    Y_{l,m}(θ, φ) = P̄_l^|m|(cos θ) · t_m(φ),   t_0 = 1, t_m = √2 cos(mφ), t_{-m} = √2 sin(mφ),

where P̄_l^m is the associated Legendre function *without* the Condon–Shortley phase, normalised
so that 2π ∫ P̄² dz = 1. Degree 1 is (Y_{1,-1}, Y_{1,0}, Y_{1,1}) = √(3/4π) (y, z, x)/r.
"""

from __future__ import annotations

import math
from functools import lru_cache
from numbers import Integral

import numpy as np

from rederived._checks import memory as _memory

__all__ = ["real_sph_harm", "sh_index", "sphere_quadrature", "wigner_D_real"]


def _check_degree(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return int(value)


def sh_index(lmax: int) -> tuple[np.ndarray, np.ndarray]:
    """Degree ``l`` and order ``m`` of every position ``l*l + l + m`` up to ``lmax``.

    Returns
    -------
    l, m : ndarray of int, shape ((lmax+1)**2,)
    """
    lmax = _check_degree(lmax, "lmax")
    _memory(32.0 * (lmax + 1) ** 2, f"the index of degrees up to {lmax}")
    l = np.repeat(np.arange(lmax + 1), 2 * np.arange(lmax + 1) + 1)
    m = np.arange((lmax + 1) ** 2) - l * l - l
    return l, m


def legendre_table(lmax: int, z: np.ndarray, s: np.ndarray | None = None) -> np.ndarray:
    """Normalised associated Legendre functions P̄_l^m at ``z = cos θ``, all l, m ≤ lmax.

    Parameters
    ----------
    lmax : int
        Largest degree.
    z : ndarray, shape (N,)
        cos θ.
    s : ndarray, shape (N,), optional
        sin θ, default ``sqrt(1 - z**2)``. Pass it signed to extend P̄_l^m(cos θ) to θ in
        [0, 2π) as the trigonometric polynomial it is (used by the 2D Fourier method).

    Returns
    -------
    ndarray, shape (N, lmax+1, lmax+1)
        ``P[:, l, m]`` for ``0 <= m <= l``; zero above the diagonal. Standard three-term
        recurrences in l for fixed m, seeded by the diagonal P̄_m^m ∝ sin^m θ. Near the poles
        and at high order that seed falls below the double range (sin θ = 0.2 and m = 450 give
        about 1e-315) while the functions it seeds grow back to order one further along in l
        (the 2700th degree at θ = 0.2): there the seed is carried as a mantissa and a separate
        binary exponent (rescaled by 2^±600 as it shrinks or the recurrence grows), so that
        only values that are themselves below the double range underflow.
    """
    z = np.asarray(z, dtype=float)
    s = np.sqrt(np.clip(1.0 - z * z, 0.0, None)) if s is None else np.asarray(s, dtype=float)
    n, L = z.shape[0], lmax
    # the table, its exponents where a seed is scaled, and the caller's product of it
    # the table, its exponents, the temporaries of one row and the caller's harmonics: measured
    # peaks reach 3x the table itself
    _memory(72.0 * n * (L + 1) ** 2, f"the Legendre table of degree {L} at {n} points")
    # the diagonal as a mantissa times 2**exponent (exponent <= 0), rescaled before it leaves
    # the double range
    seeds, exps = np.empty((L + 1, n)), np.zeros((L + 1, n), dtype=np.int64)
    d, e = np.full(n, 1.0 / np.sqrt(4.0 * np.pi)), np.zeros(n, dtype=np.int64)
    seeds[0] = d
    for m in range(1, L + 1):  # P̄_m^m = sqrt((2m+1)/(2m)) s P̄_{m-1}^{m-1}
        d = np.sqrt((2 * m + 1) / (2 * m)) * s * d
        small = (np.abs(d) < _TINY) & (d != 0)
        d[small] *= _SCALE
        e[small] -= _SHIFT
        seeds[m], exps[m] = d, e
    seeds, exps = seeds.T, exps.T  # (n, L + 1)
    scaled = bool(np.any(exps))
    # the recurrence in l runs for all orders at once: row l from rows l-1 and l-2, with one
    # running exponent per point and order (all zero unless some seed was scaled)
    M = np.zeros((n, L + 1, L + 1))
    E = np.zeros((n, L + 1, L + 1), dtype=np.int64) if scaled else None
    e = exps.copy()
    M[:, 0, 0] = seeds[:, 0]
    prev = np.zeros((n, L + 1))
    cur = M[:, 0, :].copy()
    for l in range(1, L + 1):
        m = np.arange(l - 1)
        new = np.zeros((n, L + 1))
        if l >= 2:
            a = np.sqrt((4 * l * l - 1) / (l * l - m * m))
            b = np.sqrt(((l - 1) ** 2 - m * m) / (4 * (l - 1) ** 2 - 1))
            new[:, : l - 1] = a * (z[:, None] * cur[:, : l - 1] - b * prev[:, : l - 1])
        new[:, l - 1] = np.sqrt(2 * l + 1) * z * seeds[:, l - 1]  # P̄_{m+1}^m = √(2m+3) z P̄_m^m
        new[:, l] = seeds[:, l]
        if scaled:
            big = (np.abs(new) > _SCALE) & (e < 0)
            if np.any(big):
                new[big] /= _SCALE
                cur[big] /= _SCALE
                e[big] += _SHIFT
            E[:, l, :] = e
        M[:, l, :] = new
        prev, cur = cur, new
    if scaled:
        return np.ldexp(M, E)
    return M


# the binary exponent by which a scaled seed is shifted, and the threshold for shifting it
_SHIFT = 600
_SCALE = 2.0**_SHIFT
_TINY = 2.0**-_SHIFT


def _as_points(xyz: object, name: str = "xyz") -> np.ndarray:
    xyz = np.asarray(xyz)
    if not np.issubdtype(xyz.dtype, np.number) or np.iscomplexobj(xyz):
        raise TypeError(f"{name} must be a real numeric array, got dtype {xyz.dtype}")
    if xyz.ndim != 2 or xyz.shape[1] != 3:
        raise ValueError(f"{name} must have shape (N, 3), got {xyz.shape}")
    xyz = xyz.astype(float)
    if not np.all(np.isfinite(xyz)):
        raise ValueError(f"{name} must be finite")
    return xyz


def real_sph_harm(lmax: int, xyz: object) -> np.ndarray:
    """Real spherical harmonics of all degrees up to ``lmax`` at the directions of ``xyz``.

    Parameters
    ----------
    lmax : int
        Largest degree, ``lmax >= 0``.
    xyz : array_like, shape (N, 3)
        Points, finite, of any magnitude down to the subnormals; only their directions matter.
        A zero vector has no direction and is an error.

    Returns
    -------
    ndarray, shape (N, (lmax+1)**2), float64, Fortran-ordered
        ``Y[:, l*l + l + m]``: the orthonormal real harmonics of the module docstring.

    Up to degree 290, directions whose distance ρ from the z axis has ρ^lmax ≥ 2^-800 take a
    recurrence over plain doubles; other directions, and every direction beyond degree 290,
    take the Legendre table that carries binary exponents (several times slower, and with
    memory that grows as N·lmax², refused beyond the memory limit).
    """
    lmax = _check_degree(lmax, "lmax")
    xyz = _as_points(xyz)
    # directions from points scaled by their largest entry first, so that neither a point
    # near the overflow threshold (1e200) nor a subnormal one has its squared norm leave the
    # double range
    big = np.max(np.abs(xyz), axis=1)
    if np.any(big == 0):
        raise ValueError(f"xyz has {int(np.sum(big == 0))} zero vector(s): no direction")
    n, size = xyz.shape[0], (lmax + 1) ** 2
    unit = (xyz / big[:, None]).T
    x, y, z = unit / np.sqrt(np.einsum("ij,ij->j", unit, unit))
    rho = np.hypot(x, y)
    # the fast path (below) where neither of its two factors can leave the double range: the
    # bound of Q (log2) is fixed by lmax, and rho^lmax must stay far above the underflow
    fast = (rho == 0) | (rho >= 2.0 ** (_FAST_RHO_LOG2 / max(lmax, 1)))
    if lmax > _FAST_LMAX:
        fast[:] = False
    _memory(8.0 * n * size + 48.0 * n * (lmax + 1), f"the harmonics of degree {lmax} at {n} points")
    out = np.empty((size, n))
    if np.all(fast):
        _harmonics_fast(lmax, x, y, z, out)
    else:
        if np.any(fast):
            part = np.empty((size, int(np.sum(fast))))
            _harmonics_fast(lmax, x[fast], y[fast], z[fast], part)
            out[:, fast] = part
        out[:, ~fast] = _harmonics_scaled(lmax, x[~fast], y[~fast], z[~fast], rho[~fast]).T
    # computed degree by degree with the points along rows; the caller gets (N, K), Fortran
    # ordered (a copy to C order would cost as much as a third of the evaluation)
    return out.T


def _harmonics_scaled(lmax, x, y, z, rho) -> np.ndarray:
    """The harmonics from the exponent-carrying Legendre table (any degree, any direction)."""
    P = legendre_table(lmax, z, rho)
    # cos(mφ), sin(mφ) from (x + iy)^m / rho^m, well defined (and unused: P̄ = 0) at the poles
    # (real divisions: a complex one by a subnormal rho overflows its internal scaling)
    safe = np.where(rho > 0, rho, 1.0)
    phase = np.where(rho > 0, x / safe + 1j * (y / safe), 1.0)
    powers = phase[:, None] ** np.arange(lmax + 1)
    l, m = sh_index(lmax)
    am = np.abs(m)
    trig = np.where(m > 0, np.sqrt(2) * powers[:, am].real, np.sqrt(2) * powers[:, am].imag)
    trig[:, m == 0] = 1.0
    return P[:, l, am] * trig


# The fast path writes Y_{l,±m} = Q_l^m · √2 Re/Im (x + iy)^m with Q_l^m = P̄_l^m / sin^m θ, a
# polynomial in z that obeys P̄'s three-term recurrence in l (the factor sin^m θ does not depend
# on l) and is seeded by constants: Q_m^m = P̄_m^m / sin^m θ, Q_{m+1}^m = √(2m+3) z Q_m^m. Both
# factors are plain doubles where |Q| <= Q_l^m(1) <= 2^_FAST_Q_LOG2 (a Gegenbauer polynomial
# C_{l-m}^{m+1/2} peaks at z = ±1) and rho^lmax >= 2^_FAST_RHO_LOG2; elsewhere the scaled table.
_FAST_Q_LOG2 = 200.0
_FAST_RHO_LOG2 = -800.0


def _q_peak_log2(l: int) -> float:
    """log2 of max over m of Q_l^m(1) = √((2l+1)/4π) √((l+m)!/(l-m)!) / (2^m m!)."""
    return max(
        0.5 * math.log2((2 * l + 1) / (4 * math.pi))
        + (0.5 * (math.lgamma(l + m + 1) - math.lgamma(l - m + 1)) - math.lgamma(m + 1))
        / math.log(2)
        - m
        for m in range(l + 1)
    )


# the largest degree the fast path takes (Q_l^m(1) grows with l for every m)
_FAST_LMAX = next(l for l in range(1, 10_000) if _q_peak_log2(l) > _FAST_Q_LOG2) - 1


@lru_cache(maxsize=32)
def _fast_coefficients(lmax: int) -> tuple[np.ndarray, np.ndarray, list, list]:
    """The constants of the fast recurrence: Q_m^m, √(2m+3) Q_m^m, and per degree l the
    column vectors a, −a·b of Q_l = a z Q_{l-1} − a b Q_{l-2} for m < l − 1."""
    diag = np.empty(lmax + 1)
    diag[0] = 1.0 / math.sqrt(4.0 * math.pi)
    for m in range(1, lmax + 1):
        diag[m] = diag[m - 1] * math.sqrt((2 * m + 1) / (2 * m))
    sub = np.sqrt(2.0 * np.arange(lmax + 1) + 3.0) * diag
    a_list, b_list = [None, None], [None, None]
    for l in range(2, lmax + 1):
        m = np.arange(l - 1.0)[:, None]
        a = np.sqrt((4.0 * l * l - 1.0) / (l * l - m * m))
        a_list.append(a)
        b_list.append(-a * np.sqrt(((l - 1.0) ** 2 - m * m) / (4.0 * (l - 1.0) ** 2 - 1.0)))
    return diag, sub, a_list, b_list


def _harmonics_fast(lmax: int, x, y, z, out: np.ndarray) -> None:
    """Fill ``out[l*l + l + m, :]`` (points along the rows) by the recurrence on Q."""
    n = z.shape[0]
    diag, sub, a_list, b_list = _fast_coefficients(lmax)
    # C[m] + i S[m] = √2 (x + iy)^m, by doubling: powers [f, f + k) from [1, 1 + k) times the
    # power f − 1 (rounding grows with log m, not m)
    C, S = np.empty((lmax + 1, n)), np.empty((lmax + 1, n))
    C[0], S[0] = 1.0, 0.0
    if lmax >= 1:
        C[1], S[1] = x, y
    f = 2
    while f <= lmax:
        k = min(f - 1, lmax + 1 - f)
        c, s = C[f - 1], S[f - 1]
        C[f : f + k] = C[1 : 1 + k] * c - S[1 : 1 + k] * s
        S[f : f + k] = C[1 : 1 + k] * s + S[1 : 1 + k] * c
        f += k
    C[1:] *= math.sqrt(2.0)
    S[1:] *= math.sqrt(2.0)
    rows = np.empty((3, lmax + 1, n))
    tmp = np.empty((lmax + 1, n))
    out[0] = diag[0]
    prev, cur = None, rows[0, :1]
    cur[0] = diag[0]
    for l in range(1, lmax + 1):
        new = rows[l % 3, : l + 1]
        if l >= 2:
            np.multiply(cur[: l - 1], z, out=new[: l - 1])
            new[: l - 1] *= a_list[l]
            np.multiply(prev[: l - 1], b_list[l], out=tmp[: l - 1])
            new[: l - 1] += tmp[: l - 1]
        np.multiply(z, sub[l - 1], out=new[l - 1])
        new[l] = diag[l]
        centre = l * l + l
        np.multiply(new, C[: l + 1], out=out[centre : centre + l + 1])
        np.multiply(new[:0:-1], S[l:0:-1], out=out[l * l : centre])
        prev, cur = cur, new


@lru_cache(maxsize=32)
def _quadrature(degree: int) -> tuple[np.ndarray, np.ndarray]:
    n_theta = degree // 2 + 1
    n_phi = degree + 1
    z, wz = np.polynomial.legendre.leggauss(n_theta)
    phi = 2 * np.pi * np.arange(n_phi) / n_phi
    s = np.sqrt(1 - z * z)
    pts = np.stack(
        [np.outer(s, np.cos(phi)), np.outer(s, np.sin(phi)), np.outer(z, np.ones(n_phi))], axis=-1
    ).reshape(-1, 3)
    w = np.outer(wz, np.full(n_phi, 2 * np.pi / n_phi)).ravel()
    pts.setflags(write=False)
    w.setflags(write=False)
    return pts, w


def sphere_quadrature(degree: int) -> tuple[np.ndarray, np.ndarray]:
    """Points and weights that integrate every polynomial of degree ≤ ``degree`` on the sphere.

    Gauss–Legendre in z = cos θ (``degree//2 + 1`` nodes) times the uniform rule in φ
    (``degree + 1`` nodes): exact because, after integrating over φ, a polynomial of degree d
    leaves a polynomial of degree ≤ d in z.

    Returns
    -------
    points : ndarray, shape (N, 3)
        Unit vectors, N = (degree//2 + 1)(degree + 1).
    weights : ndarray, shape (N,)
        Positive, summing to 4π.
    """
    degree = _check_degree(degree, "degree")
    _memory(64.0 * (degree // 2 + 1) * (degree + 1), f"a quadrature of degree {degree}")
    pts, w = _quadrature(degree)
    return pts.copy(), w.copy()


def _as_rotation(R: object) -> np.ndarray:
    R = np.asarray(R)
    if not np.issubdtype(R.dtype, np.number) or np.iscomplexobj(R):
        raise TypeError(f"R must be a real 3×3 array, got dtype {R.dtype}")
    if R.shape != (3, 3):
        raise ValueError(f"R must have shape (3, 3), got {R.shape}")
    R = R.astype(float)
    if not np.all(np.isfinite(R)):
        raise ValueError("R must be finite")
    err = np.max(np.abs(R @ R.T - np.eye(3)))
    if err > 1e-9:
        raise ValueError(f"R is not orthogonal: max |R Rᵀ − I| = {err:.2e}")
    if np.linalg.det(R) < 0:
        raise ValueError("R is a reflection (det R = −1), not a rotation")
    return R


def wigner_D_real(lmax: int, R: object) -> np.ndarray:
    """The block-diagonal matrix by which real harmonics transform under the rotation ``R``.

    ``real_sph_harm(lmax, xyz @ R.T) == real_sph_harm(lmax, xyz) @ wigner_D_real(lmax, R).T``,
    i.e. Y(R x) = D Y(x). Each block is D^l_{mm'} = ∫ Y_{lm}(R x) Y_{lm'}(x) dΩ, evaluated with
    a quadrature exact for degree 2·lmax, so it is exact to rounding and orthogonal.

    Parameters
    ----------
    lmax : int
        Largest degree.
    R : array_like, shape (3, 3)
        A rotation: orthogonal (to 1e-9) with determinant +1.

    Returns
    -------
    ndarray, shape ((lmax+1)**2, (lmax+1)**2)
    """
    lmax = _check_degree(lmax, "lmax")
    R = _as_rotation(R)
    n_pts = (lmax + 1) * (2 * lmax + 1)
    _memory(8.0 * n_pts * (lmax + 1) ** 2 * 3, f"the rotation matrices up to degree {lmax}")
    pts, w = _quadrature(2 * lmax)
    Y = real_sph_harm(lmax, pts)
    Y_rot = real_sph_harm(lmax, pts @ R.T)
    D = (Y_rot * w[:, None]).T @ Y
    l, _ = sh_index(lmax)
    D[l[:, None] != l[None, :]] = 0.0  # blocks of different degree are exactly zero
    return D
