"""The grader's output on the terminal: the progress bar while it works and the summary per student."""
from __future__ import annotations

import sys
import time
from pathlib import Path


class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, one line per notebook otherwise."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.done, self.stream, self.start = total, 0, stream, time.monotonic()
        self.tty = getattr(stream, "isatty", lambda: False)()

    def update(self, label: str, rows: list) -> None:
        """One more notebook done: ``label`` and its rows (``grading.Row``)."""
        self.done += 1
        got, possible = sum(r.points for r in rows), sum(r.possible for r in rows)
        elapsed = time.monotonic() - self.start
        bar = "#" * (30 * self.done // self.total) + "-" * (30 - 30 * self.done // self.total)
        line = f"[{bar}] {self.done}/{self.total} {elapsed:4.0f}s  {label}: {got}/{possible}"
        print(("\r\033[K" + line) if self.tty else line, end="" if self.tty else "\n",
              file=self.stream, flush=True)

    def close(self) -> None:
        if self.tty:
            print(file=self.stream)


def summary(rows: list) -> str:
    """Per student: total points, and points per notebook."""
    totals: dict[str, dict[str, list[int]]] = {}
    for row in rows:
        entry = totals.setdefault(row.student, {}).setdefault(row.notebook, [0, 0])
        entry[0] += row.points
        entry[1] += row.possible
    width = max((len(s) for s in totals), default=7)
    lines = [f"{'student':<{width}}  points  per notebook"]
    for student, books in totals.items():
        got, possible = sum(v[0] for v in books.values()), sum(v[1] for v in books.values())
        detail = ", ".join(f"{Path(n).stem} {v[0]}/{v[1]}" for n, v in books.items())
        lines.append(f"{student:<{width}}  {got:>3}/{possible:<3} {detail}")
    return "\n".join(lines)
