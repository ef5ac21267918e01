"""Classical shadows of n-qubit states: random Pauli measurements and their estimators.

A snapshot measures every qubit of one copy of ρ in a basis chosen uniformly from {X, Y, Z}
(the random single-qubit Clifford ensemble) and records the bases and the outcomes. The
measurement channel is depolarising on each qubit, M(σ) = (σ + tr(σ)I)/3, so its inverse gives
the unbiased snapshot

    ρ̂ = ⊗_q (3 U_q†|b_q⟩⟨b_q|U_q − I)

(Huang, Kueng and Preskill, "Predicting many properties of a quantum system from very few
measurements", Nature Physics 16 (2020) 1050, arXiv:2002.08953). From the same snapshots:

- Pauli strings P of weight k: tr(Pρ̂) = 3^k·Π(±1) when every measured basis on the support of P
  matches P, else 0, combined by median of means (:func:`pauli_estimates`);
- subsystem purities tr(ρ_A²) by the U-statistic over pairs of snapshots (:func:`subsystem_purity`);
- fidelities ⟨ψ|ρ̂|ψ⟩ with a pure target (:func:`pauli_fidelities`), whose variance grows
  exponentially with n: the case for global random unitaries (:func:`haar_estimates`, where the
  Haar ensemble has the second and third moments of the Clifford group).

States are vectors of 2^n amplitudes with qubit 0 the most significant bit. Bases are coded
1 = X, 2 = Y, 3 = Z (0 = identity in Pauli strings), outcomes 0 (eigenvalue +1) and 1 (−1).
"""

from __future__ import annotations

import itertools
import math
from numbers import Real

import numpy as np
import scipy.sparse
import scipy.sparse.linalg
import scipy.stats

from rederived._checks import count, generator, memory, positive

__all__ = [
    "MAX_QUBITS",
    "MAX_WORK",
    "ghz_state",
    "haar_estimates",
    "local_paulis",
    "median_of_means",
    "parse_paulis",
    "pauli_estimates",
    "pauli_expectations",
    "pauli_fidelities",
    "pauli_snapshot_values",
    "pauli_snapshots",
    "sample_bound",
    "subsystem_purity",
    "transverse_ising_ground_state",
]

#: the most qubits of a state vector (2^20 amplitudes are 16 MB)
MAX_QUBITS = 20

#: the most elementary operations a simulation call may ask for (snapshots × amplitudes for
#: sampling and fidelities, strings × qubits × amplitudes for exact expectations, snapshots × D³
#: for global unitaries): about a minute of work
MAX_WORK = 2e10

_SQ = 1 / math.sqrt(2)
#: rotations taking the eigenbasis of X, Y, Z to the computational basis (row b: ⟨b|U)
_ROTATIONS = np.array(
    [
        np.eye(2),
        [[_SQ, _SQ], [_SQ, -_SQ]],  # H
        [[_SQ, -1j * _SQ], [_SQ, 1j * _SQ]],  # H S†
        np.eye(2),
    ],
    dtype=complex,
)


def _state(state: object, name: str = "state") -> tuple[np.ndarray, int]:
    arr = np.asarray(state)
    if arr.dtype.kind not in "iufc":
        raise TypeError(f"{name} must be numbers, got dtype {arr.dtype}")
    arr = arr.astype(complex)
    if arr.ndim != 1 or arr.size < 2 or arr.size & (arr.size - 1):
        raise ValueError(
            f"{name} must be a vector of 2^n amplitudes (n ≥ 1), got shape {arr.shape}"
        )
    n = arr.size.bit_length() - 1
    if n > MAX_QUBITS:
        raise ValueError(f"{name} has {n} qubits, more than MAX_QUBITS = {MAX_QUBITS}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    norm = float(np.vdot(arr, arr).real)
    if not abs(norm - 1) < 1e-8:
        raise ValueError(f"{name} must be normalised, got squared norm {norm!r}")
    return arr, n


def pauli_snapshots(
    state: object, count_: int, seed: object, *, max_bytes: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Random-Pauli measurements of ``count_`` copies of a pure state.

    Each copy gets independent uniform bases; the outcomes are sampled qubit by qubit from the
    exact conditional probabilities (rotate qubit q, measure it, keep the branch), which costs
    about 2·2^n operations per snapshot.

    Parameters
    ----------
    state : array_like, shape (2^n,)
        Normalised amplitudes, 1 ≤ n ≤ MAX_QUBITS.
    count_ : int
        Number of snapshots, ≥ 1.
    seed : int, SeedSequence or Generator
    max_bytes : float, optional
        Memory budget of one batch (default: the package's budget).

    Returns
    -------
    bases, outcomes : ndarray of uint8, shape (count_, n)
    """
    psi, n = _state(state)
    count_ = count(count_, "count_")
    if count_ > 10**8:
        raise ValueError(f"count_ must be at most 1e8, got {count_}")
    _work(2.0 * count_ * psi.size, "pauli_snapshots (count_ × 2^n)")
    rng = generator(seed)
    memory(count_ * n * (1 + 1 + 8) + 8 * 2**20, "pauli_snapshots", max_bytes)
    batch = int(max(1, min(count_, (8 * 2**20) // (16 * psi.size))))
    bases = rng.integers(1, 4, size=(count_, n), dtype=np.uint8)
    outcomes = np.empty((count_, n), dtype=np.uint8)
    uniforms = rng.random((count_, n))
    for start in range(0, count_, batch):
        stop = min(count_, start + batch)
        b = stop - start
        work = np.broadcast_to(psi, (b, psi.size)).reshape(b, 2, -1)
        for q in range(n):
            rot = _ROTATIONS[bases[start:stop, q]]  # (b, 2, 2)
            work = np.matmul(rot, work)
            weights = np.sum(np.abs(work) ** 2, axis=2)  # (b, 2)
            p_one = weights[:, 1] / np.sum(weights, axis=1)
            bit = (uniforms[start:stop, q] < p_one).astype(np.uint8)
            outcomes[start:stop, q] = bit
            kept = work[np.arange(b), bit]  # (b, 2^(n−q−1))
            if q < n - 1:
                work = kept.reshape(b, 2, -1)
    return bases, outcomes


def _work(operations: float, what: str) -> None:
    if not operations <= MAX_WORK:
        raise ValueError(
            f"{what} asks for about {operations:.3g} operations, more than MAX_WORK = "
            f"{MAX_WORK:g}: use fewer snapshots, strings or qubits"
        )


def _snapshots(bases: object, outcomes: object) -> tuple[np.ndarray, np.ndarray]:
    b, o = np.asarray(bases), np.asarray(outcomes)
    if b.dtype.kind not in "iu" or o.dtype.kind not in "iub":
        raise TypeError("bases and outcomes must be integer arrays")
    if b.ndim != 2 or b.shape != o.shape or b.shape[0] < 1 or b.shape[1] < 1:
        raise ValueError(
            f"bases and outcomes must be (snapshots, qubits) arrays of one shape, got {b.shape} "
            f"and {o.shape}"
        )
    if np.any((b < 1) | (b > 3)):
        raise ValueError("bases must be 1 (X), 2 (Y) or 3 (Z)")
    if np.any((o != 0) & (o != 1)):
        raise ValueError("outcomes must be 0 or 1")
    return b.astype(np.int8), o.astype(np.int8)


def parse_paulis(strings: object) -> np.ndarray:
    """Pauli strings such as "XIZY" (case-insensitive) as an int8 array (M, n) of codes 0 = I,
    1 = X, 2 = Y, 3 = Z."""
    if isinstance(strings, str):
        strings = [strings]
    try:
        items = list(strings)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError("strings must be a sequence of Pauli strings") from None
    if not items or not all(isinstance(s, str) for s in items):
        raise TypeError("strings must be a non-empty sequence of str")
    n = len(items[0])
    if n < 1 or any(len(s) != n for s in items):
        raise ValueError("Pauli strings must be non-empty and of one length")
    table = {"I": 0, "X": 1, "Y": 2, "Z": 3}
    try:
        return np.array([[table[c] for c in s.upper()] for s in items], dtype=np.int8)
    except KeyError as err:
        raise ValueError(f"Pauli strings may hold only I, X, Y, Z, got {err.args[0]!r}") from None


def local_paulis(n: int, max_weight: int = 2) -> np.ndarray:
    """Every Pauli string of weight 1..max_weight on n qubits, codes (M, n), in lexicographic
    order of the support, then of the codes; M = Σ_k C(n, k)·3^k (≤ 10⁶)."""
    n = count(n, "n")
    max_weight = count(max_weight, "max_weight")
    if n > MAX_QUBITS or max_weight > n:
        raise ValueError(f"need 1 <= max_weight <= n <= {MAX_QUBITS}, got n = {n}, {max_weight}")
    total = sum(math.comb(n, k) * 3**k for k in range(1, max_weight + 1))
    if total > 10**6:
        raise ValueError(f"{total} strings, more than 10⁶: lower max_weight")
    rows = []
    for k in range(1, max_weight + 1):
        for support in itertools.combinations(range(n), k):
            for codes in itertools.product((1, 2, 3), repeat=k):
                row = np.zeros(n, dtype=np.int8)
                row[list(support)] = codes
                rows.append(row)
    return np.array(rows, dtype=np.int8)


def median_of_means(values: object, groups: int) -> np.ndarray:
    """Median over ``groups`` equal batches of the means along the first axis.

    ``values`` has shape (N, ...); the last N mod groups rows are dropped. groups = 1 is the
    plain mean.
    """
    v = np.asarray(values)
    if v.dtype.kind not in "biuf":
        raise TypeError(f"values must be real numbers, got dtype {v.dtype}")
    groups = count(groups, "groups")
    if v.ndim < 1 or v.shape[0] < groups:
        raise ValueError(f"values must have at least groups = {groups} rows, got shape {v.shape}")
    if not np.all(np.isfinite(v)) or np.any(np.abs(v) > 1e300):
        raise ValueError(
            "values must be finite (and at most 1e300 in size, so means cannot overflow)"
        )
    size = v.shape[0] // groups
    means = v[: size * groups].reshape(groups, size, *v.shape[1:]).mean(axis=1)
    return np.median(means, axis=0)


def pauli_estimates(
    bases: object,
    outcomes: object,
    paulis: object,
    groups: int = 1,
    *,
    channel_factor: float = 3.0,
) -> np.ndarray:
    """Estimates of tr(Pρ) for Pauli strings P from random-Pauli snapshots.

    Parameters
    ----------
    bases, outcomes : array_like, shape (N, n)
        From :func:`pauli_snapshots`.
    paulis : array_like, shape (M, n)
        Codes 0..3 (see :func:`parse_paulis`), or a sequence of strings.
    groups : int
        Batches of the median of means (1: the mean).
    channel_factor : float
        The factor of the inverted channel per qubit: 3 is the inverse of the random-Pauli
        channel (unbiased); any other value gives biased estimates, scaled by
        (factor/3)^weight, which the chapter uses as a control.

    Returns
    -------
    ndarray, shape (M,)
    """
    b, o = _snapshots(bases, outcomes)
    p = _paulis(paulis, b.shape[1])
    factor = _factor(channel_factor)
    groups = count(groups, "groups")
    if b.shape[0] < groups:
        raise ValueError(f"groups = {groups} exceeds the {b.shape[0]} snapshots")
    _work(
        float(b.shape[0]) * p.shape[0] * max(1, int((p != 0).sum(axis=1).max())),
        "pauli_estimates (snapshots × strings × weight)",
    )
    out = np.empty(p.shape[0])
    chunk = max(1, int(2**25 // max(1, b.shape[0] * b.shape[1])))
    for start in range(0, p.shape[0], chunk):
        values = _single_shots(b, o, p[start : start + chunk], factor)
        out[start : start + chunk] = median_of_means(values, groups)
    return out


def _single_shots(b: np.ndarray, o: np.ndarray, p: np.ndarray, factor: float) -> np.ndarray:
    """(N, m) values ±factor^k or 0, touching only the support of each string (N·m·max k)."""
    weight = int((p != 0).sum(axis=1).max())
    out = np.empty((b.shape[0], p.shape[0]))
    if weight == 0:
        out[:] = 1.0
        return out
    support = np.argsort(p == 0, axis=1, kind="stable")[:, :weight]  # the support first
    codes = np.take_along_axis(p, support, axis=1)  # (m, weight), 0 where padded
    active = codes != 0
    sign = factor * (1.0 - 2.0 * o)  # (N, n)
    chunk = max(1, 2**24 // (b.shape[0] * weight))
    for start in range(0, p.shape[0], chunk):
        sel = slice(start, start + chunk)
        cols = support[sel]
        term = np.where(
            active[sel][None], (b[:, cols] == codes[sel][None]) * sign[:, cols], 1.0
        )  # (N, m, weight)
        out[:, sel] = term.prod(axis=2)
    return out


def _factor(channel_factor: object) -> float:
    factor = positive(channel_factor, "channel_factor")
    if not 0.1 <= factor <= 10:
        raise ValueError(
            f"channel_factor must lie in [0.1, 10] (3 inverts the channel), got {factor!r}"
        )
    return factor


def pauli_snapshot_values(
    bases: object, outcomes: object, paulis: object, *, channel_factor: float = 3.0
) -> np.ndarray:
    """The single-snapshot values tr(Pρ̂_s), shape (N, M): ±factor^k where every basis on the
    support of P matches it, else 0 (their mean is :func:`pauli_estimates` with one group)."""
    b, o = _snapshots(bases, outcomes)
    p = _paulis(paulis, b.shape[1])
    factor = _factor(channel_factor)
    memory(8.0 * b.shape[0] * p.shape[0] * (b.shape[1] + 1), "pauli_snapshot_values")
    return _single_shots(b, o, p, factor)


def _paulis(paulis: object, n: int) -> np.ndarray:
    if isinstance(paulis, np.ndarray) and paulis.dtype.kind == "U":
        paulis = paulis.tolist()
    if isinstance(paulis, (list, tuple)) and len(paulis) == 0:
        raise ValueError("paulis must be non-empty")
    if isinstance(paulis, str) or (
        isinstance(paulis, (list, tuple)) and paulis and isinstance(paulis[0], str)
    ):
        p = parse_paulis(paulis)
    else:
        p = np.asarray(paulis)
        if p.dtype.kind not in "iu":
            raise TypeError(f"paulis must be codes 0..3 or Pauli strings, got dtype {p.dtype}")
        if p.ndim == 1:
            p = p[None, :]
        if p.ndim != 2 or p.shape[0] == 0 or np.any((p < 0) | (p > 3)):
            raise ValueError("paulis must be a non-empty (M, n) array of codes 0..3")
    if p.shape[1] != n:
        raise ValueError(f"paulis must act on {n} qubits, got {p.shape[1]}")
    return p.astype(np.int8)


_PAULI_MATRICES = np.array(
    [np.eye(2), [[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], dtype=complex
)


def pauli_expectations(state: object, paulis: object) -> np.ndarray:
    """Exact ⟨ψ|P|ψ⟩ of Pauli strings for a pure state (the reference of the estimates).

    Applies each string qubit by qubit: M·n·2^n operations.
    """
    psi, n = _state(state)
    p = _paulis(paulis, n)
    _work(float(p.shape[0]) * n * psi.size, "pauli_expectations (strings × n × 2^n)")
    memory(16.0 * psi.size * 4, "pauli_expectations")
    out = np.empty(p.shape[0])
    for m, codes in enumerate(p):
        work = psi.copy()
        for q in np.flatnonzero(codes):
            shaped = work.reshape(2**q, 2, -1)
            work = np.einsum("ij,ajk->aik", _PAULI_MATRICES[codes[q]], shaped).reshape(-1)
        out[m] = np.vdot(psi, work).real
    return out


def subsystem_purity(bases: object, outcomes: object, qubits: object) -> float:
    """The U-statistic estimate of tr(ρ_A²) for the qubits A, over all pairs of snapshots.

    For two single-qubit snapshots σ = 3|s⟩⟨s| − I, tr(σσ') is 5 (same basis, same outcome), −4
    (same basis, different outcome) or 1/2 (different bases); the estimate is the mean over pairs
    i ≠ j of the product over A. Cost N²·|A|/2 (N ≤ 20 000).
    """
    b, o = _snapshots(bases, outcomes)
    idx = np.asarray(qubits)
    if idx.size == 0:
        raise ValueError("qubits must be non-empty")
    if idx.dtype.kind not in "iu":
        raise TypeError(f"qubits must be integer indices, got dtype {idx.dtype}")
    if idx.ndim != 1 or idx.size < 1:
        raise ValueError("qubits must be a non-empty 1-d array of qubit indices")
    if np.any((idx < 0) | (idx >= b.shape[1])) or np.unique(idx).size != idx.size:
        raise ValueError(f"qubits must be distinct indices in [0, {b.shape[1]})")
    n_snap = b.shape[0]
    if n_snap < 2:
        raise ValueError("subsystem_purity needs at least two snapshots")
    if n_snap > 20_000:
        raise ValueError(f"at most 20 000 snapshots (the cost is N²), got {n_snap}")
    bs, os_ = b[:, idx], o[:, idx]
    total = 0.0
    block = max(1, 2**22 // (n_snap * idx.size))
    for start in range(0, n_snap, block):
        same_basis = bs[start : start + block, None, :] == bs[None, :, :]
        same_out = os_[start : start + block, None, :] == os_[None, :, :]
        factors = np.where(same_basis, np.where(same_out, 5.0, -4.0), 0.5).prod(axis=2)
        total += factors.sum()
    diagonal = 5.0**idx.size * n_snap
    return float((total - diagonal) / (n_snap * (n_snap - 1)))


def pauli_fidelities(bases: object, outcomes: object, target: object) -> np.ndarray:
    """Single-snapshot estimates ⟨ψ|ρ̂|ψ⟩ of the fidelity with a pure target (mean: tr(ρψ)).

    Applies ⊗_q (3U_q†|b_q⟩⟨b_q|U_q − I) to ψ qubit by qubit: n·2^n operations per snapshot.
    """
    b, o = _snapshots(bases, outcomes)
    psi, n = _state(target, "target")
    if b.shape[1] != n:
        raise ValueError(f"the snapshots have {b.shape[1]} qubits and target {n}")
    _work(4.0 * b.shape[0] * n * psi.size, "pauli_fidelities (snapshots × n × 2^n)")
    memory(16.0 * psi.size * min(b.shape[0], 256) * 2, "pauli_fidelities")
    out = np.empty(b.shape[0])
    batch = int(max(1, min(b.shape[0], (8 * 2**20) // (16 * psi.size))))
    for start in range(0, b.shape[0], batch):
        bb, ob = b[start : start + batch], o[start : start + batch]
        m = bb.shape[0]
        work = np.broadcast_to(psi, (m, psi.size)).copy()
        for q in range(n):
            rows = _ROTATIONS[bb[:, q]][np.arange(m), ob[:, q]]  # ⟨b|U, (m, 2)
            projector = 3 * np.einsum("bi,bj->bij", rows.conj(), rows) - np.eye(2)[None]
            shaped = work.reshape(m, 2**q, 2, -1)
            work = np.matmul(projector[:, None], shaped).reshape(m, -1)  # batched 2×2 products
        out[start : start + batch] = (work @ psi.conj()).real
    return out


def haar_estimates(state: object, observable: object, count_: int, seed: object) -> np.ndarray:
    """Single-snapshot estimates (D + 1)⟨b|UOU†|b⟩ − tr(O) of tr(Oρ) with global Haar unitaries.

    The inverse of the global depolarising channel of a unitary 3-design (the Clifford group, or
    Haar unitaries, which share its moments up to third order): the mean is tr(Oρ), and for a
    traceless O the variance is (D + 1)/(D + 2)·(tr O² + 2 tr(ρO²)) − tr(ρO)²: O(1) for a
    fidelity O = |ψ⟩⟨ψ| (up to its trace), about D = 2^n for a Pauli string.

    Parameters
    ----------
    state : array_like, shape (D,)
        Normalised amplitudes of ρ = |φ⟩⟨φ|, D = 2^n ≤ 256 (one D×D unitary per snapshot).
    observable : array_like, shape (D, D), (k, D, D) or (D,)
        A Hermitian matrix, k of them (estimated from the same snapshots), or a normalised
        vector ψ for the fidelity O = |ψ⟩⟨ψ|.
    count_ : int
        Snapshots, 1 ≤ count_ ≤ 1e6.
    seed : int, SeedSequence or Generator

    Returns
    -------
    ndarray, shape (count_,) or (count_, k)
    """
    phi, n = _state(state)
    if n > 8:
        raise ValueError(f"haar_estimates draws D×D unitaries: at most 8 qubits, got {n}")
    d = phi.size
    obs = np.asarray(observable)
    if obs.ndim == 1:
        psi, _ = _state(obs, "observable")
        if psi.size != d:
            raise ValueError(f"observable must act on {d} amplitudes, got {psi.size}")
        obs = np.outer(psi, psi.conj())
    if obs.dtype.kind not in "iufc":
        raise TypeError(f"observable must be numbers, got dtype {obs.dtype}")
    obs = obs.astype(complex)
    single = obs.ndim == 2
    stack = obs[None] if single else obs
    if stack.ndim != 3 or stack.shape[1:] != (d, d) or not np.all(np.isfinite(stack)):
        raise ValueError(f"observable must be finite ({d}, {d}) matrices, got shape {obs.shape}")
    if stack.shape[0] == 0:
        raise ValueError("observable must hold at least one matrix")
    scale = max(1.0, float(np.abs(stack).max()))
    if scale > 1e150:
        raise ValueError(f"observable entries must be at most 1e150 in size, got {scale:.3g}")
    if not np.allclose(stack, stack.conj().transpose(0, 2, 1), atol=1e-12 * scale):
        raise ValueError("observable must be Hermitian")
    count_ = count(count_, "count_")
    if count_ > 10**6:
        raise ValueError(f"count_ must be at most 1e6, got {count_}")
    _work(float(count_) * d**3, "haar_estimates (snapshots × D³)")
    rng = generator(seed)
    traces = np.trace(stack, axis1=1, axis2=2).real
    out = np.empty((count_, stack.shape[0]))
    unitaries = scipy.stats.unitary_group(dim=d, seed=rng)
    for i in range(count_):
        u = unitaries.rvs()
        probabilities = np.abs(u @ phi) ** 2
        b = rng.choice(d, p=probabilities / probabilities.sum())
        row = u[b]  # ⟨b|U
        out[i] = (d + 1) * np.einsum("i,kij,j->k", row, stack, row.conj()).real - traces
    return out[:, 0] if single else out


def sample_bound(epsilon: float, delta: float, observables: int, shadow_norm: float) -> tuple:
    """The paper's snapshot counts for M observables to accuracy ε with probability 1 − δ.

    K = ⌈2 log(2M/δ)⌉ batches of N = ⌈34‖O‖²_shadow/ε²⌉ snapshots (the median-of-means bound,
    Eq. (S13)); returns (N, K), N·K snapshots in all. For a k-local Pauli string the squared
    shadow norm is 3^k.
    """
    epsilon, delta = positive(epsilon, "epsilon"), positive(delta, "delta")
    if not 1e-6 <= epsilon <= 10:
        raise ValueError(f"epsilon must lie in [1e-6, 10], got {epsilon!r}")
    if not 1e-300 <= delta < 1:
        raise ValueError(f"delta must lie in [1e-300, 1), got {delta!r}")
    observables = count(observables, "observables")
    if observables > 10**12:
        raise ValueError(f"observables must be at most 1e12, got {observables}")
    norm = positive(shadow_norm, "shadow_norm")
    if norm > 1e12:
        raise ValueError(f"shadow_norm must be at most 1e12, got {norm!r}")
    per_batch = math.ceil(34 * norm / epsilon**2)
    batches = math.ceil(2 * math.log(2 * observables / delta))
    if per_batch * batches > 10**12:
        raise ValueError("the bound asks for more than 1e12 snapshots")
    return per_batch, batches


def ghz_state(n: int) -> np.ndarray:
    """(|0…0⟩ + |1…1⟩)/√2 on n qubits, 1 ≤ n ≤ MAX_QUBITS."""
    n = count(n, "n")
    if n > MAX_QUBITS:
        raise ValueError(f"n must be at most {MAX_QUBITS}, got {n}")
    psi = np.zeros(2**n, dtype=complex)
    psi[0] = psi[-1] = _SQ
    return psi


def transverse_ising_ground_state(n: int, field: float = 1.0) -> tuple[np.ndarray, float]:
    """Ground state and energy of H = −Σ Z_q Z_{q+1} − h Σ X_q on an open chain of n qubits.

    Sparse Hamiltonian, Lanczos (``eigsh``); 2 ≤ n ≤ 18 (the sparse matrix of 2^18 rows takes
    about 100 MB), 0 ≤ h ≤ 1e6. The phase of the vector is fixed so that its largest amplitude is
    real and positive. At h = 0 the ground space is degenerate (all up, all down) and Lanczos
    returns some vector in it.
    """
    n = count(n, "n", minimum=2)
    if n > 18:
        raise ValueError(f"n must be at most 18, got {n}")
    if isinstance(field, bool) or not isinstance(field, Real):
        raise TypeError(f"field must be a real number, got {field!r}")
    h = float(field)
    if not 0 <= h <= 1e6:
        raise ValueError(f"field must lie in [0, 1e6], got {field!r}")
    d = 2**n
    index = np.arange(d)
    bits = (index[:, None] >> (n - 1 - np.arange(n))[None, :]) & 1
    spins = 1 - 2 * bits
    diagonal = -np.sum(spins[:, :-1] * spins[:, 1:], axis=1).astype(float)
    rows = [index]
    cols = [index]
    data = [diagonal]
    for q in range(n):
        rows.append(index)
        cols.append(index ^ (1 << (n - 1 - q)))
        data.append(np.full(d, -h))
    hamiltonian = scipy.sparse.csr_matrix(
        (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))), shape=(d, d)
    )
    v0 = np.full(d, 1 / math.sqrt(d))
    values, vectors = scipy.sparse.linalg.eigsh(hamiltonian, k=1, which="SA", v0=v0, tol=1e-12)
    psi = vectors[:, 0].astype(complex)
    psi *= np.exp(-1j * np.angle(psi[np.argmax(np.abs(psi))]))
    return psi / np.linalg.norm(psi), float(values[0])
