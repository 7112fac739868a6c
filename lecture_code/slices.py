"""Slices through the loss landscape of a real network, whose weights are too many to draw.

The loss of a network with p parameters is a surface in p + 1 dimensions, but along
a line or a plane through parameter space it can be drawn. :func:`loss_slice`
evaluates L(origin + sum_k c_k d_k) for many coefficients c, from the line between
the initial and the trained weights (Goodfellow, Vinyals & Saxe) to random
directions through the trained weights; :func:`unit_direction` draws such a
direction, rescaled unit by unit to the size of the weights (Li et al.).

See chapter 5 (gradient descent).
"""
from __future__ import annotations

import numpy as np

from . import _checks, losses as _losses
from .network import MLP

__all__ = ["unit_direction", "loss_slice"]

def _model(model) -> MLP:
    if not isinstance(model, MLP):
        raise ValueError(f"model must be a lecture_code.network.MLP, got {type(model).__name__}")
    return model


def _data(model: MLP, X, y):
    """Checked ``(X, Y)`` for ``model``: ``(n, d_in)`` inputs and ``(n, d_out)`` targets."""
    X = _checks.as_matrix(X, "X", columns=_model(model).sizes[0])
    Y = _checks.as_matrix(y, "y", columns=model.sizes[-1])
    _checks.same_rows(X, Y, "X", "y")
    return X, Y


def unit_direction(model: MLP, rng: np.random.Generator) -> np.ndarray:
    """A random direction in parameter space, scaled unit by unit (Li et al., 2018).

    Column j of each layer's W (the weights into unit j) gets the length of
    column j of the model's W; biases get 0. Returns a flat vector ordered
    like ``model.flat_params``.
    """
    _checks.generator(rng)
    parts = []
    for layer in _model(model).layers:
        W = layer.params["W"]
        d = rng.standard_normal(W.shape)
        d *= np.linalg.norm(W, axis=0) / np.linalg.norm(d, axis=0)
        parts += [d.ravel(), np.zeros(layer.params["b"].size)]
    return np.concatenate(parts)


def loss_slice(model: MLP, X, y, directions, coefs, *, loss: str = "bce", origin=None) -> np.ndarray:
    """L(origin + sum_k c_k d_k) for every row c of ``coefs``: the loss on a slice.

    ``directions`` is ``(k, p)``: k directions in the model's flat parameter
    space (p numbers, ordered like ``model.flat_params``); ``coefs`` is ``(m, k)``;
    ``origin`` ``(p,)`` defaults to the current parameters. Returns the ``(m,)``
    losses and leaves the model's parameters unchanged.
    """
    loss_fn, (X, Y) = _losses._get(loss), _data(model, X, y)
    flat, saved = model.flat_params, model.flat_params.copy()
    D = _checks.as_array(directions, "directions", ndim=2)
    C = _checks.as_array(coefs, "coefs", ndim=2)
    origin = saved if origin is None else _checks.as_array(origin, "origin", ndim=1)
    if D.shape[1] != flat.size or origin.size != flat.size or C.shape[1] != D.shape[0]:
        raise ValueError(f"directions must be (k, {flat.size}), coefs (m, k) and origin "
                         f"({flat.size},); got {D.shape}, {C.shape}, {origin.shape}")
    values = np.empty(len(C))
    for i, c in enumerate(C):
        flat[:] = origin + c @ D
        values[i] = model._loss(X, Y, loss_fn)[0]
    flat[:] = saved
    return values
