"""Fitting neural scaling laws: power laws with an offset, and the Chinchilla loss surface.

``fit_power_law`` fits y ≈ a·x^(−alpha) + c (Hestness et al., 2017). ``fit_chinchilla`` fits
L(N, D) = E + A/N^alpha + B/D^beta the way Hoffmann et al. (2022, Approach 3) and the replication
by Besiroglu et al. (2024) describe: exponentiated parameters, the log of the predicted loss as a
log-sum-exp, a Huber loss on log-loss residuals, a grid of initialisations and L-BFGS.
``compute_optimal`` gives the loss-minimising split of a compute budget C = 6·N·D.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
from scipy import linalg, optimize

__all__ = [
    "ChinchillaFit",
    "FourierTeacher",
    "PowerLawFit",
    "RandomFeatureRegression",
    "bootstrap_chinchilla",
    "chinchilla_objective",
    "compute_optimal",
    "fit_chinchilla",
    "fit_power_law",
    "fourier_teacher",
    "learning_curve",
    "random_features",
    "relu_kernel",
    "relu_teacher",
    "sphere_points",
]


# the Huber objective is small (about 1e-3) and flat along A and B: SciPy's default tolerances
# would stop L-BFGS near its starting point
_LBFGS = {"ftol": 1e-15, "gtol": 1e-11, "maxiter": 5000}


def _positive_array(value: object, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-d array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be positive")
    return arr


def _same_length(**arrays: np.ndarray) -> None:
    sizes = {name: a.size for name, a in arrays.items()}
    if len(set(sizes.values())) != 1:
        raise ValueError(f"lengths differ: {sizes}")


def _logsumexp_rows(terms: np.ndarray) -> np.ndarray:
    """log Σ_k exp(terms[k]) over the (two or three) rows: ``np.logaddexp`` is stable and, on
    these short sums, ten times cheaper than ``scipy.special.logsumexp``."""
    out = terms[0]
    for row in terms[1:]:
        out = np.logaddexp(out, row)
    return out


def _huber(r: np.ndarray, delta: float) -> tuple[float, np.ndarray]:
    """Sum of Huber losses of r and its gradient with respect to r."""
    small = np.abs(r) <= delta
    value = np.where(small, 0.5 * r * r, delta * (np.abs(r) - 0.5 * delta)).sum()
    return float(value), np.clip(r, -delta, delta)


# ---------------------------------------------------------------------------------------------
# Power law with offset
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PowerLawFit:
    """y ≈ a·x^(−alpha) + c, fitted by :func:`fit_power_law` (``c`` is 0 without offset)."""

    a: float
    alpha: float
    c: float
    objective: float
    options: dict = field(repr=False)
    data: tuple = field(repr=False)

    def __call__(self, x: object) -> np.ndarray:
        return self.a * np.asarray(x, dtype=float) ** (-self.alpha) + self.c

    def confidence_interval(
        self, n_boot: int = 200, level: float = 0.95, seed: int = 0
    ) -> dict[str, tuple[float, float]]:
        """Percentile bootstrap interval of a, alpha and c (points resampled with replacement)."""
        if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 2:
            raise ValueError(f"n_boot must be an int >= 2, got {n_boot!r}")
        if not 0 < level < 1:
            raise ValueError(f"level must be in (0, 1), got {level!r}")
        x, y = self.data
        rng = np.random.default_rng(seed)
        samples = []
        for _ in range(n_boot):
            idx = rng.integers(0, x.size, x.size)
            # the full-data fit and two fresh starts: resamples rarely move far from it
            fit = fit_power_law(x[idx], y[idx], **self.options, n_starts=2, start=self)
            samples.append((fit.a, fit.alpha, fit.c))
        lo, hi = np.percentile(samples, [50 * (1 - level), 50 * (1 + level)], axis=0)
        return {k: (float(lo[i]), float(hi[i])) for i, k in enumerate(("a", "alpha", "c"))}


def fit_power_law(
    x: object,
    y: object,
    offset: bool = True,
    loss: str = "huber",
    space: str = "log",
    *,
    delta: float = 1e-3,
    n_starts: int = 20,
    seed: int = 0,
    start: PowerLawFit | None = None,
) -> PowerLawFit:
    """Fit y ≈ a·x^(−alpha) + c (c = 0 when ``offset`` is False).

    The parameters are log a, alpha and log c, so a and c stay positive. Residuals are
    log(prediction) − log(y) (``space="log"``) or prediction − y (``"linear"``), summed as squares
    (``loss="mse"``) or Huber losses with threshold ``delta``. L-BFGS runs from ``n_starts``
    seeded random starting points (and from ``start`` if given) and the best minimum is kept.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Positive sizes and positive losses.
    """
    x, y = _positive_array(x, "x"), _positive_array(y, "y")
    _same_length(x=x, y=y)
    if loss not in ("huber", "mse"):
        raise ValueError(f"loss must be 'huber' or 'mse', got {loss!r}")
    if space not in ("log", "linear"):
        raise ValueError(f"space must be 'log' or 'linear', got {space!r}")
    if isinstance(n_starts, bool) or not isinstance(n_starts, int) or n_starts < 1:
        raise ValueError(f"n_starts must be a positive int, got {n_starts!r}")
    if not delta > 0:
        raise ValueError(f"delta must be positive, got {delta!r}")
    logx, logy = np.log(x), np.log(y)

    def objective(theta):
        la, alpha = theta[0], theta[1]
        terms = [la - alpha * logx]
        if offset:
            terms.append(np.full_like(logx, theta[2]))
        stacked = np.stack(terms)
        log_pred = _logsumexp_rows(stacked)
        weights = np.exp(stacked - log_pred)  # d log_pred / d term
        if space == "log":
            r, dr = log_pred - logy, 1.0
        else:
            pred = np.exp(log_pred)
            r, dr = pred - y, pred
        if loss == "mse":
            value, g = 0.5 * float(r @ r), r
        else:
            value, g = _huber(r, delta)
        g = g * dr
        grad = [g @ weights[0], -(g * weights[0]) @ logx]
        if offset:
            grad.append(g @ weights[1])
        return value, np.array(grad)

    rng = np.random.default_rng(seed)
    starts = []
    if start is not None:
        starts.append([np.log(start.a), start.alpha] + ([np.log(start.c)] if offset else []))
    i0 = int(np.argmin(x))
    for _ in range(n_starts):
        alpha0 = rng.uniform(0.05, 2.0)
        c0 = y.min() * rng.uniform(0.05, 0.95)
        height = y[i0] - c0 if offset else y[i0]
        theta = [np.log(height) + alpha0 * logx[i0], alpha0]
        if offset:
            theta.append(np.log(c0))
        starts.append(theta)
    best = None
    for theta0 in starts:
        res = optimize.minimize(objective, theta0, jac=True, method="L-BFGS-B", options=_LBFGS)
        if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        raise RuntimeError("fit_power_law: no starting point gave a finite objective")
    theta = best.x
    options = {"offset": offset, "loss": loss, "space": space, "delta": delta, "seed": seed}
    return PowerLawFit(
        float(np.exp(theta[0])),
        float(theta[1]),
        float(np.exp(theta[2])) if offset else 0.0,
        float(best.fun),
        options,
        (x, y),
    )


# ---------------------------------------------------------------------------------------------
# The Chinchilla loss surface L(N, D) = E + A / N^alpha + B / D^beta
# ---------------------------------------------------------------------------------------------

# Hoffmann et al.'s grid of initialisations: alpha, beta in 0..2, e in -1..1, a, b in 0..25
_GRID = {
    "alpha": np.arange(0.0, 2.01, 0.5),
    "beta": np.arange(0.0, 2.01, 0.5),
    "e": np.arange(-1.0, 1.01, 0.5),
    "a": np.arange(0.0, 25.1, 5.0),
    "b": np.arange(0.0, 25.1, 5.0),
}


@dataclass(frozen=True)
class ChinchillaFit:
    """Parameters of L(N, D) = E + A/N^alpha + B/D^beta and the Huber objective they reach."""

    E: float
    A: float
    B: float
    alpha: float
    beta: float
    objective: float = float("nan")

    def __call__(self, N: object, D: object) -> np.ndarray:
        N, D = np.asarray(N, dtype=float), np.asarray(D, dtype=float)
        return self.E + self.A / N**self.alpha + self.B / D**self.beta

    @property
    def theta(self) -> np.ndarray:
        """(a, b, e, alpha, beta) with A = e^a, B = e^b, E = e^e: the fitted coordinates."""
        return np.array([np.log(self.A), np.log(self.B), np.log(self.E), self.alpha, self.beta])


def _chinchilla_objective(theta, logN, logD, logL, delta):
    a, b, e, alpha, beta = theta
    terms = np.stack([a - alpha * logN, b - beta * logD, np.full_like(logN, e)])
    log_pred = _logsumexp_rows(terms)
    weights = np.exp(terms - log_pred)
    value, g = _huber(log_pred - logL, delta)
    grad = np.array(
        [
            g @ weights[0],
            g @ weights[1],
            g @ weights[2],
            -(g * weights[0]) @ logN,
            -(g * weights[1]) @ logD,
        ]
    )
    return value, grad


def _chinchilla_data(N, D, loss):
    N, D, loss = _positive_array(N, "N"), _positive_array(D, "D"), _positive_array(loss, "loss")
    _same_length(N=N, D=D, loss=loss)
    return np.log(N), np.log(D), np.log(loss)


def fit_chinchilla(
    N: object,
    D: object,
    loss: object,
    delta: float = 1e-3,
    *,
    refine: int = 30,
    starts: list | None = None,
    lbfgs_options: dict | None = None,
) -> ChinchillaFit:
    """Fit L(N, D) = E + A/N^alpha + B/D^beta as in Hoffmann et al. (2022), Approach 3.

    Minimises Σ Huber_δ(log L̂ − log L) over (a, b, e, alpha, beta) with A = e^a, B = e^b,
    E = e^e, where log L̂ = logsumexp(a − alpha log N, b − beta log D, e). The objective is
    evaluated on Hoffmann's grid of 4500 initialisations; L-BFGS (exact gradient) then runs
    from the ``refine`` best grid points (all 4500 with ``refine=None``), or from ``starts``
    (a list of ``ChinchillaFit`` or 5-vectors) when given. ``lbfgs_options`` override the
    tight default tolerances (ftol 1e-15, gtol 1e-11): SciPy's own defaults stop this flat
    objective early.

    Parameters
    ----------
    N, D, loss : array_like, shape (n,)
        Parameters, training tokens and final losses, all positive.
    """
    logN, logD, logL = _chinchilla_data(N, D, loss)
    if not delta > 0:
        raise ValueError(f"delta must be positive, got {delta!r}")
    if refine is not None and (
        isinstance(refine, bool) or not isinstance(refine, int) or refine < 1
    ):
        raise ValueError(f"refine must be a positive int or None, got {refine!r}")
    if lbfgs_options is not None and not isinstance(lbfgs_options, dict):
        raise TypeError("lbfgs_options must be a dict of scipy L-BFGS-B options")
    options = {**_LBFGS, **(lbfgs_options or {})}
    if starts is None:
        grid = np.array(
            list(itertools.product(*(_GRID[k] for k in ("a", "b", "e", "alpha", "beta"))))
        )
        values = np.array([_chinchilla_objective(t, logN, logD, logL, delta)[0] for t in grid])
        order = np.argsort(values, kind="stable")
        chosen = grid[order if refine is None else order[: int(refine)]]
    else:
        chosen = [s.theta if isinstance(s, ChinchillaFit) else np.asarray(s, float) for s in starts]
    best = None
    for theta0 in chosen:
        res = optimize.minimize(
            _chinchilla_objective,
            theta0,
            args=(logN, logD, logL, delta),
            jac=True,
            method="L-BFGS-B",
            options=options,
        )
        if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        raise RuntimeError("fit_chinchilla: no starting point gave a finite objective")
    a, b, e, alpha, beta = best.x
    return ChinchillaFit(
        float(np.exp(e)),
        float(np.exp(a)),
        float(np.exp(b)),
        float(alpha),
        float(beta),
        float(best.fun),
    )


def chinchilla_objective(
    params: ChinchillaFit, N: object, D: object, loss: object, delta: float = 1e-3
) -> float:
    """The Huber objective of given parameters on the data (e.g. Hoffmann's published ones)."""
    return _chinchilla_objective(params.theta, *_chinchilla_data(N, D, loss), delta)[0]


def bootstrap_chinchilla(
    N: object,
    D: object,
    loss: object,
    n_boot: int = 200,
    delta: float = 1e-3,
    seed: int = 0,
    start: ChinchillaFit | None = None,
    lbfgs_options: dict | None = None,
) -> np.ndarray:
    """Refits on ``n_boot`` resamples (rows drawn with replacement), seeded.

    Each refit starts from ``start`` (default: the fit to all the data). Returns an array of
    shape (n_boot, 5) with columns E, A, B, alpha, beta; percentiles of its columns are the
    bootstrap confidence intervals.
    """
    logN, logD, logL = _chinchilla_data(N, D, loss)
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 2:
        raise ValueError(f"n_boot must be an int >= 2, got {n_boot!r}")
    N, D, loss = np.exp(logN), np.exp(logD), np.exp(logL)
    start = fit_chinchilla(N, D, loss, delta) if start is None else start
    rng = np.random.default_rng(seed)
    out = np.empty((n_boot, 5))
    for i in range(n_boot):
        idx = rng.integers(0, N.size, N.size)
        fit = fit_chinchilla(
            N[idx], D[idx], loss[idx], delta, starts=[start], lbfgs_options=lbfgs_options
        )
        out[i] = fit.E, fit.A, fit.B, fit.alpha, fit.beta
    return out


def compute_optimal(params: ChinchillaFit, C: object) -> tuple[np.ndarray, np.ndarray]:
    """Loss-minimising (N, D) for compute C = 6·N·D under the fitted L(N, D).

    Setting the derivative of A/N^alpha + B/(C/6N)^beta to zero gives
    N_opt = G·(C/6)^(beta/(alpha+beta)) and D_opt = (C/6)^(alpha/(alpha+beta)) / G with
    G = (alpha·A / (beta·B))^(1/(alpha+beta)).
    """
    if not isinstance(params, ChinchillaFit):
        raise TypeError(f"params must be a ChinchillaFit, got {type(params).__name__}")
    C = np.asarray(C, dtype=float)
    if not np.all(np.isfinite(C)) or np.any(C <= 0):
        raise ValueError("C must be positive and finite")
    if params.alpha <= 0 or params.beta <= 0:
        raise ValueError("compute_optimal needs positive exponents alpha and beta")
    s = params.alpha + params.beta
    G = (params.alpha * params.A / (params.beta * params.B)) ** (1 / s)
    return G * (C / 6) ** (params.beta / s), (C / 6) ** (params.alpha / s) / G


# ---------------------------------------------------------------------------------------------
# Random-feature regression and a smooth random teacher, for teacher–student learning curves
# ---------------------------------------------------------------------------------------------


def _design(value: object, name: str, dim: int | None = None) -> np.ndarray:
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers") from None
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
    s1, s2, cos = _relu_moments(X1, X2, weight_var, bias_var)
    r1, r2 = np.sqrt(s1), np.sqrt(s2)
    # in place: these matrices are large, and every temporary costs a pass over memory
    cos /= r1[:, None]
    cos /= r2[None, :]
    np.clip(cos, -1.0, 1.0, out=cos)
    out = np.arccos(cos)
    np.subtract(np.pi, out, out=out)
    out *= cos  # (π − θ) cos θ
    np.multiply(cos, cos, out=cos)
    np.subtract(1.0, cos, out=cos)
    np.sqrt(cos, out=cos)  # sin θ
    out += cos
    out *= r1[:, None] / (2 * np.pi)
    out *= r2[None, :]
    return out


def _check_variances(weight_var, bias_var):
    if not (np.isfinite(weight_var) and weight_var > 0):
        raise ValueError(f"weight_var must be positive, got {weight_var!r}")
    if not (np.isfinite(bias_var) and bias_var >= 0):
        raise ValueError(f"bias_var must be non-negative, got {bias_var!r}")


def _check_width(width: object) -> None:
    if width is not None and (isinstance(width, bool) or not isinstance(width, (int, np.integer))):
        raise TypeError(f"width must be an int or None, got {type(width).__name__}")
    if width is not None and width < 1:
        raise ValueError(f"width must be >= 1, got {width}")


def _first_layer(dim, width, seed, weight_var, bias_var):
    """The seeded frozen layer w_j ~ N(0, weight_var/dim · I), b_j ~ N(0, bias_var), and the
    generator, so that callers that draw more (a teacher's readout) continue the same stream."""
    rng = np.random.default_rng(seed)
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
    seed: int = 0,
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
    try:
        y = np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("y must be an array of numbers") from None
    if y.ndim not in (1, 2) or y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have shape ({X.shape[0]},) or ({X.shape[0]}, k), got {y.shape}")
    if not np.all(np.isfinite(y)):
        raise ValueError("y must be finite (no NaN or inf)")
    _check_width(width)
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
    dim: int, modes: int = 256, bandwidth: float = 1.0, *, seed: int = 0
) -> FourierTeacher:
    """A smooth (analytic) random teacher on R^dim: ``modes`` cosines with frequencies
    ω ~ N(0, bandwidth²/dim · I), uniform phases and standard normal amplitudes (seeded).
    """
    for name, value in (("dim", dim), ("modes", modes)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if not (np.isfinite(bandwidth) and bandwidth > 0):
        raise ValueError(f"bandwidth must be positive, got {bandwidth!r}")
    rng = np.random.default_rng(seed)
    omega = rng.standard_normal((dim, modes)) * (bandwidth / np.sqrt(dim))
    return FourierTeacher(omega, rng.uniform(0, 2 * np.pi, modes), rng.standard_normal(modes))


def relu_teacher(
    dim: int, width: int = 4096, *, seed: int = 0, weight_var: float = 1.0, bias_var: float = 1.0
) -> RandomFeatureRegression:
    """A random ReLU network f(x) = Σ_j a_j relu(w_j·x + b_j)/√width with a_j ~ N(0, 1).

    The same architecture as the student of :func:`random_features`, with a random readout:
    the teacher of a teacher–student experiment (Bahri et al., 2021). For large ``width`` it is
    a draw from the Gaussian process with covariance :func:`relu_kernel`.
    """
    for name, value in (("dim", dim), ("width", width)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    _check_variances(weight_var, bias_var)
    W, b, rng = _first_layer(dim, width, seed, weight_var, bias_var)
    return RandomFeatureRegression(
        W, b, rng.standard_normal(width), None, 0.0, weight_var, bias_var
    )


def sphere_points(n: int, dim: int, *, seed: int = 0) -> np.ndarray:
    """n points uniform on the dim-dimensional sphere of radius √(dim+1) in R^(dim+1), seeded.

    The radius makes the mean squared coordinate 1, like standard normal inputs; the intrinsic
    dimension of the data is ``dim``.
    """
    for name, value in (("n", n), ("dim", dim)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    x = np.random.default_rng(seed).standard_normal((n, dim + 1))
    return x * (np.sqrt(dim + 1) / np.linalg.norm(x, axis=1, keepdims=True))


def learning_curve(
    X: object,
    y: object,
    X_test: object,
    sizes: object,
    width: int | None,
    ridge: float,
    *,
    seed: int = 0,
    weight_var: float = 1.0,
    bias_var: float = 1.0,
) -> np.ndarray:
    """Predictions at ``X_test`` of models trained on the first n rows of (X, y), for each n.

    Equivalent to calling :func:`random_features` (same ``seed``, so the same features) on
    ``X[:n], y[:n]`` for every n in ``sizes``, but the training sets are nested, so the work is
    shared: for ``width=None`` one Cholesky factor of the largest kernel matrix serves every n
    (its leading n × n block is the factor of the leading block); for finite width the Gram
    matrix ΦᵀΦ is accumulated block by block. Needs ``ridge > 0``.

    Returns
    -------
    ndarray, shape (len(sizes), n_test)
    """
    X = _design(X, "X")
    X_test = _design(X_test, "X_test", X.shape[1])
    y = np.asarray(y, dtype=float)
    if y.shape != (X.shape[0],) or not np.all(np.isfinite(y)):
        raise ValueError(f"y must be a finite array of shape ({X.shape[0]},)")
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
    out = np.empty((sizes.size, X_test.shape[0]))
    if width is None:
        K = relu_kernel(X[:n_max], X[:n_max], weight_var=weight_var, bias_var=bias_var)
        K[np.diag_indices_from(K)] += ridge
        L = linalg.cholesky(K, lower=True, check_finite=False)
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
    gram, rhs, done = np.zeros((width, width)), np.zeros(width), 0
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
