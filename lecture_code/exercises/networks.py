"""Checks for chapter 3, shallow and deep networks. Each recomputes the answer with lecture_code."""
from __future__ import annotations

import numpy as np

from .. import layers, network, shallow
from . import exercise
from ._answers import Unusable, array, call, close, fresh, number

#: The network of ex-networks-forward and ex-networks-omega, in deck 004's notation.
THETA = np.array([[0.2, -1.0], [-0.2, 1.0], [1.0, 0.5]])
PHI = np.array([0.1, 1.0, -2.0, 0.5])

#: ex-networks-pieces: five units whose kinks fall at -0.6, 0.35 (twice), 1.4 and -0.2;
#: the last unit has phi = 0.
BEND_THETA = np.array([[0.6, 1.0], [-0.35, 1.0], [0.7, -2.0], [-1.4, 1.0], [0.2, 1.0]])
BEND_PHI = np.array([0.2, 1.5, -2.0, 0.5, 1.0, 0.0])
BEND_RANGE = (-1.0, 1.0)


def _as_int(value, name):
    value = number(value, name)
    return int(value) if value == int(value) else None


@exercise("ex-networks-count", points=1)
def count_mnist(n_params):
    """Parameters of an MLP [784, 128, 64, 10]."""
    n_params = _as_int(n_params, "n_params")
    sizes = [784, 128, 64, 10]
    if n_params == shallow.count_parameters(sizes):
        return None
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    if n_params == weights:
        return "that counts the weights only: every unit also has a bias"
    return "a layer with d_in inputs and d_out units has d_in * d_out weights and d_out biases"


@exercise("ex-networks-forward", points=2)
def forward_by_hand(y):
    """The three-unit shallow net THETA, PHI at x = 0.5."""
    y = number(y, "y_half")
    if np.isclose(y, shallow.forward([0.5], THETA, PHI)[0]):
        return None
    if np.isclose(y, shallow.forward([0.5], THETA, PHI, activation="linear")[0]):
        return "you skipped the ReLU: a hidden unit with a negative pre-activation outputs 0"
    return ("compute h_d = max(0, theta_d0 + theta_d1 * 0.5) for d = 1, 2, 3, "
            "then phi_0 + sum_d phi_d h_d")


def true_bends(theta, phi, lo, hi) -> np.ndarray:
    """The x in (lo, hi) where a shallow ReLU net's slope changes: kinks whose slope changes do not cancel."""
    theta, phi = np.asarray(theta, float), np.asarray(phi, float)
    on = theta[:, 1] != 0
    kinks = -theta[on, 0] / theta[on, 1]
    change = phi[1:][on] * np.abs(theta[on, 1])        # a hinge adds phi_d |theta_d1| to the slope
    bends = []
    for x in np.unique(kinks[(kinks > lo) & (kinks < hi)]):
        if not np.isclose(change[np.isclose(kinks, x)].sum(), 0.0):
            bends.append(x)
    return np.array(bends)


@exercise("ex-networks-pieces", points=1)
def where_it_bends(bends):
    """The x in [-1, 1] where the five-unit net BEND_THETA, BEND_PHI bends, sorted."""
    got = np.sort(np.atleast_1d(array(bends, name="bends")).ravel())
    want = true_bends(BEND_THETA, BEND_PHI, *BEND_RANGE)
    if got.shape == want.shape and np.allclose(got, want, atol=1e-6):
        return None
    kinks = shallow.kinks(BEND_THETA)
    if np.any(np.isclose(got[:, None], BEND_THETA[:, 0] / BEND_THETA[:, 1], atol=1e-6).any(axis=1)
              & ~np.isclose(got[:, None], kinks, atol=1e-6).any(axis=1)):
        return "a unit bends where theta_d0 + theta_d1 x = 0, at x = -theta_d0 / theta_d1: check the sign"
    if np.any(np.abs(got) > 1):
        return "only the kinks inside [-1, 1] bend the output there"
    if np.any(np.isclose(got, kinks[-1], atol=1e-6)):
        return "look at phi: a unit whose phi_d is 0 adds nothing to the output, so it bends nothing"
    if len(np.unique(got.round(6))) < len(got):
        return "two units may bend at the same x: list that x once"
    return "compute each unit's kink -theta_d0 / theta_d1, then keep those that bend the output on [-1, 1]"


@exercise("ex-networks-omega", points=2)
def omega_and_beta(omega0, beta0, W1):
    """Deck 004's Omega_0 (3, 1) and beta_0 (3,) and the book's W^(1) (1, 3) of THETA."""
    omegas, betas = shallow.omega_beta(shallow.to_mlp(THETA, PHI))
    omega0, beta0, W1 = array(omega0, name="omega0"), array(beta0, name="beta0"), array(W1, name="W1_ex")
    if omega0.shape == (1, 3) and np.allclose(omega0, omegas[0].T):
        return ("Omega_0 multiplies a column from the left, so it has one row per hidden "
                "unit: shape (3, 1)")
    if omega0.shape != omegas[0].shape or not np.allclose(omega0, omegas[0]):
        return "Omega_0 holds the slopes theta_d1, one row per hidden unit"
    if beta0.reshape(-1).shape != betas[0].shape or not np.allclose(beta0.reshape(-1), betas[0]):
        return "beta_0 holds the offsets theta_d0 of the three hidden units"
    if W1.shape != omegas[0].T.shape or not np.allclose(W1, omegas[0].T):
        return "the book's W^(1) is the transpose of Omega_0: one row per input, shape (1, 3)"
    return None


@exercise("ex-networks-abs", points=2)
def absolute_value(theta, phi):
    """A shallow ReLU net with two units that computes |x| for every x."""
    theta, phi = array(theta, name="theta_abs"), array(phi, name="phi_abs")
    if theta.shape != (2, 2) or phi.shape != (3,):
        return "theta must have shape (2, 2) (two units) and phi shape (3,)"
    x = np.linspace(-3.0, 3.0, 601)
    if np.allclose(shallow.forward(x, theta, phi), np.abs(x)):
        return None
    return "|x| = relu(x) + relu(-x): one unit for each side of 0"


def _dense_cases(rng):
    """Fresh layers and batches: random sizes, one example, one unit, one input, each activation."""
    names = ["relu", "tanh", "sigmoid", "linear"]
    rng.shuffle(names)
    # more examples than units (7 or more against 6 at most), so that an output with rows and
    # columns swapped never has the right shape by chance
    sizes = [(int(rng.integers(7, 20)), int(rng.integers(2, 7)), int(rng.integers(2, 7))),
             (1, int(rng.integers(2, 7)), int(rng.integers(2, 7))),       # a single example
             (int(rng.integers(2, 20)), int(rng.integers(2, 7)), 1),      # d_out = 1
             (int(rng.integers(7, 20)), 1, int(rng.integers(2, 7)))]      # d_in = 1
    for (n, d_in, d_out), name in zip(sizes, names):
        W, b = rng.normal(size=(d_in, d_out)), rng.normal(size=d_out)
        yield layers.Dense(d_in, d_out, name, W=W, b=b), rng.normal(size=(n, d_in)) * 2


@exercise("ex-networks-dense", points=3,
          writes=(layers.Dense.forward, layers.Dense._forward, network.MLP.forward, network.MLP._forward))
def dense_forward(function):
    """A function (layer, X) -> g(X W + b), the forward pass of a Dense layer, as layers.Dense.forward."""
    try:
        return _judge_dense(function)
    except Unusable as error:   # returned, not raised, so that a refusal (writes=) still replaces it
        return str(error)


def _judge_dense(function):
    undecided = None        # the hint for a case where both mistakes below give the same numbers
    for layer, X in _dense_cases(fresh()):
        W, b, g = layer.params["W"].copy(), layer.params["b"].copy(), layer.activation.forward
        want = g(X @ W + b)
        got = array(call(function, layer, X), name="what your function returns")
        layer.params["W"][...], layer.params["b"][...] = W, b      # in case the answer changed them
        n, d_out = want.shape
        if got.shape != want.shape:
            return (f"one row per example and one column per unit: for {n} example(s) and {d_out} "
                    f"unit(s) the shape is ({n}, {d_out}), got {got.shape}")
        if close(got, want, rtol=1e-9, atol=1e-12):
            continue
        no_activation = (layer.activation.name != "linear"
                         and close(got, X @ W + b, rtol=1e-9, atol=1e-12))
        bias_after = close(got, g(X @ W) + b, rtol=1e-9, atol=1e-12)
        if no_activation and bias_after:        # a ReLU whose XW is never negative: the next case tells
            undecided = undecided or (f"apply the layer's activation ({layer.activation.name}) "
                                      "after adding the bias: A = g(XW + b)")
            continue
        if no_activation:
            return f"apply the layer's activation ({layer.activation.name}) to the pre-activation Z = XW + b"
        if bias_after:
            return "add the bias before the activation: A = g(XW + b), not g(XW) + b"
        if close(got, g(X @ W), rtol=1e-9, atol=1e-12):
            return "add the bias b (one per unit) to every row of XW"
        return (f"A = g(XW + b) with W = layer.params['W'], b = layer.params['b'] and g = "
                f"layer.activation.forward; yours differs for a {layer.activation.name} layer")
    return undecided
