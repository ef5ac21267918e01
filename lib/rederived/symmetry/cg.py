"""Clebsch–Gordan coefficients in the real basis and the full Clebsch–Gordan tensor product.

The full tensor product couples every pair of degrees (l1, l2) into every l3 with
|l1 − l2| ≤ l3 ≤ l1 + l2, including the paths with l1 + l2 + l3 odd (such as the cross product of
two vectors, 1 ⊗ 1 → 1) that a Gaunt product, being a product of functions, cannot produce. The
real-basis coefficients follow from the complex ones (Racah's formula, in exact integer
arithmetic) by the unitary change of basis of :mod:`rederived.symmetry.so3`.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from math import factorial, sqrt

import numpy as np

from rederived._checks import memory as _memory
from rederived.symmetry.gaunt import _as_coefficients
from rederived.symmetry.so3 import _check_degree

__all__ = [
    "clebsch_gordan_complex",
    "clebsch_gordan_real",
    "paths",
    "product_tensor",
    "tensor_product",
]


def _cg_value(j1: int, m1: int, j2: int, m2: int, j3: int, m3: int) -> float:
    """<j1 m1 j2 m2 | j3 m3> by Racah's formula: an exact rational under one square root."""
    if m1 + m2 != m3 or not abs(j1 - j2) <= j3 <= j1 + j2:
        return 0.0
    if abs(m1) > j1 or abs(m2) > j2 or abs(m3) > j3:
        return 0.0
    f = factorial
    root = Fraction(
        (2 * j3 + 1) * f(j3 + j1 - j2) * f(j3 - j1 + j2) * f(j1 + j2 - j3)
        * f(j3 + m3) * f(j3 - m3) * f(j1 - m1) * f(j1 + m1) * f(j2 - m2) * f(j2 + m2),
        f(j1 + j2 + j3 + 1),
    )  # fmt: skip
    total = Fraction(0)
    for k in range(0, j1 + j2 - j3 + 1):
        denominators = (
            j1 + j2 - j3 - k,
            j1 - m1 - k,
            j2 + m2 - k,
            j3 - j2 + m1 + k,
            j3 - j1 - m2 + k,
        )
        if min(denominators) < 0:
            continue
        d = f(k)
        for v in denominators:
            d *= f(v)
        total += Fraction((-1) ** k, d)
    try:
        return float(total) * sqrt(root)
    except OverflowError:
        # from l ≈ 44 the root's factorials overflow a double: the coefficient squared is an
        # exact rational of size at most 1, which does not
        square = total * total * root
        return (1.0 if total >= 0 else -1.0) * sqrt(float(square))


@lru_cache(maxsize=512)
def _cg_complex(l1: int, l2: int, l3: int) -> np.ndarray:
    C = np.zeros((2 * l1 + 1, 2 * l2 + 1, 2 * l3 + 1))
    for m1 in range(-l1, l1 + 1):
        for m2 in range(max(-l2, -l3 - m1), min(l2, l3 - m1) + 1):
            C[m1 + l1, m2 + l2, m1 + m2 + l3] = _cg_value(l1, m1, l2, m2, l3, m1 + m2)
    C.setflags(write=False)
    return C


#: the highest degree coupled (Racah's exact sums take about a second per block near 90;
#: 150 ran for minutes)
MAX_DEGREE = 90


def _degrees(*pairs) -> tuple[int, ...]:
    out = []
    for v, n in pairs:
        v = _check_degree(v, n)
        if v > MAX_DEGREE:
            raise ValueError(f"{n} must be at most {MAX_DEGREE}, got {v}")
        out.append(v)
    return tuple(out)


def clebsch_gordan_complex(l1: int, l2: int, l3: int) -> np.ndarray:
    """Complex-basis coefficients ``C[m1+l1, m2+l2, m3+l3] = <l1 m1 l2 m2 | l3 m3>``, degrees
    up to :data:`MAX_DEGREE`."""
    l1, l2, l3 = _degrees((l1, "l1"), (l2, "l2"), (l3, "l3"))
    return _cg_complex(l1, l2, l3).copy()


def _real_from_complex(l: int) -> np.ndarray:
    """U with Y_real[m] = Σ_μ U[m, μ] Y^μ (Condon–Shortley complex harmonics)."""
    U = np.zeros((2 * l + 1, 2 * l + 1), dtype=complex)
    U[l, l] = 1.0
    for m in range(1, l + 1):
        U[l + m, l + m] = (-1) ** m / np.sqrt(2)
        U[l + m, l - m] = 1 / np.sqrt(2)
        U[l - m, l + m] = -1j * (-1) ** m / np.sqrt(2)
        U[l - m, l - m] = 1j / np.sqrt(2)
    return U


@lru_cache(maxsize=512)
def _cg_real(l1: int, l2: int, l3: int) -> np.ndarray:
    C = _cg_complex(l1, l2, l3)
    U1, U2, U3 = (_real_from_complex(v) for v in (l1, l2, l3))
    # transform the coupling to the real basis in every slot
    R = np.einsum("ai,bj,ck,ijk->abc", U1, U2, U3.conj(), C, optimize=True)
    # the result is real for l1+l2+l3 even and imaginary for odd: rotate it onto the real axis
    R = R if (l1 + l2 + l3) % 2 == 0 else -1j * R
    if np.max(np.abs(R.imag), initial=0.0) > 1e-12:  # would mean a wrong change of basis
        raise RuntimeError(f"real CG coefficients of ({l1}, {l2}, {l3}) are not real")
    out = np.ascontiguousarray(R.real)
    out.setflags(write=False)
    return out


def clebsch_gordan_real(l1: int, l2: int, l3: int) -> np.ndarray:
    """Real-basis Clebsch–Gordan coefficients of one path l1 ⊗ l2 → l3.

    Returns
    -------
    ndarray, shape (2*l1+1, 2*l2+1, 2*l3+1), float64
        ``C`` with ``Σ_ab C[a,b,c] C[a,b,c'] = δ_cc'`` (an isometry onto degree l3) and
        equivariant: contracting ``D^l1 x``, ``D^l2 y`` gives ``D^l3`` times the contraction of
        ``x`` and ``y``. Zero (all entries) when the triangle rule fails.
    """
    l1, l2, l3 = _degrees((l1, "l1"), (l2, "l2"), (l3, "l3"))
    return _cg_real(l1, l2, l3).copy()


def paths(L1: int, L2: int, lmax_out: int, *, parity: str = "all") -> list[tuple[int, int, int]]:
    """The coupling paths (l1, l2, l3) of a full tensor product, by triangle rule.

    Parameters
    ----------
    parity : {"all", "even", "odd"}
        ``"even"`` keeps l1 + l2 + l3 even: exactly the paths a Gaunt product has.
    """
    if parity not in ("all", "even", "odd"):
        raise ValueError(f"parity must be 'all', 'even' or 'odd', got {parity!r}")
    keep = {"all": (0, 1), "even": (0,), "odd": (1,)}[parity]
    _degrees((L1, "L1"), (L2, "L2"), (lmax_out, "lmax_out"))
    return [
        (a, b, c)
        for a in range(_check_degree(L1, "L1") + 1)
        for b in range(_check_degree(L2, "L2") + 1)
        for c in range(abs(a - b), min(a + b, _check_degree(lmax_out, "lmax_out")) + 1)
        if (a + b + c) % 2 in keep
    ]


def tensor_product(x1: object, x2: object, lmax_out: int) -> np.ndarray:
    """Full Clebsch–Gordan tensor product with unit weight on every path.

    Parameters
    ----------
    x1 : array_like, shape (..., (L1+1)**2)
    x2 : array_like, shape (..., (L2+1)**2)
        Real-SH coefficient vectors (index ``l*l + l + m``); batch dimensions broadcast.
    lmax_out : int
        Largest output degree.

    Returns
    -------
    ndarray, shape (..., (lmax_out+1)**2), float64
        ``out[l3] = Σ_{l1, l2} C_real(l1, l2, l3) : (x1[l1] ⊗ x2[l2])`` over every path.
    """
    x1, L1 = _as_coefficients(x1, "x1")
    x2, L2 = _as_coefficients(x2, "x2")
    (lmax_out,) = _degrees((lmax_out, "lmax_out"))
    _degrees((L1, "L1"), (L2, "L2"))
    batch = np.broadcast_shapes(x1.shape[:-1], x2.shape[:-1])
    _memory(
        16.0 * int(np.prod(batch)) * ((lmax_out + 1) ** 2 + x1.shape[-1] + x2.shape[-1]),
        f"the tensor product of a batch of {int(np.prod(batch))}",
    )
    x1 = np.broadcast_to(x1, (*batch, x1.shape[-1])).reshape(-1, x1.shape[-1]).astype(float)
    x2 = np.broadcast_to(x2, (*batch, x2.shape[-1])).reshape(-1, x2.shape[-1]).astype(float)
    out = np.zeros((x1.shape[0], (lmax_out + 1) ** 2))
    with np.errstate(over="ignore", invalid="ignore"):
        for a, b, c in paths(L1, L2, lmax_out):
            out[:, c * c : (c + 1) ** 2] += np.einsum(
                "ni,nj,ijk->nk",
                x1[:, a * a : (a + 1) ** 2],
                x2[:, b * b : (b + 1) ** 2],
                _cg_real(a, b, c),
            )
    if not np.all(np.isfinite(out)):
        raise ValueError(
            "the product overflows float64: the coefficients of x1 and x2 are too large"
        )
    return out.reshape(*batch, (lmax_out + 1) ** 2)


def product_tensor(
    L: int, *, weights: object = None, normalization: str = "wigner3j", basis: str = "real"
) -> np.ndarray:
    """The full tensor product over degrees 0..L as one dense bilinear map.

    Parameters
    ----------
    L : int
        Largest degree of both inputs and of the output; every path (l1, l2, l3) of
        :func:`paths` (L, L, L) is included.
    weights : array_like, optional
        One weight per path, in the order of :func:`paths`; all ones by default. Any choice
        gives an equivariant bilinear map, and every equivariant bilinear map between these
        spaces is of this form.
    normalization : {"wigner3j", "isometry"}
        ``"wigner3j"`` scales each path's block to unit Frobenius norm (the Wigner 3j symbols,
        as in e3nn's ``wigner_3j``); ``"isometry"`` keeps the blocks of
        :func:`clebsch_gordan_real` (Frobenius norm √(2 l3 + 1)).
    basis : {"real", "complex"}
        ``"real"``: the real spherical-harmonic basis of the rest of the package (and of e3nn).
        ``"complex"``: the complex basis ``|l m⟩``, where the blocks are the Clebsch–Gordan
        coefficients themselves, real and nonzero only for m3 = m1 + m2. The two tensors are
        related by a unitary (complex) change of basis in every slot, so they have the same
        rank over ℂ, but not necessarily over ℝ.

    Returns
    -------
    ndarray, shape (d, d, d), d = (L + 1)²
        ``M[k, i, j]``: output component k of the product of inputs i and j, so that
        ``einsum("kij,i,j->k", M, x, y)`` is the product of the coefficient vectors x, y.
    """
    L = _check_degree(L, "L")
    if L > 16:  # (L+1)^6 entries and L^3 coupling blocks: L = 20 ran for minutes
        raise ValueError(f"L must be at most 16 for the dense product tensor, got {L}")
    if normalization not in ("wigner3j", "isometry"):
        raise ValueError(f"normalization must be 'wigner3j' or 'isometry', got {normalization!r}")
    if basis not in ("real", "complex"):
        raise ValueError(f"basis must be 'real' or 'complex', got {basis!r}")
    d = (L + 1) ** 2
    _memory(8.0 * d**3, f"the dense product tensor of degree {L} ({d}³ entries)")
    coupling = _cg_real if basis == "real" else _cg_complex
    triples = paths(L, L, L)
    if weights is None:
        weights = np.ones(len(triples))
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (len(triples),) or not np.all(np.isfinite(weights)):
        raise ValueError(
            f"weights must be {len(triples)} finite numbers (one per path), got shape "
            f"{weights.shape}"
        )
    d = (L + 1) ** 2
    M = np.zeros((d, d, d))
    for w, (a, b, c) in zip(weights, triples, strict=True):
        block = coupling(a, b, c).transpose(2, 0, 1)
        if normalization == "wigner3j":
            block = block / sqrt(2 * c + 1)
        M[c * c : (c + 1) ** 2, a * a : (a + 1) ** 2, b * b : (b + 1) ** 2] += w * block
    return M
