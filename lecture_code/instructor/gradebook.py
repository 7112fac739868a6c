"""The term's gradebook: one CSV row per student, notebook and exercise, updated by every grading run.

A run (``grade``, ``merge-manual``) replaces exactly the rows it produced, the
(student, notebook, exercise) it graded, and keeps every other row, so grading
one chapter, one student or one exercise again never loses the rest. Every
run appends to a log next to the gradebook (``grades.csv`` -> ``grades.log``):
a line for the run, then one line per row whose points or status changed, with
a UTC timestamp. :func:`export_wide` writes the table a learning-management
system imports, and :func:`write_manual_sheet` / :func:`read_manual_sheet` are
the sheet of points for written answers (the "(discussion)" exercises).
"""
from __future__ import annotations

import csv
import dataclasses
import os
import re
import time
from pathlib import Path

from .grading import Row

HEADER = tuple(f.name for f in dataclasses.fields(Row))
OLD_HEADER = ("student", "notebook", "exercise", "points", "possible", "status", "feedback")   # before the log
MANUAL_HEADER = ("student", "notebook", "exercise", "title", "points", "possible", "comment")


def now() -> str:
    """The current time, UTC, to the second (ISO 8601)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def log_path(gradebook: Path) -> Path:
    """The gradebook's log: the same name ending in ``.log``."""
    return Path(gradebook).with_suffix(".log")


def journal_path(gradebook: Path) -> Path:
    """The journal of an unfinished grading run (:mod:`.journal`): the same name ending in ``.journal``."""
    return Path(gradebook).with_suffix(".journal")


def read(gradebook: Path) -> list[Row]:
    """The gradebook's rows ([] if the file does not exist); refuses a CSV that is not a gradebook."""
    gradebook = Path(gradebook)
    if not gradebook.exists():
        return []
    with open(gradebook, newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    header = tuple(table[0]) if table else ()
    if header not in (HEADER, OLD_HEADER):
        raise ValueError(f"{gradebook} is not a gradebook (its first line is not {','.join(HEADER)}); "
                         "choose another --out, nothing was changed")
    rows = []
    for number, line in enumerate(table[1:], start=2):
        values = dict(zip(header, line))
        if header == OLD_HEADER:
            values.update(hint="", observed=values.pop("feedback", ""), graded="")
        try:
            values["points"], values["possible"] = int(values["points"]), int(values["possible"])
            rows.append(Row(**values))
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"{gradebook} line {number} is not a gradebook row: {line}") from None
    return rows


def _key(row: Row) -> tuple[str, str, str]:
    return row.student, row.notebook, row.exercise


def merge(old: list[Row], new: list[Row], when: str) -> tuple[list[Row], list[str]]:
    """``old`` with the rows of ``new`` in place of those with the same key, and the changes as log lines."""
    by_key = {_key(r): r for r in old}
    changes = []
    for row in new:
        row = dataclasses.replace(row, graded=when)
        before = by_key.get(_key(row))
        if before is None or (before.points, before.possible, before.status) != (row.points, row.possible,
                                                                                  row.status):
            was = "new" if before is None else f"{before.points}/{before.possible} {before.status}"
            changes.append(f"{when}   {row.student} {row.notebook} {row.exercise}: {was} -> "
                           f"{row.points}/{row.possible} {row.status}")
        by_key[_key(row)] = row
    order = {s: i for i, s in enumerate(dict.fromkeys(r.student for r in [*old, *new]))}
    rows = sorted(by_key.values(), key=lambda r: (order[r.student], r.notebook))
    return rows, changes


def _first_line(path: Path) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.readline()


def write(rows: list[Row], gradebook: Path) -> None:
    """Write the gradebook in one step (a file beside it, then renamed), so an interruption leaves the old one."""
    gradebook = Path(gradebook)
    partial = gradebook.with_name(f".{gradebook.name}.writing")
    if partial.exists() and not _first_line(partial).startswith(",".join(HEADER)):
        raise FileExistsError(f"{partial} exists and is not a gradebook being written; move it away "
                              "(nothing was changed)")
    with open(partial, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(dataclasses.astuple(row) for row in rows)
    os.replace(partial, gradebook)


def update(gradebook: Path, new: list[Row], what: str) -> tuple[list[Row], list[str]]:
    """Merge ``new`` into the gradebook file and log the run as ``what``; return all rows and the changes."""
    when = now()
    rows, changes = merge(read(gradebook), new, when)
    write(rows, gradebook)
    with open(log_path(gradebook), "a", encoding="utf-8") as log:
        log.write(f"{when} {what}: {len(new)} rows replaced or added, {len(changes)} changed\n")
        log.writelines(line + "\n" for line in changes)
    return rows, changes


def export_wide(rows: list[Row], out: Path, id_column: str = "Username") -> list[str]:
    """One row per student, one column per exercise (``id [possible]``) and ``Total [possible]``; the header."""
    out = Path(out)
    if out.exists():
        first = out.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
        if not re.fullmatch(r".*,Total \[\d+\]", first.strip()):
            raise FileExistsError(f"{out} exists and is not an export of the gradebook; choose another file "
                                  "(nothing was changed)")
    exercises = {}
    for row in sorted(rows, key=lambda r: r.notebook):
        exercises.setdefault(row.exercise, row.possible)
    header = [id_column, *(f"{e} [{p}]" for e, p in exercises.items()), f"Total [{sum(exercises.values())}]"]
    table = {}
    for row in rows:
        table.setdefault(row.student, {})[row.exercise] = row.points
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for student, points in table.items():
            writer.writerow([student, *(points.get(e, 0) for e in exercises), sum(points.values())])
    return header


def discussion_exercises(book: Path) -> list[tuple[str, str, str]]:
    """``(notebook, label, title)`` of every exercise marked "(discussion)", the written answers."""
    import nbformat

    from . import notebooks as nbs
    found = []
    for path in nbs.chapters(book):
        nb = nbformat.read(path, as_version=4)
        for directive in nbs.read_exercises(nb).directives:
            if "(discussion)" in directive.title and directive.label:
                found.append((path.name, directive.label, directive.title.replace("(discussion)", "").strip()))
    return found


def write_manual_sheet(sheet: Path, students: list[str], book: Path, possible: int,
                       notebooks: set[str] | None = None) -> int:
    """Add a row per student and written answer (of ``notebooks``, or all) to ``sheet``; return the rows added.

    The sheet is created if it does not exist.
    Rows already in the sheet, filled in or not, are left exactly as they are;
    the new ones are appended with ``possible`` points and ``points`` empty.
    """
    sheet = Path(sheet)
    have = set()
    if sheet.exists():
        with open(sheet, newline="", encoding="utf-8") as handle:
            table = list(csv.reader(handle))
        if not table or tuple(table[0]) != MANUAL_HEADER:
            raise ValueError(f"{sheet} is not a sheet of manual points (first line {','.join(MANUAL_HEADER)})")
        have = {(line[0], line[1], line[2]) for line in table[1:] if len(line) >= 3}
    if isinstance(possible, bool) or not isinstance(possible, int) or possible < 1:
        raise ValueError(f"--possible must be a whole number >= 1, got {possible!r}")
    todo = [(s, n, label, title) for s in students for n, label, title in discussion_exercises(book)
            if (s, n, label) not in have and (notebooks is None or n in notebooks)]
    new = not sheet.exists()
    with open(sheet, "a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(MANUAL_HEADER)
        writer.writerows([s, n, label, title, "", possible, ""] for s, n, label, title in todo)
    return len(todo)


def read_manual_sheet(sheet: Path) -> list[Row]:
    """The sheet's rows as gradebook rows: ``manual`` when points are entered, ``to grade`` when not."""
    rows = []
    with open(sheet, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != MANUAL_HEADER:
            raise ValueError(f"{sheet} is not a sheet of manual points (first line {','.join(MANUAL_HEADER)})")
        for number, line in enumerate(reader, start=2):
            try:
                possible = int(line["possible"])
                points = None if not line["points"].strip() else float(line["points"])
            except (TypeError, ValueError):
                raise ValueError(f"{sheet} line {number}: points and possible must be numbers, got "
                                 f"{line['points']!r} and {line['possible']!r}") from None
            if points is not None and not (0 <= points <= possible and points == int(points)):
                raise ValueError(f"{sheet} line {number}: points must be a whole number from 0 to {possible}, "
                                 f"got {line['points']!r}")
            status = "to grade" if points is None else "manual"
            rows.append(Row(line["student"], line["notebook"], line["exercise"], int(points or 0), possible,
                            status, line["comment"].strip(), "written answer, graded by hand"))
    return rows
