"""Checks for chapter 6, backpropagation. Each recomputes the answer with lecture_code."""
from __future__ import annotations

import numpy as np

from .. import backprop, layers, network
from . import exercise
from ._answers import Unusable, array, call, close, fresh, number

#: ex-backprop-w6: the names of the three chain-rule factors of dE/dw6, in the chapter's order.
FACTORS = ("dE/dout_o1", "dout_o1/dnet_o1", "dnet_o1/dw6")


def _close(got, want, rtol=0.0, atol=1e-9) -> bool:
    return bool(np.allclose(np.asarray(got, dtype=float), want, rtol=rtol, atol=atol))


@exercise("ex-backprop-w6", points=2)
def weight_w6(grad_w6, new_w6, new_factor):
    """Deck 003: gradient and update of w6 to four decimals, and which chain-rule factor is new after w5."""
    grad_w6, new_w6 = number(grad_w6, "grad_w6"), number(new_w6, "new_w6")
    r = backprop.sigmoid_221_example()
    w6 = backprop.SLIDE_WEIGHTS[5]
    if close(grad_w6, r["delta_o1"] * w6, decimals=4):
        return ("dnet_o1/dw6 is the input that w6 multiplies, out_h2, not w6 itself "
                "(the slide makes this slip for w5)")
    if close(grad_w6, 2 * r["grad_w6"], decimals=4):
        return "E = 1/2 (target - out)^2: the 2 of the square cancels the 1/2"
    if close(grad_w6, r["grad_w5"], decimals=4):
        return "that is the gradient of w5 (it multiplies out_h1); w6 multiplies out_h2"
    if not close(grad_w6, r["grad_w6"], decimals=4):
        return ("multiply the three factors dE/dout_o1 * dout_o1/dnet_o1 * dnet_o1/dw6, "
                "with the unrounded values of ex (four decimals are asked)")
    if close(new_w6, w6 + r["grad_w6"], decimals=4):
        return "gradient descent subtracts the gradient: w6 - eta * dE/dw6"
    if not close(new_w6, r["new_w6"], decimals=4):
        return "the update is w6 - eta * dE/dw6 with eta = 1 and w6 = 0.4"
    if not isinstance(new_factor, str) or new_factor.replace(" ", "") not in FACTORS:
        raise Unusable(f"new_factor should be one of the strings {', '.join(map(repr, FACTORS))}, "
                       f"got {new_factor!r}")
    if new_factor.replace(" ", "") != FACTORS[2]:
        return ("dE/dout_o1 and dout_o1/dnet_o1 are the same as for w5 (their product is delta_o1); "
                "which factor changes when the weight changes?")
    return None


@exercise("ex-backprop-hidden", points=3)
def hidden_weights(grads, new_weights):
    """Deck 003: gradients of w1..w4 and their updated values after one step with eta = 1."""
    r = backprop.sigmoid_221_example()
    want = np.array([r[f"grad_w{i}"] for i in range(1, 5)])
    grads = array(grads, name="grads_hidden").reshape(-1)
    if grads.shape != (4,):
        return "give four gradients, for w1, w2, w3, w4 in this order"
    x = (0.05, 0.1)
    stale = np.array([r["delta_o1"] * r[f"new_w{5 + u}"] * r[f"dout_dnet_h{1 + u}"] * x[j]
                      for u in (0, 1) for j in (0, 1)])        # with the already-updated w5, w6
    if _close(grads, stale, rtol=0.02):
        return ("use the old w5 and w6 on the way back: every gradient is computed "
                "before any weight changes")
    if _close(grads, want / np.array([r["dout_dnet_h1"]] * 2 + [r["dout_dnet_h2"]] * 2), rtol=0.02):
        return "you left out the hidden unit's sigmoid slope out_h (1 - out_h)"
    if not _close(grads, want, rtol=0.02):
        return ("dE/dw1 = delta_o1 * w5 * out_h1 (1 - out_h1) * x1; w3 and w4 go through h2, "
                "so they use w6 and out_h2")
    new_weights = array(new_weights, name="new_hidden").reshape(-1)
    if new_weights.shape != (4,) or not _close(new_weights, [r[f"new_w{i}"] for i in range(1, 5)], atol=5e-5):
        return "the new weights are w_i - eta * dE/dw_i, with eta = 1"
    return None


@exercise("ex-backprop-new-output", points=2)
def new_output(new_out, new_E, went_down):
    """Deck 003: the output and the error after updating all six weights once."""
    new_out, new_E = number(new_out, "new_out"), number(new_E, "new_E")
    if not isinstance(went_down, (bool, np.bool_)):
        raise Unusable(f"went_down should be True or False, got {went_down!r}")
    r = backprop.sigmoid_221_example()
    w = list(backprop.SLIDE_WEIGHTS)
    only_out = backprop.sigmoid_221_example(weights=w[:4] + [r["new_w5"], r["new_w6"]])
    slide = backprop.sigmoid_221_example(weights=w[:4] + [0.31, w[5]])
    if _close(new_out, slide["out_o1"], atol=1e-4):
        return "that is the slide's update w5 = 0.31, which used the wrong gradient; update all six"
    if _close(new_out, only_out["out_o1"], atol=1e-6) and not _close(new_out, r["new_out_o1"], atol=1e-6):
        return "you updated only w5 and w6; update w1 ... w4 as well (their effect is about 5e-6)"
    if not _close(new_out, r["new_out_o1"], atol=1e-6):
        return "run the forward pass again with all six updated weights"
    if not _close(new_E, r["new_E"], atol=1e-6):
        return "E = 1/2 (target - out)^2 with target 0.1"
    if bool(went_down) != (r["new_E"] < r["E"]):
        return "compare the new error with the old one, E = 0.122"
    return None


@exercise("ex-backprop-sigmoid-neuron", points=2)
def sigmoid_neuron(dL_dw, dL_db):
    """One sigmoid neuron y_hat = sigma(w x + b), L = (y_hat - y)^2, at x = 1.5, w = 0.8, b = -0.5, y = 1."""
    dL_dw, dL_db = number(dL_dw, "dL_dw"), number(dL_db, "dL_db")
    model = network.MLP([1, 1], output="sigmoid", rng=np.random.default_rng(0))
    model.set_parameters([np.array([[0.8]]), np.array([-0.5])])
    model.loss_and_grads(np.array([[1.5]]), np.array([[1.0]]), "mse", training=False)
    dw, db = float(model.gradients()[0][0, 0]), float(model.gradients()[1][0])
    if _close(dL_dw, db, rtol=1e-6):
        return "dz/dw = x: multiply by the input 1.5"
    if _close(dL_dw, dw / 2, rtol=1e-6):
        return "the derivative of (y_hat - y)^2 is 2 (y_hat - y)"
    if not _close(dL_dw, dw, rtol=1e-6):
        return "dL/dw = 2 (y_hat - y) * sigma(z) (1 - sigma(z)) * x with z = w x + b"
    if not _close(dL_db, db, rtol=1e-6):
        return "dL/db is dL/dw without the factor x (dz/db = 1)"
    return None


# -- write it yourself: the backward pass of a two-layer network -----------------------

def _network_cases(rng):
    """Fresh (W1, b1, W2, b2, X, Y): random sizes; one example; saturated outputs; a dead ReLU unit."""
    def draw(n, d, h, k, scale=1.0):
        W1, b1 = rng.normal(size=(d, h)), rng.normal(size=h)
        W2, b2 = scale * rng.normal(size=(h, k)), rng.normal(size=k)
        X, Y = rng.normal(size=(n, d)), rng.integers(0, 2, size=(n, k)).astype(float)
        b1[0] = abs(float(X[0] @ W1[:, 0])) + 0.5     # a unit that answers the first example: dW2 is
        return W1, b1, W2, b2, X, Y                   # never all zero, so each mistake shows as itself
    sizes = lambda: [int(v) for v in (rng.integers(2, 30), rng.integers(1, 6), rng.integers(2, 9), rng.integers(1, 4))]
    yield draw(*sizes())
    yield draw(*sizes())
    yield draw(1, *sizes()[1:])                                  # a single example
    W1, b1, W2, b2, X, Y = draw(*sizes())                        # saturated outputs: p rounds to 1
    b2[:] = 60.0 * rng.choice([-1.0, 1.0], size=b2.size)
    b2[0] = 60.0
    # One output saturated on the wrong side, for the example unit 0 answers: every gradient
    # then has entries of about 1 / Y.size, not only the 1e-26 of outputs saturated on the
    # right side, so (p - y) / Y.size, with p rounded to 1, agrees to the tolerance.
    Y[0, 0] = 0.0
    yield W1, b1, W2, b2, X, Y
    W1, b1, W2, b2, X, Y = draw(*sizes())
    b1[0] = -1e3                                                 # unit 0 is off for every example
    yield W1, b1, W2, b2, X, Y


def _reference(W1, b1, W2, b2, X, Y):
    model = network.MLP([W1.shape[0], W1.shape[1], W2.shape[1]], "relu", "sigmoid",
                        rng=np.random.default_rng(0))
    model.set_parameters([W1, b1, W2, b2])
    model.loss_and_grads(X, Y, "bce", training=False)
    return [g.copy() for g in model.gradients()]


_NAMES = ("dW1", "db1", "dW2", "db2")


def _rounding(W1, b1, W2, b2, X, Y):
    """How large rounding alone may make each gradient's error: the four gradients with every
    |p - y| at its largest, 1, and absolute values throughout, times 1e-12 (p - y cancels where p
    is close to y, so a correct gradient far smaller than its terms is exact only to their size)."""
    A1 = np.maximum(X @ W1 + b1, 0.0)
    dZ2 = np.full(Y.shape, 1.0 / Y.size)
    dZ1 = (dZ2 @ np.abs(W2).T) * (A1 > 0)
    return [1e-12 * float(np.max(m, initial=0.0))
            for m in (np.abs(X).T @ dZ1, dZ1.sum(axis=0), A1.T @ dZ2, dZ2.sum(axis=0))]


def _agrees(got, want, floor: float = 0.0) -> bool:
    """``got`` equals ``want`` to 1e-9 of its largest entry, or to ``floor`` where that is more."""
    scale = max(float(np.max(np.abs(want), initial=0.0)), 1e-300)
    return bool(np.all(np.abs(got - want) <= max(1e-9 * scale, floor)))


_REPLACED = (network.MLP.loss_and_grads, network.MLP.backward, layers.Dense.backward,
             layers.Dense._backward_from_z, backprop.counted_backprop)


@exercise("ex-backprop-two-layer", points=4, writes=_REPLACED)
def two_layer_backward(gradients):
    """A function (W1, b1, W2, b2, X, Y) -> [dW1, db1, dW2, db2] of the mean binary cross-entropy
    of X -> ReLU -> sigmoid, as MLP.loss_and_grads computes them."""
    for case in _network_cases(fresh()):
        want, floors = _reference(*case), _rounding(*case)
        with np.errstate(all="ignore"):
            got = call(gradients, *case, name="your function")
        if isinstance(got, (str, bytes)) or not hasattr(got, "__len__") or len(got) != 4:
            return "return four arrays, [dW1, db1, dW2, db2], in this order"
        got = [array(g, name=f"{name} (item {i} of what your function returns)")
               for i, (g, name) in enumerate(zip(got, _NAMES))]
        for g, w, name in zip(got, want, _NAMES):
            if g.shape != w.shape:
                if g.shape == w.shape[::-1] and g.ndim == 2:
                    return (f"{name} has the shape of the transposed weights: the gradient has the "
                            f"shape of W, (d_in, d_out), so it is A_prev^T dZ")
                return f"{name} should have the shape of its parameter, {w.shape}, got {g.shape}"
        if all(_agrees(g, w, f) for g, w, f in zip(got, want, floors)):
            continue
        if not all(np.all(np.isfinite(g)) for g in got):
            return ("your gradients hold nan or inf where the outputs saturate (p rounds to 0 or 1): "
                    "the sigmoid with the cross-entropy gives dZ = (p - y) / (number of entries) "
                    "directly; do not divide by p (1 - p)")
        W1, b1, W2, b2, X, Y = case
        n, entries = X.shape[0], Y.size
        if all(_agrees(g, w * entries) for g, w in zip(got, want)):
            return "the loss is a mean: divide dZ of the output by the number of entries of Y"
        if all(_agrees(g, w * entries / n) for g, w in zip(got, want)) and entries != n:
            return ("the binary cross-entropy is the mean over all n * k entries of Y, not over "
                    "the n rows: divide by Y.size")
        if any(g.ndim == 2 and g.shape == g.T.shape and not _agrees(g, w) and _agrees(g.T, w) for g, w in zip(got, want)):
            return ("a weight gradient is the transposed matrix: the gradient has the shape of W, "
                    "(d_in, d_out), so it is A_prev^T dZ")
        if _agrees(got[2], want[2]) and _agrees(got[3], want[3]):
            if n > 1 and _agrees(got[1], want[1] / n):
                return "db1 is the sum of dZ1 over the examples (rows), not the mean"
            return ("dW2 and db2 are right; on the way back, dA1 = dZ2 W2^T, then multiply by the "
                    "ReLU's slope, 1 where Z1 > 0 and 0 elsewhere, before dW1 = X^T dZ1")
        if _agrees(got[2], want[2]) and not _agrees(got[3], want[3]):
            return "db2 is the sum of dZ2 over the examples (rows)"
        return ("the output layer's gradients are wrong: dZ2 = (p - y) / Y.size with p = sigma(Z2), "
                "dW2 = A1^T dZ2, db2 = the column sums of dZ2")
    return None
