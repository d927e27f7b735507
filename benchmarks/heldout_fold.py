"""A held-out set of real exports through ``symcollapse fold``: never a wrong answer with exit 0.

Models are built by torch (both ONNX exporters: dynamo and the legacy TorchScript one), saved as
state_dicts (``.pt``), safetensors and ``.npz`` with what such files leave out (parameterless
gaps, a batch norm's eps, module names, a weight layout), in float32, float16 and bfloat16,
with convolutions, pools and residual adds, and fitted by scikit-learn (and Keras, where it is
installed) for the API. Seeds and shapes are drawn from ``--seed``, which no test uses.

Every model is run twice: the command line (``symcollapse fold FILE [what the file omits]``) for
its exit status and its one line, and ``symcollapse.fold`` for the fold, which is then compared
with the model's own forward pass in torch (float64, the weights as stored) on random inputs
that symcollapse's check did not see, within the rounding bound symcollapse derives for the
model's layers at those inputs. A file that does not say something is run as it is (it must be
refused naming the option that states it) and again with the true fact stated. Hand-written
attention and ``nn.MultiheadAttention`` are run through ``fold --partial --export``: one head
must fold and the new model stay within the pair's check bound plus the original's own distance
from torch, at new inputs; two heads must be left, saying why, and so must a
``MultiheadAttention`` exported tokens first or with a batch of two.

Outcomes: ``folded`` (exit 0, within the bound against torch), ``left`` (``--partial``),
``refused`` (exit 2 naming what is
missing: the option, or the node that is not affine), and the failures ``WRONG`` (exit 0 and
outside the bound), ``REFUSED`` (an affine model refused without the option that would state
what is missing) and ``DISAGREES`` (exit 1: our own check failed). The script exits 1 on any
failure.

Run as ``python benchmarks/heldout_fold.py [--seed N] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: Inputs each model is compared with torch on.
SAMPLES = 32


@dataclass(frozen=True)
class Case:
    """A model as a file (``artifact`` a path) or a live object, the module or function that
    computes what it should (float64 rows in, rows out), the options that state what the file
    omits (true facts), what a refusal must name (``None``: it must fold; under ``partial``,
    what a pair left as it is must say)."""

    name: str
    artifact: Any
    truth: Callable[[np.ndarray], np.ndarray] | None
    options: tuple[str, ...] = ()
    refusal: str | None = None
    partial: bool = False


@dataclass(frozen=True)
class Row:
    """One line of the table: the outcome, the deviation from torch and its bound, and what
    symcollapse said."""

    name: str
    outcome: str
    deviation: float | None
    bound: float | None
    line: str

    @property
    def failed(self) -> bool:
        return self.outcome.split()[0] in ("WRONG", "REFUSED", "DISAGREES")


def _api_options(options: tuple[str, ...]) -> dict[str, Any]:
    """The command line's options as ``symcollapse.fold``'s keywords."""
    kw: dict[str, Any] = {}
    words = list(options)
    while words:
        flag = words.pop(0)
        if flag == "--assume-identity-gaps":
            kw["assume_identity_gaps"] = True
        elif flag == "--bn-eps":
            kw["bn_eps"] = float(words.pop(0))
        elif flag == "--weight-layout":
            kw["weight_layout"] = words.pop(0)
        elif flag == "--layers":
            kw["layers"] = words.pop(0).split(",")
        else:
            raise ValueError(flag)
    return kw


def _torch_truth(module, shape: tuple[int, ...], dtype=None) -> Callable:
    """The module's forward in float64 on rows reshaped to ``shape``, its weights first rounded
    to ``dtype`` (what a float16/bfloat16 file stores)."""
    import copy

    import torch

    module = copy.deepcopy(module).eval()
    if dtype is not None:
        module = module.to(dtype)
    module = module.double()

    def run(x: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            rows = torch.from_numpy(x).reshape(len(x), *shape)
            return module(rows).reshape(len(x), -1).numpy()

    return run


def _export(torch, module, shape, path: Path, dynamo: bool, batch: int = 2, **options) -> Path:
    dtype = next((p.dtype for p in module.parameters()), torch.float32)
    x = torch.randn(batch, *shape, dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            torch.onnx.export(
                module.eval(), (x,), str(path), dynamo=dynamo, input_names=["x"], **options
            )
    return path


def _randomised(torch, module):
    """Batch norms with statistics that are not the defaults (a fold that ignored them fails)."""
    for sub in module.modules():
        if isinstance(sub, torch.nn.modules.batchnorm._BatchNorm):
            sub.running_mean.uniform_(-1, 1)
            sub.running_var.uniform_(0.3, 3)
            sub.weight.data.uniform_(0.5, 2)
            sub.bias.data.uniform_(-1, 1)
    return module.eval()


def _modules(torch, rng) -> dict[str, tuple[Any, tuple[int, ...]]]:
    """The torch models, their input shapes (after the batch) drawn from ``rng``."""
    nn = torch.nn
    d = [int(v) for v in rng.integers(3, 9, size=6)]
    length = int(rng.integers(6, 11))

    class Named(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(d[0], d[1])
            self.drop = nn.Dropout(0.3)
            self.fc2 = nn.Linear(d[1], d[2], bias=False)

        def forward(self, x):
            return self.fc2(self.drop(self.fc1(x)))

    class Residual(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.Linear(d[0], d[0])
            self.bn = nn.BatchNorm1d(d[0], eps=1e-3)
            self.out = nn.Linear(d[0], d[1])

        def forward(self, x):
            return self.out(x + self.bn(self.inner(x)))

    class ConvResidual(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv1d(2, 2, 3, padding=1)
            self.bn = nn.BatchNorm1d(2, eps=1e-4)

        def forward(self, x):
            return (x + self.bn(self.conv(x))).flatten(1)

    built = {
        "MLP, bias=False in the middle": (
            nn.Sequential(
                nn.Linear(d[0], d[1]), nn.Linear(d[1], d[2], bias=False), nn.Linear(d[2], d[3])
            ),
            (d[0],),
        ),
        "named modules fc1/fc2, Dropout": (Named(), (d[0],)),
        "nested Sequential, BatchNorm1d eps=1e-3": (
            nn.Sequential(
                nn.Sequential(nn.Linear(d[0], d[1]), nn.BatchNorm1d(d[1], eps=1e-3)),
                nn.Sequential(nn.Linear(d[1], d[2])),
            ),
            (d[0],),
        ),
        "residual add with BatchNorm1d": (Residual(), (d[0],)),
        "Conv1d k3, BatchNorm1d, AvgPool1d, Linear": (
            nn.Sequential(
                nn.Conv1d(3, 4, 3, stride=1, padding=1),
                nn.BatchNorm1d(4, eps=2e-5),
                nn.AvgPool1d(2),
                nn.Flatten(),
                nn.Linear(4 * (length // 2), d[1]),
            ),
            (3, length),
        ),
        "Conv1d 1x1 then Conv1d bias=False": (
            nn.Sequential(nn.Conv1d(3, 5, 1), nn.Conv1d(5, 2, 2, bias=False), nn.Flatten()),
            (3, length),
        ),
        "Conv2d 1x1, Conv2d 3x3 s2 p1, AvgPool2d ceil_mode": (
            nn.Sequential(
                nn.Conv2d(2, 3, 1),
                nn.Conv2d(3, 2, 3, stride=2, padding=1),
                nn.AvgPool2d(2, ceil_mode=True),
                nn.Flatten(),
            ),
            (2, length, length - 1),
        ),
        "AvgPool1d k3 s2 p1 not counting padding, ceil_mode": (
            nn.Sequential(
                nn.AvgPool1d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
                nn.Flatten(),
            ),
            (2, length),
        ),
        "ConvTranspose1d s2 output_padding 1": (
            nn.Sequential(
                nn.ConvTranspose1d(2, 3, 3, stride=2, padding=1, output_padding=1), nn.Flatten()
            ),
            (2, length // 2),
        ),
        "Conv1d residual with BatchNorm1d eps=1e-4": (ConvResidual(), (2, length)),
        "Linear, ReLU, Linear (not affine)": (
            nn.Sequential(nn.Linear(d[0], d[1]), nn.ReLU(), nn.Linear(d[1], d[2])),
            (d[0],),
        ),
    }
    return {name: (_randomised(torch, m), shape) for name, (m, shape) in built.items()}


def _onnx_cases(torch, rng, folder: Path) -> list[Case]:
    cases = []
    for name, (module, shape) in _modules(torch, rng).items():
        for exporter, dynamo in (("dynamo", True), ("legacy", False)):
            path = folder / f"{len(cases):02d}-{exporter}.onnx"
            try:
                _export(torch, module, shape, path, dynamo)
            except Exception as error:  # the exporter's own failure: not ours to fold
                reason = f"{type(error).__name__} {error!s:.80}"
                print(f"  (torch cannot export {name} with {exporter}: {reason})")
                continue
            refusal = "not affine" if "not affine" in name else None
            truth = _torch_truth(module, shape)
            cases.append(Case(f"ONNX {exporter}: {name}", path, truth, refusal=refusal))
    module, shape = _modules(torch, rng)["MLP, bias=False in the middle"]
    path = _export(torch, module, shape, folder / "external.onnx", True, external_data=True)
    cases.append(Case("ONNX dynamo, external data: MLP", path, _torch_truth(module, shape)))
    half = module.half()
    for exporter, dynamo in (("dynamo", True), ("legacy", False)):
        path = _export(torch, half, shape, folder / f"half-{exporter}.onnx", dynamo)
        cases.append(Case(f"ONNX {exporter}, float16: MLP", path, _torch_truth(half, shape)))
    return cases


def _save(torch, state: dict, path: Path) -> Path:
    """``state`` as ``.pt``, ``.safetensors`` or ``.npz`` by the path's suffix."""
    if path.suffix == ".pt":
        torch.save(state, path)
    elif path.suffix == ".safetensors":
        from safetensors.torch import save_file

        save_file({k: v.contiguous() for k, v in state.items()}, str(path))
    else:
        np.savez(path, **{k: v.float().numpy() for k, v in state.items()})
    return path


def _state_dict_cases(torch, rng, folder: Path) -> list[Case]:
    """Each file run in steps: as saved, then with more of what it omits stated, each step's
    refusal naming the next option; the last step states it all (true facts) and must fold."""
    nn = torch.nn
    d = [int(v) for v in rng.integers(3, 9, size=4)]
    sq = int(rng.integers(3, 7))
    gaps = "--assume-identity-gaps"
    cases: list[Case] = []

    def add(name, module, shape, suffix, steps, *, dtype=None, state=None):
        module = _randomised(torch, module)
        stored = state if state is not None else module.state_dict()
        if dtype is not None:
            stored = {k: v.to(dtype) if v.is_floating_point() else v for k, v in stored.items()}
        path = _save(torch, stored, folder / f"{len(cases):02d}{suffix}")
        truth = _torch_truth(module, shape, dtype)
        for options, refusal in steps:
            label = f"{name} {suffix} [{' '.join(options) or 'as saved'}]"
            cases.append(Case(label, path, truth, tuple(options), refusal))

    relu = nn.Sequential(nn.Linear(d[0], d[1]), nn.ReLU(), nn.Linear(d[1], d[2]))
    for suffix in (".pt", ".safetensors"):
        add("Linear, ReLU, Linear (a gap)", relu, (d[0],), suffix, [((), gaps)])
    dropout = nn.Sequential(nn.Linear(d[0], d[1]), nn.Dropout(0.2), nn.Linear(d[1], d[2]))
    add("Linear, Dropout, Linear", dropout, (d[0],), ".safetensors", [((), gaps), ([gaps], None)])
    bn = nn.Sequential(nn.Linear(d[0], d[1]), nn.BatchNorm1d(d[1], eps=1e-3), nn.Linear(d[1], 2))
    steps = [((), gaps), ([gaps], "--bn-eps"), ([gaps, "--bn-eps", "1e-3"], None)]
    add("BatchNorm1d eps=1e-3", bn, (d[0],), ".pt", steps)
    bn_default = nn.Sequential(nn.Linear(d[0], d[1]), nn.BatchNorm1d(d[1]))
    steps = [([gaps], "--bn-eps"), ([gaps, "--bn-eps", "1e-5"], None)]
    add("BatchNorm1d torch's default eps", bn_default, (d[0],), ".safetensors", steps)

    class Named(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc2 = nn.Linear(d[1], d[2])  # declared first: the keys' order is not the order
            self.fc1 = nn.Linear(d[0], d[1])

        def forward(self, x):
            return self.fc2(self.fc1(x))

    steps = [((), "--layers"), (["--layers", "fc1,fc2"], None)]  # the whole function, stated
    add("named modules fc1, fc2", Named(), (d[0],), ".pt", steps)
    nested = nn.Sequential(nn.Sequential(nn.Linear(d[0], d[1]), nn.Linear(d[1], d[2])))
    add(
        "nested Sequential 0.0.*, 0.1.*",
        nested,
        (d[0],),
        ".safetensors",
        [((), gaps), ([gaps], None)],
    )
    bias_free = nn.Sequential(nn.Linear(d[0], d[1], bias=False), nn.Linear(d[1], d[3]))
    add("bias=False", bias_free, (d[0],), ".npz", [((), gaps), ([gaps], None)])
    wide = nn.Sequential(nn.Linear(d[0], d[1]), nn.Linear(d[1], d[2]))
    add("bfloat16", wide, (d[0],), ".safetensors", [([gaps], None)], dtype=torch.bfloat16)
    add("float16", wide, (d[0],), ".pt", [([gaps], None)], dtype=torch.float16)
    square = nn.Sequential(nn.Linear(sq, sq), nn.Linear(sq, sq))
    transposed = {k: v.T.contiguous() if v.ndim == 2 else v for k, v in square.state_dict().items()}
    steps = [([gaps], "--weight-layout"), ([gaps, "--weight-layout", "in-out"], None)]
    add(
        "square weights stored (in, out) as GPT-2's Conv1D",
        square,
        (sq,),
        ".safetensors",
        steps,
        state=transposed,
    )
    conv = nn.Sequential(nn.Conv1d(2, 3, 1), nn.Flatten())
    add("Conv1d 1x1 (no input length in the file)", conv, (2, d[2]), ".pt", [([gaps], "")])
    return cases


def _library_cases(rng) -> list[Case]:
    cases = []
    try:
        from sklearn.neural_network import MLPRegressor
    except ImportError:
        print("  (scikit-learn is not installed: no estimator)")
    else:
        X = rng.standard_normal((64, 5))
        y = X @ rng.standard_normal((5, 2)) + 0.1 * rng.standard_normal((64, 2))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            estimator = MLPRegressor(hidden_layer_sizes=(6, 4), activation="identity", max_iter=50)
            estimator.fit(X, y)
        cases.append(Case("sklearn MLPRegressor(identity), API", estimator, estimator.predict))
        relu = MLPRegressor(hidden_layer_sizes=(4,), max_iter=20)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            relu.fit(X, y)
        cases.append(Case("sklearn MLPRegressor(relu), API", relu, None, refusal="identity"))
    try:
        import keras
    except ImportError:
        print("  (keras is not installed: no Keras model)")
    else:
        model = keras.Sequential(
            [keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dense(2, use_bias=False)]
        )
        cases.append(
            Case("Keras Sequential of Dense, API", model, lambda x: model.predict(x, verbose=0))
        )
    return cases


def _attention_cases(torch, rng, folder: Path) -> list[Case]:
    """Hand-written attention under ``--partial``: one head folds, several are left."""
    from tests.partial_models import attention

    width, tokens = 2 * int(rng.integers(2, 5)), int(rng.integers(3, 6))
    cases = []
    for heads in (1, 2):
        module = attention(torch, width, heads)
        for exporter, dynamo in (("dynamo", True), ("legacy", False)):
            path = _export(
                torch, module, (tokens, width), folder / f"attn{heads}{exporter}.onnx", dynamo
            )
            name = f"--partial, ONNX {exporter}: attention, {heads} head(s) of {width // heads}"
            truth = _torch_truth(module, (tokens, width))
            cases.append(
                Case(name, path, truth, refusal=None if heads == 1 else "not fewer", partial=True)
            )
    return cases + _multihead_cases(torch, width, tokens, folder)


def _multihead_cases(torch, width: int, tokens: int, folder: Path) -> list[Case]:
    """``nn.MultiheadAttention`` (query, key and value packed in one in-projection) under
    ``--partial``: one head folds from a batch of one; two heads are left (never fewer
    numbers); the tokens first or a batch of two is left, saying to export a batch of one."""
    from tests.partial_models import multihead

    cases = []
    for heads, batch_first, batch in ((1, True, 1), (2, True, 1), (1, False, 1), (1, True, 2)):
        module = multihead(torch, width, heads, batch_first)
        shape = (tokens, width)  # what torch's forward is given per input, batch first
        expected = None if (heads, batch_first, batch) == (1, True, 1) else "batch of 1"
        expected = "not fewer" if heads == 2 else expected
        for exporter, dynamo in (("dynamo", True), ("legacy", False)):
            stem = f"mha{heads}{batch_first}{batch}{exporter}"
            file = folder / f"{stem}.onnx"
            if batch_first:
                path = _export(torch, module, shape, file, dynamo, batch)
            else:  # (tokens, 1, width): the tokens first
                path = _export(torch, module, (1, width), file, dynamo, tokens)
            order = "batch first" if batch_first else "tokens first"
            name = (
                f"--partial, ONNX {exporter}: nn.MultiheadAttention, {heads} head(s), "
                f"{order}, batch {batch if batch_first else 1}"
            )
            truth = _torch_truth(module, shape) if batch_first else None  # left: not run
            cases.append(Case(name, path, truth, refusal=expected, partial=True))
    return cases


def _cases(seed: int, folder: Path) -> list[Case]:
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    cases = _onnx_cases(torch, rng, folder) + _state_dict_cases(torch, rng, folder)
    cases += _attention_cases(torch, rng, folder)
    for module, shape in [_modules(torch, rng)["nested Sequential, BatchNorm1d eps=1e-3"]]:
        cases.append(
            Case("torch nested Sequential module, API", module, _torch_truth(module, shape))
        )
    return cases + _library_cases(rng)


def _command_line(path: Path, options) -> tuple[int, str, str]:
    """``symcollapse fold PATH OPTIONS --format json``: its exit status, its JSON and its last
    line on stderr."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-m", "symcollapse", "fold", str(path), *options, "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=path.parent,
        check=False,
    )
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    return run.returncode, run.stdout, lines[-1] if lines else ""


def _against_truth(case: Case, seed: int) -> tuple[float, float]:
    """The fold against the model's own forward pass at inputs of its float type."""
    import symcollapse
    from symcollapse.verification.runtime import check_outputs, random_inputs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        folded = symcollapse.fold(case.artifact, **_api_options(case.options)).fold
    x = random_inputs(folded.model.input_width, folded.model.dtype, SAMPLES, seed + 1)
    assert case.truth is not None
    y = np.asarray(case.truth(x.astype(np.float64)), dtype=np.float64).reshape(len(x), -1)
    check = check_outputs(folded, x, y, "torch float64 forward")
    return check.max_deviation, check.bound


def _run_partial(case: Case, seed: int) -> Row:
    """``fold --partial --export``: the new model against torch's forward, within the pair's
    check bound plus the original model's own distance from torch (the triangle inequality),
    at inputs the check did not see."""
    import json

    import onnxruntime

    path: Path = case.artifact
    new = path.with_name(path.stem + "-folded.onnx")
    code, out, line = _command_line(path, ["--partial", "--export", str(new)])
    if code != 0:
        return Row(case.name, f"DISAGREES (exit {code})", None, None, line)
    data = json.loads(out)
    [pair] = data["attention"]
    if not pair["folded"]:
        ok = case.refusal is not None and case.refusal in pair["left_because"]
        outcome = "left (as expected)" if ok else "REFUSED (left, expected folded)"
        return Row(
            case.name,
            outcome,
            None,
            None,
            f"{pair['parameters']} parameters: {pair['left_because']}",
        )
    if case.refusal is not None:
        return Row(case.name, "WRONG (folded, expected left)", None, None, "")
    session = {
        p: onnxruntime.InferenceSession(str(p), providers=["CPUExecutionProvider"])
        for p in (path, new)
    }
    shape = session[path].get_inputs()[0].shape
    batch = shape[0] if isinstance(shape[0], int) else 1  # a legacy export fixes its batch
    x = np.random.default_rng(seed + 2).standard_normal((batch, *shape[1:])).astype(np.float32)
    outputs = {
        p: s.run(None, {s.get_inputs()[0].name: x})[0].astype(np.float64).reshape(batch, -1)
        for p, s in session.items()
    }
    assert case.truth is not None
    torch_y = case.truth(x.astype(np.float64).reshape(batch, -1))
    deviation = float(np.abs(outputs[new] - torch_y).max())
    bound = float((pair["check"]["bound"] + np.abs(outputs[path] - torch_y)).max())
    outcome = "folded (partial)" if deviation <= bound else "WRONG (exit 0, outside the bound)"
    said = f"{pair['parameters']} -> {pair['folded_parameters']} parameters, "
    said += f"matrix multiplications {data['matrix_multiplications']}"
    return Row(case.name, outcome, deviation, bound, said)


def _run(case: Case, seed: int) -> Row:
    from symcollapse.errors import SymcollapseError

    if case.partial:
        return _run_partial(case, seed)

    if isinstance(case.artifact, Path):
        code, _, line = _command_line(case.artifact, case.options)
    else:
        import symcollapse

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                symcollapse.fold(case.artifact)
            code, line = 0, "folded"
        except SymcollapseError as error:
            code, line = 2, str(error)
    if code == 0:
        if case.truth is None:
            return Row(case.name, "WRONG (folded a model that is not affine)", None, None, line)
        deviation, bound = _against_truth(case, seed)
        outcome = "folded" if deviation <= bound else "WRONG (exit 0, outside the bound)"
        if case.refusal:
            outcome = f"WRONG (exit 0 without {case.refusal})"
        return Row(case.name, outcome, deviation, bound, line)
    if code == 1:
        return Row(case.name, "DISAGREES (our check failed)", None, None, line)
    if case.refusal is not None and case.refusal.lower() in line.lower():
        named = case.refusal or "what it cannot read"
        return Row(case.name, f"refused ({named})", None, None, line)
    return Row(case.name, "REFUSED (an affine model, no option named)", None, None, line)


def _table(rows: list[Row]) -> str:
    lines = ["| model | outcome | deviation from torch | bound | what symcollapse said |"]
    lines.append("|---|---|---|---|---|")
    for row in rows:
        deviation = "" if row.deviation is None else f"{row.deviation:.2e}"
        bound = "" if row.bound is None else f"{row.bound:.2e}"
        said = row.line.removeprefix("symcollapse: ").replace("|", "/")
        lines.append(f"| {row.name} | {row.outcome} | {deviation} | {bound} | {said:.110} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--keep", type=Path, help="write the models here (default: a temp dir)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        cases = _cases(args.seed, folder)
        rows = [_run(case, args.seed) for case in cases]
    print(_table(rows))
    failed = [row for row in rows if row.failed]
    print(f"\n{len(rows)} models, {len(failed)} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
