"""Checks for chapter 1, the perceptron. Each recomputes the answer with lecture_code."""
from __future__ import annotations

import numpy as np

from .. import perceptron
from . import exercise

_CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


@exercise("ex-perceptron-by-hand", points=1)
def by_hand(z, y_hat):
    """The slides' perceptron (w0 = 1, W = [3, -2]) with a step, at x = [2, 1]."""
    x, w0, w = np.array([2.0, 1.0]), 1.0, np.array([3.0, -2.0])
    if not np.isclose(z, w0 + x @ w):
        return "z is w0 + x1 w1 + x2 w2: add the bias to the two products"
    if y_hat != perceptron.perceptron_output(x, w0, w, "step"):
        return "the step outputs 1 when z >= 0 and 0 otherwise"
    return None


@exercise("ex-perceptron-and", points=2)
def logical_and(w0, w):
    """A perceptron computing AND on the four corners of the unit square."""
    got = perceptron.perceptron_output(_CORNERS, float(w0), np.asarray(w, float), "step")
    want = _CORNERS[:, 0] * _CORNERS[:, 1]
    if np.array_equal(got, want):
        return None
    wrong = [tuple(int(v) for v in c) for c in _CORNERS[got != want]]
    return (f"wrong output at {wrong}: only (1, 1) may reach z >= 0, "
            "so the bias must be negative enough to outweigh a single input")


@exercise("ex-perceptron-line", points=1)
def on_the_line(x2):
    """x2 where the slides' boundary 1 + 3 x1 - 2 x2 = 0 crosses x1 = 1."""
    if np.isclose(1.0 + 3.0 * 1.0 - 2.0 * float(x2), 0.0):
        return None
    return "set x1 = 1 in 1 + 3 x1 - 2 x2 = 0 and solve for x2"


@exercise("ex-perceptron-rule", points=2)
def one_update(w0, w):
    """One step of Rosenblatt's rule from zero weights on x = [1, 2], y = 0, eta = 1."""
    model = perceptron.Perceptron(2, lr=1.0)
    model.fit(np.array([[1.0, 2.0]]), np.array([0.0]), epochs=1)
    if np.isclose(w0, model.w0) and np.allclose(np.asarray(w, float), model.w):
        return None
    return ("with zero weights z = 0, so the step predicts 1 and the error y - y_hat is -1: "
            "subtract eta * x from w and eta from w0")
