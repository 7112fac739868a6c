"""Checks for chapter 10, handwritten digits. Each recomputes the answer with lecture_code."""
from __future__ import annotations

import numpy as np

from .. import datasets, digits, losses
from . import exercise
from ._answers import array, call, close, fresh

#: ex-digits-count: the hidden units of the network whose parameters are counted.
COUNT_HIDDEN = 32


def _uniform_loss() -> float:
    """The categorical cross-entropy of predicting 1/10 for every digit."""
    p = np.full((digits.CLASSES, digits.CLASSES), 1.0 / digits.CLASSES)
    return losses.categorical_cross_entropy(p, datasets.one_hot(np.arange(digits.CLASSES),
                                                                digits.CLASSES))


@exercise("ex-digits-chance", points=1)
def chance_loss(value):
    """The loss of a network that gives every one of the ten digits probability 1/10."""
    value = float(value)
    want = _uniform_loss()
    if np.isclose(value, want, rtol=1e-6, atol=0):
        return None
    if np.isclose(value, np.log10(digits.CLASSES)):
        return "the cross-entropy uses the natural logarithm, ln, not log10"
    if np.isclose(value, 1.0 / digits.CLASSES):
        return "0.1 is the probability of the right digit; the loss is -ln of it"
    if np.isclose(value, -want):
        return "the loss is -ln p, which is positive for p < 1"
    return "only the right digit's probability counts: the loss is -ln p with p = 1/10"


@exercise("ex-digits-count", points=1)
def parameter_count(n_params):
    """Trainable numbers of the chapter's network with 32 hidden units."""
    model = digits.network(COUNT_HIDDEN, rng=np.random.default_rng(0))
    want = model.n_parameters()
    if n_params == want:
        return None
    if n_params == sum(layer.shape[0] * layer.shape[1] for layer in model.layers):
        return "each layer also has one bias per unit it feeds"
    if n_params == digits.PIXELS * COUNT_HIDDEN + COUNT_HIDDEN:
        return "that is the first layer only; the output layer has 32 * 10 weights and 10 biases"
    return "64 pixels in, 32 hidden units, 10 outputs: sum d_in * d_out + d_out over both layers"


def _label_cases(rng):
    """Fresh (y_true, y_pred) pairs: a random classifier's, one digit only, every prediction wrong, one example."""
    n = int(rng.integers(30, 300))
    y_true = rng.integers(0, digits.CLASSES, n)
    y_pred = np.where(rng.random(n) < rng.uniform(0.3, 0.9), y_true, rng.integers(0, digits.CLASSES, n))
    digit = int(rng.integers(0, digits.CLASSES))
    yield y_true, y_pred
    yield np.full(n, digit), np.full(n, digit)
    yield y_true, (y_true + 1) % digits.CLASSES
    yield y_true[:1], y_pred[:1]


@exercise("ex-digits-confusion", points=2, writes=(digits.confusion_matrix,))
def confusion(function):
    """A function (y_true, y_pred) -> 10x10 counts, rows the true digit, as digits.confusion_matrix."""
    for y_true, y_pred in _label_cases(fresh()):
        want = digits.confusion_matrix(y_true, y_pred)
        got = array(call(function, y_true, y_pred), name="the matrix your function returns")
        if got.shape != want.shape:
            return f"the matrix has one row and one column per digit: shape (10, 10), got {got.shape}"
        if np.array_equal(got, want):
            continue
        if np.array_equal(got, want.T):
            return "rows and columns are swapped: row i is the true digit i, column j the prediction"
        if np.allclose(got, want / len(y_true)) or np.allclose(got.sum(axis=1), 1.0):
            return "count the examples; do not divide by anything"
        return ("C[i, j] counts the examples whose true digit is i and whose predicted digit is j; "
                f"your function is wrong on {len(y_true)} labels")
    return None


@exercise("ex-digits-recall", points=2, writes=(digits.recall,))
def per_class_accuracy(function):
    """A function (confusion matrix) -> the share of each true digit that was recognised."""
    for y_true, y_pred in _label_cases(fresh()):
        C = digits.confusion_matrix(y_true, y_pred)
        present = C.sum(axis=1) > 0
        want = digits.recall(C)
        with np.errstate(invalid="ignore", divide="ignore"):
            got = array(call(function, C), name="what your function returns")
        if got.shape != want.shape:
            return f"one number per digit: shape ({digits.CLASSES},), got {got.shape}"
        if close(got[present], want[present], rtol=1e-12):
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            if close(got[present], (np.diag(C) / C.sum(axis=0))[present], rtol=1e-12):
                return ("that divides by the column sums (how often a digit was predicted); divide by "
                        "the row sums, how many examples of each digit there are")
        if close(got, np.diag(C)):
            return "divide each right answer C[i, i] by the number of examples of digit i"
        return "the diagonal C[i, i] divided by the sum of row i"
    return None
