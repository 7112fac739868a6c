"""The chapter 6 checks: a right answer passes, a typical wrong answer gets a hint."""
import numpy as np

from support import exercise_tests

from lecture_code import activations
from lecture_code.exercises import attempt
from lecture_code.exercises import backprop as ex  # noqa: F401  (registers the checks)

S = activations.sigmoid
X1, X2, T = 0.05, 0.1, 0.1
W = [0.14, 0.19, 0.24, 0.29, 0.35, 0.40]


def forward(w):
    h1, h2 = S(X1 * w[0] + X2 * w[1]), S(X1 * w[2] + X2 * w[3])
    out = S(w[4] * h1 + w[5] * h2)
    return h1, h2, out, 0.5 * (T - out) ** 2


def hand_gradients(w5=W[4], w6=W[5]):
    h1, h2, out, _ = forward(W)
    delta = (out - T) * out * (1 - out)
    d1, d2 = delta * w5 * h1 * (1 - h1), delta * w6 * h2 * (1 - h2)
    return delta, h1, h2, np.array([d1 * X1, d1 * X2, d2 * X1, d2 * X2])


DELTA, H1, H2, GRADS = hand_gradients()
STALE = hand_gradients(w5=W[4] - DELTA * H1, w6=W[5] - DELTA * H2)[3]
SLOPE = np.array([H1 * (1 - H1)] * 2 + [H2 * (1 - H2)] * 2)
NEW = np.concatenate([np.array(W[:4]) - GRADS, [W[4] - DELTA * H1, W[5] - DELTA * H2]])
_, _, OUT, E_NEW = forward(NEW)
_, _, OUT_SLIDE, E_SLIDE = forward(W[:4] + [0.31, W[5]])
_, _, OUT_ONLY, E_ONLY = forward(W[:4] + list(NEW[4:]))
A = S(0.8 * 1.5 - 0.5)
DB = 2 * (A - 1.0) * A * (1 - A)


def two_layer(W1, b1, W2, b2, X, Y, *, mean_rows=False, no_slope=False, naive=False, db1_mean=False):
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0.0)
    Z2 = A1 @ W2 + b2
    P = 1 / (1 + np.exp(-Z2))
    N = len(X) if mean_rows else Y.size
    if naive:                                          # dL/dp * sigma'(z): 0/0 where p rounds to 0 or 1
        dZ2 = ((P - Y) / (P * (1 - P))) * P * (1 - P) / N
    else:
        dZ2 = (P - Y) / N
    dA1 = dZ2 @ W2.T
    dZ1 = dA1 if no_slope else dA1 * (Z1 > 0)
    db1 = dZ1.mean(axis=0) if db1_mean else dZ1.sum(axis=0)
    return [X.T @ dZ1, db1, A1.T @ dZ2, dZ2.sum(axis=0)]


RIGHT = {
    "ex-backprop-w6": (float(DELTA * H2), float(W[5] - DELTA * H2), "dnet_o1/dw6"),
    "ex-backprop-hidden": (GRADS.tolist(), (np.array(W[:4]) - GRADS).tolist()),
    "ex-backprop-new-output": (float(OUT), float(E_NEW), True),
    "ex-backprop-sigmoid-neuron": (float(DB * 1.5), float(DB)),
    "ex-backprop-two-layer": (two_layer,),
}

WRONG = [
    ("ex-backprop-w6", (DELTA * W[5], W[5] - DELTA * W[5], "dnet_o1/dw6"), "out_h2"),
    ("ex-backprop-w6", (2 * DELTA * H2, W[5] - 2 * DELTA * H2, "dnet_o1/dw6"), "1/2"),
    ("ex-backprop-w6", (DELTA * H1, W[5] - DELTA * H1, "dnet_o1/dw6"), "gradient of w5"),
    ("ex-backprop-w6", (0.49 * 0.24 * 0.51, W[5] - 0.49 * 0.24 * 0.51, "dnet_o1/dw6"), "unrounded"),
    ("ex-backprop-w6", (DELTA * H2, W[5] + DELTA * H2, "dnet_o1/dw6"), "subtracts"),
    ("ex-backprop-w6", (DELTA * H2, W[5] - DELTA * H2, "dE/dout_o1"), "same as for w5"),
    ("ex-backprop-w6", (DELTA * H2, W[5] - DELTA * H2, True), "one of the strings"),
    ("ex-backprop-w6", (DELTA * H2, W[5] - DELTA * H2, 1), "one of the strings"),
    ("ex-backprop-hidden", (STALE, np.array(W[:4]) - STALE), "old w5"),
    ("ex-backprop-hidden", (GRADS / SLOPE, np.array(W[:4]) - GRADS / SLOPE), "slope"),
    ("ex-backprop-hidden", (GRADS[:2], W[:2]), "four"),
    ("ex-backprop-hidden", (GRADS, W[:4]), "w_i - eta"),
    ("ex-backprop-new-output", (OUT, E_NEW, False), "old one"),
    ("ex-backprop-new-output", (OUT, E_NEW, "yes"), "True or False"),
    ("ex-backprop-new-output", (OUT_SLIDE, E_SLIDE, True), "0.31"),
    ("ex-backprop-new-output", (OUT_ONLY, E_ONLY, True), "only w5 and w6"),
    ("ex-backprop-new-output", (OUT, 0.5 * (1 - OUT) ** 2, True), "target 0.1"),
    ("ex-backprop-sigmoid-neuron", (DB, DB), "input"),
    ("ex-backprop-sigmoid-neuron", (DB * 1.5 / 2, DB / 2), "2 (y_hat - y)"),
    ("ex-backprop-sigmoid-neuron", (DB * 1.5, DB * 1.5), "without the factor x"),
    ("ex-backprop-two-layer", (lambda *a: two_layer(*a, naive=True),), "saturate"),
    ("ex-backprop-two-layer", (lambda *a: [g * a[5].size for g in two_layer(*a)],), "mean"),
    ("ex-backprop-two-layer", (lambda *a: two_layer(*a, no_slope=True),), "ReLU's slope"),
    ("ex-backprop-two-layer", (lambda *a: two_layer(*a, db1_mean=True),), "not the mean"),
    ("ex-backprop-two-layer", (lambda *a: [g.T for g in two_layer(*a)],), "transposed"),
    ("ex-backprop-two-layer", (lambda *a: two_layer(*a)[:3],), "four arrays"),
    ("ex-backprop-two-layer", (lambda *a: two_layer(*a)[::-1],), "shape"),
    ("ex-backprop-two-layer", (lambda *a: [np.zeros_like(p) for p in a[:4]],), "output layer"),
]

globals().update(exercise_tests("ex-backprop-", RIGHT, WRONG))


def test_the_mean_over_rows_is_refused_when_there_are_several_outputs():
    # several outputs on some draw: dividing by n instead of Y.size fails with its hint
    passed, hint, _ = attempt("ex-backprop-two-layer", lambda *a: two_layer(*a, mean_rows=True))
    assert not passed and ("n * k entries" in hint or "mean" in hint), hint


def test_a_network_class_of_ones_own_that_calls_the_package_is_refused():
    from lecture_code import network

    def via_mlp(W1, b1, W2, b2, X, Y):
        model = network.MLP([W1.shape[0], W1.shape[1], W2.shape[1]], "relu", "sigmoid",
                            rng=np.random.default_rng(0))
        model.set_parameters([W1, b1, W2, b2])
        model.loss_and_grads(X, Y, "bce", training=False)
        return model.gradients()

    passed, hint, _ = attempt("ex-backprop-two-layer", via_mlp)
    assert not passed and "yourself" in hint
