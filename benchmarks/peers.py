"""The peers symcollapse is measured against, each run as its own process by ``bench.py``.

- ``exact``: python-flint's ``fmpz_mpoly`` (FLINT's sparse multivariate integer polynomials):
  the nested forward pass against ``W_z x + b_z`` from suffix products, every entry compared;
- ``blas``: the same matrix products as the random check (``P_{k-1} = P_k W_k`` and the forward
  matrix-vector products, every trial) in plain float64 numpy, which is BLAS: the speed limit;
- ``latex``: ``sympy.latex`` of the expanded entries of ``W_z`` and ``b_z``, what a document
  of the collapse has to print at least;
- for a trained model in ``MODEL.npz`` (an ``nn.Sequential`` state_dict) and ``MODEL.onnx``:
  ``fold`` reads it and folds it exactly (symcollapse's side), ``chain`` multiplies the same
  weights out in float64 numpy, ``onnxruntime`` loads the ONNX file and runs one batch of 4096.

Run as ``python benchmarks/peers.py NAME D0 ... Dn`` or ``python benchmarks/peers.py NAME MODEL``
(the path without its suffix); the process prints its own peak resident memory in kB on stderr
(see ``bench.py``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def flint_exact(widths: tuple[int, ...]) -> bool:
    """Both routes in python-flint ``fmpz_mpoly``, one variable per entry symbol."""
    import flint

    from symcollapse.algebra.polynomials import variables

    v = variables(widths)
    ctx = flint.fmpz_mpoly_ctx.get(v.names, "lex")
    gens = ctx.gens()
    zero = ctx.from_dict({})

    def sym(mask: int) -> flint.fmpz_mpoly:
        return gens[mask.bit_length() - 1]

    d = widths
    h = [sym(m) for m in v.x]
    for k in range(1, len(d)):
        h = [
            sym(v.b[k][i]) + sum((sym(v.W[k][i][j]) * h[j] for j in range(d[k - 1])), zero)
            for i in range(d[k])
        ]
    rows = range(d[-1])
    suffix = [[zero + int(a == c) for c in rows] for a in rows]
    b_z = [zero for _ in rows]
    for k in range(len(d) - 1, 0, -1):
        b_z = [
            b_z[a] + sum((suffix[a][u] * sym(v.b[k][u]) for u in range(d[k])), zero) for a in rows
        ]
        suffix = [
            [
                sum((suffix[a][u] * sym(v.W[k][u][c]) for u in range(d[k])), zero)
                for c in range(d[k - 1])
            ]
            for a in rows
        ]
    out = [b_z[a] + sum((suffix[a][j] * sym(v.x[j]) for j in range(d[0])), zero) for a in rows]
    return h == out


def blas(widths: tuple[int, ...], trials: int = 3) -> bool:
    """The random check's matrix products in float64 (scaled to stay finite), no modular work."""
    import numpy as np

    rng = np.random.default_rng(0)
    d = widths
    for _ in range(trials):
        h = rng.random((d[0], 1))
        for k in range(1, len(d)):
            h = rng.random((d[k], d[k - 1])) @ h + rng.random((d[k], 1))
            h /= np.abs(h).max()
        suffix = rng.random((d[-1], d[-2]))  # P_{n-1} = W_n, as the random check starts
        for k in range(len(d) - 2, 0, -1):
            suffix = suffix @ rng.random((d[k], d[k - 1]))
            suffix /= np.abs(suffix).max()
    return True


def sympy_latex(widths: tuple[int, ...]) -> bool:
    """``sympy.latex`` of every expanded entry of ``W_z`` and ``b_z`` (the collapse included)."""
    import sympy as sp

    from symcollapse.algebra.collapsing import collapse

    result = collapse(widths, max_terms=10**9)
    return all(sp.latex(e) for e in [*result.W_z, *result.b_z])


def fold(model: str) -> bool:
    """symcollapse's exact fold of the state_dict in ``model.npz``, as a whole process."""
    from symcollapse.algebra.fold import fold
    from symcollapse.spec.model_readers import read_model

    path = Path(f"{model}.npz")  # the benchmark's chain has no module between or after its layers
    model_ = read_model(path, max_bytes=2**34, assume_identity_gaps=True, weight_layout="out-in")
    return fold(model_) is not None  # within the default memory limit


def chain(model: str) -> bool:
    """``W_z = W_n ... W_1`` and ``b_z`` of the same weights in float64 numpy (BLAS)."""
    import numpy as np

    tensors = np.load(f"{model}.npz")
    W_z, b_z = None, None
    for k in range(len(tensors.files) // 2):
        W = tensors[f"{k}.weight"].astype(np.float64)
        b = tensors[f"{k}.bias"].astype(np.float64)
        W_z, b_z = (W, b) if W_z is None else (W @ W_z, W @ b_z + b)
    return bool(np.isfinite(W_z).all() and np.isfinite(b_z).all())


def onnxruntime(model: str, batch: int = 4096) -> bool:
    """onnxruntime loads ``model.onnx`` and runs one batch of ``batch`` random inputs."""
    import numpy as np
    import onnxruntime as ort

    session = ort.InferenceSession(f"{model}.onnx", providers=["CPUExecutionProvider"])
    feed = session.get_inputs()[0]
    x = np.random.default_rng(0).standard_normal((batch, feed.shape[1])).astype(np.float32)
    return bool(np.isfinite(session.run(None, {feed.name: x})[0]).all())


PEERS = {"exact": flint_exact, "blas": blas, "latex": sympy_latex}
MODEL_PEERS = {"fold": fold, "chain": chain, "onnxruntime": onnxruntime}


def main(argv: Sequence[str]) -> int:
    name, *arguments = argv
    if name in MODEL_PEERS:
        holds = MODEL_PEERS[name](arguments[0])
    else:
        holds = PEERS[name](tuple(map(int, arguments)))
    status = Path("/proc/self/status").read_text().splitlines()
    print(next(line for line in status if line.startswith("VmHWM:")).split()[1], file=sys.stderr)
    return 0 if holds else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
