"""Helpers for tests that pytest fixtures cannot provide: constants, generated tests, small classes, the guide."""
import copy
import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell

from lecture_code.exercises import REGISTRY, attempt, check

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def exercise_contract(prefix: str, right: dict, wrong: list):
    """The three basic tests of a chapter's checks (kept for :func:`exercise_tests`)."""
    tests = exercise_tests(prefix, right, wrong)
    return (tests["test_every_check_of_the_chapter_is_tested"], tests["test_right_answer_passes"],
            tests["test_typical_mistake_gets_its_hint"])


BOOK = Path(__file__).resolve().parents[1] / "book"
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
REPEATS = 5   # checks draw fresh inputs: each verdict must hold on every draw


def chapter_notebook(prefix: str) -> Path:
    """The chapter whose check cells call the exercises ``prefix...``."""
    for path in sorted(BOOK.glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        if any(f'check("{prefix}' in "".join(c["source"]) for c in cells if c["cell_type"] == "code"):
            return path
    raise LookupError(f"no chapter calls check(\"{prefix}...\")")


def printed_numbers(path: Path) -> set[float]:
    """Every number a reader sees in a chapter: its text and its outputs (solutions excluded)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    texts = []
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            texts.append(re.sub(r"`{3,}\{solution.*?`{3,}", "", source, flags=re.S))
        for output in cell.get("outputs", []):
            texts.append("".join(output.get("text", "")))
            for kind in ("text/plain", "text/markdown", "text/html", "text/latex"):
                texts.append("".join(output.get("data", {}).get(kind, "")))
    return {float(m) for m in NUMBER.findall("\n".join(texts))}


def _fails(exercise_id, answer):
    passed, hint, _ = attempt(exercise_id, *answer)
    return not passed and isinstance(hint, str) and hint != ""


def _same(a, b) -> bool:
    """Whether two answers are the same objects or equal (answers may hold arrays)."""
    try:
        return a is b or bool(np.all(a == b)) and repr(a) == repr(b)
    except Exception:
        return False


def _wrapper(function):
    return lambda *args, **kwargs: function(*args, **kwargs)


def exercise_tests(prefix: str, right: dict, wrong: list) -> dict:
    """Every test a chapter's exercise checks must pass, by name: ``globals().update(exercise_tests(...))``.

    ``right`` maps each exercise id starting with ``prefix`` to a right answer
    (a tuple of arguments); ``wrong`` lists ``(exercise_id, answer, words the
    hint must contain)``, the typical mistakes. Beyond those, every check is
    tried with what a student could hand in without the work, which must all
    fail with a hint and never raise: None, constants and empty lists; the
    neighbouring exercises' answers; the numbers the chapter prints (text and
    outputs) in place of each number of the answer; and, for an exercise that
    says "write it", the package's own function and a wrapper of it. Right
    answers and mistakes are tried several times, since checks draw fresh inputs.
    """
    notebook = chapter_notebook(prefix)
    printed = sorted(printed_numbers(notebook))
    ids = sorted(right)

    def test_every_check_of_the_chapter_is_tested():
        registered = {i for i in REGISTRY if i.startswith(prefix)}
        assert registered == set(right)
        assert len(registered) >= 4
        assert {e for e, _, _ in wrong} == registered, "every check needs at least one typical mistake"
        assert any(REGISTRY[i].writes for i in registered), "each chapter has a write-it-yourself exercise"

    @pytest.mark.parametrize("exercise_id", ids)
    def test_right_answer_passes(exercise_id, capsys):
        for _ in range(REPEATS):
            passed, hint, earned = attempt(exercise_id, *right[exercise_id])
            assert passed, hint
            assert earned == REGISTRY[exercise_id].points
        check(exercise_id, *right[exercise_id])
        assert capsys.readouterr().out.startswith(f"PASS {exercise_id}")

    @pytest.mark.parametrize("exercise_id, answer, hint", wrong)
    def test_typical_mistake_gets_its_hint(exercise_id, answer, hint):
        for _ in range(REPEATS):
            passed, message, _ = attempt(exercise_id, *answer)
            assert not passed and hint in message, message

    @pytest.mark.parametrize("exercise_id", ids)
    def test_constants_none_and_empty_answers_fail(exercise_id):
        arity = len(right[exercise_id])
        for constant in (None, 0, 1, -1, 0.5, [], "", "answer", np.zeros(0)):
            assert _fails(exercise_id, (constant,) * arity), constant
        for position in range(arity):
            answer = list(right[exercise_id])
            answer[position] = None
            assert _fails(exercise_id, answer), f"None as argument {position}"

    @pytest.mark.parametrize("exercise_id", ids)
    def test_neighbouring_answers_fail(exercise_id):
        for other in ids:
            if other != exercise_id and not _same(right[other], right[exercise_id]):
                assert _fails(exercise_id, right[other]), other

    @pytest.mark.parametrize("exercise_id", ids)
    def test_numbers_the_chapter_prints_fail(exercise_id):
        answer = right[exercise_id]
        for position, value in enumerate(answer):
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
                continue
            near = [x for x in printed if x != value and abs(x - value) <= 0.5 * abs(value) + 1e-12]
            for x in near:
                if np.isclose(x, value, rtol=1e-9, atol=0):
                    continue
                guess = list(answer)
                guess[position] = x
                assert _fails(exercise_id, guess), f"{x}, printed in {notebook.name}, passes as argument {position}"
            assert not any(np.isclose(x, value, rtol=1e-6, atol=0) for x in printed), (
                f"the answer {value} is printed in {notebook.name}")

    @pytest.mark.parametrize("exercise_id", [i for i in ids if REGISTRY[i].writes])
    def test_the_package_function_is_refused(exercise_id):
        answer = right[exercise_id]
        positions = [p for p, value in enumerate(answer) if callable(value)]
        assert positions, "a write-it exercise takes the student's function"
        for function in REGISTRY[exercise_id].writes:
            for handed in (function, _wrapper(function)):
                guess = [handed if p in positions else v for p, v in enumerate(answer)]
                passed, message, _ = attempt(exercise_id, *guess)
                assert not passed and "yourself" in message, message

    return {name: test for name, test in locals().items() if name.startswith("test_")}


# ---------------------------------------------------------------- a small class to grade

CHAPTER = BOOK / "01_perceptron.ipynb"


def small_chapter():
    """book/01_perceptron.ipynb cut down to its exercises, after a light imports cell."""
    nb = nbformat.read(CHAPTER, as_version=4)
    first = next(i for i, c in enumerate(nb.cells) if "{exercise}" in c.source)
    nb.cells = [new_code_cell("import numpy as np\nfrom lecture_code.exercises import check")] + nb.cells[first:]
    return nb


def answered(nb, exercise_id: str, code: str):
    """A copy of ``nb`` whose solution cell for ``exercise_id`` (the code cell above its check) holds ``code``."""
    from lecture_code.instructor import notebooks
    nb = copy.deepcopy(nb)
    check = notebooks.read_exercises(nb).check_cells[exercise_id][0]
    cell = nb.cells[max(i for i in range(check) if nb.cells[i].cell_type == "code")]
    cell.source = code
    return nb


def with_solution(nb, exercise_id: str, code: str):
    """A copy of ``nb`` whose solution of ``exercise_id`` is ``code``, between the solution markers."""
    return answered(nb, exercise_id, f"### BEGIN SOLUTION\n{code}\n### END SOLUTION")


# ---------------------------------------------------------------- the instructor guide's commands

GUIDE = BOOK / "instructors.md"


def guide_blocks(text: str, language: str) -> list[str]:
    """The fenced blocks of ``language`` in the guide (indented ones included), in order."""
    return [re.sub(r"^" + m.group(1), "", m.group(2), flags=re.M)
            for m in re.finditer(r"^( *)```" + language + r"\n(.*?)^\1```", text, flags=re.M | re.S)]


def guide_commands(text: str) -> list[str]:
    """Every command of the guide's ``bash`` blocks, continuation lines joined."""
    commands = []
    for block in guide_blocks(text, "bash"):
        joined = re.sub(r"\\\n\s*", "", block)
        lines = (re.sub(r"\s+#\s.*$", "", line).strip() for line in joined.splitlines())   # comments
        commands += [line for line in lines if line and not line.startswith("#")]
    return commands


def guide_section(text: str, title: str) -> tuple[str, str]:
    """The guide's section ``## title`` (up to the next ``##`` heading), and the guide without it."""
    match = re.search(r"^## " + re.escape(title) + r"\n.*?(?=^## |\Z)", text, flags=re.M | re.S)
    if match is None:
        raise LookupError(f"the guide has no section '## {title}'")
    return match.group(0), text[:match.start()] + text[match.end():]
