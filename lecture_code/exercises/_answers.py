"""What a check does with a student's answer: read it, call it on fresh inputs, compare it.

A check never crashes on a wrong answer. Everything here raises
:class:`Unusable`, whose message is the hint the student sees, when an answer
cannot be read (None where a number is asked, a function that raises, an
array of the wrong shape); :func:`lecture_code.exercises.check` prints it.

Inputs for a function the student wrote are drawn by :func:`fresh`, a new
generator seeded from the operating system at every check, so no printed run
and no earlier check can be copied: the answer has to compute.
"""
from __future__ import annotations

import os

import numpy as np

__all__ = ["Unusable", "fresh", "number", "array", "close", "call", "judge", "shape_of"]


class Unusable(ValueError):
    """An answer that cannot be checked; the message says what was expected."""


#: Set by the grader in a submission's kernel: the seed of the checks' inputs for that submission.
CHECK_SEED = "LECTURE_CODE_CHECK_SEED"


def fresh() -> np.random.Generator:
    """A generator seeded from the operating system: new inputs at every check.

    When the grader runs a submission it sets ``LECTURE_CODE_CHECK_SEED`` (from
    the student, the notebook and its content), so the same submission graded
    twice meets the same inputs and gets the same points and hints; a changed
    submission meets others.
    """
    seed = os.environ.get(CHECK_SEED, "")
    return np.random.default_rng(int(seed)) if seed.isdigit() else np.random.default_rng()


def _kind(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return type(value).__name__


def number(value, name: str = "the answer") -> float:
    """``value`` as a finite float, or :class:`Unusable` saying that ``name`` should be a number."""
    if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, (str, bytes)):
        raise Unusable(f"{name} should be a number, got {_kind(value)}")
    try:
        result = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Unusable(f"{name} should be a number, got {_kind(value)}") from None
    if result.size != 1:
        raise Unusable(f"{name} should be a single number, got {result.size} numbers")
    result = float(result.reshape(()))
    if not np.isfinite(result):
        raise Unusable(f"{name} should be a finite number, got {result}")
    return result


def array(value, shape: tuple | None = None, name: str = "the answer") -> np.ndarray:
    """``value`` as a float array (of ``shape``, if given), or :class:`Unusable` saying what was expected."""
    if value is None or isinstance(value, (str, bytes)):
        raise Unusable(f"{name} should be numbers, got {_kind(value)}")
    try:
        result = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Unusable(f"{name} should be numbers (an array or a list), got {_kind(value)}") from None
    if shape is not None and result.shape != tuple(shape):
        raise Unusable(f"{name} should have shape {tuple(shape)}, got {result.shape}")
    return result


def close(value, want, decimals: int | None = None, rtol: float = 1e-9, atol: float = 0.0) -> bool:
    """Whether ``value`` matches ``want``: to ``decimals`` places if given (rounded either way), else to ``rtol``/``atol``.

    ``close(2.30, np.log(10), decimals=2)`` is true: asked for two decimals,
    2.30 and 2.3026 both answer ln 10 = 2.302585...
    """
    value, want = np.asarray(value, dtype=float), np.asarray(want, dtype=float)
    if value.shape != want.shape:
        return False
    if decimals is not None:
        half = 0.5 * 10.0 ** (-decimals)
        return bool(np.all(np.abs(value - want) <= half * (1 + 1e-9) + 1e-12 * np.abs(want)))
    return bool(np.allclose(value, want, rtol=rtol, atol=atol))


def shape_of(args) -> str:
    """How a call's arguments look, for a hint: ``"(array (3, 2), 0.5)"``."""
    parts = [f"array {np.shape(a)}" if isinstance(a, np.ndarray) else repr(a) for a in args]
    return "(" + ", ".join(parts) + ")"


def call(function, *args, name: str = "your function"):
    """``function(*args)`` on copies of array inputs, or :class:`Unusable` if it is not a function or raises."""
    args = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
    if not callable(function):
        raise Unusable(f"{name} should be a function (def ...), got {_kind(function)}")
    try:
        return function(*args)
    except Exception as error:   # any mistake in the student's code becomes a hint
        raise Unusable(f"{name} raised {type(error).__name__}: {error} on the inputs {shape_of(args)}") from None


def judge(part_check, *args):
    """``part_check(*args)`` with :class:`Unusable` turned into its hint: one part of an exercise with parts.

    A parts check returns ``{"z": judge(check_z, z), "y_hat": judge(check_y, y_hat)}``,
    so an unreadable ``z`` costs only the points of ``z``.
    """
    try:
        return part_check(*args)
    except Unusable as error:
        return str(error)
