"""Checks for chapter 2, activation functions. Each recomputes the answer with lecture_code."""
from __future__ import annotations

import numpy as np

from .. import activations as act, layers
from . import exercise

_SCORES = np.array([1.0, 2.0, 3.0])           # the score vector of ex-activations-softmax


@exercise("ex-activations-sigmoid-max", points=1)
def sigmoid_max(z_max, slope_max):
    """Where the sigmoid's derivative is largest, and its value there."""
    grid = np.linspace(-10, 10, 200_001)                  # step 1e-4, includes z = 0
    slopes = act.sigmoid_prime(grid)
    best = slopes.max()
    if not np.isclose(float(slope_max), best, rtol=0, atol=1e-6):
        if np.isclose(float(slope_max), act.sigmoid(0.0), atol=1e-6):
            return "0.5 is the sigmoid's value at its steepest point, not its slope"
        return "sigma'(z) = sigma(z) (1 - sigma(z)) is a product p (1 - p); when is it largest?"
    if not np.isclose(act.sigmoid_prime(float(z_max)), best, rtol=0, atol=1e-9):
        return "the slope is right, but not at that z: where is sigma(z) = 1/2?"
    return None


@exercise("ex-activations-tanh-prime", points=1)
def tanh_prime_at_zero(value):
    """tanh'(0)."""
    value = float(value)
    if np.isclose(value, act.tanh_prime(0.0)):
        return None
    if np.isclose(value, act.tanh(0.0)):
        return "that is tanh(0); the slope is 1 - tanh(0)^2"
    if np.isclose(value, act.sigmoid_prime(0.0)):
        return "0.25 is the sigmoid's slope at 0; tanh' = 1 - tanh^2"
    return "use tanh'(z) = 1 - tanh(z)^2 with tanh(0) = 0"


@exercise("ex-activations-softmax", points=2)
def softmax_by_hand(p):
    """Softmax of the scores [1, 2, 3], to three decimals."""
    p = np.asarray(p, dtype=float).reshape(-1)
    if p.shape != _SCORES.shape:
        return f"p must hold one probability per score ({len(_SCORES)} numbers)"
    want = act.softmax(_SCORES)
    if np.allclose(p, want, rtol=0, atol=1e-3):
        return None
    if np.allclose(p, _SCORES / _SCORES.sum(), atol=1e-3):
        return "divide e^{z_j}, not z_j, by the sum: exponentiate first"
    if not np.isclose(p.sum(), 1.0, atol=3e-3):
        return "softmax outputs sum to 1: divide every e^{z_j} by the sum of all of them"
    return "compute e^1, e^2, e^3 and divide each by their sum"


def _outputs_probabilities(g, units: int) -> bool:
    """Does g on ``units`` output units give values strictly between 0 and 1 that vary with the scores?"""
    z = np.array([[-4.0, 0.0, 3.0], [2.0, -1.0, 0.5], [0.0, 0.0, 0.0]])[:, :units]
    a = g(z)
    return bool(np.all((a > 0) & (a < 1)) and np.ptp(a[:, 0]) > 0)


def _name(answer, what: str) -> str:
    name = str(answer).lower()
    if name not in act.NAMES:
        raise ValueError(f"the {what} must be one of {', '.join(act.NAMES)}, got {answer!r}")
    return name


@exercise("ex-activations-output", points=2)
def output_activations(binary, three_classes, regression):
    """Output activations for two classes (one unit), three classes (three units), regression."""
    binary = _name(binary, "binary answer")
    three = _name(three_classes, "three-class answer")
    regression = _name(regression, "regression answer")
    g2, g3, gr = (act.get(n).forward for n in (binary, three, regression))
    if not _outputs_probabilities(g2, 1):
        return (f"{binary} on one output unit does not give a probability strictly between "
                "0 and 1 that depends on the input")
    if not _outputs_probabilities(g3, 3) or not np.allclose(g3(np.eye(3)).sum(axis=1), 1.0):
        return (f"{three} on three output units does not give three probabilities summing "
                "to 1 for every input")
    z = np.array([-50.0, 50.0])
    if not (gr(z)[0] <= -50 and gr(z)[1] >= 50):
        return f"{regression} cannot output every real number (a price may be negative or large)"
    return None


@exercise("ex-activations-collapse", points=3)
def two_linear_layers(W, b):
    """The single linear layer equal to the two given linear layers."""
    W1, b1 = np.array([[1.0, 2.0], [0.0, -1.0]]), np.array([1.0, 0.0])
    W2, b2 = np.array([[2.0], [1.0]]), np.array([-1.0])
    W = np.asarray(W, dtype=float).reshape(2, 1)
    b = np.asarray(b, dtype=float).reshape(1)
    first = layers.Dense(2, 2, "linear", W=W1, b=b1)
    second = layers.Dense(2, 1, "linear", W=W2, b=b2)
    probe = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [2.0, -3.0]])
    want = second.forward(first.forward(probe))
    if not np.allclose(probe[1:3] @ W - probe[0] @ W, want[1:3] - want[0]):
        return "W is wrong: the combined weights are the product W1 W2 (a 2 x 1 matrix)"
    if np.allclose(b, b2):
        return "b is not just b2: the first bias also passes through the second layer (b1 W2 + b2)"
    if not np.allclose(probe @ W + b, want):
        return "b is wrong: it is what the two layers output at x = 0, that is b1 W2 + b2"
    return None


@exercise("ex-activations-vanishing", points=2)
def vanishing_depth(k):
    """Fewest sigmoid layers whose best-case gradient factor (max sigma')^k falls below 1e-6."""
    ceiling = float(act.sigmoid_prime(0.0))               # the largest sigma' there is
    depth = 1
    while ceiling ** depth >= 1e-6:
        depth += 1
    if int(k) == depth and k == int(k):
        return None
    if int(k) == depth - 1:
        return f"{ceiling}^{int(k)} = {ceiling ** int(k):.1e} is still above 1e-6"
    if int(k) > depth:
        return f"fewer layers suffice: {ceiling}^{depth} = {ceiling ** depth:.1e} is already below"
    return "each sigmoid layer multiplies the gradient by at most 0.25: solve 0.25^k < 1e-6 for k"
