"""Checks for chapter 5, gradient descent. Each recomputes the answer with lecture_code."""
from __future__ import annotations

import numpy as np

from .. import descent, network, optimizers, training
from . import exercise


def _sgd_on_square(w0: float, a: float, lr: float, steps: int) -> float:
    """w after ``steps`` steps of optimizers.SGD on f(w) = a w^2 (gradient 2 a w) from w0."""
    w = np.array([float(w0)])
    opt = optimizers.SGD([w], lr=lr)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            opt.step([2.0 * a * w])
    return float(w[0])


@exercise("ex-gradient-descent-one-step", points=1)
def one_step(w_new):
    """One step of gradient descent on f(w) = w^2 from w = 3 with eta = 0.1."""
    want = _sgd_on_square(3.0, 1.0, 0.1, 1)
    if np.isclose(float(w_new), want):
        return None
    if np.isclose(float(w_new), 3.0 + 0.1 * 6.0):
        return "you stepped along the gradient, uphill; gradient descent subtracts eta * f'(w)"
    if np.isclose(float(w_new), 3.0 - 0.1 * 3.0):
        return "the derivative of w^2 is 2w, so f'(3) = 6"
    return "compute f'(3) = 2 * 3, then w - eta * f'(w)"


@exercise("ex-gradient-descent-largest-lr", points=2)
def largest_lr(eta_max):
    """The largest stable learning rate for f(w) = 2.5 w^2: below it descent converges, above it diverges."""
    eta = float(eta_max)
    if not eta > 0:
        return "a learning rate is a positive number"
    below = abs(_sgd_on_square(1.0, 2.5, 0.98 * eta, 400))
    above = abs(_sgd_on_square(1.0, 2.5, 1.02 * eta, 400))
    if below < 1.0 and not above < 1.0:
        return None
    if np.isclose(eta, 2.0 / 2.5) or np.isclose(eta, 1.0 / (2 * 2.5)):
        return ("one step multiplies w by (1 - eta f''), and f'' = 2a = 5 here; "
                "the factor must stay inside (-1, 1)")
    return ("too large: just below your value the steps already blow up" if not below < 1.0
            else "too small: a little above your value descent still converges")


@exercise("ex-gradient-descent-adam-step", points=2)
def adam_first_step(w_new):
    """Parameters after one Adam step (eta = 0.1, defaults otherwise) from w = [1, -2] with g = [0.003, -40]."""
    w = np.array([1.0, -2.0])
    optimizers.Adam([w], lr=0.1).step([np.array([0.003, -40.0])])
    got = np.asarray(w_new, dtype=float)
    if got.shape == w.shape and np.allclose(got, w, rtol=0, atol=1e-6):
        return None
    if got.shape == w.shape and np.allclose(got, [1.0, -2.0] - 0.1 * np.array([0.003, -40.0])):
        return "that is a plain gradient step; Adam divides m_hat by sqrt(v_hat) first"
    return ("after one step m_hat = g and v_hat = g^2 (the bias corrections undo the 1 - beta "
            "factors), so each weight moves by eta * g / |g|, whatever the size of g")


@exercise("ex-gradient-descent-momentum-lr", points=2)
def momentum_lr(lr_classical):
    """The lr of SGD(momentum=0.9) that retraces MomentumEMA(lr=0.5, alpha=0.9) step for step."""
    lr = float(lr_classical)
    if not lr > 0:
        return "a learning rate is a positive number"
    ema = descent.run("momentum_ema", "ravine", steps=30, lr=0.5, alpha=0.9)
    classical = descent.run("sgd", "ravine", steps=30, lr=lr, momentum=0.9)
    if np.allclose(ema, classical, rtol=1e-12, atol=1e-12):
        return None
    if np.isclose(lr, 0.5 / 0.1):
        return "the moving average is smaller than torch's buffer, v = (1 - alpha) b, not b / (1 - alpha)"
    return "write v_t in terms of the buffer b_t = sum of alpha^k g_(t-k); what multiplies b_t?"


@exercise("ex-gradient-descent-updates-per-epoch", points=1)
def updates_per_epoch(updates):
    """Optimizer steps in one epoch of training.train on 1000 examples with batch_size=32."""
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((1000, 2)), rng.integers(0, 2, 1000)
    model = network.MLP([2, 1], rng=rng)
    opt = optimizers.SGD(model.parameters(), lr=0.1)
    training.train(model, X, y, optimizer=opt, epochs=1, batch_size=32, rng=rng)
    if int(updates) == opt.t and float(updates) == opt.t:
        return None
    if int(updates) == 1000 // 32:
        return "the last 1000 - 31 * 32 = 8 examples still make a (smaller) minibatch and a step"
    return "one update per minibatch: how many batches of at most 32 cover 1000 examples?"
