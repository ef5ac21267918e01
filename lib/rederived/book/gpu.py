"""Measuring a paper's GPU claim on a GPU: ParaRNN's Newton solve against the sequential loop.

ParaRNN claims speed-ups of up to 665× over the sequential application of a recurrence, for its
fused CUDA kernel on a GPU. The book's chapter measures the same algorithm on one CPU core, where
the parallel form cannot pay. This module writes the algorithm of
:func:`rederived.algorithms.pararnn.newton` once against an *array module* (NumPy, or CuPy, whose
API is NumPy's) so that one script runs it on a GPU beside two baselines, the sequential loop on
the same GPU and the package's CPU loop, and checks that the hidden states agree.

On a machine with a GPU and CuPy::

    python -m rederived.book.gpu pararnn --xp cupy --out lib/rederived/book/data/gpu-pararnn

writes ``results.json`` (one record per sequence length: wall times of each method, the
speed-ups, the largest difference of the hidden states from the CPU loop, and a sample of the
GPU's hidden states) and ``manifest.json`` (device, driver, library versions, command, sizes,
seed, the results' sha256). :func:`load_run` reads and verifies a stored run, and
:func:`spot_check` recomputes on the CPU, for every length, its sampled hidden states in the
first :data:`PREFIX_LIMIT` steps (each record also keeps Newton's final residual). On
a machine without a GPU the same command with ``--xp numpy`` runs the same code on the CPU (the
test suite does, at small sizes).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import numpy as np

from rederived._checks import count

#: the record fields of one sequence length in ``results.json``
FIELDS = (
    "T",
    "newton_gpu_s",
    "sequential_gpu_s",
    "sequential_cpu_s",
    "speedup_vs_gpu_loop",
    "speedup_vs_cpu_loop",
    "max_abs_difference",
    "residual",
    "sample_rows",
    "sample_states",
)
#: hidden states kept per length, for the spot check: the first HEAD_ROWS rows and SAMPLE_ROWS
#: rows spread over the sequence
SAMPLE_ROWS = 8
HEAD_ROWS = 4
#: the spot check recomputes, for every stored length, the sampled rows below this one (Newton's
#: iterates are causal: row t depends on the inputs up to t only, so a prefix gives them)
PREFIX_LIMIT = 4096


def array_module(name: str) -> ModuleType:
    """NumPy (``"numpy"``) or CuPy (``"cupy"``, needs a GPU and the cupy package)."""
    if name == "numpy":
        return np
    if name == "cupy":
        try:
            import cupy
        except ImportError as err:
            raise ValueError(f"xp 'cupy' is not available here: {err}") from None
        return cupy
    raise ValueError(f"xp must be 'numpy' or 'cupy', got {name!r}")


def _synchronize(xp: ModuleType) -> None:
    if xp is not np:
        xp.cuda.Device().synchronize()


def _to_host(xp: ModuleType, a) -> np.ndarray:
    return np.asarray(a) if xp is np else xp.asnumpy(a)


def _sigmoid(xp, u):
    return 0.5 * (1 + xp.tanh(u / 2))


def _step(xp, a, h, u):
    """The diagonal GRU step and its Jacobian, as DiagonalGRU.step (a: (3, 1 or T, N))."""
    az, ar, ah = a
    z = _sigmoid(xp, az * h + u[0])
    r = _sigmoid(xp, ar * h + u[1])
    c = xp.tanh(ah * h * r + u[2])
    new = z * c + (1 - z) * h
    dz = z * (1 - z) * az
    dr = r * (1 - r) * ar
    dc = (1 - c**2) * ah * (r + h * dr)
    return new, dz * (c - h) + z * dc + (1 - z)


def _scan(xp, A, Bv):
    """Hillis–Steele scan of δ_t = a_t δ_{t−1} + b_t, as linear_recurrence (without its
    step-by-step fallback for overflowing prefix products, which no run here meets)."""
    T, shift = A.shape[0], 1
    A, Bv = A.copy(), Bv.copy()
    while shift < T:
        carried = xp.where(Bv[:-shift] == 0, 0.0, A[shift:] * Bv[:-shift])
        Bv[shift:] = carried + Bv[shift:]
        A[shift:] = A[shift:] * A[:-shift]
        shift *= 2
    return Bv


def newton_xp(xp: ModuleType, a, B, b, x, h0, iterations: int):
    """:func:`rederived.algorithms.pararnn.newton`'s H, computed with the array module ``xp``
    on its device; a (3, N), B (3, N, D), b (3, N), x (T, D), h0 (N,) are ``xp`` arrays."""
    u = xp.einsum("gnd,td->gtn", B, x) + b[:, None, :]
    a3 = a[:, None, :]
    H, _ = _step(xp, a3, xp.zeros((u.shape[1], a.shape[1])), u)
    for _ in range(iterations):
        previous = xp.concatenate([h0[None, :], H[:-1]])
        value, jac = _step(xp, a3, previous, u)
        jac[0] = 0.0
        H = H + _scan(xp, jac, value - H)
    return H


def sequential_xp(xp: ModuleType, a, B, b, x, h0):
    """The sequential loop on ``xp``'s device: one step per time step, each step a few dozen
    small kernels launched from Python, so on a GPU this baseline is dominated by launch
    overhead; a fused sequential kernel (one thread per hidden unit, looping over T) would be a
    stronger baseline, and the chapter reading a run must say which one it compares with."""
    u = xp.einsum("gnd,td->gtn", B, x) + b[:, None, :]
    out = xp.empty((u.shape[1], a.shape[1]))
    h = h0
    for t in range(u.shape[1]):
        h, _ = _step(xp, a, h, u[:, t])
        out[t] = h
    return out


def _best_time(xp, fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        _synchronize(xp)
        start = time.perf_counter()
        result = fn()
        _synchronize(xp)
        best = min(best, time.perf_counter() - start)
    return best, result


def _inputs(T: int, hidden: int, inputs: int, seed: int):
    from rederived.algorithms import pararnn

    children = np.random.SeedSequence(seed).spawn(2)
    cell = pararnn.DiagonalGRU.authors_init(hidden, inputs, seed=children[0])
    # a Generator's normals come in order: the first rows of a longer draw are a shorter draw
    x = np.random.default_rng(children[1]).normal(size=(T, inputs))
    return cell, x, np.zeros(hidden)


def _sample_rows(T: int) -> list[int]:
    """The first HEAD_ROWS rows, SAMPLE_ROWS rows spread over the sequence and as many spread
    over its first PREFIX_LIMIT steps (so that every length has rows the spot check recomputes
    well past the first few, which Newton gets exactly right after as many iterations)."""
    spread = np.linspace(0, T - 1, SAMPLE_ROWS).round()
    prefix = np.linspace(0, min(T, PREFIX_LIMIT) - 1, SAMPLE_ROWS).round()
    return sorted(
        {int(v) for v in np.concatenate([spread, prefix])} | set(range(min(HEAD_ROWS, T)))
    )


def residual_xp(xp: ModuleType, a, B, b, x, h0, H) -> float:
    """The largest |h_t − f(h_{t−1}, x_t)| of the states H (``xp`` arrays): how far Newton's
    last iterate is from solving the recurrence."""
    u = xp.einsum("gnd,td->gtn", B, x) + b[:, None, :]
    previous = xp.concatenate([h0[None, :], H[:-1]])
    value, _ = _step(xp, a[:, None, :], previous, u)
    return float(_to_host(xp, xp.max(xp.abs(value - H))))


def measure_pararnn(
    xp: ModuleType,
    lengths: Sequence[int],
    hidden: int = 64,
    inputs: int = 32,
    iterations: int = 3,
    seed: int = 2025,
    loop_limit: int = 100_000,
    repeat: int = 3,
) -> list[dict]:
    """One record per sequence length T (see FIELDS): Newton with ``iterations`` iterations on
    ``xp``'s device, the sequential loop on the same device and the package's CPU loop (both
    only up to ``loop_limit`` steps; None beyond), and the hidden states' agreement with the CPU
    loop. The cell is drawn as ParaRNN's defaults draw it (DiagonalGRU.authors_init)."""
    from rederived.algorithms import pararnn

    # one untimed call of each method first: CuPy compiles its kernels on first use, per array
    # rank, and that compilation is not the method's cost
    cell, x, h0 = _inputs(64, hidden, inputs, seed)
    warm = [xp.asarray(v) for v in (cell.a, cell.B, cell.b, x, h0)]
    newton_xp(xp, *warm, iterations)
    sequential_xp(xp, *warm)
    _synchronize(xp)
    records = []
    for T in (count(t, "lengths") for t in lengths):
        cell, x, h0 = _inputs(T, hidden, inputs, seed)
        dev = [xp.asarray(v) for v in (cell.a, cell.B, cell.b, x, h0)]
        t_newton, H = _best_time(xp, lambda dev=dev: newton_xp(xp, *dev, iterations), repeat)
        record = {"T": T, "newton_gpu_s": t_newton, "residual": residual_xp(xp, *dev, H)}
        H = _to_host(xp, H)
        if T <= loop_limit:
            t_seq, _ = _best_time(xp, lambda dev=dev: sequential_xp(xp, *dev), 1)
            start = time.perf_counter()
            reference = pararnn.sequential(cell, x, h0)
            t_cpu = time.perf_counter() - start
            record.update(
                sequential_gpu_s=t_seq,
                sequential_cpu_s=t_cpu,
                speedup_vs_gpu_loop=t_seq / t_newton,
                speedup_vs_cpu_loop=t_cpu / t_newton,
                max_abs_difference=float(np.max(np.abs(H - reference))),
            )
        else:
            record.update(
                sequential_gpu_s=None,
                sequential_cpu_s=None,
                speedup_vs_gpu_loop=None,
                speedup_vs_cpu_loop=None,
                max_abs_difference=None,
            )
        rows = _sample_rows(T)
        record["sample_rows"] = rows
        record["sample_states"] = [[float(v) for v in H[r]] for r in rows]
        records.append(record)
    return records


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _device(xp: ModuleType) -> dict:
    if xp is np:
        return {"device": f"CPU ({platform.machine()}), NumPy", "driver": None}
    props = xp.cuda.runtime.getDeviceProperties(0)
    name = props["name"].decode() if isinstance(props["name"], bytes) else str(props["name"])
    return {"device": name, "driver": int(xp.cuda.runtime.driverGetVersion())}


def write_run(folder: str | Path, xp: ModuleType, params: dict, records: list[dict], command: str):
    """Write ``results.json`` and ``manifest.json`` (device, versions, command, parameters,
    the results' sha256) into ``folder``."""
    import scipy

    import rederived

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(records, indent=0, sort_keys=True, allow_nan=False) + "\n"
    (folder / "results.json").write_text(text, encoding="utf-8")
    versions = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "rederived": rederived.__version__,
    }
    if xp is not np:
        versions[xp.__name__] = xp.__version__
    manifest = {
        **_device(xp),
        "xp": xp.__name__,
        "params": params,
        "command": command,
        "versions": versions,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "sha256": _digest(text),
    }
    (folder / "manifest.json").write_text(
        json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return folder / "results.json"


def load_run(folder: str | Path, xp: str | None = None) -> tuple[list[dict], dict]:
    """A stored run's records and manifest; ValueError if the results do not match the
    manifest's sha256, lack a field, do not hold one record per length of the manifest's
    parameters in order, or (with ``xp``, e.g. ``"cupy"`` for a claim about GPUs) were made
    with another array module."""
    folder = Path(folder)
    text = (folder / "results.json").read_text(encoding="utf-8")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if _digest(text) != manifest.get("sha256"):
        raise ValueError(f"{folder / 'results.json'} does not match its manifest's sha256")
    records = json.loads(text)
    for record in records:
        missing = set(FIELDS) - set(record)
        if missing:
            raise ValueError(f"a record lacks {sorted(missing)}")
    lengths = manifest.get("params", {}).get("lengths")
    if not records:
        raise ValueError(f"{folder / 'results.json'} holds no record")
    missing = {"hidden", "inputs", "iterations", "seed"} - set(manifest.get("params", {}))
    if missing:
        raise ValueError(f"the manifest's params lack {sorted(missing)}")
    if [r["T"] for r in records] != lengths:
        raise ValueError(f"the records' lengths are not the manifest's {lengths}")
    if xp is not None and manifest.get("xp") != xp:
        raise ValueError(f"the run was made with {manifest.get('xp')!r}, not {xp!r}")
    return records, manifest


def spot_check(records: list[dict], manifest: dict, atol: float = 1e-9) -> int:
    """Recompute on the CPU, with the package's Newton, the stored hidden states of every length
    at its sampled rows below :data:`PREFIX_LIMIT`, from that prefix of the inputs (Newton's
    iterates are causal: row t depends on the inputs up to t only), so the cost is bounded
    whatever the lengths. Assert that they agree within ``atol`` (GPU and CPU round
    differently). Returns the number of rows checked."""
    from rederived.algorithms import pararnn

    if not records:
        raise ValueError("records is empty: no run to check")
    p = manifest["params"]
    checked = 0
    for record in records:
        rows = record["sample_rows"]
        keep = [k for k, r in enumerate(rows) if r < PREFIX_LIMIT]
        upto = max(rows[k] for k in keep) + 1
        cell, x, h0 = _inputs(upto, p["hidden"], p["inputs"], p["seed"])
        H = pararnn.newton(cell, x, h0, p["iterations"])[0]
        stored = np.array(record["sample_states"])[keep]
        fresh = H[[rows[k] for k in keep]]
        if not np.allclose(fresh, stored, atol=atol, rtol=0):
            raise AssertionError(
                f"T = {record['T']}: the stored GPU states differ from the CPU's by "
                f"{np.max(np.abs(fresh - stored)):.3g}"
            )
        checked += len(keep)
    return checked


#: where the book's stored GPU runs live
DATA = Path(__file__).parent / "data"


def summary(records: list[dict], manifest: dict) -> str:
    """A stored run as a table: per length, the wall times of Newton on the device, the loop on
    the device and the CPU loop, the speed-ups, the states' largest difference from the CPU
    loop and Newton's final residual."""

    def cell(v, fmt):
        return "—" if v is None else format(v, fmt)

    lines = [
        f"{manifest.get('device')} ({manifest.get('xp')}), {manifest['params']['iterations']} "
        f"Newton iterations, hidden size {manifest['params']['hidden']}",
        f"{'T':>9s} {'Newton':>9s} {'loop':>9s} {'CPU loop':>9s} {'vs loop':>8s} "
        f"{'vs CPU':>8s} {'max diff':>9s} {'residual':>9s}",
    ]
    for r in records:
        lines.append(
            f"{r['T']:9d} {cell(r['newton_gpu_s'], '9.4f')} {cell(r['sequential_gpu_s'], '9.3f')} "
            f"{cell(r['sequential_cpu_s'], '9.3f')} {cell(r['speedup_vs_gpu_loop'], '8.1f')} "
            f"{cell(r['speedup_vs_cpu_loop'], '8.1f')} {cell(r['max_abs_difference'], '9.1e')} "
            f"{cell(r['residual'], '9.1e')}"
        )
    return "\n".join(lines)


def stored_summary(folder: str | Path | None = None) -> str:
    """The stored GPU run of ParaRNN (default ``data/gpu-pararnn``), verified (checksum, lengths,
    made with CuPy) and spot-checked against the CPU, as a table; or a line saying that none is
    stored and how to make one."""
    folder = Path(folder) if folder is not None else DATA / "gpu-pararnn"
    if not (folder / "manifest.json").is_file():
        return (
            "No GPU run of ParaRNN is stored: one needs a machine with a GPU and CuPy "
            "(python -m rederived.book.gpu pararnn --xp cupy "
            "--out lib/rederived/book/data/gpu-pararnn)."
        )
    records, manifest = load_run(folder, xp="cupy")
    rows = spot_check(records, manifest)
    return summary(records, manifest) + f"\n({rows} stored states recomputed on the CPU: agree)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rederived.book.gpu", description=__doc__)
    sub = parser.add_subparsers(dest="claim", required=True)
    run = sub.add_parser("pararnn", help="ParaRNN's Newton solve against the sequential loops")
    run.add_argument("--xp", default="cupy", help="array module: cupy (GPU) or numpy (CPU)")
    run.add_argument(
        "--lengths",
        default="1000,10000,100000,1000000",
        help="comma-separated sequence lengths",
    )
    run.add_argument("--hidden", type=int, default=64)
    run.add_argument("--inputs", type=int, default=32)
    run.add_argument("--iterations", type=int, default=3)
    run.add_argument("--seed", type=int, default=2025)
    run.add_argument("--loop-limit", type=int, default=100_000)
    run.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    xp = array_module(args.xp)
    params = {
        "lengths": [int(v) for v in args.lengths.split(",")],
        "hidden": args.hidden,
        "inputs": args.inputs,
        "iterations": args.iterations,
        "seed": args.seed,
        "loop_limit": args.loop_limit,
    }
    records = measure_pararnn(xp, **params)
    import sys

    words = list(argv) if argv is not None else sys.argv[1:]
    command = "python -m rederived.book.gpu " + " ".join(words)
    path = write_run(args.out, xp, params, records, command)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
