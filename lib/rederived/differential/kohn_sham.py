"""Kohn–Sham LDA for spherical atoms, on the high-order elements of :mod:`radial_fem`.

The self-consistent field of an atom in the local density approximation, nonrelativistic
(radial Schrödinger orbitals) or relativistic (radial Dirac orbitals in the squared form, with the
relativistic exchange correction: "RLDA"), as in Čertík et al., arXiv:2307.05856 (and the
shooting code dftatom it is compared with):

- exchange: Slater's ε_x = −(3/4π)(3π²n)^{1/3}, V_x = (4/3)ε_x, times the MacDonald–Vosko factors
  R(β), S(β), β = (3π²n)^{1/3}/c, in the relativistic case;
- correlation: Vosko–Wilk–Nusair's paramagnetic fit (A = 0.0621814, b = 3.72744, c = 12.9352,
  y₀ = −0.10498; Can. J. Phys. 58 (1980) 1200), the form dftatom uses;
- the Hartree potential from the radial Poisson equation −U'' = 4πr n, U = rV_H, U(0) = 0,
  U(r_max) = the number of electrons, solved with the same elements;
- the total energy in its variational form E = Σ f_i ε_i − ∫ρ(V_H^in + V_xc^in) + ½∫ρV_H
  + ∫ρ ε_xc (ρ = 4πr²n; the nuclear term cancels), quadratically convergent in the potential;
- Anderson mixing of the potential, started from a Thomas–Fermi potential (the fit of Oulne,
  arXiv:physics/0511017).

Configurations are those of NIST's tables (Kotochigova, Levine, Shirley, Stiles and Clark,
Phys. Rev. A 55 (1997) 191) for the atoms in :data:`CONFIGURATIONS`; the relativistic ones split
each l > 0 shell between j = l ∓ ½ in proportion 2l : 2l + 2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
import scipy.linalg

from rederived._checks import count, positive
from rederived.differential import radial_fem as fem

__all__ = [
    "CONFIGURATIONS",
    "DFTATOM_TOTAL_ENERGIES",
    "DFTATOM_URANIUM_EIGENVALUES",
    "KohnShamResult",
    "kohn_sham",
    "lda_exchange_correlation",
    "relativistic_configuration",
]

#: nonrelativistic ground-state configurations (n, l, occupation) of NIST's LDA tables
CONFIGURATIONS: dict[int, tuple[tuple[int, int, float], ...]] = {
    1: ((1, 0, 1),),
    2: ((1, 0, 2),),
    4: ((1, 0, 2), (2, 0, 2)),
    10: ((1, 0, 2), (2, 0, 2), (2, 1, 6)),
    18: ((1, 0, 2), (2, 0, 2), (2, 1, 6), (3, 0, 2), (3, 1, 6)),
    36: ((1, 0, 2), (2, 0, 2), (2, 1, 6), (3, 0, 2), (3, 1, 6), (3, 2, 10), (4, 0, 2), (4, 1, 6)),
    92: (
        (1, 0, 2), (2, 0, 2), (2, 1, 6), (3, 0, 2), (3, 1, 6), (3, 2, 10), (4, 0, 2), (4, 1, 6),
        (4, 2, 10), (4, 3, 14), (5, 0, 2), (5, 1, 6), (5, 2, 10), (5, 3, 3), (6, 0, 2),
        (6, 1, 6), (6, 2, 1), (7, 0, 2),
    ),
}  # fmt: skip

#: converged LDA and RLDA total energies (Hartree) of the shooting code dftatom, the paper's
#: reference (certik/dftatom, tests/lda/nonrel_energies.dat and tests/rlda/rel_energies.dat,
#: "precise to about 2e-9"): Z -> (nonrelativistic, relativistic)
DFTATOM_TOTAL_ENERGIES: dict[int, tuple[float, float]] = {
    1: (-0.4456705183, -0.4456681624),
    2: (-2.8348356241, -2.8347852848),
    4: (-14.4472094739, -14.4479969881),
    10: (-128.2334812688, -128.3364032514),
    18: (-525.9461949192, -527.5190491486),
    36: (-2750.1479404225, -2784.1992381241),
    92: (-25658.4178888534, -28001.1323254868),
}

#: uranium's Kohn–Sham eigenvalues from the same tables, in the order of the states of
#: :data:`CONFIGURATIONS` (nonrelativistic) and :func:`relativistic_configuration` (relativistic)
DFTATOM_URANIUM_EIGENVALUES: dict[str, tuple[float, ...]] = {
    "nonrelativistic": (
        -3689.3551398369, -639.7787280866, -619.1085501807, -161.1180732100, -150.9789801633,
        -131.9773582831, -40.5280842452, -35.8533208325, -27.1232122996, -15.0274600691,
        -8.8240894015, -7.0180922045, -3.8661751349, -0.3665433531, -1.3259763180,
        -0.8225379709, -0.1431901813, -0.1309478622,
    ),
    "relativistic": (
        -4223.4190204552, -789.4897823303, -761.3744759730, -622.8480945649, -199.4298056450,
        -186.6637131249, -154.7010266741, -134.5411802896, -128.0166573820, -50.7889480646,
        -45.0371712884, -36.6886104859, -27.5293062430, -25.9854289064, -13.8895142333,
        -13.4854696912, -11.2955870987, -9.0579642498, -7.0692956350, -3.7974162278,
        -3.5012171832, -0.1467883850, -0.1160471651, -1.7480399541, -1.1011189998,
        -0.7757841787, -0.1030408153, -0.0848020246, -0.1609472826,
    ),
}  # fmt: skip

_VWN = (0.0621814, 3.72744, 12.9352, -0.10498)  # A, b, c, y0


def relativistic_configuration(
    configuration: tuple[tuple[int, int, float], ...],
) -> tuple[tuple[int, int, float], ...]:
    """Split each shell (n, l, f) into (n, κ, f_κ): κ = −1 for l = 0; for l > 0, κ = l
    (j = l − ½) with f·2l/(4l + 2) and κ = −(l + 1) (j = l + ½) with f·(2l + 2)/(4l + 2)."""
    out = []
    for n, l, f in _configuration(configuration):
        if l == 0:
            out.append((n, -1, f))
        else:
            out.append((n, l, f * 2 * l / (4 * l + 2)))
            out.append((n, -(l + 1), f * (2 * l + 2) / (4 * l + 2)))
    return tuple(out)


def _configuration(configuration: object) -> tuple[tuple[int, int, float], ...]:
    try:
        shells = [tuple(s) for s in configuration]  # type: ignore[union-attr]
    except TypeError:
        raise TypeError("configuration must be a sequence of (n, l, occupation)") from None
    if not shells:
        raise ValueError("configuration must hold at least one shell")
    seen = set()
    for shell in shells:
        if len(shell) != 3:
            raise ValueError(f"configuration entries must be (n, l, occupation), got {shell!r}")
        n, l, f = shell
        if any(isinstance(v, bool) or not isinstance(v, Integral) for v in (n, l)):
            raise TypeError(f"n and l must be ints, got {shell!r}")
        if not 0 <= l < n <= 20 or (n, l) in seen:
            raise ValueError(f"shells must be distinct with 0 <= l < n <= 20, got {shell!r}")
        seen.add((n, l))
        if isinstance(f, bool) or not isinstance(f, Real):
            raise TypeError(f"occupation must be a real number, got {shell!r}")
        if not 0 < float(f) <= 4 * l + 2:
            raise ValueError(f"occupation must lie in (0, 4l + 2], got {shell!r}")
    return tuple((int(n), int(l), float(f)) for n, l, f in shells)


def lda_exchange_correlation(
    n: object, relativistic: bool = False, c: float = fem.C_LIGHT
) -> tuple[np.ndarray, np.ndarray]:
    """LDA exchange–correlation energy per electron and potential (Hartree) at densities n.

    Parameters
    ----------
    n : array_like
        Electron densities (bohr⁻³), finite and ≥ 0; below machine epsilon both results are 0
        (as in dftatom), which keeps the far tail of the density from producing ±inf.
    relativistic : bool
        Apply the MacDonald–Vosko correction to exchange.
    c : float
        Speed of light (atomic units), ≥ 1.

    Returns
    -------
    exc, vxc : ndarray, the shape of n
    """
    arr = np.asarray(n)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"n must be real numbers, got dtype {arr.dtype}")
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError("n must be finite and non-negative")
    if not isinstance(relativistic, bool):
        raise TypeError(f"relativistic must be a bool, got {relativistic!r}")
    c = positive(c, "c")
    if c < 1:
        raise ValueError(f"c must be at least 1, got {c!r}")
    exc, vxc = np.zeros_like(arr), np.zeros_like(arr)
    live = arr >= np.finfo(float).eps
    d = arr[live]
    a, b, cc, y0 = _VWN
    q = math.sqrt(4 * cc - b * b)
    # cube roots taken factor by factor, so that n up to 1e308 does not overflow
    y = np.sqrt(np.cbrt(3 / (4 * math.pi)) / np.cbrt(d))  # √r_s
    big_y = y * y + b * y + cc
    y0_big = y0 * y0 + b * y0 + cc
    arctan = np.arctan(q / (2 * y + b))
    ec = (a / 2) * (
        np.log(y * y / big_y)
        + 2 * b / q * arctan
        - b * y0 / y0_big * (np.log((y - y0) ** 2 / big_y) + 2 * (b + 2 * y0) / q * arctan)
    )
    vc = ec - (a / 6) * (cc * (y - y0) - b * y0 * y) / ((y - y0) * big_y)
    kf = np.cbrt(3 * math.pi**2) * np.cbrt(d)
    ex = -3 / (4 * math.pi) * kf
    vx = 4 * ex / 3
    if relativistic:
        beta = kf / c
        mu = np.sqrt(1 + beta * beta)
        asinh = np.arcsinh(beta)  # log(β + μ)
        # (βμ − asinh β)/β² cancels for small β: there its series (2/3)β − β³/5 (+ O(β⁵))
        ratio = np.where(
            beta < 1e-2,
            beta * (2 / 3 - beta * beta / 5),
            (beta * mu - asinh) / np.maximum(beta * beta, 1e-300),
        )
        ex = ex * (1 - 1.5 * ratio**2)
        vx = vx * (1.5 * asinh / (beta * mu) - 0.5)
    exc[live], vxc[live] = ex + ec, vx + vc
    return exc, vxc


@dataclass
class KohnShamResult:
    """A converged (or stopped) self-consistent field.

    Attributes
    ----------
    total_energy : float
        Hartree.
    states : tuple
        (n, l, f) or, relativistic, (n, κ, f) of each orbital.
    eigenvalues : ndarray
        Orbital energies in the order of ``states`` (Hartree; rest energy removed).
    iterations : int
    converged : bool
    parts : dict
        kinetic, hartree, nuclear and exchange-correlation energies.
    history : ndarray
        Total energy after each iteration.
    """

    total_energy: float
    states: tuple
    eigenvalues: np.ndarray
    iterations: int
    converged: bool
    parts: dict = field(default_factory=dict)
    history: np.ndarray = field(default_factory=lambda: np.empty(0))


def _gather(el: fem._Elements, coefficients: np.ndarray) -> np.ndarray:
    """Values at the points of the finite-element function with these nodal coefficients."""
    p = el.p
    index = np.arange(el.elements)[:, None] * p + np.arange(p + 1)[None, :]
    return np.einsum("eqk,ek->eq", el.phi, coefficients[index])


def _thomas_fermi(r: np.ndarray, Z: float) -> np.ndarray:
    x = r * (128 * Z / (9 * math.pi**2)) ** (1 / 3)
    alpha, beta, gamma = 0.7280642371, -0.5430794693, 0.3612163121
    s = np.sqrt(x)
    z_eff = Z * (1 + alpha * s + beta * x * np.exp(-gamma * s)) ** 2 * np.exp(-2 * alpha * s)
    return -np.maximum(z_eff, 1.0) / r + Z / r  # the screening part only: V + Z/r


def kohn_sham(
    Z: int,
    mesh: object,
    p: int,
    *,
    relativistic: bool = False,
    configuration: tuple | None = None,
    quadrature: int | None = None,
    c: float = fem.C_LIGHT,
    shift: float = 0.0,
    tol: float = 1e-9,
    max_iterations: int = 200,
    history_length: int = 5,
    mixing: float = 0.5,
) -> KohnShamResult:
    """The LDA (or RLDA) ground state of a neutral spherical atom by high-order elements.

    Parameters
    ----------
    Z : int
        Nuclear charge, 1 ≤ Z ≤ 118 (configurations default to :data:`CONFIGURATIONS`).
    mesh : array_like
        Element boundaries from 0 (see :func:`radial_fem.exponential_mesh`).
    p : int
        Element order.
    relativistic : bool
        Dirac orbitals (squared form, the r^γ factor for every κ) and relativistic exchange.
    configuration : sequence of (n, l, occupation), optional
        Nonrelativistic shells; split by :func:`relativistic_configuration` when relativistic.
    quadrature : int, optional
        Points per element (default 2p + 2).
    c, shift : float
        Speed of light, 1 ≤ c ≤ radial_fem.MAX_LIGHT; the shift of the squared Dirac form
        (Hartree), 0 ≤ shift < c²/2.
    tol : float
        Stop when the total energy and every eigenvalue change by less than tol between two
        iterations (and the potential's largest change, times r, by less than 100·tol). The
        default 1e-9 Ha sits above the iterations' rounding noise (1e-10 to 3e-10 Ha for
        uranium); a smaller tol can take many more iterations, or not be met within
        max_iterations (then ``converged`` is False).
    max_iterations, history_length, mixing
        Anderson mixing of the potential: at most this many iterations, this many previous
        residuals, this linear mixing factor in (0, 1].

    Returns
    -------
    KohnShamResult
    """
    if isinstance(Z, bool) or not isinstance(Z, Integral) or not 1 <= Z <= 118:
        raise ValueError(f"Z must be an int in [1, 118], got {Z!r}")
    if not isinstance(relativistic, bool):
        raise TypeError(f"relativistic must be a bool, got {relativistic!r}")
    if configuration is None:
        if Z not in CONFIGURATIONS:
            raise ValueError(f"no configuration is stored for Z = {Z}: pass configuration=")
        configuration = CONFIGURATIONS[Z]
    shells = _configuration(configuration)
    electrons = sum(f for _, _, f in shells)
    if not math.isclose(electrons, Z, rel_tol=0, abs_tol=1e-12):
        raise ValueError(f"configuration must hold Z = {Z} electrons, got {electrons}")
    mesh = fem._mesh(mesh)
    p = fem._order(p)
    quadrature = fem._quadrature(quadrature, p)
    c = fem._light(c)
    shift = fem._shift(shift, c)
    tol = positive(tol, "tol")
    max_iterations = count(max_iterations, "max_iterations")
    history_length = count(history_length, "history_length")
    mixing = positive(mixing, "mixing")
    if mixing > 1:
        raise ValueError(f"mixing must lie in (0, 1], got {mixing!r}")
    if relativistic:
        states = relativistic_configuration(shells)
        blocks = sorted({k for _, k, _ in states})
        if Z >= c * math.sqrt(3) / 2:
            raise ValueError(f"Z must be below c·√3/2 for the relativistic solver, got {Z}")
        gammas = {k: math.sqrt(k * k - (Z / c) ** 2) for k in blocks}
    else:
        states = shells
        blocks = sorted({l for _, l, _ in states})
        gammas = {l: 0.0 for l in blocks}
    # one point set per block (the first element's Gauss–Jacobi points depend on γ), and the set
    # of the most singular block for the density, Poisson's load and the energies
    sets = {b: fem._Elements(mesh, p, quadrature, gammas[b]) for b in blocks}
    size = next(iter(sets.values())).size
    fem._checked_size((2 if relativistic else 1) * size)
    deepest = max(st[0] - (st[1] if not relativistic or st[1] > 0 else -st[1] - 1) for st in states)
    if deepest > size - 2:
        raise ValueError(
            f"the mesh has {size - 2} interior unknowns per component, too few for the "
            f"{deepest}-th level of a block: use more elements or a higher p"
        )
    common = sets[-1] if relativistic else sets[blocks[0]]
    plain = fem._Elements(mesh, p, quadrature)
    poisson = plain.form(plain.r[..., None] ** 2 * plain.dphi, plain.dphi)
    order = [common, *sets.values()]
    sizes = [s.r.size for s in order]

    def split(vector: np.ndarray) -> list[np.ndarray]:
        parts = np.split(vector, np.cumsum(sizes)[:-1])
        return [part.reshape(s.r.shape) for part, s in zip(parts, order, strict=True)]

    def integral(values: np.ndarray) -> float:
        """∫ values dr over the common set, for values carrying the density's r^(2γ)."""
        return float(np.sum(common.weight * values * common.r ** (2 - 2 * common.gamma)))

    potential_in = np.concatenate([_thomas_fermi(s.r, Z).ravel() for s in order])
    inputs, residuals, history = [], [], []
    previous_energy, previous_levels = math.inf, None
    converged = False
    iteration = 0
    while iteration < max_iterations:
        iteration += 1
        screening = split(potential_in)
        levels = np.empty(len(states))
        density = [np.zeros(s.r.shape) for s in order]  # ρ = 4πr²n at each set's points
        for b, el in sets.items():
            members = [i for i, st in enumerate(states) if st[1] == b]
            # the k-th lowest state of a block has n − l = k
            orbital_l = b if not relativistic or b > 0 else -b - 1
            index = [states[i][0] - orbital_l for i in members]
            lowest = max(index)
            v = screening[order.index(el)] - Z / el.r
            if relativistic:
                *matrices, columns = fem._dirac_system(el, b, el.r * v, c, shift, "squared")
                _, vectors = fem._solve(*matrices, lowest=lowest)
                energies = fem._squared_energies(el, columns, vectors, c, shift)
            else:
                _, vectors = fem._solve(*fem._schrodinger_system(el, b, v), lowest=lowest)
                energies = fem._schrodinger_energies(el, b, v, vectors)
            for i, k in zip(members, index, strict=True):
                levels[i] = energies[k - 1]
                f = states[i][2]
                for j, s in enumerate(order):
                    g = gammas[b]
                    if relativistic:
                        n_nodes = el.size
                        big = _gather(s, vectors[:n_nodes, k - 1])
                        small = _gather(s, vectors[n_nodes:, k - 1])
                        radial = (big * big + small * small) * s.r ** (2 * g)
                    else:
                        radial = _gather(s, vectors[:, k - 1]) ** 2
                    density[j] += f * radial
        # Hartree: −U'' = ρ/r with U(0) = 0 and U(r_max) = Z
        rhs = _poisson_load(common, density[0], p)
        u = np.zeros(plain.size)
        u[-1] = Z
        inner = np.arange(1, plain.size - 1)
        u[inner] = scipy.linalg.solve(
            poisson[np.ix_(inner, inner)],
            rhs[inner] - poisson[inner, -1] * Z,
            assume_a="pos",
        )
        potential_out, hartree_common, exc_common = [], None, None
        for j, s in enumerate(order):
            hartree = _gather(s, u) / s.r
            n = density[j] / (4 * math.pi * s.r**2)
            exc, vxc = lda_exchange_correlation(n, relativistic, c)
            if j == 0:
                hartree_common, exc_common = hartree, exc
            potential_out.append((hartree + vxc).ravel())
        potential_out = np.concatenate(potential_out)
        rho = density[0]
        screening_in = screening[0]
        band = float(sum(st[2] * e for st, e in zip(states, levels, strict=True)))
        kinetic = band - integral(rho * (screening_in - Z / common.r))
        hartree_energy = 0.5 * integral(rho * hartree_common)
        nuclear = -Z * integral(rho / common.r)
        xc_energy = integral(rho * exc_common)
        energy = kinetic + hartree_energy + nuclear + xc_energy
        history.append(energy)
        residual = potential_out - potential_in
        change = np.max(np.abs(residual * np.concatenate([s.r.ravel() for s in order])))
        if (
            previous_levels is not None
            and abs(energy - previous_energy) < tol
            and np.max(np.abs(levels - previous_levels)) < tol
            and change < 100 * tol
        ):
            converged = True
            break
        previous_energy, previous_levels = energy, levels
        potential_in = _anderson(inputs, residuals, potential_in, residual, history_length, mixing)
    return KohnShamResult(
        total_energy=energy,
        states=tuple(states),
        eigenvalues=levels,
        iterations=iteration,
        converged=converged,
        parts={
            "kinetic": kinetic,
            "hartree": hartree_energy,
            "nuclear": nuclear,
            "exchange-correlation": xc_energy,
        },
        history=np.array(history),
    )


def _poisson_load(el: fem._Elements, rho: np.ndarray, p: int) -> np.ndarray:
    """∫ ρ/r φ_i dr for the plain basis functions φ_i, on points that carry r^(2γ−2)."""
    local = np.einsum("eq,eqi->ei", el.weight * rho * el.r ** (1 - 2 * el.gamma), el.phi)
    out = np.zeros(el.size)
    for e in range(el.elements):
        out[e * p : e * p + p + 1] += local[e]
    return out


def _anderson(
    inputs: list, residuals: list, x: np.ndarray, f: np.ndarray, depth: int, beta: float
) -> np.ndarray:
    """One Anderson (Pulay) step: the combination of past inputs whose residual is smallest."""
    inputs.append(x.copy())
    residuals.append(f.copy())
    del inputs[:-depth], residuals[:-depth]
    if len(residuals) == 1:
        return x + beta * f
    df = np.array([residuals[i + 1] - residuals[i] for i in range(len(residuals) - 1)])
    dx = np.array([inputs[i + 1] - inputs[i] for i in range(len(inputs) - 1)])
    gamma, *_ = np.linalg.lstsq(df.T, f, rcond=None)
    return x + beta * f - (dx + beta * df).T @ gamma
