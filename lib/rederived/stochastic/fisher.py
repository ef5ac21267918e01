"""Fisher information geometry of lattice spin models with one coupling per bond.

An Ising or q-state Potts model on an L×L torus with a coupling J_b on every bond b is an
exponential family: p(s) ∝ exp(Σ_b J_b e_b(s)) with e_b = s_i s_j (Ising, s = ±1) or
δ(s_i, s_j) (Potts). Its Fisher metric is the covariance of the bond observables, g = ∂²ψ with
ψ = ln Z, and the third cumulant tensor is T = ∂³ψ. For such a Hessian metric the fourth
derivatives cancel from the curvature, and the scalar curvature is

    R = (‖T‖² − tᵀ g⁻¹ t) / 4,   ‖T‖² = T_abc T^abc,   t_a = g^bc T_abc,

the sum of four terms R₁ = −½ tᵀg⁻¹t, R₂ = ½‖T‖², R₃ = ¼ tᵀg⁻¹t, R₄ = −¼‖T‖² (the chapter
*Fisher curvature at criticality* derives it). Everything here is exact: the cumulants come from
enumerating every spin configuration, which limits the lattice to q^(L²) ≤ 2^20 states.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

__all__ = ["MAX_STATES", "Curvature", "bonds", "curvature", "exact_cumulants", "fisher_curvature"]

#: The largest number of configurations :func:`exact_cumulants` enumerates (2^20).
MAX_STATES = 1 << 20


def bonds(L: object) -> np.ndarray:
    """Nearest-neighbour bonds of the L×L torus (L ≥ 3), as (2L², 2) site indices: every site's
    bond to the right, then every site's bond downwards."""
    if isinstance(L, bool) or not isinstance(L, Integral) or L < 3:
        raise ValueError(f"L must be an int >= 3 (smaller tori have double bonds), got {L!r}")
    L = int(L)
    site = np.arange(L * L).reshape(L, L)
    right = np.stack([site.ravel(), np.roll(site, -1, axis=1).ravel()], axis=1)
    down = np.stack([site.ravel(), np.roll(site, -1, axis=0).ravel()], axis=1)
    return np.concatenate([right, down])


def _states(n_sites: int, q: int) -> np.ndarray:
    total = q**n_sites
    if total > MAX_STATES:
        raise ValueError(
            f"{q}^{n_sites} = {total:,} configurations is beyond exact enumeration "
            f"(at most {MAX_STATES:,}): use a smaller lattice"
        )
    codes = np.arange(total)
    return np.stack([(codes // q**i) % q for i in range(n_sites)], axis=1).astype(np.int8)


def exact_cumulants(
    L: object, coupling: object, *, q: object = 2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, covariance g and third cumulant T of the bond observables, by enumeration.

    Parameters
    ----------
    L : int
        Torus side, L ≥ 3.
    coupling : float or array_like, shape (2L²,)
        J_b, one value for all bonds or one per bond; finite.
    q : int
        2 for Ising (e_b = s_i s_j, s = ±1), q ≥ 3 for Potts (e_b = δ(s_i, s_j)).

    Returns
    -------
    mean : (m,), g : (m, m), T : (m, m, m)
    """
    if isinstance(q, bool) or not isinstance(q, Integral) or q < 2:
        raise ValueError(f"q must be an int >= 2, got {q!r}")
    q = int(q)
    b = bonds(L)
    J = np.broadcast_to(np.asarray(coupling, dtype=float), (len(b),))
    if not np.all(np.isfinite(J)):
        raise ValueError("coupling must be finite")
    s = _states(int(L) ** 2, q)
    if q == 2:
        spins = 2.0 * s - 1.0
        e = spins[:, b[:, 0]] * spins[:, b[:, 1]]
    else:
        e = (s[:, b[:, 0]] == s[:, b[:, 1]]).astype(float)
    energy = e @ J
    w = np.exp(energy - energy.max())
    w /= w.sum()
    mean = w @ e
    d = e - mean
    g = (d * w[:, None]).T @ d
    wd = d * w[:, None]
    T = np.einsum("sa,sb,sc->abc", wd, d, d, optimize=True)
    return mean, g, T


@dataclass(frozen=True)
class Curvature:
    """Scalar curvature of a Hessian metric and its four Ricci terms (R = R1 + R2 + R3 + R4)."""

    R: float
    R1: float
    R2: float
    R3: float
    R4: float


def curvature(g: object, T: object) -> Curvature:
    """Scalar curvature of the Hessian metric g with third-derivative tensor T.

    Raises
    ------
    ValueError
        If g is numerically singular (condition number above 1e10).
    """
    g, T = np.asarray(g, dtype=float), np.asarray(T, dtype=float)
    m = g.shape[0]
    if g.shape != (m, m) or T.shape != (m, m, m):
        raise ValueError(f"g must be (m, m) and T (m, m, m), got {g.shape} and {T.shape}")
    if not (np.all(np.isfinite(g)) and np.all(np.isfinite(T))):
        raise ValueError("g and T must be finite")
    if np.linalg.cond(g) > 1e10:
        raise ValueError(
            "the Fisher metric is numerically singular here (condition number > 1e10): at very "
            "strong coupling the bond observables barely fluctuate and the curvature is not "
            "resolved in double precision"
        )
    G = np.linalg.inv(g)
    # the four contractions of R = g^ik R^j_ijk, each as it comes out of the Riemann tensor
    # R^l_ijk = −½ g^la g^bm T_abj T_ikm + ½ g^la g^bm T_abk T_ijm
    #           + ¼ g^la g^mb T_jma T_ikb − ¼ g^la g^mb T_kma T_ijb   (then l = j)
    opt = {"optimize": True}
    R1 = -0.5 * float(np.einsum("ik,ja,bm,abj,ikm->", G, G, G, T, T, **opt))
    R2 = 0.5 * float(np.einsum("ik,ja,bm,abk,ijm->", G, G, G, T, T, **opt))
    R3 = 0.25 * float(np.einsum("ik,ja,mb,jma,ikb->", G, G, G, T, T, **opt))
    R4 = -0.25 * float(np.einsum("ik,ja,mb,kma,ijb->", G, G, G, T, T, **opt))
    return Curvature(R1 + R2 + R3 + R4, R1, R2, R3, R4)


def fisher_curvature(L: object, coupling: object, *, q: object = 2) -> Curvature:
    """Scalar curvature of the Fisher metric of the L×L torus at uniform coupling, exact."""
    if isinstance(coupling, bool) or not isinstance(coupling, Real):
        raise TypeError(f"coupling must be a real number, got {coupling!r}")
    _, g, T = exact_cumulants(L, coupling, q=q)
    return curvature(g, T)
