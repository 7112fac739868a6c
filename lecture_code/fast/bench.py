"""How fast is the playground? ``python -m lecture_code.fast.bench [--json] [--repeats N]``.

``--panels`` times every live panel of the book instead, at its default and
at its most expensive corner (see :mod:`lecture_code.fast.bench_panels`).

Times the playground's default configuration (:class:`lecture_code.playground.Config`)
on this machine and prints a table of medians over ``repeats`` runs:

- ``train``: :func:`~lecture_code.playground.run`, the training alone;
- ``render``: redrawing the figure into the PNG the notebook shows;
- ``callback``: the whole slider callback as the widget runs it
  (``Panel.render``: train, then render);
- ``redraw``: a render that must also redraw the figure's background (when
  the data's box, the epoch axis or the loss changes);
- ``torch_train``: the same training in PyTorch on the CPU, from the same
  initial weights (:func:`lecture_code.bridge.train_torch`), and how far the
  two final losses differ.

A second table shows how the callback grows with the number of points and the
width of the network. ``--json`` prints everything as one JSON object on the
last line. Timings vary with what else the machine is doing: they are medians,
interleaved so that a busy moment hits every measurement alike; the CPU time
(``*_cpu_ms_median``) beside each is what this process itself spent, about the
wall-clock time the same work takes on an idle machine.

See chapter 8 (the playground).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numpy as np

from .. import _checks, playground

__all__ = ["measure", "scaling", "main", "POINTS", "UNITS"]

POINTS = (200, 500, 1000, 2000, 5000)   # rows of the scaling table
UNITS = (4, 16, 32)                     # its columns: units per hidden layer


def _ms(f) -> tuple[float, float]:
    """Wall-clock and CPU time of ``f()`` in ms (they differ when other programs take the CPU)."""
    wall, cpu = time.perf_counter(), time.process_time()
    f()
    return 1e3 * (time.perf_counter() - wall), 1e3 * (time.process_time() - cpu)


def measure(config: playground.Config = playground.Config(), repeats: int = 15) -> dict:
    """Median times (ms) of training, rendering and the callback, and the torch comparison.

    torch runs on one thread, as the playground's numpy does (see
    :func:`lecture_code.playground.one_blas_thread`): with more threads than
    free cores, each step waits on the others and takes many times longer.
    """
    from ..bridge import one_torch_thread, to_torch, train_torch
    from ..plotting import PlaygroundFigure
    repeats = _checks.count(repeats, "repeats")
    result = playground.run(config)
    def initial():      # the network run() starts from: same seed, same weights
        return to_torch(playground.build(config, np.random.default_rng([config.seed,
                                                                         config.restart])))
    net = initial()
    figure, panel = PlaygroundFigure(), playground.panel(config)
    figure.update(result).to_png(), panel.render()                       # warm up: backgrounds
    options = dict(loss=result.loss, optimizer=config.optimizer, lr=config.lr,
                   epochs=config.epochs, batch_size=config.batch_size)
    with one_torch_thread():
        torch_losses = train_torch(net, result.X_train, result.y_train, **options)
    times = {key: [] for key in ("train", "render", "redraw", "callback", "torch_train")}
    for _ in range(repeats):
        fresh = initial()
        times["train"].append(_ms(lambda: playground.run(config)))
        with playground.one_blas_thread():          # as the panel's update renders
            times["render"].append(_ms(lambda: figure.update(result).to_png()))
            figure._backgrounds.clear()           # as after a change of the data's box
            times["redraw"].append(_ms(lambda: figure.update(result).to_png()))
        times["callback"].append(_ms(panel.render))
        with one_torch_thread():
            times["torch_train"].append(_ms(lambda: train_torch(fresh, result.X_train,
                                                                result.y_train, **options)))
    out = {f"{key}_ms_median": float(np.median([wall for wall, _ in values]))
           for key, values in times.items()}
    out.update({f"{key}_cpu_ms_median": float(np.median([cpu for _, cpu in values]))
                for key, values in times.items()})
    out.update(
        numpy_over_torch=out["train_ms_median"] / out["torch_train_ms_median"],
        final_loss_numpy=float(result.history.train_loss[-1]),
        final_loss_torch=float(torch_losses[-1]),
        final_loss_abs_diff=abs(float(result.history.train_loss[-1]) - float(torch_losses[-1])),
        repeats=repeats, torch_threads=1)
    return out


def scaling(config: playground.Config = playground.Config(), points=POINTS, units=UNITS,
            repeats: int = 3) -> list[dict]:
    """Median callback time (ms) for every number of points and width, others as ``config``."""
    repeats = _checks.count(repeats, "repeats")
    panel = playground.panel(config)
    rows = []
    for n in points:
        for k in units:
            panel.render(points=n, units=k)                          # warm up the background
            times = [_ms(lambda: panel.render(points=n, units=k))[0] for _ in range(repeats)]
            rows.append({"points": n, "units": k, "callback_ms_median": float(np.median(times))})
    return rows


def _growth(rows: list[dict], units: int) -> float:
    """Slope of log(time) against log(points) at one width: 1 is linear growth."""
    pts = [(np.log(r["points"]), np.log(r["callback_ms_median"])) for r in rows
           if r["units"] == units]
    x, y = np.array(pts).T
    return float(np.polyfit(x, y, 1)[0]) if len(x) > 1 else float("nan")


def _tables(report: dict) -> str:
    c = playground.Config(epochs=report["epochs"])
    lines = [f"playground default: {'-'.join(map(str, c.sizes))} {c.activation} MLP, {c.points} "
             f"{c.dataset} points ({c.test_fraction:.0%} test), {c.epochs} full-batch epochs of "
             f"{c.optimizer} (lr {c.lr}), {report['repeats']} repeats, load average "
             f"{report['load_average']:.1f} on {report['cpus']} CPUs", "",
             f"{'measurement':<34}{'median ms':>10}{'CPU ms':>10}"]
    for key, label in (("train", "train (numpy)"), ("render", "render (figure to PNG)"),
                       ("redraw", "render with a new background"),
                       ("callback", "callback (train + render)"),
                       ("torch_train", f"train (torch, {report['torch_threads']} threads)")):
        lines.append(f"{label:<34}{report[key + '_ms_median']:>10.1f}"
                     f"{report[key + '_cpu_ms_median']:>10.1f}")
    lines += [f"{'numpy / torch':<34}{report['numpy_over_torch']:>10.3f}",
              f"{'|final loss numpy - torch|':<34}{report['final_loss_abs_diff']:>10.1e}", "",
              "callback median (ms) by points and units per hidden layer",
              f"{'points':>8}" + "".join(f"{f'{k} units':>12}" for k in UNITS)]
    for n in POINTS:
        cells = {r["units"]: r["callback_ms_median"] for r in report["scaling"]
                 if r["points"] == n}
        lines.append(f"{n:>8}" + "".join(f"{cells[k]:>12.1f}" for k in UNITS))
    lines.append("growth exponent in points (1 = linear): " + ", ".join(
        f"{k} units {report['growth_exponent'][str(k)]:.2f}" for k in UNITS))
    return "\n".join(lines)


def main(argv=None) -> dict:
    """Run both tables, print them (or one JSON line with ``--json``) and return the report."""
    parser = argparse.ArgumentParser(prog="python -m lecture_code.fast.bench", description=__doc__
                                     .split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    parser.add_argument("--repeats", type=int, default=15, help="repeats of each measurement")
    parser.add_argument("--scaling-repeats", type=int, default=3)
    parser.add_argument("--panels", action="store_true",
                        help="time every live panel of the book instead (lecture_code.fast.bench_panels)")
    parser.add_argument("--chapters", nargs="*", default=(),
                        help="with --panels: only chapters whose file name starts so (e.g. 08)")
    parser.add_argument("--epochs", type=int, default=playground.Config().epochs,
                        help="epochs of every run (fewer for a quick check; the targets "
                             "are for the default)")
    args = parser.parse_args(argv)
    if args.panels:
        from . import bench_panels
        report = bench_panels.run(args.repeats, tuple(args.chapters))
        print(bench_panels.table(report))
        if args.json:
            print(json.dumps(report))
        return report
    config = playground.Config(epochs=args.epochs)
    report = {"load_average": os.getloadavg()[0], "cpus": os.cpu_count(),
              "python": platform.python_version(), "numpy": np.__version__}
    report.update(measure(config, repeats=args.repeats))
    report["scaling"] = scaling(config, repeats=args.scaling_repeats)
    report["epochs"] = config.epochs
    report["growth_exponent"] = {str(k): _growth(report["scaling"], k) for k in UNITS}
    print(_tables(report))
    if args.json:
        print(json.dumps(report))
    return report


if __name__ == "__main__":
    main()
