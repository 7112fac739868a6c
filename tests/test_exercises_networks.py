"""Chapter 3's exercise checks: the right answer passes, typical mistakes get a hint."""
from __future__ import annotations

import numpy as np

from support import exercise_tests

from lecture_code import shallow
from lecture_code.exercises import networks as ex
from lecture_code.exercises.networks import BEND_PHI, BEND_RANGE, BEND_THETA, PHI, THETA


def dense_forward(layer, X):
    return layer.activation.forward(X @ layer.params["W"] + layer.params["b"])


H_HALF = np.maximum(0.0, THETA[:, 0] + THETA[:, 1] * 0.5)
OMEGA0, BETA0 = THETA[:, 1:], THETA[:, 0]

RIGHT = {
    "ex-networks-count": (784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10,),
    "ex-networks-forward": (float(PHI[0] + PHI[1:] @ H_HALF),),
    "ex-networks-pieces": ([-0.6, 0.35],),
    "ex-networks-omega": (OMEGA0.tolist(), BETA0.tolist(), OMEGA0.T.tolist()),
    "ex-networks-abs": ([[0.0, 1.0], [0.0, -1.0]], [0.0, 1.0, 1.0]),
    "ex-networks-dense": (dense_forward,),
}

WRONG = [
    ("ex-networks-count", (784 * 128 + 128 * 64 + 64 * 10,), "bias"),
    ("ex-networks-count", (784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 11,), "d_in * d_out"),
    ("ex-networks-forward", (PHI[0] + PHI[1:] @ (THETA[:, 0] + THETA[:, 1] * 0.5),), "ReLU"),
    ("ex-networks-forward", (0.0,), "h_d = max"),
    ("ex-networks-pieces", ([0.6, -0.35],), "check the sign"),
    ("ex-networks-pieces", ([-0.6, 0.35, 1.4],), "inside [-1, 1]"),
    ("ex-networks-pieces", ([-0.6, -0.2, 0.35],), "phi_d is 0"),
    ("ex-networks-pieces", ([-0.6, 0.35, 0.35],), "list that x once"),
    ("ex-networks-pieces", ([0.0],), "compute each unit's kink"),
    ("ex-networks-omega", (OMEGA0.T, BETA0, OMEGA0.T), "(3, 1)"),
    ("ex-networks-omega", (OMEGA0, PHI[1:], OMEGA0.T), "beta_0"),
    ("ex-networks-omega", (OMEGA0, BETA0, OMEGA0), "transpose"),
    ("ex-networks-omega", (THETA[:, :1], BETA0, OMEGA0.T), "slopes"),
    ("ex-networks-abs", ([[0.0, 1.0], [0.0, 1.0]], [0.0, 1.0, 1.0]), "relu(x) + relu(-x)"),
    ("ex-networks-abs", ([[0.0, 1.0]], [0.0, 1.0]), "shape"),
    ("ex-networks-dense", (lambda layer, X: X @ layer.params["W"] + layer.params["b"],), "activation"),
    ("ex-networks-dense", (lambda layer, X: layer.activation.forward(X @ layer.params["W"]) + layer.params["b"],),
     "before the activation"),
    ("ex-networks-dense", (lambda layer, X: layer.activation.forward(X @ layer.params["W"]),), "add the bias"),
    ("ex-networks-dense", (lambda layer, X: dense_forward(layer, X).ravel(),), "one row per example"),
    ("ex-networks-dense", (lambda layer, X: dense_forward(layer, X).T,), "one row per example"),
    ("ex-networks-dense", (lambda layer, X: np.tanh(X @ layer.params["W"] + layer.params["b"]),), "A = g(XW + b)"),
    ("ex-networks-dense", (lambda layer, X: X @ layer.params["W"] / 0 + None,), "raised TypeError"),
]

globals().update(exercise_tests("ex-networks-", RIGHT, WRONG))


def test_the_bending_network_has_one_piece_more_than_bends():
    f = lambda v: shallow.forward(v, BEND_THETA, BEND_PHI)   # noqa: E731
    assert shallow.linear_pieces(f, *BEND_RANGE) == len(ex.true_bends(BEND_THETA, BEND_PHI, *BEND_RANGE)) + 1 == 3
