"""The book's exercise convention, read from a chapter notebook.

An exercise is a markdown ``{exercise}`` directive with ``:label: ex-...`` and
"(N points)" in its title, a code cell whose solution sits between
``### BEGIN SOLUTION`` and ``### END SOLUTION`` (nbgrader's markers), and a
check cell ``check("ex-...", answer...)``. Markdown may also hold solutions: a
marked region, or a sphinx-exercise ``{solution}`` (or ``{solution-start}`` ...
``{solution-end}``) block. This module finds all of them; it changes nothing.
"""
from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass, field
from pathlib import Path

BEGIN, END = "BEGIN SOLUTION", "END SOLUTION"
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")   # nbgrader's stubs
TEXT_STUB = ("YOUR ANSWER HERE",)
CHAPTER_GLOB = "[0-9][0-9]_*.ipynb"

CHECK_CALL = re.compile(r"""\bcheck\(\s*(["'])(?P<id>ex-[A-Za-z0-9_-]+)\1""")
EXERCISE_OPEN = re.compile(r"^\s*(?P<fence>`{3,}|:{3,})\s*\{exercise\}\s*(?P<title>.*)$")
LABEL = re.compile(r"^\s*:label:\s*(?P<label>\S+)\s*$")
POINTS = re.compile(r"\((?P<points>\d+)\s+points?\)")
SOLUTION_OPEN = re.compile(r"^\s*(?P<fence>`{3,}|:{3,})\s*\{solution(?P<start>-start)?\}")
SOLUTION_END_DIRECTIVE = re.compile(r"^\s*(`{3,}|:{3,})\s*\{solution-end\}")


class MarkerError(ValueError):
    """A solution region that is nested, unterminated or ends without a start."""


def chapters(book: Path) -> list[Path]:
    """The chapter notebooks ``NN_*.ipynb`` of ``book``, in order."""
    return sorted(Path(book).glob(CHAPTER_GLOB))


def solution_regions(source: str) -> list[tuple[int, int]]:
    """Line ranges ``(begin, end)`` (marker lines included) of the solution regions."""
    regions, begin = [], None
    for number, line in enumerate(source.split("\n")):
        if BEGIN in line:
            if begin is not None:
                raise MarkerError(f"line {number + 1}: {BEGIN} inside another solution region")
            begin = number
        elif END in line:
            if begin is None:
                raise MarkerError(f"line {number + 1}: {END} without {BEGIN}")
            regions.append((begin, number))
            begin = None
    if begin is not None:
        raise MarkerError(f"line {begin + 1}: {BEGIN} without {END}")
    return regions


def replace_regions(source: str, stub: tuple[str, ...]) -> tuple[str, list[str]]:
    """The source with each region replaced by ``stub`` (indented like its marker), and the removed lines."""
    lines, out, removed, position = source.split("\n"), [], [], 0
    for begin, end in solution_regions(source):
        out += lines[position:begin]
        indent = re.match(r"\s*", lines[begin]).group(0)
        out += [indent + s for s in stub]
        removed += lines[begin + 1:end]
        position = end + 1
    return "\n".join(out + lines[position:]), removed


def strip_solution_directives(markdown: str, gated: bool = False) -> tuple[str, list[str], bool]:
    """Markdown without sphinx-exercise solution blocks, the removed lines, and whether a gated one is open.

    A gated solution (``{solution-start}`` ... ``{solution-end}``) may span
    cells: pass ``gated=True`` for a cell that starts inside one; every line
    up to its ``{solution-end}`` block is removed.
    """
    lines, out, removed, i = markdown.split("\n"), [], [], 0
    while i < len(lines):
        if gated:
            end = SOLUTION_END_DIRECTIVE.match(lines[i])
            j = i
            if end:   # the {solution-end} block: its opening line up to its closing fence
                j = next((k for k in range(i + 1, len(lines)) if lines[k].strip() == end.group(1)), len(lines) - 1)
                gated = False
            removed += lines[i:j + 1]
            i = j + 1
            continue
        match = SOLUTION_OPEN.match(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        fence = match.group("fence")
        j = next((k for k in range(i + 1, len(lines)) if lines[k].strip() == fence), len(lines) - 1)
        removed += lines[i:j + 1]
        gated, i = bool(match.group("start")), j + 1
    return "\n".join(out), removed, gated


def check_ids(source: str) -> list[str]:
    """Exercise ids of the ``check("ex-...", ...)`` calls in ``source``."""
    return [m.group("id") for m in CHECK_CALL.finditer(source)]


@dataclass
class ExerciseText:
    """An ``{exercise}`` directive: its label, title and the points its title states."""

    label: str | None
    title: str
    points: int | None


def exercise_directives(markdown: str) -> list[ExerciseText]:
    """Every ``{exercise}`` directive of a markdown cell."""
    found, lines = [], markdown.split("\n")
    for i, line in enumerate(lines):
        match = EXERCISE_OPEN.match(line)
        if match:
            label = next((LABEL.match(x).group("label") for x in lines[i + 1:i + 6] if LABEL.match(x)), None)
            points = POINTS.search(match.group("title"))
            found.append(ExerciseText(label, match.group("title").strip(),
                                      int(points.group("points")) if points else None))
    return found


#: Lines that give nothing of a solution away and occur in any program (``return out``,
#: ``layers = []``, ``total += 1``): a name returned or set to an empty or trivial value.
GENERIC_LINE = re.compile(r"(return|yield)\s+[A-Za-z_]\w*"
                          r"|[A-Za-z_]\w*\s*=\s*(\[\]|\{\}|\(\)|0|0\.0|1|None|True|False|''|\"\")"
                          r"|[A-Za-z_]\w*\s*[+-]=\s*1")


def is_informative(line: str) -> bool:
    """A solution line worth hiding: not blank, not a lone bracket or keyword such as ``else:``,
    not a :data:`GENERIC_LINE` such as ``return out``."""
    text = line.strip().rstrip(";")
    words = re.findall(r"[A-Za-z_]\w*|\d+", text)
    return (len(text) >= 3 and any(w not in keyword.kwlist for w in words)
            and not GENERIC_LINE.fullmatch(text))


def bound_names(source: str, imports: bool = True) -> set[str]:
    """Names a code cell assigns or defines, and imports unless ``imports`` is false (magics ignored)."""
    code = "\n".join(x for x in source.split("\n") if not x.lstrip().startswith(("%", "!")))
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set(re.findall(r"^\s*([A-Za-z_]\w*)\s*[+\-*/]?=", code, flags=re.M))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif imports and isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def used_names(source: str) -> set[str]:
    """Every identifier a code cell mentions (a superset of the names it reads)."""
    return set(re.findall(r"[A-Za-z_]\w*", source))


@dataclass
class ChapterExercises:
    """What a chapter asks: its exercise ids in order, and where their cells are."""

    ids: list[str] = field(default_factory=list)
    check_cells: dict[str, list[int]] = field(default_factory=dict)
    solution_cells: list[int] = field(default_factory=list)
    directives: list[ExerciseText] = field(default_factory=list)


def read_exercises(nb) -> ChapterExercises:
    """The exercises of a notebook (an ``nbformat`` node)."""
    found = ChapterExercises()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            found.directives += exercise_directives(cell.source)
        if cell.cell_type != "code":
            continue
        if solution_regions(cell.source):
            found.solution_cells.append(index)
        for exercise_id in check_ids(cell.source):
            if exercise_id not in found.check_cells:
                found.ids.append(exercise_id)
            found.check_cells.setdefault(exercise_id, []).append(index)
    return found
