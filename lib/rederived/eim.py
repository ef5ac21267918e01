"""Empirical interpolation (EIM) of a two-variable function, and the reduced-basis residual norm
evaluated two ways.

``greedy`` runs the classical EIM on samples F[i, j] = f(x_i, y_j): step k picks the column
y_{k} where the residual F − I F is largest (in the chosen norm) and the row x_{k} where that
column's residual is largest, and the interpolant is I_d f(x, y) = Σ_j λ_j(y) q_j(x), the q_j
being the normalised residual columns and the λ_j(y) solving a triangular system. ``skeleton``
is the symmetric form of the same interpolant, f(x, Y) f(X, Y)⁻¹ f(X, y), in which x and y play
the same role.

``residual_norms`` evaluates the dual norm of the residual r(μ) = f − A(μ) V c(μ) of a reduced
basis V for an affine A(μ) = Σ_q θ_q(μ) A_q: the usual offline–online expansion of ‖r‖²
(a sum of terms whose cancellation loses half the digits), and an orthogonalised form that never
squares (the Riesz representers' coordinates in an orthonormal basis of their span).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from rederived._checks import count

__all__ = ["EIM", "greedy", "lebesgue_constant", "residual_norms", "skeleton"]


@dataclass(frozen=True)
class EIM:
    """Result of :func:`greedy`: the selected rows ``xs`` and columns ``ys``, the basis ``Q``
    (columns q_j on the x grid, lower triangular with unit diagonal on ``xs``), and the largest
    residual before each step, ``errors[k]`` = max |F − I_k F| (errors[0] = max |F|)."""

    xs: np.ndarray
    ys: np.ndarray
    Q: np.ndarray
    errors: np.ndarray

    def interpolant(self, F: np.ndarray, d: int | None = None) -> np.ndarray:
        """I_d F on the grid (all of it if ``d`` is None)."""
        d = len(self.xs) if d is None else d
        Qd = self.Q[:, :d]
        return Qd @ np.linalg.solve(Qd[self.xs[:d]], F[self.xs[:d]])


def _samples(F: object) -> np.ndarray:
    F = np.asarray(F, dtype=float)
    if F.ndim != 2 or min(F.shape) < 1 or not np.all(np.isfinite(F)):
        raise ValueError(f"F must be a finite 2-d array of samples, got shape {F.shape}")
    return F


def greedy(F: object, d: int, norm: str = "max") -> EIM:
    """Classical EIM with ``d`` steps, the column chosen by the ``max`` or ``l2`` norm of the
    residual. Stops early (with fewer points) if the residual vanishes to rounding."""
    F = _samples(F)
    d = count(d, "d")
    if norm not in ("max", "l2"):
        raise ValueError(f"norm must be 'max' or 'l2', got {norm!r}")
    if d > min(F.shape):
        raise ValueError(f"d must be at most {min(F.shape)} for a {F.shape} sample matrix")
    xs, ys, columns = [], [], []
    R = F.copy()
    errors = [float(np.abs(F).max())]
    scale = errors[0]
    for _ in range(d):
        col_norm = np.abs(R).max(axis=0) if norm == "max" else np.linalg.norm(R, axis=0)
        y = int(np.argmax(col_norm))
        x = int(np.argmax(np.abs(R[:, y])))
        if abs(R[x, y]) <= 1e-14 * scale:
            break
        q = R[:, y] / R[x, y]
        xs.append(x)
        ys.append(y)
        columns.append(q)
        R = R - np.outer(q, R[x, :])  # the new basis function interpolates row x exactly
        errors.append(float(np.abs(R).max()))
    Q = np.column_stack(columns)
    return EIM(np.array(xs), np.array(ys), Q, np.array(errors))


def skeleton(F: object, xs: object, ys: object) -> np.ndarray:
    """The symmetric form f(x, Y) f(X, Y)⁻¹ f(X, y) on the grid, for rows ``xs``, columns ``ys``."""
    F = _samples(F)
    xs, ys = np.asarray(xs, dtype=int), np.asarray(ys, dtype=int)
    if xs.shape != ys.shape or xs.ndim != 1:
        raise ValueError("xs and ys must be 1-d index arrays of the same length")
    core = F[np.ix_(xs, ys)]
    return F[:, ys] @ np.linalg.solve(core, F[xs, :])


def lebesgue_constant(Q: object, xs: object) -> float:
    """max over the grid of Σ_j |ℓ_j(x)|, ℓ = Q Q[X]⁻¹: how much the interpolation in x can
    amplify an error in the interpolated values."""
    Q = np.asarray(Q, dtype=float)
    xs = np.asarray(xs, dtype=int)
    cardinal = np.linalg.solve(Q[xs].T, Q.T).T
    return float(np.abs(cardinal).sum(axis=1).max())


def residual_norms(
    operators: list, theta: object, f: object, V: object, X: object
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each parameter row θ(μ) of ``theta``: the reduced solution c(μ) of
    Vᵀ A(μ) V c = Vᵀ f, and the dual norm ‖f − A(μ)Vc‖_{X'} = √(rᵀX⁻¹r) three ways:
    (direct, expanded, orthogonalised). *direct* forms r in full and solves with X (the
    reference); *expanded* is the usual offline–online formula Σ θ_p θ_q cᵀ(…)c; *orthogonalised*
    uses a QR factorisation of the representers L⁻¹[f, A_q V] (X = L Lᵀ) and never squares."""
    A = [np.asarray(a, dtype=float) for a in operators]
    theta = np.atleast_2d(np.asarray(theta, dtype=float))
    f, V, X = (np.asarray(v, dtype=float) for v in (f, V, X))
    if theta.shape[1] != len(A):
        raise ValueError(f"theta must have one column per operator ({len(A)})")
    L = scipy.linalg.cholesky(X, lower=True)

    def whiten(v):
        return scipy.linalg.solve_triangular(L, v, lower=True)

    Wf, WAV = whiten(f), [whiten(a @ V) for a in A]
    # offline quantities of the expanded formula
    ff = Wf @ Wf
    fA = np.array([Wf @ w for w in WAV])  # (Q, N)
    AA = np.array([[wp.T @ wq for wq in WAV] for wp in WAV])  # (Q, Q, N, N)
    # offline quantities of the orthogonalised one: the span of [Wf, W A_q V]
    Qr, Rr = np.linalg.qr(np.column_stack([Wf, *WAV]))
    del Qr
    direct, expanded, orthogonal = [], [], []
    for th in theta:
        A_mu = sum(t * a for t, a in zip(th, A, strict=True))
        c = np.linalg.solve(V.T @ A_mu @ V, V.T @ f)
        r = f - A_mu @ (V @ c)
        direct.append(np.sqrt(r @ scipy.linalg.cho_solve((L, True), r)))
        sq = (
            ff
            - 2 * np.einsum("q,qn,n->", th, fA, c)
            + np.einsum("p,q,pqmn,m,n->", th, th, AA, c, c)
        )
        expanded.append(np.sqrt(max(sq, 0.0)))
        coefficients = np.concatenate([[1.0], *(-t * c for t in th)])
        orthogonal.append(np.linalg.norm(Rr @ coefficients))
    return np.array(direct), np.array(expanded), np.array(orthogonal)
