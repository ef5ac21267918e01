"""Fisher information geometry of lattice spin models with one coupling per bond.

An Ising or q-state Potts model on an L×L torus with a coupling J_b on every bond b is an
exponential family: p(s) ∝ exp(Σ_b J_b e_b(s)) with e_b = s_i s_j (Ising, s = ±1) or
δ(s_i, s_j) (Potts). Its Fisher metric is the covariance of the bond observables, g = ∂²ψ with
ψ = ln Z, and the third cumulant tensor is T = ∂³ψ. For such a Hessian metric the fourth
derivatives cancel from the curvature, and the scalar curvature is

    R = (‖T‖² − tᵀ g⁻¹ t) / 4,   ‖T‖² = T_abc T^abc,   t_a = g^bc T_abc,

the sum of four terms R₁ = −½ tᵀg⁻¹t, R₂ = ½‖T‖², R₃ = ¼ tᵀg⁻¹t, R₄ = −¼‖T‖² (the chapter
*Fisher curvature at criticality* derives it). Everything here is exact: the cumulants come from
enumerating every spin configuration (:func:`exact_cumulants`, q^(L²) ≤ 2^20 states), or, at
uniform coupling, from a transfer matrix that adds one site at a time (:func:`transfer_cumulants`,
q^L front states), which reaches the 9×9 Ising torus exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from rederived._checks import memory as _memory
from rederived._checks import real_array as _real

__all__ = [
    "MAX_STATES",
    "MAX_TRANSFER_BYTES",
    "Curvature",
    "bonds",
    "curvature",
    "exact_cumulants",
    "fisher_curvature",
    "transfer_cumulants",
    "transfer_item",
]

#: The largest number of configurations :func:`exact_cumulants` enumerates (2^20).
MAX_STATES = 1 << 20

#: The most memory :func:`transfer_cumulants` may hold in transfer products (2 GiB).
MAX_TRANSFER_BYTES = 2 << 30


def bonds(L: object) -> np.ndarray:
    """Nearest-neighbour bonds of the L×L torus (L ≥ 3), as (2L², 2) site indices: every site's
    bond to the right, then every site's bond downwards."""
    if isinstance(L, bool) or not isinstance(L, Integral) or L < 3:
        raise ValueError(f"L must be an int >= 3 (smaller tori have double bonds), got {L!r}")
    L = int(L)
    _memory(5 * 16.0 * L * L, f"the bonds of the {L}×{L} torus")
    site = np.arange(L * L).reshape(L, L)
    right = np.stack([site.ravel(), np.roll(site, -1, axis=1).ravel()], axis=1)
    down = np.stack([site.ravel(), np.roll(site, -1, axis=0).ravel()], axis=1)
    return np.concatenate([right, down])


def _states(n_sites: int, q: int) -> np.ndarray:
    total = q**n_sites
    if total > MAX_STATES:
        raise ValueError(
            f"{q}^{n_sites} = {total:,} configurations is beyond exact enumeration "
            f"(at most {MAX_STATES:,}): use a smaller lattice"
        )
    codes = np.arange(total)
    return np.stack([(codes // q**i) % q for i in range(n_sites)], axis=1).astype(np.int8)


def exact_cumulants(
    L: object, coupling: object, *, q: object = 2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, covariance g and third cumulant T of the bond observables, by enumeration.

    Parameters
    ----------
    L : int
        Torus side, L ≥ 3.
    coupling : float or array_like, shape (2L²,)
        J_b, one value for all bonds or one per bond; finite.
    q : int
        2 for Ising (e_b = s_i s_j, s = ±1), q ≥ 3 for Potts (e_b = δ(s_i, s_j)).

    Returns
    -------
    mean : (m,), g : (m, m), T : (m, m, m)
    """
    if isinstance(q, bool) or not isinstance(q, Integral) or q < 2:
        raise ValueError(f"q must be an int >= 2, got {q!r}")
    q = int(q)
    b = bonds(L)
    J = _real(coupling, "coupling")
    if J.shape not in ((), (len(b),)):
        raise ValueError(f"coupling must be a number or have shape ({len(b)},), got {J.shape}")
    J = np.broadcast_to(J, (len(b),))
    if not np.all(np.isfinite(J)):
        raise ValueError("coupling must be finite")
    s = _states(int(L) ** 2, q)
    if q == 2:
        spins = 2.0 * s - 1.0
        e = spins[:, b[:, 0]] * spins[:, b[:, 1]]
    else:
        e = (s[:, b[:, 0]] == s[:, b[:, 1]]).astype(float)
    energy = e @ J
    w = np.exp(energy - energy.max())
    w /= w.sum()
    mean = w @ e
    d = e - mean
    g = (d * w[:, None]).T @ d
    wd = d * w[:, None]
    T = np.einsum("sa,sb,sc->abc", wd, d, d, optimize=True)
    return mean, g, T


@dataclass(frozen=True)
class Curvature:
    """Scalar curvature of a Hessian metric and its four Ricci terms (R = R1 + R2 + R3 + R4)."""

    R: float
    R1: float
    R2: float
    R3: float
    R4: float


def curvature(g: object, T: object) -> Curvature:
    """Scalar curvature of the Hessian metric g with third-derivative tensor T.

    Domain: g a finite, symmetric, positive definite real (m, m) array, T a finite real
    (m, m, m) array symmetric in its three indices (both to 1e-10 relative), m ≥ 1.

    Raises
    ------
    ValueError
        If g or T is outside that domain, or g is numerically singular (condition number above
        1e10).
    TypeError
        For complex, str or object arrays.
    """
    g, T = _real(g, "g"), _real(T, "T")
    m = g.shape[0] if g.ndim else 0
    if m < 1 or g.shape != (m, m) or T.shape != (m, m, m):
        raise ValueError(f"g must be (m, m) and T (m, m, m), m ≥ 1, got {g.shape} and {T.shape}")
    if not (np.all(np.isfinite(g)) and np.all(np.isfinite(T))):
        raise ValueError("g and T must be finite")
    scale_g, scale_T = np.abs(g).max(), np.abs(T).max()
    if np.abs(g - g.T).max() > 1e-10 * scale_g:
        raise ValueError("g must be symmetric (a Fisher metric is a covariance)")
    if any(
        np.abs(T - T.transpose(axes)).max() > 1e-10 * scale_T
        for axes in ((1, 0, 2), (0, 2, 1), (2, 1, 0))
    ):
        raise ValueError("T must be symmetric in its three indices (a third cumulant)")
    w = np.linalg.eigvalsh((g + g.T) / 2)
    if scale_g == 0 or w[-1] <= 0 or w[0] < -1e-10 * w[-1]:
        raise ValueError("g must be positive definite (a Fisher metric of identifiable bonds)")
    if w[0] <= 1e-10 * w[-1]:
        raise ValueError(
            "the Fisher metric is numerically singular here (condition number > 1e10): at very "
            "strong coupling the bond observables barely fluctuate and the curvature is not "
            "resolved in double precision"
        )
    G = np.linalg.inv(g)
    # the four contractions of R = g^ik R^j_ijk, each as it comes out of the Riemann tensor
    # R^l_ijk = −½ g^la g^bm T_abj T_ikm + ½ g^la g^bm T_abk T_ijm
    #           + ¼ g^la g^mb T_jma T_ikb − ¼ g^la g^mb T_kma T_ijb   (then l = j)
    opt = {"optimize": True}
    R1 = -0.5 * float(np.einsum("ik,ja,bm,abj,ikm->", G, G, G, T, T, **opt))
    R2 = 0.5 * float(np.einsum("ik,ja,bm,abk,ijm->", G, G, G, T, T, **opt))
    R3 = 0.25 * float(np.einsum("ik,ja,mb,jma,ikb->", G, G, G, T, T, **opt))
    R4 = -0.25 * float(np.einsum("ik,ja,mb,kma,ijb->", G, G, G, T, T, **opt))
    return Curvature(R1 + R2 + R3 + R4, R1, R2, R3, R4)


def fisher_curvature(L: object, coupling: object, *, q: object = 2) -> Curvature:
    """Scalar curvature of the Fisher metric of the L×L torus at uniform coupling, exact."""
    if isinstance(coupling, bool) or not isinstance(coupling, Real):
        raise TypeError(f"coupling must be a real number, got {coupling!r}")
    _, g, T = exact_cumulants(L, coupling, q=q)
    return curvature(g, T)


# ----------------------------------------------------------------------- transfer matrices


def _bond_energy(q: int) -> np.ndarray:
    """e(s, s') for two local states: s s' with s = ±1 (Ising, q = 2), δ(s, s') (Potts)."""
    if q == 2:
        spin = np.array([-1.0, 1.0])
        return np.outer(spin, spin)
    return np.eye(q)


class _Front:
    """The site-by-site transfer on the L×L torus (columns x, rows r, sites in column order).

    The state is the front: for every row r its most recent spin, held as a tensor with one
    axis per row (axis L − 1 − r). Adding site (x, r) replaces row r's spin (its left
    neighbour) and brings the site's bonds: to the left (horizontal), up to (x, r − 1) for
    r > 0, and for r = L − 1 also the wrap to (x, 0). Every bond energy is a function of the new
    spin and the front, so inserting one multiplies the step's weights by it. A product of
    steps is carried as a (q^L, K) matrix, the state in its rows."""

    def __init__(self, L: int, q: int, J: float):
        self.L, self.q = L, q
        self.e = _bond_energy(q)
        energy = J * self.e
        self.w = np.exp(energy - energy.max())  # weights at most 1, for either sign of J

    def bonds_of(self, r: int) -> tuple[str, ...]:
        return ("left",) + (("up",) if r > 0 else ()) + (("wrap",) if r == self.L - 1 else ())

    def _others(self, r: int):
        return [(b, o) for b, o in (("up", r - 1), ("wrap", 0)) if b in self.bonds_of(r)]

    def _broadcast(self, r: int, other: int, factor: np.ndarray) -> np.ndarray:
        shape = [1] * (self.L + 1)
        shape[self.L - 1 - r], shape[self.L - 1 - other] = self.q, self.q
        return factor.reshape(shape)  # [new spin of row r, spin of row `other`]

    def step(self, X: np.ndarray, r: int, inserted: tuple[str, ...] = ()) -> np.ndarray:
        """S X for the step adding a site of row r, with the bond energies named in
        ``inserted`` (a bond named twice is inserted twice) multiplied in."""
        L, q = self.L, self.q
        T = X.reshape((q,) * L + (X.shape[1],))
        ax = L - 1 - r
        left = self.w * self.e ** inserted.count("left")  # [new, old]
        T = np.moveaxis(np.tensordot(left, T, axes=([1], [ax])), 0, ax)
        for bond, other in self._others(r):
            T = T * self._broadcast(r, other, self.w * self.e ** inserted.count(bond))
        return T.reshape(X.shape)

    def step_transposed(self, Y: np.ndarray, r: int) -> np.ndarray:
        """Sᵀ Y for the plain step of row r."""
        L, q = self.L, self.q
        T = Y.reshape((q,) * L + (Y.shape[1],))
        for _, other in self._others(r):
            T = T * self._broadcast(r, other, self.w)
        ax = L - 1 - r
        T = np.moveaxis(np.tensordot(self.w.T, T, axes=([1], [ax])), 0, ax)
        return T.reshape(Y.shape)


def _translations(L: int) -> np.ndarray:
    """perm[t, b]: the bond that bond b becomes under the translation t = (rows, columns)."""
    b = bonds(L)
    where = {(int(i), int(j)): k for k, (i, j) in enumerate(b)}
    out = np.empty((L * L, len(b)), dtype=np.intp)
    for di in range(L):
        for dj in range(L):

            def move(site, di=di, dj=dj):
                i, j = divmod(int(site), L)
                return ((i + di) % L) * L + (j + dj) % L

            out[di * L + dj] = [where[move(i), move(j)] for i, j in b]
    return out


def transfer_cumulants(
    L: object, coupling: object, *, q: object = 2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, covariance g and third cumulant T of the bond observables of the L×L torus at
    uniform coupling, exactly, from a site-by-site transfer matrix: the same output as
    :func:`exact_cumulants` (bonds in the order of :func:`bonds`) for tori beyond enumeration.

    By translation invariance two bonds a suffice (the first horizontal and the first
    vertical). Each moment E[e_a e_b e_c] is the trace of the cyclic product of the L² steps,
    starting at a's, with the three bond energies inserted: for every b the product is carried
    forward from b's step and closed with every later c against stored backward products. The
    cost grows as L⁶ q^(2L) (the 9×9 Ising torus: about a minute on one core), the memory as
    L² q^(2L). The cumulants come from raw moments, so at strong coupling, where the bonds
    freeze, they lose digits: a ValueError refuses couplings that would lose more than six
    (at L = 3, beyond about |J| = 1.8 for Ising), and couplings whose partition function
    underflows.

    Parameters
    ----------
    L : int
        Torus side, L ≥ 3, with L² stored products of q^L × q^L within
        :data:`MAX_TRANSFER_BYTES`.
    coupling : float
        The uniform coupling J, finite.
    q : int
        2 for Ising, q ≥ 3 for Potts.

    Returns
    -------
    mean : (m,), g : (m, m), T : (m, m, m), with m = 2L²
    """
    if isinstance(q, bool) or not isinstance(q, Integral) or q < 2:
        raise ValueError(f"q must be an int >= 2, got {q!r}")
    if isinstance(coupling, bool) or not isinstance(coupling, Real):
        raise TypeError(f"coupling must be a real number, got {coupling!r}")
    J, q = float(coupling), int(q)
    if not np.isfinite(J):
        raise ValueError(f"coupling must be finite, got {coupling!r}")
    bonds(L)  # validates L
    L = int(L)
    n, m, states = L * L, 2 * L * L, q**L
    need = (n + 4) * states * states * 8
    if need > MAX_TRANSFER_BYTES:
        raise ValueError(
            f"the transfer products of the {L}×{L} torus with q = {q} need {need / 2**30:.1f} GiB "
            f"(at most {MAX_TRANSFER_BYTES / 2**30:.0f} GiB): use a smaller torus"
        )
    front = _Front(L, q, J)

    def bond_index(k: int, bond: str) -> int:  # bond of step k (site (x, r)) in bonds(L)
        x, r = divmod(k, L)
        return {
            "left": r * L + (x - 1) % L,
            "up": n + (r - 1) * L + x,
            "wrap": n + (L - 1) * L + x,
        }[bond]

    means, second, third = {}, {}, {}
    references = {"h": (0, "left"), "v": (1, "up")}  # a bond of each kind and its step
    for ref, (k0, bond_a) in references.items():
        order = [(k0 + j) % n for j in range(n)]  # the cyclic product, from a's step
        rows = [k % L for k in order]
        # after[j]ᵀ, with after[j] = S_{n−1} ··· S_j: closing a product X at step j is
        # Tr(after[j + 1] S_j X) = Σ after[j + 1]ᵀ ∘ (S_j X)
        after_t = np.empty((n + 1, states, states))
        after_t[n] = np.eye(states)
        for j in range(n - 1, -1, -1):
            after_t[j] = front.step_transposed(after_t[j + 1], rows[j])
        Z = float(np.trace(after_t[0]))
        if not (np.isfinite(Z) and Z > np.finfo(float).tiny):
            raise ValueError(
                f"coupling {J!r} is too strong for the transfer matrix: the partition function "
                "underflows float64 (frustrated bonds at large |J|); use exact_cumulants"
            )

        def close(X, j, inserted, after_t=after_t, rows=rows, Z=Z):
            return float(np.vdot(after_t[j + 1], front.step(X, rows[j], inserted))) / Z

        identity = np.eye(states)
        means[ref] = close(identity, 0, (bond_a,))
        pair, triple = np.zeros(m), np.zeros((m, m))
        carried = front.step(identity, rows[0], (bond_a,))  # the first j steps, e_a inserted
        for jb in range(n):
            before_b = identity if jb == 0 else carried
            with_a = (bond_a,) if jb == 0 else ()
            for bond_b in front.bonds_of(rows[jb]):
                ib = bond_index(order[jb], bond_b)
                pair[ib] = close(before_b, jb, (*with_a, bond_b))
                for bond_c in front.bonds_of(rows[jb]):  # c at b's step
                    triple[ib, bond_index(order[jb], bond_c)] = close(
                        before_b, jb, (*with_a, bond_b, bond_c)
                    )
                X = front.step(before_b, rows[jb], (*with_a, bond_b))
                for jc in range(jb + 1, n):  # c after b
                    for bond_c in front.bonds_of(rows[jc]):
                        ic = bond_index(order[jc], bond_c)
                        triple[ib, ic] = triple[ic, ib] = close(X, jc, (bond_c,))
                    X = front.step(X, rows[jc])
            if jb > 0:
                carried = front.step(carried, rows[jb])
        second[ref], third[ref] = pair, triple
    # every bond's rows by translation of the two references' rows
    perm = _translations(L)
    mean = np.concatenate([np.full(n, means["h"]), np.full(n, means["v"])])
    M2, M3 = np.empty((m, m)), np.empty((m, m, m))
    for t in range(n):
        for ref, (k0, bond_a) in references.items():
            a = perm[t, bond_index(k0, bond_a)]
            M2[a, perm[t]] = second[ref]
            M3[a][np.ix_(perm[t], perm[t])] = third[ref]
    g = M2 - np.outer(mean, mean)
    # g and T are differences of raw moments: at strong coupling the bonds freeze, g_aa → 0, and
    # the subtraction loses about log10(E[e_a²] / g_aa) digits (T more): refuse before that
    # costs more than six of them
    lost = float(np.max(np.diag(M2)) / max(float(np.min(np.diag(g))), np.finfo(float).tiny))
    if lost > 1e6:
        raise ValueError(
            f"coupling {J!r} is too strong for the transfer matrix: the bond variances are "
            f"{1 / lost:.2g} of the raw second moments, and subtracting the mean would lose more "
            "than six digits; use exact_cumulants"
        )
    T = (
        M3
        - np.einsum("ab,c->abc", M2, mean)
        - np.einsum("ac,b->abc", M2, mean)
        - np.einsum("bc,a->abc", M2, mean)
        + 2 * np.einsum("a,b,c->abc", mean, mean, mean)
    )
    return mean, g, T


# ----------------------------------------------------------------------- the stored curvatures

#: critical couplings: Ising ln(1 + √2)/2, three-state Potts ln(1 + √3)
CRITICAL = {
    2: float(np.log(1 + np.sqrt(2)) / 2),
    3: float(np.log(1 + np.sqrt(3))),
    4: float(np.log(3)),  # ln(1 + √q) for the q-state Potts model with J δ(s_i, s_j)
}


def transfer_item(item: dict) -> dict:
    """The scalar curvature and its four Ricci terms of one torus (``item["q"]``,
    ``item["L"]``, coupling ``item["J"]``), exact, from :func:`transfer_cumulants`."""
    if not isinstance(item, dict) or not {"L", "J", "q"} <= set(item):
        raise ValueError(f"item must be a dict with keys L, J and q, got {item!r}")
    _, g, T = transfer_cumulants(item["L"], item["J"], q=item["q"])
    c = curvature(g, T)
    return {"R": c.R, "R1": c.R1, "R2": c.R2, "R3": c.R3, "R4": c.R4}


def _transfer_items(params) -> list[dict]:
    items = []
    for q, J, sides in params["series"]:
        J = CRITICAL[q] if J == "critical" else CRITICAL[q] * (1 + 1e-3) if J == "near" else J
        items += [{"q": int(q), "L": int(L), "J": float(J)} for L in sides]
    return items


def _make_transfer_sweep():
    from rederived.sweep import Sweep

    ising = [2, "critical", list(range(3, 9))]
    return Sweep(
        name="fisher-transfer",
        chapter="stochastic/fisher-curvature",
        description="the exact scalar curvature of one torus at one coupling, from the "
        "site-by-site transfer matrix.",
        scales={
            # no randomness: the seed is unused
            "book": {"series": [ising], "seed": 0},
            "paper": {
                "series": [
                    [2, "critical", list(range(3, 11))],  # the paper's L = 6-9, and 10
                    [2, 0.3, list(range(5, 11))],  # off criticality: the exponent's control
                    [2, "near", list(range(5, 10))],  # J_c (1 + 10^-3): the values' control
                    [3, "critical", list(range(3, 7))],  # three-state Potts
                ],
                "seed": 0,
            },
        },
        items=_transfer_items,
        run_item=transfer_item,
        rtol=1e-9,
        # a test recomputes only tori up to 8×8 Ising or 5×5 Potts (seconds); the 9×9 and
        # 10×10 tori (half a minute and minutes) are verified by the manifest's checksum
        spot_eligible=lambda item: int(item["q"]) ** int(item["L"]) <= 256,
    )


TRANSFER_SWEEP = _make_transfer_sweep()


def _make_potts4_sweep():
    from rederived.sweep import Sweep

    return Sweep(
        name="fisher-potts4",
        chapter="stochastic/fisher-curvature",
        description="the exact scalar curvature of one four-state Potts torus at its critical "
        "coupling, from the site-by-site transfer matrix.",
        scales={
            "book": {"series": [[4, "critical", [3, 4]]], "seed": 0},
            # the 5×5 torus takes about ten seconds and a quarter of a gigabyte; the memory
            # grows as L² q^(2L), so 6×6 would need about 5 GB
            "paper": {"series": [[4, "critical", [3, 4, 5]]], "seed": 0},
        },
        items=_transfer_items,
        run_item=transfer_item,
        rtol=1e-9,
        spot_eligible=lambda item: int(item["q"]) ** int(item["L"]) <= 256,
    )


POTTS4_SWEEP = _make_potts4_sweep()
