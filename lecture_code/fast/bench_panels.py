"""How fast is every live panel? ``python -m lecture_code.fast.bench --panels [--json] [--repeats N]``.

Runs the code cells of every chapter in ``book/`` (in this process, in the
chapter's folder, output discarded) to make exactly the panels the chapters
make, then times each one:

- ``default``: the callback at the controls' starting values, median of
  ``repeats`` runs;
- ``corner``: the most expensive corner. Each control's two extremes are
  timed once with the others at their defaults (or compared by the panel's
  cost estimate, if it has one), and the slower extreme of every control is
  taken at once. The reader's wait there is what the live
  widget does: the computation, or, for a panel with a cost estimate above
  ``lecture_code.panels.widgets.LONG_SECONDS``, the message that offers to
  compute it (whose own computing time is reported beside it, one run when
  it takes longer than a second);
- the fast/reference ratio: the playground's default training with
  ``training.train(fused=True)`` against the readable loop, interleaved,
  with each engine behind ``fused=True``: the compiled loop
  (:mod:`lecture_code.fast.compiled_training`, where numba is installed) and
  fused numpy (:mod:`lecture_code.fast.fused_training`);
- the fast path in the corners of training (``CORNERS``: an early stop
  in a large epoch budget, one epoch, divergence, no hidden layer, a deep
  net), against the readable loop: at most 1.2 times its time is the target;
- the compiled loop's one-time cost: numba compiling it with an empty
  cache, and loading it from the cache, each in a fresh process (what a
  panel's creation waits for, once; no slider move does).

Medians are wall-clock, with the CPU time this process spent beside the
default's and the ratio's (about the wall-clock time on an idle machine);
the load average before and after is printed, since the machine may be shared.

See chapter 8 (the playground) and :mod:`lecture_code.fast.bench`.
"""
from __future__ import annotations

import ast
import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .. import _checks

__all__ = ["chapter_panels", "corner", "time_panel", "fast_over_reference", "corner_ratios",
           "compile_cost", "run",
           "table"]

_KEPT: list = []
BOOK = Path(__file__).resolve().parents[2] / "book"


def chapter_panels(book=BOOK, only=()) -> list:
    """``[(chapter name, Panel), ...]``: the panels made by running each chapter's code cells.

    ``book`` is the folder of the chapter notebooks; ``only`` keeps the chapters whose file name starts with one of its strings ("08", ...).
    """
    import matplotlib
    matplotlib.use("Agg")
    import nbformat
    from ..panels.widgets import Panel
    found, here = [], os.getcwd()
    for path in sorted(Path(book).glob("[0-9][0-9]_*.ipynb")):
        if only and not path.name.startswith(tuple(only)):
            continue
        before = {id(p) for p in Panel.instances()}
        namespace, shown = {"__name__": "__main__"}, []
        os.chdir(path.parent)
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                for cell in nbformat.read(path, as_version=4).cells:
                    if cell.cell_type == "code":
                        _run_cell(cell.source, path.name, namespace, shown)
        finally:
            os.chdir(here)
        import matplotlib.pyplot as plt
        plt.close("all")
        found += [(path.stem, p) for p in Panel.instances() if id(p) not in before]
        _KEPT.append((namespace, shown))      # the panels' functions read the chapter's names
    return found


def _run_cell(source: str, name: str, namespace: dict, shown: list) -> None:
    """Run one code cell; keep its last expression's value, as a notebook displays (and keeps) it."""
    tree = ast.parse(source, name)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, name, "exec"), namespace)
    if last is not None:
        shown.append(eval(compile(ast.Expression(last.value), name, "eval"), namespace))


def _seconds(f) -> float:
    started = time.perf_counter()
    f()
    return time.perf_counter() - started


def corner(panel, timer=None) -> dict:
    """The controls' slowest extremes, each timed once with the others at their defaults.

    ``timer(f)`` runs ``f`` and returns its seconds (default: the wall clock).
    A panel with a cost estimate (``lecture_code.panels.widgets.Panel.cost``) is
    not timed: each control takes the extreme with the larger estimate.
    """
    timer = timer or _seconds
    values = {}
    for name, control in panel.controls.items():
        times = {}
        for value in control.extremes():
            if panel.cost is not None:
                times[value] = float(panel.cost(**{**panel.defaults(), name: value}))
                continue
            times[value] = timer(lambda: panel.render(**{name: value}))
        values[name] = max(times, key=times.get)
    return values


def _estimate(panel, values, default_seconds) -> float | None:
    """What the live widget estimates for ``values``, calibrated on the default's time."""
    if panel.cost is None:
        return None
    try:
        return float(panel.cost(**values)) * default_seconds / float(panel.cost(**panel.defaults()))
    except (ValueError, ArithmeticError):
        return None


def time_panel(panel, repeats: int = 15) -> dict:
    """Median milliseconds of the default callback and of the widget's answer at the corner."""
    from ..panels.widgets import LONG_SECONDS
    panel.render()                                          # warm up (backgrounds, caches)
    default, default_cpu = [], []
    for _ in range(repeats):
        cpu = time.process_time()
        default.append(_seconds(panel.render))
        default_cpu.append(time.process_time() - cpu)
    at = corner(panel)
    default_s = float(np.median(default))
    guess = _estimate(panel, {**panel.defaults(), **at}, default_s)
    started = time.perf_counter()
    png, _ = panel.render(**at)
    once = time.perf_counter() - started
    corner_runs = [once] if once > 1.0 else [once] + [_seconds(lambda: panel.render(**at))
                                                      for _ in range(repeats - 1)]
    gated = guess is not None and guess > LONG_SECONDS
    shows = "estimate + button" if gated else ("figure" if png is not None else "message")
    compute_ms = 1e3 * float(np.median(corner_runs))
    return {"default_ms_median": 1e3 * default_s,
            "default_cpu_ms_median": 1e3 * float(np.median(default_cpu)), "corner": {k: repr(v) for k, v in at.items()},
            "corner_compute_ms": compute_ms, "corner_compute_runs": len(corner_runs),
            "corner_estimate_ms": None if guess is None else 1e3 * guess,
            "corner_wait_ms": 0.0 if gated else compute_ms, "corner_shows": shows,
            "repeats": repeats}


@contextlib.contextmanager
def _numba(on: bool):
    """``LECTURE_CODE_NUMBA`` set to run ``fused=True`` compiled (``on``) or in numpy."""
    before = os.environ.get("LECTURE_CODE_NUMBA")
    os.environ["LECTURE_CODE_NUMBA"] = "1" if on else "0"
    try:
        yield
    finally:
        if before is None:
            del os.environ["LECTURE_CODE_NUMBA"]
        else:
            os.environ["LECTURE_CODE_NUMBA"] = before


def fast_over_reference(repeats: int = 15) -> dict:
    """The playground default's training, readable loop against ``fused=True``, interleaved.

    ``fast`` is ``fused=True`` as the panels run it (compiled where numba is
    installed); ``numpy`` is the same with the compiled loop switched off.
    """
    from . import compiled_training
    from .. import playground, training
    config = playground.Config()
    X, _, y, _ = playground.make_data(config)
    compiled = compiled_training.available()

    def train(kind):
        rng = np.random.default_rng([config.seed, config.restart])
        model = playground.build(config, rng)
        with _numba(kind == "fast"):
            wall, cpu = time.perf_counter(), time.process_time()
            training.train(model, X, y, loss="bce", optimizer=config.optimizer, lr=config.lr,
                           epochs=config.epochs, rng=rng, fused=kind != "reference")
            return time.perf_counter() - wall, time.process_time() - cpu
    kinds = ("reference", "fast", "numpy")
    times = {k: [] for k in kinds}
    with playground.one_blas_thread():
        for kind in kinds:
            train(kind)
        for _ in range(repeats):
            for kind in kinds:
                times[kind].append(train(kind))
    wall = {k: 1e3 * float(np.median([w for w, _ in times[k]])) for k in kinds}
    cpu = {k: 1e3 * float(np.median([c for _, c in times[k]])) for k in kinds}
    return {"engine": (f"compiled (numba {compiled_training.numba.__version__})" if compiled
                       else "fused numpy (numba not installed)"),
            "reference_train_ms_median": wall["reference"], "fast_train_ms_median": wall["fast"],
            "numpy_train_ms_median": wall["numpy"],
            "fast_over_reference": wall["fast"] / wall["reference"],
            "numpy_over_reference": wall["numpy"] / wall["reference"],
            "reference_train_cpu_ms_median": cpu["reference"],
            "fast_train_cpu_ms_median": cpu["fast"], "numpy_train_cpu_ms_median": cpu["numpy"],
            "fast_over_reference_cpu": cpu["fast"] / cpu["reference"], "repeats": repeats}


#: The corners of training the fast path must not lose in: (name, training.train's arguments).
CORNERS = (
    ("early stop in a 20000-epoch budget", dict(epochs=20000, batch_size=10, dropout=0.3, patience=3)),
    ("one full-batch epoch", dict(epochs=1)),
    ("one epoch of single examples", dict(epochs=1, batch_size=1)),
    ("diverges in the first epoch", dict(epochs=300, lr=1e300, optimizer="momentum")),
    ("100 epochs, minibatches and dropout", dict(epochs=100, batch_size=10, dropout=0.5)),
    ("no hidden layer, 300 epochs", dict(epochs=300, hidden=())),
    ("six layers of 16, 100 epochs", dict(epochs=100, hidden=(16,) * 6, batch_size=10)),
)


def corner_ratios(repeats: int = 15) -> list[dict]:
    """``fused=True`` against the readable loop in each of ``CORNERS``, interleaved, medians.

    Each corner trains a fresh network on 200 points of the playground's circles
    (validation on 100), as a panel would; ``fast`` is compiled where numba is
    installed. The fast path should take at most 1.2 times the reference's time
    in every corner (reported, not asserted: the machines are shared).
    """
    from .. import datasets, training
    from ..network import MLP
    data = np.random.default_rng(0)
    X, y = datasets.circles(300, rng=data, noise=0.1)
    rows = []
    for name, options in CORNERS:
        options = dict(options)
        hidden, dropout = options.pop("hidden", (8, 8)), options.pop("dropout", 0.0)
        patience = options.pop("patience", None)
        options.setdefault("optimizer", "adam")
        options.setdefault("lr", 0.03)

        def train(fused):
            model = MLP([2, *hidden, 1], "relu", "sigmoid", rng=np.random.default_rng(1), dropout=dropout)
            start = time.perf_counter()
            with np.errstate(all="ignore"):
                hist = training.train(model, X[:200], y[:200], loss="bce", rng=np.random.default_rng(2),
                                      X_val=X[200:], y_val=y[200:], patience=patience, fused=fused,
                                      **options)
            return time.perf_counter() - start, hist.epochs
        times = {False: [], True: []}
        train(False), train(True)
        for _ in range(repeats):
            for fused in (False, True):
                times[fused].append(train(fused))
        reference, fast = (1e3 * float(np.median([t for t, _ in times[f]])) for f in (False, True))
        rows.append({"corner": name, "epochs_run": times[False][0][1], "reference_ms": reference,
                     "fast_ms": fast, "fast_over_reference": fast / reference})
    return rows


def compile_cost() -> dict | None:
    """Seconds of ``compiled_training.warm_up()`` in a fresh process: with an empty numba
    cache (the compilation), then again with the cache it left (the load); None without numba."""
    from . import compiled_training
    if compiled_training.numba is None:
        return None
    code = "from lecture_code import compiled_training as c; print(c.warm_up(wait=True))"
    seconds = []
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache, "LECTURE_CODE_NUMBA": "1"}
        for _ in range(2):
            out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                 text=True, check=True)
            seconds.append(float(out.stdout.split()[-1]))
    return {"compile_s": seconds[0], "cached_load_s": seconds[1]}


def run(repeats: int = 15, only=()) -> dict:
    """Every panel's timings, the fast/reference ratio and the load average before and after."""
    repeats = _checks.count(repeats, "repeats")
    report = {"load_average_before": os.getloadavg(), "cpus": os.cpu_count(), "panels": []}
    for chapter, panel in chapter_panels(only=only):
        row = time_panel(panel, repeats)
        row.update(chapter=chapter, panel="Panel(" + ", ".join(panel.controls) + ")")
        report["panels"].append(row)
        print(f"timed {chapter}: {row['panel']}", file=sys.stderr)
    report["ratio"] = fast_over_reference(repeats)
    report["corners"] = corner_ratios(repeats)
    report["compile"] = compile_cost()
    report["load_average_after"] = os.getloadavg()
    return report


def table(report: dict) -> str:
    """The report as a plain-text table."""
    lines = [f"every live panel, medians of {report['ratio']['repeats']} runs; load average "
             f"{report['load_average_before'][0]:.1f} before, {report['load_average_after'][0]:.1f}"
             f" after, on {report['cpus']} CPUs", "",
             f"{'chapter':<20}{'controls':<34}{'default ms':>11}{'(CPU ms)':>9}{'corner wait ms':>15}"
             f"{'corner compute ms':>18}  corner shows"]
    for row in report["panels"]:
        controls = row["panel"][6:-1]
        controls = controls if len(controls) <= 32 else controls[:29] + "..."
        runs = "" if row["corner_compute_runs"] > 1 else " (1 run)"
        lines.append(f"{row['chapter']:<20}{controls:<34}{row['default_ms_median']:>11.1f}"
                     f"{row['default_cpu_ms_median']:>9.1f}"
                     f"{row['corner_wait_ms']:>15.1f}{row['corner_compute_ms']:>18.1f}  "
                     f"{row['corner_shows']}{runs}")
    r = report["ratio"]
    lines += ["", f"playground default training ({r['engine']} behind fused=True): reference "
              f"{r['reference_train_ms_median']:.1f} ms, fast {r['fast_train_ms_median']:.1f} ms, "
              f"fast / reference {r['fast_over_reference']:.2f} (CPU time: "
              f"{r['reference_train_cpu_ms_median']:.1f} and {r['fast_train_cpu_ms_median']:.1f} ms, "
              f"{r['fast_over_reference_cpu']:.2f}); fused numpy {r['numpy_train_ms_median']:.1f} ms, "
              f"{r['numpy_over_reference']:.2f} of the reference"]
    corners = report.get("corners") or []
    if corners:
        worst = max(c["fast_over_reference"] for c in corners)
        lines += ["", f"the fast path in the corners of training (target: at most 1.2 x the reference; "
                      f"worst here {worst:.2f}):",
                  f"{'corner':<40}{'epochs run':>11}{'reference ms':>14}{'fast ms':>9}{'fast/ref':>9}"]
        lines += [f"{c['corner']:<40}{c['epochs_run']:>11}{c['reference_ms']:>14.2f}{c['fast_ms']:>9.2f}"
                  f"{c['fast_over_reference']:>9.2f}" for c in corners]
    c = report.get("compile")
    lines.append("compiled loop: not available (numba is not installed)" if c is None else
                 f"compiled loop, once per machine: compiling {c['compile_s']:.2f} s, then loading "
                 f"from numba's cache {c['cached_load_s']:.2f} s, at panel creation")
    return "\n".join(lines)
