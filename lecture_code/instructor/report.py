"""The grader's output on the terminal: the progress bar while it works and the summary per student."""
from __future__ import annotations

import sys
import time
from pathlib import Path


FAILED = ("error", "invalid")


def failed(rows: list) -> bool:
    """Whether no exercise of a notebook could be checked: every row an error (a crash, a time limit, a lost
    worker, a check that never ran) or not a notebook at all."""
    return bool(rows) and all(r.status in FAILED for r in rows)


def count(n: int, noun: str) -> str:
    """``1 notebook``, ``2 notebooks``."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def duration(seconds: float) -> str:
    """``1:05:09``, ``4:02``: hours, minutes and seconds, as tqdm shows them."""
    minutes, seconds = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


class Progress:
    """How far a grading run is, on stderr: notebooks done and left, failures so far, the time left.

    On a terminal, a tqdm progress bar redrawn in place; otherwise (a log, a
    pipe, or no tqdm installed) one line per notebook with the same counts.
    ``skipped`` are the rows of the notebooks graded before (the journal).
    """

    def __init__(self, total: int, stream=sys.stderr, skipped: list | None = None):
        skipped = skipped or []
        self.total, self.stream, self.start = total, stream, time.monotonic()
        self.done = self.skipped = len(skipped)
        self.failed = sum(failed(rows) for rows in skipped)
        self.bar = self._bar() if getattr(stream, "isatty", lambda: False)() else None

    def _bar(self):
        try:
            from tqdm import tqdm
        except ImportError:
            return None
        bar = tqdm(total=self.total, initial=self.done, file=self.stream, unit="notebook", desc="grading",
                   dynamic_ncols=True, smoothing=0.1)
        bar.set_postfix_str(self._counts())
        return bar

    def _counts(self) -> str:
        return f"{self.total - self.done} left, {self.failed} failed"

    def eta(self) -> float | None:
        """Seconds left at this run's pace so far (None before the first notebook of this run)."""
        graded = self.done - self.skipped
        return (time.monotonic() - self.start) / graded * (self.total - self.done) if graded else None

    def update(self, label: str, rows: list) -> None:
        """One more notebook done: ``label`` and its rows (``grading.Row``)."""
        self.done += 1
        self.failed += failed(rows)
        if self.bar is not None:
            self.bar.set_postfix_str(self._counts(), refresh=False)
            self.bar.update(1)
            return
        got, possible = sum(r.points for r in rows), sum(r.possible for r in rows)
        eta = self.eta()
        print(f"graded {self.done}/{self.total} notebooks, {self._counts()}, "
              f"{duration(time.monotonic() - self.start)} elapsed"
              + (f", about {duration(eta)} left" if eta is not None else "") + f": {label} {got}/{possible}",
              file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


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
