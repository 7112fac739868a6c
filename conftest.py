"""pytest's set-up for the whole run: the unit tests in tests/ and the chapters that nbval runs.

Before anything is collected, the compiled training loop is built here, or
loaded from numba's on-disk cache, so that every fast training
(``train(..., fused=True)``) of the tests and of every chapter runs compiled
from the first, as it did when the committed outputs were made. A reader's
fresh session instead trains its first runs in fused numpy while the loop
compiles in the background (:mod:`lecture_code.fast.compiled_training`; the
tests of that are in tests/test_fused_training.py). The two agree to
rounding, and every chapter prints the same with either
(``LECTURE_CODE_NUMBA=0`` runs them all in numpy), except for one chaotic
run: chapter 8's L1 penalty over 1000 epochs ends a few hundredths apart, and
strict nbval compares every digit. Without numba, or with
``LECTURE_CODE_NUMBA=0``, this does nothing.
"""
from __future__ import annotations


def pytest_sessionstart(session):
    from lecture_code.fast import compiled_training
    compiled_training.warm_up(wait=True)
