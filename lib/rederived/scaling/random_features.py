"""Random-feature regression, its infinite-width kernel limit, and teachers to learn.

The student of the scaling chapters: a frozen random ReLU first layer of width P with a ridge
readout (:func:`random_features`), whose P → ∞ limit is kernel ridge regression with the degree-1
arc-cosine kernel (:func:`relu_kernel`; Cho & Saul, 2009). :func:`learning_curve` fits nested
training sets for the price of one fit at the largest size. Teachers: :func:`relu_teacher` (a draw
of the same architecture) and :func:`fourier_teacher` (smooth). The laws fitted to the resulting
curves are in :mod:`rederived.scaling`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
from scipy import linalg, special

from rederived._checks import memory as _memory

__all__ = [
    "FourierTeacher",
    "RandomFeatureRegression",
    "fourier_teacher",
    "learning_curve",
    "random_features",
    "relu_kernel",
    "relu_kernel_spectrum",
    "relu_teacher",
    "sphere_points",
]


Seed = int | np.random.SeedSequence


def _rng(seed: object) -> np.random.Generator:
    """A generator from an int seed or a SeedSequence (e.g. one of ``SeedSequence(n).spawn(k)``),
    so that callers can give every random role its own stream."""
    if isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, Integral):
        raise TypeError(f"seed must be an int or a numpy SeedSequence, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    return np.random.default_rng(int(seed))


def _design(value: object, name: str, dim: int | None = None) -> np.ndarray:
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be an array of real numbers, got dtype {arr.dtype}")
    arr = arr.astype(float)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must be a non-empty 2-d array (samples, dim), got {arr.shape}")
    if dim is not None and arr.shape[1] != dim:
        raise ValueError(f"{name} must have {dim} columns, got {arr.shape[1]}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr


def _relu_moments(X1, X2, weight_var, bias_var):
    """Pre-activation variances of X1 and X2 rows and their covariances, shape (n1, n2)."""
    dim = X1.shape[1]
    s1 = weight_var * np.einsum("ij,ij->i", X1, X1) / dim + bias_var
    s2 = weight_var * np.einsum("ij,ij->i", X2, X2) / dim + bias_var
    return s1, s2, weight_var * (X1 @ X2.T) / dim + bias_var


def _arccos_profile(cos: np.ndarray, scratch: np.ndarray) -> None:
    """Overwrite ``cos`` (a correlation, clipped to [-1, 1]) with (sin θ + (π − θ) cos θ)/2π."""
    np.clip(cos, -1.0, 1.0, out=cos)
    np.arccos(cos, out=scratch)
    np.subtract(np.pi, scratch, out=scratch)
    scratch *= cos  # (π − θ) cos θ
    np.multiply(cos, cos, out=cos)
    np.subtract(1.0, cos, out=cos)
    np.sqrt(cos, out=cos)  # sin θ
    cos += scratch
    cos *= 1 / (2 * np.pi)


def relu_kernel(
    X1: object, X2: object, *, weight_var: float = 1.0, bias_var: float = 1.0
) -> np.ndarray:
    """Infinite-width limit of the ReLU random-feature kernel (arc-cosine kernel of degree 1).

    k(x, x') = E[relu(w·x + b) relu(w·x' + b)] with w ~ N(0, weight_var/dim · I) and
    b ~ N(0, bias_var), which is (√(s s') / 2π)·(sin θ + (π − θ) cos θ) where s, s' are the
    pre-activation variances and cos θ their correlation (Cho & Saul, 2009).

    Parameters
    ----------
    X1, X2 : array_like, shape (n1, dim) and (n2, dim)

    Returns
    -------
    ndarray, shape (n1, n2)
    """
    X1 = _design(X1, "X1")
    X2 = _design(X2, "X2", X1.shape[1])
    _check_variances(weight_var, bias_var)
    _memory(8.0 * X1.shape[0] * X2.shape[0], f"a {X1.shape[0]}×{X2.shape[0]} kernel")
    dim = X1.shape[1]
    for name, X in (("X1", X1), ("X2", X2)):
        if not np.all(np.isfinite(weight_var * np.einsum("ij,ij->i", X, X) / dim)):
            raise ValueError(f"{name} is too large: the pre-activation variance overflows float64")
    s1, s2, out = _relu_moments(X1, X2, weight_var, bias_var)
    r1, r2 = np.sqrt(s1), np.sqrt(s2)
    # a zero variance (x = 0 without bias) is a feature that is identically 0: its kernel is 0
    inv_r1 = np.divide(1.0, r1, out=np.zeros_like(r1), where=r1 > 0)
    inv_r2 = np.divide(1.0, r2, out=np.zeros_like(r2), where=r2 > 0)
    # in row blocks that stay in cache: the elementwise passes, not the matrix product, dominate
    rows = max(1, 2**16 // X2.shape[0])
    scratch = np.empty((rows, X2.shape[0]))
    for i in range(0, X1.shape[0], rows):
        block = out[i : i + rows]
        block *= inv_r2
        block *= inv_r1[i : i + rows, None]
        _arccos_profile(block, scratch[: block.shape[0]])
        block *= r1[i : i + rows, None]
        block *= r2
    return out


def relu_kernel_spectrum(
    dim: int, count: int, *, weight_var: float = 1.0, bias_var: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Exact eigenvalues of :func:`relu_kernel` for data uniform on the sphere of
    :func:`sphere_points` (radius √(dim+1) in R^(dim+1)), largest first.

    On that sphere the kernel depends only on t = cos φ, the cosine of the angle between the
    inputs, so its integral operator f ↦ E_x' k(·, x') f(x') is diagonal in spherical harmonics
    (Funk–Hecke): the degree-ℓ eigenvalue is

        μ_ℓ = c_d ∫_0^π k(cos φ) G_ℓ(cos φ) sin^(d−1) φ dφ,

    with G_ℓ the Gegenbauer polynomial of index (d−1)/2 normalised to G_ℓ(1) = 1 (cos ℓφ when
    d = 1) and c_d the normalisation of the angle's density, and it has multiplicity
    N(d, ℓ) = C(ℓ+d, d) − C(ℓ+d−2, d), the number of degree-ℓ harmonics. The Gram matrix of n
    points, divided by n, has eigenvalues close to these. In the angle φ the integrand is
    analytic (the kernel's square-root behaviour at t = 1 is sin(φ/2)), so Gauss–Legendre
    quadrature in φ converges geometrically; the node count grows with the largest degree.

    Parameters
    ----------
    dim : int
        Intrinsic dimension d ≥ 1 of the sphere.
    count : int
        Number of eigenvalues returned, each repeated by its multiplicity.
    weight_var, bias_var : float
        As in :func:`relu_kernel`; ``bias_var`` must be positive (without a bias the odd
        degrees above 1 have eigenvalue zero, and no decreasing order exists).

    Returns
    -------
    values : ndarray, shape (count,)
        Eigenvalues, largest first.
    degrees : ndarray of int, shape (count,)
        The harmonic degree ℓ of each eigenvalue.
    """
    for name, value in (("dim", dim), ("count", count)):
        if isinstance(value, bool) or not isinstance(value, Integral):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
        if value < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")
    _check_variances(weight_var, bias_var)
    if bias_var <= 0:
        raise ValueError("bias_var must be positive for the spectrum (odd degrees vanish at 0)")
    if dim > 10**5:  # the angle's density is a peak of width 1/√d: quadrature costs √d nodes
        raise ValueError(f"dim must be at most 10^5 (the quadrature resolves 1/√dim), got {dim}")
    d = int(dim)
    # degrees until the multiplicities cover count, plus a margin for the sort
    multiplicity, ell = [], 0
    while sum(multiplicity) < count:
        multiplicity.append(_harmonics(d, ell))
        ell += 1
    ell_max = 2 * ell + 8
    # (capped at count before NumPy sees them: in high dimension they exceed int64)
    multiplicity = np.array([min(_harmonics(d, k), count) for k in range(ell_max + 1)])
    # the angle's density sin^(d−1) φ is a peak of width about 1/√d at π/2: enough nodes to
    # resolve it as well as the degrees
    nodes, node_weights = special.roots_legendre(max(4 * ell_max + 200, int(40 * np.sqrt(d))))
    phi = (nodes + 1) * (np.pi / 2)
    t = np.cos(phi)
    s = weight_var + bias_var
    profile = (weight_var * t + bias_var) / s
    _arccos_profile(profile, np.empty_like(profile))
    measure = node_weights * (np.pi / 2) * np.sin(phi) ** (d - 1)
    measure /= measure.sum()  # c_d: the angle's density integrates to 1
    if d == 1:
        harmonics = np.cos(np.outer(np.arange(ell_max + 1), phi))
    else:
        lam = (d - 1) / 2
        ells = np.arange(ell_max + 1)[:, None]
        harmonics = special.eval_gegenbauer(ells, lam, t) / special.eval_gegenbauer(ells, lam, 1.0)
    mu = harmonics @ (s * profile * measure)
    order = np.argsort(-mu, kind="stable")
    # in high dimension a single degree can have more harmonics than memory holds: repeat each
    # eigenvalue at most count times
    repeats = np.minimum(multiplicity[order], count)
    values = np.repeat(mu[order], repeats)[:count]
    degrees = np.repeat(order, repeats)[:count]
    # quadrature in double precision resolves eigenvalues down to about 1e-16 of the largest
    if values[-1] < 1e-11 * values[0]:
        raise ValueError(
            f"count={count} reaches eigenvalues below 1e-11 of the largest on S^{d}, "
            "beyond what double-precision quadrature resolves; ask for fewer"
        )
    if mu[-1] >= values[-1]:  # pragma: no cover - the spectrum decays like ℓ^-(d+3)
        raise RuntimeError("the degree margin did not cover the sorted eigenvalues")
    return values, degrees


def _harmonics(d: int, ell: int) -> int:
    """Number of linearly independent spherical harmonics of degree ell on S^d."""
    n = special.comb(ell + d, d, exact=True)
    return n - (special.comb(ell + d - 2, d, exact=True) if ell >= 2 else 0)


def _targets(y: object, n: int) -> np.ndarray:
    """Training targets: a finite real array of shape (n,) or (n, k)."""
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"y must be an array of real numbers, got dtype {y.dtype}")
    y = y.astype(float)
    if y.ndim not in (1, 2) or y.shape[0] != n or not np.all(np.isfinite(y)):
        raise ValueError(f"y must be a finite array of shape ({n},) or ({n}, k), got {y.shape}")
    return y


def _check_variances(weight_var, bias_var):
    for value, name in ((weight_var, "weight_var"), (bias_var, "bias_var")):
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(f"{name} must be a real number, got {value!r}")
    if not (np.isfinite(weight_var) and weight_var > 0):
        raise ValueError(f"weight_var must be positive, got {weight_var!r}")
    if not (np.isfinite(bias_var) and bias_var >= 0):
        raise ValueError(f"bias_var must be non-negative, got {bias_var!r}")


def _check_width(width: object) -> None:
    if width is not None and (isinstance(width, bool) or not isinstance(width, Integral)):
        raise TypeError(f"width must be an int or None, got {type(width).__name__}")
    if width is not None and width < 1:
        raise ValueError(f"width must be >= 1, got {width}")


def _first_layer(dim, width, seed, weight_var, bias_var):
    """The seeded frozen layer w_j ~ N(0, weight_var/dim · I), b_j ~ N(0, bias_var), and the
    generator, so that callers that draw more (a teacher's readout) continue the same stream."""
    rng = _rng(seed)
    W = rng.standard_normal((dim, int(width))) * np.sqrt(weight_var / dim)
    b = rng.standard_normal(int(width)) * np.sqrt(bias_var)
    return W, b, rng


@dataclass(frozen=True)
class RandomFeatureRegression:
    """A fitted random-feature model f(x) = Σ_j a_j relu(w_j·x + b_j)/√P (or its P → ∞ limit).

    ``weights`` (dim, P) and ``biases`` (P,) are the frozen first layer and ``readout`` (P,) or
    (P, k) the ridge solution; for ``width=None`` (kernel limit) ``weights`` is ``None``,
    ``readout`` holds the dual coefficients and ``train`` the training inputs they refer to
    (``None`` for finite width, which does not need them).
    """

    weights: np.ndarray | None
    biases: np.ndarray | None
    readout: np.ndarray
    train: np.ndarray | None = field(repr=False)
    ridge: float
    weight_var: float
    bias_var: float

    @property
    def width(self) -> int | None:
        return None if self.weights is None else self.weights.shape[1]

    def features(self, X: object) -> np.ndarray:
        """relu(X W + b)/√P, shape (n, P)."""
        if self.weights is None:
            raise ValueError("the infinite-width model has no explicit features")
        X = _design(X, "X", self.weights.shape[0])
        return _relu_features(X, self.weights, self.biases)

    def __call__(self, X: object) -> np.ndarray:
        """Predictions at X, shape (n,) or (n, k) like the training targets."""
        dim = self.train.shape[1] if self.weights is None else self.weights.shape[0]
        X = _design(X, "X", dim)
        if self.weights is None:
            K = relu_kernel(X, self.train, weight_var=self.weight_var, bias_var=self.bias_var)
            return K @ self.readout
        # in row blocks, so that a wide model on many inputs never holds all features at once
        rows = max(1, 2**21 // self.weights.shape[1])
        return np.concatenate(
            [
                _relu_features(X[i : i + rows], self.weights, self.biases) @ self.readout
                for i in range(0, X.shape[0], rows)
            ]
        )


def _relu_features(X, W, b):
    out = X @ W
    out += b
    np.maximum(out, 0.0, out=out)
    out *= 1.0 / np.sqrt(W.shape[1])
    return out


def _ridge_solve(G, rhs, ridge):
    """(G + ridge·I)^{-1} rhs for a symmetric PSD G; least squares (minimum norm) at ridge 0."""
    if ridge > 0:
        G = G + ridge * np.eye(G.shape[0])
        try:
            return linalg.solve(G, rhs, assume_a="pos", check_finite=False)
        except linalg.LinAlgError:
            pass
    return linalg.lstsq(G, rhs, check_finite=False, cond=1e-12)[0]


def random_features(
    X: object,
    y: object,
    width: int | None,
    ridge: float = 1e-6,
    *,
    seed: Seed = 0,
    weight_var: float = 1.0,
    bias_var: float = 1.0,
) -> RandomFeatureRegression:
    """Ridge regression on P random ReLU features, or on the P → ∞ kernel (``width=None``).

    The first layer is drawn once (seeded): w_j ~ N(0, weight_var/dim · I), b_j ~ N(0, bias_var),
    features φ_j(x) = relu(w_j·x + b_j)/√P; the readout a minimises |Φa − y|² + ridge·|a|².
    The normal equations are solved in whichever of the primal (P × P) or dual (n × n) form is
    smaller. ``ridge=0`` gives the minimum-norm least-squares (interpolating) solution.
    This is the teacher–student model of Bahri et al. (2021), Sec. 3.

    Parameters
    ----------
    X : array_like, shape (n, dim)
        Training inputs.
    y : array_like, shape (n,) or (n, k)
        Training targets (several target columns are fitted at once).
    width : int or None
        Number of random features P, or None for the infinite-width kernel :func:`relu_kernel`.
    ridge : float
        Ridge penalty, >= 0.
    """
    X = _design(X, "X")
    y = _targets(y, X.shape[0])
    _check_width(width)
    n = X.shape[0]
    _memory(8.0 * (n * n if width is None else 2 * n * width + min(n, width) ** 2), "the fit")
    if not (np.isfinite(ridge) and ridge >= 0):
        raise ValueError(f"ridge must be a non-negative number, got {ridge!r}")
    _check_variances(weight_var, bias_var)
    if width is None:
        K = relu_kernel(X, X, weight_var=weight_var, bias_var=bias_var)
        dual = _ridge_solve(K, y, ridge)
        return RandomFeatureRegression(None, None, dual, X, ridge, weight_var, bias_var)
    W, b, _ = _first_layer(X.shape[1], width, seed, weight_var, bias_var)
    Phi = _relu_features(X, W, b)
    if Phi.shape[1] <= Phi.shape[0]:
        readout = _ridge_solve(Phi.T @ Phi, Phi.T @ y, ridge)
    else:
        readout = Phi.T @ _ridge_solve(Phi @ Phi.T, y, ridge)
    return RandomFeatureRegression(W, b, readout, None, ridge, weight_var, bias_var)


@dataclass(frozen=True)
class FourierTeacher:
    """A smooth random target f(x) = √(2/K) Σ_k a_k cos(ω_k·x + φ_k).

    E f(x)² = 1 over draws of the teacher; over inputs its variance is smaller when the
    frequencies are low (the cosines then vary little across the data).
    """

    frequencies: np.ndarray
    phases: np.ndarray
    amplitudes: np.ndarray

    def __call__(self, X: object) -> np.ndarray:
        X = _design(X, "X", self.frequencies.shape[0])
        K = self.amplitudes.size
        return np.cos(X @ self.frequencies + self.phases) @ self.amplitudes * np.sqrt(2 / K)


def fourier_teacher(
    dim: int, modes: int = 256, bandwidth: float = 1.0, *, seed: Seed = 0
) -> FourierTeacher:
    """A smooth (analytic) random teacher on R^dim: ``modes`` cosines with frequencies
    ω ~ N(0, bandwidth²/dim · I), uniform phases and standard normal amplitudes (seeded).
    """
    for name, value in (("dim", dim), ("modes", modes)):
        if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if isinstance(bandwidth, bool) or not isinstance(bandwidth, Real):
        raise TypeError(f"bandwidth must be a real number, got {bandwidth!r}")
    if not (np.isfinite(bandwidth) and bandwidth > 0):
        raise ValueError(f"bandwidth must be positive, got {bandwidth!r}")
    _memory(8.0 * (dim + 2) * modes, f"a teacher of {modes} modes in {dim} dimensions")
    rng = _rng(seed)
    omega = rng.standard_normal((dim, modes)) * (bandwidth / np.sqrt(dim))
    return FourierTeacher(omega, rng.uniform(0, 2 * np.pi, modes), rng.standard_normal(modes))


def relu_teacher(
    dim: int, width: int = 4096, *, seed: Seed = 0, weight_var: float = 1.0, bias_var: float = 1.0
) -> RandomFeatureRegression:
    """A random ReLU network f(x) = Σ_j a_j relu(w_j·x + b_j)/√width with a_j ~ N(0, 1).

    The same architecture as the student of :func:`random_features`, with a random readout:
    the teacher of a teacher–student experiment (Bahri et al., 2021). For large ``width`` it is
    a draw from the Gaussian process with covariance :func:`relu_kernel`.
    """
    for name, value in (("dim", dim), ("width", width)):
        if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    _check_variances(weight_var, bias_var)
    _memory(8.0 * (dim + 2) * width, f"a teacher of width {width} in {dim} dimensions")
    W, b, rng = _first_layer(dim, width, seed, weight_var, bias_var)
    return RandomFeatureRegression(
        W, b, rng.standard_normal(width), None, 0.0, weight_var, bias_var
    )


def sphere_points(n: int, dim: int, *, seed: Seed = 0) -> np.ndarray:
    """n points uniform on the dim-dimensional sphere of radius √(dim+1) in R^(dim+1), seeded.

    The radius makes the mean squared coordinate 1, like standard normal inputs; the intrinsic
    dimension of the data is ``dim``.
    """
    for name, value in (("n", n), ("dim", dim)):
        if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    _memory(16.0 * n * (dim + 1), f"{n} points in {dim + 1} dimensions")
    x = _rng(seed).standard_normal((n, dim + 1))
    return x * (np.sqrt(dim + 1) / np.linalg.norm(x, axis=1, keepdims=True))


def learning_curve(
    X: object,
    y: object,
    X_test: object,
    sizes: object,
    width: int | None,
    ridge: float,
    *,
    seed: Seed = 0,
    weight_var: float = 1.0,
    bias_var: float = 1.0,
) -> np.ndarray:
    """Predictions at ``X_test`` of models trained on the first n rows of (X, y), for each n.

    Equivalent to calling :func:`random_features` (same ``seed``, so the same features) on
    ``X[:n], y[:n]`` for every n in ``sizes``, but the training sets are nested, so the work is
    shared: for ``width=None`` one Cholesky factor of the largest kernel matrix serves every n
    (its leading n × n block is the factor of the leading block); for finite width the Gram
    matrix ΦᵀΦ is accumulated block by block. Needs ``ridge > 0``.

    ``y`` may hold several targets as columns, shape (n, k): they share the factorisation, so
    k teachers cost little more than one.

    Returns
    -------
    ndarray, shape (len(sizes), n_test) or (len(sizes), n_test, k)
    """
    X = _design(X, "X")
    X_test = _design(X_test, "X_test", X.shape[1])
    y = _targets(y, X.shape[0])
    sizes = np.asarray(sizes)
    if sizes.ndim != 1 or sizes.size == 0 or not np.issubdtype(sizes.dtype, np.integer):
        raise TypeError("sizes must be a non-empty 1-d array of ints")
    if np.any(np.diff(sizes) <= 0) or sizes[0] < 1 or sizes[-1] > X.shape[0]:
        raise ValueError(f"sizes must increase strictly within 1..{X.shape[0]}")
    if not (np.isfinite(ridge) and ridge > 0):
        raise ValueError(f"ridge must be positive for nested solves, got {ridge!r}")
    _check_width(width)
    _check_variances(weight_var, bias_var)
    n_max = int(sizes[-1])
    need = n_max * n_max if width is None else n_max * width + width * width
    _memory(8.0 * (2 * need + X_test.shape[0] * (n_max if width is None else width)), "the curve")
    out = np.empty((sizes.size, X_test.shape[0], *y.shape[1:]))
    if width is None:
        K = relu_kernel(X[:n_max], X[:n_max], weight_var=weight_var, bias_var=bias_var)
        K[np.diag_indices_from(K)] += ridge
        try:
            L = linalg.cholesky(K, lower=True, check_finite=False)
        except linalg.LinAlgError:
            raise ValueError(
                f"the kernel plus ridge = {ridge!r} is not numerically positive definite "
                "(repeated inputs?): increase ridge"
            ) from None
        K_test = relu_kernel(X_test, X[:n_max], weight_var=weight_var, bias_var=bias_var)
        for i, n in enumerate(sizes):
            Ln = L[:n, :n]
            dual = linalg.cho_solve((Ln, True), y[:n], check_finite=False)
            out[i] = K_test[:, :n] @ dual
        return out
    # the same draw as random_features(…, width, seed=seed)
    W, b, _ = _first_layer(X.shape[1], width, seed, weight_var, bias_var)
    Phi = _relu_features(X[:n_max], W, b)
    Phi_test = _relu_features(X_test, W, b)
    gram, rhs, done = np.zeros((width, width)), np.zeros((width, *y.shape[1:])), 0
    for i, n in enumerate(sizes):
        if n <= width:  # dual form: n × n
            Pn = Phi[:n]
            out[i] = Phi_test @ (Pn.T @ _ridge_solve(Pn @ Pn.T, y[:n], ridge))
            continue
        gram += Phi[done:n].T @ Phi[done:n]
        rhs += Phi[done:n].T @ y[done:n]
        done = n
        out[i] = Phi_test @ _ridge_solve(gram, rhs, ridge)
    return out
