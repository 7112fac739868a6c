"""Chapter 4's exercise checks: the right answer passes, typical mistakes get a hint."""
from __future__ import annotations

import numpy as np

from support import exercise_contract

from lecture_code.exercises import check, loss

SOFTMAX = np.exp([2.0, 1.0, 0.1]) / np.exp([2.0, 1.0, 0.1]).sum()
RULE_P = 1 / (1 + np.exp(-(-6 + 0.5 * loss.SLIDE_STUDENTS.sum(axis=1))))
RULE_BCE = -np.mean(loss.SLIDE_LABELS * np.log(RULE_P) + (1 - loss.SLIDE_LABELS) * np.log(1 - RULE_P))


def least_squares_slope():
    from lecture_code import datasets
    X, y = datasets.regression_1d(12, rng=np.random.default_rng(4), noise=0.1, kind="linear")
    return np.polyfit(np.append(X[:, 0], 0.8), np.append(y, 4.0), 1)[0]


RIGHT = {
    "ex-loss-bce-single": (-np.log(0.1),),
    "ex-loss-grades": ((60 ** 2 + 20 ** 2 + 10 ** 2) / 3,),
    "ex-loss-cce-row": (SOFTMAX, -np.log(SOFTMAX[1])),
    "ex-loss-outlier": ("mae", least_squares_slope()),
    "ex-loss-rule-bce": (RULE_P, RULE_BCE),
}

WRONG = [
    ("ex-loss-bce-single", (-np.log(0.9),), "only (1 - y)"),
    ("ex-loss-bce-single", (np.log(0.1),), "minus sign"),
    ("ex-loss-bce-single", (1.0,), "natural logarithm"),
    ("ex-loss-bce-single", (0.5,), "BCE ="),
    ("ex-loss-grades", (4100.0,), "divides by n"),
    ("ex-loss-grades", (7300 / 3,), "before the improvement"),
    ("ex-loss-grades", (np.sqrt(4100 / 3),), "square root"),
    ("ex-loss-grades", (30.0,), "mean absolute error"),
    ("ex-loss-grades", (1000.0,), "take their mean"),
    ("ex-loss-cce-row", ([2.0, 1.0, 0.1], 1.0), "sum to 1"),
    ("ex-loss-cce-row", (SOFTMAX[::-1], 1.0), "in that order"),
    ("ex-loss-cce-row", (SOFTMAX[:2], 1.0), "three probabilities"),
    ("ex-loss-cce-row", (SOFTMAX, -np.log(SOFTMAX[0])), "counted from 0"),
    ("ex-loss-cce-row", (SOFTMAX, -np.log(SOFTMAX).sum()), "one-hot"),
    ("ex-loss-cce-row", (SOFTMAX, 0.3), "true class"),
    ("ex-loss-outlier", ("mse", least_squares_slope()), "MAE slope"),
    ("ex-loss-outlier", ("MAE", 0.5), "slope_mse"),
    ("ex-loss-rule-bce", (-6 + 0.5 * loss.SLIDE_STUDENTS.sum(axis=1), 1.0), "sigmoid"),
    ("ex-loss-rule-bce", (RULE_P[:3], 1.0), "four probabilities"),
    ("ex-loss-rule-bce", (RULE_P[::-1], 1.0), "p_i ="),
    ("ex-loss-rule-bce", (RULE_P, 4 * RULE_BCE), "mean"),
    ("ex-loss-rule-bce", (RULE_P, 0.1), "BCE ="),
]


(test_every_check_of_the_chapter_is_tested, test_right_answer_passes,
 test_typical_mistake_gets_its_hint) = exercise_contract("ex-loss-", RIGHT, WRONG)


def test_outlier_accepts_any_case_and_the_trained_slope():
    from lecture_code import datasets
    X, y = datasets.regression_1d(12, rng=np.random.default_rng(4), noise=0.1, kind="linear")
    model = loss.fit_line(np.vstack([X, [[0.8]]]), np.append(y, 4.0), "mse")
    assert loss.outlier(" Mae ", model.layers[0].params["W"][0, 0]) is None


def test_fit_line_mse_reaches_least_squares():
    from lecture_code import datasets
    X, y = datasets.regression_1d(12, rng=np.random.default_rng(4), noise=0.1, kind="linear")
    model = loss.fit_line(X, y, "mse")
    np.testing.assert_allclose(model.flat_params, np.polyfit(X[:, 0], y, 1), atol=1e-6)


def test_unanswerable_input_prints_not_yet(capsys):
    check("ex-loss-grades", "a lot")
    assert capsys.readouterr().out.startswith("NOT YET ex-loss-grades")
