"""Sketched ridgeless least squares: the minimum-norm estimator fitted on m sketched samples
(Chen, Zeng, Yang and Sun, ICML 2023, arXiv:2302.01088).

Model (isotropic features): y = xᵀβ + ε with x ~ N(0, I_p), ε ~ N(0, σ²), and β ~ N(0, α²I/p),
so that ‖β‖² ≈ α². The minimum-norm estimator is β̂ = X⁺y; the sketched one is β̂ˢ = (SX)⁺Sy
for a sketch S ∈ R^{m×n}, either with orthonormal rows drawn uniformly (Haar) or with i.i.d.
N(0, 1/n) entries. Its out-of-sample risk E[(x₀ᵀ(β̂ − β))²] given the fit is ‖β̂ − β‖² for
isotropic x₀. In the proportional limit p/n → φ and m/n → ψ the risks have closed forms (the
paper's isotropic theorem, as coded in the authors' package):

- full sample: σ²φ/(1 − φ) for φ < 1, α²(1 − 1/φ) + σ²/(φ − 1) for φ > 1;
- orthogonal sketch: the same with φ replaced by φ/ψ;
- Gaussian sketch: σ²φ/(1 − φ) + σ²(φ/ψ)/(1 − φ/ψ) for φ/ψ < 1, the orthogonal value otherwise.

Sketching helps where the full-sample risk exceeds the best overparametrised sketched risk
σ(2α − σ), attained at φ/ψ = α/(α − σ) (for α > σ).
"""

from __future__ import annotations

import numpy as np

from rederived._checks import count, finite_real, generator, memory, real_array

__all__ = [
    "SKETCHES",
    "limiting_risk",
    "min_norm_fit",
    "optimal_sketch_ratio",
    "simulated_risks",
    "sketch_matrix",
]

SKETCHES = ("orthogonal", "gaussian")

#: the most samples or features a simulated fit takes (dense n × p matrices)
MAX_DIMENSION = 20_000

#: the most fits one call simulates
MAX_DRAWS = 1_000_000


def _positive_array(value: object, name: str) -> np.ndarray:
    if np.asarray(value).dtype == bool:
        raise TypeError(f"{name} must be real numbers, not booleans")
    a = real_array(value, name)
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise ValueError(f"{name} must be finite and positive")
    return a


def _sketch_kind(kind: object, name: str) -> None:
    if not isinstance(kind, str) or kind not in SKETCHES:
        raise ValueError(f"{name} must be one of {SKETCHES}, got {kind!r}")


def _noise_and_signal(alpha: object, sigma: object) -> tuple[float, float]:
    alpha = finite_real(alpha, "alpha")
    sigma = finite_real(sigma, "sigma")
    if alpha < 0:
        raise ValueError(f"alpha must be non-negative, got {alpha!r}")
    if sigma <= 0:
        raise ValueError(f"sigma must be positive, got {sigma!r}")
    return np.float64(alpha), np.float64(sigma)  # NumPy scalars: overflow gives inf, checked


def _full(ratio: np.ndarray, alpha: float, sigma: float) -> np.ndarray:
    if np.any(np.abs(ratio - 1) <= 1e-12):
        raise ValueError(
            "the risk diverges where p equals the number of samples (phi/psi within 1e-12 of 1)"
        )
    under = ratio < 1
    safe = np.where(under, ratio, 2.0)  # the branch not taken, kept finite
    over = np.where(under, 2.0, ratio)
    return np.where(
        under,
        sigma**2 * safe / (1 - safe),
        alpha**2 * (1 - 1 / over) + sigma**2 / (over - 1),
    )


def limiting_risk(
    phi: object, alpha: float, sigma: float, psi: object = 1.0, sketch: str = "orthogonal"
) -> np.ndarray:
    """Limiting out-of-sample risk of the (sketched) minimum-norm estimator, broadcast over
    φ = p/n > 0 and ψ = m/n in (0, 1]; ψ = 1 with the orthogonal sketch is the full sample.
    ValueError where it diverges (φ/ψ within 1e-12 of 1) or overflows."""
    alpha, sigma = _noise_and_signal(alpha, sigma)
    phi, psi = np.broadcast_arrays(_positive_array(phi, "phi"), _positive_array(psi, "psi"))
    if np.any(psi > 1):
        raise ValueError("psi = m/n must lie in (0, 1]")
    _sketch_kind(sketch, "sketch")
    ratio = phi / psi
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        risk = _full(ratio, alpha, sigma)
    if sketch == "gaussian":
        under = ratio < 1  # then φ < 1 too
        base = np.where(under, phi, 0.5)
        with np.errstate(over="ignore", invalid="ignore"):
            risk = np.where(under, sigma**2 * base / (1 - base) + risk, risk)
    if not np.all(np.isfinite(risk)):
        raise ValueError(
            "the risk overflows float64 (alpha or sigma too large, or phi/psi too close to 1)"
        )
    return risk


def optimal_sketch_ratio(phi: object, alpha: float, sigma: float) -> np.ndarray:
    """The paper's optimal ψ* = m*/n for the orthogonal sketch, broadcast over φ:
    φ(α − σ)/α where α > σ and 1 − σ/(2α) < φ ≤ α/(α − σ); 0 (as small a sketch as possible,
    whose risk tends to the null risk α²) where α ≤ σ and φ > α²/(α² + σ²); 1 (no sketching)
    otherwise."""
    alpha, sigma = _noise_and_signal(alpha, sigma)
    phi = _positive_array(phi, "phi")
    psi = np.ones_like(phi)
    if alpha > sigma:
        shrink = 1 - sigma / alpha  # (α − σ)/α, scale-free
        window = (phi > 1 - sigma / alpha / 2) & (phi <= 1 / shrink)
        psi = np.where(window, np.minimum(phi * shrink, 1.0), psi)
    else:
        with np.errstate(divide="ignore", over="ignore"):
            threshold = 1.0 / (1.0 + (sigma / alpha) ** 2)  # α²/(α² + σ²), scale-free
        psi = np.where(phi > threshold, 0.0, psi)
    return psi


def sketch_matrix(m: int, n: int, kind: str, seed: object) -> np.ndarray:
    """An m × n sketch (m ≤ n): orthonormal rows uniform on the Stiefel manifold (the Q factor
    of a Gaussian matrix, with the signs of R's diagonal, is Haar) or i.i.d. N(0, 1/n)."""
    m, n = count(m, "m"), count(n, "n")
    if m > n:
        raise ValueError(f"m must be at most n = {n}, got {m}")
    if n > MAX_DIMENSION:
        raise ValueError(f"n must be at most {MAX_DIMENSION}")
    _sketch_kind(kind, "kind")
    rng = generator(seed)
    memory(16.0 * m * n, f"a {m} × {n} sketch")
    g = rng.normal(size=(n, m))
    if kind == "gaussian":
        return g.T / np.sqrt(n)
    q, r = np.linalg.qr(g)
    return (q * np.sign(np.diag(r))).T


def min_norm_fit(X: object, y: object) -> np.ndarray:
    """β̂ = X⁺y, the minimum-norm least-squares solution (SVD; singular values below the
    default relative cutoff count as zero). X (n, p) and y (n,) finite; both are scaled by
    powers of two first (exact), so that subnormal or huge data fit like any other, and a
    solution beyond the float64 range is a ValueError."""
    for name, value in (("X", X), ("y", y)):
        if np.asarray(value).dtype == bool:
            raise TypeError(f"{name} must be real numbers, not booleans")
    X, y = real_array(X, "X"), real_array(y, "y")
    if X.ndim != 2 or 0 in X.shape or y.shape != (X.shape[0],):
        raise ValueError(f"need X (n, p) non-empty and y (n,), got {X.shape} and {y.shape}")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise ValueError("X and y must be finite")
    ex = int(np.frexp(np.max(np.abs(X)))[1])
    ey = int(np.frexp(np.max(np.abs(y)))[1])
    if not np.any(X) or not np.any(y):
        return np.zeros(X.shape[1])
    beta = np.linalg.lstsq(np.ldexp(X, -ex), np.ldexp(y, -ey), rcond=None)[0]
    with np.errstate(over="ignore"):
        beta = np.ldexp(beta, ey - ex)
    if not np.all(np.isfinite(beta)):
        raise ValueError("the minimum-norm solution overflows float64 (X too small for y)")
    return beta


def simulated_risks(
    n: int,
    p: int,
    alpha: float,
    sigma: float,
    draws: int,
    seed: object,
    m: int | None = None,
    sketch: str = "orthogonal",
) -> np.ndarray:
    """Exact out-of-sample risks ‖β̂ − β‖² of ``draws`` independent fits (fresh β, X, ε and
    sketch each), shape (draws,): the full-sample minimum-norm estimator when ``m`` is None,
    else the estimator on the m × p sketched data."""
    n, p, draws = count(n, "n"), count(p, "p"), count(draws, "draws")
    if draws > MAX_DRAWS:
        raise ValueError(f"draws must be at most {MAX_DRAWS}")
    alpha, sigma = _noise_and_signal(alpha, sigma)
    if max(n, p) > MAX_DIMENSION:
        raise ValueError(f"n and p must be at most {MAX_DIMENSION}")
    _sketch_kind(sketch, "sketch")
    if m is not None:
        m = count(m, "m")
        if m > n:
            raise ValueError(f"m must be at most n = {n}, got {m}")
    elif sketch != "orthogonal":
        raise ValueError("sketch applies to sketched fits only: give m with it")
    memory(8.0 * (2 * n * p + n * n), f"fits of {n} × {p} data")
    rng = generator(seed)
    risks = np.empty(draws)
    for k in range(draws):
        beta = rng.normal(0.0, alpha / np.sqrt(p), p)
        X = rng.normal(size=(n, p))
        y = X @ beta + rng.normal(0.0, sigma, n)
        if m is not None:
            S = sketch_matrix(m, n, sketch, rng)
            X, y = S @ X, S @ y
        risks[k] = float(np.sum((min_norm_fit(X, y) - beta) ** 2))
    if not np.all(np.isfinite(risks)):
        raise ValueError("the simulated risks overflow float64 (alpha or sigma too large)")
    return risks
