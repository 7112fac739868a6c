"""How fast is every live panel? ``python -m lecture_code.bench --panels [--json] [--repeats N]``.

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
  ``lecture_code.widgets.LONG_SECONDS``, the message that offers to
  compute it (whose own computing time is reported beside it, one run when
  it takes longer than a second);
- the fast/reference ratio: the playground's default training with
  ``training.train(fused=True)`` against the readable loop, interleaved.

Medians are wall-clock, with the CPU time this process spent beside the
default's and the ratio's (about the wall-clock time on an idle machine);
the load average before and after is printed, since the machine may be shared.

See chapter 8 (the playground) and :mod:`lecture_code.bench`.
"""
from __future__ import annotations

import ast
import contextlib
import io
import os
import sys
import time
from pathlib import Path

import numpy as np

from . import _checks

__all__ = ["chapter_panels", "corner", "time_panel", "fast_over_reference", "run", "table"]

_KEPT: list = []
BOOK = Path(__file__).resolve().parents[1] / "book"


def chapter_panels(book=BOOK, only=()) -> list:
    """``[(chapter name, Panel), ...]``: the panels made by running each chapter's code cells.

    ``book`` is the folder of the chapter notebooks; ``only`` keeps the chapters whose file name starts with one of its strings ("08", ...).
    """
    import matplotlib
    matplotlib.use("Agg")
    import nbformat
    from .widgets import Panel
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
    A panel with a cost estimate (``lecture_code.widgets.Panel.cost``) is
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
    from .widgets import LONG_SECONDS
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


def fast_over_reference(repeats: int = 15) -> dict:
    """The playground default's training, readable loop against ``fused=True``, interleaved."""
    from . import playground, training
    config = playground.Config()
    X, _, y, _ = playground.make_data(config)

    def train(fused):
        rng = np.random.default_rng([config.seed, config.restart])
        model = playground.build(config, rng)
        wall, cpu = time.perf_counter(), time.process_time()
        training.train(model, X, y, loss="bce", optimizer=config.optimizer, lr=config.lr,
                       epochs=config.epochs, rng=rng, fused=fused)
        return time.perf_counter() - wall, time.process_time() - cpu
    times = {False: [], True: []}
    with playground.one_blas_thread():
        train(False), train(True)
        for _ in range(repeats):
            for fused in (False, True):
                times[fused].append(train(fused))
    ref, fast = (1e3 * float(np.median([w for w, _ in times[k]])) for k in (False, True))
    ref_cpu, fast_cpu = (1e3 * float(np.median([c for _, c in times[k]])) for k in (False, True))
    return {"reference_train_ms_median": ref, "fast_train_ms_median": fast,
            "fast_over_reference": fast / ref, "reference_train_cpu_ms_median": ref_cpu,
            "fast_train_cpu_ms_median": fast_cpu, "fast_over_reference_cpu": fast_cpu / ref_cpu,
            "repeats": repeats}


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
    lines += ["", f"playground default training: reference {r['reference_train_ms_median']:.1f} ms, "
              f"fused {r['fast_train_ms_median']:.1f} ms, fast / reference "
              f"{r['fast_over_reference']:.2f} (CPU time: {r['reference_train_cpu_ms_median']:.1f} "
              f"and {r['fast_train_cpu_ms_median']:.1f} ms, {r['fast_over_reference_cpu']:.2f})"]
    return "\n".join(lines)
