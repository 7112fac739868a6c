"""The journal of a grading run: each notebook's rows on disk the moment the notebook is graded.

``grades.csv`` has its journal beside it, ``grades.journal``: JSON lines,
only ever appended to. The first line names the run (the command and its
scope, as the gradebook's log does); each further line is one graded
notebook: the student, the notebook, its :func:`.grading.fingerprint` (the
submission's SHA-256, the answer key, the limits) and its rows. Every line is
flushed and fsynced before the notebook counts as done, so a run that dies
(Ctrl-C, a killed process, a dead machine) loses at most the notebooks still
running. The gradebook is written once, at the end; then the journal is
removed.

Started again, the same command reads the journal and skips every notebook
whose fingerprint is unchanged; a submission handed in again since, or a
changed answer key or limit, is graded again. A journal of another command is
refused (finish that run, or remove the file), and so is a file at that place
that the grader did not write: it is never overwritten or removed.
"""
from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

from .grading import Row, Task, fingerprint

MAGIC = "lecture_code grade journal"
VERSION = 1


def _refuse_foreign(path: Path, first: str) -> dict:
    """The journal's first line, parsed; refuses a file the grader did not write."""
    try:
        header = json.loads(first)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("journal") != MAGIC or header.get("version") != VERSION:
        raise FileExistsError(f"{path} exists and was not written by the grader (its first line is not a grading "
                              "journal's); move it away or choose another --out (nothing was changed)")
    return header


def _ends_a_line(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() == 0:
            return True
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


class Journal:
    """The journal of the run ``run`` (e.g. ``grade submissions (everything)``) at ``path``."""

    def __init__(self, path: Path, run: str):
        self.path, self.run = Path(path), run
        self.entries: dict[tuple[str, str], tuple[str, list[Row]]] = {}
        self.handle = None
        if self.path.exists():
            self._read()

    def _read(self) -> None:
        with open(self.path, encoding="utf-8", errors="replace") as handle:
            header = _refuse_foreign(self.path, handle.readline())
            lines = handle.readlines()
        if header.get("run") != self.run:
            raise FileExistsError(
                f"{self.path} holds an unfinished run of another command, '{header.get('run')}' ({len(lines)} "
                f"notebooks graded); run that command again to finish it (it grades only what is missing), or "
                f"remove {self.path} to drop them (nothing was changed)")
        for line in lines:
            try:   # a line cut short by a crash is skipped: its notebook is graded again
                entry = json.loads(line)
                rows = [Row(**row) for row in entry["rows"]]
                self.entries[entry["student"], entry["notebook"]] = (entry["fingerprint"], rows)
            except (ValueError, KeyError, TypeError):
                continue

    def holds(self, task: Task) -> bool:
        """Whether the journal has rows for the task's student and notebook, current or not."""
        return (task.student, task.notebook) in self.entries

    def rows(self, task: Task) -> list[Row] | None:
        """The rows recorded for a :func:`.grading.loaded` task, if its fingerprint is unchanged; else None."""
        found = self.entries.get((task.student, task.notebook))
        return found[1] if found and found[0] == fingerprint(task) else None

    def _open(self):
        new = not self.path.exists()
        handle = open(self.path, "a", encoding="utf-8")
        if new:
            handle.write(json.dumps({"journal": MAGIC, "version": VERSION, "run": self.run}) + "\n")
        elif not _ends_a_line(self.path):
            handle.write("\n")   # after a line cut short, start a new one
        return handle

    def record(self, task: Task, rows: list[Row]) -> None:
        """Append the rows of a graded (:func:`.grading.loaded`) task, and make sure they are on disk."""
        if self.handle is None:
            self.handle = self._open()
        entry = {"student": task.student, "notebook": task.notebook, "fingerprint": fingerprint(task),
                 "rows": [dataclasses.asdict(row) for row in rows]}
        self.handle.write(json.dumps(entry) + "\n")
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.entries[task.student, task.notebook] = (entry["fingerprint"], rows)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None

    def remove(self) -> None:
        """Delete the journal (the grader's own: its rows are in the gradebook now)."""
        self.close()
        if self.path.exists():
            with open(self.path, encoding="utf-8", errors="replace") as handle:
                _refuse_foreign(self.path, handle.readline())
            self.path.unlink()
