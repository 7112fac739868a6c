"""Chapter 1's exercise checks: the right answer passes, typical mistakes get a hint."""
from __future__ import annotations

import numpy as np

from support import exercise_tests

from lecture_code import perceptron
from lecture_code.exercises import perceptron as ex  # noqa: F401  (registers the checks)


def boundary_x2(w0, w, x1):
    return -(w0 + w[0] * x1) / w[1]


def update(w0, w, x, y, lr):
    y_hat = 1 if w0 + np.dot(x, w) >= 0 else 0
    return w0 + lr * (y - y_hat), np.asarray(w) + lr * (y - y_hat) * np.asarray(x)


def strict_step(w0, w, x, y, lr):   # z > 0 instead of z >= 0
    y_hat = 1 if w0 + np.dot(x, w) > 0 else 0
    return w0 + lr * (y - y_hat), w + lr * (y - y_hat) * x


def reversed_sign(w0, w, x, y, lr):   # subtracts eta (y - y_hat) x
    new_w0, new_w = update(w0, w, x, y, lr)
    return 2 * w0 - new_w0, 2 * w - new_w


def with_package_output(w0, w, x, y, lr):   # y_hat from the package
    error = y - perceptron.perceptron_output(x, w0, w)
    return w0 + lr * error, w + lr * error * x


def with_package_class(w0, w, x, y, lr):
    model = perceptron.Perceptron(len(w), lr=lr, w0=w0, w=w).fit(np.array([x]), np.array([y]), epochs=1)
    return model.w0, model.w


Z = 1 + 0.25 * 3 - 1.5 * 2

RIGHT = {
    "ex-perceptron-by-hand": (Z, 1 / (1 + np.exp(-Z))),
    "ex-perceptron-and": (-0.8, [0.6, 0.35]),
    "ex-perceptron-line": (boundary_x2,),
    "ex-perceptron-rule": (0.4 - 0.35, [0.25, -1.2]),
    "ex-perceptron-update": (update,),
}

WRONG = [
    ("ex-perceptron-by-hand", (Z - 1, 0.5), "includes the bias"),
    ("ex-perceptron-by-hand", (-Z, 0.5), "multiply each input"),
    ("ex-perceptron-by-hand", (Z, 1 / (1 + np.exp(Z))), "sign in the exponent"),
    ("ex-perceptron-by-hand", (Z, 0), "not the step's"),
    ("ex-perceptron-by-hand", (Z, 0.37), "three decimals"),
    ("ex-perceptron-and", (-0.5, [1.0, 1.0]), "(0, 1)"),                 # OR
    ("ex-perceptron-and", (-1.5, [1.0, 1.0, 1.0]), "shape (2,)"),
    ("ex-perceptron-line", (lambda w0, w, x1: (w0 + w[0] * x1) / w[1],), "sign"),
    ("ex-perceptron-line", (lambda w0, w, x1: -(w0 + w[1] * x1) / w[0],), "weight of x2"),
    ("ex-perceptron-line", (lambda w0, w, x1: 0.5 + 1.5 * x1,), "solve w0 + w1 x1 + w2 x2 = 0"),
    ("ex-perceptron-line", (lambda w0, w, x1: None,), "numbers"),
    ("ex-perceptron-rule", (1, [1, 2]), "y_hat"),                        # added eta * x
    ("ex-perceptron-rule", (0.4, [0.6, -0.5]), "nothing moved"),
    ("ex-perceptron-rule", (0.75, [0.95, 0.2]), "sign of the error"),
    ("ex-perceptron-rule", (0.4, [0.25, -1.2]), "bias moves too"),
    ("ex-perceptron-update", (lambda w0, w, x, y, lr: (w0 + lr * (y - (w0 + x @ w)),
                                                       w + lr * (y - (w0 + x @ w)) * x),), "not the pre-activation"),
    ("ex-perceptron-update", (strict_step,), "z = 0"),
    ("ex-perceptron-update", (reversed_sign,), "sign is reversed"),
    ("ex-perceptron-update", (lambda w0, w, x, y, lr: (w0, update(w0, w, x, y, lr)[1]),), "bias must move"),
    ("ex-perceptron-update", (lambda w0, w, x, y, lr: update(w0, w, x, y, 1.0),), "learning rate"),
    ("ex-perceptron-update", (lambda w0, w, x, y, lr: update(w0, w, x, y, lr)[1],), "return w0_new, w_new"),
    ("ex-perceptron-update", (lambda w0, w, x, y, lr: (w0 + lr, w + lr * x),), "y_hat"),
    ("ex-perceptron-update", (with_package_output,), "yourself"),
    ("ex-perceptron-update", (with_package_class,), "yourself"),
]

globals().update(exercise_tests("ex-perceptron-", RIGHT, WRONG))
