"""Checks for chapter 1, the perceptron. Each recomputes the answer with lecture_code."""
from __future__ import annotations

import numpy as np

from .. import activations, perceptron
from . import _guard, exercise
from ._answers import Unusable, array, call, close, fresh, number

_CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])

#: ex-perceptron-by-hand: the slides' perceptron at an input the chapter never uses.
BY_HAND_X = np.array([0.25, 1.5])
SLIDES_W0, SLIDES_W = 1.0, np.array([3.0, -2.0])

#: ex-perceptron-rule: one step of the rule from these weights, on x = [1, 2] with y = 0.
RULE_W0, RULE_W, RULE_X, RULE_Y, RULE_LR = 0.4, np.array([0.6, -0.5]), np.array([1.0, 2.0]), 0, 0.35


@exercise("ex-perceptron-by-hand", points=1)
def by_hand(z, p):
    """z and the sigmoid's output (three decimals) of the slides' perceptron at x = [0.25, 1.5]."""
    z, p = number(z, "z"), number(p, "p")
    want_z = SLIDES_W0 + BY_HAND_X @ SLIDES_W
    if not np.isclose(z, want_z, rtol=1e-9, atol=1e-12):
        if np.isclose(z, BY_HAND_X @ SLIDES_W):
            return "z includes the bias: z = w0 + x1 w1 + x2 w2"
        return "z is w0 + x1 w1 + x2 w2: multiply each input by its weight, add them and the bias"
    want_p = perceptron.perceptron_output(BY_HAND_X, SLIDES_W0, SLIDES_W, "sigmoid")
    if close(p, want_p, decimals=3):
        return None
    if close(p, 1.0 - want_p, decimals=3):
        return "the sigmoid is 1 / (1 + e^(-z)): check the sign in the exponent"
    if p in (0.0, 1.0):
        return "p asks for the sigmoid's output, a number strictly between 0 and 1, not the step's"
    return "p = 1 / (1 + e^(-z)), to three decimals"


@exercise("ex-perceptron-and", points=2)
def logical_and(w0, w):
    """A perceptron computing AND on the four corners of the unit square."""
    w0, w = number(w0, "w0"), array(w, shape=(2,), name="w")
    got = activations.step(w0 + _CORNERS @ w)
    want = _CORNERS[:, 0] * _CORNERS[:, 1]
    if np.array_equal(got, want):
        return None
    wrong = [tuple(int(v) for v in c) for c in _CORNERS[got != want]]
    return (f"wrong output at {wrong}: only (1, 1) may reach z >= 0, "
            "so the bias must be negative enough to outweigh a single input")


def _boundary_cases(rng):
    """Fresh (w0, w, x1): random lines, one through the origin, a horizontal one, many x1 at once."""
    for _ in range(4):
        w = rng.normal(size=2) * rng.uniform(0.2, 3.0)
        w[1] = np.copysign(max(abs(w[1]), 0.1), w[1])
        yield float(rng.normal()), w, float(rng.uniform(-3, 3))
    yield 0.0, np.array([rng.uniform(0.5, 2), -rng.uniform(0.5, 2)]), float(rng.uniform(-3, 3))
    yield float(rng.normal()), np.array([0.0, rng.uniform(0.5, 2)]), float(rng.uniform(-3, 3))
    yield float(rng.normal()), rng.normal(size=2) + np.array([0.0, 3.0]), rng.uniform(-3, 3, 5)


@exercise("ex-perceptron-line", points=1)
def on_the_line(function):
    """A function (w0, w, x1) -> the x2 where w0 + w1 x1 + w2 x2 = 0, for any line with w2 != 0."""
    for w0, w, x1 in _boundary_cases(fresh()):
        want = -(w0 + w[0] * np.asarray(x1)) / w[1]
        got = array(call(function, w0, w, x1), shape=np.shape(want), name="what your function returns")
        if close(got, want, rtol=1e-9, atol=1e-12):
            continue
        if close(got, -want, rtol=1e-9, atol=1e-12):
            return "check the sign: solving w0 + w1 x1 + w2 x2 = 0 moves w0 + w1 x1 to the other side"
        if w[0] != 0 and close(got, -(w0 + w[1] * np.asarray(x1)) / w[0], rtol=1e-9, atol=1e-12):
            return "w1 multiplies x1 and w2 multiplies x2: divide by the weight of x2"
        return f"solve w0 + w1 x1 + w2 x2 = 0 for x2; your function is wrong at w0 = {w0:.3g}, w = {w.round(3)}"
    return None


@exercise("ex-perceptron-rule", points=2)
def one_update(w0, w):
    """One step of Rosenblatt's rule from RULE_W0, RULE_W on RULE_X, RULE_Y with eta = RULE_LR."""
    w0, w = number(w0, "w0_new"), array(w, shape=(2,), name="w_new")
    want_w0, want_w = perceptron.update(RULE_W0, RULE_W, RULE_X, RULE_Y, RULE_LR)
    if np.isclose(w0, want_w0) and np.allclose(w, want_w):
        return None
    if np.isclose(w0, RULE_W0) and np.allclose(w, RULE_W):
        return "nothing moved: check what the step outputs at z = 0, and whether that is a mistake"
    if np.isclose(w0, 2 * RULE_W0 - want_w0) and np.allclose(w, 2 * RULE_W - want_w):
        return "the sign of the error is y - y_hat: here the label is 0 and the step said 1"
    if np.allclose(w, want_w):
        return "the weights are right; the bias moves too, by eta (y - y_hat)"
    return "compute z, then y_hat = step(z), then move w0 by eta (y - y_hat) and w by eta (y - y_hat) x"


def _update_cases(rng):
    """Fresh (w0, w, x, y, lr): mistakes either way, right predictions, z = 0 exactly, one input."""
    for d in (int(rng.integers(2, 7)), int(rng.integers(2, 7)), 1):
        for wrong in (True, False, True):
            w0, w, x = float(rng.normal()), rng.normal(size=d), rng.normal(size=d) * 2
            said = 1 if w0 + x @ w >= 0 else 0
            yield w0, w, x, (1 - said) if wrong else said, float(rng.uniform(0.05, 2.0))
    d = int(rng.integers(1, 5))
    yield 0.0, np.zeros(d), rng.normal(size=d), 0, float(rng.uniform(0.05, 2.0))   # z = 0: y_hat = 1
    yield 0.0, np.zeros(d), rng.normal(size=d), 1, float(rng.uniform(0.05, 2.0))   # z = 0, right


_RETURN_TWO = ("your function should return two things, the new bias and the new weights: "
               "return w0_new, w_new")


def _hint_for_update(w0, w, x, y, lr, got_w0, got_w):
    """The likely mistake behind a wrong step, tried against the usual slips."""
    z = w0 + x @ w
    def same(b, v):
        return close(got_w0, b, rtol=1e-9, atol=1e-12) and close(got_w, v, rtol=1e-9, atol=1e-12)
    error = y - (1.0 if z >= 0 else 0.0)
    if z == 0 and same(w0, w):
        return "at z = 0 the step outputs 1 (z >= 0), so with y = 0 that is a mistake"
    if same(w0 + lr * (y - z), w + lr * (y - z) * x):
        return "the error is y - y_hat with y_hat the step's output, 0 or 1, not the pre-activation z"
    if same(w0 - lr * error, w - lr * error * x):
        return "the sign is reversed: the rule adds eta (y - y_hat) x, towards x when y = 1 and y_hat = 0"
    if same(w0, w + lr * error * x):
        return "the weights are right, but the bias must move too: w0 + eta (y - y_hat)"
    if same(w0 + error, w + error * x) and lr != 1:
        return "multiply the change by the learning rate lr"
    if error == 0:
        return "when the prediction is right (y_hat = y) the rule changes nothing"
    return "y_hat = step(w0 + x . w), then w0 + lr (y - y_hat) and w + lr (y - y_hat) x"


@exercise("ex-perceptron-update", points=3,
          writes=(perceptron.update, perceptron._update))   # _update: the step Perceptron.fit takes
def update_rule(function):
    """A function (w0, w, x, y, lr) -> (w0_new, w_new), one step of Rosenblatt's rule, as perceptron.update."""
    with _guard.watching(_ALSO_REFUSED) as used:
        try:
            verdict = _judge_update(function)
        except Unusable as error:   # a function that raised: still refused if it used the package
            verdict = str(error)
    return _guard.refusal(used) if used else verdict


#: Besides the rule itself, the package's perceptron output (its arguments differ, so
#: ``writes=`` cannot list them): an update built on them does not compute y_hat itself.
_ALSO_REFUSED = (perceptron.update, perceptron._update, perceptron.perceptron_output,
                 perceptron.Perceptron.decision, perceptron.Perceptron.predict)


def _judge_update(function):
    for w0, w, x, y, lr in _update_cases(fresh()):
        want_w0, want_w = perceptron.update(w0, w, x, y, lr)
        got = call(function, w0, w, x, y, lr)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return _RETURN_TWO   # returned, not raised, so that a refusal (writes=) still replaces it
        got_w0, got_w = number(got[0], "the new bias"), array(got[1], shape=(w.size,), name="the new weights")
        if close(got_w0, want_w0, rtol=1e-9, atol=1e-12) and close(got_w, want_w, rtol=1e-9, atol=1e-12):
            continue
        return _hint_for_update(w0, w, x, y, lr, got_w0, got_w)
    return None
