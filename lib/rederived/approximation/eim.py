"""Empirical interpolation (EIM) of a two-variable function, and the reduced-basis residual norm
evaluated two ways.

``greedy`` runs the classical EIM on samples F[i, j] = f(x_i, y_j): step k picks the column
y_{k} where the residual F − I F is largest (in the chosen norm) and the row x_{k} where that
column's residual is largest, and the interpolant is I_d f(x, y) = Σ_j λ_j(y) q_j(x), the q_j
being the normalised residual columns and the λ_j(y) solving a triangular system. ``skeleton``
is the symmetric form of the same interpolant, f(x, Y) f(X, Y)⁻¹ f(X, y), in which x and y play
the same role; with fewer rows than columns (a broken sensor whose field is kept) the inverse
becomes the minimum-norm least-squares solution, a rectangular interpolant.
``snapshot_coefficients`` gives the β of f(·, y) ≈ Σ_m β_m f(·, y_m) from the values of f(·, y)
at the selected rows alone: applied to the nonzero entries of a parametrised matrix, it is the
nonintrusive separated form A(μ) ≈ Σ_m β_m(μ) A(μ_m).

``residual_norms`` evaluates the dual norm of the residual r(μ) = f − A(μ) V c(μ) of a reduced
basis V for an affine A(μ) = Σ_q θ_q(μ) A_q: the usual offline–online expansion of ‖r‖²
(a sum of terms whose cancellation loses half the digits), and an orthogonalised form that never
squares (the Riesz representers' coordinates in an orthonormal basis of their span).
``PowerEIM`` interpolates the powers B(μ)^k, k = 1 … K, of a parametrised matrix jointly
(rows: power and matrix entry; columns: parameters): B(μ)^k ≈ Σ_m β_m(μ) B(μ_m)^k for every k
with the same β, computed online from a few entries of powers of B(μ) (matrix–vector products
only). Any limit of a power series, F(μ) = Σ_k c_k B(μ)^k (the inverse of I − B, the
log-determinant), then inherits F(μ) ≈ Σ_m β_m(μ) F(μ_m), which needs F only at the selected
parameters: a nonintrusive approximation.
``ResidualEIM`` evaluates the same norm by empirical interpolation of the squared whitened
residual over its components: online it needs the residual at d components only, each a short
sum without the squared cancellation, and ‖r‖² = Σ_k λ_k(μ) Σ_i q_k(i).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from rederived._checks import count

__all__ = [
    "EIM",
    "PowerEIM",
    "ResidualEIM",
    "greedy",
    "lebesgue_constant",
    "power_eim",
    "residual_eim",
    "residual_norms",
    "skeleton",
    "snapshot_coefficients",
]


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
        """I_d F on the grid (all of it if ``d`` is None): ``F`` holds finite values on the
        grid's rows (one column or many), ``d`` is 1 to the number of selected points."""
        d = len(self.xs) if d is None else count(d, "d")
        if d > len(self.xs):
            raise ValueError(f"d must be at most the {len(self.xs)} selected points, got {d}")
        F = np.asarray(F)
        if F.dtype.kind not in "biuf":
            raise TypeError(f"F must hold real numbers, got dtype {F.dtype}")
        F = F.astype(float)
        if F.shape[:1] != self.Q.shape[:1] or not np.all(np.isfinite(F)):
            raise ValueError(f"F must be finite with {self.Q.shape[0]} rows, got {F.shape}")
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
    if scale == 0:
        raise ValueError("F is identically zero: there is nothing to interpolate")
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


def _indices(xs: object, ys: object, shape: tuple) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = np.asarray(xs), np.asarray(ys)
    for name, idx, size in (("xs", xs, shape[0]), ("ys", ys, shape[1])):
        if idx.ndim != 1 or len(idx) == 0 or not np.issubdtype(idx.dtype, np.integer):
            raise ValueError(f"{name} must be a non-empty 1-d array of integer indices")
        if idx.min() < 0 or idx.max() >= size or len(np.unique(idx)) != len(idx):
            raise ValueError(f"{name} must hold distinct indices in [0, {size})")
    return xs, ys


def snapshot_coefficients(core: object, values: object) -> np.ndarray:
    """β solving f(X, Y) β = f(X, y): ``core`` is f(X, Y) (rows: selected x, columns: selected
    y), ``values`` the new function's values at the selected x (a vector, or one column per
    new y). A square core is solved; with fewer rows than columns β is the minimum-norm
    least-squares solution. More rows than columns is refused (the interpolation conditions
    could not all hold)."""
    core = _samples(core)
    values = np.asarray(values, dtype=float)
    if values.shape[0] != core.shape[0] or not np.all(np.isfinite(values)):
        raise ValueError(
            f"values must be finite with {core.shape[0]} rows (one per selected x), "
            f"got shape {values.shape}"
        )
    if core.shape[0] > core.shape[1]:
        raise ValueError(
            f"core has more rows ({core.shape[0]}) than columns ({core.shape[1]}): "
            "select at least as many y as x"
        )
    if core.shape[0] == core.shape[1]:
        return np.linalg.solve(core, values)
    return np.linalg.lstsq(core, values, rcond=None)[0]


def skeleton(F: object, xs: object, ys: object) -> np.ndarray:
    """The symmetric form f(x, Y) f(X, Y)⁻¹ f(X, y) on the grid, for rows ``xs``, columns
    ``ys``; rectangular (f(X, Y)⁺, minimum norm) when there are fewer rows than columns."""
    F = _samples(F)
    xs, ys = _indices(xs, ys, F.shape)
    return F[:, ys] @ snapshot_coefficients(F[np.ix_(xs, ys)], F[xs, :])


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


@dataclass(frozen=True)
class ResidualEIM:
    """Offline data of :func:`residual_eim`; ``norms(theta)`` is the online evaluation."""

    reduced: np.ndarray  # (Q, N, N): Vᵀ A_q V
    reduced_f: np.ndarray  # (N,): Vᵀ f
    rows: np.ndarray  # the d interpolated components of the whitened residual
    representers: np.ndarray  # (d, 1 + Q N): those components of [L⁻¹f, L⁻¹A_q V]
    weights: np.ndarray  # (d,): Σ_i q_k(i) solved against the basis at ``rows``

    def norms(self, theta: object) -> np.ndarray:
        """‖r(μ)‖_{X'} for each parameter row θ(μ) of ``theta``."""
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        if theta.shape[1] != len(self.reduced) or not np.all(np.isfinite(theta)):
            raise ValueError(
                f"theta must be finite with one column per operator ({len(self.reduced)})"
            )
        out = []
        for th in theta:
            c = np.linalg.solve(np.tensordot(th, self.reduced, 1), self.reduced_f)
            w = self.representers @ _residual_coefficients(th, c)
            out.append(np.sqrt(abs(self.weights @ w**2)))
        return np.array(out)


def _residual_coefficients(th: np.ndarray, c: np.ndarray) -> np.ndarray:
    """r = f − Σ_q θ_q A_q V c as coefficients of [f, A_1 V, …, A_Q V]."""
    return np.concatenate([[1.0], *(-t * c for t in th)])


def residual_eim(
    operators: list, theta_train: object, f: object, V: object, X: object, d: int
) -> ResidualEIM:
    """Offline stage of an EIM evaluation of the residual's dual norm: the whitened residual
    w(μ) = L⁻¹ r(μ) (X = L Lᵀ) is computed at the training parameters ``theta_train``, and the
    greedy EIM of (i, μ) ↦ w_i(μ)² with at most ``d`` terms picks the components to evaluate
    online. ‖r‖² = Σ_i w_i² ≈ Σ_k λ_k(μ) Σ_i q_k(i), with λ interpolating w² at those
    components; each w_i(μ) is a short sum whose rounding error is ε‖f‖, not ε‖f‖², so the
    evaluation is not limited to √ε‖f‖ as the expanded formula is."""
    A = [np.asarray(a, dtype=float) for a in operators]
    theta_train = np.atleast_2d(np.asarray(theta_train, dtype=float))
    f, V, X = (np.asarray(v, dtype=float) for v in (f, V, X))
    if theta_train.shape[1] != len(A):
        raise ValueError(f"theta_train must have one column per operator ({len(A)})")
    d = count(d, "d")
    L = scipy.linalg.cholesky(X, lower=True)
    R = scipy.linalg.solve_triangular(L, np.column_stack([f, *(a @ V for a in A)]), lower=True)
    reduced = np.array([V.T @ a @ V for a in A])
    reduced_f = V.T @ f
    W = np.column_stack(
        [
            R @ _residual_coefficients(th, np.linalg.solve(np.tensordot(th, reduced, 1), reduced_f))
            for th in theta_train
        ]
    )
    run = greedy(W**2, min(d, *W.shape))
    weights = np.linalg.solve(run.Q[run.xs].T, run.Q.sum(axis=0))
    return ResidualEIM(reduced, reduced_f, run.xs, R[run.xs], weights)


@dataclass(frozen=True)
class PowerEIM:
    """Result of :func:`power_eim`. ``entries`` are the flat indices (i·n + j) sampled from
    each power; row r of the family is power ``r // len(entries) + 1`` at entry
    ``entries[r % len(entries)]``. ``magic`` are the selected rows, ``params`` the selected
    training columns, ``core`` the family at (magic, params)."""

    K: int
    n: int
    entries: np.ndarray
    magic: np.ndarray
    params: np.ndarray
    core: np.ndarray

    def family(self, B: object) -> np.ndarray:
        """The sampled entries of B, B², …, B^K (the offline snapshot of one parameter)."""
        B = self._matrix(B)
        P, rows = np.eye(self.n), []
        for _ in range(self.K):
            P = P @ B
            rows.append(P.ravel()[self.entries])
        return np.concatenate(rows)

    def magic_values(self, B: object) -> np.ndarray:
        """The family at the magic rows only, by matrix–vector products: entry (i, j) of B^k
        is the i-th component of B^k e_j (at most K products per distinct column j)."""
        B = self._matrix(B)
        m = len(self.entries)
        powers, flat = self.magic // m + 1, self.entries[self.magic % m]
        rows_i, cols_j = flat // self.n, flat % self.n
        out = np.empty(len(self.magic))
        for j in np.unique(cols_j):
            pick = cols_j == j
            v = np.zeros(self.n)
            v[j] = 1.0
            columns = []
            for _ in range(int(powers[pick].max())):
                v = B @ v
                columns.append(v)
            out[pick] = [columns[k - 1][i] for k, i in zip(powers[pick], rows_i[pick], strict=True)]
        return out

    def coefficients(self, B: object, terms: int | None = None) -> np.ndarray:
        """β(μ) for the matrix B = B(μ), with the first ``terms`` selections (all if None)."""
        terms = len(self.magic) if terms is None else count(terms, "terms")
        if terms > len(self.magic):
            raise ValueError(f"terms must be at most {len(self.magic)}")
        values = self.magic_values(B)[:terms]
        return snapshot_coefficients(self.core[:terms, :terms], values)

    def _matrix(self, B: object) -> np.ndarray:
        B = np.asarray(B, dtype=float)
        if B.shape != (self.n, self.n) or not np.all(np.isfinite(B)):
            raise ValueError(f"B must be a finite {self.n}×{self.n} matrix, got shape {B.shape}")
        return B


def power_eim(matrices: list, K: int, d: int, *, entries: object = None) -> PowerEIM:
    """Greedy EIM (max norm) of the powers B(μ)^k, k = 1 … ``K``, over the training matrices
    B(μ_1), B(μ_2), … (``matrices``), with at most ``d`` terms. ``entries`` (flat indices)
    samples each power; all n² entries by default."""
    if len(matrices) < 1:
        raise ValueError("matrices must hold at least one training matrix")
    first = np.asarray(matrices[0], dtype=float)
    n = first.shape[0]
    if first.ndim != 2 or first.shape != (n, n):
        raise ValueError(f"matrices must be square, got shape {first.shape}")
    K, d = count(K, "K"), count(d, "d")
    entries = np.arange(n * n) if entries is None else np.asarray(entries)
    if entries.ndim != 1 or not np.issubdtype(entries.dtype, np.integer) or len(entries) == 0:
        raise ValueError("entries must be a non-empty 1-d array of flat indices")
    if entries.min() < 0 or entries.max() >= n * n:
        raise ValueError(f"entries must lie in [0, {n * n})")
    probe = PowerEIM(K, n, entries, np.zeros(0, int), np.zeros(0, int), np.zeros((0, 0)))
    F = np.column_stack([probe.family(B) for B in matrices])
    run = greedy(F, min(d, *F.shape))
    return PowerEIM(K, n, entries, run.xs, run.ys, F[np.ix_(run.xs, run.ys)])
