"""Gaunt coefficients and the Gaunt tensor product, three ways.

The Gaunt tensor product of Luo, Chen & Krishnapriyan (ICLR 2024) couples two vectors of real
spherical-harmonic coefficients x1 (degrees ≤ L1) and x2 (≤ L2) by multiplying the spherical
functions they represent, f1 = Σ x1_i Y_i and f2 = Σ x2_j Y_j, and projecting f1·f2 back onto
the harmonics of degree ≤ lmax_out:

    out_k = ∫ f1 f2 Y_k dΩ = Σ_ij x1_i x2_j G_ijk,   G_ijk = ∫ Y_i Y_j Y_k dΩ  (Gaunt coefficients).

``tensor_product`` computes this by three methods that agree to rounding:

- ``"direct"``: contraction with the dense Gaunt tensor, O(L^6) per product;
- ``"fourier"``: the paper's route: each function is rewritten in the 2D Fourier basis
  e^{i(uθ + vφ)} on the torus, the product becomes a 2D convolution done by FFT, and the result
  is projected back; O(L^3);
- ``"grid"``: the spherical-grid variant of Xie et al. (2025), "The Price of Freedom": evaluate
  both functions on a Gauss–Legendre × uniform grid (Legendre sums, then FFT in φ), multiply
  pointwise, integrate back; O(L^3).

Conventions of the real harmonics are those of :mod:`rederived.symmetry.so3`.
"""

from __future__ import annotations

from functools import lru_cache
from math import isqrt
from numbers import Integral

import numpy as np
import scipy.fft
from scipy.fft import next_fast_len

from rederived._checks import memory as _memory
from rederived.symmetry.so3 import _check_degree, legendre_table, sh_index

__all__ = [
    "METHODS",
    "gaunt_coefficients",
    "gaunt_tensor",
    "operation_count",
    "tensor_product",
    "theta_sine_integrals",
    "to_fourier",
]

METHODS = ("direct", "fourier", "grid")


def _trig_products(mmax: int) -> np.ndarray:
    """Φ[m1, m2, m3] = ∫_0^{2π} t_m1 t_m2 t_m3 dφ for |m| ≤ mmax (index m + mmax)."""
    n = 3 * mmax + 1  # the uniform rule is exact for trigonometric degree < n
    phi = 2 * np.pi * np.arange(n) / n
    m = np.arange(-mmax, mmax + 1)
    t = np.where(
        m > 0, np.sqrt(2) * np.cos(np.outer(phi, m)), np.sqrt(2) * np.sin(-np.outer(phi, m))
    )
    t[:, m == 0] = 1.0
    return np.einsum("qa,qb,qc->abc", t, t, t) * (2 * np.pi / n)


def _gaunt_dense(L1: int, L2: int, L3: int) -> np.ndarray:
    n1, n2, n3 = (L1 + 1) ** 2, (L2 + 1) ** 2, (L3 + 1) ** 2
    nz = (L1 + L2 + L3) // 2 + 1
    _memory(
        8.0 * (2 * n1 * n2 * n3 + nz * n1 * n2),
        f"the dense Gaunt tensor of degrees ({L1}, {L2}, {L3}) ({n1}·{n2}·{n3} entries)",
    )
    return _gaunt_dense_cached(L1, L2, L3)


@lru_cache(maxsize=8)
def _gaunt_dense_cached(L1: int, L2: int, L3: int) -> np.ndarray:
    # G_ijk = Φ(m_i, m_j, m_k) · ∫ P̄_i P̄_j P̄_k dz: the φ and θ integrals separate.
    z, wz = np.polynomial.legendre.leggauss((L1 + L2 + L3) // 2 + 1)  # exact in z
    P = legendre_table(max(L1, L2, L3), z)
    (l1, m1), (l2, m2), (l3, m3) = sh_index(L1), sh_index(L2), sh_index(L3)
    A1, A2, A3 = P[:, l1, np.abs(m1)], P[:, l2, np.abs(m2)], P[:, l3, np.abs(m3)]
    theta = ((A1[:, :, None] * A2[:, None, :]) * wz[:, None, None]).reshape(len(z), -1).T @ A3
    mmax = max(L1, L2, L3)
    phi = _trig_products(mmax)
    # Φ is 0 or of order 1 (a multiple of π/√2); clear the quadrature's rounding noise so that
    # the m selection rules hold exactly.
    phi[np.abs(phi) < 1e-9] = 0.0
    G = theta.reshape(len(m1), len(m2), len(m3)) * phi[np.ix_(m1 + mmax, m2 + mmax, m3 + mmax)]
    # the degree selection rules (triangle, even l1+l2+l3) are theorems: impose their zeros
    # exactly instead of leaving the quadrature's 1e-17 there
    a, b, c = l1[:, None, None], l2[None, :, None], l3[None, None, :]
    G[(c < abs(a - b)) | (c > a + b) | ((a + b + c) % 2 == 1)] = 0.0
    G.setflags(write=False)
    return G


def gaunt_tensor(L1: int, L2: int, L3: int) -> np.ndarray:
    """All real-basis Gaunt coefficients ∫ Y_i Y_j Y_k dΩ for degrees ≤ L1, L2, L3.

    Returns
    -------
    ndarray, shape ((L1+1)**2, (L2+1)**2, (L3+1)**2), float64, read-only
        Indexed by ``l*l + l + m`` in each slot. Cached.
    """
    return _gaunt_dense(_check_degree(L1, "L1"), _check_degree(L2, "L2"), _check_degree(L3, "L3"))


def gaunt_coefficients(l1: int, l2: int, l3: int) -> np.ndarray:
    """Real-basis Gaunt coefficients of one triple of degrees.

    Returns
    -------
    ndarray, shape (2*l1+1, 2*l2+1, 2*l3+1), float64
        ``G[m1+l1, m2+l2, m3+l3] = ∫ Y_{l1 m1} Y_{l2 m2} Y_{l3 m3} dΩ``. Zero unless the triangle
        rule |l1−l2| ≤ l3 ≤ l1+l2 holds and l1+l2+l3 is even.
    """
    l1, l2, l3 = (_check_degree(v, n) for v, n in ((l1, "l1"), (l2, "l2"), (l3, "l3")))
    n1, n2, n3 = 2 * l1 + 1, 2 * l2 + 1, 2 * l3 + 1
    nz, top = (l1 + l2 + l3) // 2 + 1, max(l1, l2, l3)
    _memory(
        8.0 * (3 * n1 * n2 * n3 + nz * (l1 + 1) * (l2 + 1) + 9 * nz * (top + 1) ** 2),
        f"the Gaunt coefficients of degrees ({l1}, {l2}, {l3}) ({n1}·{n2}·{n3} entries)",
    )
    return _gaunt_block(l1, l2, l3).copy()


@lru_cache(maxsize=64)
def _gaunt_block(l1: int, l2: int, l3: int) -> np.ndarray:
    # one block of the dense tensor, built at its own cost: the θ integral depends on |m| only,
    # (l1+1)(l2+1)(l3+1) numbers from one Gauss–Legendre rule, and the φ integral is taken over
    # the orders of the three degrees alone
    z, wz = np.polynomial.legendre.leggauss((l1 + l2 + l3) // 2 + 1)  # exact in z
    P = legendre_table(max(l1, l2, l3), z)
    A1, A2, A3 = P[:, l1, : l1 + 1], P[:, l2, : l2 + 1], P[:, l3, : l3 + 1]
    theta = ((A1 * wz[:, None])[:, :, None] * A2[:, None, :]).reshape(len(z), -1).T @ A3
    theta = theta.reshape(l1 + 1, l2 + 1, l3 + 1)
    mmax = max(l1, l2, l3)
    phi = _trig_products_block(mmax, l1, l2, l3)
    phi[np.abs(phi) < 1e-9] = 0.0  # as in the dense tensor: the m selection rules exactly
    m1, m2, m3 = (np.arange(-l, l + 1) for l in (l1, l2, l3))
    G = theta[np.ix_(np.abs(m1), np.abs(m2), np.abs(m3))] * phi
    if l3 < abs(l1 - l2) or l3 > l1 + l2 or (l1 + l2 + l3) % 2 == 1:
        G[...] = 0.0  # the degree selection rules, exactly
    G.setflags(write=False)
    return G


def _trig_products_block(mmax: int, l1: int, l2: int, l3: int) -> np.ndarray:
    """Φ[m1, m2, m3] for |m1| ≤ l1, |m2| ≤ l2, |m3| ≤ l3 (index m + l), by the uniform rule of
    :func:`_trig_products` restricted to those orders."""
    n = 3 * mmax + 1
    phi = 2 * np.pi * np.arange(n) / n

    def t(l):
        m = np.arange(-l, l + 1)
        out = np.where(
            m > 0, np.sqrt(2) * np.cos(np.outer(phi, m)), np.sqrt(2) * np.sin(-np.outer(phi, m))
        )
        out[:, m == 0] = 1.0
        return out

    return np.einsum("qa,qb,qc->abc", t(l1), t(l2), t(l3), optimize=True) * (2 * np.pi / n)


# --------------------------------------------------------------------------- validation


def _as_coefficients(x: object, name: str) -> tuple[np.ndarray, int]:
    x = np.asarray(x)
    if not (np.issubdtype(x.dtype, np.floating) or np.issubdtype(x.dtype, np.integer)):
        raise TypeError(f"{name} must be a real float array, got dtype {x.dtype}")
    if x.ndim < 1:
        raise ValueError(f"{name} must have a trailing dimension of size (L+1)**2")
    n = x.shape[-1]
    L = isqrt(n) - 1
    if n == 0 or (L + 1) ** 2 != n:
        raise ValueError(f"{name}: trailing dimension must be (L+1)**2 for some L >= 0, got {n}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be finite (it holds NaN or inf)")
    return x, L


def _prepare(x1, x2, lmax_out, method):
    x1, L1 = _as_coefficients(x1, "x1")
    x2, L2 = _as_coefficients(x2, "x2")
    if isinstance(lmax_out, bool) or not isinstance(lmax_out, Integral):
        raise TypeError(f"lmax_out must be an int, got {type(lmax_out).__name__}")
    if lmax_out < 0:
        raise ValueError(f"lmax_out must be >= 0, got {lmax_out}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    # float32 when both inputs are, float64 otherwise (longdouble and integers included)
    dtype = np.float32 if x1.dtype == x2.dtype == np.float32 else np.float64
    try:
        batch = np.broadcast_shapes(x1.shape[:-1], x2.shape[:-1])
    except ValueError:
        raise ValueError(
            f"batch shapes of x1 {x1.shape[:-1]} and x2 {x2.shape[:-1]} do not broadcast"
        ) from None
    _memory(
        16.0 * _work(int(np.prod(batch)), L1, L2, min(int(lmax_out), L1 + L2), method)
        + 16.0 * int(np.prod(batch)) * (int(lmax_out) + 1) ** 2,  # the padded output
        f"the {method} product of a batch of {int(np.prod(batch))} at degrees "
        f"({L1}, {L2}, {min(int(lmax_out), L1 + L2)})",
    )
    x1 = np.broadcast_to(x1, (*batch, x1.shape[-1])).reshape(-1, x1.shape[-1]).astype(dtype)
    x2 = np.broadcast_to(x2, (*batch, x2.shape[-1])).reshape(-1, x2.shape[-1]).astype(dtype)
    return x1, x2, L1, L2, int(lmax_out), batch, dtype


def _work(B: int, L1: int, L2: int, L3: int, method: str) -> int:
    """Entries of the largest intermediate arrays of ``method`` on a batch of B."""
    n_t = (L1 + L2 + L3) // 2 + 1
    return {
        "direct": B * (L1 + 1) ** 2 * (L2 + 1) ** 2 + B * (L3 + 1) ** 2,
        "grid": 4 * B * (2 * max(L1, L2, L3) + 1) * n_t + 2 * B * (L1 + L2 + L3 + 1) * n_t,
        "fourier": 6 * B * next_fast_len(2 * (L1 + L2) + 1) ** 2,
    }[method]


def tensor_product(x1: object, x2: object, lmax_out: int, method: str = "grid") -> np.ndarray:
    """Real-SH coefficients, up to degree ``lmax_out``, of the product of two spherical functions.

    Parameters
    ----------
    x1 : array_like, shape (..., (L1+1)**2)
        Coefficients of f1 in the real harmonics (index ``l*l + l + m``).
    x2 : array_like, shape (..., (L2+1)**2)
        Coefficients of f2; the leading (batch) dimensions broadcast against those of ``x1``.
    lmax_out : int
        Largest output degree (≥ 0). Degrees above L1 + L2 are zero.
    method : {"grid", "fourier", "direct"}
        Algorithm (see the module docstring); all give the same result to rounding.

    Returns
    -------
    ndarray, shape (..., (lmax_out+1)**2)
        ``out_k = Σ_ij x1_i x2_j ∫ Y_i Y_j Y_k dΩ``, in float64, or float32 when both inputs are
        float32 (every table is then used in float32 too).
    """
    x1, x2, L1, L2, lmax_out, batch, dtype = _prepare(x1, x2, lmax_out, method)
    # degrees above L1 + L2 are exactly zero: compute up to there, pad the rest (the tables of a
    # larger lmax_out would cost memory growing like lmax_out^3 for nothing)
    L3 = min(lmax_out, L1 + L2)
    B = x1.shape[0]
    if B == 0:  # an empty batch: an empty result, whatever the method
        out = np.zeros((0, (L3 + 1) ** 2), dtype=dtype)
    elif method == "direct":
        G = _gaunt_dense(L1, L2, L3).astype(dtype, copy=False)
        with np.errstate(over="ignore", invalid="ignore"):
            pairs = (x1[:, :, None] * x2[:, None, :]).reshape(B, -1)
            out = pairs @ G.reshape(-1, G.shape[-1])
    else:
        product = _grid_product if method == "grid" else _fourier_product
        with np.errstate(over="ignore", invalid="ignore"):
            out = product(x1, x2, L1, L2, L3, dtype)
    if not np.all(np.isfinite(out)):
        raise ValueError(
            f"the product overflows {np.dtype(dtype).name}: the coefficients of x1 and x2 "
            f"(largest {np.max(np.abs(x1)):.3g} and {np.max(np.abs(x2)):.3g}) are too large"
        )
    if lmax_out > L3:
        out = np.concatenate(
            [out, np.zeros((out.shape[0], (lmax_out + 1) ** 2 - out.shape[1]), dtype=out.dtype)],
            axis=1,
        )
    return out.reshape(*batch, (lmax_out + 1) ** 2)


# --------------------------------------------------------------------------- layout helpers


def _to_mbl(x: np.ndarray, L: int) -> np.ndarray:
    """(B, (L+1)**2) → (2L+1, B, L+1) with [m+L, b, l], zero where |m| > l.

    Order m first, so that every per-order Legendre sum is one batched matrix product.
    """
    l, m = sh_index(L)
    out = np.zeros((2 * L + 1, x.shape[0], L + 1), dtype=x.dtype)
    out[m + L, :, l] = x.T
    return out


def _from_mbl(a: np.ndarray, L: int) -> np.ndarray:
    """(2L+1, B, L+1) → (B, (L+1)**2)."""
    l, m = sh_index(L)
    return a[m + L, :, l].T


def _signed_table(P: np.ndarray, L: int) -> np.ndarray:
    """P[t, l, |m|] → [m+L, l, t] for m = −L..L (zero where |m| > l)."""
    m = np.abs(np.arange(-L, L + 1))
    return np.ascontiguousarray(P[:, : L + 1, :][:, :, m].transpose(2, 1, 0))


# --------------------------------------------------------------------------- grid method


@lru_cache(maxsize=16)
def _grid_tables(L1: int, L2: int, L3: int, dtype_name: str):
    dtype = np.dtype(dtype_name)
    degree = L1 + L2 + L3  # the integrand Y_i Y_j Y_k has this degree
    z, wz = np.polynomial.legendre.leggauss(degree // 2 + 1)
    # exact in φ for the integrand, every order |m| ≤ max(L) below the FFT's Nyquist index, and
    # a length the FFT handles fast (more points than needed are still exact)
    n_phi = next_fast_len(max(degree, 2 * max(L1, L2, L3)) + 1)
    P = legendre_table(max(L1, L2, L3), z)
    tables = tuple(_signed_table(P, L).astype(dtype) for L in (L1, L2, L3))
    return tables, (wz * (2 * np.pi / n_phi)).astype(dtype), n_phi


def _synthesis_phi(F: np.ndarray, L: int, n_phi: int) -> np.ndarray:
    """Σ_m F[m+L, ...] t_m(φ_k) on the uniform grid (last axis k), by an inverse real FFT."""
    X = np.zeros((n_phi // 2 + 1, *F.shape[1:]), dtype=np.result_type(F.dtype, np.complex64))
    X[0] = F[L] * n_phi
    mu = np.arange(1, L + 1)
    # √2 cos(μφ) and √2 sin(μφ) are the real parts of √2 e^{iμφ} and −i√2 e^{iμφ}
    X[mu] = (np.sqrt(2) / 2 * n_phi) * (F[L + mu] - 1j * F[L - mu])
    return np.fft.irfft(X, n=n_phi, axis=0)


def _analysis_phi(f: np.ndarray, L: int) -> np.ndarray:
    """Σ_k f[k, ...] t_m(φ_k) for m = −L..L (first axis m+L), by a real FFT."""
    R = np.fft.rfft(f, axis=0)
    out = np.empty((2 * L + 1, *f.shape[1:]), dtype=f.dtype)
    out[L] = R[0].real
    mu = np.arange(1, L + 1)
    out[L + mu] = np.sqrt(2) * R[mu].real
    out[L - mu] = -np.sqrt(2) * R[mu].imag
    return out


def _grid_product(x1, x2, L1, L2, L3, dtype):
    (T1, T2, T3), w, n_phi = _grid_tables(L1, L2, L3, np.dtype(dtype).name)
    # Legendre sums, one matrix product per order m: (m, B, l) @ (m, l, t) -> (m, B, t)
    f1 = _synthesis_phi(_to_mbl(x1, L1) @ T1, L1, n_phi)  # (φ, B, t)
    f2 = _synthesis_phi(_to_mbl(x2, L2) @ T2, L2, n_phi)
    H = _analysis_phi(f1 * f2, L3) * w  # (m, B, t), quadrature weights on t
    return _from_mbl(H @ T3.transpose(0, 2, 1), L3).astype(dtype, copy=False)


# --------------------------------------------------------------------------- Fourier method


@lru_cache(maxsize=32)
def _theta_fourier(L: int) -> np.ndarray:
    """T[l, m+L, u+L]: P̄_l^|m|(cos θ) = Σ_u T e^{iuθ}, θ extended to the whole circle."""
    K = 2 * L + 1
    theta = 2 * np.pi * np.arange(K) / K
    P = _signed_table(legendre_table(L, np.cos(theta), np.sin(theta)), L)  # (m, l, K)
    T = np.fft.fft(P, axis=-1) / K  # coefficient of e^{iuθ} at index u mod K
    return np.fft.fftshift(T, axes=-1)  # (m, l, u) with u = −L..L


def theta_sine_integrals(n: int) -> np.ndarray:
    """J[k+n] = ∫_0^π e^{ikθ} sin θ dθ for k = −n..n, in closed form.

    The Fourier method projects a 2D Fourier series back onto the harmonics with these: only
    θ in [0, π] belongs to the sphere, with the weight sin θ.
    """
    n = _check_degree(n, "n")
    _memory(64.0 * (2 * n + 1), f"the sine integrals up to {n}")
    k = np.arange(-n, n + 1)
    # real part ∫ cos(kθ) sin θ = ((−1)^k + 1)/(1 − k²), 0 for k = ±1;
    # imaginary part ∫ sin(kθ) sin θ = ±π/2 for k = ±1, 0 otherwise
    with np.errstate(divide="ignore", invalid="ignore"):
        real = np.where(np.abs(k) == 1, 0.0, ((-1.0) ** np.abs(k) + 1) / (1 - k * k))
    return real + 1j * np.where(np.abs(k) == 1, np.sign(k) * np.pi / 2, 0.0)


@lru_cache(maxsize=16)
def _fourier_tables(L1: int, L2: int, L3: int, dtype_name: str):
    dtype = np.dtype(dtype_name)
    cdtype = np.result_type(dtype, np.complex64)
    Ls = L1 + L2  # degree of the product in θ and in φ
    T3 = _theta_fourier(L3)  # (m, l, u3), u3 = −L3..L3
    # Q[l, m, u] = ∫_0^π e^{iuθ} P̄_l^|m|(cos θ) sin θ dθ for the product's u = −Ls..Ls
    J = theta_sine_integrals(Ls + L3)
    u = np.arange(-Ls, Ls + 1)
    u3 = np.arange(-L3, L3 + 1)
    Q = T3 @ J[(u[None, :] + u3[:, None]) + Ls + L3]  # (m, l, u)
    return (
        _theta_fourier(L1).astype(cdtype),
        _theta_fourier(L2).astype(cdtype),
        np.ascontiguousarray(Q.transpose(0, 2, 1)).astype(cdtype),  # (m, u, l)
    )


def _phi_fourier(A: np.ndarray, L: int) -> np.ndarray:
    """Σ_m A[m+L, ...] t_m(φ) = Σ_v F[v+L, ...] e^{ivφ} (first axis m, then v)."""
    F = np.zeros_like(A)
    F[L] = A[L]
    mu = np.arange(1, L + 1)
    c, s = A[L + mu], A[L - mu]  # cos and sin parts
    F[L + mu] = (np.sqrt(2) / 2) * (c - 1j * s)
    F[L - mu] = (np.sqrt(2) / 2) * (c + 1j * s)
    return F


def _fourier_product(x1, x2, L1, L2, L3, dtype):
    T1, T2, Q = _fourier_tables(L1, L2, L3, np.dtype(dtype).name)
    # 2D Fourier coefficients F[v, b, u] of each function on the torus: per order m a matrix
    # product (m, B, l) @ (m, l, u), then the φ factor t_m(φ) split into e^{±imφ}
    F1 = _phi_fourier(_to_mbl(x1, L1).astype(T1.dtype) @ T1, L1)
    F2 = _phi_fourier(_to_mbl(x2, L2).astype(T2.dtype) @ T2, L2)
    # the product is their 2D linear convolution, done by FFT on a grid that cannot wrap around;
    # batch first, so that each 2D transform runs over contiguous memory
    Ls = L1 + L2
    n = next_fast_len(2 * Ls + 1)  # any n >= 2 Ls + 1 avoids wrap-around; pick a fast one
    spectrum = scipy.fft.fft2(F1.transpose(1, 0, 2), s=(n, n))
    spectrum *= scipy.fft.fft2(F2.transpose(1, 0, 2), s=(n, n))
    F = scipy.fft.ifft2(spectrum, overwrite_x=True)[:, : 2 * Ls + 1, : 2 * Ls + 1]
    F = F.transpose(1, 0, 2)  # [v+Ls, b, u+Ls]
    # project: ∫ e^{ivφ} t_m dφ picks v = ±m; ∫_0^π e^{iuθ} P̄ sin θ dθ is Q
    mu = np.arange(1, min(L3, Ls) + 1)
    G = np.zeros((2 * L3 + 1, F.shape[1], 2 * Ls + 1), dtype=F.dtype)  # [m + L3, b, u]
    G[L3] = 2 * np.pi * F[Ls]
    G[L3 + mu] = np.sqrt(2) * np.pi * (F[Ls + mu] + F[Ls - mu])
    G[L3 - mu] = 1j * np.sqrt(2) * np.pi * (F[Ls + mu] - F[Ls - mu])
    return _from_mbl((G @ Q).real, L3).astype(dtype, copy=False)


def to_fourier(x: object) -> np.ndarray:
    """2D Fourier coefficients of spherical functions given by real-SH coefficients.

    The function f(θ, φ) = Σ_i x_i Y_i, with P̄_l^m(cos θ) continued to θ in [0, 2π) as the
    trigonometric polynomial it is, equals Σ_{u,v} F[u, v] e^{i(uθ + vφ)} with |u|, |v| ≤ L.

    Parameters
    ----------
    x : array_like, shape (..., (L+1)**2)

    Returns
    -------
    ndarray, shape (..., 2L+1, 2L+1), complex128
        ``F[..., u + L, v + L]``.
    """
    x, L = _as_coefficients(x, "x")
    batch = x.shape[:-1]
    flat = x.reshape(-1, x.shape[-1]).astype(float)
    F = _phi_fourier(_to_mbl(flat, L).astype(complex) @ _theta_fourier(L), L)  # [v, b, u]
    return F.transpose(1, 2, 0).reshape(*batch, 2 * L + 1, 2 * L + 1)


def _fft_cost(n: int) -> float:
    """Real multiply–adds of a complex FFT of length n, by the usual 2.5 n log2 n model."""
    return 2.5 * n * np.log2(max(n, 2))


def operation_count(L1: int, L2: int, L3: int, method: str, batch: int = 1) -> float:
    """Real multiply–adds the implementation of ``method`` performs for one call.

    Counted from the shapes of the matrix products, FFTs and pointwise products that
    :func:`tensor_product` executes (a complex multiply–add counts 4, an FFT of length n
    2.5 n log2 n, a real FFT half of that). Table set-up, cached between calls, is not counted.
    """
    L1, L2, L3 = (_check_degree(v, n) for v, n in ((L1, "L1"), (L2, "L2"), (L3, "L3")))
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if _check_degree(batch, "batch") < 1:
        raise ValueError(f"batch must be >= 1, got {batch}")
    n1, n2, n3 = (L1 + 1) ** 2, (L2 + 1) ** 2, (L3 + 1) ** 2
    if method == "direct":
        return float(batch * n1 * n2 * (1 + n3))
    if method == "grid":
        n_t = (L1 + L2 + L3) // 2 + 1
        n_phi = next_fast_len(max(L1 + L2 + L3, 2 * max(L1, L2, L3)) + 1)
        legendre = sum((2 * L + 1) * (L + 1) for L in (L1, L2, L3)) * n_t
        ffts = 3 * n_t * _fft_cost(n_phi) / 2
        return float(batch * (legendre + ffts + n_t * n_phi))
    Ls = L1 + L2
    n = next_fast_len(2 * Ls + 1)
    to_fourier_cost = 4 * sum((2 * L + 1) * (L + 1) * (2 * L + 1) for L in (L1, L2))
    ffts = 3 * (n * _fft_cost(n) + n * _fft_cost(n))  # three 2D FFTs, rows then columns
    projection = 4 * (2 * L3 + 1) * (2 * Ls + 1) * (L3 + 1)
    return float(batch * (to_fourier_cost + ffts + 4 * n * n + projection))
