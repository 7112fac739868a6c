"""Gradient checking: compare an analytic gradient with central differences.

The central difference (f(x + h) - f(x - h)) / 2h has error O(h^2); in
float64 with h = 1e-6 it agrees with a correct gradient to about 1e-8 in
relative error. A wrong backward pass is off by far more.

See chapter 6 (backpropagation).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from . import _checks

__all__ = ["numerical_gradient", "relative_error", "check_model"]


def numerical_gradient(f: Callable[[np.ndarray], float], x, h: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of a scalar function: df/dx_i = (f(x + h e_i) - f(x - h e_i)) / 2h.

    ``f`` is called with ``x`` perturbed in place (one entry at a time) and must
    read its argument afresh at each call. ``x`` must be a float64 array of finite
    numbers, of any shape (the gradient has the shape of ``x``).
    """
    f = _checks.function(f, "f")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise ValueError("x must be a float64 numpy array (it is perturbed in place)")
    _checks.as_array(x, "x", allow_empty=True)       # finite: the same array, not a copy
    h = _checks.positive(h, "h")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = f(x)
        flat[i] = old - h
        down = f(x)
        flat[i] = old
        gflat[i] = (up - down) / (2.0 * h)
    return grad


def relative_error(a, b) -> float:
    """``||a - b|| / (||a|| + ||b||)``: 0 for identical arrays, about 1 for unrelated ones.

    Norms are Euclidean over all entries; two zero arrays have error 0.
    """
    a = _checks.as_array(a, "a", allow_empty=True)
    b = _checks.as_array(b, "b", allow_empty=True)
    _checks.same_shape(a, b, "a", "b")
    if a.size == 0:
        return 0.0
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def check_model(model, X, y, loss: str = "bce", h: float = 1e-6, **loss_options) -> dict[str, float]:
    """Relative error between ``model``'s backward pass and central differences, per parameter.

    ``model`` is a :class:`lecture_code.network.MLP` (no dropout, or dropout 0).
    Returns ``{'W1': err, 'b1': err, ...}``.
    """
    from .network import MLP
    _checks.instance(model, "model", MLP)
    model.loss_and_grads(X, y, loss, training=False, **loss_options)
    analytic = [g.copy() for g in model.gradients()]

    def objective(_):
        return model.loss_and_grads(X, y, loss, training=False, **loss_options)

    errors = {}
    for i, p in enumerate(model.parameters()):
        name = ("W" if i % 2 == 0 else "b") + str(i // 2 + 1)
        errors[name] = relative_error(analytic[i], numerical_gradient(objective, p, h))
    return errors
