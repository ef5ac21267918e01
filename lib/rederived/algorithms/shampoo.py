"""Kronecker-factored approximations of a gradient covariance (Shampoo's preconditioner).

For gradients G of an m×n weight, H = E[vec(G) vec(G)ᵀ] (vec row-major, index i·n + j) is
mn×mn. The best Kronecker product L ⊗ R in Frobenius norm comes from the top singular pair of
the rearrangement ℛ(H), ℛ(H)[(i,k),(j,l)] = H[(i,j),(k,l)], which maps L ⊗ R to the rank-one
vec(L) vec(R)ᵀ (Van Loan–Pitsianis). Shampoo keeps L = E[G Gᵀ] and R = E[Gᵀ G]: these are
ℛ(H) vec(I) and ℛ(H)ᵀ vec(I), one step of the power iteration for that pair from the identity.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

__all__ = [
    "cosine",
    "covariance",
    "full_precondition",
    "kron_power_iteration",
    "kron_precondition",
    "optimal_kronecker",
    "rearrange",
    "relative_error",
    "shampoo_factors",
    "spd_power",
]


def _grads(G: object) -> np.ndarray:
    G = np.asarray(G, dtype=float)
    if G.ndim != 3 or G.shape[0] < 1 or not np.all(np.isfinite(G)):
        raise ValueError(f"G must be a finite (samples, m, n) array, got shape {G.shape}")
    return G


def covariance(G: object) -> np.ndarray:
    """H = E[vec(G) vec(G)ᵀ] over the samples, shape (mn, mn)."""
    G = _grads(G)
    v = G.reshape(G.shape[0], -1)
    return v.T @ v / G.shape[0]


def shampoo_factors(G: object) -> tuple[np.ndarray, np.ndarray]:
    """Shampoo's statistics L = E[G Gᵀ] (m×m) and R = E[Gᵀ G] (n×n)."""
    G = _grads(G)
    return np.einsum("sij,skj->ik", G, G) / G.shape[0], np.einsum("sji,sjk->ik", G, G) / G.shape[0]


def _dims(H: np.ndarray, m: object, n: object) -> tuple[int, int]:
    for v, name in ((m, "m"), (n, "n")):
        if isinstance(v, bool) or not isinstance(v, Integral) or v < 1:
            raise ValueError(f"{name} must be a positive int, got {v!r}")
    if H.shape != (m * n, m * n) or not np.all(np.isfinite(H)):
        raise ValueError(f"H must be a finite ({m * n}, {m * n}) array, got {H.shape}")
    return int(m), int(n)


def rearrange(H: object, m: object, n: object) -> np.ndarray:
    """ℛ(H), shape (m², n²): ℛ(H)[(i,k),(j,l)] = H[(i,j),(k,l)]."""
    H = np.asarray(H, dtype=float)
    m, n = _dims(H, m, n)
    return H.reshape(m, n, m, n).transpose(0, 2, 1, 3).reshape(m * m, n * n)


def optimal_kronecker(H: object, m: object, n: object) -> tuple[np.ndarray, np.ndarray]:
    """The Frobenius-optimal L ⊗ R ≈ H, from the top singular pair of ℛ(H) (L with positive
    trace)."""
    Rm = rearrange(H, m, n)
    u, s, vt = np.linalg.svd(Rm, full_matrices=False)
    L = (u[:, 0] * s[0]).reshape(m, m)
    R = vt[0].reshape(n, n)
    if np.trace(L) < 0:
        L, R = -L, -R
    return L, R


def kron_power_iteration(
    H: object, m: object, n: object, steps: int
) -> tuple[np.ndarray, np.ndarray]:
    """``steps`` power steps for the top singular pair of ℛ(H), both factors updated from the
    previous pair and started at the identities: L ← ℛ(H) vec(R), R ← ℛ(H)ᵀ vec(L). After one
    step L = E[G Gᵀ] and R = E[Gᵀ G], Shampoo's statistics (R is normalised to unit norm after
    every step, which leaves L ⊗ R's direction unchanged)."""
    if isinstance(steps, bool) or not isinstance(steps, Integral) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    Rm = rearrange(H, m, n)
    L, R = np.eye(m), np.eye(n)
    for _ in range(steps):
        L, R = (Rm @ R.ravel()).reshape(m, m), (Rm.T @ L.ravel()).reshape(n, n)
        R /= np.linalg.norm(R)
    return L, R


def cosine(A: object, B: object) -> float:
    """Cosine similarity ⟨A, B⟩_F / (‖A‖ ‖B‖) of two matrices of the same shape."""
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if A.shape != B.shape:
        raise ValueError(f"shapes differ: {A.shape} and {B.shape}")
    norms = np.linalg.norm(A) * np.linalg.norm(B)
    if not np.isfinite(norms) or norms == 0:
        raise ValueError("cosine needs two finite, nonzero matrices")
    return float(np.sum(A * B) / norms)


def relative_error(H: object, K: object, fit_scale: bool = False) -> float:
    """‖H − cK‖_F / ‖H‖_F with c = 1, or with the best c = ⟨H, K⟩/‖K‖² if ``fit_scale``
    (then the error is sin of the angle between H and K: √(1 − cos²))."""
    H, K = np.asarray(H, dtype=float), np.asarray(K, dtype=float)
    c = cosine(H, K)  # checks shapes, finiteness, nonzero norms
    if fit_scale:
        return float(np.sqrt(max(0.0, 1.0 - c * c)))
    return float(np.linalg.norm(H - K) / np.linalg.norm(H))


def _spd_power(A: object, power: float, name: str) -> np.ndarray:
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.all(np.isfinite(A)):
        raise ValueError(f"{name} must be a finite square matrix, got shape {A.shape}")
    if not np.allclose(A, A.T, rtol=1e-10, atol=1e-12 * np.abs(A).max(initial=0.0)):
        raise ValueError(f"{name} must be symmetric")
    w, V = np.linalg.eigh((A + A.T) / 2)
    if w[0] <= 0:
        raise ValueError(
            f"{name} must be positive definite (smallest eigenvalue {w[0]:.3g}); "
            "start the statistics at eps * I"
        )
    return (V * w**power) @ V.T


def spd_power(A: object, power: float, *, semidefinite: bool = False) -> np.ndarray:
    """A^power for a symmetric positive definite matrix A (eigendecomposition); ValueError if
    A is not. With ``semidefinite`` a positive power of a positive semidefinite A is allowed
    (eigenvalues that rounding made slightly negative count as 0)."""
    power = float(power)
    if not semidefinite:
        return _spd_power(A, power, "A")
    if power <= 0:
        raise ValueError("a semidefinite matrix has only positive powers")
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.all(np.isfinite(A)):
        raise ValueError(f"A must be a finite square matrix, got shape {A.shape}")
    if not np.allclose(A, A.T, rtol=1e-10, atol=1e-12 * np.abs(A).max(initial=0.0)):
        raise ValueError("A must be symmetric")
    w, V = np.linalg.eigh((A + A.T) / 2)
    if w[0] < -1e-10 * max(w[-1], 0.0):
        raise ValueError(f"A must be positive semidefinite (smallest eigenvalue {w[0]:.3g})")
    return (V * np.maximum(w, 0.0) ** power) @ V.T


def kron_precondition(G: object, L: object, R: object, power: float = 0.5) -> np.ndarray:
    """(L ⊗ R)^(−power) vec(G) as an m×n matrix, that is L^(−power) G R^(−power).

    Shampoo's update is ``kron_precondition(G, L**½, R**½)`` with exponent ½, i.e.
    L^(−¼) G R^(−¼); L and R must be symmetric positive definite (m×m and n×n)."""
    G = np.asarray(G, dtype=float)
    if G.ndim != 2 or not np.all(np.isfinite(G)):
        raise ValueError(f"G must be a finite m×n matrix, got shape {G.shape}")
    power = float(power)
    Lp, Rp = _spd_power(L, -power, "L"), _spd_power(R, -power, "R")
    if Lp.shape[0] != G.shape[0] or Rp.shape[0] != G.shape[1]:
        raise ValueError(f"L {Lp.shape} and R {Rp.shape} do not fit G {G.shape}")
    return Lp @ G @ Rp


def full_precondition(G: object, H: object, power: float = 0.5) -> np.ndarray:
    """H^(−power) vec(G) as an m×n matrix (full-matrix Adagrad with power ½); H is mn×mn,
    symmetric positive definite, in the row-major vec order of :func:`covariance`."""
    G = np.asarray(G, dtype=float)
    if G.ndim != 2 or not np.all(np.isfinite(G)):
        raise ValueError(f"G must be a finite m×n matrix, got shape {G.shape}")
    Hp = _spd_power(H, -float(power), "H")
    if Hp.shape[0] != G.size:
        raise ValueError(f"H {Hp.shape} does not fit G {G.shape}")
    return (Hp @ G.ravel()).reshape(G.shape)
