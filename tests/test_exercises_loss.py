"""Chapter 4's exercise checks: the right answer passes, typical mistakes get a hint."""
from __future__ import annotations

import numpy as np

from support import exercise_tests

from lecture_code import datasets, losses
from lecture_code.exercises import attempt, check, loss

SOFTMAX = np.exp([2.0, 1.0, 0.1]) / np.exp([2.0, 1.0, 0.1]).sum()
RULE_P = 1 / (1 + np.exp(-(-6 + 0.5 * loss.SLIDE_STUDENTS.sum(axis=1))))
RULE_BCE = -np.mean(loss.SLIDE_LABELS * np.log(RULE_P) + (1 - loss.SLIDE_LABELS) * np.log(1 - RULE_P))


def least_squares_slope():
    X, y = datasets.regression_1d(12, rng=np.random.default_rng(4), noise=0.1, kind="linear")
    return np.polyfit(np.append(X[:, 0], 0.8), np.append(y, 4.0), 1)[0]


def bce_logits(z, y):
    return float(np.mean(y * np.logaddexp(0.0, -z) + (1 - y) * np.logaddexp(0.0, z)))


def bce_logits_grad(z, y):
    return (1 / (1 + np.exp(-z)) - y) / z.size


def naive_bce(z, y):
    p = 1 / (1 + np.exp(-z))
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))


# Answers as lists and floats, not numpy values: the contract compares answers with !=,
# which a tuple holding numpy arrays or scalars beside a list cannot answer.
RIGHT = {
    "ex-loss-bce-single": (float(1 - np.exp(-1)),),
    "ex-loss-grades": ((60 ** 2 + 20 ** 2 + 10 ** 2) / 3,),
    "ex-loss-cce-row": (SOFTMAX.tolist(), float(-np.log(SOFTMAX[1]))),
    "ex-loss-outlier": ("mae", float(least_squares_slope())),
    "ex-loss-rule-bce": (RULE_P.tolist(), float(RULE_BCE)),
    "ex-loss-bce-logits": (bce_logits, bce_logits_grad),
}

WRONG = [
    ("ex-loss-bce-single", (np.exp(-1),), "-log(1 - p)"),
    ("ex-loss-bce-single", (0.9,), "natural logarithm"),
    ("ex-loss-bce-single", (1.5,), "between 0 and 1"),
    ("ex-loss-bce-single", (0.5,), "solve for p"),
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
    ("ex-loss-outlier", ("mae", 0.887), "three decimals"),
    ("ex-loss-rule-bce", (-6 + 0.5 * loss.SLIDE_STUDENTS.sum(axis=1), 1.0), "sigmoid"),
    ("ex-loss-rule-bce", (RULE_P[:3], 1.0), "four probabilities"),
    ("ex-loss-rule-bce", (RULE_P[::-1], 1.0), "p_i ="),
    ("ex-loss-rule-bce", (RULE_P, 4 * RULE_BCE), "mean"),
    ("ex-loss-rule-bce", (RULE_P, 0.1), "BCE ="),
    ("ex-loss-bce-logits", (naive_bce, bce_logits_grad), "saturated"),
    ("ex-loss-bce-logits", (lambda z, y: bce_logits(z, y) * z.size, bce_logits_grad), "sum over the entries"),
    ("ex-loss-bce-logits", (lambda z, y: bce_logits(z, y) * z.shape[1], bce_logits_grad), "number of rows"),
    ("ex-loss-bce-logits", (lambda z, y: bce_logits(-z, y), bce_logits_grad), "swapped"),
    ("ex-loss-bce-logits", (lambda z, y: bce_logits(z, y) / np.log(10), bce_logits_grad), "log10"),
    ("ex-loss-bce-logits", (lambda z, y: np.full(z.shape, bce_logits(z, y)), bce_logits_grad), "one number"),
    ("ex-loss-bce-logits", (bce_logits, lambda z, y: bce_logits_grad(z, y) * z.size), "1/(n k)"),
    ("ex-loss-bce-logits", (bce_logits, lambda z, y: -bce_logits_grad(z, y)), "sign is reversed"),
    ("ex-loss-bce-logits", (bce_logits, lambda z, y: bce_logits_grad(z, y).ravel()), "shape of z"),
    ("ex-loss-bce-logits", (bce_logits, lambda z, y: z - y), "gradient: "),
]

globals().update(exercise_tests("ex-loss-", RIGHT, WRONG))


def test_bce_logits_gives_each_part_its_points():
    passed, hint, earned = attempt("ex-loss-bce-logits", naive_bce, bce_logits_grad)
    assert not passed and earned == 2 and hint.startswith("loss: ")
    passed, hint, earned = attempt("ex-loss-bce-logits", bce_logits, lambda z, y: z - y)
    assert not passed and earned == 2 and hint.startswith("gradient: ")


def test_bce_logits_cases_saturate_both_ways():
    z, y = list(loss._logit_cases(np.random.default_rng(0)))[1]
    assert np.all(np.abs(z) >= 30) and (z[y == 1] < 0).any() and (z[y == 0] > 0).any()


def test_bce_logits_refuses_the_probability_form_of_the_package():
    passed, hint, _ = attempt("ex-loss-bce-logits",
                              lambda z, y: losses.binary_cross_entropy(1 / (1 + np.exp(-z)), y), bce_logits_grad)
    assert not passed and "yourself" in hint


def test_outlier_accepts_any_case_and_the_trained_slope():
    X, y = datasets.regression_1d(12, rng=np.random.default_rng(4), noise=0.1, kind="linear")
    model = loss.fit_line(np.vstack([X, [[0.8]]]), np.append(y, 4.0), "mse")
    assert loss.outlier(" Mae ", model.layers[0].params["W"][0, 0]) is None


def test_fit_line_mse_reaches_least_squares():
    X, y = datasets.regression_1d(12, rng=np.random.default_rng(4), noise=0.1, kind="linear")
    model = loss.fit_line(X, y, "mse")
    np.testing.assert_allclose(model.flat_params, np.polyfit(X[:, 0], y, 1), atol=1e-6)


def test_unanswerable_input_prints_not_yet(capsys):
    check("ex-loss-grades", "a lot")
    assert capsys.readouterr().out.startswith("NOT YET ex-loss-grades")
