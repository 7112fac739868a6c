"""Execute chapters the way a student runs them in Google Colab, and fail on any error.

    python scripts/run_like_colab.py --package git+file:///path/to/clone@<commit> book/*.ipynb

Run it with the Python of an environment that holds what Colab ships instead
of the book's pins (scripts/check_environments.sh builds one from
scripts/colab-constraints.txt) and *no* lecture_code. For each chapter:

1. a stand-in ``google.colab`` module (scripts/colab_stand_in) is imported
   first, so the chapter's setup cell takes its Colab branch;
2. the setup cell is pointed at ``--package`` instead of the published
   repository (this machine cannot reach it), so it pip-installs lecture_code
   the way it does in Colab: non-editable, ``--no-deps``, from a git URL;
3. every cell runs in a fresh kernel of that environment (nbclient), and a
   last cell reports which lecture_code and which Python the chapter used;
   the time from the setup cell to the first live panel's first response is
   printed (what a reader waits for after the install). Each chapter starts
   with an empty numba cache, as a new Colab session does: its first fast
   training starts the compile in the background and trains in numpy
   meanwhile, so no cell waits for numba.

A chapter that imports torch is skipped, saying so, where the environment has
no torch (torch 2.13.0 is on this machine for Python 3.11 only). Outputs are
not compared: other numpy and matplotlib versions may print other
last digits. Any exception in any cell is a failure; the run goes on with the
next chapter and exits 1 at the end if any chapter failed. A traceback shown
without stopping the cell (an exception while displaying a result) fails too.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import re
import os
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from add_setup_cell import find_setup_cell, setup_source  # noqa: E402

STAND_IN = HERE / "colab_stand_in"
ANSI = re.compile(r"\x1b\[[0-9;]*m")          # colours in a kernel's traceback
REPORT = "RUN-LIKE-COLAB "
# Colab imports google.colab before any user code; the stand-in does the same.
PRELUDE = "import google.colab"
EPILOGUE = f"""import json, sys, lecture_code
from google.colab import output
print({REPORT!r} + json.dumps({{"lecture_code": lecture_code.__file__, "prefix": sys.prefix,
       "version": sys.version.split()[0], "widget_manager": output.custom_widget_manager_enabled}}))"""


TORCH = re.compile(r"^\s*(import torch|from torch|from lecture_code import .*\bbridge\b)", re.M)


def needs_torch(path: Path) -> bool:
    """Whether the chapter imports torch (itself or through lecture_code.bridge)."""
    nb = nbformat.read(path, as_version=4)
    return any(cell.cell_type == "code" and TORCH.search(cell.source) for cell in nb.cells)


def prepared(path: Path, package: str):
    """The chapter as Colab runs it: prelude, setup cell pointed at ``package``, epilogue."""
    nb = nbformat.read(path, as_version=4)
    index = find_setup_cell(nb)
    if index is None:
        raise ValueError(f"{path} has no Colab setup cell (run scripts/add_setup_cell.py)")
    url, _, ref = package.removeprefix("git+").rpartition("@")
    nb.cells[index].source = setup_source(url, ref)
    nb.cells.insert(0, nbformat.v4.new_code_cell(PRELUDE))
    nb.cells.append(nbformat.v4.new_code_cell(EPILOGUE))
    for cell in nb.cells:
        cell.pop("id", None)
    nb.nbformat_minor = 4            # ids dropped: the inserted cells need none
    return nb


def run(path: Path, package: str, timeout: int) -> tuple[str | None, dict | None, float]:
    """``(error, report, seconds)``: ``error`` names the failing cell (None if none failed);
    the report holds the first panel's timing (:func:`first_panel`) under ``"panel"``."""
    nb = prepared(path, package)
    setup = find_setup_cell(nb)
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=True,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as cache:
            os.environ["NUMBA_CACHE_DIR"] = cache    # a new session: nothing compiled yet
            client.execute()
    except (CellTimeoutError, DeadKernelError) as error:
        return f"{type(error).__name__}: {str(error).strip()[:300]}", None, time.perf_counter() - start
    except CellExecutionError as error:
        failed = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code" and any(
            o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        where = "an inserted cell" if failed in (None, 0, len(nb.cells) - 1) else \
            f"cell {failed - 1} of the chapter"
        summary = ANSI.sub("", str(error)).strip().splitlines()[-1][:300]
        return f"{where}: {summary}", None, time.perf_counter() - start
    # A cell can finish and still show a traceback: IPython catches an exception
    # raised while displaying a result (say, a widget that cannot build its
    # view) and shows it as an error output. A reader sees a traceback: a failure.
    for i, cell in enumerate(nb.cells[1:-1]):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return (f"cell {i} of the chapter shows a traceback: {out.get('ename')}: "
                        f"{str(out.get('evalue'))[:300]}", None, time.perf_counter() - start)
    report = None
    for out in nb.cells[-1].get("outputs", []):
        for line in out.get("text", "").splitlines():
            if line.startswith(REPORT):
                report = json.loads(line[len(REPORT):])
    if report is not None:
        report["panel"] = first_panel(nb, setup)
    return None, report, time.perf_counter() - start


WIDGET = "application/vnd.jupyter.widget-view+json"


def _stamp(cell, key: str) -> float | None:
    """A cell's execution timestamp (nbclient's record_timing), in seconds."""
    from datetime import datetime
    value = cell.get("metadata", {}).get("execution", {}).get(key)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() if value else None


def first_panel(nb, setup: int) -> tuple[float, float] | None:
    """``(seconds from the end of the setup cell to the first live panel's first response,
    seconds of that panel's own cell)``, or None for a chapter without a panel.

    A panel answers when its cell shows the widget, with its first figure drawn;
    what a reader waits for after the setup cell's install is this, including
    the chapter's cells before the panel and, once, the compiled loop's warm-up.
    """
    setup_done = _stamp(nb.cells[setup], "shell.execute_reply")
    for cell in nb.cells[setup + 1:]:
        if cell.cell_type == "code" and any(WIDGET in o.get("data", {}) for o in cell.get("outputs", [])):
            done, began = _stamp(cell, "shell.execute_reply"), _stamp(cell, "iopub.execute_input")
            if None in (setup_done, done, began):
                return None
            return done - setup_done, done - began
    return None


def check_report(report: dict | None) -> str | None:
    """Why the chapter did not run as in Colab, or None."""
    if report is None:
        return "the chapter gave no report"
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    if Path(report["prefix"]).resolve() != Path(sys.prefix).resolve():
        return f"the kernel ran the Python of {report['prefix']}, not of this environment"
    if site not in Path(report["lecture_code"]).resolve().parents:
        return f"lecture_code came from {report['lecture_code']}, not a pip install into {site}"
    if not report["widget_manager"]:
        return "the setup cell did not take its Colab branch"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--package", required=True,
                        help="what the setup cell installs: git+file:///path/to/clone@<commit>")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    if not args.package.startswith("git+") or "@" not in args.package:
        parser.error(f"--package must be a git+<url>@<commit> address, got {args.package!r}")
    try:
        import lecture_code
    except ImportError:
        pass
    else:
        parser.error(f"this environment already has lecture_code ({lecture_code.__file__}); "
                     "the chapters' setup cells must install it, as in Colab")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(STAND_IN)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    os.environ["JUPYTER_PREFER_ENV_PATH"] = "1"    # this environment's python3 kernel first
    failures = skipped = 0
    have_torch = importlib.util.find_spec("torch") is not None
    for path in args.notebooks:
        if not have_torch and needs_torch(path):
            print(f"skip {path.name:28}  needs torch, which this environment does not have")
            skipped += 1
            continue
        error, report, seconds = run(path, args.package, args.timeout)
        error = error or check_report(report)
        failures += error is not None
        panel = "" if error or not report.get("panel") else (
            "; first panel answers {:.1f} s after the setup cell (its own cell {:.1f} s)".format(*report["panel"]))
        print(f"{'FAIL' if error else 'ok  '} {path.name:28} {seconds:6.1f} s"
              + (f"  {error}" if error else f"  (Python {report['version']}{panel})"), flush=True)
    print(f"{len(args.notebooks) - failures - skipped} passed, {failures} failed, {skipped} skipped")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
