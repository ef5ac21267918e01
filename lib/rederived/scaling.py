"""Fitting neural scaling laws: power laws with an offset, and the Chinchilla loss surface.

``fit_power_law`` fits y ≈ a·x^(−alpha) + c (Hestness et al., 2017). ``fit_chinchilla`` fits
L(N, D) = E + A/N^alpha + B/D^beta the way Hoffmann et al. (2022, Approach 3) and the replication
by Besiroglu et al. (2024) describe: exponentiated parameters, the log of the predicted loss as a
log-sum-exp, a Huber loss on log-loss residuals, a grid of initialisations and L-BFGS.
``compute_optimal`` gives the loss-minimising split of a compute budget C = 6·N·D.

The models whose learning curves these laws describe (random-feature regression, its kernel
limit, teachers) are in :mod:`rederived.random_features`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
from scipy import optimize

__all__ = [
    "ChinchillaFit",
    "PowerLawFit",
    "bootstrap_chinchilla",
    "bootstrap_power_law",
    "chinchilla_objective",
    "compute_optimal",
    "fit_chinchilla",
    "fit_power_law",
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
        if isinstance(n_boot, bool) or not isinstance(n_boot, Integral) or n_boot < 2:
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


def bootstrap_power_law(
    x: object,
    curves: object,
    *,
    n_boot: int = 200,
    level: float = 0.95,
    seed: int = 0,
    **options: object,
) -> tuple[PowerLawFit, dict[str, tuple[float, float]], np.ndarray]:
    """Fit the mean of independent learning curves, with a bootstrap over the curves.

    Each row of ``curves`` is one independent repetition of the experiment (its own data, noise
    and features) measured at the sizes ``x``. The law is fitted to their mean; each bootstrap
    resample draws whole rows with replacement and refits the mean, so the interval carries the
    run-to-run variation, which resampling the points of a single mean curve (the nested,
    correlated points of :meth:`PowerLawFit.confidence_interval`) does not. Two calls with the same
    ``seed`` and number of rows draw the same resamples, so their samples are paired.

    Parameters
    ----------
    x : array_like, shape (n,)
        Positive sizes.
    curves : array_like, shape (repeats, n)
        Positive losses, at least two independent repetitions.
    options
        Passed to :func:`fit_power_law` (``offset``, ``loss``, ``space``, ...).

    Returns
    -------
    fit : PowerLawFit
        The fit to the mean curve.
    interval : dict
        Percentile interval of ``a``, ``alpha`` and ``c`` at ``level``.
    samples : ndarray, shape (n_boot, 3)
        The resampled (a, alpha, c).
    """
    try:
        curves = np.asarray(curves, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("curves must be an array of numbers") from None
    if curves.ndim != 2 or curves.shape[0] < 2:
        raise ValueError(
            f"curves must be 2-d with at least 2 repetitions, got shape {curves.shape}"
        )
    if not np.all(np.isfinite(curves)) or np.any(curves <= 0):
        raise ValueError("curves must be positive and finite")
    if isinstance(n_boot, bool) or not isinstance(n_boot, Integral) or n_boot < 2:
        raise ValueError(f"n_boot must be an int >= 2, got {n_boot!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    if curves.shape[1] != np.size(x):
        raise ValueError(
            f"curves must have {np.size(x)} columns, one per size, got {curves.shape[1]}"
        )
    fit = fit_power_law(x, curves.mean(axis=0), **options)
    rng = np.random.default_rng(seed)
    options = {**options, "n_starts": 2, "start": fit}
    samples = np.empty((n_boot, 3))
    for b in range(n_boot):
        rows = rng.integers(0, curves.shape[0], curves.shape[0])
        sample = fit_power_law(x, curves[rows].mean(axis=0), **options)
        samples[b] = sample.a, sample.alpha, sample.c
    lo, hi = np.percentile(samples, [50 * (1 - level), 50 * (1 + level)], axis=0)
    interval = {k: (float(lo[i]), float(hi[i])) for i, k in enumerate(("a", "alpha", "c"))}
    return fit, interval, samples


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
    n_params = 3 if offset else 2
    if x.size <= n_params:
        raise ValueError(
            f"fit_power_law needs more points than its {n_params} parameters, got {x.size}: "
            "with as many points as parameters any data fit exactly"
        )
    if loss not in ("huber", "mse"):
        raise ValueError(f"loss must be 'huber' or 'mse', got {loss!r}")
    if space not in ("log", "linear"):
        raise ValueError(f"space must be 'log' or 'linear', got {space!r}")
    if isinstance(n_starts, bool) or not isinstance(n_starts, Integral) or n_starts < 1:
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
            # capped so that a wild trial step gives a huge finite value, not an overflow;
            # e^300 squared is still finite, and no sensible fit comes near it
            pred = np.exp(np.minimum(log_pred, 300.0))
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

    def __post_init__(self) -> None:
        for name in ("E", "A", "B", "alpha", "beta"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Real):
                raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
            if not np.isfinite(value):
                raise ValueError(f"{name} must be finite, got {value!r}")
            object.__setattr__(self, name, float(value))
        for name in ("E", "A", "B"):  # the law's terms are positive (and the fit works on logs)
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)!r}")

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
    if N.size <= 5:
        raise ValueError(
            f"the Chinchilla law has 5 parameters and needs more points, got {N.size}: "
            "with 5 or fewer any data fit exactly"
        )
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
    reduction: str = "sum",
) -> ChinchillaFit:
    """Fit L(N, D) = E + A/N^alpha + B/D^beta as in Hoffmann et al. (2022), Approach 3.

    Minimises Σ Huber_δ(log L̂ − log L) over (a, b, e, alpha, beta) with A = e^a, B = e^b,
    E = e^e, where log L̂ = logsumexp(a − alpha log N, b − beta log D, e). The objective is
    evaluated on Hoffmann's grid of 4500 initialisations; L-BFGS (exact gradient) then runs
    from the ``refine`` best grid points (all 4500 with ``refine=None``), or from ``starts``
    (a list of ``ChinchillaFit`` or 5-vectors) when given. ``lbfgs_options`` override the
    tight default tolerances (ftol 1e-15, gtol 1e-11): SciPy's own defaults stop this flat
    objective early. ``reduction="mean"`` minimises the average instead of the sum, as the
    replication suspects Hoffmann et al. did: the same minimum, but n times flatter, so a
    tolerance-based stop comes sooner. The returned ``objective`` is always the sum.

    Parameters
    ----------
    N, D, loss : array_like, shape (n,)
        Parameters, training tokens and final losses, all positive.
    """
    logN, logD, logL = _chinchilla_data(N, D, loss)
    if not delta > 0:
        raise ValueError(f"delta must be positive, got {delta!r}")
    if refine is not None and (
        isinstance(refine, bool) or not isinstance(refine, Integral) or refine < 1
    ):
        raise ValueError(f"refine must be a positive int or None, got {refine!r}")
    if lbfgs_options is not None and not isinstance(lbfgs_options, dict):
        raise TypeError("lbfgs_options must be a dict of scipy L-BFGS-B options")
    options = {**_LBFGS, **(lbfgs_options or {})}
    if reduction not in ("sum", "mean"):
        raise ValueError(f"reduction must be 'sum' or 'mean', got {reduction!r}")
    scale = 1.0 if reduction == "sum" else 1.0 / logN.size

    def objective(theta):
        value, grad = _chinchilla_objective(theta, logN, logD, logL, delta)
        return scale * value, scale * grad

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
            objective,
            theta0,
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
        float(best.fun / scale),
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
    reduction: str = "sum",
) -> np.ndarray:
    """Refits on ``n_boot`` resamples (rows drawn with replacement), seeded.

    Each refit starts from ``start`` (default: the fit to all the data); ``lbfgs_options`` and
    ``reduction`` are passed to :func:`fit_chinchilla`. Returns an array of
    shape (n_boot, 5) with columns E, A, B, alpha, beta; percentiles of its columns are the
    bootstrap confidence intervals.
    """
    logN, logD, logL = _chinchilla_data(N, D, loss)
    if isinstance(n_boot, bool) or not isinstance(n_boot, Integral) or n_boot < 2:
        raise ValueError(f"n_boot must be an int >= 2, got {n_boot!r}")
    N, D, loss = np.exp(logN), np.exp(logD), np.exp(logL)
    start = fit_chinchilla(N, D, loss, delta) if start is None else start
    rng = np.random.default_rng(seed)
    out = np.empty((n_boot, 5))
    for i in range(n_boot):
        idx = rng.integers(0, N.size, N.size)
        fit = fit_chinchilla(
            N[idx],
            D[idx],
            loss[idx],
            delta,
            starts=[start],
            lbfgs_options=lbfgs_options,
            reduction=reduction,
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
