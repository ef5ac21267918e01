"""Randomly shifted rank-1 lattice rules, and the Poisson problem on random star-shaped domains
pulled back to the unit disk, as in Djurdjevac, Kaarnioja, Schillings & Zepernick, arXiv
2502.12345 (the random domain, the pull-back and the lattice rules are this module's own
rendering: the paper's exact parametrisation and weights were not reachable).

Lattice rules
    :func:`shift_averaged_error` (the shift-averaged worst-case error in the unanchored weighted
    Sobolev space with product weights), :func:`cbc_lattice` (its fast component-by-component
    minimisation for a prime number of points, by FFT), :func:`lattice_points` and
    :func:`standard_error` (the estimate over independent random shifts).
The random domain
    :class:`StarDomain`: the disk mapped by V(x, y) = x exp(a(x, y)), a = Σ_j b_j β(y_j) h_j(x)
    with harmonic polynomials h_j = Re or Im (x₁ + i x₂)^k and b_j = c j^(−ϑ), so that the
    boundary radius is exp(Σ_j b_j β(y_j) cos or sin kφ). β is the identity (a field analytic in
    y) or a Gevrey-2 smooth step (smooth, not analytic).
Finite elements
    :func:`disk_mesh` (P1 on rings of triangles), :func:`pullback` (the coefficient
    A = det(DV) DV⁻¹ DV⁻ᵀ and the load det DV at the element centroids),
    :func:`solve_poisson` (−Δu = 1 on D(y), u = 0 on its boundary, solved on the disk) and
    :func:`solve_poisson_moved_mesh` (the same on the mapped mesh, an independent check).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import scipy.sparse as sparse

from rederived._checks import count, finite_real, generator, memory, positive, real_array

__all__ = [
    "DiskMesh",
    "StarDomain",
    "bernoulli2",
    "cbc_lattice",
    "disk_mesh",
    "gevrey_step",
    "harmonics",
    "is_prime",
    "lattice_points",
    "product_weights",
    "pullback",
    "randomised_errors",
    "shift_averaged_error",
    "solve_heat",
    "solve_poisson",
    "solve_poisson_moved_mesh",
    "standard_error",
    "sweep_item",
    "truncation_errors",
]

#: the largest number of lattice points accepted (the CBC keeps a few arrays of this length)
MAX_POINTS = 2**24
#: the most stochastic dimensions accepted
MAX_DIMENSION = 4096


# --------------------------------------------------------------------------- lattice rules


def bernoulli2(t: object) -> np.ndarray:
    """The Bernoulli polynomial B₂(t) = t² − t + 1/6 (any shape; the lattice formulas use it on
    [0, 1))."""
    t = real_array(t, "t")
    return t * t - t + 1.0 / 6.0


def is_prime(n: object) -> bool:
    """Whether the int ``n`` ≥ 0 is prime (trial division; n ≤ 2⁴⁸)."""
    n = count(n, "n", 0)
    if n > 2**48:
        raise ValueError(f"n must be at most 2**48, got {n}")
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    return all(n % d for d in range(3, math.isqrt(n) + 1, 2))


def _prime_points(n: object) -> int:
    n = count(n, "n", 2)
    if n > MAX_POINTS:
        raise ValueError(f"n must be at most {MAX_POINTS}, got {n}")
    if not is_prime(n):
        raise ValueError(f"n must be prime (the fast CBC uses the cyclic group mod n), got {n}")
    return n


def _primitive_root(n: int) -> int:
    """The least generator of the multiplicative group mod the prime ``n``."""
    if n == 2:
        return 1
    m, factors, p = n - 1, [], 2
    while p * p <= m:
        if m % p == 0:
            factors.append(p)
            while m % p == 0:
                m //= p
        p += 1
    if m > 1:
        factors.append(m)
    return next(g for g in range(2, n) if all(pow(g, (n - 1) // q, n) != 1 for q in factors))


def _powers(g: int, n: int) -> np.ndarray:
    """g^a mod n for a = 0..n−2, in blocks of √n (products stay below n² ≤ 2⁴⁸)."""
    block = math.isqrt(n - 1) + 1
    first = np.empty(block, dtype=np.int64)
    first[0] = 1
    for a in range(1, block):
        first[a] = first[a - 1] * g % n
    step = first[-1] * g % n  # g^block
    starts = np.empty(block, dtype=np.int64)
    starts[0] = 1
    for a in range(1, block):
        starts[a] = starts[a - 1] * step % n
    return (starts[:, None] * first[None, :] % n).ravel()[: n - 1]


def _weights(gamma: object) -> np.ndarray:
    gamma = real_array(gamma, "gamma")
    if gamma.ndim != 1 or gamma.size == 0:
        raise ValueError(f"gamma must be a non-empty 1-D array, got shape {gamma.shape}")
    if gamma.size > MAX_DIMENSION:
        raise ValueError(f"gamma may have at most {MAX_DIMENSION} entries, got {gamma.size}")
    if not np.all(np.isfinite(gamma)) or np.any(gamma <= 0) or np.any(gamma > 1e6):
        raise ValueError("gamma must hold finite weights in (0, 1e6]")
    # each factor 1 + γ_j B₂ lies in [1 − γ_j/12, 1 + γ_j/6]: bound the product's size
    if float(np.sum(np.log1p(gamma / 6.0))) > 600.0:
        raise ValueError(
            "gamma is too large for its length: Π_j (1 + γ_j/6) exceeds e^600, so the error "
            "formula would overflow (use smaller or fewer weights)"
        )
    return gamma


def _generating_vector(z: object, n: int) -> np.ndarray:
    arr = np.asarray(z)
    if arr.dtype.kind not in "iu" or arr.ndim != 1 or arr.size == 0:
        raise TypeError(f"z must be a non-empty 1-D integer array, got {arr.dtype} {arr.shape}")
    if arr.size > MAX_DIMENSION:
        raise ValueError(f"z may have at most {MAX_DIMENSION} entries, got {arr.size}")
    if np.any(arr < 0) or np.any(arr >= n):
        raise ValueError(f"z must hold integers in [0, n) = [0, {n})")
    return arr.astype(np.int64)


def shift_averaged_error(z: object, n: object, gamma: object) -> float:
    """Root of the shift-averaged squared worst-case error of the rank-1 lattice rule with
    generating vector ``z`` and ``n`` points, in the unanchored weighted Sobolev space of
    dominating mixed first derivatives with product weights ``gamma``:

        e² = −1 + (1/n) Σ_k Π_j (1 + γ_j B₂({k z_j / n})).

    Domain: n ≥ 1 (any n, not only primes), z integers in [0, n) of length s ≤ 4096, gamma of
    the same length in (0, 1e6]. The sum is taken in blocks of points, so memory stays small.
    Returns a float ≥ 0 (a negative rounding residue is returned as 0).
    """
    n = count(n, "n")
    if n > MAX_POINTS:
        raise ValueError(f"n must be at most {MAX_POINTS}, got {n}")
    z = _generating_vector(z, n)
    gamma = _weights(gamma)
    if gamma.size != z.size:
        raise ValueError(f"gamma has {gamma.size} entries and z {z.size}")
    if n * z.size > 2**33:
        raise ValueError(f"n·s = {n * z.size} exceeds 2**33 terms: the sum would take too long")
    total = 0.0
    block = max(1, 2**18 // z.size)
    for start in range(0, n, block):
        k = np.arange(start, min(n, start + block), dtype=np.int64)
        excess = np.zeros(k.size)  # Π_j (1 + x_j) − 1, accumulated without cancellation
        for j in range(z.size):
            x = gamma[j] * bernoulli2((k * z[j] % n) / n)
            excess = excess * (1.0 + x) + x
        total += float(excess.sum())
    return math.sqrt(max(total / n, 0.0))


def cbc_lattice(n: object, gamma: object, *, errors: bool = False):
    """Generating vector of a rank-1 lattice rule with a prime number ``n`` of points, built
    component by component: z₁ = 1, and each further z_j in {1, …, (n−1)/2} minimises the
    shift-averaged worst-case error of :func:`shift_averaged_error` with the earlier components
    fixed (the least such z_j on ties). The sums over all candidates are one cyclic convolution
    per component, computed by FFT in the order of a primitive root (Nuyens & Cools' fast CBC),
    so the cost is O(s n log n).

    Parameters
    ----------
    n : int
        Number of points, a prime, 3 ≤ n ≤ 2²⁴.
    gamma : array_like, shape (s,)
        Product weights in (0, 1e6], 1 ≤ s ≤ 4096.
    errors : bool
        Also return e_j, the error of the rule's first j components, for j = 1..s.

    Returns
    -------
    z : ndarray of int64, shape (s,); with ``errors``, also an ndarray of shape (s,).
    """
    n = _prime_points(n)
    if n < 3:
        raise ValueError("n must be at least 3")
    if not isinstance(errors, bool):
        raise TypeError(f"errors must be a bool, got {errors!r}")
    gamma = _weights(gamma)
    s = gamma.size
    if n * s > 2**33:
        raise ValueError(f"n·s = {n * s} exceeds 2**33: the construction would take too long")
    memory(96.0 * n, "cbc_lattice")  # a dozen work arrays of n values
    powers = _powers(_primitive_root(n), n)  # g^a mod n, a = 0..n-2
    inverse_order = np.concatenate(([1], powers[:0:-1]))  # g^(-a) = g^(n-1-a)
    kernel_fft = np.fft.rfft(bernoulli2(powers / n))  # ψ[c] = B₂({g^c / n})
    # Π over the chosen components of 1 + γ_j B₂({k z_j / n}), less 1 (so that tiny weights do
    # not cancel), for k = 0..n-1
    excess = np.zeros(n)
    z = np.empty(s, dtype=np.int64)
    errs = np.empty(s)
    half = (n - 1) // 2
    k = np.arange(n, dtype=np.int64)
    for j in range(s):
        if j == 0:
            choice = 1
        else:
            # Σ_k B₂({z k / n}) (1 + excess_k) over k ≠ 0 for z = g^a is a cyclic convolution in
            # a; the part with 1 is the same for every z (z k runs over all k ≠ 0), so rank by
            # the part with the excess
            conv = np.fft.irfft(kernel_fft * np.fft.rfft(excess[inverse_order]), n - 1)
            by_z = np.empty(n)
            by_z[powers] = conv
            candidates = by_z[1 : half + 1]
            best = candidates.min()
            # the least z within rounding of the minimum: the FFT's rounding must not pick
            # between candidates that tie exactly
            scale = np.abs(candidates).max() + np.abs(excess).sum() / 6.0
            tie = best + 64 * np.finfo(float).eps * scale * math.log2(n)
            choice = int(np.flatnonzero(candidates <= tie)[0]) + 1
        z[j] = choice
        x = gamma[j] * bernoulli2((k * choice % n) / n)
        excess = excess * (1.0 + x) + x
        errs[j] = math.sqrt(max(excess.sum() / n, 0.0))
    return (z, errs) if errors else z


def lattice_points(z: object, n: object, shift: object = None) -> np.ndarray:
    """The ``n`` points {k z / n + Δ}, k = 0..n−1, of a (shifted) rank-1 lattice rule in
    [0, 1)^s, shape (n, s). ``shift`` Δ: shape (s,) in [0, 1) (default 0). Domain: n ≥ 1,
    z integers in [0, n); n·s at most 2²⁶ values."""
    n = count(n, "n")
    if n > MAX_POINTS:
        raise ValueError(f"n must be at most {MAX_POINTS}, got {n}")
    z = _generating_vector(z, n)
    memory(24.0 * n * z.size, "lattice_points", 2**30)  # the output and two temporaries
    k = np.arange(n, dtype=np.int64)
    points = (k[:, None] * z[None, :] % n) / n
    if shift is not None:
        shift = real_array(shift, "shift")
        if shift.shape != z.shape:
            raise ValueError(f"shift must have shape {z.shape}, got {shift.shape}")
        if not np.all((shift >= 0) & (shift < 1)):
            raise ValueError("shift must lie in [0, 1)")
        points = points + shift
        points -= np.floor(points)
    return points


def standard_error(estimates: object, gram: object = None) -> tuple[np.ndarray, float]:
    """Mean of R independent estimates (shape (R, m), one per random shift) and its standard
    error, √(Σ_r ‖Q_r − Q̄‖² / (R(R−1))), in the norm ‖v‖² = vᵀ G v of a symmetric positive
    semi-definite ``gram`` matrix G (m × m, dense or sparse; default: the Euclidean norm).
    Domain: R ≥ 2, m ≥ 1, finite estimates."""
    q = real_array(estimates, "estimates")
    if q.ndim == 1:
        q = q[:, None]
    if q.ndim != 2 or q.shape[0] < 2 or q.shape[1] == 0:
        raise ValueError(f"estimates must have shape (R, m) with R >= 2, got {q.shape}")
    if not np.all(np.isfinite(q)):
        raise ValueError("estimates must be finite")
    mean = q.mean(axis=0)
    d = q - mean
    scale = float(np.max(np.abs(d)))
    if scale == 0.0:
        return mean, 0.0
    d = d / scale  # squares of large estimates would overflow
    if gram is None:
        squares = np.einsum("rm,rm->r", d, d)
    else:
        g = gram if sparse.issparse(gram) else real_array(gram, "gram")
        if sparse.issparse(g) and g.dtype.kind not in "biuf":
            raise TypeError(f"gram must be a real matrix, got dtype {g.dtype}")
        if g.shape != (q.shape[1], q.shape[1]):
            raise ValueError(f"gram must have shape {(q.shape[1], q.shape[1])}, got {g.shape}")
        values = g.data if sparse.issparse(g) else g
        if not np.all(np.isfinite(values)):
            raise ValueError("gram must be finite")
        asymmetry = abs(g - g.T)
        if (asymmetry.max() if asymmetry.size else 0.0) > 1e-12 * (np.abs(values).max() + 1e-300):
            raise ValueError("gram must be symmetric")
        squares = np.einsum("rm,rm->r", d, np.asarray((g @ d.T).T))
        # (checked along the estimates' own directions only: an indefinite gram that is
        # positive on them passes)
        if (
            float(squares.min())
            < -1e-9 * float(np.abs(values).max()) * np.einsum("rm,rm->r", d, d).max()
        ):
            raise ValueError("gram must be positive semi-definite")
    r = q.shape[0]
    return mean, scale * math.sqrt(max(float(squares.sum()), 0.0) / (r * (r - 1)))


# --------------------------------------------------------------------------- the random domain


def gevrey_step(t: object) -> np.ndarray:
    """A smooth, non-analytic increasing map of [−1/2, 1/2] onto itself:
    β(t) = ψ(1/2 + t) / (ψ(1/2 + t) + ψ(1/2 − t)) − 1/2 with ψ(x) = exp(−1/x) for x > 0 and 0
    otherwise. All its derivatives vanish at ±1/2, so it is of Gevrey class 2 and not analytic.
    Domain: t in [−1/2, 1/2] (any shape)."""
    t = real_array(t, "t")
    if not np.all((t >= -0.5) & (t <= 0.5)):
        raise ValueError("t must lie in [-1/2, 1/2]")
    left, right = 0.5 + t, 0.5 - t
    with np.errstate(divide="ignore"):
        # ψ(l)/(ψ(l)+ψ(r)) = 1/(1 + exp(1/l − 1/r)), written to stay finite at the ends
        exponent = np.where(left == 0, np.inf, 1 / np.where(left == 0, 1, left)) - np.where(
            right == 0, np.inf, 1 / np.where(right == 0, 1, right)
        )
    exponent = np.where(np.isnan(exponent), 0.0, exponent)
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(np.clip(exponent, -700, 700))) - 0.5


def harmonics(points: object, s: object) -> tuple[np.ndarray, np.ndarray]:
    """The harmonic polynomials h_j(x) = Re (x₁ + i x₂)^k (j odd) or Im (x₁ + i x₂)^k (j even),
    k = ⌈j/2⌉, j = 1..s, and their gradients, at ``points`` of shape (P, 2) in the closed unit
    disk (where |h_j| ≤ 1 and |∇h_j| ≤ k).

    Returns values of shape (P, s) and gradients of shape (P, s, 2): ∇ Re z^k = k (Re z^(k−1),
    −Im z^(k−1)) and ∇ Im z^k = k (Im z^(k−1), Re z^(k−1)). Domain: |x| ≤ 1 + 1e-9, 1 ≤ s ≤ 4096.
    """
    x = real_array(points, "points")
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"points must have shape (P, 2), got {x.shape}")
    if not np.all(np.isfinite(x)) or np.any(np.hypot(x[:, 0], x[:, 1]) > 1 + 1e-9):
        raise ValueError("points must be finite and lie in the closed unit disk")
    s = count(s, "s")
    if s > MAX_DIMENSION:
        raise ValueError(f"s must be at most {MAX_DIMENSION}, got {s}")
    memory(80.0 * x.shape[0] * s, "harmonics")  # complex powers, their products, results
    zc = x[:, 0] + 1j * x[:, 1]
    k = (np.arange(1, s + 1) + 1) // 2
    lower = zc[:, None] ** (k - 1)[None, :]
    full = lower * zc[:, None]
    odd = (np.arange(1, s + 1) % 2 == 1)[None, :]
    values = np.where(odd, full.real, full.imag)
    gx = np.where(odd, lower.real, lower.imag) * k
    gy = np.where(odd, -lower.imag, lower.real) * k
    return values, np.stack([gx, gy], axis=-1)


@dataclasses.dataclass(frozen=True)
class StarDomain:
    """The random star-shaped domain D(y) = V(D, y) of the unit disk D under
    V(x, y) = x exp(a(x, y)), a(x, y) = Σ_{j ≤ s} b_j β(y_j) h_j(x), b_j = c j^(−ϑ).

    Parameters
    ----------
    s : int
        Stochastic dimension (1..4096).
    decay : float
        ϑ > 2 (so that Σ_j k_j b_j converges: k_j b_j ~ j^(1−ϑ)/2).
    scale : float
        c > 0, with max|β| · c Σ_j ⌈j/2⌉ j^(−ϑ) ≤ 0.95 over all j, so that V is a
        diffeomorphism for every y: the radial derivative of |V| is exp(a)(1 + r ∂_r a), and
        |r ∂_r a| ≤ Σ_j b_j k_j |β_j| with k_j = ⌈j/2⌉.
    parametrisation : str
        ``"analytic"`` (β(t) = t) or ``"gevrey"`` (β = :func:`gevrey_step`).
    centred : bool
        y uniform on [−1/2, 1/2]^s (True), or the same field on y ∈ [0, 1]^s, shifted by +1/2
        before β, so that E[β(y_j)] = 1/2 · (1 for analytic) is not zero (False).
    """

    s: int
    decay: float = 2.5
    scale: float = 0.5
    parametrisation: str = "analytic"
    centred: bool = True

    def __post_init__(self):
        count(self.s, "s")
        if self.s > MAX_DIMENSION:
            raise ValueError(f"s must be at most {MAX_DIMENSION}, got {self.s}")
        decay = finite_real(self.decay, "decay")
        if decay <= 2:
            raise ValueError(f"decay must exceed 2 (else the map may fold the disk), got {decay}")
        scale = positive(self.scale, "scale")
        if self.parametrisation not in ("analytic", "gevrey"):
            raise ValueError(
                f"parametrisation must be 'analytic' or 'gevrey', got {self.parametrisation!r}"
            )
        if not isinstance(self.centred, bool):
            raise TypeError(f"centred must be a bool, got {self.centred!r}")
        # |r ∂_r a| ≤ max|β| · c Σ_j ⌈j/2⌉ j^(−ϑ) over all j (the finite part plus an integral
        # bound of the tail); max|β| is 1/2 on the centred cube and 1 on the shifted one
        j = np.arange(1, 100_001)
        tail = 0.5 * 100_000 ** (2 - decay) / (decay - 2)
        bound = scale * (float(np.sum((j + 1) // 2 * j**-decay)) + tail)
        bound *= 0.5 if self.centred else 1.0
        if not bound <= 0.95:
            raise ValueError(
                f"scale {scale} with decay {decay} may fold the disk (max |r ∂a/∂r| ≤ "
                f"{bound:.3g} > 0.95): lower the scale or raise the decay"
            )

    @property
    def b(self) -> np.ndarray:
        """The amplitudes b_j = c j^(−ϑ), shape (s,)."""
        return self.scale * np.arange(1, self.s + 1, dtype=float) ** -self.decay

    def parameters(self, y: object) -> np.ndarray:
        """β(y) (after the shift of a non-centred domain), shape (m, s), for y of shape (m, s) in
        the domain's cube: [−1/2, 1/2]^s when centred, [0, 1]^s otherwise."""
        y = real_array(y, "y")
        if y.ndim != 2 or y.shape[1] != self.s:
            raise ValueError(f"y must have shape (m, {self.s}), got {y.shape}")
        low = -0.5 if self.centred else 0.0
        if not np.all((y >= low) & (y <= low + 1)):
            raise ValueError(f"y must lie in [{low}, {low + 1}]^s")
        t = y if self.centred else y - 0.5
        if self.parametrisation == "gevrey":
            t = gevrey_step(t)
        return t if self.centred else t + 0.5

    def radius(self, phi: object, y: object) -> np.ndarray:
        """The boundary radius exp(Σ_j b_j β(y_j) cos or sin(k_j φ)), shape (m, len(phi))."""
        phi = real_array(phi, "phi").ravel()
        beta = self.parameters(y)
        values, _ = harmonics(np.stack([np.cos(phi), np.sin(phi)], axis=1), self.s)
        return np.exp((beta * self.b) @ values.T)


# --------------------------------------------------------------------------- finite elements


@dataclasses.dataclass(frozen=True)
class DiskMesh:
    """A P1 triangulation of the unit disk with what every solve reuses. Build it with
    :func:`disk_mesh`.

    Attributes: ``nodes`` (N, 2); ``triangles`` (T, 3) counter-clockwise; ``interior`` (n,)
    indices of the free nodes; ``area`` (T,); ``gradients`` (T, 3, 2) of the barycentric
    coordinates; ``centroids`` (T, 2); ``mass`` the consistent P1 mass matrix on the interior
    nodes (sparse n × n). The rest maps element quantities to the stiffness matrix of the
    interior nodes in a reverse Cuthill–McKee order, stored as an upper band of width
    ``bandwidth`` for a banded Cholesky factorisation: ``scatter`` (sparse, band entries × 9T)
    sums element matrices into the band, ``stiffness_parts`` (three sparse band entries × T
    maps) do the same for the coefficient components A₁₁, A₁₂, A₂₂, ``load_map`` (sparse
    n × T) sums area/3 per element into the load, and ``order`` is the permutation."""

    nodes: np.ndarray
    triangles: np.ndarray
    interior: np.ndarray
    area: np.ndarray
    gradients: np.ndarray
    centroids: np.ndarray
    mass: sparse.csr_matrix
    order: np.ndarray
    bandwidth: int
    band_slots: np.ndarray
    scatter: sparse.csr_matrix
    stiffness_parts: tuple
    load_map: sparse.csr_matrix

    @property
    def diagonal_slots(self) -> np.ndarray:
        """Positions in the band data of the diagonal entries, in the RCM order."""
        n = self.interior.size
        return np.searchsorted(self.band_slots, self.bandwidth * n + np.arange(n))

    @property
    def h(self) -> float:
        """The longest edge."""
        p = self.nodes[self.triangles]
        return float(np.linalg.norm(p - np.roll(p, 1, axis=1), axis=2).max())


def _ring_triangles(inner: np.ndarray, outer: np.ndarray, t_in: np.ndarray, t_out: np.ndarray):
    """Triangles zipping two rings of nodes (indices, with angles t in [0, 1) as fractions of
    a turn, increasing): advance along whichever ring's next node comes first."""
    if inner.size == 1:  # the centre
        return np.stack([np.full(outer.size, inner[0]), outer, np.roll(outer, -1)], axis=1)
    ni, no = inner.size, outer.size
    # events: advancing the inner ring past node a (at the angle of node a+1), or the outer ring
    keys = np.concatenate(
        [np.append(t_in[1:], 1.0 + t_in[0]), np.append(t_out[1:], 1.0 + t_out[0])]
    )
    which = np.concatenate([np.zeros(ni, int), np.ones(no, int)])
    tris = []
    a = b = 0
    for e in np.lexsort((which, keys)):
        if which[e] == 0:
            tris.append((inner[a % ni], inner[(a + 1) % ni], outer[b % no]))
            a += 1
        else:
            tris.append((inner[a % ni], outer[b % no], outer[(b + 1) % no]))
            b += 1
    return np.array(tris)


def _signed_areas(p: np.ndarray) -> np.ndarray:
    return 0.5 * (
        (p[..., 1, 0] - p[..., 0, 0]) * (p[..., 2, 1] - p[..., 0, 1])
        - (p[..., 2, 0] - p[..., 0, 0]) * (p[..., 1, 1] - p[..., 0, 1])
    )


def _barycentric_gradients(p: np.ndarray) -> np.ndarray:
    """Gradients (..., 3, 2) of the barycentric coordinates of triangles p (..., 3, 2)."""
    aug = np.concatenate([np.ones((*p.shape[:-1], 1)), p], axis=-1)
    return np.swapaxes(np.linalg.inv(aug)[..., 1:, :], -1, -2)


def disk_mesh(rings: object) -> DiskMesh:
    """P1 mesh of the unit disk: the centre and ``rings`` circles of radius i/rings carrying 6i
    equally spaced nodes each, zipped into 6·rings² triangles (h ≈ 1/rings).
    Domain: 2 ≤ rings ≤ 100."""
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    L = count(rings, "rings", 2)
    if L > 100:
        raise ValueError(f"rings must be at most 100, got {L}")
    nodes, index, fractions, start = [np.zeros((1, 2))], [np.array([0])], [np.zeros(1)], 1
    for i in range(1, L + 1):
        t = np.arange(6 * i) / (6 * i)
        nodes.append(i / L * np.stack([np.cos(2 * np.pi * t), np.sin(2 * np.pi * t)], axis=1))
        index.append(np.arange(start, start + 6 * i))
        fractions.append(t)
        start += 6 * i
    nodes = np.concatenate(nodes)
    triangles = np.concatenate(
        [_ring_triangles(index[i], index[i + 1], fractions[i], fractions[i + 1]) for i in range(L)]
    )
    flip = _signed_areas(nodes[triangles]) < 0
    triangles[flip] = triangles[flip][:, [0, 2, 1]]
    p = nodes[triangles]
    area = _signed_areas(p)
    gradients = _barycentric_gradients(p)
    interior = np.setdiff1d(np.arange(len(nodes)), index[L])
    n, T = interior.size, len(triangles)
    position = -np.ones(len(nodes), dtype=np.int64)
    position[interior] = np.arange(n)
    # the interior stiffness pattern, then a reverse Cuthill–McKee order that makes it a band
    local = position[triangles]
    rows, cols = np.repeat(local, 3, axis=1).ravel(), np.tile(local, (1, 3)).ravel()
    keep = (rows >= 0) & (cols >= 0)
    pattern = sparse.csr_matrix((np.ones(keep.sum()), (rows[keep], cols[keep])), shape=(n, n))
    order = np.asarray(reverse_cuthill_mckee(pattern, symmetric_mode=True), dtype=np.int64)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    r, c = rank[np.maximum(rows, 0)], rank[np.maximum(cols, 0)]
    bandwidth = int(np.max(np.abs(r - c)[keep]))
    upper = keep & (r <= c)
    # slot of entry (i, j), i <= j, in the flattened upper band ab[bw + i - j, j]
    slot_of_entry = (bandwidth + r - c) * n + c
    slots, inverse = np.unique(slot_of_entry[upper], return_inverse=True)
    entries = np.flatnonzero(upper)
    scatter = sparse.csr_matrix(
        (np.ones(entries.size), (inverse, entries)), shape=(slots.size, 9 * T)
    )
    # element matrix of coefficient component e_k: area · G_i^T E G_j, for E = e11, e12 + e21, e22
    gx, gy = gradients[..., 0], gradients[..., 1]
    parts = (
        gx[:, :, None] * gx[:, None, :],
        gx[:, :, None] * gy[:, None, :] + gy[:, :, None] * gx[:, None, :],
        gy[:, :, None] * gy[:, None, :],
    )
    stiffness_parts = tuple(
        (
            scatter @ sparse.diags((area[:, None] * part.reshape(T, 9)).ravel()) @ _element_sum(T)
        ).tocsr()
        for part in parts
    )
    load_map = sparse.csr_matrix(
        (
            np.full(keep.reshape(T, 9)[:, ::4].sum(), 1.0 / 3.0),
            (rank[local[local >= 0]], np.nonzero(local >= 0)[0]),
        ),
        shape=(n, T),
    )
    local_mass = (np.ones((3, 3)) + np.eye(3)) / 12.0
    mvals = (area[:, None, None] * local_mass).ravel()
    mass = sparse.csr_matrix((mvals[keep], (rows[keep], cols[keep])), shape=(n, n))
    mass.sum_duplicates()
    return DiskMesh(
        nodes=nodes,
        triangles=triangles,
        interior=interior,
        area=area,
        gradients=gradients,
        centroids=p.mean(axis=1),
        mass=mass,
        order=order,
        bandwidth=bandwidth,
        band_slots=slots,
        scatter=scatter,
        stiffness_parts=stiffness_parts,
        load_map=load_map,
    )


def _element_sum(T: int) -> sparse.csr_matrix:
    """Sparse (9T × T) map repeating each element's value over its nine local entries."""
    return sparse.csr_matrix(
        (np.ones(9 * T), (np.arange(9 * T), np.repeat(np.arange(T), 9))), shape=(9 * T, T)
    )


def _pullback_parts(x, a, g):
    w = 1.0 + x[..., 0] * g[..., 0] + x[..., 1] * g[..., 1]
    if np.any(w <= 0):
        raise ValueError("the map folds: 1 + x·∇a <= 0 at some point")
    q = (g[..., 0] ** 2 + g[..., 1] ** 2) / w
    a11 = w - 2 * x[..., 0] * g[..., 0] + q * x[..., 0] ** 2
    a12 = -x[..., 0] * g[..., 1] - x[..., 1] * g[..., 0] + q * x[..., 0] * x[..., 1]
    a22 = w - 2 * x[..., 1] * g[..., 1] + q * x[..., 1] ** 2
    return a11, a12, a22, np.exp(2 * a) * w


def pullback(points: object, a: object, grad_a: object) -> tuple[np.ndarray, np.ndarray]:
    """Coefficient and load of the Poisson problem pulled back by V(x) = x exp(a(x)).

    With g = ∇a and w = 1 + x·g, DV = exp(a)(I + x gᵀ), det DV = exp(2a) w, and
    A = det(DV) DV⁻¹ DV⁻ᵀ = w I − x gᵀ − g xᵀ + |g|² x xᵀ / w (the exp(a) factors cancel).

    Parameters: ``points`` (P, 2); ``a`` (..., P); ``grad_a`` (..., P, 2), all finite, |a| ≤ 300.
    Returns A of shape (..., P, 2, 2) and det DV of shape (..., P). Raises ValueError where
    w ≤ 0 (V folds there).
    """
    x = real_array(points, "points")
    a = real_array(a, "a")
    g = real_array(grad_a, "grad_a")
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"points must have shape (P, 2), got {x.shape}")
    if a.shape[-1:] != x.shape[:1] or g.shape != (*a.shape, 2):
        raise ValueError(f"a must have shape (..., {x.shape[0]}) and grad_a (..., {x.shape[0]}, 2)")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(a)) and np.all(np.isfinite(g))):
        raise ValueError("points, a and grad_a must be finite")
    if np.any(np.abs(a) > 300):
        raise ValueError("|a| must be at most 300 (exp(2a) would overflow)")
    memory(40.0 * max(a.size, 1), "pullback")
    with np.errstate(over="ignore", invalid="ignore"):
        a11, a12, a22, det = _pullback_parts(x, a, g)
    if not all(np.all(np.isfinite(v)) for v in (a11, a12, a22, det)):
        raise ValueError("grad_a is too large: the pulled-back coefficient overflows")
    A = np.stack([np.stack([a11, a12], -1), np.stack([a12, a22], -1)], -2)
    return A, det


def _check_mesh(mesh: object) -> DiskMesh:
    if not isinstance(mesh, DiskMesh):
        raise TypeError(f"mesh must be a DiskMesh (see disk_mesh), got {type(mesh).__name__}")
    return mesh


def _check_domain(domain: object) -> StarDomain:
    if not isinstance(domain, StarDomain):
        raise TypeError(f"domain must be a StarDomain, got {type(domain).__name__}")
    return domain


def _band_solve(mesh: DiskMesh, band_data: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve each sample's banded system (band entries (m, slots), right-hand sides (m, n) in
    the RCM order); returns the solutions in the interior nodes' own order."""
    from scipy.linalg import solveh_banded

    m, n, bw = rhs.shape[0], mesh.interior.size, mesh.bandwidth
    out = np.empty((m, n))
    ab = np.zeros(((bw + 1) * n,))
    for i in range(m):
        ab[mesh.band_slots] = band_data[i]
        out[i, mesh.order] = solveh_banded(ab.reshape(bw + 1, n), rhs[i], check_finite=False)
    return out


def _samples(y: object, domain: StarDomain, mesh: DiskMesh) -> np.ndarray:
    beta = domain.parameters(y)
    # per sample: element matrices and moved triangles (about 32 values per triangle) and
    # the band data
    memory(8.0 * beta.shape[0] * (32 * len(mesh.triangles) + mesh.band_slots.size), "solve_poisson")
    return beta


def solve_poisson(mesh: object, domain: object, y: object) -> np.ndarray:
    """P1 solutions û = u ∘ V of −Δu = 1 on D(y), u = 0 on ∂D(y), solved on the disk: the
    stiffness with the pulled-back coefficient A and the load det DV of :func:`pullback`, both at
    the element centroids (one-point quadrature, second order).

    Parameters: ``mesh`` from :func:`disk_mesh`; ``domain`` a :class:`StarDomain`; ``y`` of
    shape (m, s) in the domain's cube. Returns û at the interior nodes, shape (m, n).
    """
    mesh, domain = _check_mesh(mesh), _check_domain(domain)
    beta = _samples(y, domain, mesh)
    band, rhs = _pulled_back_system(mesh, domain, beta)
    return _band_solve(mesh, band, rhs)


def _pulled_back_system(mesh: DiskMesh, domain: StarDomain, beta: np.ndarray):
    """Band data of the stiffness and the load (RCM order) of each sample."""
    values, grads = harmonics(mesh.centroids, domain.s)
    coeff = beta * domain.b
    a = coeff @ values.T  # (m, T)
    g = np.stack([coeff @ grads[..., 0].T, coeff @ grads[..., 1].T], axis=-1)
    a11, a12, a22, det = _pullback_parts(mesh.centroids, a, g)
    band = sum(
        (part @ c.T).T for part, c in zip(mesh.stiffness_parts, (a11, a12, a22), strict=True)
    )
    return band, (mesh.load_map @ (mesh.area * det).T).T


def solve_heat(
    mesh: object, domain: object, y: object, t_end: float = 0.1, steps: int = 20
) -> np.ndarray:
    """P1 solutions û(T) = u(T) ∘ V of the heat equation u_t − Δu = 1 on D(y), u = 0 on ∂D(y)
    and at t = 0, solved on the disk: det(DV) û_t − ∇·(A∇û) = det DV, with the lumped mass
    matrix of weight det DV (which is also the load) and ``steps`` implicit Euler steps to
    ``t_end``. The matrix is the same at every step, so each sample costs one banded Cholesky
    factorisation and ``steps`` pairs of triangular solves.

    Parameters: as :func:`solve_poisson`, with ``t_end`` > 0 (at most 1e6) and 1 ≤ ``steps``
    ≤ 10⁵. Returns û(T) at the interior nodes, shape (m, n).
    """
    from scipy.linalg import cho_solve_banded, cholesky_banded

    mesh, domain = _check_mesh(mesh), _check_domain(domain)
    t_end = positive(t_end, "t_end")
    if t_end > 1e6:
        raise ValueError(f"t_end must be at most 1e6, got {t_end}")
    steps = count(steps, "steps")
    if steps > 100_000:
        raise ValueError(f"steps must be at most 100000, got {steps}")
    dt = t_end / steps
    if dt < 1e-200:
        raise ValueError(f"t_end / steps = {dt:.3g} is too small a step (below 1e-200)")
    beta = _samples(y, domain, mesh)
    band, lumped = _pulled_back_system(mesh, domain, beta)
    n, bw = mesh.interior.size, mesh.bandwidth
    diagonal = mesh.diagonal_slots
    out = np.empty((beta.shape[0], n))
    ab = np.zeros(((bw + 1) * n,))
    for i in range(beta.shape[0]):
        ab[mesh.band_slots] = band[i]
        ab[mesh.band_slots[diagonal]] += lumped[i] / dt
        factor = cholesky_banded(ab.reshape(bw + 1, n), check_finite=False)
        u = np.zeros(n)
        for _ in range(steps):
            u = cho_solve_banded((factor, False), lumped[i] * (u / dt + 1.0), check_finite=False)
        out[i, mesh.order] = u
    return out


def solve_poisson_moved_mesh(mesh: object, domain: object, y: object) -> np.ndarray:
    """The same problem solved directly on D(y): P1 on the mesh whose nodes are moved by V (the
    pull-back through the piecewise-linear interpolant of V), an independent check of
    :func:`solve_poisson`. Same arguments and result (values at the interior nodes)."""
    mesh, domain = _check_mesh(mesh), _check_domain(domain)
    beta = _samples(y, domain, mesh)
    if beta.shape[0] == 0:
        return np.empty((0, mesh.interior.size))
    values, _ = harmonics(mesh.nodes, domain.s)
    a = (beta * domain.b) @ values.T  # (m, N)
    p = (mesh.nodes[None] * np.exp(a)[..., None])[:, mesh.triangles]  # (m, T, 3, 2)
    area = _signed_areas(p)
    if np.any(area <= 0):
        raise ValueError("the moved mesh has inverted triangles: refine it")
    G = _barycentric_gradients(p)
    local = area[..., None, None] * np.einsum("mtia,mtja->mtij", G, G)
    band = (mesh.scatter @ local.reshape(local.shape[0], -1).T).T
    rhs = (mesh.load_map @ area.T).T
    return _band_solve(mesh, band, rhs)


# --------------------------------------------------------------------------- weights and sweeps


def product_weights(b: object, lam: float = 0.55) -> np.ndarray:
    """Product weights γ_j = (b_j / √ρ(λ))^(2/(1+λ)), ρ(λ) = 2ζ(2λ)/(2π²)^λ: the product part of
    the weights that balance the lattice rule's error bound against an integrand whose mixed
    first derivatives are bounded by Π_j b_j (Kuo, Schwab & Sloan's choice, with the order-
    dependent factor |u|! left out). Domain: b finite and positive (1-D, at most 4096 entries),
    λ in (1/2, 1]; the rule's error bound then decays like n^(−1/(2λ))."""
    from scipy.special import zeta

    b = real_array(b, "b")
    if b.ndim != 1 or b.size == 0 or b.size > MAX_DIMENSION:
        raise ValueError(f"b must be a 1-D array of 1..{MAX_DIMENSION} entries, got {b.shape}")
    if not np.all(np.isfinite(b)) or np.any(b <= 0):
        raise ValueError("b must be finite and positive")
    lam = finite_real(lam, "lam")
    if not 0.5 < lam <= 1:
        raise ValueError(f"lam must lie in (1/2, 1], got {lam}")
    rho = 2 * zeta(2 * lam) / (2 * np.pi**2) ** lam
    return np.minimum((b / np.sqrt(rho)) ** (2 / (1 + lam)), 1e6)


#: the mesh of the chapter's experiments (721 free nodes, h ≈ 0.09)
MESH_RINGS = 16
#: prime numbers of lattice points, close to 2⁶..2¹¹
PRIMES = (61, 127, 251, 509, 1021, 2039)
#: dimensions kept in the truncation experiment, and the reference
TRUNCATIONS = (2, 4, 8, 16, 32)
S_REFERENCE = 256


def _rule_points(rule: str, n: int, s: int, rng: np.random.Generator, gamma) -> np.ndarray:
    """One randomised point set of the rule in [0, 1)^s."""
    if rule == "lattice":
        return lattice_points(_cbc_cached(n, tuple(gamma)), n, rng.random(s))
    if rule == "mc":
        return rng.random((n, s))
    if rule == "sobol":
        from scipy.stats import qmc

        return qmc.Sobol(s, scramble=True, seed=rng).random(n)
    raise ValueError(f"rule must be 'lattice', 'mc' or 'sobol', got {rule!r}")


_CBC_CACHE: dict = {}


def _cbc_cached(n: int, gamma: tuple) -> np.ndarray:
    key = (n, gamma)
    if key not in _CBC_CACHE:
        _CBC_CACHE[key] = cbc_lattice(n, np.array(gamma))
    return _CBC_CACHE[key]


def randomised_errors(
    solve, rule: str, n_values, shifts: int, s: int, seed, mass, gamma=None
) -> tuple[np.ndarray, np.ndarray]:
    """Standard errors of a randomised rule's estimate of E[F(y)], y uniform on
    [−1/2, 1/2]^s, at each n of ``n_values``: ``shifts`` independent randomisations (random
    shifts of the CBC lattice rule for the weights ``gamma``, batches of independent points, or
    scramblings of Sobol' points), each averaging ``solve(y)`` (shape (n, m)) over its n
    points; the error is :func:`standard_error` in the norm of ``mass`` (m × m).

    Parameters: ``solve`` a callable; ``rule`` ``"lattice"`` (prime n, needs ``gamma`` of
    length s), ``"mc"`` or ``"sobol"``; 2 ≤ ``shifts`` ≤ 10⁴; ``seed`` an int, SeedSequence or
    Generator (draws are taken in the order n, then randomisation). Returns the standard errors
    and the norms of the means, shape (len(n_values),) each.
    """
    if not callable(solve):
        raise TypeError(f"solve must be callable, got {type(solve).__name__}")
    if rule not in ("lattice", "mc", "sobol"):
        raise ValueError(f"rule must be 'lattice', 'mc' or 'sobol', got {rule!r}")
    shifts = count(shifts, "shifts", 2)
    if shifts > 10_000:
        raise ValueError(f"shifts must be at most 10000, got {shifts}")
    s = count(s, "s")
    rng = generator(seed)
    if rule == "lattice":
        gamma = _weights(gamma)
        if gamma.size != s:
            raise ValueError(f"gamma must have s = {s} entries, got {gamma.size}")
    errors, norms = [], []
    for n in n_values:
        n = count(n, "n_values")
        estimates = np.array(
            [solve(_rule_points(rule, n, s, rng, gamma) - 0.5).mean(axis=0) for _ in range(shifts)]
        )
        mean, error = standard_error(estimates, mass)
        errors.append(error)
        norms.append(math.sqrt(max(float(mean @ (mass @ mean)), 0.0)))
    return np.array(errors), np.array(norms)


def _rounded(values) -> list[float]:
    return [float(f"{v:.8g}") for v in values]


def _item_errors(item: dict, domain: StarDomain, mesh: DiskMesh, solver) -> dict:
    """A sweep item's rounded standard errors and norms from :func:`randomised_errors`."""
    errors, norms = randomised_errors(
        lambda y: solver(mesh, domain, y),
        item["rule"],
        item["n"],
        int(item["shifts"]),
        domain.s,
        int(item["seed"]),
        mesh.mass,
        product_weights(domain.b),
    )
    return {"error": _rounded(errors), "norm": _rounded(norms)}


def rate_item(item: dict) -> dict:
    """The standard error (L² norm on the disk, over ``item["shifts"]`` randomisations) of the
    estimate of E[û] by one rule at each n of ``item["n"]``, for the domain of ``item`` (keys
    rule, s, parametrisation, n, shifts, seed). Values to 8 significant digits."""
    domain = StarDomain(s=int(item["s"]), parametrisation=item["parametrisation"])
    mesh = disk_mesh(MESH_RINGS)
    return _item_errors(item, domain, mesh, solve_poisson)


def truncation_errors(
    mesh: object, domain: object, z: object, n: int, kept, shifts: int, seed
) -> tuple[np.ndarray, np.ndarray | None]:
    """The dimension-truncation error ‖E[û_s] − E[û_S]‖ (L² on the disk) of the domain's field
    (S = ``domain.s`` terms) for each s of ``kept``, estimated with the lattice rule (``z``,
    ``n`` points), each point paired with its reflection through the centre of the cube (so that
    the odd parts in y cancel), over ``shifts`` random shifts drawn from ``seed``; truncating
    drops the terms j > s of the field (their y_j set to 0, where β vanishes). Returns the
    errors and, for ``shifts`` ≥ 2, their standard errors (else None). Domain: 1 ≤ s ≤ S for s
    in ``kept``, 1 ≤ shifts ≤ 10⁴."""
    mesh, domain = _check_mesh(mesh), _check_domain(domain)
    n = count(n, "n")
    z = _generating_vector(z, n)
    if z.size != domain.s:
        raise ValueError(f"z must have domain.s = {domain.s} entries, got {z.size}")
    kept = [count(k, "kept") for k in kept]
    if not kept or max(kept) > domain.s:
        raise ValueError(f"kept must hold 1 to {domain.s} terms")
    shifts = count(shifts, "shifts")
    if shifts > 10_000:
        raise ValueError(f"shifts must be at most 10000, got {shifts}")
    rng = generator(seed)
    S = domain.s
    differences = {k: [] for k in kept}
    for _ in range(shifts):
        t = lattice_points(z, n, rng.random(S))
        y = t - 0.5 if domain.centred else t
        reflected = -y if domain.centred else 1.0 - y
        full = 0.5 * (solve_poisson(mesh, domain, y) + solve_poisson(mesh, domain, reflected))
        full = full.mean(0)
        for k in kept:
            cut = np.concatenate([y[:, :k], np.zeros((n, S - k))], axis=1)
            cut_r = np.concatenate([reflected[:, :k], np.zeros((n, S - k))], axis=1)
            part = 0.5 * (solve_poisson(mesh, domain, cut) + solve_poisson(mesh, domain, cut_r))
            differences[k].append(part.mean(0) - full)
    errors, spread = [], []
    for k in kept:
        d = np.array(differences[k])
        mean = d.mean(axis=0)
        errors.append(math.sqrt(max(float(mean @ (mesh.mass @ mean)), 0.0)))
        if shifts >= 2:
            spread.append(standard_error(d, mesh.mass)[1])
    return np.array(errors), (np.array(spread) if shifts >= 2 else None)


def truncation_item(item: dict) -> dict:
    """:func:`truncation_errors` for each s of ``TRUNCATIONS`` against ``S_REFERENCE`` terms, with
    the CBC rule of ``item["n"]`` points, on the analytic field, centred or on [0, 1]^s (keys
    centred, n, shifts, seed)."""
    domain = StarDomain(s=S_REFERENCE, centred=bool(item["centred"]))
    n = int(item["n"])
    errors, spread = truncation_errors(
        disk_mesh(MESH_RINGS),
        domain,
        _cbc_cached(n, tuple(product_weights(domain.b))),
        n,
        TRUNCATIONS,
        int(item["shifts"]),
        int(item["seed"]),
    )
    return {"error": _rounded(errors), "standard_error": _rounded(spread)}


def sweep_item(item: dict) -> dict:
    """One item of the sweep ``qmc-domains``: :func:`rate_item` or :func:`truncation_item`."""
    if not isinstance(item, dict) or item.get("kind") not in ("rate", "truncation"):
        raise ValueError("item must be a dict with kind 'rate' or 'truncation'")
    return rate_item(item) if item["kind"] == "rate" else truncation_item(item)


def _sweep_items(params) -> list[dict]:
    items = [
        {
            "kind": "rate",
            "rule": rule,
            "s": s,
            "parametrisation": par,
            "draw": d,
            "n": list(params["sobol_n"] if rule == "sobol" else params["n"]),
            "shifts": params["shifts"],
        }
        for rule, s, par in params["rates"]
        for d in range(params["draws"])
    ] + [
        {
            "kind": "truncation",
            "centred": centred,
            "draw": d,
            "n": params["truncation_n"],
            "shifts": params["truncation_shifts"],
        }
        for centred in (True, False)
        for d in range(params["draws"])
    ]
    children = np.random.SeedSequence(int(params["seed"])).spawn(len(items))
    return [
        {**i, "seed": int(c.generate_state(1)[0])} for i, c in zip(items, children, strict=True)
    ]


def _spot_eligible(item: dict) -> bool:
    # a truncation item's mean over shifts has no cheaper prefix: its checksum vouches for it
    return item["kind"] == "rate"


def _spot_item(item: dict) -> dict:
    # the shifts of each n are drawn in turn, so the first two n are a prefix of the item
    return {**item, "n": item["n"][:2]}


def _spot_compare(fresh: dict, stored: dict) -> bool:
    return all(
        math.isclose(a, b, rel_tol=1e-6)
        for key in ("error", "norm")
        for a, b in zip(fresh[key], stored[key][: len(fresh[key])], strict=True)
    )


def _make_sweep():
    from rederived.sweep import Sweep

    rates = [
        ["lattice", 16, "analytic"],
        ["lattice", 64, "analytic"],
        ["mc", 16, "analytic"],
        ["mc", 64, "analytic"],
        ["sobol", 16, "analytic"],
        ["lattice", 16, "gevrey"],
        ["mc", 16, "gevrey"],
    ]
    return Sweep(
        name="qmc-domains",
        chapter="sampling/qmc-random-domains",
        description="the standard error of a randomised rule's estimate of the expected solution "
        "at each n, or the dimension-truncation error at each s, for one draw of shifts.",
        scales={
            "book": {
                "rates": rates[:1],
                "n": [61, 127],
                "sobol_n": [64, 128],
                "shifts": 4,
                "draws": 1,
                "truncation_n": 61,
                "truncation_shifts": 2,
                "seed": 2502_12345,
            },
            # five independent draws of 16 shifts each, n to 2039; truncation with 1021 points,
            # four shifts, against s = 256
            "paper": {
                "rates": rates,
                "n": list(PRIMES),
                "sobol_n": [2**k for k in range(6, 12)],
                "shifts": 16,
                "draws": 5,
                "truncation_n": 1021,
                "truncation_shifts": 4,
                "seed": 2502_12345,
            },
        },
        items=_sweep_items,
        run_item=sweep_item,
        rtol=1e-6,  # sums of solutions round differently on other processors
        spot_item=_spot_item,
        spot_compare=_spot_compare,
        spot_eligible=_spot_eligible,
    )


SWEEP = _make_sweep()

#: the heat equation's final time and steps
HEAT = {"t_end": 0.1, "steps": 20}


def heat_item(item: dict) -> dict:
    """As :func:`rate_item`, for the heat equation's û(T) (:func:`solve_heat` with ``HEAT``);
    keys rule, s, n, shifts, seed."""
    if not isinstance(item, dict) or item.get("rule") not in ("lattice", "mc"):
        raise ValueError("item must be a dict with rule 'lattice' or 'mc'")
    domain = StarDomain(s=int(item["s"]))
    mesh = disk_mesh(MESH_RINGS)
    return _item_errors(
        item, domain, mesh, lambda mesh_, domain_, y: solve_heat(mesh_, domain_, y, **HEAT)
    )


def _heat_items(params) -> list[dict]:
    items = [
        {
            "rule": rule,
            "s": params["s"],
            "draw": d,
            "n": list(params["n"]),
            "shifts": params["shifts"],
        }
        for rule in ("lattice", "mc")
        for d in range(params["draws"])
    ]
    children = np.random.SeedSequence(int(params["seed"])).spawn(len(items))
    return [
        {**i, "seed": int(c.generate_state(1)[0])} for i, c in zip(items, children, strict=True)
    ]


def _make_heat_sweep():
    from rederived.sweep import Sweep

    return Sweep(
        name="qmc-heat",
        chapter="sampling/qmc-random-domains",
        description="the standard error of a randomised rule's estimate of the heat equation's "
        "expected solution at t = 0.1, at each n, for one draw of shifts.",
        scales={
            "book": {"s": 16, "n": [61, 127], "shifts": 4, "draws": 1, "seed": 2502_3},
            # five independent draws of 16 randomisations each, n to 1021, s = 16
            "paper": {"s": 16, "n": list(PRIMES[:5]), "shifts": 16, "draws": 5, "seed": 2502_3},
        },
        items=_heat_items,
        run_item=heat_item,
        rtol=1e-6,
        spot_item=_spot_item,
        spot_compare=_spot_compare,
    )


HEAT_SWEEP = _make_heat_sweep()
