"""Chapter 10's exercise checks: the right answer passes, typical mistakes get a hint."""
from __future__ import annotations

import numpy as np

from support import exercise_tests

from lecture_code.exercises import digits as ex  # noqa: F401  (registers the checks)


def confusion(y_true, y_pred):
    C = np.zeros((10, 10), dtype=int)
    for t, p in zip(y_true, y_pred):
        C[t, p] += 1
    return C


def recall(C):
    return np.diag(C) / C.sum(axis=1)


RIGHT = {
    "ex-digits-chance": (np.log(10),),
    "ex-digits-count": (64 * 32 + 32 + 32 * 10 + 10,),
    "ex-digits-confusion": (confusion,),
    "ex-digits-recall": (recall,),
}

WRONG = [
    ("ex-digits-chance", (1.0,), "natural logarithm"),
    ("ex-digits-chance", (0.1,), "probability of the right digit"),
    ("ex-digits-chance", (-np.log(10),), "positive"),
    ("ex-digits-chance", (10 * np.log(10),), "only the right digit"),
    ("ex-digits-count", (64 * 32 + 32 * 10,), "bias"),
    ("ex-digits-count", (64 * 32 + 32,), "first layer only"),
    ("ex-digits-count", (2400,), "sum d_in * d_out"),
    ("ex-digits-confusion", (lambda t, p: confusion(t, p).T,), "swapped"),
    ("ex-digits-confusion", (lambda t, p: confusion(t, p) / len(t),), "do not divide"),
    ("ex-digits-confusion", (lambda t, p: np.zeros((9, 9)),), "shape (10, 10)"),
    ("ex-digits-confusion", (lambda t, p: np.ones((10, 10), dtype=int),), "C[i, j] counts"),
    ("ex-digits-recall", (lambda C: np.diag(C) / C.sum(axis=0),), "column sums"),
    ("ex-digits-recall", (lambda C: np.diag(C),), "divide each right answer"),
    ("ex-digits-recall", (lambda C: np.diag(C) / C.sum(),), "row i"),
    ("ex-digits-recall", (lambda C: C.sum(axis=1),), "row i"),
    ("ex-digits-recall", (lambda C: recall(C)[:9],), "one number per digit"),
]

globals().update(exercise_tests("ex-digits-", RIGHT, WRONG))


