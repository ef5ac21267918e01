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

from rederived._checks import finite_real as _finite_real
from rederived._checks import memory as _memory
from rederived._checks import real_array as _real

__all__ = [
    "batch_means",
    "cosine",
    "covariance",
    "full_precondition",
    "kron_power_iteration",
    "kron_precondition",
    "optimal_kronecker",
    "rearrange",
    "relative_error",
    "shampoo_factors",
    "softmax_gauss_newton",
    "spd_power",
]


def _grads(G: object) -> np.ndarray:
    G = _real(G, "G")
    if G.ndim != 3 or min(G.shape, default=0) < 1 or not np.all(np.isfinite(G)):
        raise ValueError(f"G must be a finite (samples, m, n) array, got shape {G.shape}")
    return G


#: overflow is detected and refused by the kernels themselves, so NumPy's warnings are noise
_QUIET = {"over": "ignore", "invalid": "ignore", "under": "ignore"}


def _finite_result(X: np.ndarray, what: str) -> np.ndarray:
    """X, or a ValueError if it overflowed (computed under :data:`_QUIET`, so without warnings)."""
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{what} overflows float64: scale the gradients down")
    return X


def covariance(G: object, *, max_bytes: object = None) -> np.ndarray:
    """H = E[vec(G) vec(G)ᵀ] over the samples, shape (mn, mn).

    Domain: G a finite real (samples, m, n) array, samples, m, n ≥ 1; H must fit in
    ``max_bytes`` (default 2 GiB) and in float64 (ValueError if it would overflow)."""
    G = _grads(G)
    mn = G.shape[1] * G.shape[2]
    _memory(8.0 * mn * mn, f"the {mn}×{mn} covariance", max_bytes)
    v = G.reshape(G.shape[0], -1)
    with np.errstate(**_QUIET):
        return _finite_result(v.T @ v / G.shape[0], "the covariance")


def shampoo_factors(G: object) -> tuple[np.ndarray, np.ndarray]:
    """Shampoo's statistics L = E[G Gᵀ] (m×m) and R = E[Gᵀ G] (n×n); G as for
    :func:`covariance` (ValueError if they overflow float64)."""
    G = _grads(G)
    with np.errstate(**_QUIET):
        L = np.einsum("sij,skj->ik", G, G) / G.shape[0]
        R = np.einsum("sji,sjk->ik", G, G) / G.shape[0]
    return _finite_result(L, "L"), _finite_result(R, "R")


def batch_means(G: object, batch: object) -> np.ndarray:
    """Mini-batch gradients: the means of consecutive groups of ``batch`` samples of G (a last,
    incomplete group is dropped), shape (samples // batch, m, n). Shampoo's statistics of
    these are what an optimizer that sees one batch gradient per step accumulates.

    Domain: G as for :func:`covariance`; batch an int from 1 to the number of samples."""
    G = _grads(G)
    if isinstance(batch, bool) or not isinstance(batch, Integral) or not 1 <= batch <= len(G):
        raise ValueError(f"batch must be an int from 1 to {len(G)} (the samples), got {batch!r}")
    count = len(G) // int(batch)
    with np.errstate(**_QUIET):  # divided before summed: the mean of huge values stays finite
        means = (G[: count * batch] / batch).reshape(count, int(batch), *G.shape[1:]).sum(axis=1)
    return _finite_result(means, "the batch means")


def softmax_gauss_newton(W: object, X: object, *, max_bytes: object = None) -> np.ndarray:
    """The Gauss–Newton matrix of the mean softmax cross-entropy of the linear model z = W x
    over the inputs X: E_x[Λ(x) ⊗ x xᵀ] with Λ = diag(p) − p pᵀ, p = softmax(W x), shape
    (mn, mn), indexed as vec(G) row-major like :func:`covariance`. For this model it is also
    the Hessian, and the covariance of the gradients (p − e_y) xᵀ with the labels y drawn from
    the model's own p (the Fisher matrix).

    Domain: W a finite real (m, n) array with m ≥ 2 classes, n ≥ 1; X a finite real
    (samples, n) array, samples ≥ 1; the result must fit in ``max_bytes`` (default 2 GiB)
    and in float64."""
    W, X = _real(W, "W"), _real(X, "X")
    if W.ndim != 2 or W.shape[0] < 2 or W.shape[1] < 1 or not np.all(np.isfinite(W)):
        raise ValueError(f"W must be a finite (m, n) array with m ≥ 2, got shape {W.shape}")
    m, n = W.shape
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] != n or not np.all(np.isfinite(X)):
        raise ValueError(f"X must be a finite (samples, {n}) array, got shape {X.shape}")
    _memory(24.0 * (m * n) ** 2, f"the {m * n}×{m * n} Gauss–Newton matrix", max_bytes)
    _memory(16.0 * len(X) * (m * m + n * n), "the per-sample factors", max_bytes)
    with np.errstate(**_QUIET):
        z = X @ W.T
    if not np.all(np.isfinite(z)):
        raise ValueError("the logits W x overflow float64: scale W or X down")
    with np.errstate(**_QUIET):
        z -= z.max(axis=1, keepdims=True)  # softmax without overflow
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        lam = np.einsum("si,ik->sik", p, np.eye(m)) - p[:, :, None] * p[:, None, :]
        outer = X[:, :, None] * X[:, None, :]
        # Σ_s Λ_s ⊗ x_s x_sᵀ is a product in the rearranged layout: ℛ(H) = Λᵀ·(x xᵀ) / S
        rearranged = lam.reshape(len(X), m * m).T @ outer.reshape(len(X), n * n) / len(X)
    H = rearranged.reshape(m, m, n, n).transpose(0, 2, 1, 3).reshape(m * n, m * n)
    if not np.all(np.isfinite(H)):
        raise ValueError("the Gauss–Newton matrix overflows float64 (|x|² too large): scale X down")
    return H


def _dims(H: np.ndarray, m: object, n: object) -> tuple[int, int]:
    for v, name in ((m, "m"), (n, "n")):
        if isinstance(v, bool) or not isinstance(v, Integral) or v < 1:
            raise ValueError(f"{name} must be a positive int, got {v!r}")
    if H.shape != (m * n, m * n) or not np.all(np.isfinite(H)):
        raise ValueError(f"H must be a finite ({m * n}, {m * n}) array, got {H.shape}")
    return int(m), int(n)


def rearrange(H: object, m: object, n: object) -> np.ndarray:
    """ℛ(H), shape (m², n²): ℛ(H)[(i,k),(j,l)] = H[(i,j),(k,l)]; H a finite real (mn, mn)
    array, m, n positive ints."""
    H = _real(H, "H")
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
    every step, which leaves L ⊗ R's direction unchanged).

    ValueError if H is zero or its rearrangement annihilates the iterate (no direction to
    follow), or if a step overflows float64."""
    if isinstance(steps, bool) or not isinstance(steps, Integral) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    Rm = rearrange(H, m, n)
    scale = np.abs(Rm).max(initial=0.0)
    if scale == 0:
        raise ValueError("H is zero: it has no Kronecker approximation to iterate towards")
    Rm = Rm / scale  # iterate at unit scale (H near overflow or underflow), L scaled back below
    L, R = np.eye(m), np.eye(n)
    for _ in range(steps):
        with np.errstate(**_QUIET):
            L, R = (Rm @ R.ravel()).reshape(m, m), (Rm.T @ L.ravel()).reshape(n, n)
            biggest = np.abs(R).max(initial=0.0)
            norm_R = np.linalg.norm(R / biggest) * biggest if biggest > 0 else 0.0
        if not (np.all(np.isfinite(L)) and np.isfinite(norm_R)):
            raise ValueError("a power step overflows float64: scale H down")
        if norm_R == 0 or not np.any(L):
            raise ValueError("the power iteration reached zero: H has no component along it")
        R /= norm_R
    with np.errstate(**_QUIET):
        L = L * scale
    return _finite_result(L, "L"), R


def _unit(X: np.ndarray, name: str) -> np.ndarray:
    """X / ‖X‖_F, computed after scaling by the largest entry (no overflow or underflow)."""
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} must be finite")
    scale = np.abs(X).max(initial=0.0)
    if scale == 0:
        raise ValueError(f"{name} must be nonzero")
    X = X / scale
    return X / np.linalg.norm(X)


def cosine(A: object, B: object) -> float:
    """Cosine similarity ⟨A, B⟩_F / (‖A‖ ‖B‖) of two finite, nonzero real arrays of the same
    shape, at any scale a double holds (entries from subnormal to near overflow); in [−1, 1]."""
    A, B = _real(A, "A"), _real(B, "B")
    if A.shape != B.shape:
        raise ValueError(f"shapes differ: {A.shape} and {B.shape}")
    c = float(np.sum(_unit(A, "A") * _unit(B, "B")))
    return min(1.0, max(-1.0, c))


def relative_error(H: object, K: object, fit_scale: bool = False) -> float:
    """‖H − cK‖_F / ‖H‖_F with c = 1, or with the best c = ⟨H, K⟩/‖K‖² if ``fit_scale``
    (then the error is sin of the angle between H and K: √(1 − cos²))."""
    if not isinstance(fit_scale, bool):
        raise TypeError(f"fit_scale must be a bool, got {fit_scale!r}")
    c = cosine(H, K)  # checks dtypes, shapes, finiteness, nonzero norms
    if fit_scale:
        return float(np.sqrt(max(0.0, 1.0 - c * c)))
    H, K = _real(H, "H"), _real(K, "K")
    scale = np.abs(H).max()
    error = np.linalg.norm(H / scale - K / scale) / np.linalg.norm(H / scale)
    if not np.isfinite(error):
        raise ValueError("‖H − K‖ / ‖H‖ overflows float64")
    return float(error)


def _spd_power(A: object, power: float, name: str) -> np.ndarray:
    A = _real(A, name)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.size == 0 or not np.all(np.isfinite(A)):
        raise ValueError(f"{name} must be a finite square matrix, got shape {A.shape}")
    if not np.allclose(A, A.T, rtol=1e-10, atol=1e-12 * np.abs(A).max(initial=0.0)):
        raise ValueError(f"{name} must be symmetric")
    w, V = np.linalg.eigh(A / 2 + A.T / 2)
    if w[0] <= 0:
        raise ValueError(
            f"{name} must be positive definite (smallest eigenvalue {w[0]:.3g}); "
            "start the statistics at eps * I"
        )
    with np.errstate(**_QUIET):
        return _finite_result((V * w**power) @ V.T, f"{name}^power")


def spd_power(A: object, power: float, *, semidefinite: bool = False) -> np.ndarray:
    """A^power for a symmetric positive definite matrix A (eigendecomposition); ValueError if
    A is not. With ``semidefinite`` a positive power of a positive semidefinite A is allowed
    (eigenvalues that rounding made slightly negative count as 0). ``power`` any finite real;
    ValueError if a power of an eigenvalue overflows float64."""
    power = _finite_real(power, "power")
    if not semidefinite:
        return _spd_power(A, power, "A")
    if power <= 0:
        raise ValueError("a semidefinite matrix has only positive powers")
    A = _real(A, "A")
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.size == 0 or not np.all(np.isfinite(A)):
        raise ValueError(f"A must be a finite square matrix, got shape {A.shape}")
    if not np.allclose(A, A.T, rtol=1e-10, atol=1e-12 * np.abs(A).max(initial=0.0)):
        raise ValueError("A must be symmetric")
    w, V = np.linalg.eigh(A / 2 + A.T / 2)
    if w[0] < -1e-10 * max(w[-1], 0.0):
        raise ValueError(f"A must be positive semidefinite (smallest eigenvalue {w[0]:.3g})")
    with np.errstate(**_QUIET):
        return _finite_result((V * np.maximum(w, 0.0) ** power) @ V.T, "A^power")


def kron_precondition(G: object, L: object, R: object, power: float = 0.5) -> np.ndarray:
    """(L ⊗ R)^(−power) vec(G) as an m×n matrix, that is L^(−power) G R^(−power).

    Shampoo's update is ``kron_precondition(G, L**½, R**½)`` with exponent ½, i.e.
    L^(−¼) G R^(−¼); L and R must be symmetric positive definite (m×m and n×n)."""
    G = _real(G, "G")
    if G.ndim != 2 or not np.all(np.isfinite(G)):
        raise ValueError(f"G must be a finite m×n matrix, got shape {G.shape}")
    power = _finite_real(power, "power")
    Lp, Rp = _spd_power(L, -power, "L"), _spd_power(R, -power, "R")
    if Lp.shape[0] != G.shape[0] or Rp.shape[0] != G.shape[1]:
        raise ValueError(f"L {Lp.shape} and R {Rp.shape} do not fit G {G.shape}")
    with np.errstate(**_QUIET):
        return _finite_result(Lp @ G @ Rp, "the preconditioned gradient")


def full_precondition(G: object, H: object, power: float = 0.5) -> np.ndarray:
    """H^(−power) vec(G) as an m×n matrix (full-matrix Adagrad with power ½); H is mn×mn,
    symmetric positive definite, in the row-major vec order of :func:`covariance`."""
    G = _real(G, "G")
    if G.ndim != 2 or not np.all(np.isfinite(G)):
        raise ValueError(f"G must be a finite m×n matrix, got shape {G.shape}")
    Hp = _spd_power(H, -_finite_real(power, "power"), "H")
    if Hp.shape[0] != G.size:
        raise ValueError(f"H {Hp.shape} does not fit G {G.shape}")
    with np.errstate(**_QUIET):
        return _finite_result((Hp @ G.ravel()).reshape(G.shape), "the preconditioned gradient")
