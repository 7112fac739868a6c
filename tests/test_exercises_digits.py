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


def count(sizes):
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def _accuracy(model, X, y):
    return float(np.mean(model(X) == y))


def workflow(data, grid, fit):
    models = [fit(setting, data.X_train, data.y_train) for setting in grid]
    scores = [_accuracy(m, data.X_val, data.y_val) for m in models]
    best = int(np.argmax(scores))
    return grid[best], _accuracy(models[best], data.X_test, data.y_test)


def choose_by(part, pick=np.argmax, report="test"):
    """A workflow that chooses on ``part`` ('train', 'val', 'test') and reports on ``report``."""
    def answer(data, grid, fit):
        models = [fit(setting, data.X_train, data.y_train) for setting in grid]
        scores = [_accuracy(m, getattr(data, f"X_{part}"), getattr(data, f"y_{part}")) for m in models]
        best = int(pick(scores))
        return grid[best], _accuracy(models[best], getattr(data, f"X_{report}"), getattr(data, f"y_{report}"))
    return answer


def last_of_ties(scores):
    return len(scores) - 1 - int(np.argmax(scores[::-1]))


def fit_on_train_and_val(data, grid, fit):
    X, y = np.vstack([data.X_train, data.X_val]), np.concatenate([data.y_train, data.y_val])
    models = [fit(setting, X, y) for setting in grid]
    best = int(np.argmax([_accuracy(m, data.X_val, data.y_val) for m in models]))
    return grid[best], _accuracy(models[best], data.X_test, data.y_test)


def scores_the_test_twice(data, grid, fit):
    setting, _ = workflow(data, grid, fit)
    model = fit(setting, data.X_train, data.y_train)
    _accuracy(model, data.X_test, data.y_test)
    return setting, _accuracy(model, data.X_test, data.y_test)


def percent(setting, test):
    return setting, 100 * test


def position(grid, setting, test):
    return grid.index(setting), test


RIGHT = {
    "ex-digits-chance": (np.log(10),),
    "ex-digits-count": (count,),
    "ex-digits-workflow": (workflow,),
    "ex-digits-confusion": (confusion,),
    "ex-digits-recall": (recall,),
}

WRONG = [
    ("ex-digits-chance", (1.0,), "natural logarithm"),
    ("ex-digits-chance", (0.1,), "probability"),
    ("ex-digits-chance", (-np.log(10),), "positive"),
    ("ex-digits-chance", (10 * np.log(10),), "only the right digit"),
    ("ex-digits-chance", (np.log2(10),), "not log2"),
    ("ex-digits-chance", (0.9,), "probability"),
    ("ex-digits-chance", (2.48,), "loss formula"),
    ("ex-digits-count", (lambda s: sum(a * b for a, b in zip(s, s[1:])),), "one bias per unit"),
    ("ex-digits-count", (lambda s: sum(a * b + a for a, b in zip(s, s[1:])),), "not one per input"),
    ("ex-digits-count", (lambda s: s[0] * s[1] + s[1],), "first layer only"),
    ("ex-digits-count", (lambda s: sum(s),), "not the units"),
    ("ex-digits-count", (lambda s: 2410,), "wrong for the layer sizes"),
    ("ex-digits-workflow", (choose_by("train"),), "choice: that is the best setting on the training set"),
    ("ex-digits-workflow", (choose_by("test"),), "only the chosen network may see the test set"),
    ("ex-digits-workflow", (choose_by("test"),), "chosen by its test score"),
    ("ex-digits-workflow", (choose_by("val", np.argmin),), "worst setting"),
    ("ex-digits-workflow", (choose_by("val", last_of_ties),), "tie"),
    ("ex-digits-workflow", (choose_by("val", report="val"),), "test: report the chosen network's accuracy"),
    ("ex-digits-workflow", (fit_on_train_and_val,), "whole training set, and on nothing else"),
    ("ex-digits-workflow", (scores_the_test_twice,), "looked at once"),
    ("ex-digits-workflow", (lambda d, g, f: percent(*workflow(d, g, f)),), "share"),
    ("ex-digits-workflow", (lambda d, g, f: position(g, *workflow(d, g, f)),), "position"),
    ("ex-digits-workflow", (lambda d, g, f: workflow(d, g, f)[0],), "two things"),
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




def test_the_chance_loss_to_two_decimals_passes_as_the_exercise_asks():
    from lecture_code.exercises import attempt
    for value in (2.30, 2.3, 2.3026, np.log(10)):
        assert attempt("ex-digits-chance", value)[0], value
    for value in (2.29, 2.31, 2.5):
        assert not attempt("ex-digits-chance", value)[0], value


def test_the_workflow_check_gives_partial_credit_for_a_right_choice():
    from lecture_code.exercises import attempt
    passed, hint, earned = attempt("ex-digits-workflow", choose_by("val", report="val"))
    assert not passed and earned == 2 and hint.startswith("test:")
    passed, hint, earned = attempt("ex-digits-workflow", choose_by("test"))
    assert earned == 0 and "choice:" in hint and "test:" in hint


def test_a_network_that_counts_itself_is_refused():
    from lecture_code.exercises import attempt
    from lecture_code.network import MLP
    passed, hint, _ = attempt("ex-digits-count", lambda s: MLP(s, rng=np.random.default_rng(0)).n_parameters())
    assert not passed and "yourself" in hint
    passed, hint, _ = attempt("ex-digits-count",
                              lambda s: sum(p.size for p in MLP(s, rng=np.random.default_rng(0)).parameters()))
    assert not passed and "yourself" in hint
