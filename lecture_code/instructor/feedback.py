"""Feedback for every student: one readable Markdown file per student and notebook, from the gradebook.

``feedback/<student>/<notebook>.md`` lists each exercise of the notebook with
its title, the points earned, the hint the student's check printed, and what
the grader observed (a time limit, an error and the cell that raised it, a
missing or renamed notebook). It is the analogue of nbgrader's
``generate_feedback``; the files can be mailed or uploaded as they are.
"""
from __future__ import annotations

from pathlib import Path

from .grading import Row
from .output import OwnedFolder

STATUS = {"pass": "right", "partial": "partly right", "not yet": "not yet right",
          "error": "the check did not run to the end", "missing": "nothing to grade", "invalid": "not a notebook",
          "manual": "graded by hand", "to grade": "not graded yet"}


def titles(book: Path) -> dict[str, str]:
    """Exercise label -> title (without its points), for every chapter of ``book``."""
    import nbformat

    from . import notebooks as nbs
    from .references import labels
    found = {}
    for path in nbs.chapters(book):
        nb = nbformat.read(path, as_version=4)
        found.update(labels("\n".join(c.source for c in nb.cells if c.cell_type == "markdown")))
    return found


def page(student: str, notebook: str, rows: list[Row], names: dict[str, str]) -> str:
    """The feedback file of one student and notebook."""
    got, possible = sum(r.points for r in rows), sum(r.possible for r in rows)
    graded = max((r.graded for r in rows), default="")
    lines = [f"# {Path(notebook).stem}: feedback for {student}", "",
             f"**{got}/{possible} points**" + (f" (graded {graded})" if graded else ""), ""]
    for row in rows:
        title = names.get(row.exercise, row.exercise)
        lines += [f"## {title} ({row.exercise}): {row.points}/{row.possible} points", "",
                  f"- Result: {STATUS.get(row.status, row.status)}"]
        if row.hint:
            lines.append(f"- {'Comment' if row.status == 'manual' else 'The check said'}: {row.hint}")
        if row.observed:
            lines.append(f"- The grader observed: {row.observed}")
        lines.append("")
    return "\n".join(lines)


def write_feedback(rows: list[Row], book: Path, out: Path, students: list[str] | None = None) -> list[Path]:
    """Write one feedback file per student and notebook of ``rows`` (or of ``students``); return them."""
    grouped: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        if not students or row.student in students:
            grouped.setdefault((row.student, row.notebook), []).append(row)
    if not grouped:
        raise ValueError("the gradebook holds no rows" + (f" for {', '.join(students)}" if students else ""))
    names = titles(book)
    files = {f"{s}/{Path(n).stem}.md": (s, n) for s, n in grouped}
    folder = OwnedFolder(out, "feedback")
    folder.claim(files, replace_all=not students)
    written = []
    for relative, (student, notebook) in files.items():
        target = folder.path(relative)
        target.write_text(page(student, notebook, grouped[student, notebook], names), encoding="utf-8")
        written.append(target)
    return written
