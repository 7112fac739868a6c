"""Give every chapter notebook its Colab setup cell, in sync with _config.yml.

    python scripts/add_setup_cell.py                 # every book/NN_*.ipynb
    python scripts/add_setup_cell.py book/07_x.ipynb # just these
    python scripts/add_setup_cell.py --check         # change nothing; exit 1 if out of date

The setup cell is the first code cell of a chapter, right after the title
cell. In Google Colab it installs this book's package, lecture_code, from the
repository named in _config.yml (``repository.url`` at ``repository.branch``)
and turns on Colab's widget manager; everywhere else (Binder, a local Jupyter,
the book's build, nbval) it does nothing and prints nothing. It carries the
``remove-cell`` tag, so the site does not show it, while the notebook that
Colab, Binder and the "download .ipynb" button get still has it.

The script is idempotent: a notebook whose setup cell is already right is not
rewritten; one whose cell is out of date (say, after a fork changed
repository.url) gets the new source; one without the cell gets it inserted.
No other cell is touched and nothing is executed. The cell never has outputs
(outside Colab it prints nothing, which is exactly what nbval compares), so
re-executing the chapter afterwards (scripts/execute_notebooks.py) only gives
it an execution count. tests/test_site.py checks all of this.

It needs nbformat and PyYAML. Run before the book's environment exists (step
2 of the instructor guide, on a fresh fork), it first creates that
environment with scripts/_env.sh (.venv, a few minutes the first time) and
then runs itself again inside it.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RETRY = "LECTURE_CODE_SETUP_CELL_IN_ENV"

try:
    import nbformat
    import yaml
except ModuleNotFoundError as missing:
    if __name__ != "__main__" or os.environ.get(RETRY):
        raise
    print(f"{missing.name} is not installed here: creating the book's environment (scripts/_env.sh), "
          "then running again inside it", file=sys.stderr)
    os.environ[RETRY] = "1"
    os.execvp("bash", ["bash", "-c", 'source "$0/scripts/_env.sh" && exec python "$0/scripts/add_setup_cell.py" "$@"',
                       str(ROOT), *(a if a.startswith("-") else str(Path(a).resolve()) for a in sys.argv[1:])])
CELL_ID = "colab-setup"
MARKER = "# Colab setup"
TAG = "remove-cell"


def repository(config_path: Path = ROOT / "_config.yml") -> tuple[str, str]:
    """``(url, branch)`` of the published repository, from _config.yml."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    repo = config.get("repository") or {}
    url, branch = str(repo.get("url") or "").rstrip("/"), str(repo.get("branch") or "")
    if not url.startswith("https://github.com/") or not branch:
        raise SystemExit(f"{config_path}: repository.url must be a https://github.com/<org>/<repo> "
                         f"address and repository.branch a branch name; got {url!r}, {branch!r}")
    return url.removesuffix(".git"), branch


def setup_source(url: str, branch: str) -> str:
    """The setup cell's code for the repository ``url`` at ``branch``."""
    return f'''{MARKER} (does nothing outside Google Colab). Colab already has numpy,
# matplotlib, ipywidgets and torch, so only the book's package is installed,
# without dependencies. A fork sets its own address in _config.yml and runs
# scripts/add_setup_cell.py.
import sys

if "google.colab" in sys.modules:
    import subprocess
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "git+{url}@{branch}"], check=True)
    from google.colab import output
    output.enable_custom_widget_manager()'''


def setup_cell(url: str, branch: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(setup_source(url, branch))
    cell.id = CELL_ID
    cell.metadata = nbformat.NotebookNode({"tags": [TAG]})
    return cell


def find_setup_cell(nb) -> int | None:
    """Index of the notebook's setup cell, or None."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and (cell.get("id") == CELL_ID or cell.source.startswith(MARKER)):
            return i
    return None


def _position(nb) -> int:
    """Where the setup cell belongs: right after the title cell, before any code."""
    return 1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0


def sync(nb, url: str, branch: str) -> bool:
    """Insert or update the setup cell in ``nb`` (in place); True if anything changed."""
    want = setup_cell(url, branch)
    if (nb.nbformat, nb.nbformat_minor) < (4, 5):   # cell ids exist from nbformat 4.5 on
        del want["id"]
    index = find_setup_cell(nb)
    if index is None:
        if any(cell.get("id") == CELL_ID for cell in nb.cells):
            raise ValueError(f"a non-setup cell already has the id {CELL_ID!r}")
        nb.cells.insert(_position(nb), want)
        return True
    cell = nb.cells[index]
    changed = False
    if cell.source != want.source:
        cell.source, changed = want.source, True
    if cell.get("outputs"):   # e.g. saved after a run in Colab: pip's messages
        cell.outputs, cell.execution_count, changed = [], None, True
    tags = cell.metadata.setdefault("tags", [])
    if TAG not in tags:
        tags.append(TAG)
        changed = True
    if index != _position(nb):
        nb.cells.insert(_position(nb), nb.cells.pop(index))
        changed = True
    return changed


def chapters() -> list[Path]:
    return sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="chapter notebooks (default: every book/NN_*.ipynb)")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; list out-of-date notebooks and exit 1 if any")
    args = parser.parse_args(argv)
    url, branch = repository()
    stale = 0
    for path in args.notebooks or chapters():
        nb = nbformat.read(path, as_version=4)
        if not sync(nb, url, branch):
            print(f"ok:          {path}")
        elif args.check:
            print(f"out of date: {path}")
            stale += 1
        else:
            nbformat.write(nb, path)
            print(f"updated:     {path}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
