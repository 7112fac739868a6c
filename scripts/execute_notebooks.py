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


def coalesce_streams(outputs: list) -> list:
    """Consecutive prints to the same stream as one output, as a reader sees them.

    How the kernel splits a cell's prints into messages depends on timing, so
    without this a re-execution rewrites unchanged outputs (nbval compares the
    joined text either way)."""
    merged = []
    for out in outputs:
        if (out.get("output_type") == "stream" and merged
                and merged[-1].get("output_type") == "stream" and merged[-1].name == out.name):
            merged[-1].text += out.text
        else:
            merged.append(out)
    return merged


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
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
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
