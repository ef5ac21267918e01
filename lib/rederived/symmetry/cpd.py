"""Canonical polyadic (CP) decompositions of a three-way tensor, and the bilinear maps they give.

A tensor M[k, i, j] (output k, inputs i and j) of CP rank R is Σ_r A[k, r] B[i, r] C[j, r]; as a
bilinear map, M(x, y) = A ((Bᵀx) ∘ (Cᵀy)) costs R (d_k + d_i + d_j) multiplications instead of
the d_k d_i d_j of a dense contraction. ``als`` fits the factors by alternating least squares
(each factor in turn is the exact least-squares solution with the other two fixed); ``adam``
fits them by Adam steps on the relative squared error ‖M − [A, B, C]‖²_F / ‖M‖²_F, which is the
expected squared error of the bilinear map on inputs with identity second moments. Both return
the best factors they met; neither is guaranteed to find the best rank-R approximation (which
may not exist), so their errors are upper bounds on the best error.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

import numpy as np

from rederived._checks import count, positive, real_array
from rederived._checks import memory as _memory

__all__ = ["CP", "adam", "als", "apply", "reconstruct", "relative_error"]


@dataclass(frozen=True)
class CP:
    """Factors ``A`` (d_k, R), ``B`` (d_i, R), ``C`` (d_j, R), and ``errors``: the relative
    Frobenius error after each sweep or step (``errors[-1]`` is that of these factors)."""

    A: np.ndarray
    B: np.ndarray
    C: np.ndarray
    errors: np.ndarray

    def __post_init__(self):
        factors = []
        for name in ("A", "B", "C"):
            f = real_array(getattr(self, name), name)
            if f.ndim != 2 or min(f.shape) < 1 or not np.all(np.isfinite(f)):
                raise ValueError(f"{name} must be a finite non-empty (d, R) matrix, got {f.shape}")
            factors.append(f)
        if len({f.shape[1] for f in factors}) != 1:
            raise ValueError(
                f"A, B, C must share their rank (columns), got {[f.shape for f in factors]}"
            )
        object.__setattr__(self, "A", factors[0])
        object.__setattr__(self, "B", factors[1])
        object.__setattr__(self, "C", factors[2])
        errors = real_array(self.errors, "errors").ravel()
        if not np.all(np.isfinite(errors)):
            raise ValueError("errors must be finite")
        object.__setattr__(self, "errors", errors)

    @property
    def rank(self) -> int:
        return self.A.shape[1]


def _tensor(T: object) -> np.ndarray:
    T = real_array(T, "T")
    if T.ndim != 3 or min(T.shape) < 1 or not np.all(np.isfinite(T)):
        raise ValueError(f"T must be a finite 3-way array, got shape {T.shape}")
    if not np.any(T):
        raise ValueError("T must not be zero (its relative error is undefined)")
    return T


def _scaled(T: object) -> tuple[np.ndarray, int]:
    """T divided by a power of two 2^e near its largest entry (exactly, by ldexp), and e: the
    fits run on entries of order one whatever the magnitude of T (1e-300 or 1e308)."""
    T = _tensor(T)
    exponent = int(np.frexp(np.max(np.abs(T)))[1])
    return np.ldexp(T, -exponent), exponent


def _unscaled(A: np.ndarray, B: np.ndarray, C: np.ndarray, exponent: int, errors) -> CP:
    """The factors of T from those of T·2^-e: all of 2^e on A (exactly), or, where that
    would leave the double range, spread over the three factors."""
    if abs(exponent) < 900:
        return CP(np.ldexp(A, exponent), B, C, errors)
    share = exponent // 3
    return CP(np.ldexp(A, exponent - 2 * share), np.ldexp(B, share), np.ldexp(C, share), errors)


def reconstruct(cp: CP) -> np.ndarray:
    """The tensor Σ_r A[:, r] ⊗ B[:, r] ⊗ C[:, r] (a ValueError if it overflows float64)."""
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.einsum("kr,ir,jr->kij", cp.A, cp.B, cp.C)
    if not np.all(np.isfinite(out)):
        raise ValueError("the factors' tensor overflows float64")
    return out


def relative_error(T: object, cp: CP) -> float:
    """‖T − [A, B, C]‖_F / ‖T‖_F, from the reconstruction (no cancellation)."""
    T = _tensor(T)
    if T.shape != (len(cp.A), len(cp.B), len(cp.C)):
        raise ValueError(f"T has shape {T.shape}, the factors {(len(cp.A), len(cp.B), len(cp.C))}")
    exponent = int(np.frexp(np.max(np.abs(T)))[1])  # both norms of T·2^-e: no overflow
    with np.errstate(over="ignore", invalid="ignore"):
        error = np.linalg.norm(np.ldexp(T, -exponent) - np.ldexp(reconstruct(cp), -exponent))
        value = float(error / np.linalg.norm(np.ldexp(T, -exponent)))
    if not np.isfinite(value):
        raise ValueError("the relative error overflows float64: the factors dwarf T")
    return value


def apply(cp: CP, x: object, y: object) -> np.ndarray:
    """The bilinear map of the factors on a batch: A((Bᵀx) ∘ (Cᵀy)) for each row of x, y."""
    x, y = real_array(x, "x"), real_array(y, "y")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y must be finite (they hold NaN or inf)")
    if x.ndim < 1 or y.ndim < 1 or x.shape[-1] != len(cp.B) or y.shape[-1] != len(cp.C):
        raise ValueError(
            f"x and y must end in {len(cp.B)} and {len(cp.C)} components, got {x.shape}, {y.shape}"
        )
    try:
        np.broadcast_shapes(x.shape[:-1], y.shape[:-1])
    except ValueError:
        raise ValueError(
            f"the batches of x {x.shape[:-1]} and y {y.shape[:-1]} do not broadcast"
        ) from None
    with np.errstate(over="ignore", invalid="ignore"):
        out = ((x @ cp.B) * (y @ cp.C)) @ cp.A.T
    if not np.all(np.isfinite(out)):
        raise ValueError("the bilinear map overflows float64 at these x and y")
    return out


def _start(T: np.ndarray, rank: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(count(seed, "seed", 0))
    scale = np.linalg.norm(T) ** (1 / 3) / rank ** (1 / 3)
    return [rng.normal(size=(n, rank)) * scale / np.sqrt(n) for n in T.shape]


def als(T: object, rank: int, *, sweeps: int = 300, seed: int = 0, tol: float = 1e-13) -> CP:
    """CP factors of rank ``rank`` by alternating least squares from a seeded random start.

    Stops after ``sweeps`` sweeps, or earlier once the relative error is below ``tol``. Each
    step solves its least-squares problem on the Khatri–Rao product of the other two factors
    (minimum-norm when they are collinear) rather than on the normal equations, whose squared
    condition number would put a floor far above rounding under the error of a fit with more
    terms than it needs."""
    T, exponent = _scaled(T)
    rank, sweeps = count(rank, "rank"), count(sweeps, "sweeps")
    _memory(8.0 * rank * (T.size + sum(T.shape)) * 3, f"rank-{rank} factors and their products")
    tol = positive(tol, "tol")
    A, B, C = _start(T, rank, seed)
    norm = np.linalg.norm(T)
    dk, di, dj = T.shape
    unfold = {
        "A": T.reshape(dk, di * dj).T,  # rows (i, j)
        "B": T.transpose(1, 0, 2).reshape(di, dk * dj).T,  # rows (k, j)
        "C": T.transpose(2, 0, 1).reshape(dj, dk * di).T,  # rows (k, i)
    }

    def solve(P, Q, rhs):  # least squares on the Khatri–Rao product, not its normal equations
        kr = (P[:, None, :] * Q[None, :, :]).reshape(-1, rank)
        return np.linalg.lstsq(kr, rhs, rcond=None)[0].T

    errors, best = [], None
    for _ in range(sweeps):
        A = solve(B, C, unfold["A"])
        B = solve(A, C, unfold["B"])
        C = solve(A, B, unfold["C"])
        err = float(np.linalg.norm(T - np.einsum("kr,ir,jr->kij", A, B, C)) / norm)
        errors.append(err)
        if best is None or err < best[0]:
            best = (err, A, B, C)
        if err < tol:
            break
    return _unscaled(best[1], best[2], best[3], exponent, np.array(errors))


def adam(
    T: object,
    rank: int,
    *,
    steps: int = 2000,
    lr: float = 1e-2,
    weight_decay: float = 0.0,
    seed: int = 0,
) -> CP:
    """CP factors of rank ``rank`` by Adam (decoupled weight decay, as AdamW) on the relative
    squared Frobenius error, from a seeded random start. The gradient is exact (the expected
    loss over inputs with identity second moment, not a mini-batch estimate). A run whose error
    overflows stops there, keeping the best factors it met."""
    T, exponent = _scaled(T)
    rank, steps = count(rank, "rank"), count(steps, "steps")
    _memory(8.0 * rank * (T.size + sum(T.shape)) * 3, f"rank-{rank} factors and their products")
    lr = positive(lr, "lr")
    if isinstance(weight_decay, bool) or not isinstance(weight_decay, Real):
        raise TypeError(f"weight_decay must be a real number, got {weight_decay!r}")
    if not np.isfinite(weight_decay) or weight_decay < 0:
        raise ValueError(f"weight_decay must be a finite number >= 0, got {weight_decay!r}")
    factors = _start(T, rank, seed)
    norm2 = float(np.sum(T**2))
    m = [np.zeros_like(f) for f in factors]
    v = [np.zeros_like(f) for f in factors]
    b1, b2, eps = 0.9, 0.999, 1e-12
    errors, best = [], None
    for t in range(1, steps + 1):
        A, B, C = factors
        E = np.einsum("kr,ir,jr->kij", A, B, C) - T
        err = float(np.sqrt(np.sum(E**2) / norm2))
        if not np.isfinite(err):  # diverged (lr far too large): keep the best factors met
            break
        errors.append(err)
        if best is None or err < best[0]:
            best = (err, A.copy(), B.copy(), C.copy())
        grads = [
            2 * np.einsum("kij,ir,jr->kr", E, B, C) / norm2,
            2 * np.einsum("kij,kr,jr->ir", E, A, C) / norm2,
            2 * np.einsum("kij,kr,ir->jr", E, A, B) / norm2,
        ]
        for f, g, mi, vi in zip(factors, grads, m, v, strict=True):
            mi[:] = b1 * mi + (1 - b1) * g
            vi[:] = b2 * vi + (1 - b2) * g**2
            step = (mi / (1 - b1**t)) / (np.sqrt(vi / (1 - b2**t)) + eps)
            f -= lr * (step + weight_decay * f)
    return _unscaled(best[1], best[2], best[3], exponent, np.array(errors))
