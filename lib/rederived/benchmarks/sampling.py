"""Benchmark rows of Part X (sampling and Monte Carlo)."""

from __future__ import annotations

import numpy as np

from rederived.benchmarks import Row, row


@row
def classical_shadow_estimates() -> Row:
    """All weight-≤2 Pauli strings of 10 qubits (435) predicted from N random-Pauli snapshots."""
    from rederived.sampling import shadows

    n = 10
    paulis = shadows.local_paulis(n, 2)
    h = 1 / np.sqrt(2)
    # rows ⟨b|U of the rotations to the eigenbases of I (unused), X, Y, Z, and the Pauli matrices
    rows = np.array(
        [np.eye(2), [[h, h], [h, -h]], [[h, -1j * h], [h, 1j * h]], np.eye(2)], dtype=complex
    )
    paulis_matrices = np.array(
        [np.eye(2), [[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], dtype=complex
    )

    def make(count):
        rng = np.random.default_rng(count)
        return rng.integers(1, 4, size=(count, n)), rng.integers(0, 2, size=(count, n))

    def by_definition(snapshots):
        # tr(P ρ̂) = Π_q tr(P_q (3 U_q†|b_q⟩⟨b_q|U_q − I)) from the 2×2 matrices, qubit by qubit
        bases, outcomes = snapshots
        r = rows[bases, outcomes]  # (N, n, 2): the rows ⟨b|U
        snapshot = 3 * np.einsum("sqi,sqj->sqij", r.conj(), r) - np.eye(2)
        out = np.empty(len(paulis))
        for m, codes in enumerate(paulis):
            traces = np.einsum("sqij,qji->sq", snapshot, paulis_matrices[codes]).real
            out[m] = traces.prod(axis=1).mean()
        return out

    return Row(
        family="Classical shadows (Pauli-string predictions)",
        chapter="sampling/classical-shadows",
        kernel="rederived.sampling.shadows.pauli_estimates (the support of each string only, "
        "vectorised over snapshots and strings)",
        baseline="the definition: the snapshot's 2×2 factors, tr(P_q σ̂_q) for every qubit, "
        "multiplied and averaged, one string at a time",
        peer="",
        size_name="snapshots N",
        sizes=(250, 500, 1000, 2000),
        make=make,
        run_kernel=lambda s: shadows.pauli_estimates(s[0], s[1], paulis),
        run_baseline=by_definition,
        error=lambda a, b: float(np.max(np.abs(np.asarray(a) - np.asarray(b)))),
        error_name="largest difference of the 435 predictions",
        tolerance=1e-12,
        fit_from=1,
        faster_than_baseline=5.0,
        theory={"kernel": 1, "baseline": 1},
        theory_note="Both are linear in N: the kernel touches the k ≤ 2 qubits of each string's "
        "support, the baseline all 10 qubits' 2×2 products for every string.",
        note="PennyLane's qml.ClassicalShadow computes the same estimator but needs PennyLane "
        "and its dependencies (about 100 MB), too heavy for one benchmark row; the baseline "
        "computes the estimator from its definition. The speed bound 5 was set after a run that "
        "had shown 11 at N = 2000.",
    )
