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

from rederived._checks import count, real_array
from rederived._checks import memory as _memory

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
        if F.ndim not in (1, 2):
            raise ValueError(f"F must be a vector or a matrix of columns, got shape {F.shape}")
        Qd = self.Q[:, :d]
        return Qd @ _solve(Qd[self.xs[:d]], F[self.xs[:d]], "the basis at the selected rows")


def _samples(F: object, name: str = "F") -> np.ndarray:
    F = real_array(F, name)
    if F.ndim != 2 or min(F.shape) < 1 or not np.all(np.isfinite(F)):
        raise ValueError(f"{name} must be a finite 2-d array of samples, got shape {F.shape}")
    return F


def _solve(M: np.ndarray, b: np.ndarray, what: str) -> np.ndarray:
    """M⁻¹ b, refusing a singular M by name instead of LinAlgError or an inf result."""
    try:
        with np.errstate(all="ignore"):
            x = np.linalg.solve(M, b)
    except np.linalg.LinAlgError:
        raise ValueError(f"{what} is singular") from None
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{what} is singular or nearly so (the solution overflows)")
    return x


def _unit_rows(theta: np.ndarray) -> np.ndarray:
    """Each parameter row divided by a power of two near its largest entry (exactly): the
    residual is the same for θ and cθ (the reduced solution scales by 1/c), so this changes no
    result, and keeps θ of size 1e-300 or 1e300 from underflowing or overflowing."""
    size = np.max(np.abs(theta), axis=1, keepdims=True)
    if np.any(size == 0):
        raise ValueError("theta has a zero row: A(μ) = 0 has no reduced solution")
    return np.ldexp(theta, -np.frexp(size)[1])


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
    size = float(np.abs(F).max())
    if size == 0:
        raise ValueError("F is identically zero: there is nothing to interpolate")
    # the selection is scale-free: run on F divided by a power of two near its largest entry
    # (exactly), so that subnormal samples select what the same samples at size one do
    exponent = int(np.frexp(size)[1])
    R = np.ldexp(F, -exponent)
    errors = [float(np.abs(R).max())]
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
    return EIM(np.array(xs), np.array(ys), Q, np.ldexp(np.array(errors), exponent))


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
    core = _samples(core, "core")
    values = real_array(values, "values")
    if (
        values.ndim not in (1, 2)
        or values.shape[0] != core.shape[0]
        or not np.all(np.isfinite(values))
    ):
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
        return _solve(core, values, "core")
    beta = np.linalg.lstsq(core, values, rcond=None)[0]
    if not np.all(np.isfinite(beta)):
        raise ValueError("core is too ill-conditioned: β overflows")
    return beta


def skeleton(F: object, xs: object, ys: object) -> np.ndarray:
    """The symmetric form f(x, Y) f(X, Y)⁻¹ f(X, y) on the grid, for rows ``xs``, columns
    ``ys``; rectangular (f(X, Y)⁺, minimum norm) when there are fewer rows than columns."""
    F = _samples(F)
    xs, ys = _indices(xs, ys, F.shape)
    return F[:, ys] @ snapshot_coefficients(F[np.ix_(xs, ys)], F[xs, :])


def lebesgue_constant(Q: object, xs: object) -> float:
    """max over the grid of Σ_j |ℓ_j(x)|, ℓ = Q Q[X]⁻¹: how much the interpolation in x can
    amplify an error in the interpolated values."""
    Q = _samples(Q, "Q")
    xs = np.asarray(xs)
    if xs.ndim != 1 or len(xs) != Q.shape[1] or xs.dtype.kind not in "iu":
        raise ValueError(f"xs must be {Q.shape[1]} integer indices (one per column of Q)")
    if xs.min() < 0 or xs.max() >= Q.shape[0] or len(np.unique(xs)) != len(xs):
        raise ValueError(f"xs must hold distinct indices in [0, {Q.shape[0]}) (no negative wrap)")
    cardinal = _solve(Q[xs].T, Q.T, "Q at the rows xs").T
    return float(np.abs(cardinal).sum(axis=1).max())


def _reduced_problem(operators, theta, f, V, X, name):
    """Checked operators A_q (n × n), parameter rows (unit-scaled), f (n,), V (n, N), X SPD
    (n × n) and its Cholesky factor."""
    if not isinstance(operators, list | tuple) or not operators:
        raise TypeError("operators must be a non-empty list of matrices")
    A = [real_array(a, f"operators[{q}]") for q, a in enumerate(operators)]
    n = A[0].shape[0] if A[0].ndim == 2 else -1
    for q, a in enumerate(A):
        if a.shape != (n, n) or not np.all(np.isfinite(a)):
            raise ValueError(f"operators[{q}] must be a finite {n}×{n} matrix like operators[0]")
    theta = np.atleast_2d(real_array(theta, name))
    if theta.ndim != 2 or theta.shape[1] != len(A) or not np.all(np.isfinite(theta)):
        raise ValueError(f"{name} must be finite rows with one column per operator ({len(A)})")
    f, V, X = real_array(f, "f"), real_array(V, "V"), real_array(X, "X")
    if f.shape != (n,) or not np.all(np.isfinite(f)):
        raise ValueError(f"f must be a finite vector of length {n}")
    if V.ndim != 2 or V.shape[0] != n or V.shape[1] < 1 or not np.all(np.isfinite(V)):
        raise ValueError(f"V must be a finite ({n}, N) basis, got shape {V.shape}")
    if X.shape != (n, n) or not np.all(np.isfinite(X)):
        raise ValueError(f"X must be a finite {n}×{n} matrix")
    try:
        L = scipy.linalg.cholesky(X, lower=True)
    except np.linalg.LinAlgError:
        raise ValueError("X must be symmetric positive definite (the norm's Gram matrix)") from None
    return A, _unit_rows(theta), f, V, X, L


def residual_norms(
    operators: list, theta: object, f: object, V: object, X: object
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each parameter row θ(μ) of ``theta``: the reduced solution c(μ) of
    Vᵀ A(μ) V c = Vᵀ f, and the dual norm ‖f − A(μ)Vc‖_{X'} = √(rᵀX⁻¹r) three ways:
    (direct, expanded, orthogonalised). *direct* forms r in full and solves with X (the
    reference); *expanded* is the usual offline–online formula Σ θ_p θ_q cᵀ(…)c; *orthogonalised*
    uses a QR factorisation of the representers L⁻¹[f, A_q V] (X = L Lᵀ) and never squares."""
    A, theta, f, V, X, L = _reduced_problem(operators, theta, f, V, X, "theta")

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
        c = _solve(V.T @ A_mu @ V, V.T @ f, "the reduced operator Vᵀ A(μ) V")
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
        theta = np.atleast_2d(real_array(theta, "theta"))
        if theta.ndim != 2 or theta.shape[1] != len(self.reduced) or not np.all(np.isfinite(theta)):
            raise ValueError(
                f"theta must be finite with one column per operator ({len(self.reduced)})"
            )
        out = []
        for th in _unit_rows(theta):
            c = _solve(np.tensordot(th, self.reduced, 1), self.reduced_f, "the reduced operator")
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
    A, theta_train, f, V, X, L = _reduced_problem(operators, theta_train, f, V, X, "theta_train")
    d = count(d, "d")
    R = scipy.linalg.solve_triangular(L, np.column_stack([f, *(a @ V for a in A)]), lower=True)
    reduced = np.array([V.T @ a @ V for a in A])
    reduced_f = V.T @ f
    W = np.column_stack(
        [
            R
            @ _residual_coefficients(
                th, _solve(np.tensordot(th, reduced, 1), reduced_f, "the reduced operator")
            )
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
        with np.errstate(over="ignore", invalid="ignore"):
            values = self.magic_values(B)[:terms]
        if not np.all(np.isfinite(values)):
            raise ValueError(f"the powers of B overflow float64 by B^{self.K}: B is too large")
        return snapshot_coefficients(self.core[:terms, :terms], values)

    def _matrix(self, B: object) -> np.ndarray:
        B = real_array(B, "B")
        if B.shape != (self.n, self.n) or not np.all(np.isfinite(B)):
            raise ValueError(f"B must be a finite {self.n}×{self.n} matrix, got shape {B.shape}")
        return B


def power_eim(matrices: list, K: int, d: int, *, entries: object = None) -> PowerEIM:
    """Greedy EIM (max norm) of the powers B(μ)^k, k = 1 … ``K``, over the training matrices
    B(μ_1), B(μ_2), … (``matrices``), with at most ``d`` terms. ``entries`` (flat indices)
    samples each power; all n² entries by default."""
    if not isinstance(matrices, list | tuple):
        raise TypeError(f"matrices must be a list of matrices, got {type(matrices).__name__}")
    if len(matrices) < 1:
        raise ValueError("matrices must hold at least one training matrix")
    first = real_array(matrices[0], "matrices[0]")
    n = first.shape[0] if first.ndim == 2 else 0
    if first.ndim != 2 or first.shape != (n, n) or n < 1:
        raise ValueError(f"matrices must be square, got shape {first.shape}")
    for i, B in enumerate(matrices):
        B = real_array(B, f"matrices[{i}]")
        if B.shape != (n, n) or not np.all(np.isfinite(B)):
            raise ValueError(f"matrices[{i}] must be a finite {n}×{n} matrix like matrices[0]")
    K, d = count(K, "K"), count(d, "d")
    entries = np.arange(n * n) if entries is None else np.asarray(entries)
    if entries.ndim != 1 or not np.issubdtype(entries.dtype, np.integer) or len(entries) == 0:
        raise ValueError("entries must be a non-empty 1-d array of flat indices")
    if entries.min() < 0 or entries.max() >= n * n:
        raise ValueError(f"entries must lie in [0, {n * n})")
    _memory(
        8.0 * K * len(entries) * len(matrices) * 2 + 8.0 * K * n * n,
        f"the family of {K} powers at {len(entries)} entries of {len(matrices)} matrices",
    )
    probe = PowerEIM(K, n, entries, np.zeros(0, int), np.zeros(0, int), np.zeros((0, 0)))
    with np.errstate(over="ignore", invalid="ignore"):
        F = np.column_stack([probe.family(B) for B in matrices])
    if not np.all(np.isfinite(F)):
        raise ValueError(f"the powers of the matrices overflow float64 by B^{K}")
    run = greedy(F, min(d, *F.shape))
    return PowerEIM(K, n, entries, run.xs, run.ys, F[np.ix_(run.xs, run.ys)])
