"""The loss as a function of the weights: a two-dimensional slice of the landscape.

A network's loss ``J(W) = (1/n) sum_i L(f(x_i; W), y_i)`` depends on every
weight at once, far too many to draw. Holding all but two of them fixed
leaves a function of two numbers, ``J(w1, w2)``, which can be evaluated on a
grid and drawn as a contour map: the "loss landscape" that gradient descent
walks down. This module computes such slices; drawing them is
:func:`lecture_code.plotting.loss_landscape`.

Typical use, for a logistic regression ``model = MLP([2, 1], rng=rng)``::

    i = parameter_index(model, 0, "W", (0, 0))        # w1
    j = parameter_index(model, 0, "W", (1, 0))        # w2
    J = loss_surface(model_loss_fn(model, X, y, "bce", i, j), w1_grid, w2_grid)

See chapter 4 (loss functions) and chapter 5 (gradient descent).
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from . import _checks, losses as _losses
from .network import MLP

__all__ = ["loss_surface", "parameter_index", "model_loss_fn", "grid_minimum", "n_parameters",
           "grid_evaluations"]


def _grid(values, name: str) -> np.ndarray:
    return _checks.as_array(values, name, ndim=1)


def loss_surface(loss_fn: Callable[[float, float], float], w_grid_1, w_grid_2) -> np.ndarray:
    """Evaluate ``J[i, j] = loss_fn(w_grid_1[j], w_grid_2[i])`` on every pair of grid values.

    The layout is the one ``matplotlib``'s ``contour(w_grid_1, w_grid_2, J)``
    expects: rows follow the second weight, columns the first.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(w1, w2) -> float``, the loss with the two weights set to
        ``w1`` and ``w2`` (for a model, :func:`model_loss_fn` builds one).
    w_grid_1 : (m1,) array
        Values of the first weight (the horizontal axis of a contour plot).
    w_grid_2 : (m2,) array
        Values of the second weight (the vertical axis).

    Returns
    -------
    J : (m2, m1) float64 array of loss values.
    """
    if not callable(loss_fn):
        raise ValueError(f"loss_fn must be a function of two weights, got {type(loss_fn).__name__}")
    w1 = _grid(w_grid_1, "w_grid_1")
    w2 = _grid(w_grid_2, "w_grid_2")
    J = np.empty((w2.size, w1.size))
    for i, b in enumerate(w2):
        for j, a in enumerate(w1):
            J[i, j] = float(loss_fn(float(a), float(b)))
    return J


def parameter_index(model: MLP, layer: int, key: str, position) -> int:
    """Index into ``model.flat_params`` of entry ``position`` of ``model.layers[layer].params[key]``.

    ``MLP.flat_params`` holds ``W1, b1, W2, b2, ...`` one after the other, each
    flattened in row-major order; for logistic regression ``MLP([2, 1])`` the
    indices 0, 1, 2 are ``w1 = W[0, 0]``, ``w2 = W[1, 0]`` and the bias
    ``w0 = b[0]``.

    Parameters
    ----------
    model : MLP
    layer : int, 0-based index into ``model.layers``.
    key : ``'W'`` or ``'b'``.
    position : tuple of int (or an int for ``b``), the entry inside that array.

    Returns
    -------
    int, with ``model.flat_params[index]`` the same number as the entry.
    """
    if not isinstance(model, MLP):
        raise ValueError(f"model must be a lecture_code.network.MLP, got {type(model).__name__}")
    layer = _checks.index(layer, "layer", len(model.layers), "a layer of the model")
    if key not in ("W", "b"):
        raise ValueError(f"key must be 'W' (weights) or 'b' (biases), got {key!r}")
    array = model.layers[layer].params[key]
    if not isinstance(position, (int, np.integer, tuple, list)) or isinstance(position, bool):
        raise _checks.NotNumbers(f"position must be a tuple of whole numbers (an int for b), "
                                 f"got {type(position).__name__}")
    position = (position,) if isinstance(position, (int, np.integer)) else tuple(position)
    if len(position) != array.ndim or not all(
            isinstance(p, (int, np.integer)) and not isinstance(p, bool) and 0 <= p < s
            for p, s in zip(position, array.shape)):
        raise ValueError(f"position must index an array of shape {array.shape} "
                         f"(non-negative whole numbers), got {position!r}")
    offset = 0
    for k, current in enumerate(model.layers):
        for name in ("W", "b"):
            if k == layer and name == key:
                return offset + int(np.ravel_multi_index(position, array.shape))
            offset += current.params[name].size
    raise AssertionError("unreachable")   # pragma: no cover


def _targets(y, model: MLP) -> np.ndarray:
    k = model.sizes[-1]
    y = _checks.as_array(y, "y", ndim=(1, 2))
    if k > 1 and y.ndim == 1:            # class labels for a softmax output
        from .datasets import one_hot
        return one_hot(y, k)
    return _checks.as_matrix(y, "y", columns=k)


def model_loss_fn(model: MLP, X, y, loss: str, index_1: int, index_2: int
                  ) -> Callable[[float, float], float]:
    """``J(a, b)``: the model's loss on ``(X, y)`` with two parameters set to ``a`` and ``b``.

    Every other parameter keeps its current value. Each call writes ``a`` and
    ``b`` into ``model.flat_params[index_1]`` and ``[index_2]``, runs the
    forward pass and the loss, and puts the original values back, so the
    model is unchanged between calls.

    Parameters
    ----------
    model : MLP
    X : (n, d_in) inputs; y : (n, d_out) targets (class labels (n,) for a softmax output).
    loss : ``'mse'``, ``'mae'``, ``'bce'`` or ``'cce'``.
    index_1, index_2 : distinct indices into ``model.flat_params`` (see :func:`parameter_index`).

    Returns
    -------
    callable ``(a, b) -> float``, ready for :func:`loss_surface`.
    """
    if not isinstance(model, MLP):
        raise ValueError(f"model must be a lecture_code.network.MLP, got {type(model).__name__}")
    loss_fn = _losses._get(loss)
    X = _checks.as_matrix(X, "X", columns=model.sizes[0])
    Y = _targets(y, model)
    _checks.same_rows(X, Y, "X", "y")
    size = model.flat_params.size
    for name, index in (("index_1", index_1), ("index_2", index_2)):
        _checks.index(index, name, size, "an index into model.flat_params")
    if index_1 == index_2:
        raise ValueError(f"index_1 and index_2 must differ, got {index_1} twice")
    flat = model.flat_params

    def J(a: float, b: float) -> float:
        old_a, old_b = flat[index_1], flat[index_2]
        flat[index_1], flat[index_2] = a, b
        try:
            return model._loss(X, Y, loss_fn)[0]   # from the logits where the loss fuses
        finally:
            flat[index_1], flat[index_2] = old_a, old_b

    return J


def grid_minimum(J, w_grid_1, w_grid_2) -> tuple[float, float, float]:
    """The lowest grid point of a surface from :func:`loss_surface`: ``(w1, w2, J_min)``.

    Parameters
    ----------
    J : (m2, m1) loss values; w_grid_1 : (m1,); w_grid_2 : (m2,).

    Returns
    -------
    w1, w2 : the grid values at the minimum; J_min : the loss there.
    """
    w1, w2 = _grid(w_grid_1, "w_grid_1"), _grid(w_grid_2, "w_grid_2")
    J = _checks.as_array(J, "J", ndim=2)
    if J.shape != (w2.size, w1.size):
        raise ValueError(f"J must have shape (len(w_grid_2), len(w_grid_1)) = "
                         f"({w2.size}, {w1.size}), got {J.shape}")
    i, j = np.unravel_index(np.argmin(J), J.shape)
    return float(w1[j]), float(w2[i]), float(J[i, j])


def n_parameters(sizes) -> int:
    """Weights and biases of a dense MLP with layer sizes ``[d_0, ..., d_K]``: sum_k (d_{k-1} + 1) d_k.

    The same number as ``MLP(sizes).n_parameters()``, without building the network:
    ``[2, 16, 16, 1]`` has 2*16 + 16 + 16*16 + 16 + 16*1 + 1 = 337.

    Parameters
    ----------
    sizes : sequence of int, at least two layer sizes, input first, each >= 1.

    Returns
    -------
    int
    """
    return _checks.weights_of(_checks.layer_sizes(sizes))


def grid_evaluations(n_parameters: int, values_per_parameter: int = 10) -> int:
    """Loss evaluations of a brute-force grid search: m ** p for m values of each of p parameters.

    Returned as an exact Python integer (``grid_evaluations(337)`` is 10**337, far
    beyond float64's 1.8e308), so its number of digits can be counted. A count
    of more than ``lecture_code.BUDGET.digits`` digits (100000) is refused with
    its size in powers of ten, instead of blocking the kernel to write it out.

    Parameters
    ----------
    n_parameters : int >= 1, the number of parameters p searched over.
    values_per_parameter : int >= 1, the grid values m tried for each.

    Returns
    -------
    int
    """
    p = _checks.count(n_parameters, "n_parameters")
    m = _checks.count(values_per_parameter, "values_per_parameter")
    digits = p * math.log10(m)
    if digits > _checks.BUDGET.digits:
        raise ValueError(f"n_parameters {p} with {m} values each give {m}**{p} = 10**{digits:.6g} "
                         f"evaluations, a number of {digits:.3g} digits; grid_evaluations writes "
                         f"out counts of up to {_checks.BUDGET.digits} digits "
                         f"(lecture_code.BUDGET.digits)")
    return m ** p
