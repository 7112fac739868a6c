"""Chapter 7's exercise checks: the right answer passes, typical mistakes get a hint."""
from __future__ import annotations

import numpy as np

from support import exercise_contract

from lecture_code.exercises import check, regularization as ex

SQUARES = 1 + 4 + 0 + 0.25 + 9 + 1
X5, Y5 = np.arange(5.0), np.array([1.0, 1.8, 1.9, 2.7, 2.6])
LINE = abs(np.polyval(np.polyfit(X5[:4], Y5[:4], 1), 4.0) - 2.6)
CUBIC = abs(np.polyval(np.polyfit(X5[:4], Y5[:4], 3), 4.0) - 2.6)

RIGHT = {
    "ex-regularization-l2-penalty": (0.01 * SQUARES,),
    "ex-regularization-occam": ("line" if LINE < CUBIC else "cubic", LINE, CUBIC),
    "ex-regularization-dropout-scale": (1.25,),
    "ex-regularization-early-stopping": (5, 9),
    "ex-regularization-threshold": (12,),
}

WRONG = [
    ("ex-regularization-l2-penalty", (0.01 * (1 + 2 + 0 + 0.5 + 3 + 1),), "L1"),
    ("ex-regularization-l2-penalty", (SQUARES,), "multiply"),
    ("ex-regularization-l2-penalty", (np.sqrt(SQUARES),), "square root"),
    ("ex-regularization-l2-penalty", (0.005 * SQUARES,), "1/2"),
    ("ex-regularization-l2-penalty", (1.0,), "square every entry"),
    ("ex-regularization-occam", ("line", CUBIC, LINE), "swapped"),
    ("ex-regularization-occam", ("line", 0.0, CUBIC), "first four points only"),
    ("ex-regularization-occam", ("line", 0.3, CUBIC), "least-squares line"),
    ("ex-regularization-occam", ("line", LINE, 0.0), "cubic through"),
    ("ex-regularization-occam", ("line" if LINE > CUBIC else "cubic", LINE, CUBIC), "smaller distance"),
    ("ex-regularization-dropout-scale", (0.8,), "probability of keeping"),
    ("ex-regularization-dropout-scale", (5.0,), "1 - p"),
    ("ex-regularization-dropout-scale", (2.0,), "E[scaled activation]"),
    ("ex-regularization-early-stopping", (9, 10), "ever sees that loss"),
    ("ex-regularization-early-stopping", (6, 10), "count the epochs from 0"),
    ("ex-regularization-early-stopping", (3, 7), "wait starts again"),
    ("ex-regularization-early-stopping", (5, 8), "counts as run"),
    ("ex-regularization-early-stopping", (1, 2), "lowest loss so far"),
    ("ex-regularization-threshold", (13,), "already has an exact solution"),
    ("ex-regularization-threshold", (11,), "fewer features than points"),
]


(test_every_check_of_the_chapter_is_tested, test_right_answer_passes,
 test_typical_mistake_gets_its_hint) = exercise_contract("ex-regularization-", RIGHT, WRONG)


def test_the_line_wins_in_the_exercise_and_the_answer_is_recomputed():
    assert LINE < CUBIC
    assert ex.occam(" Line ", LINE, CUBIC) is None


def test_the_early_stopping_answer_is_not_the_global_minimum():
    assert int(np.argmin(ex.VAL_LOSSES)) != RIGHT["ex-regularization-early-stopping"][0]


def test_unanswerable_input_prints_not_yet(capsys):
    check("ex-regularization-dropout-scale", "a lot")
    assert capsys.readouterr().out.startswith("NOT YET ex-regularization-dropout-scale")
