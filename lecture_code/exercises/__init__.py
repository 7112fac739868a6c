"""Checks for the book's exercises: ``check(exercise_id, *answer)`` prints PASS or a hint.

Each chapter's checks live in a module named after the chapter's concept
(``exercises/perceptron.py``, ...) and register themselves with
:func:`exercise`. A check recomputes the right answer with ``lecture_code``
(no answer is stored as a constant) and returns ``None`` when the student's
answer is right, or a hint saying what to look at when it is not.

The printed line has a fixed form that the grader reads::

    PASS ex-perceptron-and (2/2 points)
    NOT YET ex-perceptron-and (0/2 points): <hint>
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

__all__ = ["exercise", "check", "Exercise", "REGISTRY", "CHAPTER_MODULES", "load_all"]

CHAPTER_MODULES = ("perceptron", "activations", "networks", "loss", "gradient_descent",
                   "backprop", "regularization", "playground", "pytorch", "digits")


@dataclass(frozen=True)
class Exercise:
    """An exercise's id, its points and the function that checks an answer."""

    id: str
    points: int
    checker: Callable[..., str | None]


REGISTRY: dict[str, Exercise] = {}

# The latest outcome of check() per exercise id, (passed, hint): the grader
# (lecture_code.instructor) reads this instead of trusting printed PASS lines.
RESULTS: dict[str, tuple[bool, str | None]] = {}


def exercise(exercise_id: str, points: int):
    """Decorator registering ``checker(*answer) -> None | hint`` under ``exercise_id``."""
    def register(checker):
        REGISTRY[exercise_id] = Exercise(exercise_id, points, checker)
        return checker
    return register


def load_all() -> dict[str, Exercise]:
    """Import every chapter's checks that exist and return the registry."""
    for name in CHAPTER_MODULES:
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":
                raise
    return REGISTRY


def check(exercise_id: str, *answer) -> None:
    """Check an answer and print ``PASS``, or ``NOT YET`` with a hint."""
    if exercise_id not in REGISTRY:
        load_all()
    if exercise_id not in REGISTRY:
        raise ValueError(f"unknown exercise_id {exercise_id!r}; expected one of "
                         f"{', '.join(sorted(REGISTRY))}")
    ex = REGISTRY[exercise_id]
    try:
        hint = ex.checker(*answer)
    except (TypeError, ValueError, IndexError, KeyError) as error:
        hint = f"the answer could not be checked ({error}); look at what the exercise asks for"
    RESULTS[ex.id] = (hint is None, hint)
    if hint is None:
        print(f"PASS {ex.id} ({ex.points}/{ex.points} points)")
    else:
        print(f"NOT YET {ex.id} (0/{ex.points} points): {hint}")
