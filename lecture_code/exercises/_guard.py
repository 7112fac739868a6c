"""Refusing the package's own answer where an exercise says "write it yourself".

An exercise registered with ``writes=(f, ...)`` asks the student to write
``f`` themselves. While its check runs, :func:`watching` notes every call of
one of those functions that comes from outside ``lecture_code``: the student
passed the package's function, a thin wrapper of it (a lambda, a
``functools.partial``, a method), or a function of their own that calls it or
something built on it (``MLP.forward`` calling ``Dense.forward``). The check's
own reference computation is called from ``lecture_code.exercises`` and is not
counted. :func:`refusal` turns what was noted into the hint the student sees.
"""
from __future__ import annotations

import functools
import inspect
import os
import sys
from contextlib import contextmanager

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_EXERCISES = os.path.dirname(os.path.abspath(__file__))


def _code(function):
    """The code object behind a function, method or property, or None."""
    function = inspect.unwrap(getattr(function, "fget", function))
    function = getattr(function, "__func__", function)
    return getattr(function, "__code__", None)


def name_of(function) -> str:
    """``module.qualname`` of a package function, without the ``lecture_code.`` prefix."""
    function = getattr(function, "fget", function)
    module = getattr(function, "__module__", "") or ""
    return f"{module.removeprefix('lecture_code.')}.{getattr(function, '__qualname__', function)}"


def _in(path: str, folder: str) -> bool:
    return os.path.abspath(path).startswith(folder + os.sep)


def _student_called(frame, check_code=None) -> bool:
    """Whether a frame running a watched function was reached from code outside lecture_code.

    Walks the callers up to the check itself (its code, or any frame of
    ``lecture_code.exercises``): a caller outside the package on the way is
    the student's.
    """
    caller = frame.f_back
    while caller is not None:
        filename = caller.f_code.co_filename
        if caller.f_code is check_code or _in(filename, _EXERCISES):
            return False
        if not _in(filename, _PACKAGE):
            return True
        caller = caller.f_back
    return False


def _held(value, depth: int = 0):
    """``value`` unwrapped (partials, bound methods) and the callables its closure holds, 3 deep."""
    while isinstance(value, functools.partial):
        value = value.func
    yield value
    if depth < 3:
        for cell in getattr(getattr(value, "__func__", value), "__closure__", None) or ():
            try:
                held = cell.cell_contents
            except ValueError:                  # an empty cell
                continue
            if callable(held):
                yield from _held(held, depth + 1)


def passed_directly(answer, functions) -> list[str]:
    """Names of the watched ``functions`` handed in as an answer: bare, in a partial or bound
    method, or held in a wrapper's closure (a wrapper whose arguments do not fit the package
    function fails before any call could be watched)."""
    codes = {_code(f): name_of(f) for f in functions if _code(f) is not None}
    found = []
    for value in answer:
        if not callable(value):
            continue
        for held in _held(value):
            code = _code(held) if callable(held) else None
            if code in codes and codes[code] not in found:
                found.append(codes[code])
    return found


@contextmanager
def watching(functions, check=None):
    """Note (in the yielded list) each watched function that the student's code calls during ``check``."""
    codes = {_code(f): name_of(f) for f in functions if _code(f) is not None}
    check_code = _code(check) if check is not None else None
    called: list[str] = []
    if not codes:
        yield called
        return

    def profile(frame, event, arg):
        if event == "call" and frame.f_code in codes and _student_called(frame, check_code):
            name = codes[frame.f_code]
            if name not in called:
                called.append(name)

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield called
    finally:
        sys.setprofile(previous)


def refusal(names: list[str]) -> str:
    """The hint for an answer that hands back the package's own function."""
    listed = ", ".join(f"lecture_code.{n}" for n in names)
    return (f"this exercise asks you to write the code yourself, but your answer uses {listed}, "
            "the function it replaces; write the computation itself")
