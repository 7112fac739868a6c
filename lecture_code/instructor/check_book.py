"""Check that every chapter follows the exercise convention the instructor tools rely on.

Errors (the tools would misgrade or leak): a solution marker other than the
exact lines ``### BEGIN SOLUTION`` / ``### END SOLUTION`` (what every nbgrader
version recognises), a region left open or nested, an exercise with points but
no check cell, a check for an id the registry does not know, points in the
title that differ from the registry's, a check cell's stored output with
other points than the registry's (the chapter needs re-executing, or nbval
fails on it), a label used twice, a student edition
that cannot be made without leaking. Warnings: a solution cell that the
instructor site shows openly (no ``hide-input`` or similar tag), a check cell
with no ``{exercise}`` directive, a registered exercise no chapter checks.
``tag_solutions`` adds the hiding tag to the solution cells, in place.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

from . import notebooks as nbs
from .student_edition import LeakError, make_student_edition

HIDDEN = {"hide-input", "hide-cell", "remove-input", "remove-cell"}
MARKERS = {"### BEGIN SOLUTION", "### END SOLUTION"}
STORED_POINTS = re.compile(r"(?:PASS|NOT YET) (?P<id>ex-[A-Za-z0-9_-]+) \(\d+/(?P<possible>\d+) points\)")


def check_chapter(nb, name: str, registry: dict) -> tuple[list[str], list[str]]:
    """``(errors, warnings)`` for one chapter notebook."""
    errors, warnings = [], []
    for index, cell in enumerate(nb.cells):
        try:
            regions = nbs.solution_regions(cell.source)
        except nbs.MarkerError as error:
            errors.append(f"{name} cell {index}: {error}")
            continue
        lines = cell.source.split("\n")
        for begin, end in regions:
            for marker in (lines[begin], lines[end]):
                if marker.strip() not in MARKERS:
                    errors.append(f"{name} cell {index}: marker {marker.strip()!r} is not "
                                  "'### BEGIN SOLUTION' or '### END SOLUTION' on a line of its own")
        if regions and cell.cell_type == "code" and not HIDDEN & set(cell.metadata.get("tags", [])):
            warnings.append(f"{name} cell {index}: solution cell has no hide-cell tag "
                            "(shown openly on the instructor site)")
    found = nbs.read_exercises(nb)
    labels = {d.label for d in found.directives}
    for directive in found.directives:
        if directive.points is None:
            continue
        if not directive.label or not directive.label.startswith("ex-"):
            errors.append(f"{name}: exercise {directive.title!r} has no ':label: ex-...'")
        elif directive.label not in found.check_cells:
            errors.append(f"{name}: {directive.label} has points but no check cell")
        elif directive.label in registry and registry[directive.label].points != directive.points:
            errors.append(f"{name}: {directive.label} says {directive.points} points, "
                          f"the registry {registry[directive.label].points}")
    for exercise_id, cells in found.check_cells.items():
        if exercise_id not in registry:
            errors.append(f"{name}: check cell for {exercise_id}, which no check module registers")
        for index in cells:
            text = "".join(o.get("text", "") for o in nb.cells[index].get("outputs", []))
            for stored in STORED_POINTS.finditer(text):
                if stored.group("id") == exercise_id and exercise_id in registry \
                        and int(stored.group("possible")) != registry[exercise_id].points:
                    errors.append(f"{name} cell {index}: the stored output of {exercise_id} says "
                                  f"{stored.group('possible')} points, the registry {registry[exercise_id].points}; "
                                  f"re-execute the chapter (python scripts/execute_notebooks.py book/{name})")
        if exercise_id not in labels:
            warnings.append(f"{name}: {exercise_id} is checked but has no {{exercise}} directive")
        above = [i for i in range(cells[0]) if nb.cells[i].cell_type == "code"]
        if not above or above[-1] not in found.solution_cells:
            warnings.append(f"{name}: the code cell before the check of {exercise_id} holds no solution region")
    try:
        make_student_edition(nb)
    except (LeakError, nbs.MarkerError) as error:
        errors.append(f"{name}: no student edition: {error}")
    return errors, warnings


def check_book(book: Path) -> tuple[list[str], list[str]]:
    """``(errors, warnings)`` for every chapter of ``book`` and the registry."""
    from lecture_code.exercises import load_all
    registry, errors, warnings, seen = load_all(), [], [], {}
    for path in nbs.chapters(book):
        nb = nbformat.read(path, as_version=4)
        e, w = check_chapter(nb, path.name, registry)
        errors += e
        warnings += w
        for directive in nbs.read_exercises(nb).directives:
            if not directive.label:
                continue
            if directive.label in seen:
                errors.append(f"{path.name}: label {directive.label} is also used in {seen[directive.label]}")
            seen.setdefault(directive.label, path.name)
    checked = {i for p in nbs.chapters(book) for i in nbs.read_exercises(nbformat.read(p, as_version=4)).ids}
    warnings += [f"{i} is registered but no chapter checks it" for i in sorted(set(registry) - checked)]
    return errors, warnings


def tag_solutions(book: Path, tag: str = "hide-cell") -> list[Path]:
    """Add ``tag`` to every solution cell that has no hiding tag; rewrite only the chapters that change."""
    changed = []
    for path in nbs.chapters(book):
        nb = nbformat.read(path, as_version=4)
        cells = [nb.cells[i] for i in nbs.read_exercises(nb).solution_cells]
        todo = [c for c in cells if not HIDDEN & set(c.metadata.get("tags", []))]
        for cell in todo:
            cell.metadata["tags"] = cell.metadata.get("tags", []) + [tag]
        if todo:
            nbformat.write(nb, path)
            changed.append(path)
    return changed
