"""pytest's set-up for the chapter notebooks that nbval runs (the unit tests have theirs in tests/).

Before the first chapter runs, the compiled training loop is built here, or
loaded from numba's on-disk cache, so that every chapter's fast training
(``train(..., fused=True)``) runs compiled from its first cell, as it did when
the committed outputs were made. A reader's fresh session instead trains its
first runs in fused numpy while the loop compiles in the background
(:mod:`lecture_code.fast.compiled_training`). The two agree to rounding, and
every chapter prints the same with either (``LECTURE_CODE_NUMBA=0`` runs them
all in numpy), except for one chaotic run: chapter 8's L1 penalty over 1000
epochs ends a few hundredths apart, and strict nbval compares every digit.
"""
from __future__ import annotations


def pytest_collection_finish(session):
    if any(item.nodeid.split("::")[0].endswith(".ipynb") for item in session.items):
        from lecture_code.fast import compiled_training
        compiled_training.warm_up(wait=True)
