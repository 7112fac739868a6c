"""Chapter 2's exercise checks: the right answer passes, typical wrong answers get a hint."""
from __future__ import annotations

import numpy as np

from support import exercise_tests

from lecture_code.exercises import activations as ex  # noqa: F401  (registers the checks)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def elu(z, alpha):
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def elu_prime(z, alpha):
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def naive_elu(z, alpha):
    with np.errstate(over="ignore"):
        return np.where(z > 0, z, alpha * (np.exp(z) - 1))


def elu_prime_from_elu(z, alpha):                      # elu(z) + alpha: cancels at large -z
    return np.where(z > 0, 1.0, elu(z, alpha) + alpha)


def elu_if(z, alpha):                                  # Python's if on an array raises
    return z if z > 0 else alpha * np.expm1(z)


P_HALF = 0.5 + np.sqrt(0.25 - 0.125)
W1, B1 = np.array([[1.0, 2.0], [0.0, -1.0]]), np.array([1.0, 0.0])
W2, B2 = np.array([[2.0], [1.0]]), np.array([-1.0])
E = np.exp([1.0, 2.0, 3.0])

RIGHT = {
    "ex-activations-sigmoid-half": (float(np.log(P_HALF / (1 - P_HALF))),),
    "ex-activations-tanh-range": (float(np.arctanh(np.sqrt(0.99))),),
    "ex-activations-softmax": ((E / E.sum()).tolist(),),
    "ex-activations-output": ("sigmoid", "softmax", "linear"),
    "ex-activations-collapse": ((W1 @ W2).tolist(), (B1 @ W2 + B2).tolist()),
    "ex-activations-vanishing": (int(np.ceil(8 / np.log10(4))),),
    "ex-activations-elu": (elu, elu_prime),
}

WRONG = [
    ("ex-activations-sigmoid-half", (0.0,), "largest"),
    ("ex-activations-sigmoid-half", (-1.7627,), "z > 0"),
    ("ex-activations-sigmoid-half", (0.125,), "value of the slope"),
    ("ex-activations-sigmoid-half", (float(P_HALF),), "ln(p / (1 - p))"),
    ("ex-activations-sigmoid-half", (np.log(3.0),), "solve p (1 - p)"),
    ("ex-activations-sigmoid-half", ("1.76",), "should be a number"),
    ("ex-activations-tanh-range", (np.sqrt(0.99),), "inverse of tanh"),
    ("ex-activations-tanh-range", (3.0,), "two decimals"),
    ("ex-activations-tanh-range", (4.585,), "sigmoid"),
    ("ex-activations-tanh-range", (-2.993,), "z > 0"),
    ("ex-activations-tanh-range", (1.0,), "np.arctanh"),
    ("ex-activations-softmax", ([1 / 6, 2 / 6, 3 / 6],), "exponentiate"),
    ("ex-activations-softmax", (E,), "sum to 1"),
    ("ex-activations-softmax", ((E / E.sum())[::-1],), "e^1, e^2, e^3"),
    ("ex-activations-softmax", ([0.5, 0.5],), "one probability per score"),
    ("ex-activations-output", ("softmax", "softmax", "linear"), "softmax on one output"),
    ("ex-activations-output", ("step", "softmax", "linear"), "step on one output"),
    ("ex-activations-output", ("sigmoid", "sigmoid", "linear"), "summing"),
    ("ex-activations-output", ("sigmoid", "softmax", "relu"), "relu cannot"),
    ("ex-activations-output", ("sigmoid", "softmax", "identity"), "must be one of"),
    ("ex-activations-collapse", (W1 @ W2, B2), "b1 W2 + b2"),
    ("ex-activations-collapse", (W1 @ W2, B1.sum() + B2), "b is wrong"),
    ("ex-activations-collapse", (W2, B1 @ W2 + B2), "W1 W2"),
    ("ex-activations-collapse", ([[1, 2, 3]], [0]), "2 x 1"),
    ("ex-activations-vanishing", (13,), "still above"),
    ("ex-activations-vanishing", (15,), "fewer layers"),
    ("ex-activations-vanishing", (3,), "solve"),
    ("ex-activations-vanishing", (14.5,), "whole number"),
    ("ex-activations-elu", (naive_elu, elu_prime), "nearly equal numbers"),
    ("ex-activations-elu", (lambda z, a: elu(z, 1.0), elu_prime), "multiply by alpha"),
    ("ex-activations-elu", (lambda z, a: np.maximum(z, 0.0), elu_prime), "alpha (e^z - 1)"),
    ("ex-activations-elu", (lambda z, a: elu(-z, a), elu_prime), "identity"),
    ("ex-activations-elu", (elu_if, elu_prime), "raised ValueError"),
    ("ex-activations-elu", (elu, elu_prime_from_elu), "compute alpha e^z itself"),
    ("ex-activations-elu", (elu, lambda z, a: elu_prime(z, 1.0)), "multiply by alpha"),
    ("ex-activations-elu", (elu, lambda z, a: np.where(z > 0, 0.0, a * np.exp(z))), "slope is 1"),
    ("ex-activations-elu", (elu, elu), "the ELU itself"),
    ("ex-activations-elu", (elu, lambda z, a: a * np.exp(z)), "slope is 1"),
    ("ex-activations-elu", (elu, lambda z, a: 1.0), "shape"),
]

globals().update(exercise_tests("ex-activations-", RIGHT, WRONG))


def test_partial_credit_for_one_right_function():
    from lecture_code.exercises import attempt
    passed, hint, earned = attempt("ex-activations-elu", elu, elu_prime_from_elu)
    assert not passed and earned == 2 and hint.startswith("elu_prime:")
