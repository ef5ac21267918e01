"""Polynomial preconditioning from symmetric polynomials of a matrix (Doikov and Rodomanov,
ICML 2023).

For a symmetric positive semidefinite ``B`` with eigenvalues ``λ_1 ≥ … ≥ λ_n ≥ 0``, let
``e_k(B) = e_k(λ)`` be the elementary symmetric polynomials of its eigenvalues. They need no
eigenvalues: Newton's identities give them from the power traces ``tr(B^j)``. The gradient of
``e_{τ+1}`` with respect to ``B`` is the polynomial ``Σ_{j=0}^{τ} (−1)^j e_{τ−j}(B) B^j``, whose
eigenvalues are the leave-one-out polynomials ``e_τ(λ_{−i})``, so the preconditioner

    P_τ⁻¹ = ∇e_{τ+1}(B) / e_{τ+1}(B)

applies with ``τ`` products by ``B`` and makes ``P_τ⁻¹B`` have the eigenvalues

    π_i = λ_i e_τ(λ_{−i}) / e_{τ+1}(λ),

the probabilities that ``i`` belongs to a volume-sampled set of ``τ + 1`` indices (sets drawn with
probability proportional to the product of their eigenvalues). They lie in ``(0, 1]`` and sum to
``τ + 1``; the condition number ``π_1 / π_n`` is at most ``(λ_{τ+1} + … + λ_n) / λ_n``: the top
``τ`` eigenvalues no longer count, and nothing about the spectrum was needed. ``τ = 0`` is the
scaled identity ``I / tr B``.

The methods minimise the quadratic ``f(x) = ½ xᵀBx − bᵀx``: the gradient method
``x⁺ = x − P_τ⁻¹∇f(x)`` (step 1, since ``π ≤ 1``), the fast gradient method with the same
preconditioner, and the adaptive method that minimises ``f`` exactly over
``x + span{g, Bg, …, B^τ g}`` (which contains every polynomial step of degree ``τ``, this one
included) without computing any ``e_k``.

Domain: ``B`` a finite real symmetric positive semidefinite square array of size at most
:data:`MAX_DIMENSION` (checked by a Cholesky factorisation), any scale; ``τ`` an int from 0 to
:data:`MAX_DEGREE` with ``e_{τ+1}(B) > 0`` (at least ``τ + 1`` positive eigenvalues). Newton's
identities subtract: for ``τ`` beyond a few, or spectra spanning many decades, ``e_k`` from traces
lose digits (compare :func:`elementary_symmetric` of the eigenvalues, which only adds).
:class:`PolynomialPreconditioner` bounds that loss as it goes and refuses a ``τ`` whose bound
exceeds :data:`NEWTON_TOLERANCE`, rather than return a wrong preconditioner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from math import comb
from numbers import Integral

import numpy as np

from rederived._checks import count as _count
from rederived._checks import generator as _generator
from rederived._checks import positive as _positive
from rederived._checks import real_array as _real_array

__all__ = [
    "MAX_DEGREE",
    "MAX_DIMENSION",
    "MAX_ITERATIONS",
    "NEWTON_TOLERANCE",
    "MethodRun",
    "PolynomialPreconditioner",
    "adaptive_method",
    "condition_bound",
    "condition_number",
    "conjugate_gradients",
    "elementary_symmetric",
    "gradient_method",
    "leave_one_out",
    "marginals",
    "matrix_with_spectrum",
    "newton_identities",
    "power_traces",
    "spiked_spectrum",
    "submatrix_inverse_average",
]
# submatrix_inverse_average enumerates every index set: refused beyond this many
MAX_SUBSETS = 200_000

MAX_DIMENSION = 4096
MAX_DEGREE = 32
MAX_ITERATIONS = 1_000_000
# largest estimated relative error of e_1..e_{τ+1} from traces that a preconditioner accepts; the
# estimate is a running bound, 10³ to 10⁶ times the actual error (so it refuses early)
NEWTON_TOLERANCE = 1e-3


def _degree(tau: object, name: str = "tau", limit: int = MAX_DEGREE) -> int:
    if isinstance(tau, bool) or not isinstance(tau, Integral):
        raise TypeError(f"{name} must be an int, got {tau!r}")
    if not 0 <= tau <= limit:
        raise ValueError(f"{name} must be from 0 to {limit}, got {tau!r}")
    return int(tau)


def _spectrum(values: object, name: str = "eigenvalues") -> np.ndarray:
    lam = _real_array(values, name)
    if lam.ndim != 1 or lam.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {lam.shape}")
    if lam.size > MAX_DIMENSION:
        raise ValueError(f"{name} must have at most {MAX_DIMENSION} entries, got {lam.size}")
    if not np.all(np.isfinite(lam)) or np.any(lam < 0):
        raise ValueError(f"{name} must be finite and non-negative")
    return lam


def _symmetric(B: object, name: str = "B") -> np.ndarray:
    M = _real_array(B, name)
    if M.ndim != 2 or M.shape[0] != M.shape[1] or M.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty square matrix, got shape {M.shape}")
    if M.shape[0] > MAX_DIMENSION:
        raise ValueError(f"{name} must be at most {MAX_DIMENSION} × {MAX_DIMENSION}, got {M.shape}")
    if not np.all(np.isfinite(M)):
        raise ValueError(f"{name} must be finite")
    scale = np.max(np.abs(M))
    if not np.allclose(M, M.T, rtol=0, atol=1e-12 * max(scale, np.finfo(float).tiny)):
        raise ValueError(f"{name} must be symmetric")
    return (M + M.T) / 2


def _no_underflow(values: np.ndarray, what: str) -> None:
    """Values that are positive in exact arithmetic must not have rounded to zero."""
    if np.any(values == 0):
        raise ValueError(f"{what} underflow float64 (a true value below 1e-308): scale B up")


def _finite(values: np.ndarray, what: str) -> np.ndarray:
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{what} overflow float64: scale B down")
    return values


def elementary_symmetric(values: object, k: object) -> np.ndarray:
    """``e_0, …, e_k`` of the entries of ``values`` (non-negative, at most MAX_DIMENSION), by the
    product expansion ``Π (1 + λ_i t)``: only additions of non-negative terms, so every ``e_j`` is
    accurate to a few units in the last place."""
    lam = _spectrum(values, "values")
    k = _degree(k, "k", MAX_DEGREE + 1)
    e = np.zeros(k + 1)
    e[0] = 1.0
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for v in lam:
            e[1:] = e[1:] + v * e[:-1]
    _no_underflow(e[1 : min(k, np.count_nonzero(lam)) + 1], "the elementary symmetric polynomials")
    return _finite(e, "the elementary symmetric polynomials")


def leave_one_out(values: object, k: object) -> np.ndarray:
    """``e_k`` of ``values`` with entry ``i`` left out, for every ``i`` (shape ``(n,)``), from
    prefix and suffix products: additions only, no cancellation."""
    lam = _spectrum(values, "values")
    k = _degree(k, "k")
    n = lam.size
    prefix = np.zeros((n + 1, k + 1))
    suffix = np.zeros((n + 1, k + 1))
    prefix[0, 0] = suffix[n, 0] = 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(n):
            prefix[i + 1] = prefix[i]
            prefix[i + 1, 1:] += lam[i] * prefix[i, :-1]
        for i in range(n - 1, -1, -1):
            suffix[i] = suffix[i + 1]
            suffix[i, 1:] += lam[i] * suffix[i + 1, :-1]
        # e_k(λ_{−i}) = Σ_j e_j(λ_0..λ_{i−1}) e_{k−j}(λ_{i+1}..λ_{n−1})
        out = np.einsum("ij,ij->i", prefix[:n], suffix[1:, ::-1])
    remaining = np.count_nonzero(lam) - (lam > 0)  # positive entries left without entry i
    _no_underflow(out[remaining >= k], "the leave-one-out polynomials")
    return _finite(out, "the leave-one-out polynomials")


def marginals(eigenvalues: object, tau: object) -> np.ndarray:
    """The eigenvalues ``π_i = λ_i e_τ(λ_{−i}) / e_{τ+1}(λ)`` of ``P_τ⁻¹B``, in the order given:
    the inclusion probabilities of volume sampling ``τ + 1`` indices. ValueError when fewer than
    ``τ + 1`` eigenvalues are positive (``e_{τ+1} = 0``: the preconditioner does not exist)."""
    lam = _spectrum(eigenvalues)
    tau = _degree(tau)
    if lam.max() > 0:  # π is scale-free: scale to λ_max = 1 so that e_{τ+1} cannot underflow
        positive = lam > 0
        with np.errstate(under="ignore"):
            lam = lam / lam.max()
        if np.any(positive & (lam == 0)):
            raise ValueError("eigenvalues span more than float64 can hold (ratios below 1e-308)")
    top = elementary_symmetric(lam, tau + 1)[tau + 1]
    if not top > 0:
        raise ValueError(
            f"eigenvalues: e_{tau + 1} = 0 (fewer than {tau + 1} positive eigenvalues), "
            f"so P_{tau} does not exist"
        )
    return lam * leave_one_out(lam, tau) / top


def condition_number(eigenvalues: object, tau: object) -> float:
    """``max π / min π`` for a positive definite spectrum (ValueError on a zero eigenvalue: the
    quadratic is then not strongly convex and has no condition number)."""
    lam = _spectrum(eigenvalues)
    if not np.all(lam > 0):
        raise ValueError("eigenvalues must all be positive for a condition number")
    pi = marginals(lam, tau)
    with np.errstate(over="ignore", divide="ignore"):
        kappa = pi.max() / pi.min()
    if not np.isfinite(kappa):
        raise ValueError("eigenvalues: the condition number overflows float64")
    return float(kappa)


def condition_bound(eigenvalues: object, tau: object) -> float:
    """The bound ``(λ_{τ+1} + … + λ_n) / λ_n`` (eigenvalues sorted decreasingly) on
    :func:`condition_number`; ``τ`` must be below the number of eigenvalues."""
    lam = np.sort(_spectrum(eigenvalues))[::-1]
    tau = _degree(tau)
    if tau >= lam.size:
        raise ValueError(f"tau must be below the number of eigenvalues ({lam.size}), got {tau}")
    if not lam[-1] > 0:
        raise ValueError("eigenvalues must all be positive for a condition number")
    with np.errstate(over="ignore"):
        bound = np.sum(lam[tau:] / lam[-1])
    if not np.isfinite(bound):
        raise ValueError("eigenvalues: the bound overflows float64")
    return float(bound)


def power_traces(B: object, k: object) -> np.ndarray:
    """``tr(B^j)`` for ``j = 1, …, k`` (shape ``(k,)``), from ``⌈k/2⌉ − 1`` matrix products:
    ``tr(B^{2m}) = ‖B^m‖_F²`` and ``tr(B^{2m+1}) = ⟨B^m, B^{m+1}⟩``."""
    M = _symmetric(B)
    k = _degree(k, "k", MAX_DEGREE + 1)
    if k == 0:
        raise ValueError("k must be at least 1")
    powers = [np.eye(M.shape[0]), M]
    with np.errstate(over="ignore", invalid="ignore"):
        while len(powers) <= (k + 1) // 2:
            powers.append(powers[-1] @ M)
        out = np.array([np.sum(powers[j // 2] * powers[j - j // 2]) for j in range(1, k + 1)])
    if np.any(M):
        _no_underflow(out[1::2], "the power traces")  # tr B^{2m} = ‖B^m‖² > 0 for B ≠ 0
    return _finite(out, "the power traces")


def newton_identities(traces: object) -> np.ndarray:
    """``e_0, …, e_k`` from the power sums ``p_1, …, p_k`` (``k e_k = Σ_{j=1}^{k} (−1)^{j−1}
    e_{k−j} p_j``). Alternating sums: the result loses digits when the spectrum spans decades
    and k is large; it is exact on integers up to rounding of the divisions."""
    p = _real_array(traces, "traces")
    if p.ndim != 1 or p.size == 0 or p.size > MAX_DEGREE + 1:
        raise ValueError(f"traces must be a 1-D array of 1 to {MAX_DEGREE + 1} power sums")
    if not np.all(np.isfinite(p)):
        raise ValueError("traces must be finite")
    e = np.zeros(p.size + 1)
    e[0] = 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, p.size + 1):
            j = np.arange(1, k + 1)
            e[k] = np.sum((-1.0) ** (j - 1) * e[k - j] * p[j - 1]) / k
    return _finite(e, "the elementary symmetric polynomials")


def _newton_error(traces: np.ndarray, e: np.ndarray, n: int) -> float:
    """A running bound on the relative error of ``e_1..e_k`` from Newton's identities: traces
    from products of n×n matrices carry a relative error up to about ``j n u`` (u the unit
    roundoff), and each identity adds its sum's rounding to the errors it inherits."""
    u = np.finfo(float).eps
    k_max = traces.size
    dp = np.abs(traces) * np.arange(1, k_max + 1) * n * u
    de = np.zeros(k_max + 1)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(1, k_max + 1):
            j = np.arange(1, k + 1)
            de[k] = (
                np.sum(
                    de[k - j] * np.abs(traces[j - 1])
                    + np.abs(e[k - j]) * dp[j - 1]
                    + np.abs(e[k - j] * traces[j - 1]) * 2 * k * u
                )
                / k
            )
        rel = de[1:] / np.abs(e[1:])
    return float(np.max(rel)) if np.all(np.isfinite(rel)) else float("inf")


class PolynomialPreconditioner:
    """``P_τ⁻¹ = Σ_{j=0}^{τ} c_j B^j`` with ``c_j = (−1)^j e_{τ−j}(B) / e_{τ+1}(B)``, the ``e_k``
    from power traces by Newton's identities (no eigenvalues). :meth:`apply` multiplies a vector
    or a matrix of columns by ``P_τ⁻¹`` with ``τ`` products by ``B`` (Horner's scheme)."""

    def __init__(self, B: object, tau: object):
        self.B = _symmetric(B)
        self.tau = _degree(tau)
        n = self.B.shape[0]
        if self.tau >= n:
            raise ValueError(f"tau must be below the dimension {n}, got {self.tau}")
        # P_τ⁻¹(sB) = P_τ⁻¹(B)/s: work with B/s, s = max |B_ij| (between λ_1/n and λ_1 for a
        # semidefinite B), so that the traces neither overflow nor underflow
        self.scale = float(np.max(np.abs(self.B)))
        if self.scale == 0:
            raise ValueError("B must not be zero")
        if self.scale < np.finfo(float).tiny or self.scale > np.finfo(float).max / (4 * n):
            raise ValueError(
                f"B: its largest entry {self.scale:.1e} is outside the range where P_τ⁻¹ = "
                "(polynomial in B)/scale stays a normal float64; rescale B"
            )
        scaled = self.B / self.scale
        try:  # semidefinite up to rounding: a shift of n units in the last place
            np.linalg.cholesky(scaled + 4 * n * np.finfo(float).eps * np.eye(n))
        except np.linalg.LinAlgError:
            raise ValueError("B must be positive semidefinite") from None
        traces = power_traces(scaled, self.tau + 1)
        self.e = newton_identities(traces)
        self.error_estimate = _newton_error(traces, self.e, n)
        if self.error_estimate > NEWTON_TOLERANCE and self.e[self.tau + 1] > 0:
            raise ValueError(
                f"tau = {self.tau} is too large for this B: e_1..e_{self.tau + 1} from Newton's "
                f"identities may be off by a relative {self.error_estimate:.1e} (more than "
                f"{NEWTON_TOLERANCE:g}); take a smaller tau"
            )
        if not self.e[self.tau + 1] > 0 or self.error_estimate > NEWTON_TOLERANCE:
            raise ValueError(
                f"B: e_{self.tau + 1}(B) is not resolved as positive: B has fewer than "
                f"{self.tau + 1} positive eigenvalues, or tau = {self.tau} is too large for the "
                "traces to resolve it"
            )
        self._scaled = scaled
        j = np.arange(self.tau + 1)
        # coefficients of P_τ⁻¹(B/s), in powers of B/s
        self._coefficients = (-1.0) ** j * self.e[self.tau - j] / self.e[self.tau + 1]

    @property
    def coefficients(self) -> np.ndarray:
        """``c_j`` with ``P_τ⁻¹ = Σ_j c_j B^j`` (for B itself, not scaled)."""
        j = np.arange(self.tau + 1)
        with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
            out = self._coefficients / self.scale ** (j + 1)
        if not np.all(np.isfinite(out)) or np.any((out == 0) & (self._coefficients != 0)):
            raise ValueError(
                "B: the coefficients in powers of B leave float64 at this scale; use apply(), "
                "which works in powers of B / max|B|"
            )
        return out

    def apply(self, v: object) -> np.ndarray:
        x = _real_array(v, "v")
        if x.shape[:1] != (self.B.shape[0],) or x.ndim > 2:
            raise ValueError(f"v must have {self.B.shape[0]} rows, got shape {x.shape}")
        if not np.all(np.isfinite(x)):
            raise ValueError("v must be finite")
        out = self._coefficients[-1] * x
        for c in self._coefficients[-2::-1]:
            out = self._scaled @ out + c * x
        with np.errstate(over="ignore", invalid="ignore"):
            out = out / self.scale
        if not np.all(np.isfinite(out)):
            raise ValueError("v: P_τ⁻¹v overflows float64; scale v down")
        return out

    def matrix(self) -> np.ndarray:
        """``P_τ⁻¹`` as a dense matrix (for checks)."""
        return self.apply(np.eye(self.B.shape[0]))


@dataclass
class MethodRun:
    """Objective gaps ``f(x_k) − f*`` for k = 0, 1, …, and the products by ``B`` spent to reach
    each iterate (the methods' common unit of cost)."""

    gaps: np.ndarray
    products: np.ndarray
    x: np.ndarray = field(repr=False)

    def iterations_to(self, tolerance: float) -> int | None:
        """The first k with ``gap_k ≤ tolerance · gap_0`` (None if never reached)."""
        tol = _positive(tolerance, "tolerance")
        hit = np.flatnonzero(self.gaps <= tol * self.gaps[0])
        return int(hit[0]) if hit.size else None


def _iterations(value: object) -> int:
    n_it = _count(value, "iterations", minimum=0)
    if n_it > MAX_ITERATIONS:
        raise ValueError(f"iterations must be at most {MAX_ITERATIONS}, got {n_it}")
    return n_it


def _quadratic(B: object, b: object) -> tuple[np.ndarray, np.ndarray, float]:
    M = _symmetric(B)
    rhs = _real_array(b, "b")
    if rhs.shape != (M.shape[0],) or not np.all(np.isfinite(rhs)):
        raise ValueError(f"b must be a finite vector of length {M.shape[0]}")
    scale = np.max(np.abs(M))
    if not np.finfo(float).tiny <= scale <= np.finfo(float).max / (4 * M.shape[0]):
        raise ValueError(f"B: its largest entry {scale:.1e} is outside the normal float64 range")
    try:
        chol = np.linalg.cholesky(M)
    except np.linalg.LinAlgError:
        raise ValueError("B must be positive definite (the quadratic needs a minimiser)") from None
    with np.errstate(over="ignore", invalid="ignore"):
        x_star = np.linalg.solve(chol.T, np.linalg.solve(chol, rhs))
        f_star = -0.5 * float(rhs @ x_star)
    if not (np.all(np.isfinite(x_star)) and np.isfinite(f_star)):
        raise ValueError("B and b: the minimiser or the minimum overflows float64; rescale b or B")
    if np.any(rhs) and f_star == 0:
        raise ValueError("b: the minimum underflows float64 (b too small); rescale b")
    return M, rhs, f_star


def _gap(M: np.ndarray, b: np.ndarray, f_star: float, x: np.ndarray) -> float:
    with np.errstate(over="ignore", invalid="ignore"):
        gap = 0.5 * float(x @ (M @ x)) - float(b @ x) - f_star
    if not np.isfinite(gap):
        raise ValueError("B and b: the objective overflows float64 along the iterates; rescale b")
    return max(gap, 0.0)


def gradient_method(
    B: object, b: object, tau: object, iterations: object, *, accelerated: bool = False
) -> MethodRun:
    """The (fast) gradient method with ``P_τ`` on ``f(x) = ½ xᵀBx − bᵀx`` from ``x_0 = 0``:
    step 1 (``P_τ⁻¹B`` has eigenvalues at most 1); the fast method uses the momentum
    ``(k − 1)/(k + 2)``, which needs no strong-convexity constant. Each iteration costs
    ``τ + 1`` products by ``B``."""
    if not isinstance(accelerated, bool):
        raise TypeError(f"accelerated must be a bool, got {accelerated!r}")
    M, rhs, f_star = _quadratic(B, b)
    pre = PolynomialPreconditioner(M, tau)
    n_it = _iterations(iterations)
    x = np.zeros_like(rhs)
    y, x_prev = x.copy(), x.copy()
    gaps, cost = [_gap(M, rhs, f_star, x)], [0]
    for k in range(1, n_it + 1):
        point = y if accelerated else x
        x_new = point - pre.apply(M @ point - rhs)
        if accelerated:
            y = x_new + (k - 1) / (k + 2) * (x_new - x_prev)
            x_prev = x_new
        x = x_new
        gaps.append(_gap(M, rhs, f_star, x))
        cost.append(cost[-1] + pre.tau + 1)
    return MethodRun(np.array(gaps), np.array(cost), x)


def adaptive_method(B: object, b: object, tau: object, iterations: object) -> MethodRun:
    """Each step minimises ``f`` exactly over ``x + span{g, Bg, …, B^τ g}``, ``g = ∇f(x)``
    (an orthonormal basis of the Krylov space and a ``(τ+1)``-dimensional solve): at least as
    good a step as every polynomial preconditioner of degree ``τ``, with no ``e_k`` computed.
    ``τ + 1`` products by ``B`` per step (the last one gives the projected matrix)."""
    M, rhs, f_star = _quadratic(B, b)
    tau = _degree(tau)
    n_it = _iterations(iterations)
    x = np.zeros_like(rhs)
    gaps, cost = [_gap(M, rhs, f_star, x)], [0]
    for _ in range(n_it):
        g = M @ x - rhs
        norm = np.linalg.norm(g)
        if norm == 0:
            gaps.append(0.0)
            cost.append(cost[-1] + tau + 1)
            continue
        basis = [g / norm]
        for _ in range(tau):
            w = M @ basis[-1]
            for q in basis:  # Gram–Schmidt twice: the Krylov vectors are nearly parallel
                w = w - (q @ w) * q
            for q in basis:
                w = w - (q @ w) * q
            size = np.linalg.norm(w)
            if size <= 1e-13 * norm:
                break
            basis.append(w / size)
        V = np.column_stack(basis)
        BV = M @ V
        coef = np.linalg.lstsq(V.T @ BV, -(V.T @ g), rcond=None)[0]
        x = x + V @ coef
        gaps.append(_gap(M, rhs, f_star, x))
        cost.append(cost[-1] + tau + 1)
    return MethodRun(np.array(gaps), np.array(cost), x)


def conjugate_gradients(B: object, b: object, iterations: object) -> MethodRun:
    """Textbook conjugate gradients on ``Bx = b`` from ``x_0 = 0``, one product by ``B`` per
    iteration: the Krylov method that adapts to the spectrum by itself."""
    M, rhs, f_star = _quadratic(B, b)
    n_it = _iterations(iterations)
    x = np.zeros_like(rhs)
    r = rhs.copy()
    p = r.copy()
    rr = float(r @ r)
    gaps, cost = [_gap(M, rhs, f_star, x)], [0]
    for _ in range(n_it):
        if rr == 0:
            gaps.append(0.0)
            cost.append(cost[-1] + 1)
            continue
        Bp = M @ p
        alpha = rr / float(p @ Bp)
        x = x + alpha * p
        r = r - alpha * Bp
        rr_new = float(r @ r)
        p = r + (rr_new / rr) * p
        rr = rr_new
        gaps.append(_gap(M, rhs, f_star, x))
        cost.append(cost[-1] + 1)
    return MethodRun(np.array(gaps), np.array(cost), x)


def submatrix_inverse_average(B: object, tau: object, sampling: str = "volume") -> np.ndarray:
    """The average of ``(B_SS)⁻¹`` padded with zeros to ``n × n``, over every index set ``S`` of
    size ``τ + 1``, each weighted by ``det B_SS`` (``sampling="volume"``: coordinate volume
    sampling, whose average is ``P_τ⁻¹``) or equally (``"uniform"``). Exact enumeration, for
    small ``n``: refused beyond :data:`MAX_SUBSETS` sets. Domain: ``B`` symmetric positive
    definite (every principal submatrix invertible)."""
    M = _symmetric(B)
    tau = _degree(tau)
    n = M.shape[0]
    if sampling not in ("volume", "uniform"):
        raise ValueError(f"sampling must be 'volume' or 'uniform', got {sampling!r}")
    if tau >= n:
        raise ValueError(f"tau must be below the dimension {n}, got {tau}")
    if comb(n, tau + 1) > MAX_SUBSETS:
        raise ValueError(
            f"B and tau: {comb(n, tau + 1)} index sets to enumerate, more than {MAX_SUBSETS}"
        )
    try:
        np.linalg.cholesky(M)
    except np.linalg.LinAlgError:
        raise ValueError("B must be positive definite") from None
    scale = float(np.max(np.abs(M)))  # the average of inverses scales like 1/scale
    scaled = M / scale
    total, acc = 0.0, np.zeros((n, n))
    for S in combinations(range(n), tau + 1):
        sub = scaled[np.ix_(S, S)]
        weight = np.linalg.det(sub) if sampling == "volume" else 1.0
        acc[np.ix_(S, S)] += weight * np.linalg.inv(sub)
        total += weight
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        out = acc / total / scale
    return _finite(out, "the average")


def spiked_spectrum(
    n: object, spikes: object, *, spike: object = 1e3, bulk: tuple = (1.0, 10.0), seed: object = 0
) -> np.ndarray:
    """``n`` eigenvalues, decreasing: ``spikes`` outliers log-uniform in ``[spike, 10·spike]`` and
    a bulk uniform in ``bulk``; the smallest is pinned at ``bulk[0]`` so that ``λ_n`` is known."""
    size = _count(n, "n", minimum=2)
    if size > MAX_DIMENSION:
        raise ValueError(f"n must be at most {MAX_DIMENSION}, got {size}")
    k = _count(spikes, "spikes", minimum=0)
    if k >= size:
        raise ValueError(f"spikes must be below n = {size}, got {k}")
    top = _positive(spike, "spike")
    low, high = (_positive(v, "bulk") for v in bulk)
    if not low < high <= top:
        raise ValueError(f"bulk must be (low, high) with 0 < low < high <= spike, got {bulk!r}")
    if not np.isfinite(10 * top):
        raise ValueError(f"spike must be at most {np.finfo(float).max / 10:.1e}, got {spike!r}")
    rng = _generator(seed)
    values = np.concatenate(
        [top * 10 ** rng.uniform(0, 1, k), rng.uniform(low, high, size - k - 1), [low]]
    )
    return np.sort(values)[::-1]


def matrix_with_spectrum(eigenvalues: object, seed: object = 0) -> np.ndarray:
    """``Q diag(λ) Qᵀ`` with ``Q`` Haar-random orthogonal (QR of a Gaussian matrix, signs
    fixed), exactly symmetric."""
    lam = _spectrum(eigenvalues)
    rng = _generator(seed)
    Q, R = np.linalg.qr(rng.normal(size=(lam.size, lam.size)))
    Q = Q * np.sign(np.diag(R))
    with np.errstate(over="ignore", invalid="ignore"):
        M = (Q * lam) @ Q.T
        M = (M + M.T) / 2
    return _finite(M, "the matrix")
