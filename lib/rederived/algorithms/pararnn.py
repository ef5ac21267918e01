"""Parallel evaluation of a nonlinear recurrence by Newton's method and a parallel prefix scan.

The cell is a GRU with *diagonal* recurrence (ParaRNN's ParaGRU): for hidden size N and input
size D,

    z = σ(a_z ⊙ h + B_z x + b_z),   r = σ(a_r ⊙ h + B_r x + b_r),
    h̃ = tanh(a_h ⊙ h ⊙ r + B_h x + b_h),   h' = z ⊙ h̃ + (1 − z) ⊙ h,

so ∂h'/∂h is diagonal. Stacking h_t = f(h_{t−1}, x_t), t = 1..T, into one system F(H) = 0,
each Newton step solves the bidiagonal linear system δ_t − J_t δ_{t−1} = f(h_{t−1}, x_t) − h_t,
a linear recurrence that :func:`linear_recurrence` solves with an associative (Hillis–Steele)
scan in ⌈log₂ T⌉ vectorised rounds. :func:`sequential` is the step-by-step reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from rederived._checks import memory as _memory
from rederived._checks import real_array as _real

__all__ = [
    "MAX_ITERATIONS",
    "DiagonalGRU",
    "Gradients",
    "backward",
    "backward_sequential",
    "linear_recurrence",
    "newton",
    "newton_iterates",
    "sequential",
]

#: the most Newton iterations :func:`newton` runs
MAX_ITERATIONS = 10_000


def _sigmoid(u: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(u / 2))  # no overflow for large |u|


@dataclass(frozen=True)
class DiagonalGRU:
    """Parameters of the diagonal GRU cell: recurrent diagonals a (3, N), input weights
    B (3, N, D) and biases b (3, N), for the gates z, r and the candidate h̃ in that order."""

    a: np.ndarray
    B: np.ndarray
    b: np.ndarray

    def __post_init__(self) -> None:
        a, B, b = (_real(v, n) for v, n in ((self.a, "a"), (self.B, "B"), (self.b, "b")))
        if a.ndim != 2 or a.shape[0] != 3 or B.ndim != 3 or B.shape[:2] != a.shape:
            raise ValueError("need a of shape (3, N), B of shape (3, N, D) and b of shape (3, N)")
        if b.shape != a.shape:
            raise ValueError(f"b must have shape {a.shape}, got {b.shape}")
        for name, v in (("a", a), ("B", B), ("b", b)):
            if not np.all(np.isfinite(v)):
                raise ValueError(f"{name} must be finite")
        object.__setattr__(self, "a", a)
        object.__setattr__(self, "B", B)
        object.__setattr__(self, "b", b)

    @classmethod
    def random(cls, hidden: int, inputs: int, *, scale: float = 1.0, seed: object = 0):
        """A cell with recurrent diagonals of size ~``scale`` and input weights ~1/√D, seeded."""
        for v, n in ((hidden, "hidden"), (inputs, "inputs")):
            if isinstance(v, bool) or not isinstance(v, Integral) or v < 1:
                raise ValueError(f"{n} must be a positive int, got {v!r}")
        if isinstance(scale, bool) or not isinstance(scale, Real) or not np.isfinite(scale):
            raise ValueError(f"scale must be a finite number, got {scale!r}")
        _memory(24.0 * hidden * inputs, f"the input weights (3, {hidden}, {inputs})")
        rng = np.random.default_rng(seed)
        return cls(
            scale * rng.uniform(-1, 1, (3, hidden)),
            rng.normal(0, 1 / np.sqrt(inputs), (3, hidden, inputs)),
            rng.normal(0, 0.1, (3, hidden)),
        )

    @classmethod
    def authors_init(cls, hidden: int, inputs: int, *, heads: int = 2, seed: object = 0):
        """A cell drawn as ParaRNN's GRU defaults draw it (``GRUDiagMHConfig`` in
        ``pararnn/rnn_cell/gru_diag_mh.py`` with ``pararnn/utils/init.py``, apple/ml-pararnn as
        read at the fork xaviergonzalez/ml-pararnn@dc2647ba): recurrent diagonals
        N(0, (2/√(5N))²) ("xlstm"); input weights block-diagonal over ``heads`` heads, uniform
        in ±√(6/(D/heads + N)) ("xavier_uniform"); biases zero but for the update gate's,
        −linspace(0, 1, N) ("bias_minus_linspace"). Seeded with NumPy, not their generator."""
        for v, n in ((hidden, "hidden"), (inputs, "inputs"), (heads, "heads")):
            if isinstance(v, bool) or not isinstance(v, Integral) or v < 1:
                raise ValueError(f"{n} must be a positive int, got {v!r}")
        if hidden % heads or inputs % heads:
            raise ValueError(f"heads ({heads}) must divide hidden ({hidden}) and inputs ({inputs})")
        _memory(24.0 * hidden * inputs, f"the input weights (3, {hidden}, {inputs})")
        rng = np.random.default_rng(seed)
        a = rng.normal(0, 2 / np.sqrt(5 * hidden), (3, hidden))
        head_in, head_out = inputs // heads, hidden // heads
        bound = np.sqrt(6 / (head_in + hidden))
        B = np.zeros((3, hidden, inputs))
        for k in range(heads):
            rows, cols = (
                slice(k * head_out, (k + 1) * head_out),
                slice(k * head_in, (k + 1) * head_in),
            )
            B[:, rows, cols] = rng.uniform(-bound, bound, (3, head_out, head_in))
        b = np.zeros((3, hidden))
        b[0] = -np.linspace(0, 1, hidden)
        return cls(a, B, b)

    @property
    def hidden(self) -> int:
        return self.a.shape[1]

    def projections(self, x: np.ndarray) -> np.ndarray:
        """B x + b for every time step: shape (3, T, N)."""
        x = _real(x, "x")
        if (
            x.ndim != 2
            or x.shape[0] < 1
            or x.shape[1] != self.B.shape[2]
            or not np.all(np.isfinite(x))
        ):
            raise ValueError(
                f"x must be a finite (T, {self.B.shape[2]}) array with T ≥ 1, got {x.shape}"
            )
        return np.einsum("gnd,td->gtn", self.B, x) + self.b[:, None, :]

    def step(self, h: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """h' and the diagonal Jacobian ∂h'/∂h at (h, u), u = the projections of one or many
        steps (shape (3, ..., N))."""
        az, ar, ah = self.a[:, None, :] if h.ndim == 2 else self.a
        z = _sigmoid(az * h + u[0])
        r = _sigmoid(ar * h + u[1])
        c = np.tanh(ah * h * r + u[2])
        new = z * c + (1 - z) * h
        dz = z * (1 - z) * az
        dr = r * (1 - r) * ar
        dc = (1 - c**2) * ah * (r + h * dr)
        return new, dz * (c - h) + z * dc + (1 - z)

    def step_partials(self, h: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The partial derivatives of h' at (h, u), elementwise (the cell is diagonal): with
        respect to the projections u (shape (3, ..., N): ∂h'/∂u_z, ∂h'/∂u_r, ∂h'/∂u_h) and to
        the recurrent diagonals a (same shape: ∂h'/∂a_z, ∂h'/∂a_r, ∂h'/∂a_h)."""
        az, ar, ah = self.a[:, None, :] if h.ndim == 2 else self.a
        z = _sigmoid(az * h + u[0])
        r = _sigmoid(ar * h + u[1])
        c = np.tanh(ah * h * r + u[2])
        d_uh = z * (1 - c**2)
        d_u = np.stack([z * (1 - z) * (c - h), d_uh * ah * h * r * (1 - r), d_uh])
        d_a = np.stack([d_u[0] * h, d_u[1] * h, d_uh * h * r])
        return d_u, d_a


@dataclass(frozen=True)
class Gradients:
    """Gradients of a scalar loss with respect to the cell's parameters (shapes as in
    :class:`DiagonalGRU`: a (3, N), B (3, N, D), b (3, N)), the initial state h0 (N,) and the
    inputs x (T, D)."""

    a: np.ndarray
    B: np.ndarray
    b: np.ndarray
    h0: np.ndarray
    x: np.ndarray


def _backward_inputs(cell: DiagonalGRU, x: object, h0: object, H: object, grad_H: object):
    u = cell.projections(x)  # checks x (and holds 3 of the pass's (T, N) arrays)
    h0 = _initial_state(cell, h0)
    T = u.shape[1]
    _memory(8.0 * 16 * T * cell.hidden, "the backward pass's (T, N) arrays")
    H, G = _real(H, "H"), _real(grad_H, "grad_H")
    for name, v in (("H", H), ("grad_H", G)):
        if v.shape != (T, cell.hidden) or not np.all(np.isfinite(v)):
            raise ValueError(f"{name} must be a finite array of shape ({T}, {cell.hidden})")
    return u, h0, H, G


def _parameter_gradients(cell, x, u, previous, lam, jac_first) -> Gradients:
    if not np.all(np.isfinite(lam)):
        raise ValueError(
            "the adjoint overflows float64 (grad_H too large, or a cell whose Jacobians grow "
            "along the sequence): scale grad_H down"
        )
    d_u, d_a = cell.step_partials(previous, u)
    with np.errstate(over="ignore", invalid="ignore"):
        weighted = lam[None] * d_u  # (3, T, N): ∂L/∂u
        grads = Gradients(
            a=np.einsum("tn,gtn->gn", lam, d_a),
            B=np.einsum("gtn,td->gnd", weighted, np.asarray(x, dtype=float)),
            b=weighted.sum(axis=1),
            h0=jac_first * lam[0],
            x=np.einsum("gtn,gnd->td", weighted, cell.B),
        )
    for name in ("a", "B", "b", "h0", "x"):
        if not np.all(np.isfinite(getattr(grads, name))):
            raise ValueError(f"the gradient of {name} overflows float64: scale grad_H down")
    return grads


def backward(cell: DiagonalGRU, x: object, h0: object, H: object, grad_H: object) -> Gradients:
    """Gradients of a loss L(h_1..h_T) through the recurrence, in parallel.

    H is the solution of the recurrence (from :func:`newton` or :func:`sequential`) and
    grad_H = ∂L/∂H its explicit gradient. By the implicit-function theorem the adjoint λ solves
    the transposed bidiagonal system λ_t = ∂L/∂h_t + J_{t+1} ⊙ λ_{t+1}, λ_T = ∂L/∂h_T: the same
    linear recurrence as a Newton step, run backwards in time, so :func:`linear_recurrence`
    solves it in ⌈log₂ T⌉ rounds. Then ∂L/∂θ = Σ_t λ_t · ∂f(h_{t−1}, x_t)/∂θ.

    Domain: as :func:`newton`; H and grad_H finite (T, N) arrays. The gradients are exact for
    the H given; H should solve the recurrence (to rounding) for them to be the loss's.
    """
    u, h0, H, G = _backward_inputs(cell, x, h0, H, grad_H)
    previous = np.vstack([h0, H[:-1]])
    _, jac = cell.step(previous, u)
    # reversed time: μ_s = λ_{T-1-s} (0-based), μ_s = G_{T-1-s} + J_{T-s} μ_{s-1}
    a_rev = np.zeros_like(jac)
    a_rev[1:] = jac[:0:-1]
    try:
        mu, _ = linear_recurrence(a_rev, G[::-1])
    except ValueError:
        raise ValueError(
            "the adjoint overflows float64 (grad_H too large, or a cell whose Jacobians grow "
            "along the sequence): scale grad_H down"
        ) from None
    lam = mu[::-1]
    return _parameter_gradients(cell, x, u, previous, lam, jac[0])


def backward_sequential(
    cell: DiagonalGRU, x: object, h0: object, H: object, grad_H: object
) -> Gradients:
    """The same gradients as :func:`backward` by back-propagation through time, one step at a
    time from t = T down to 1 (the reference)."""
    u, h0, H, G = _backward_inputs(cell, x, h0, H, grad_H)
    previous = np.vstack([h0, H[:-1]])
    _, jac = cell.step(previous, u)
    lam = np.empty_like(G)
    carry = np.zeros(cell.hidden)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(G.shape[0] - 1, -1, -1):
            lam[t] = G[t] + carry
            carry = jac[t] * lam[t]
    return _parameter_gradients(cell, x, u, previous, lam, jac[0])


def _initial_state(cell: DiagonalGRU, h0: object) -> np.ndarray:
    h = _real(h0, "h0")
    if h.shape != (cell.hidden,) or not np.all(np.isfinite(h)):
        raise ValueError(f"h0 must be a finite array of shape ({cell.hidden},), got {h.shape}")
    return h


def sequential(cell: DiagonalGRU, x: object, h0: object) -> np.ndarray:
    """h_1..h_T one step at a time (the reference): shape (T, N)."""
    u = cell.projections(x)
    h = _initial_state(cell, h0)
    out = np.empty((u.shape[1], cell.hidden))
    for t in range(u.shape[1]):
        h, _ = cell.step(h, u[:, t])
        out[t] = h
    return out


def linear_recurrence(a: object, b: object) -> tuple[np.ndarray, int]:
    """Solve δ_t = a_t ⊙ δ_{t−1} + b_t, δ_0 = b_0 (elementwise), for all t at once.

    The pairs (a_t, b_t) compose associatively, (a, b) ∘ (a', b') = (a a', a' b + b'), so an
    inclusive Hillis–Steele scan gives every prefix in ⌈log₂ T⌉ vectorised rounds.

    Domain: a and b finite real arrays of the same shape (T, ...) with T ≥ 1. Where a product
    of a's overflows inside the scan although the solution is finite, the solution is recomputed
    step by step; a ValueError if the solution itself overflows float64.

    Returns
    -------
    delta : ndarray, shape (T, N)
    rounds : int
        The number of scan rounds (the parallel depth).
    """
    A, Bv = _real(a, "a"), _real(b, "b")
    if A.shape != Bv.shape or A.ndim < 1 or A.shape[0] < 1:
        raise ValueError(
            f"a and b must have the same shape, with T ≥ 1 steps, got {A.shape} and {Bv.shape}"
        )
    if not (np.all(np.isfinite(A)) and np.all(np.isfinite(Bv))):
        raise ValueError("a and b must be finite")
    a0, b0 = A.copy(), Bv.copy()
    T, shift, rounds = A.shape[0], 1, 0
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        while shift < T:
            # a zero δ contributes nothing, however large the product of a's in front of it
            carried = np.where(Bv[:-shift] == 0, 0.0, A[shift:] * Bv[:-shift])
            Bv[shift:] = carried + Bv[shift:]
            A[shift:] = A[shift:] * A[:-shift]
            shift *= 2
            rounds += 1
    if not np.all(np.isfinite(Bv)):
        # a prefix product of a overflowed (or met 0 · inf) although the solution may be
        # finite: solve step by step, which only multiplies what the solution itself holds
        Bv = np.empty_like(b0)
        Bv[0] = b0[0]
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            for t in range(1, T):
                Bv[t] = a0[t] * Bv[t - 1] + b0[t]
        if not np.all(np.isfinite(Bv)):
            raise ValueError("the solution of the linear recurrence overflows float64")
    return Bv, rounds


def newton(
    cell: DiagonalGRU, x: object, h0: object, iterations: int = 3
) -> tuple[np.ndarray, list[float], int]:
    """Evaluate the recurrence by Newton's method on the whole sequence.

    The initial guess is one cell step from h = 0 at every t (as ParaRNN does). Each iteration
    evaluates the cell and its Jacobian at all steps in parallel and solves the linear
    recurrence for the update by :func:`linear_recurrence`.

    Returns
    -------
    H : ndarray, shape (T, N)
    residuals : list of float
        max |F(H)| before each iteration and after the last.
    rounds : int
        Total scan rounds (parallel depth of the linear solves).

    Raises
    ------
    ValueError
        For x not a finite (T, D) array with T ≥ 1, h0 not a finite (N,) array, or a negative
        number of iterations.
    ArithmeticError
        If the iterates blow up (a residual 10⁸ times the first, not finite, or an update that
        overflows): undamped Newton diverges for cells that are not contractive enough.
    """
    *_, last = _newton_steps(cell, x, h0, iterations)  # the generator's final (H, ...)
    return last


def newton_iterates(
    cell: DiagonalGRU, x: object, h0: object, iterations: int = 3
) -> list[np.ndarray]:
    """Every iterate of :func:`newton`: ``[H_0, H_1, ..., H_iterations]``, H_0 the initial
    guess; ``H_k`` is bit for bit the ``H`` of ``newton(cell, x, h0, k)``, computed in one run
    instead of one run per k. Same arguments and errors as :func:`newton`."""
    return [H for H, _, _ in _newton_steps(cell, x, h0, iterations)]


def _newton_steps(cell: DiagonalGRU, x: object, h0: object, iterations: int):
    """Yield (H, residuals so far, rounds so far) for the initial guess and after each of the
    ``iterations`` updates; the residual list is complete (one more entry) at the last."""
    if isinstance(iterations, bool) or not isinstance(iterations, Integral) or iterations < 0:
        raise ValueError(f"iterations must be a non-negative int, got {iterations!r}")
    if iterations > MAX_ITERATIONS:
        raise ValueError(
            f"iterations must be at most {MAX_ITERATIONS} (Newton on T steps is exact after T "
            f"iterations in exact arithmetic), got {iterations!r}"
        )
    u = cell.projections(x)
    h0 = _initial_state(cell, h0)
    H, _ = cell.step(np.zeros((u.shape[1], cell.hidden)), u)
    residuals, rounds = [], 0
    for _ in range(iterations + 1):
        previous = np.vstack([h0, H[:-1]])
        with np.errstate(all="ignore"):
            value, jac = cell.step(previous, u)
        residual = value - H
        residuals.append(float(np.max(np.abs(residual))))
        if not np.isfinite(residuals[-1]) or residuals[-1] > 1e8 * max(residuals[0], 1e-300):
            raise ArithmeticError(
                f"Newton diverged after {len(residuals) - 1} iterations (the cell is not "
                "contractive enough along this sequence; undamped Newton has no guarantee)"
            )
        if len(residuals) > iterations:
            yield H, residuals, rounds
            return
        yield H, list(residuals), rounds
        jac[0] = 0.0  # h_0 is given: δ_0 has no predecessor
        try:
            delta, r = linear_recurrence(jac, residual)
        except ValueError:  # the update overflows: the iterates blow up
            raise ArithmeticError(
                f"Newton diverged after {len(residuals)} iterations (the Newton update "
                "overflows float64; undamped Newton has no guarantee)"
            ) from None
        rounds += r
        H = H + delta
