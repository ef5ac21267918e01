"""Fitting learning curves: power laws with an offset (Hestness et al., 2017).

``fit_power_law`` fits y ≈ a·x^(−alpha) + c by a Huber loss on log residuals, with the log of
the predicted value as a log-sum-exp, from several starts; ``bootstrap_power_law`` gives
intervals over independent curves. The Chinchilla loss surface, fitted the same way in two
variables, is in :mod:`rederived.scaling.chinchilla`, which shares this module's helpers.

The models whose learning curves these laws describe (random-feature regression, its kernel
limit, teachers) are in :mod:`rederived.scaling.random_features`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
from scipy import optimize

__all__ = ["MAX_BOOT", "PowerLawFit", "bootstrap_power_law", "fit_power_law"]


# the Huber objective is small (about 1e-3) and flat along A and B: SciPy's default tolerances
# would stop L-BFGS near its starting point
_LBFGS = {"ftol": 1e-15, "gtol": 1e-11, "maxiter": 5000}


#: the most bootstrap refits a call makes (each is an L-BFGS fit: more would take hours)
MAX_BOOT = 10_000


def _positive_array(value: object, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers") from None
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be an array of real numbers, got dtype {arr.dtype}")
    arr = arr.astype(float)
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
        """a·x^(−alpha) + c at sizes x: positive, finite real numbers or arrays."""
        x = np.asarray(x)
        if x.dtype.kind not in "iuf":
            raise TypeError(f"x must hold real numbers, got dtype {x.dtype}")
        x = x.astype(float)
        if not (np.all(np.isfinite(x)) and np.all(x > 0)):
            raise ValueError("x must be positive and finite (sizes)")
        return self.a * x ** (-self.alpha) + self.c

    def confidence_interval(
        self, n_boot: int = 200, level: float = 0.95, seed: int = 0
    ) -> dict[str, tuple[float, float]]:
        """Percentile bootstrap interval of a, alpha and c (points resampled with replacement)."""
        if (
            isinstance(n_boot, bool)
            or not isinstance(n_boot, Integral)
            or not 2 <= n_boot <= MAX_BOOT
        ):
            raise ValueError(f"n_boot must be an int in [2, {MAX_BOOT}], got {n_boot!r}")
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
        curves = np.asarray(curves)
    except (TypeError, ValueError):
        raise TypeError("curves must be an array of numbers") from None
    if curves.dtype.kind not in "iuf":
        raise TypeError(f"curves must hold real numbers, got dtype {curves.dtype}")
    curves = curves.astype(float)
    if curves.ndim != 2 or curves.shape[0] < 2:
        raise ValueError(
            f"curves must be 2-d with at least 2 repetitions, got shape {curves.shape}"
        )
    if not np.all(np.isfinite(curves)) or np.any(curves <= 0):
        raise ValueError("curves must be positive and finite")
    if isinstance(n_boot, bool) or not isinstance(n_boot, Integral) or not 2 <= n_boot <= MAX_BOOT:
        raise ValueError(f"n_boot must be an int in [2, {MAX_BOOT}], got {n_boot!r}")
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
    if np.unique(x).size <= n_params:
        raise ValueError(
            f"fit_power_law needs more distinct sizes x than its {n_params} parameters, got "
            f"{np.unique(x).size}: with as many as parameters any data fit exactly"
        )
    if loss not in ("huber", "mse"):
        raise ValueError(f"loss must be 'huber' or 'mse', got {loss!r}")
    if space not in ("log", "linear"):
        raise ValueError(f"space must be 'log' or 'linear', got {space!r}")
    if isinstance(n_starts, bool) or not isinstance(n_starts, Integral) or n_starts < 1:
        raise ValueError(f"n_starts must be a positive int, got {n_starts!r}")
    if not delta > 0:
        raise ValueError(f"delta must be positive, got {delta!r}")
    if space == "linear" and not (1e-100 <= y.min() and y.max() <= 1e100):
        raise ValueError(
            "space='linear' needs losses y within 1e-100..1e100 (the prediction is capped "
            "to stay finite); scale y, or fit with space='log'"
        )
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
