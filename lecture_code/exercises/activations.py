"""Checks for chapter 2, activation functions. Each recomputes the answer with lecture_code."""
from __future__ import annotations

import numpy as np

from .. import activations as act, layers
from . import exercise
from ._answers import Unusable, array, call, close, fresh, judge, number

_SCORES = np.array([1.0, 2.0, 3.0])           # the score vector of ex-activations-softmax

#: ex-activations-vanishing: the factor the slopes alone must shrink a gradient below.
VANISHING_FACTOR = 1e-8
#: ex-activations-tanh-range: the share of a gradient tanh still passes at the edge of its range.
TANH_SHARE = 0.01


def _logit(p: float) -> float:
    """The z with sigma(z) = p."""
    return float(np.log(p / (1 - p)))


@exercise("ex-activations-sigmoid-half", points=1)
def sigmoid_half_slope(z_half):
    """The z > 0 at which sigma'(z) is half its largest value, to three decimals."""
    z_half = number(z_half, "z_half")
    half = float(act.sigmoid_prime(0.0)) / 2
    p = 0.5 + np.sqrt(0.25 - half)                      # p (1 - p) = half, the root above 1/2
    want = _logit(p)
    if close(z_half, want, decimals=3):
        return None
    if close(abs(z_half), want, decimals=3):
        return "sigma' is symmetric, sigma'(-z) = sigma'(z); the exercise asks for the z > 0"
    if close(z_half, 0.0, decimals=3):
        return "z = 0 is where sigma' is largest; look for where it has fallen to half of that"
    if close(z_half, half, decimals=3) or close(z_half, 2 * half, decimals=3):
        return "that is a value of the slope sigma'(z); the exercise asks for the z where it is reached"
    if close(z_half, p, decimals=3):
        return "that is sigma(z) at the point; z itself is ln(p / (1 - p))"
    if close(z_half, _logit(half), decimals=3) or close(z_half, -_logit(half), decimals=3):
        return "half the largest slope is a value of sigma' = p (1 - p), not of sigma = p"
    return "solve p (1 - p) = (largest slope) / 2 for p = sigma(z) > 1/2, then invert the sigmoid"


@exercise("ex-activations-tanh-range", points=1)
def tanh_range(z_edge):
    """The z > 0 up to which tanh passes at least 1% of a gradient, tanh'(z) >= 0.01, to two decimals."""
    z_edge = number(z_edge, "z_edge")
    want = float(np.arctanh(np.sqrt(1 - TANH_SHARE)))
    if close(z_edge, want, decimals=2):
        return None
    if close(abs(z_edge), want, decimals=2):
        return "tanh' is symmetric; the exercise asks for the z > 0"
    if close(z_edge, np.sqrt(1 - TANH_SHARE), decimals=2):
        return ("that is the value of tanh(z) at the edge (tanh' = 1 - tanh(z)^2, not 1 - z^2); "
                "z itself is the inverse of tanh")
    if close(z_edge, _logit(0.5 + np.sqrt(0.25 - TANH_SHARE)), decimals=2):
        return "that is where the sigmoid's slope falls to 0.01; the exercise asks about tanh"
    if close(z_edge, want, decimals=0):
        return "close: the answer is asked to two decimals; solve 1 - tanh(z)^2 = 0.01 exactly"
    return "solve 1 - tanh(z)^2 = 0.01 for tanh(z), then invert tanh (np.arctanh)"


@exercise("ex-activations-softmax", points=2)
def softmax_by_hand(p):
    """Softmax of the scores [1, 2, 3], to three decimals."""
    p = array(p, name="p_hand").reshape(-1)
    if p.shape != _SCORES.shape:
        return f"p must hold one probability per score ({len(_SCORES)} numbers)"
    want = act.softmax(_SCORES)
    if close(p, want, decimals=3):
        return None
    if close(p, _SCORES / _SCORES.sum(), decimals=3):
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
    name = str(answer).lower() if isinstance(answer, str) else None
    if name not in act.NAMES:
        raise Unusable(f"the {what} must be one of {', '.join(act.NAMES)} (a string), got {answer!r}")
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
    W = array(W, name="W_one")
    b = array(b, name="b_one")
    if W.size != 2:
        return f"W has one row per input and one column per output: 2 x 1, got shape {W.shape}"
    if b.size != 1:
        return f"b is one number (one output), got shape {b.shape}"
    W, b = W.reshape(2, 1), b.reshape(1)
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
    """Fewest sigmoid layers whose slope factors alone, (max sigma')^k, fall below 1e-8."""
    k = number(k, "k_layers")
    if k != int(k):
        return "k_layers is a number of layers: a whole number"
    ceiling = float(act.sigmoid_prime(0.0))               # the largest sigma' there is
    depth = 1
    while ceiling ** depth >= VANISHING_FACTOR:
        depth += 1
    k = int(k)
    if k == depth:
        return None
    if k == depth - 1:
        return f"with {k} layers the slope factors are still above {VANISHING_FACTOR:g}"
    if k > depth:
        return "fewer layers suffice: find the smallest k"
    return "each sigmoid layer's slope factor is at most the largest sigma': solve (max sigma')^k < 1e-8 for k"


# -- write it yourself: the ELU and its derivative ------------------------------------

def _elu_cases(rng):
    """Fresh (z, alpha) pairs: random shapes and scales, large |z|, z just below 0, a single number."""
    edges = np.array([-800.0, -60.0, -40.0, -1e-9, -3e-12, 1e-9, 40.0, 800.0])
    yield rng.permutation(edges * rng.uniform(0.9, 1.1, edges.size)), float(rng.uniform(0.1, 3))
    for _ in range(3):
        shape = tuple(int(s) for s in rng.integers(1, 6, size=rng.integers(1, 4)))
        yield rng.normal(scale=rng.uniform(0.5, 5), size=shape), float(rng.uniform(0.1, 3))
    yield np.array([float(rng.normal())]), 1.0


def _values(function, z, alpha, name):
    with np.errstate(all="ignore"):                       # a naive e^{800} may overflow
        got = array(call(function, z, alpha, name=name), name=f"what {name} returns")
    if got.shape != z.shape:
        raise Unusable(f"{name} should return one value per entry of z, shape {z.shape}, got {got.shape}")
    return got


def _agrees(got, want) -> bool:
    """Equal to float64's accuracy, relative to each entry (below 1e-300, where e^z is subnormal, absolutely)."""
    return bool(np.all(np.abs(got - want) <= 1e-12 * np.abs(want) + 1e-300))


def _check_elu(elu):
    for z, alpha in _elu_cases(fresh()):
        got, want = _values(elu, z, alpha, "elu"), act.elu(z, alpha)
        if _agrees(got, want):
            continue
        neg, pos = z < 0, z > 0
        if not _agrees(got[pos], want[pos]):
            return "for z > 0 the ELU is the identity, z itself"
        if _agrees(got[neg], want[neg] / alpha):
            return "for z < 0 the ELU is alpha (e^z - 1): multiply by alpha"
        if np.allclose(got[neg], want[neg], rtol=1e-3, atol=0):
            return ("right to six digits, but not for z just below 0: e^z - 1 subtracts two nearly "
                    "equal numbers there and loses digits; numpy has a function for e^z - 1")
        if not np.all(np.isfinite(got)):
            return "your elu returns inf or nan for some z; which branch is computed for large |z|?"
        return f"for z < 0 the ELU is alpha (e^z - 1); your elu is wrong on z of shape {z.shape}"
    return None


def _check_elu_prime(elu_prime):
    for z, alpha in _elu_cases(fresh()):
        got, want = _values(elu_prime, z, alpha, "elu_prime"), act.elu_prime(z, alpha)
        if _agrees(got, want):
            continue
        neg, pos = z < 0, z > 0
        if _agrees(got, act.elu(z, alpha)):
            return "that is the ELU itself; differentiate each of its two branches"
        if not _agrees(got[pos], want[pos]):
            return "for z > 0 the ELU is z, so its slope is 1"
        if _agrees(got[neg], want[neg] / alpha):
            return "for z < 0 the slope is alpha e^z: multiply by alpha"
        if np.allclose(got[neg], want[neg], rtol=1e-3, atol=1e-14):
            return ("right for moderate z, but not for large negative z: there elu(z) + alpha subtracts "
                    "two nearly equal numbers (-alpha + alpha); compute alpha e^z itself")
        if _agrees(got[neg], act.elu(z, alpha)[neg]):
            return "for z < 0 that is the ELU itself; differentiate alpha (e^z - 1)"
        return f"for z < 0 the slope is alpha e^z; your elu_prime is wrong on z of shape {z.shape}"
    return None


@exercise("ex-activations-elu", points=4, parts={"elu": 2, "elu_prime": 2},
          writes=(act.elu, act.elu_prime))
def elu_pair(elu, elu_prime):
    """Functions elu(z, alpha) and elu_prime(z, alpha), as activations.elu and activations.elu_prime."""
    return {"elu": judge(_check_elu, elu), "elu_prime": judge(_check_elu_prime, elu_prime)}
