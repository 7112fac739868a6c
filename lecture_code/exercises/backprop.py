"""Checks for chapter 6, backpropagation. Each recomputes the answer with lecture_code."""
from __future__ import annotations

import numpy as np

from .. import backprop, network, vanishing
from . import exercise


def _close(got, want, rtol=0.0, atol=1e-9) -> bool:
    return bool(np.allclose(np.asarray(got, dtype=float), want, rtol=rtol, atol=atol))


@exercise("ex-backprop-w6", points=2)
def weight_w6(grad_w6, new_w6, new_factors):
    """Deck 003: gradient and update of w6, and how many chain-rule factors are new after w5."""
    r = backprop.sigmoid_221_example()
    w6 = backprop.SLIDE_WEIGHTS[5]
    if _close(grad_w6, r["delta_o1"] * w6, rtol=0.02):
        return ("dnet_o1/dw6 is the input that w6 multiplies, out_h2, not w6 itself "
                "(the slide makes this slip for w5)")
    if _close(grad_w6, 2 * r["grad_w6"], rtol=0.02):
        return "E = 1/2 (target - out)^2: the 2 of the square cancels the 1/2"
    if not _close(grad_w6, r["grad_w6"], rtol=0.02):
        return "multiply the three factors dE/dout_o1 * dout_o1/dnet_o1 * dnet_o1/dw6"
    if _close(new_w6, w6 + r["grad_w6"], rtol=0.02):
        return "gradient descent subtracts the gradient: w6 - eta * dE/dw6"
    if not _close(new_w6, r["new_w6"], atol=2e-3):
        return "the update is w6 - eta * dE/dw6 with eta = 1 and w6 = 0.4"
    if new_factors != 1:
        return ("dE/dout_o1 and dout_o1/dnet_o1 are the same as for w5 (their product is delta_o1); "
                "count only the factors that change")
    return None


@exercise("ex-backprop-hidden", points=3)
def hidden_weights(grads, new_weights):
    """Deck 003: gradients of w1..w4 and their updated values after one step with eta = 1."""
    r = backprop.sigmoid_221_example()
    want = np.array([r[f"grad_w{i}"] for i in range(1, 5)])
    grads = np.asarray(grads, dtype=float).reshape(-1)
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
    if not _close(new_weights, [r[f"new_w{i}"] for i in range(1, 5)], atol=5e-5):
        return "the new weights are w_i - eta * dE/dw_i, with eta = 1"
    return None


@exercise("ex-backprop-new-output", points=2)
def new_output(new_out, new_E, went_down):
    """Deck 003: the output and the error after updating all six weights once."""
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


@exercise("ex-backprop-vanishing-depth", points=1)
def vanishing_depth(layers):
    """Fewest sigmoid layers k with (max sigma')^k below the slide's gradient 1e-10."""
    slope, k = vanishing.max_slope("sigmoid"), 1
    while slope ** k >= 1e-10:
        k += 1
    if layers == k:
        return None
    if layers == k - 1:
        return f"0.25^{k - 1} is still above 1e-10; one more layer"
    return "find the smallest k with 0.25^k < 1e-10, e.g. with a loop or with logarithms"
