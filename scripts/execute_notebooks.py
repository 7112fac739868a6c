"""Re-execute chapter notebooks in place, so their committed outputs are fresh.

    python scripts/execute_notebooks.py book/01_perceptron.ipynb [more.ipynb ...]

The outputs it writes are what `pytest --nbval` later compares against, so
run it after every edit of a chapter. It uses the current Python as the kernel.
"""
from __future__ import annotations

import sys
import time

import nbformat
from nbclient import NotebookClient

NOISE = ("execution", "lines_to_next_cell", "ExecuteTime")


def execute(path: str, timeout: int = 300) -> float:
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    start = time.perf_counter()
    NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": "book"}}).execute()
    elapsed = time.perf_counter() - start
    for cell in notebook.cells:      # run timestamps and editor hints are not content
        for key in NOISE:
            cell.metadata.pop(key, None)
    # Live widgets need a kernel and the site shows each panel's kernel-free
    # version, so the widgets' saved state would only add noise to every diff.
    notebook.metadata.pop("widgets", None)
    nbformat.write(notebook, path)
    return elapsed


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for path in sys.argv[1:]:
        print(f"{path}: executed in {execute(path):.1f} s")
