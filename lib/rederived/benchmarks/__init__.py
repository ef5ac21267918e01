"""The book's benchmark rows: every kernel family against its baseline and, where one exists, an
independent peer library, measured in one run.

A row is a :class:`Row`: what is compared, a size sweep, and three callables (the package's
kernel, the textbook baseline, the peer) that take the inputs built for one size. Adding a kernel
family to the Benchmarks chapter is adding one function decorated with :func:`row` here; the
chapter measures every registered row the same way (:func:`measure`).

Peers are imported lazily, so that ``rederived`` itself needs none of them: ``ramanujantools``
(polynomial continued fractions), ``sphericart`` (real spherical harmonics), SymPy's
``real_gaunt`` (exact Gaunt coefficients) and ``riccati`` (oscillatory ODEs); mpmath is the
accuracy peer of the log-Bessel kernels.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rederived.book.benchmark import best_times, loglog_slope

__all__ = ["ROWS", "Measurement", "Row", "Target", "measure", "row"]


@dataclass(frozen=True)
class Target:
    """A speed a kernel is held to: time(against) / time(kernel) >= ``at_least`` at the largest
    size both reach, measured in the same run.

    ``why`` says what limits the ratio (shown on the page whether or not this run meets it):
    where a target is out of reach, the page gives the measured ratio and the reason. With
    ``exponent=True`` the kernel's fitted cost exponent must also be no larger than the other
    method's.
    """

    against: str
    at_least: float
    why: str = ""
    exponent: bool = False

    def __post_init__(self) -> None:
        if self.against not in ("baseline", "peer"):
            raise ValueError(f"against must be 'baseline' or 'peer', got {self.against!r}")
        if not self.at_least > 0:
            raise ValueError(f"at_least must be positive, got {self.at_least!r}")


@dataclass(frozen=True)
class Row:
    """One kernel family of the benchmarks table.

    Parameters
    ----------
    family, chapter : str
        Name of the family and the chapter (docname below ``chapters/``) that derives it.
    kernel, baseline, peer : str
        What runs: the package's function, the textbook method, the peer library (or ``""``
        when no light peer exists, with the reason in ``note``).
    size_name : str
        What the sweep varies, e.g. ``"depth n"``.
    sizes : tuple of int
        The sweep; the cost exponent is fitted over ``sizes[fit_from:]``.
    make : callable(size) -> inputs
        Builds the (seeded) inputs for one size.
    run_kernel, run_baseline : callable(inputs) -> result
    run_peer : callable(inputs) -> result, optional
    peer_sizes : int, optional
        The peer runs on the first ``peer_sizes`` sizes only (a slow exact peer).
    peer_timed : bool
        False for a peer that is an accuracy reference only (arbitrary precision): it runs once
        per size for the disagreement and is not timed.
    error : callable(result, reference) -> float
        Disagreement of the kernel's result with another's (0 means identical).
    error_name : str
        What ``error`` measures.
    tolerance : float
        Largest disagreement accepted with the baseline and the peer.
    baseline_exact : bool
        Whether the baseline computes the same thing exactly (False: an approximation, whose
        disagreement is its own error, e.g. Monte Carlo).
    faster_than_baseline : float, optional
        A generous lower bound on time(baseline) / time(kernel) at the largest size, checked by
        :meth:`Measurement.check_speed`; None where the kernel is not meant to be faster.
    theory : dict, optional
        The cost exponent each method (``"kernel"``, ``"baseline"``, ``"peer"``) should show over
        the fitted sizes, from its operation count; ``theory_note`` says where it comes from.
    target : Target, optional
        The speed the kernel is held to against its baseline or peer.
    work : callable(size) -> float, optional
        The amount of work at a size, for a sweep whose cost is not a power of its size (an
        enumeration whose output triples every step): the cost exponents are then fitted
        against it, so an exponent of 1 means time proportional to the work.
    note : str
        What the reader should know about the comparison (a missing peer, a partial sweep).
    """

    family: str
    chapter: str
    kernel: str
    baseline: str
    peer: str
    size_name: str
    sizes: tuple[int, ...]
    make: Callable[[int], Any]
    run_kernel: Callable[[Any], Any]
    run_baseline: Callable[[Any], Any]
    error: Callable[[Any, Any], float]
    error_name: str
    tolerance: float
    run_peer: Callable[[Any], Any] | None = None
    peer_sizes: int | None = None
    peer_timed: bool = True
    fit_from: int = 1
    baseline_exact: bool = True
    faster_than_baseline: float | None = None
    theory: dict[str, float] = field(default_factory=dict)
    theory_note: str = ""
    target: Target | None = None
    work: Callable[[int], float] | None = None
    note: str = ""

    def __post_init__(self) -> None:
        t = self.target
        if t is None:
            return
        if t.against == "peer" and (self.run_peer is None or not self.peer_timed):
            raise ValueError(f"{self.family}: a target against the peer needs a timed peer")
        if t.exponent:
            reach = len(self.sizes) if t.against == "baseline" else self.peer_sizes
            if reach is not None and reach < 2:
                raise ValueError(
                    f"{self.family}: an exponent target needs the {t.against} at two sizes"
                )


ROWS: dict[str, Callable[[], Row]] = {}


def row(fn: Callable[[], Row]) -> Callable[[], Row]:
    """Register a row factory under its function name (rows are built when measured, so that
    importing this module imports no peer)."""
    ROWS[fn.__name__] = fn
    return fn


@dataclass
class Measurement:
    """Times (s per call, best of ``repeat``) and disagreements of one row over its sweep."""

    row: Row
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[float]] = field(default_factory=dict)

    def sizes(self, who: str) -> list[int]:
        return list(self.row.sizes[: len(self.times[who])])

    def exponent(self, who: str) -> float | None:
        """Fitted cost exponent (log–log slope) over the fit range the ``who`` timings reach
        (None when they cover fewer than two sizes): against the size, or against the row's
        ``work`` where it declares one."""
        sizes, times = self.sizes(who), self.times[who]
        if len(sizes) < 2:
            return None
        start = min(self.row.fit_from, len(sizes) - 2)
        scale = sizes if self.row.work is None else [self.row.work(s) for s in sizes]
        return loglog_slope(scale[start:], times[start:])

    def ratio(self, who: str) -> float:
        """time(who) / time(kernel) at the largest size both reached: > 1 means the kernel is
        faster."""
        k = len(self.times[who]) - 1
        return self.times[who][k] / self.times["kernel"][k]

    def check_speed(self) -> None:
        """Raise if the kernel is not faster than its baseline by the row's (generous) bound."""
        bound = self.row.faster_than_baseline
        if bound is not None and not self.ratio("baseline") > bound:
            raise AssertionError(
                f"{self.row.family}: the kernel is only {self.ratio('baseline'):.2f}x faster than "
                f"the baseline, expected > {bound}"
            )

    def smallest_ratio(self, who: str, from_size: int | None = None) -> float:
        """The smallest time(who) / time(kernel) over the sizes both reached (from
        ``from_size`` on, if given)."""
        k = len(self.times[who])
        sizes = self.row.sizes[:k]
        return min(
            self.times[who][i] / self.times["kernel"][i]
            for i in range(k)
            if from_size is None or sizes[i] >= from_size
        )

    def target_met(self) -> bool | None:
        """Whether this run meets the row's target (None when the row has none)."""
        t = self.row.target
        if t is None:
            return None
        if t.exponent and not self.exponent("kernel") <= self.exponent(t.against):
            return False
        return self.ratio(t.against) >= t.at_least

    def worst_error(self, who: str) -> float:
        """Largest disagreement of ``who`` (baseline or peer) with the kernel over the sweep."""
        return max(self.errors[who])


def measure(factory: Callable[[], Row], *, repeat: int = 3) -> Measurement:
    """Time the kernel, the baseline and the peer of a row at every size (one run), and measure
    how far each result is from the kernel's.

    At each size the methods are timed in interleaved rounds (:func:`best_times`), each keeping
    its smallest processor time of ``repeat``: a burst of load slows one round of every method
    rather than every round of one, and other processes on the machine do not count. A method
    that runs threads is charged for all of them.

    Raises
    ------
    AssertionError
        If an exact baseline or the peer disagrees with the kernel beyond the row's tolerance.
    """
    r = factory()
    m = Measurement(r)
    runners = {"kernel": r.run_kernel, "baseline": r.run_baseline}
    if r.run_peer is not None:
        runners["peer"] = r.run_peer
    for who in runners:
        if who != "peer" or r.peer_timed:
            m.times[who] = []
        if who != "kernel":
            m.errors[who] = []
    for i, size in enumerate(r.sizes):
        inputs = r.make(size)
        active = {
            who: (lambda fn=fn, x=inputs: fn(x))
            for who, fn in runners.items()
            if not (who == "peer" and r.peer_sizes is not None and i >= r.peer_sizes)
        }
        timed = {who: fn for who, fn in active.items() if who != "peer" or r.peer_timed}
        # (calls above 50 ms are timed without an untimed call before each, after the first
        # round: caches are moot; each method's first untimed call gives the result its
        # disagreement is measured on)
        results: dict = {}
        timed_best = best_times(timed, repeat=repeat, clock="cpu", warm_below=0.05, results=results)
        for who, seconds in timed_best.items():
            m.times[who].append(seconds)
        result = results["kernel"]
        for who in active:
            if who != "kernel":
                out = results[who] if who in results else runners[who](inputs)
                m.errors[who].append(float(r.error(result, out)))
    for who in m.errors:
        if who == "baseline" and not r.baseline_exact:
            continue
        worst = m.worst_error(who)
        if not worst <= r.tolerance:
            raise AssertionError(f"{r.family}: {who} disagrees with the kernel: {worst:.3g}")
    return m


# --------------------------------------------------------------------------- the rows


def _max_relative(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), np.finfo(float).tiny))


def _unit_vectors(n: int, seed: int) -> np.ndarray:
    xyz = np.random.default_rng(seed).normal(size=(n, 3))
    return xyz / np.linalg.norm(xyz, axis=1, keepdims=True)


# The rows, registered part by part in the book's order when the package is imported: the
# Benchmarks chapter shows them in this order. Importing them imports no peer (rows are built
# when measured).
PARTS = (
    "symmetry",
    "experimental",
    "approximation",
    "scaling",
    "stochastic",
    "algorithms",
    "differential",
    "matrices",
    "optimization",
    "sampling",
)
for _part in PARTS:
    importlib.import_module(f"rederived.benchmarks.{_part}")
