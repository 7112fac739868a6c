"""Checks for chapter 3, shallow and deep networks. Each recomputes the answer with lecture_code."""
from __future__ import annotations

import numpy as np

from .. import shallow
from . import exercise

#: The network of ex-networks-forward and ex-networks-omega, in deck 004's notation.
THETA = np.array([[0.2, -1.0], [-0.2, 1.0], [1.0, 0.5]])
PHI = np.array([0.1, 1.0, -2.0, 0.5])


@exercise("ex-networks-count", points=1)
def count_mnist(n_params):
    """Parameters of an MLP [784, 128, 64, 10]."""
    sizes = [784, 128, 64, 10]
    if int(n_params) == shallow.count_parameters(sizes):
        return None
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    if int(n_params) == weights:
        return "that counts the weights only: every unit also has a bias"
    return "a layer with d_in inputs and d_out units has d_in * d_out weights and d_out biases"


@exercise("ex-networks-forward", points=2)
def forward_by_hand(y):
    """The three-unit shallow net THETA, PHI at x = 0.5."""
    if np.isclose(float(y), shallow.forward([0.5], THETA, PHI)[0]):
        return None
    if np.isclose(float(y), shallow.forward([0.5], THETA, PHI, activation="linear")[0]):
        return "you skipped the ReLU: a hidden unit with a negative pre-activation outputs 0"
    return ("compute h_d = max(0, theta_d0 + theta_d1 * 0.5) for d = 1, 2, 3, "
            "then phi_0 + sum_d phi_d h_d")


@exercise("ex-networks-pieces", points=1)
def most_pieces(pieces):
    """Most linear pieces of a 1-D shallow ReLU net with D = 7 hidden units."""
    units = 7
    knots = np.linspace(-1.0, 1.0, units + 1)    # unit d bends at knot d - 1, all distinct,
    zigzag = (-1.0) ** np.arange(units + 1)      # and the slope changes at every bend
    theta, phi = shallow.interpolating_net(knots, zigzag)
    most = shallow.linear_pieces(lambda x: shallow.forward(x, theta, phi), -2.0, 2.0)
    if int(pieces) == most:
        return None
    if int(pieces) == units:
        return "D bends cut the line into one piece more than there are bends"
    if int(pieces) == 2 ** units:
        return "2^D pieces need depth; each unit of a shallow net adds at most one bend"
    return "each ReLU unit bends the output at one x at most: count the pieces D bends make"


@exercise("ex-networks-omega", points=2)
def omega_and_beta(omega0, beta0, W1):
    """Deck 004's Omega_0 (3, 1) and beta_0 (3,) and the book's W^(1) (1, 3) of THETA."""
    omegas, betas = shallow.omega_beta(shallow.to_mlp(THETA, PHI))
    omega0, beta0, W1 = (np.asarray(v, dtype=float) for v in (omega0, beta0, W1))
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
    theta, phi = np.asarray(theta, dtype=float), np.asarray(phi, dtype=float)
    if theta.shape != (2, 2) or phi.shape != (3,):
        return "theta must have shape (2, 2) (two units) and phi shape (3,)"
    x = np.linspace(-3.0, 3.0, 601)
    if np.allclose(shallow.forward(x, theta, phi), np.abs(x)):
        return None
    return "|x| = relu(x) + relu(-x): one unit for each side of 0"
