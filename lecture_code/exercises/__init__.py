"""Checks for the book's exercises: ``check(exercise_id, *answer)`` prints PASS or a hint.

Each chapter's checks live in a module named after the chapter's concept
(``exercises/perceptron.py``, ...) and register themselves with
:func:`exercise`. Every module of this package whose name does not start with
``_`` is such a module: :func:`load_all` finds them, so a new chapter's checks
need nothing but their file. A check recomputes the right answer with
``lecture_code`` (no answer is stored as a constant) and returns ``None`` when
the student's answer is right, or a hint saying what to look at when it is not.

An exercise that asks the student to write a function the package has
declares it, ``@exercise("ex-...", points=3, writes=(digits.confusion_matrix,))``:
an answer that hands back that function, wraps it or calls it is refused with
a hint saying so (``exercises._guard``). Checks of such functions call them on
fresh random inputs and edge cases (``exercises._answers``), never on one fixed
example a student could copy.

An exercise with independent parts declares them with their points,
``@exercise("ex-...", points=3, parts={"z": 1, "y_hat": 2})``; its check then
returns a dict with one entry per part, ``None`` or that part's hint, and each
right part earns its points (partial credit).

The printed line has a fixed form::

    PASS ex-perceptron-and (2/2 points)
    NOT YET ex-perceptron-and (0/2 points): <hint>
    NOT YET ex-perceptron-by-hand (1/3 points): y_hat: <hint>
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

from . import _guard
from ._answers import Unusable

__all__ = ["exercise", "check", "attempt", "Exercise", "REGISTRY", "check_modules", "load_all", "outcome"]


@dataclass(frozen=True)
class Exercise:
    """An exercise's id, its points, the function that checks an answer, and its parts' points if it has parts."""

    id: str
    points: int
    checker: Callable[..., str | None | dict]
    parts: dict[str, int] = field(default_factory=dict)
    module: str = ""
    writes: tuple = ()   # package functions the student writes themselves (refused as answers)


REGISTRY: dict[str, Exercise] = {}

# The latest outcome of check() per exercise id, (passed, hint, points earned):
# the grader (lecture_code.instructor) reads this instead of trusting printed lines.
RESULTS: dict[str, tuple[bool, str | None, int]] = {}


def exercise(exercise_id: str, points: int, parts: dict[str, int] | None = None, writes=()):
    """Decorator registering ``checker(*answer) -> None | hint`` under ``exercise_id``.

    With ``parts`` (part name -> points, summing to ``points``) the checker
    returns ``{part: None | hint}`` instead, and each right part earns its points.
    ``writes`` names the package functions the exercise asks the student to
    write: an answer that is, wraps or calls one of them earns no points.
    """
    if isinstance(points, bool) or not isinstance(points, int) or points < 0:
        raise ValueError(f"points must be a whole number >= 0, got {points!r}")
    parts = dict(parts or {})
    if parts and sum(parts.values()) != points:
        raise ValueError(f"the parts of {exercise_id} add up to {sum(parts.values())} points, "
                         f"expected points={points}")

    def register(checker):
        REGISTRY[exercise_id] = Exercise(exercise_id, points, checker, parts,
                                         getattr(checker, "__module__", "") or "", tuple(writes))
        return checker
    return register


def check_modules() -> list[str]:
    """The names of this package's check modules: every module not starting with ``_``, sorted."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def load_all() -> dict[str, Exercise]:
    """Import every check module of this package and return the registry."""
    for name in check_modules():
        importlib.import_module(f"{__name__}.{name}")
    return REGISTRY


def outcome(ex: Exercise, returned) -> tuple[bool, str | None, int]:
    """``(passed, hint, points earned)`` from what ``ex.checker`` returned."""
    if not ex.parts:
        if returned is not None and not isinstance(returned, str):
            raise TypeError(f"the check of {ex.id} returned {type(returned).__name__}; expected None or a hint")
        return returned is None, returned, ex.points if returned is None else 0
    if not isinstance(returned, dict) or set(returned) != set(ex.parts):
        raise TypeError(f"the check of {ex.id} must return a dict with the parts {sorted(ex.parts)}, "
                        f"got {returned!r}")
    hints = [f"{part}: {returned[part]}" for part in ex.parts if returned[part] is not None]
    earned = sum(p for part, p in ex.parts.items() if returned[part] is None)
    return not hints, "; ".join(hints) or None, earned


def _registered(exercise_id: str) -> Exercise:
    if exercise_id not in REGISTRY:
        load_all()
    if exercise_id not in REGISTRY:
        raise ValueError(f"unknown exercise_id {exercise_id!r}; expected one of "
                         f"{', '.join(sorted(REGISTRY))}")
    return REGISTRY[exercise_id]


def attempt(exercise_id: str, *answer) -> tuple[bool, str | None, int]:
    """``(passed, hint, points earned)`` for an answer, without printing.

    A wrong answer never raises: one the check cannot read, a function that
    raises, or the package's own function where the exercise says "write it"
    comes back as a hint.
    """
    ex = _registered(exercise_id)
    handed_in = _guard.passed_directly(answer, ex.writes)
    if handed_in:
        returned = _guard.refusal(handed_in)
    else:
        with _guard.watching(ex.writes, ex.checker) as called:
            try:
                returned = ex.checker(*answer)
            except Unusable as error:
                returned = str(error)
            except Exception as error:   # a wrong answer must give a hint, not a traceback
                returned = (f"the answer could not be checked ({type(error).__name__}: {error}); "
                            "look at what the exercise asks for")
        if called:                       # the package's function was used, whatever came of it
            returned = _guard.refusal(called)
    if ex.parts and isinstance(returned, str):
        returned = dict.fromkeys(ex.parts, returned)
    return outcome(ex, returned)


def check(exercise_id: str, *answer) -> None:
    """Check an answer and print ``PASS``, or ``NOT YET`` with a hint."""
    ex = _registered(exercise_id)
    passed, hint, earned = RESULTS[ex.id] = attempt(exercise_id, *answer)
    if passed:
        print(f"PASS {ex.id} ({earned}/{ex.points} points)")
    else:
        print(f"NOT YET {ex.id} ({earned}/{ex.points} points): {hint}")
