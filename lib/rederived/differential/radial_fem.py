"""High-order finite elements for the radial Schrödinger and Dirac equations of one electron.

The radial Schrödinger equation for u = rR(r), in Hartree atomic units,

    −½ u'' + (l(l+1)/(2r²) + V(r)) u = E u,   u(0) = u(r_max) = 0,

and the radial Dirac equation for the large and small components (P, Q), with the energy measured
from the rest energy c²,

    (V + c²) P + c(−d/dr + κ/r) Q = (E + c²) P,
    c(d/dr + κ/r) P + (V − c²) Q = (E + c²) Q,

are discretised with Lagrange elements of order p on Gauss–Lobatto nodes (Čertík, Pask,
Fernando, Goswami, Sukumar, Collins, Manzini and Vačkář, "High-order finite element method for
atomic structure calculations", arXiv:2307.05856, Comput. Phys. Commun. 297 (2024) 109051).

For Dirac two discretisations are offered. ``"direct"`` is the Galerkin form of the Dirac
operator, a symmetric generalised eigenproblem whose spectrum (−∞, ∞) is unbounded below: with
the same basis for P and Q it has *spurious* eigenvalues among the bound states. ``"squared"``
is the paper's cure: the weak form of (H − s)², ∫(H − s)χ_i · (H − s)χ_j dr, which is positive
semidefinite, so Rayleigh–Ritz makes each eigenvalue an upper bound of a true one and no
spurious state can appear; E = √λ + s − c². The shift s moves the bound states away from the
negative continuum (the repository uses s = 500 Ha for Coulomb problems).

The κ = ±1 states behave like r^γ at the origin, γ = √(κ² − (Z/c)²) < 1, whose derivatives are
infinite there, and polynomial elements converge slowly. With ``asymptotic=True`` the unknowns
are written P = r^γ·p(r), Q = r^γ·q(r) with p, q in the finite-element space (their values at
r = 0 free), and the first element is integrated by Gauss–Jacobi quadrature with the weight
r^{2γ−2} that the products carry; elsewhere Gauss–Legendre points are used.

Domains: 1 ≤ p ≤ MAX_ORDER; meshes of increasing points starting at 0; the potential a vectorised
callable, finite at every r > 0 and behaving like −Z/r (or milder) at the origin; for Dirac
|κ| ≥ 1 and Z/c < 1, and Z/c < √3/2 (Z < 118.7 at the default c) for the asymptotic form of
κ = ±1, where the weight r^{2γ−2} must be integrable. The matrices are dense: at most
MAX_UNKNOWNS rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Integral, Real

import numpy as np
import numpy.polynomial.legendre as npleg
import scipy.linalg
import scipy.special

from rederived._checks import count, finite_real, positive

__all__ = [
    "C_LIGHT",
    "MAX_ELEMENT_RATIO",
    "MAX_LIGHT",
    "MAX_NUMEROV_POINTS",
    "MAX_ORDER",
    "MAX_QUADRATURE",
    "MAX_RADIUS",
    "MAX_UNKNOWNS",
    "coulomb",
    "dirac_coulomb_levels",
    "exponential_mesh",
    "lagrange_basis",
    "lobatto_points",
    "numerov_levels",
    "radial_dirac",
    "radial_schrodinger",
    "schrodinger_coulomb_levels",
]

#: the speed of light in atomic units used by the paper's tests (CODATA 1986)
C_LIGHT = 137.0359895

#: the largest element order (Lagrange bases on Lobatto points stay well conditioned far beyond)
MAX_ORDER = 64

#: the most quadrature points per element
MAX_QUADRATURE = 256

#: the most grid points of :func:`numerov_levels` (a Python loop per bisection step)
MAX_NUMEROV_POINTS = 200_000

#: the largest radius of a mesh (bohr): bound states of atoms live within a few hundred
MAX_RADIUS = 1e6

#: the largest ratio of the longest to the shortest element: beyond it the assembled matrices
#: lose the levels to rounding (a ratio of 1e9 puts uranium's 1s level off by thousands of Ha)
MAX_ELEMENT_RATIO = 1e5

#: the largest speed of light accepted by the Dirac solvers: energies are E_total − c², which
#: carries a rounding error of about ε·c² (2e-10 Ha at c = 1000)
MAX_LIGHT = 1000.0

#: the most rows of a dense matrix (two per node for Dirac); 4000² doubles are 128 MB
MAX_UNKNOWNS = 4000


def _order(p: object) -> int:
    if isinstance(p, bool) or not isinstance(p, Integral):
        raise TypeError(f"p must be an int, got {p!r}")
    if not 1 <= p <= MAX_ORDER:
        raise ValueError(f"p must lie in [1, {MAX_ORDER}], got {p}")
    return int(p)


def lobatto_points(p: int) -> np.ndarray:
    """The p + 1 Gauss–Lobatto points of [−1, 1], ascending: ±1 and the zeros of P_p'.

    The interior points are the zeros of the Jacobi polynomial P_{p−1}^{(1,1)}, which is
    proportional to P_p'. Shape (p + 1,), float64; 1 ≤ p ≤ MAX_ORDER.
    """
    p = _order(p)
    inner = scipy.special.roots_jacobi(p - 1, 1.0, 1.0)[0] if p > 1 else np.empty(0)
    return np.concatenate(([-1.0], np.sort(inner), [1.0]))


def lagrange_basis(nodes: object, x: object) -> tuple[np.ndarray, np.ndarray]:
    """Values and derivatives at ``x`` of the Lagrange polynomials through ``nodes``.

    The basis is expanded in Legendre polynomials (the inverse of the Legendre–Vandermonde matrix
    at the nodes), so points that coincide with a node need no special case.

    Parameters
    ----------
    nodes : array_like, shape (p + 1,)
        Distinct points of [−1, 1], 1 ≤ p ≤ MAX_ORDER.
    x : array_like, shape (m,)
        Finite points (usually in [−1, 1]).

    Returns
    -------
    values, derivatives : ndarray, shape (m, p + 1)
        ``values[i, k]`` = ℓ_k(x_i), ``derivatives[i, k]`` = ℓ_k'(x_i).
    """
    nodes = _points(nodes, "nodes")
    x = _points(x, "x", inside=False)
    p = nodes.size - 1
    if not 1 <= p <= MAX_ORDER:
        raise ValueError(f"nodes must hold 2 to {MAX_ORDER + 1} points, got {nodes.size}")
    if np.any(np.abs(nodes) > 1.0):
        raise ValueError("nodes must lie in [−1, 1]")
    if np.min(np.diff(np.sort(nodes))) <= 1e-3 / p**2:
        raise ValueError("nodes must be distinct (and not closer than 1e-3/p²)")
    coefficients = np.linalg.inv(npleg.legvander(nodes, p))  # column k: ℓ_k in P_0..P_p
    values = npleg.legval(x, coefficients).T if x.size else np.empty((0, p + 1))
    slopes = npleg.legval(x, npleg.legder(coefficients)).T if x.size else np.empty((0, p + 1))
    return np.asarray(values).reshape(x.size, p + 1), np.asarray(slopes).reshape(x.size, p + 1)


def _points(value: object, name: str, inside: bool = True) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be real numbers, got dtype {arr.dtype}")
    arr = arr.astype(float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


def exponential_mesh(r_max: float, ratio: float, elements: int) -> np.ndarray:
    """Element boundaries 0 = r_0 < r_1 < ... < r_N = r_max growing geometrically.

    The element lengths are h_k = h_0 q^k with q = ratio^{1/(N−1)}, so ``ratio`` is the length
    of the last element over that of the first (the paper's parameter a); ratio = 1 is a uniform
    mesh.

    Parameters
    ----------
    r_max : float
        The end of the domain, > 0.
    ratio : float
        Largest over smallest element, in [1, MAX_ELEMENT_RATIO].
    elements : int
        N ≥ 1 (≤ MAX_UNKNOWNS).

    Returns
    -------
    ndarray, shape (elements + 1,)
    """
    r_max = positive(r_max, "r_max")
    if r_max > MAX_RADIUS:
        raise ValueError(f"r_max must be at most MAX_RADIUS = {MAX_RADIUS:g}, got {r_max!r}")
    ratio = positive(ratio, "ratio")
    if not 1.0 <= ratio <= MAX_ELEMENT_RATIO:
        raise ValueError(f"ratio must lie in [1, {MAX_ELEMENT_RATIO:g}], got {ratio!r}")
    elements = count(elements, "elements")
    if elements > MAX_UNKNOWNS:
        raise ValueError(f"elements must be at most {MAX_UNKNOWNS}, got {elements}")
    if elements == 1:
        return np.array([0.0, r_max])
    growth = ratio ** (1.0 / (elements - 1))
    lengths = growth ** np.arange(elements)
    mesh = np.concatenate(([0.0], np.cumsum(lengths)))
    mesh *= r_max / mesh[-1]
    mesh[-1] = r_max
    if np.any(np.diff(mesh) <= 0):
        raise ValueError("the mesh's first element is too small to be represented: lower ratio")
    return mesh


def _mesh(mesh: object) -> np.ndarray:
    mesh = _points(mesh, "mesh")
    if mesh.size < 2:
        raise ValueError("mesh must hold at least two points")
    if mesh[0] != 0.0:
        raise ValueError(f"mesh must start at r = 0, got {mesh[0]!r}")
    if np.any(np.diff(mesh) <= 0):
        raise ValueError("mesh must be strictly increasing")
    if mesh[-1] > MAX_RADIUS:
        raise ValueError(f"mesh must end at r <= MAX_RADIUS = {MAX_RADIUS:g}, got {mesh[-1]!r}")
    lengths = np.diff(mesh)
    if lengths.max() > MAX_ELEMENT_RATIO * lengths.min():
        raise ValueError(
            f"mesh elements must not differ in length by more than MAX_ELEMENT_RATIO = "
            f"{MAX_ELEMENT_RATIO:g}, got {lengths.max() / lengths.min():.3g}"
        )
    return mesh


def _light(c: object) -> float:
    if isinstance(c, bool) or not isinstance(c, Real):
        raise TypeError(f"c must be a real number, got {c!r}")
    c = float(c)
    if not 1.0 <= c <= MAX_LIGHT:
        raise ValueError(f"c must lie in [1, MAX_LIGHT = {MAX_LIGHT:g}], got {c!r}")
    return c


def _shift(shift: object, c: float) -> float:
    if isinstance(shift, bool) or not isinstance(shift, Real):
        raise TypeError(f"shift must be a real number, got {shift!r}")
    shift = float(shift)
    if not 0 <= shift < c * c / 2:  # NaN fails too
        raise ValueError(f"shift must lie in [0, c²/2) = [0, {c * c / 2:.6g}), got {shift!r}")
    return shift


def _origin_charge(el: _Elements, rv: np.ndarray) -> float:
    """−r·V(r) extrapolated to r = 0 from the first two points (exact for −Z/r + V₀ + O(r))."""
    r1, r2 = float(el.r[0, 0]), float(el.r[0, 1])
    a1, a2 = -float(rv[0, 0]), -float(rv[0, 1])
    return (r2 * a1 - r1 * a2) / (r2 - r1)


def coulomb(Z: float) -> Callable[[np.ndarray], np.ndarray]:
    """The potential −Z/r of a point nucleus of charge Z ≥ 0 (a vectorised callable)."""
    Z = finite_real(Z, "Z")
    if Z < 0:
        raise ValueError(f"Z must be non-negative, got {Z!r}")

    def potential(r: np.ndarray) -> np.ndarray:
        return -Z / np.asarray(r, dtype=float)

    potential.charge = Z  # type: ignore[attr-defined]
    return potential


def _quadrature(quadrature: object, p: int) -> int:
    if quadrature is None:
        return 2 * p + 2
    q = count(quadrature, "quadrature", minimum=p + 1)
    if q > MAX_QUADRATURE:
        raise ValueError(f"quadrature must be at most {MAX_QUADRATURE}, got {q}")
    return q


def _evaluate(potential: object, r: np.ndarray) -> np.ndarray:
    if not callable(potential):
        raise TypeError(f"potential must be a callable of r, got {type(potential).__name__}")
    with np.errstate(all="ignore"):
        v = np.asarray(potential(r))
    if v.dtype.kind not in "iuf" or v.shape != r.shape:
        raise ValueError(
            f"potential must return real values of the shape of r {r.shape}, "
            f"got dtype {v.dtype} and shape {v.shape}"
        )
    v = v.astype(float)
    if not np.all(np.isfinite(v)):
        raise ValueError("potential must be finite at every r > 0 of the mesh's quadrature points")
    return v


class _Elements:
    """Quadrature points, weights and basis values of every element, for a factor r^γ.

    ``weight`` includes the Jacobian and r^{2γ−2} (γ = 0 without the factor, where the weight is
    r^{−2}); the first element uses Gauss–Jacobi points when γ > 0.
    """

    def __init__(self, mesh: np.ndarray, p: int, quadrature: int, gamma: float = 0.0):
        self.mesh, self.p, self.gamma = mesh, p, gamma
        nodes = lobatto_points(p)
        x, w = scipy.special.roots_legendre(quadrature)
        phi, dphi = lagrange_basis(nodes, x)
        a, b = mesh[:-1, None], mesh[1:, None]
        half = (b - a) / 2
        r = a + half * (1 + x)  # (elements, quadrature)
        weight = half * w * r ** (2 * gamma - 2)
        self.r, self.weight = r, weight
        self.phi = np.broadcast_to(phi, (*r.shape, p + 1)).copy()
        self.dphi = dphi[None, :, :] / half[:, :, None]
        if gamma > 0:
            xj, wj = scipy.special.roots_jacobi(quadrature, 0.0, 2 * gamma - 2)
            phij, dphij = lagrange_basis(nodes, xj)
            h0 = half[0, 0]
            self.r[0] = h0 * (1 + xj)
            self.weight[0] = wj * h0 ** (2 * gamma - 1)
            self.phi[0] = phij
            self.dphi[0] = dphij / h0
        self.elements = mesh.size - 1
        self.size = self.elements * p + 1

    def assemble(self, local: np.ndarray) -> np.ndarray:
        """Sum element matrices (elements, p + 1, p + 1) into the global matrix."""
        p = self.p
        out = np.zeros((self.size, self.size))
        for e in range(self.elements):
            out[e * p : e * p + p + 1, e * p : e * p + p + 1] += local[e]
        return out

    def form(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """The global matrix of Σ_q weight·left_i·right_j for per-point basis arrays."""
        return self.assemble(np.einsum("eq,eqi,eqj->eij", self.weight, left, right))


def _solve(
    a: np.ndarray, b: np.ndarray, keep: np.ndarray, lowest: int | None = None
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (and, with ``lowest``, the lowest eigenvectors, zero outside ``keep``)."""
    size = a.shape[0]
    if keep.size == 0:
        raise ValueError("the discretisation has no interior unknowns: use more elements or p")
    a, b = a[np.ix_(keep, keep)], b[np.ix_(keep, keep)]
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("the element matrices overflow: the mesh or the potential is too large")
    try:
        if lowest is None:
            return scipy.linalg.eigh(a, b, eigvals_only=True, driver="gvd")
        # the divide-and-conquer driver: on graded meshes its small eigenvalues of the squared
        # Dirac form are about 100 times more accurate than those of the subset driver "gvx"
        values, small = scipy.linalg.eigh(a, b, driver="gvd")
        values, small = values[:lowest], small[:, :lowest]
    except np.linalg.LinAlgError as err:
        raise ValueError(
            f"the mass matrix is not numerically positive definite ({err}): the mesh's "
            "elements are too unequal for double precision"
        ) from None
    vectors = np.zeros((size, lowest))
    vectors[keep] = small
    return values, vectors


def _checked_size(rows: int) -> None:
    if rows < 3:
        raise ValueError("the discretisation has no interior unknowns: use more elements or p")
    if rows > MAX_UNKNOWNS:
        raise ValueError(
            f"the discretisation has {rows} unknowns, more than MAX_UNKNOWNS = {MAX_UNKNOWNS}: "
            "use fewer elements or a lower p"
        )


def radial_schrodinger(
    mesh: object,
    p: int,
    l: int,
    potential: Callable[[np.ndarray], np.ndarray],
    *,
    quadrature: int | None = None,
) -> np.ndarray:
    """Eigenvalues of the radial Schrödinger equation by Lagrange elements of order p.

    Galerkin form ½∫u'v' + ∫(l(l+1)/(2r²) + V)uv = E∫uv with u(0) = u(r_max) = 0.

    Parameters
    ----------
    mesh : array_like, shape (N + 1,)
        Element boundaries, increasing from 0 (see :func:`exponential_mesh`).
    p : int
        Element order, 1 ≤ p ≤ MAX_ORDER.
    l : int
        Angular momentum, 0 ≤ l ≤ 100.
    potential : callable
        V(r) for an array of r > 0, finite there, at worst −Z/r at the origin.
    quadrature : int, optional
        Gauss–Legendre points per element (≥ p + 1; default 2p + 2).

    Returns
    -------
    ndarray, shape (N·p − 1,)
        The eigenvalues (Hartree), ascending; the lowest approximate the bound states from above.
    """
    mesh = _mesh(mesh)
    p = _order(p)
    if isinstance(l, bool) or not isinstance(l, Integral):
        raise TypeError(f"l must be an int, got {l!r}")
    if not 0 <= l <= 100:
        raise ValueError(f"l must lie in [0, 100], got {l}")
    quadrature = _quadrature(quadrature, p)
    el = _Elements(mesh, p, quadrature)
    _checked_size(el.size)
    v = _evaluate(potential, el.r)
    hamiltonian, mass, keep = _schrodinger_system(el, l, v)
    _, vectors = _solve(hamiltonian, mass, keep, lowest=keep.size)
    return np.sort(_schrodinger_energies(el, l, v, vectors))


def _schrodinger_energies(el: _Elements, l: int, v: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Rayleigh quotients of the eigenvectors, evaluated from the functions at the points.

    The quotient equals the eigenvalue for an exact eigenvector and removes the eigenvalue
    solver's own error (for l ≥ 1 on U⁹¹⁺ from 1e-11 to 1e-12 Ha). What remains is the rounding of
    u' formed from the nodal values, about ε(p²/h₀)² relative to the level: for the 1s level of
    U⁹¹⁺ on the paper's 7-element mesh at p = 31 about 1e-9 Ha, of either sign.
    """
    p = el.p
    index = np.arange(el.elements)[:, None] * p + np.arange(p + 1)[None, :]
    coefficients = vectors[index]  # (elements, p + 1, states)
    u = np.einsum("eqk,ekm->eqm", el.phi, coefficients)
    du = np.einsum("eqk,ekm->eqm", el.dphi, coefficients)
    r2 = (el.r**2)[..., None]
    w = el.weight[..., None]  # carries r^{-2}
    kinetic = 0.5 * r2 * du * du
    potential = (0.5 * l * (l + 1) + r2[..., 0] * v)[..., None] * u * u
    numerator = np.sum(w * (kinetic + potential), axis=(0, 1))
    return numerator / np.sum(w * r2 * u * u, axis=(0, 1))


def _schrodinger_system(
    el: _Elements, l: int, v: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hamiltonian and mass matrices, and the unknowns kept (u(0) = u(r_max) = 0)."""
    r2 = el.r**2  # the weights carry r^{-2}
    stiffness = el.form(0.5 * r2[..., None] * el.dphi, el.dphi)
    local = (0.5 * l * (l + 1) + r2 * v)[..., None] * el.phi
    hamiltonian = stiffness + el.form(local, el.phi)
    mass = el.form(r2[..., None] * el.phi, el.phi)
    return hamiltonian, mass, np.arange(1, el.size - 1)


def radial_dirac(
    mesh: object,
    p: int,
    kappa: int,
    potential: Callable[[np.ndarray], np.ndarray],
    *,
    Z: float | None = None,
    method: str = "squared",
    asymptotic: bool = False,
    shift: float = 500.0,
    c: float = C_LIGHT,
    quadrature: int | None = None,
) -> np.ndarray:
    """Eigenvalues of the radial Dirac equation by Lagrange elements of order p.

    Parameters
    ----------
    mesh : array_like, shape (N + 1,)
        Element boundaries, increasing from 0.
    p : int
        Element order of both components, 1 ≤ p ≤ MAX_ORDER.
    kappa : int
        Relativistic quantum number, κ ≠ 0, |κ| ≤ 100 (κ = −(l + 1) for j = l + ½, κ = l for
        j = l − ½).
    potential : callable
        V(r) for an array of r > 0, at worst −Z/r at the origin.
    Z : float, optional
        The charge seen at the origin, for the exponent γ = √(κ² − (Z/c)²) of ``asymptotic``
        (checked against −r·V(r) near 0); read from the potential when it comes from
        :func:`coulomb`, required otherwise when ``asymptotic``.
    method : {"squared", "direct"}
        The weak form of (H − s)² (no spurious states), or of H (spurious states appear).
    asymptotic : bool
        Write both components as r^γ times a finite-element function (see the module notes).
    shift : float
        s of the squared form, in Hartree, 0 ≤ s < c²/2; unused by ``"direct"``.
    c : float
        The speed of light (atomic units), 1 ≤ c ≤ MAX_LIGHT; the squared form needs
        Z/c < √3/2.
    quadrature : int, optional
        Points per element (≥ p + 1; default 2p + 2).

    Returns
    -------
    ndarray
        Energies E (the rest energy c² removed), ascending, of the states above the negative
        continuum's gap: for ``"direct"`` the eigenvalues above −c²; for ``"squared"``
        √λ + s − c² for every eigenvalue λ, where the bound states come first and the rest mixes
        the positive continuum with the reflected negative one.
    """
    mesh = _mesh(mesh)
    p = _order(p)
    if isinstance(kappa, bool) or not isinstance(kappa, Integral):
        raise TypeError(f"kappa must be an int, got {kappa!r}")
    if kappa == 0 or abs(kappa) > 100:
        raise ValueError(f"kappa must be a non-zero int with |kappa| <= 100, got {kappa}")
    if method not in ("squared", "direct"):
        raise ValueError(f"method must be 'squared' or 'direct', got {method!r}")
    if not isinstance(asymptotic, bool):
        raise TypeError(f"asymptotic must be a bool, got {asymptotic!r}")
    c = _light(c)
    shift = _shift(shift, c)
    if not callable(potential):
        raise TypeError(f"potential must be a callable of r, got {type(potential).__name__}")
    if Z is None:
        if asymptotic and not hasattr(potential, "charge"):
            raise ValueError("asymptotic=True needs Z= for a potential not made by coulomb()")
        Z = float(getattr(potential, "charge", 0.0))
    Z = finite_real(Z, "Z")
    if Z < 0:
        raise ValueError(f"Z must be non-negative, got {Z!r}")
    quadrature = _quadrature(quadrature, p)
    # the charge the potential itself shows at the origin decides the domain checks
    probe = _Elements(mesh, p, quadrature)
    seen = _origin_charge(probe, probe.r * _evaluate(potential, probe.r))
    if asymptotic and not abs(seen - Z) <= 1e-3 * max(1.0, Z):
        raise ValueError(
            f"Z = {Z!r} does not match the potential, whose −r·V(r) extrapolates to "
            f"{seen:.6g} at r = 0: pass the charge the potential has (asymptotic=True needs it)"
        )
    charge = max(Z, seen)
    if charge >= c:
        raise ValueError(
            f"the charge at the origin, {charge:.6g}, must be below c = {c!r} (γ would not be real)"
        )
    if method == "squared" and 1 - (charge / c) ** 2 <= 0.25 + 1e-6:
        raise ValueError(
            f"the squared form needs Z/c < √3/2 (Z < {c * math.sqrt(3) / 2:.4g}), got a charge "
            f"of {charge:.6g} at the origin: beyond, the κ = ±1 states behave like r^γ with "
            "γ ≤ 1/2 and (H − s)ψ is not square integrable"
        )
    gamma = 0.0
    if asymptotic:
        if abs(kappa) > 5:
            raise ValueError(
                f"asymptotic=True is offered for |kappa| <= 5 (the weight r^(2γ−2) of larger "
                f"|κ| makes the first element's matrices singular in double precision), got {kappa}"
            )
        gamma = math.sqrt(kappa * kappa - (Z / c) ** 2)
        if gamma <= 0.5 + 1e-6:
            raise ValueError(
                f"the asymptotic form needs γ = √(κ² − (Z/c)²) > 1/2 (an integrable r^(2γ−2)), "
                f"got γ = {gamma:.6g} for Z = {Z!r}, κ = {kappa}"
            )
    el = _Elements(mesh, p, quadrature, gamma)
    _checked_size(2 * el.size)
    rv = el.r * _evaluate(potential, el.r)
    operator, mass, keep, columns = _dirac_system(el, kappa, rv, c, shift, method)
    if method == "squared":
        _, vectors = _solve(operator, mass, keep, lowest=keep.size)
        return np.sort(_squared_energies(el, columns, vectors, c, shift))
    energies = _solve(operator, mass, keep) + shift - c * c
    return energies[energies > -c * c]


def _squared_energies(
    el: _Elements, columns: tuple, vectors: np.ndarray, c: float, shift: float
) -> np.ndarray:
    """E = √λ + s − c² with λ the Rayleigh quotient ‖(H − s)ψ‖²/‖ψ‖² evaluated at the points.

    The eigenvalue solver's λ carries an error of about ε‖A‖, which on graded meshes (a first
    element of 0.005 bohr at p = 25) reaches 1e-7 Ha for heavy atoms; the quotient, formed from
    the functions' values rather than from the matrix, equals λ for an exact eigenvector and
    brings that error down to about 1e-11 Ha for uranium's 1s level.
    """
    value, top_p, bottom_p, top_q, bottom_q = columns
    p, n = el.p, el.size
    index = np.arange(el.elements)[:, None] * p + np.arange(p + 1)[None, :]
    big, small = vectors[:n][index], vectors[n:][index]  # (elements, p + 1, states)
    top = np.einsum("eqk,ekm->eqm", top_p, big) + np.einsum("eqk,ekm->eqm", top_q, small)
    bottom = np.einsum("eqk,ekm->eqm", bottom_p, big) + np.einsum("eqk,ekm->eqm", bottom_q, small)
    norm_p = np.einsum("eqk,ekm->eqm", value, big)
    norm_q = np.einsum("eqk,ekm->eqm", value, small)
    w = el.weight[..., None]
    numerator = np.sum(w * (top * top + bottom * bottom), axis=(0, 1))
    denominator = np.sum(w * (norm_p * norm_p + norm_q * norm_q), axis=(0, 1))
    return np.sqrt(numerator / denominator) + shift - c * c


def _dirac_system(
    el: _Elements, kappa: int, rv: np.ndarray, c: float, shift: float, method: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple]:
    """Operator and mass matrices of the Dirac forms for r·V at the points, and the unknowns
    kept (P then Q; with γ > 0 the values at r = 0 are free), and the per-point columns
    (rφ, and the two rows of (H − s)χ for χ in P and in Q, all divided by r^(γ−1))."""
    gamma = el.gamma
    r = el.r[..., None]
    # every basis function is r^γ φ; below, each quantity is divided by r^(γ−1), the weights
    # carrying r^(2γ−2): χ → rφ, χ' → rφ' + γφ, χ/r → φ
    value = r * el.phi
    slope = r * el.dphi + gamma * el.phi
    # the two rows of (H − s)χ for χ = (χ, 0) and (0, χ), times r^(1−γ)
    top_p = (rv[..., None] + (c * c - shift) * r) * el.phi
    bottom_p = c * (slope + kappa * el.phi)
    top_q = c * (-slope + kappa * el.phi)
    bottom_q = (rv[..., None] - (c * c + shift) * r) * el.phi
    n = el.size
    mass = el.form(value, value)
    big_mass = np.zeros((2 * n, 2 * n))
    big_mass[:n, :n] = big_mass[n:, n:] = mass
    if method == "squared":
        columns = ((top_p, bottom_p), (top_q, bottom_q))
        operator = np.block(
            [[el.form(ti, tj) + el.form(bi, bj) for tj, bj in columns] for ti, bi in columns]
        )
    else:
        operator = np.block(
            [
                [el.form(value, top_p), el.form(value, top_q)],
                [el.form(value, bottom_p), el.form(value, bottom_q)],
            ]
        )
        operator = (operator + operator.T) / 2  # symmetric up to rounding
    first = 1 if gamma == 0 else 0
    keep = np.concatenate((np.arange(first, n - 1), n + np.arange(first, n - 1)))
    return operator, big_mass, keep, (value, top_p, bottom_p, top_q, bottom_q)


def schrodinger_coulomb_levels(Z: float, n: object) -> np.ndarray:
    """Exact bound-state energies −Z²/(2n²) of −½Δ − Z/r (Hartree), for integers n ≥ 1."""
    Z = positive(Z, "Z")
    n = _principal(n)
    return -(Z * Z) / (2.0 * n.astype(float) ** 2)


def _principal(n: object) -> np.ndarray:
    arr = np.asarray(n)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"n must be integers, got dtype {arr.dtype}")
    if np.any(arr < 1) or np.any(arr > 10**6):
        raise ValueError("n must lie in [1, 10⁶]")
    return arr.astype(np.int64)


def dirac_coulomb_levels(Z: float, n: object, kappa: int, c: float = C_LIGHT) -> np.ndarray:
    """Sommerfeld's exact Dirac–Coulomb energies, the rest energy removed (Hartree).

    E = c²[(1 + (Z/c)²/(n − |κ| + γ)²)^{−1/2} − 1], γ = √(κ² − (Z/c)²), evaluated with log1p
    and expm1 so that light atoms keep their relative accuracy. Valid for n ≥ |κ| + (κ > 0),
    0 < Z < c.
    """
    Z = positive(Z, "Z")
    c = positive(c, "c")
    if Z >= c:
        raise ValueError(f"Z must be below c = {c!r}, got {Z!r}")
    if isinstance(kappa, bool) or not isinstance(kappa, Integral) or kappa == 0:
        raise ValueError(f"kappa must be a non-zero int, got {kappa!r}")
    n = _principal(n)
    lowest = abs(kappa) + (1 if kappa > 0 else 0)
    if np.any(n < lowest):
        raise ValueError(f"n must be at least {lowest} for kappa = {kappa}")
    alpha_z = Z / c
    gamma = math.sqrt(kappa * kappa - alpha_z**2)
    x = (alpha_z / (n - abs(kappa) + gamma)) ** 2
    return c * c * np.expm1(-0.5 * np.log1p(x))


def _numerov_count(g: np.ndarray, h: float, y0: float, y1: float) -> int:
    """Sign changes of the outward Numerov solution of y'' = g y (renormalised, never overflows).

    The count stops where h²g first exceeds 6: there the solution grows by e^√6 per step, deep in
    a forbidden region where no true node can follow, and beyond it the recurrence is unstable
    (1 − h²g/12 changes sign) and would invent nodes.
    """
    deep = np.flatnonzero(h * h * g > 6.0)
    deep = deep[deep > 1]
    if deep.size:
        g = g[: deep[0] + 1]
    a = 1.0 - h * h * g / 12.0
    b = 2.0 + 5.0 * h * h * g / 6.0
    prev, cur = y0, y1
    changes = 0
    for i in range(1, g.size - 1):
        nxt = (b[i] * cur - a[i - 1] * prev) / a[i + 1]
        if nxt == 0.0 or (nxt < 0) != (cur < 0):
            changes += 1
        size = abs(nxt)
        if size > 1e150:
            prev, cur = cur / size, nxt / size
        else:
            prev, cur = cur, nxt
    return changes


def numerov_levels(
    potential: Callable[[np.ndarray], np.ndarray],
    l: int,
    states: int,
    points: int,
    r_min: float = 1e-8,
    r_max: float = 50.0,
) -> np.ndarray:
    """The lowest bound states (E < 0) of the radial Schrödinger equation by Numerov shooting.

    The textbook baseline of the finite elements: on the logarithmic grid x = ln r (``points``
    points from r_min to r_max) the equation for y = u/√r is y'' = g(x)y with
    g = 2r²(V − E) + (l + ½)²; Numerov's recurrence (error O(h⁴)) is integrated outwards from
    y ∝ r^{l+½}(1 − Z₀r/(l + 1)), with Z₀ = −r_min·V(r_min), and the energy of the k-th state is
    found by bisection on the number of sign changes (Sturm's count: the number of levels below E
    of the discrete problem with y = 0 at r_max), to full double precision. Each bisection step
    is a Python loop of ``points`` steps, so ``states × points`` is capped.

    Parameters
    ----------
    potential : callable
        V(r) for an array of r > 0, at worst −Z/r at the origin, vanishing at infinity (only
        levels below 0 are sought).
    l : int
        Angular momentum, 0 ≤ l ≤ 100.
    states : int
        How many of the lowest levels, 1 ≤ states ≤ 50.
    points : int
        Grid points, at most MAX_NUMEROV_POINTS, and enough that the step h = ln(r_max/r_min)/
        (points − 1) is at most 0.1.
    r_min, r_max : float
        The grid's ends, 1e-12 ≤ r_min < r_max ≤ 1e4, with Z₀·r_min ≤ 1e-3.

    Returns
    -------
    ndarray, shape (states,)
        Energies (Hartree), ascending. A ValueError if fewer bound levels lie on the grid.
    """
    if isinstance(l, bool) or not isinstance(l, Integral):
        raise TypeError(f"l must be an int, got {l!r}")
    if not 0 <= l <= 100:
        raise ValueError(f"l must lie in [0, 100], got {l}")
    states = count(states, "states")
    if states > 50:
        raise ValueError(f"states must be at most 50, got {states}")
    points = count(points, "points", minimum=10)
    if points > MAX_NUMEROV_POINTS:
        raise ValueError(f"points must be at most {MAX_NUMEROV_POINTS}, got {points}")
    if states * points > MAX_NUMEROV_POINTS:
        raise ValueError(
            f"states × points must be at most {MAX_NUMEROV_POINTS} (about 60 Python loops of "
            f"points steps per level), got {states * points}"
        )
    r_min, r_max = positive(r_min, "r_min"), positive(r_max, "r_max")
    if not 1e-12 <= r_min < r_max <= 1e4:
        raise ValueError(f"need 1e-12 <= r_min < r_max <= 1e4, got {r_min!r} and {r_max!r}")
    h = math.log(r_max / r_min) / (points - 1)
    if h > 0.1:
        needed = math.ceil(math.log(r_max / r_min) / 0.1) + 1
        raise ValueError(
            f"points must make the step ln(r_max/r_min)/(points − 1) at most 0.1 (Numerov is "
            f"unstable beyond), got {h:.3g}: use at least {needed}"
        )
    x = np.linspace(math.log(r_min), math.log(r_max), points)
    h = float(x[1] - x[0])
    r = np.exp(x)
    v = _evaluate(potential, r)
    r2v = 2 * r * r * v
    shifted = r2v + (l + 0.5) ** 2
    charge = -r[0] * v[0]
    if abs(charge) * r_min > 1e-3:
        raise ValueError(
            f"r_min = {r_min!r} is too large for the start y ∝ r^(l+½)(1 − Z₀r/(l+1)) with "
            f"Z₀ = {charge:.4g}: use r_min <= {1e-3 / abs(charge):.3g}"
        )
    y0, y1 = (r[:2] ** (l + 0.5) * (1 - charge * r[:2] / (l + 1))).tolist()
    low = float(np.min(r2v / (2 * r * r) + l * (l + 1) / (2 * r * r)))
    high = 0.0
    if _numerov_count(shifted - 2 * r * r * high, h, y0, y1) < states:
        raise ValueError(f"fewer than {states} bound levels lie on the grid (r_max = {r_max!r})")
    levels = np.empty(states)
    for k in range(states):
        a, b = low, high  # count(a) <= k < count(b)
        for _ in range(200):
            mid = 0.5 * (a + b)
            if mid in (a, b):
                break
            if _numerov_count(shifted - 2 * r * r * mid, h, y0, y1) <= k:
                a = mid
            else:
                b = mid
        levels[k] = 0.5 * (a + b)
        low = levels[k]
    return levels
