"""Measure the grader on a simulated class: notebooks per minute, with local processes and with Dask.

    python benchmarks/grading_scale.py single OUT                 # one complete student, every chapter, --jobs 1
    python benchmarks/grading_scale.py class OUT --students 30 --notebooks 01_perceptron 06_backprop

``single`` times each chapter's notebook alone (the time between the
grader's progress lines). ``class`` simulates the class (``simulate-class``,
seed 0) and grades it twice, with ``--jobs 2`` and with
``--scheduler local --jobs 2``, from scratch each time. Every figure is
printed with the load average (``uptime``) at its start and end, since the
machine may be shared; the results are also written to ``OUT/results.json``.
The results of a run are in ``benchmarks/grading_scale.md``.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

GRADER = [sys.executable, "-m", "lecture_code.instructor"]


def load() -> str:
    """The 1-minute load average and the uptime line it comes from."""
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def timed_grade(submissions: Path, out: Path, *options: str) -> dict:
    """Grade, stamping each progress line as it arrives; the wall time, the stamps and the loads."""
    command = [*GRADER, "grade", str(submissions), "--out", str(out), *options]
    before, start, stamps = load(), time.monotonic(), []
    with subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True) as process:
        for line in process.stderr:
            if line.startswith("graded "):
                stamps.append((time.monotonic() - start, line.split(": ", 1)[-1].strip()))
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {process.returncode}")
    wall = time.monotonic() - start
    return {"command": " ".join(command[2:]), "wall_s": round(wall, 1), "notebooks": len(stamps),
            "per_minute": round(60 * len(stamps) / wall, 2), "stamps": stamps, "load_before": before,
            "load_after": load()}


def simulate(out: Path, students: int, notebooks: list[str] | None) -> Path:
    folder = out / f"class-{students}"
    if not folder.exists():
        chosen = ["--notebooks", *notebooks] if notebooks else []
        subprocess.run([*GRADER, "simulate-class", str(folder), "--students", str(students), *chosen], check=True)
    return folder


def single(out: Path) -> list[dict]:
    result = timed_grade(simulate(out, 1, None), out / "single.csv", "--jobs", "1")
    previous, chapters = 0.0, []
    for at, label in result["stamps"]:
        chapters.append({"notebook": label.split("/")[1].split()[0], "seconds": round(at - previous, 1)})
        previous = at
    result["chapters"] = chapters
    return [result]


def whole_class(out: Path, students: int, notebooks: list[str]) -> list[dict]:
    folder = simulate(out, students, notebooks)
    runs = []
    for name, options in (("jobs", ["--jobs", "2"]), ("dask", ["--scheduler", "local", "--jobs", "2"])):
        options += ["--notebooks", *notebooks]
        gradebook = out / f"class-{students}-{name}.csv"
        for stale in (gradebook, gradebook.with_suffix(".log")):
            stale.unlink(missing_ok=True)
        run = timed_grade(folder, gradebook, *options)
        run["mode"] = name
        runs.append(run)
        print(f"{name}: {run['notebooks']} notebooks in {run['wall_s']} s, {run['per_minute']}/min "
              f"(load before: {run['load_before']}; after: {run['load_after']})", flush=True)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["single", "class"])
    parser.add_argument("out", type=Path)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--notebooks", nargs="+", default=["01_perceptron"])
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    runs = single(args.out) if args.what == "single" else whole_class(args.out, args.students, args.notebooks)
    results = args.out / "results.json"
    previous = json.loads(results.read_text()) if results.exists() else []
    results.write_text(json.dumps(previous + runs, indent=1))
    for run in runs:
        print(json.dumps({k: v for k, v in run.items() if k != "stamps"}, indent=1))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
