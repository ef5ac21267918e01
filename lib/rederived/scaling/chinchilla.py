"""The Chinchilla loss surface L(N, D) = E + A/N^alpha + B/D^beta (Hoffmann et al., 2022).

``fit_chinchilla`` fits it the way Hoffmann et al. (2022, Approach 3) and the replication by
Besiroglu et al. (2024) describe: exponentiated parameters, the log of the predicted loss as a
log-sum-exp, a Huber loss on log-loss residuals, a grid of initialisations and L-BFGS.
``compute_optimal`` gives the loss-minimising split of a compute budget C = 6·N·D. The one-variable
power law and the helpers shared with it are in :mod:`rederived.scaling.powerlaw`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from scipy import optimize

from rederived._checks import real_array as _real
from rederived.scaling.powerlaw import (
    _LBFGS,
    MAX_BOOT,
    _huber,
    _logsumexp_rows,
    _positive_array,
    _same_length,
)

__all__ = [
    "ChinchillaFit",
    "bootstrap_chinchilla",
    "chinchilla_objective",
    "compute_optimal",
    "fit_chinchilla",
]

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
        """The loss at N parameters and D tokens: positive, finite real numbers or arrays."""
        N, D = _real(N, "N"), _real(D, "D")
        for value, name in ((N, "N"), (D, "D")):
            if not (np.all(np.isfinite(value)) and np.all(value > 0)):
                raise ValueError(f"{name} must be positive and finite")
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
    if isinstance(delta, bool) or not isinstance(delta, Real) or not 0 < delta < np.inf:
        raise ValueError(f"delta must be a positive number, got {delta!r}")
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
        chosen = []
        for s in starts:
            theta0 = s.theta if isinstance(s, ChinchillaFit) else _real(s, "starts")
            if theta0.shape != (5,) or not np.all(np.isfinite(theta0)):
                raise ValueError(
                    "starts must hold ChinchillaFit objects or finite (a, b, e, alpha, beta) "
                    f"vectors of length 5, got {s!r}"
                )
            chosen.append(theta0)
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
    if not isinstance(params, ChinchillaFit):
        raise TypeError(f"params must be a ChinchillaFit, got {type(params).__name__}")
    if isinstance(delta, bool) or not isinstance(delta, Real) or not 0 < delta < np.inf:
        raise ValueError(f"delta must be a positive number, got {delta!r}")
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
    if isinstance(n_boot, bool) or not isinstance(n_boot, Integral) or not 2 <= n_boot <= MAX_BOOT:
        raise ValueError(f"n_boot must be an int in [2, {MAX_BOOT}], got {n_boot!r}")
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
    C = _real(C, "C")
    if not np.all(np.isfinite(C)) or np.any(C <= 0):
        raise ValueError("C must be positive and finite")
    if params.alpha <= 0 or params.beta <= 0:
        raise ValueError("compute_optimal needs positive exponents alpha and beta")
    s = params.alpha + params.beta
    G = (params.alpha * params.A / (params.beta * params.B)) ** (1 / s)
    # in logarithms: C/6 underflows for C below 3e-323 while N and D do not
    log_c6 = np.log(C) - np.log(6.0)
    with np.errstate(over="ignore"):
        N, D = (
            np.exp(np.log(G) + params.beta / s * log_c6),
            np.exp(params.alpha / s * log_c6 - np.log(G)),
        )
    if not (np.all(np.isfinite(N)) and np.all(np.isfinite(D))):
        raise ValueError("the compute-optimal N or D overflows float64 at this C")
    return N, D
