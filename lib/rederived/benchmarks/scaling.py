"""Benchmark rows of Part IV (scaling laws)."""

from __future__ import annotations

import numpy as np

from rederived.benchmarks import Row, _max_relative, row


@row
def relu_kernel() -> Row:
    """The ReLU random-feature kernel matrix of n points on the sphere S^3."""
    from rederived.scaling import random_features

    def make(n):
        return random_features.sphere_points(n, 3, seed=n)

    def monte_carlo(X, features=2048):
        rng = np.random.default_rng(0)
        W = rng.normal(scale=np.sqrt(1.0 / X.shape[1]), size=(X.shape[1], features))
        b = rng.normal(size=features)
        phi = np.maximum(X @ W + b, 0.0)
        return phi @ phi.T / features

    return Row(
        family="ReLU kernel",
        chapter="scaling/four-regimes",
        kernel="rederived.scaling.random_features.relu_kernel (closed form, cache-sized blocks)",
        baseline="average over 2048 random ReLU features (Monte Carlo)",
        peer="",
        size_name="points n",
        sizes=(256, 512, 1024, 2048),
        make=make,
        run_kernel=lambda X: random_features.relu_kernel(X, X),
        run_baseline=monte_carlo,
        error=_max_relative,
        error_name="largest difference / largest value (the Monte Carlo error)",
        tolerance=0.2,
        fit_from=2,
        baseline_exact=False,
        faster_than_baseline=1.2,
        theory={"kernel": 2, "baseline": 2},
        theory_note="n² kernel entries; the Monte Carlo baseline forms n × 2048 features and "
        "their n² inner products.",
        note="No light peer computes the arc-cosine kernel (neural-tangents needs JAX).",
    )


@row
def sgd_expected_loss() -> Row:
    """Expected loss of one-pass SGD on a PLRF model (d = 128), at T steps."""
    from rederived.scaling import plrf

    problem = plrf.plrf(1.0, 0.8, 128, 512, seed=0)
    lr = 0.5 / problem.eigenvalues.sum()

    def stepped(T):
        lam = problem.eigenvalues
        s = (problem.eigenvectors.T @ problem.theta_star) ** 2
        noise = 2 * problem.limit_loss
        for _ in range(T):
            s = (1 - lr * lam) ** 2 * s + lr**2 * lam * (lam * s + lam @ s + noise)
        return problem.limit_loss + 0.5 * lam @ s

    return Row(
        family="expected SGD loss",
        chapter="scaling/four-plus-three-phases",
        kernel="rederived.scaling.plrf.expected_loss (eigendecomposition once, any t)",
        baseline="stepping the second-moment recursion t times",
        peer="",
        size_name="steps t",
        sizes=(1000, 4000, 16_000),
        make=lambda T: T,
        run_kernel=lambda T: float(plrf.expected_loss(problem, [T], lr)[0]),
        run_baseline=stepped,
        error=lambda a, b: abs(a - b) / abs(b),
        error_name="relative difference of the expected loss",
        tolerance=1e-9,
        fit_from=1,
        faster_than_baseline=3.0,
        theory={"kernel": 0, "baseline": 1},
        theory_note="The closed form costs the same at any t; the recursion takes t steps.",
        note="No package computes this model's loss curve; the closed form's cost does not grow "
        "with t (after its first call the eigendecomposition is cached).",
    )


@row
def power_law_fit() -> Row:
    """A power law with an offset, y = a·x^(−alpha) + c, fitted in log space to n noisy
    points (3·x^(−0.35) + 0.2 times 2 % log-normal noise, x from 1e2 to 1e6)."""
    from scipy.optimize import curve_fit

    from rederived.scaling import powerlaw

    def make(n):
        rng = np.random.default_rng(n)
        x = np.geomspace(1e2, 1e6, n)
        return x, (3 * x**-0.35 + 0.2) * np.exp(rng.normal(0.0, 0.02, n))

    def model(log_x, log_a, alpha, log_c):
        return np.logaddexp(log_a - alpha * log_x, log_c)

    def levenberg_marquardt(inputs):
        x, y = inputs
        p, _ = curve_fit(model, np.log(x), np.log(y), p0=[0.0, 0.5, -1.0], maxfev=20_000)
        return float(p[1])

    return Row(
        family="power-law fits",
        chapter="scaling/learning-curves",
        kernel='rederived.scaling.powerlaw.fit_power_law(loss="mse") (L-BFGS from 20 starts)',
        baseline="SciPy curve_fit (Levenberg–Marquardt from one start), same model and loss",
        peer="",
        size_name="points n",
        sizes=(10, 30, 100, 300, 1000),
        make=make,
        run_kernel=lambda inputs: powerlaw.fit_power_law(*inputs, loss="mse").alpha,
        run_baseline=levenberg_marquardt,
        error=lambda a, b: abs(a - b) / abs(b),
        error_name="relative difference of the fitted exponent alpha",
        tolerance=1e-6,
        fit_from=1,
        theory={"kernel": 1, "baseline": 1},
        theory_note="Each evaluation of the loss and its gradient is linear in n; the number "
        "of iterations hardly depends on n.",
        note="The kernel restarts L-BFGS from 20 seeded points (and offers the Huber loss) to "
        "avoid the local minima a single start can fall into; on these well-posed data one "
        "Levenberg–Marquardt start finds the same minimum, at a fraction of the cost.",
    )


@row
def chinchilla_fit() -> Row:
    """The Chinchilla law fitted to n synthetic runs (Hoffmann et al.'s published law with 1 %
    noise) by L-BFGS from one start, with the Huber loss of the chapter."""
    from scipy import optimize

    from rederived.scaling import chinchilla

    start = np.array([np.log(300.0), np.log(300.0), np.log(1.5), 0.3, 0.3])

    def make(n):
        rng = np.random.default_rng(n)
        N, D = 10 ** rng.uniform(7, 10, n), 10 ** rng.uniform(9, 12, n)
        loss = (1.69 + 406.4 / N**0.34 + 410.7 / D**0.28) * np.exp(rng.normal(0, 0.01, n))
        return N, D, loss

    def finite_differences(inputs, delta=1e-3):
        # the same objective and optimiser, the gradient left to SciPy's finite differences
        logN, logD, logL = (np.log(v) for v in inputs)

        def objective(theta):
            a, b, e, alpha, beta = theta
            r = np.logaddexp(np.logaddexp(a - alpha * logN, b - beta * logD), e) - logL
            return float(
                np.sum(np.where(np.abs(r) <= delta, r * r / 2, delta * (np.abs(r) - delta / 2)))
            )

        res = optimize.minimize(
            objective, start, method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-11}
        )
        return res.fun

    return Row(
        family="Chinchilla fit",
        chapter="scaling/chinchilla-refit",
        kernel="rederived.scaling.chinchilla.fit_chinchilla (L-BFGS with the exact gradient, "
        "from one start)",
        baseline="SciPy's L-BFGS-B on the same Huber objective with finite-difference gradients",
        peer="",
        size_name="runs fitted n",
        sizes=(100, 400, 1600),
        make=make,
        run_kernel=lambda inputs: chinchilla.fit_chinchilla(*inputs, starts=[start]),
        run_baseline=finite_differences,
        error=lambda fit, other: abs(other - fit.objective) / fit.objective,
        error_name="relative difference of the minimised objectives",
        tolerance=1e-6,
        fit_from=1,
        faster_than_baseline=1.5,
        theory={"kernel": 1, "baseline": 1},
        theory_note="Each objective is a pass over the n runs; the iterations do not grow with "
        "n. Finite differences evaluate it six times per gradient.",
        note="The tolerance is loose because finite differences stop early: about 1e-8 above "
        "the exact gradient's minimum when the row was written (the tolerance was set after "
        "that look). No light peer fits this law.",
    )
