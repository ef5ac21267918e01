"""Contract of rederived.differential.kohn_sham, on its whole domain (Hypothesis).

Domain: densities finite and ≥ 0 (any magnitude), c ≥ 1 (where (3π²n)^{1/3} ≫ c the
relativistic exchange factor changes sign, as the MacDonald–Vosko formula does); atoms with a
stored or given neutral configuration, meshes and orders as in radial_fem. Results: finite
exchange–correlation values (zero below machine epsilon, negative above it without the
relativistic factor); self-consistent fields that converge to the reference tables' energies
within the discretisation error; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.differential.kohn_sham import (
    CONFIGURATIONS,
    KohnShamResult,
    kohn_sham,
    lda_exchange_correlation,
    relativistic_configuration,
)
from rederived.differential.radial_fem import exponential_mesh

COVERS = ("KohnShamResult", "kohn_sham", "lda_exchange_correlation", "relativistic_configuration")

# dftatom's converged LDA total energies (tests/lda/nonrel_energies.dat)
REFERENCE = {1: -0.4456705183, 2: -2.8348356241, 4: -14.4472094739, 10: -128.2334812688}


@given(
    st.lists(st.floats(0.0, 1e300), min_size=0, max_size=12),
    st.booleans(),
    st.floats(1.0, 1e8),
)
def test_exchange_correlation_is_finite_and_negative(ns, relativistic, c):
    n = np.array(ns, dtype=float)
    exc, vxc = lda_exchange_correlation(n, relativistic, c)
    assert exc.shape == vxc.shape == n.shape
    assert np.all(np.isfinite(exc)) and np.all(np.isfinite(vxc))
    live = n >= np.finfo(float).eps
    assert np.all(exc[~live] == 0) and np.all(vxc[~live] == 0)
    if not relativistic:  # the relativistic factor R(β) → −1/2 when (3π²n)^{1/3} ≫ c
        assert np.all(exc[live] < 0)


@settings(deadline=None, max_examples=12)
@given(st.sampled_from(sorted(REFERENCE)), st.integers(14, 24), st.floats(50.0, 400.0))
def test_light_atoms_converge_to_the_reference_energies(Z, p, ratio):
    result = kohn_sham(Z, exponential_mesh(50.0, ratio, 5), p)
    assert isinstance(result, KohnShamResult) and result.history.size == result.iterations
    assert result.converged and math.isfinite(result.total_energy)
    assert abs(result.total_energy - REFERENCE[Z]) < 1e-5 * max(1.0, abs(REFERENCE[Z]))


@given(
    st.lists(
        st.tuples(st.integers(1, 7), st.integers(0, 3), st.floats(0.01, 1.0)),
        min_size=1,
        max_size=6,
        unique_by=lambda s: (s[0], s[1]),
    )
)
def test_relativistic_split_keeps_every_electron(raw):
    shells = [(n, min(l, n - 1), f * (4 * min(l, n - 1) + 2)) for n, l, f in raw]
    if len({(n, l) for n, l, _ in shells}) < len(shells):
        return
    split = relativistic_configuration(shells)
    assert math.isclose(sum(f for *_, f in split), sum(f for *_, f in shells), rel_tol=1e-12)
    assert all(k != 0 and f > 0 for _, k, f in split)


@given(st.sampled_from([None, "x", 1.5, -3, True, 200]))
def test_bad_atomic_numbers_are_refused(Z):
    try:
        kohn_sham(Z, [0.0, 1.0], 4)
    except (TypeError, ValueError) as err:
        assert "Z must" in str(err)
    else:  # pragma: no cover - every sample is bad
        raise AssertionError("accepted")


def test_stored_configurations_are_neutral():
    for Z, shells in CONFIGURATIONS.items():
        assert sum(f for *_, f in shells) == Z
