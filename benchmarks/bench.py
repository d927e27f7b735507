"""Benchmark of the verification routes over a grid of (width, depth), and as whole processes.

Run from the repository root::

    python benchmarks/bench.py              # grid, whole processes, peers (about 5 minutes)
    python benchmarks/bench.py --quick      # small sizes, for a smoke test
    python benchmarks/bench.py --exact      # exact 3 x 13 against python-flint and the sort floor
    python benchmarks/bench.py --fold       # trained models' exact fold against the float64 chain
    python benchmarks/bench.py --random     # random 512 x 101, and 512 to 4096 x 3, against BLAS

For every cell ``widths = (w,) * (depth + 1)`` it prints the closed-form term counts, the time of
the naive route (sympy matrices, ``expand``, compare: what ``collapse()`` did before the exact
route), of the exact route (the reference forward pass against the emitted path sums read by
name, no sympy), of the random-point check (its default prime and trials), the ratio
naive/exact from the same run, and the exact route's peak traced memory. Naive runs are skipped
above ``--naive-max-terms``. The whole-process part also times ``symcollapse dynamics saxe``
(Saxe et al.'s curves against the integrated flow).

Then each kind of work against its peer in the same run (``peers.py``), both as whole processes
run in turn (A B A B ..., after one warm-up each): the median time of each side with its range,
the largest peak resident memory, and the median and range of the pairwise ratios symcollapse /
peer (below 1 means faster). A trained model's exact fold is compared the same way with the float64
chain of its weights and with onnxruntime loading it and running one batch. Last, the documents
against ``sympy.latex`` of the same entries warm, in one process after a first run, where the
interpreter's start and sympy's import (common to both) do not count; the fresh-process ratio is
the peer table's. The exact route is also timed in-process against the sort floor (each side
writes its monomials once and sorts a 64-bit key per monomial, output by output), in turn. The
first line states the machine's load and the BLAS thread count.
"""

from __future__ import annotations

import argparse
import compileall
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from symcollapse.algebra.collapsing import collapse  # noqa: E402
from symcollapse.spec.cost import path_sum_words  # noqa: E402
from symcollapse.spec.limits import term_counts  # noqa: E402
from symcollapse.verification.emitted import exactly_equal  # noqa: E402
from symcollapse.verification.random import random_check  # noqa: E402

GRID = [(2, d) for d in (4, 8, 12, 16)] + [(3, d) for d in (3, 5, 6, 7, 8, 10)]
GRID += [(4, d) for d in (3, 4, 5, 7)] + [(8, 4), (16, 3), (64, 100), (64, 1000)]
QUICK_GRID = [(2, 3), (3, 4), (64, 50)]


def naive_verify(widths: Sequence[int]) -> bool:
    """The naive route: sympy Matrix products, ``expand``, and ``f(x) - (W_z x + b_z) == 0``."""
    result = collapse(widths, max_terms=10**12, method="naive")
    return all(entry == 0 for entry in result.residual())


def exact_verify(widths: Sequence[int]) -> bool:
    """The exact route: the reference forward pass against the emitted path sums read by name."""
    holds, _ = exactly_equal(tuple(widths))
    return holds


def random_verify(widths: Sequence[int]) -> bool:
    return random_check(tuple(widths), seed=0).holds


def timed(check: Callable[[Sequence[int]], bool], widths: Sequence[int]) -> float:
    start = time.perf_counter()
    if not check(widths):
        raise SystemExit(f"{check.__name__} says the identity fails for {widths}")
    return time.perf_counter() - start


def peak_mb(check: Callable[[Sequence[int]], bool], widths: Sequence[int]) -> float:
    """Peak memory traced by ``tracemalloc`` during one more run (Python allocations only)."""
    tracemalloc.start()
    check(widths)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def _short(number: int) -> str:
    """Counts up to a billion in full, larger ones as ``6.5e+178`` (exact ints exceed floats)."""
    if number < 10**9:
        return f"{number:,}"
    exponent = math.floor(math.log10(number))
    return f"{10 ** (math.log10(number) - exponent):.1f}e+{exponent}"


def grid(cells: Sequence[tuple[int, int]], naive_max: int, exact_max: int) -> None:
    header = (
        f"{'width':>5} {'depth':>5} {'terms/W_z entry':>16} {'terms total':>13} "
        f"{'naive s':>8} {'exact s':>8} {'random s':>8} {'naive/exact':>11} {'exact MB':>8}"
    )
    print(header)
    print("-" * len(header))
    for width, depth in cells:
        widths = (width,) * (depth + 1)
        counts = term_counts(widths)
        naive = timed(naive_verify, widths) if counts.total <= naive_max else None
        exact = timed(exact_verify, widths) if counts.total <= exact_max else None
        memory = peak_mb(exact_verify, widths) if exact is not None else None
        rand = timed(random_verify, widths)
        ratio = f"{naive / exact:,.0f}x" if naive is not None and exact else "-"
        print(
            f"{width:>5} {depth:>5} {_short(counts.per_W_z_entry):>16} {_short(counts.total):>13} "
            f"{_fmt(naive):>8} {_fmt(exact):>8} {rand:>8.3f} {ratio:>11} "
            f"{'-' if memory is None else f'{memory:.1f}':>8}",
            flush=True,
        )


def _fmt(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.3f}"


#: Reports the process's own peak resident memory in kB on stderr (what :func:`_paired` reads):
#: ``VmHWM`` belongs to the new address space, whereas ``ru_maxrss`` survives ``exec`` and so
#: can report the forking parent's size.
PEAK = (
    "import sys\n"
    "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]\n"
    "print(peak, file=sys.stderr)\n"
)

#: Runs the CLI like ``python -m symcollapse``, then reports its peak (:data:`PEAK`).
MEASURED_CLI = (
    "import sys\nfrom symcollapse.cli import main\nstatus = main(sys.argv[1:])\n"
    + PEAK
    + "sys.exit(status)"
)


def _run(argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, *argv], capture_output=True, text=True, env=environment, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:4])} ... failed: {result.stderr.strip()}")
    return result


def _seconds(argv: Sequence[str]) -> float:
    """Wall time of one whole child process."""
    start = time.perf_counter()
    _run(argv)
    return time.perf_counter() - start


def _peak_mb(cli_argv: Sequence[str]) -> float:
    """Peak resident memory of ``symcollapse <cli_argv>`` as the process itself reports it."""
    return int(_run(["-c", MEASURED_CLI, *cli_argv]).stderr.split()[-1]) / 1024


def processes() -> None:
    """Whole processes, sympy's import included: ``symcollapse verify`` against a naive script."""
    print("\nwhole processes (python startup and imports included):")
    print(f"  python -c 'import sympy': {_seconds(['-c', 'import sympy']):.2f} s")
    w38 = ["3"] * 8
    naive = _seconds([__file__, "--naive", *w38])
    exact = _seconds(["-m", "symcollapse", "verify", *w38, "--method", "exact"])
    print(
        f"  3 x 8 naive script: {naive:.2f} s; symcollapse verify --method exact: {exact:.2f} s; "
        f"ratio {naive / exact:.0f}x"
    )
    saxe = ["dynamics", "saxe", "--strengths", "3,2,1", "--u0", "0.001", "--t-max", "6"]
    for label, cli_argv in [
        ("3 x 11 symcollapse verify --method exact", ["verify", *["3"] * 11, "--method", "exact"]),
        ("64 x 1001 symcollapse verify (auto: random)", ["verify", *["64"] * 1001]),
        ("symcollapse dynamics saxe (3 modes, full matrix flow to t = 6)", saxe),
    ]:
        seconds = _seconds(["-m", "symcollapse", *cli_argv])
        print(f"  {label}: {seconds:.2f} s, peak RSS {_peak_mb(cli_argv):.0f} MB")


#: Start-up as a child runs it, then whether it loaded numpy and sympy (the goal: neither).
START_UP = {
    "import symcollapse": "import symcollapse",
    "symcollapse --help": (  # what the console script runs
        "from symcollapse.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    ),
}
LOADED = "\nimport sys\nprint(*(m in sys.modules for m in ('numpy', 'sympy')), file=sys.stderr)"


def start_up(runs: int = 9) -> None:
    """Each start-up against Python alone (a child that only reports its peak memory), whole
    processes in turn after a warm-up each (:func:`_paired`): medians and ranges, and whether
    it loaded numpy or sympy (one more run, untimed)."""
    print(f"\nstart-up (whole processes in turn with python alone, medians of {runs}):")
    for label, code in START_UP.items():
        paired = _paired(["-c", f"{code}\n{PEAK}"], ["-c", PEAK], runs)
        numpy, sympy = _run(["-c", code + LOADED]).stderr.split()[-2:]
        own, bare = (
            f"{statistics.median(times):.3f} s ({min(times):.3f}-{max(times):.3f})"
            for times in paired.seconds
        )
        print(f"  {label}: {own}, python alone {bare}; loads numpy: {numpy}, sympy: {sympy}")


PEERS_SCRIPT = Path(__file__).resolve().parent / "peers.py"

FLINT = "python-flint fmpz_mpoly"
BLAS = "float64 BLAS matmul"
LATEX = "sympy.latex of entries"

#: Per size: (work, command, widths, further options, peer in peers.py or None, peer label).
CASES = {
    "full": [
        (
            "exact 3 x 13",
            "verify",
            [3] * 13,
            ["--method", "exact", "--max-terms", "3000000"],
            "exact",
            FLINT,
        ),
        ("random 512 x 101", "verify", [512] * 101, ["--method", "random"], "blas", BLAS),
        *(
            (f"random {w} x 3", "verify", [w] * 3, ["--method", "random"], "blas", BLAS)
            for w in (512, 1024, 2048, 4096)
        ),
        ("document 3 x 8", "derive", [3] * 8, ["--standalone"], "latex", LATEX),
        ("depth 1 x 61", "derive", [1] * 61, ["--max-depth", "100"], None, "(time only)"),
    ],
    "quick": [
        ("exact 3 x 7", "verify", [3] * 7, ["--method", "exact"], "exact", FLINT),
        ("random 64 x 11", "verify", [64] * 11, ["--method", "random"], "blas", BLAS),
        ("document 3 x 4", "derive", [3] * 4, ["--standalone"], "latex", LATEX),
        ("depth 1 x 11", "derive", [1] * 11, [], None, "(time only)"),
    ],
}


@dataclass(frozen=True)
class Paired:
    """Whole-process runs of two commands in turn: each side's seconds and peak MiB per run."""

    seconds: tuple[list[float], list[float]]
    peaks: tuple[list[float], list[float]]

    def side(self, i: int) -> str:
        times = self.seconds[i]
        return f"{statistics.median(times):.2f} ({min(times):.2f}-{max(times):.2f})"

    def ratio(self) -> str:
        ratios = [a / b for a, b in zip(*self.seconds, strict=True)]
        return f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"


def _paired(a: Sequence[str], b: Sequence[str] | None, runs: int) -> Paired:
    """``a`` and ``b`` (children that report their own ``VmHWM``) in turn, A B A B ..., after one
    warm-up each, so a drift in the machine's speed reaches both sides alike (``a`` alone when
    ``b`` is None)."""
    seconds: tuple[list[float], list[float]] = ([], [])
    peaks: tuple[list[float], list[float]] = ([], [])
    for run in range(runs + 1):
        for i, argv in enumerate((a, b) if b is not None else (a,)):
            start = time.perf_counter()
            result = _run(argv)
            if run:
                seconds[i].append(time.perf_counter() - start)
                peaks[i].append(int(result.stderr.split()[-1]) / 1024)
    return Paired(seconds, peaks)


def blas_threads() -> str:
    """The BLAS thread count: threadpoolctl's when installed, else what the environment asks."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            if name in os.environ:
                return f"{os.environ[name]} ({name})"
        return f"BLAS default (no threadpoolctl; {os.cpu_count()} cores)"
    return ", ".join(f"{i['internal_api']} {i['num_threads']}" for i in threadpool_info())


def _load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def _has_flint() -> bool:
    try:
        import flint  # noqa: F401
    except ImportError:
        return False
    return True


RUNS = 5

HEADER = (
    f"{'work':<17} {'symcollapse s (range)':>22} {'MiB':>5}  {'peer':<24} "
    f"{'peer s (range)':>22} {'MiB':>5}  ratio (range)"
)


def _row(work: str, paired: Paired, label: str) -> str:
    return (
        f"{work:<17} {paired.side(0):>22} {max(paired.peaks[0]):>5.0f}  {label:<24} "
        f"{paired.side(1):>22} {max(paired.peaks[1]):>5.0f}  {paired.ratio()}"
    )


def peers(size: str, runs: int = RUNS, cases: Sequence[str] | None = None) -> None:
    """Each kind of work (or those whose name starts with one of ``cases``) against its peer,
    both whole processes in turn in this run."""
    print(
        f"\nagainst peers (whole processes in turn, medians of {runs}; "
        "ratio = symcollapse time / peer time, pair by pair):"
    )
    print(HEADER)
    print("-" * len(HEADER))
    for work, command, widths, options, peer, label in CASES[size]:
        if cases is not None and not work.startswith(tuple(cases)):
            continue
        shown = list(map(str, widths))
        ours = ["-c", MEASURED_CLI, command, *shown, *options]
        if peer is None or (peer == "exact" and not _has_flint()):
            missing = label if peer is None else "python-flint missing"
            paired = _paired(ours, None, runs)
            print(f"{work:<17} {paired.side(0):>22} {max(paired.peaks[0]):>5.0f}  {missing}")
            continue
        print(_row(work, _paired(ours, [str(PEERS_SCRIPT), peer, *shown], runs), label))


#: The trained models folded: an MNIST-sized MLP and wide square layers.
TRAINED = [(784, 1024, 1024, 1024, 10), (4096,) * 3]


def trained_model(widths: Sequence[int], runs: int = RUNS) -> None:
    """The exact fold of a float32 MLP (random weights) against the float64 chain of the same
    weights and against onnxruntime loading the model and running one batch of 4096, each
    a whole process reading the same model from a file."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    rng = np.random.default_rng(0)
    tensors, nodes, inits, name = {}, [], [], "x"
    for k in range(len(widths) - 1):
        W = (rng.standard_normal((widths[k + 1], widths[k])) / widths[k]).astype(np.float32)
        b = rng.standard_normal(widths[k + 1]).astype(np.float32)
        tensors[f"{k}.weight"], tensors[f"{k}.bias"] = W, b  # Linear after Linear
        inits += [numpy_helper.from_array(W, f"W{k}"), numpy_helper.from_array(b, f"b{k}")]
        nodes.append(
            helper.make_node("Gemm", [name, f"W{k}", f"b{k}"], [f"h{k}"], transB=1, name=f"g{k}")
        )
        name = f"h{k}"
    float32 = onnx.TensorProto.FLOAT
    graph = helper.make_graph(
        nodes,
        "mlp",
        [helper.make_tensor_value_info("x", float32, ["N", widths[0]])],
        [helper.make_tensor_value_info(name, float32, ["N", widths[-1]])],
        inits,
    )
    shape = "-".join(map(str, widths))
    print(f"\ntrained model {shape}, float32 (whole processes in turn, medians of {runs}):")
    print(HEADER)
    print("-" * len(HEADER))
    with tempfile.TemporaryDirectory() as directory:
        model = str(Path(directory) / "mlp")
        np.savez(f"{model}.npz", **tensors)
        onnx.save(helper.make_model(graph), f"{model}.onnx")
        ours = [str(PEERS_SCRIPT), "fold", model]
        for peer, label in (
            ("chain", "float64 chain (numpy)"),
            ("onnxruntime", "onnxruntime batch 4096"),
        ):
            print(_row("exact fold", _paired(ours, [str(PEERS_SCRIPT), peer, model], runs), label))


def sort_floor(widths: tuple[int, ...], runs: int = RUNS) -> None:
    """The exact route in this process (after a first run) against the floor of any route that
    compares two sets of monomials by sorting them: each side writes every monomial of
    ``W_z x + b_z`` once (a row of path sum words each) and sorts one 64-bit key per monomial,
    output by output (each output's polynomial is a set of its own: sorting all outputs as one
    array, as this floor did before, makes the sort some 10 % longer than any route needs); the
    two in turn, A B A B, medians and the median of the pairwise ratios."""
    import numpy as np

    counts = term_counts(widths)
    terms = counts.total
    words = path_sum_words(widths) // terms
    per_output = counts.total // counts.b_z_entries
    keys = np.random.default_rng(0).integers(0, 2**63 - 1, (counts.b_z_entries, per_output))

    def floor() -> None:
        for _ in range(2):
            np.full((words, terms), 1, dtype=np.uint64)
            for output in keys:
                np.sort(output)

    exact_verify(widths)
    ours, floors = [], []
    for _ in range(runs):
        ours.append(median_seconds(lambda: exact_verify(widths), 1))
        floors.append(median_seconds(floor, 1))
    ratios = [a / b for a, b in zip(ours, floors, strict=True)]
    shape = f"{widths[0]} x {len(widths)}"
    print(
        f"\nexact {shape} in-process against the sort floor ({terms:,} monomials, {words} path "
        f"words each, sorted {per_output:,} an output; medians of {runs}, in turn): symcollapse "
        f"{statistics.median(ours):.3f} s "
        f"({min(ours):.3f}-{max(ours):.3f}), floor {statistics.median(floors):.3f} s "
        f"({min(floors):.3f}-{max(floors):.3f}), ratio {statistics.median(ratios):.2f}x "
        f"({min(ratios):.2f}-{max(ratios):.2f})"
    )


def median_seconds(work: Callable[[], object], runs: int) -> float:
    """The median wall time of ``runs`` calls of ``work``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def documents(widths: tuple[int, ...], runs: int = 3) -> None:
    """The document against ``sympy.latex`` of the same entries, both in this process after the
    imports: the document is the whole work (collapse, derivation and its checks, a standalone
    LaTeX and a Markdown document); the peer prints the already expanded ``W_z``, ``b_z``."""
    import sympy as sp

    from symcollapse.derivations.dense import derive
    from symcollapse.render.latex import render_document
    from symcollapse.render.markdown import render_markdown

    expanded = collapse(widths)
    entries = [*expanded.W_z, *expanded.b_z]

    def median(work: Callable[[], object]) -> float:
        work()  # warm: the first run's imports and caches are not counted
        return median_seconds(work, runs)

    latex = median(lambda: render_document(derive(widths)))
    markdown = median(lambda: render_markdown(derive(widths)))
    peer = median(lambda: [sp.latex(e) for e in entries])
    shape = f"{widths[0]} x {len(widths)}"
    print(
        f"\ndocuments of {shape} in-process, warm (medians of {runs} after one run; peer: "
        f"{LATEX}, {peer:.2f} s; the fresh-process ratio is the peer table's):"
    )
    print(
        f"  standalone LaTeX {latex:.3f} s ({latex / peer:.3f}x), Markdown {markdown:.3f} s "
        f"({markdown / peer:.3f}x)"
    )
    reread(widths, latex, runs)


def reread(widths: tuple[int, ...], rendering: float, runs: int = 3) -> None:
    """What reading a document back before writing it costs (``cli/reread.py``), next to
    deriving and rendering it (``rendering`` seconds for LaTeX, each other format timed here):
    the reader parses the bytes and checks every row."""
    from symcollapse.derivations.dense import derive
    from symcollapse.reading import check_text
    from symcollapse.render.html import render_html
    from symcollapse.render.latex import render_document
    from symcollapse.render.typst import render_typst_document

    derivation = derive(widths)
    renderers = {"LaTeX": render_document, "Typst": render_typst_document, "HTML": render_html}
    for name, render in renderers.items():
        text = render(derivation)
        spent = rendering
        if name != "LaTeX":
            spent = median_seconds(lambda: render(derive(widths)), runs)  # noqa: B023
        language = {"Typst": "typst", "HTML": "html"}.get(name)
        seconds = median_seconds(lambda: check_text(text, language=language), runs)  # noqa: B023
        print(
            f"  {name}: read back and checked {seconds:.3f} s ({seconds / spent:.2f}x the "
            "rendering)"
        )


def gradients_reread(widths: tuple[int, ...], runs: int = 3) -> None:
    """The same for a gradients document at ``full`` (``reading/calculus.py``): the reader
    differentiates the loss the document defines and, beyond a few symbols, compares each row
    at a random exact point rather than expanding it."""
    from symcollapse.algebra.gradients import gradients
    from symcollapse.derivations.gradients import derive_gradients
    from symcollapse.reading import check_text
    from symcollapse.render.latex import render_document

    def write() -> str:
        return render_document(derive_gradients(gradients(widths), "full"))

    text = write()
    rendering = median_seconds(write, runs)
    seconds = median_seconds(lambda: check_text(text), runs)
    print(
        f"  gradients {' '.join(map(str, widths))} full, LaTeX: written {rendering:.3f} s, read "
        f"back and checked {seconds:.3f} s ({seconds / rendering:.2f}x the writing)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small grid, no whole processes")
    parser.add_argument("--naive-max-terms", type=int, default=10_000)
    parser.add_argument("--exact-max-terms", type=int, default=3_000_000)
    parser.add_argument(
        "--exact",
        action="store_true",
        help="only the exact route: against python-flint and against the sort floor",
    )
    parser.add_argument(
        "--fold",
        action="store_true",
        help="only the trained models' exact fold against the float64 chain and onnxruntime",
    )
    parser.add_argument(
        "--random",
        action="store_true",
        help="only the random route against float64 BLAS (with --exact: both, in one run)",
    )
    parser.add_argument("--naive", nargs="+", type=int, metavar="D", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.naive:  # the naive script timed as a whole process
        return 0 if naive_verify(args.naive) else 1
    # Byte-compiled first, as pip installs a package: where PYTHONDONTWRITEBYTECODE is set, an
    # uncompiled tree is compiled again by every process (0.1-0.2 s of each, not the work's).
    compileall.compile_dir(ROOT / "symcollapse", quiet=1)
    print(
        f"symcollapse benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {_load()}, "
        f"BLAS threads: {blas_threads()}, package byte-compiled"
    )
    if args.exact or args.random:
        peers("full", cases=("exact",) * args.exact + ("random",) * args.random)
        if args.exact:
            sort_floor((3,) * 13)
        print(f"\nat the end: {_load()}")
        return 0
    if args.fold:
        for widths in TRAINED:
            trained_model(widths)
        print(f"\nat the end: {_load()}")
        return 0
    random_verify((2, 1))  # numpy's import is not part of the first cell's time
    grid(QUICK_GRID if args.quick else GRID, args.naive_max_terms, args.exact_max_terms)
    start_up(1 if args.quick else 9)
    if not args.quick:
        processes()
    peers("quick" if args.quick else "full", runs=1 if args.quick else RUNS)
    sort_floor((3,) * (7 if args.quick else 13), runs=1 if args.quick else RUNS)
    for widths in [(16, 32, 32, 4)] if args.quick else TRAINED:
        trained_model(widths, 1 if args.quick else RUNS)
    documents((3,) * (4 if args.quick else 8))
    gradients_reread((3, 2, 2) if args.quick else (2, 3, 3, 1))
    print(f"\nat the end: {_load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
