"""A simulated class, to measure and test the grader with: ``simulate-class OUT --students N``.

Every student's notebooks are the student edition with the placeholders
filled in the way students fill them in. Each student is one of four kinds:

``complete``
    every exercise answered with the instructor book's own solution, which the
    grader accepts;
``partial``
    some exercises answered so, the others left as handed out;
``wrong``
    every exercise attempted, some of them with a mistake: one number of the
    solution changed (or, where it has none, one ``+ - * /`` swapped);
``hostile``
    like ``complete``, but one exercise of each notebook starts with code the
    grader's tests use: an endless loop, a crash of the kernel, a flood of
    output, or an allocation beyond the memory limit.

About 40 % are complete, 25 % partial, 25 % wrong and 10 % hostile (at least
one from four students on), drawn with ``--seed``. ``OUT/students.csv`` says
who is what. The folder is the command's own (:mod:`.output`): it refuses a
folder that holds anything it did not write.
"""
from __future__ import annotations

import csv
import io
import random
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import notebooks as nbs
from .output import MANIFEST, OwnedFolder
from .student_edition import (default_student_repository, make_student_edition, move_repository, read_config,
                              repository_moves)

COMMAND = "simulate-class"
SHARES = (("partial", 0.25), ("wrong", 0.25))
HOSTILE = {   # as the grader's tests attack it (tests/test_instructor.py)
    "loop": "while True:\n    pass",
    "crash": "import os\nos._exit(1)",
    "flood": "for _ in range(20000):\n    print('spam ' * 40)",
    "memory": "import numpy as np\nhuge = np.empty(64 * 2**30, np.uint8)",
}
STUB = re.compile(r"^(?P<indent>[ \t]*)# YOUR CODE HERE\n(?P=indent)raise NotImplementedError\(\)$", re.M)
SWAPS = {"+": "-", "-": "+", "*": "/", "/": "*"}


@dataclass
class Student:
    """A simulated student: a name, a kind and, for a hostile one, the attack."""

    name: str
    kind: str
    attack: str = ""


def plan(count: int, rng: random.Random) -> list[Student]:
    """``count`` students with the kinds in their shares, in a random order."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"--students must be a whole number >= 1, got {count!r}")
    hostile = max(1, round(0.1 * count)) if count >= 4 else 0
    kinds = [kind for kind, share in SHARES for _ in range(round(share * count))][:count - hostile]
    kinds += ["hostile"] * hostile
    kinds += ["complete"] * (count - len(kinds))
    rng.shuffle(kinds)
    width, attacks, students = len(str(count)), list(HOSTILE), []
    for number, kind in enumerate(kinds, start=1):
        attack = attacks[sum(s.kind == "hostile" for s in students) % len(attacks)] if kind == "hostile" else ""
        students.append(Student(f"student{number:0{width}d}", kind, attack))
    return students


def mistake(code: str, rng: random.Random) -> str:
    """``code`` with one mistake: a number changed, else an operator swapped; unchanged if it has neither."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return code
    numbers = [t for t in tokens if t.type == tokenize.NUMBER and not t.string.endswith(("j", "J"))]
    operators = [t for t in tokens if t.type == tokenize.OP and t.string in SWAPS]
    if not (numbers or operators):
        return code
    token = rng.choice(numbers or operators)
    if token.type == tokenize.NUMBER:
        value = float(token.string.replace("_", "")) if re.search(r"[.eE]", token.string) else None
        new = str(int(token.string.replace("_", ""), 0) + 1) if value is None else repr(2 * value if value else 1.0)
    else:
        new = SWAPS[token.string]
    lines = code.split("\n")
    (row, start), (_, end) = token.start, token.end
    lines[row - 1] = lines[row - 1][:start] + new + lines[row - 1][end:]
    return "\n".join(lines)


def _solutions(nb) -> list[tuple[str, str]]:
    """``(exercise id, solution)`` for every solution region of the instructor's code cells, in order."""
    checks = sorted((i, e) for e, cells in nbs.read_exercises(nb).check_cells.items() for i in cells)
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        lines = cell.source.split("\n")
        for begin, end in nbs.solution_regions(cell.source):
            exercise = next((e for i, e in checks if i > index), "")
            found.append((exercise, "\n".join(lines[begin + 1:end])))
    return found


def _answers(student: Student, exercises: list[str], rng: random.Random) -> dict[str, str]:
    """How the student answers each exercise of a notebook: ``right``, ``blank``, ``wrong`` or an attack."""
    if student.kind == "complete":
        return dict.fromkeys(exercises, "right")
    if student.kind == "hostile":
        target = rng.choice(exercises)
        return {e: student.attack if e == target else "right" for e in exercises}
    other = "blank" if student.kind == "partial" else "wrong"
    answers = {e: rng.choice(("right", other)) for e in exercises}
    if len(exercises) > 1 and len(set(answers.values())) == 1:   # at least one of each
        answers[rng.choice(exercises)] = "right" if answers[exercises[0]] == other else other
    elif len(exercises) == 1 and student.kind == "wrong":
        answers[exercises[0]] = other
    return answers


def _indented(code: str, indent: str) -> str:
    return "\n".join(indent + line if line.strip() else line for line in code.split("\n"))


def _answer(how: str, solution: str, indent: str, rng: random.Random) -> str | None:
    """The code in place of a placeholder (None: the placeholder stays)."""
    if how == "blank":
        return None
    if how == "right":
        return solution
    if how == "wrong":
        return mistake(solution, rng)
    return _indented(HOSTILE[how], indent) + "\n" + solution


def submission(instructor_nb, student: Student, rng: random.Random, moves: dict[str, str]):
    """The student edition of a chapter as ``student`` hands it in."""
    solutions = _solutions(instructor_nb)
    nb = make_student_edition(instructor_nb).nb
    move_repository(nb, moves)
    exercises = list(dict.fromkeys(e for e, _ in solutions if e))
    answers = _answers(student, exercises, rng) if exercises else {}
    queue = list(solutions)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue

        def fill(match):
            exercise, solution = queue.pop(0)
            code = _answer(answers.get(exercise, "right"), solution, match.group("indent"), rng)
            return match.group(0) if code is None else code
        cell.source = STUB.sub(fill, cell.source)
    if queue:
        raise ValueError("the student edition has fewer placeholders than the chapter has solution regions")
    return nb


def _check_folder(out: Path) -> None:
    """Refuse a folder that holds anything, unless this command made it."""
    if not out.exists():
        return
    if not out.is_dir():
        raise FileExistsError(f"{out} is a file, not a folder for the simulated class")
    manifest = out / MANIFEST
    ours = manifest.is_file() and f"written by {COMMAND}" in manifest.read_text(encoding="utf-8").split("\n")[0]
    if any(out.iterdir()) and not ours:
        raise FileExistsError(f"{out} is not empty and was not written by {COMMAND}; choose a new folder "
                              "(nothing was changed)")


def simulate_class(book: Path, out: Path, students: int, seed: int = 0,
                   only: list[str] | None = None) -> list[Student]:
    """Write ``students`` simulated students' notebooks (the chapters of ``book``, or ``only``) into ``out``."""
    out = Path(out)
    _check_folder(out)
    rng = random.Random(seed)
    chosen = plan(students, rng)
    wanted = {n if n.endswith(".ipynb") else n + ".ipynb" for n in only or []}
    chapters = [p for p in nbs.chapters(book) if not wanted or p.name in wanted]
    if not chapters or wanted - {p.name for p in chapters}:
        raise FileNotFoundError(f"--notebooks: no chapter {sorted(wanted - {p.name for p in chapters}) or ''} "
                                f"in {book}")
    config = read_config(Path(book).resolve().parent)
    moves = repository_moves(config, default_student_repository(config), None)
    folder = OwnedFolder(out, COMMAND)
    folder.claim(["students.csv", *(f"{s.name}/{p.name}" for s in chosen for p in chapters)])
    for path in chapters:
        instructor = nbformat.read(path, as_version=4)
        for student in chosen:
            nbformat.write(submission(instructor, student, rng, moves), folder.path(f"{student.name}/{path.name}"))
    with open(folder.path("students.csv"), "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "kind", "attack"])
        writer.writerows([s.name, s.kind, s.attack] for s in chosen)
    return chosen
