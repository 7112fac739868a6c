"""The multilayer perceptron: a composition of dense layers.

``MLP([2, 16, 16, 1])`` is ``f(X) = g_3(g_2(g_1(X W1 + b1) W2 + b2) W3 + b3)``:
hidden layers share one activation, the output layer has its own (sigmoid for
two classes, softmax for several, linear for regression). The forward pass
stores every layer's pre-activation ``Z`` and activation ``A``; the backward
pass walks the layers from last to first, applying the chain rule.

See chapter 3 (networks) and chapter 6 (backpropagation).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from . import _checks, activations as _activations, losses as _losses, regularization
from .layers import Dense

__all__ = ["MLP"]


class MLP:
    """A multilayer perceptron.

    Parameters
    ----------
    sizes : sequence of int
        Units per layer, input first: ``[d_in, h_1, ..., h_k, d_out]``.
        ``[2, 1]`` has no hidden layer (logistic regression with a sigmoid output).
    activation : str
        Activation of every hidden layer.
    output : str
        Activation of the output layer: ``'sigmoid'``, ``'softmax'``, ``'linear'``, ...
    rng : numpy.random.Generator
        Draws the initial weights and the dropout masks.
    dropout : float
        Drop probability after every hidden layer during training (0 disables it).
    init : str, optional
        Weight initialisation passed to every :class:`~lecture_code.layers.Dense`.
    """

    def __init__(self, sizes: Sequence[int], activation: str = "relu", output: str = "sigmoid",
                 *, rng: np.random.Generator, dropout: float = 0.0, init: str | None = None):
        sizes = _checks.layer_sizes(sizes)
        _checks.affordable(_checks.weights_of(sizes), "sizes", sizes, "weights")
        _checks.generator(rng)
        activation = _activations._get(activation, "activation")
        output = _activations._get(output, "output")
        self.sizes = sizes
        self.layers = [Dense(d_in, d_out, activation if i < len(sizes) - 2 else output,
                             rng=rng, init=init)
                       for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:]))]
        self.dropouts = [regularization.Dropout(dropout, rng=rng) for _ in self.layers[:-1]]
        self._flatten()

    def _flatten(self) -> None:
        """Keep all parameters (and all gradients) in one contiguous vector.

        Each layer's ``W`` and ``b`` become views into ``self.flat_params`` (and
        its gradients into ``self.flat_grads``), so an optimizer can update the
        whole network with one vectorised step: same numbers, far fewer calls.
        """
        total = sum(p.size for p in self.parameters())
        self.flat_params, self.flat_grads = np.empty(total), np.zeros(total)
        offset = 0
        for layer in self.layers:
            for key in ("W", "b"):
                p = layer.params[key]
                end = offset + p.size
                self.flat_params[offset:end] = p.ravel()
                layer.params[key] = self.flat_params[offset:end].reshape(p.shape)
                layer.grads[key] = self.flat_grads[offset:end].reshape(p.shape)
                offset = end

    # -- parameters ---------------------------------------------------------
    def parameters(self) -> list[np.ndarray]:
        """The parameter arrays ``[W1, b1, W2, b2, ...]``, updated in place by optimizers."""
        return [p for layer in self.layers for p in (layer.params["W"], layer.params["b"])]

    def gradients(self) -> list[np.ndarray]:
        """The gradient arrays, in the order of :meth:`parameters`."""
        return [g for layer in self.layers for g in (layer.grads["W"], layer.grads["b"])]

    @property
    def weights(self) -> list[np.ndarray]:
        """The weight matrices only (what L1 and L2 penalise)."""
        return [layer.params["W"] for layer in self.layers]

    def n_parameters(self) -> int:
        """Number of trainable numbers: sum over layers of d_in * d_out + d_out."""
        return int(sum(p.size for p in self.parameters()))

    def copy_parameters(self) -> list[np.ndarray]:
        """A copy of every parameter array (for early stopping or comparison with torch)."""
        return [p.copy() for p in self.parameters()]

    def set_parameters(self, values: Sequence[np.ndarray]) -> None:
        """Overwrite every parameter in place with ``values`` (shapes must match)."""
        params = self.parameters()
        if isinstance(values, (str, bytes, np.ndarray)) or not hasattr(values, "__len__"):
            raise ValueError(f"values must be a list of {len(params)} arrays, got "
                             f"{type(values).__name__}")
        if len(values) != len(params):
            raise ValueError(f"values must hold {len(params)} arrays, got {len(values)}")
        for i, (p, v) in enumerate(zip(params, values)):
            v = _checks.as_array(v, f"values[{i}]", ndim=p.ndim)
            _checks.same_shape(v, p, f"values[{i}]", "the parameter")
            p[...] = v

    # -- passes --------------------------------------------------------------
    def forward(self, X, training: bool = False) -> np.ndarray:
        """Network output for ``X`` of shape ``(n, d_in)``; dropout acts only in training."""
        X = _checks.as_matrix(X, "X", columns=self.sizes[0])
        return self._forward(X, _checks.flag(training, "training"))

    __call__ = forward

    def _forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        A = X
        for layer, drop in zip(self.layers[:-1], self.dropouts):
            A = drop.forward(layer._forward(A), training)
        return self.layers[-1]._forward(A)

    def backward(self, dA) -> np.ndarray:
        """Backpropagate ``dA = dL/d(output)``: fill every layer's ``grads``, return dL/dX.

        ``dA`` may hold NaN or infinities (a diverging run's gradient): they pass
        through by IEEE rules, as through torch's backward.
        """
        last = self.layers[-1]
        if last.A is None:
            raise ValueError("call forward before backward")
        dA = _checks.numbers(dA, "dA")          # may be infinite: a diverging run's gradient
        dA = dA[:, None] if dA.ndim == 1 else dA
        _checks.same_shape(dA, last.A, "dA", "the network's output")
        return self._backward_from_z(last.activation.backward(last.Z, last.A, dA))

    def _backward_from_z(self, dZ: np.ndarray, need_dX: bool = True) -> np.ndarray | None:
        """Unchecked backward pass from the output's dZ; ``need_dX=False`` (training)
        skips the first layer's dL/dX, which no parameter needs, and returns None."""
        first, last = self.layers[0], self.layers[-1]
        dA = last._backward_from_z(dZ, need_dX or last is not first)
        for layer, drop in zip(self.layers[-2::-1], self.dropouts[::-1]):
            dZ = layer.activation.backward(layer.Z, layer.A, drop.backward(dA))
            dA = layer._backward_from_z(dZ, need_dX or layer is not first)
        return dA

    def _check_loss(self, loss, X, y, name: str = "y"):
        """Validated (loss, X, Y) for this network: the output fits the loss, the labels too."""
        loss = _losses._get(loss)
        last = self.layers[-1]
        _losses.check_output(loss, last.activation.name, self.sizes[-1])
        X = _checks.as_matrix(X, "X", columns=self.sizes[0])
        Y = _losses.targets(loss, y, self.sizes[-1], name)
        _checks.same_rows(X, Y, "X", name)
        return loss, X, Y

    def loss(self, X, y, loss: str = "bce") -> float:
        """The data loss of the network's output on ``(X, y)`` (no dropout, no penalty).

        For a fused pair (sigmoid with ``'bce'``, softmax with ``'cce'``) it is
        computed from the output's logits, so it is exact where the
        probabilities round to 0 or 1 (see :mod:`lecture_code.losses`).
        """
        loss, X, Y = self._check_loss(loss, X, y)
        return self._loss(X, Y, loss)[0]

    def _loss(self, X, Y, loss, training: bool = False):
        """Unchecked: (data loss, output) of a forward pass."""
        out = self._forward(X, training)
        last = self.layers[-1]
        if loss.fused_with == last.activation.name:
            return loss.logit_kernel(last.Z, Y), out
        return loss.kernel(out, Y), out

    def loss_and_grads(self, X, y, loss: str = "bce", *, penalty: str = "none",
                       lam: float = 0.0, training: bool = True) -> float:
        """Forward, loss, backward in one call; returns the objective data loss + lambda R(W).

        When the output activation and the loss fuse (sigmoid with ``'bce'``,
        softmax with ``'cce'``), loss and gradient are computed from the
        output's logits Z: the loss by log-sum-exp and the gradient directly
        as ``(a - y) / n``, both exact and never dividing by a probability
        close to 0. The labels must fit the loss (see :func:`lecture_code.losses.targets`)
        and the output too (``'bce'`` needs a sigmoid output, ``'cce'`` a softmax).
        """
        loss, X, y = self._check_loss(loss, X, y)
        penalty = _checks.choice(penalty, "penalty", regularization.PENALTIES)
        lam = _checks.positive(lam, "lam", allow_zero=True)
        training = _checks.flag(training, "training")
        data_loss = self._loss_and_grads(X, y, loss, penalty, lam, training)[0]
        return data_loss + regularization.penalty(self.weights, penalty, lam)

    def _loss_and_grads(self, X, y, loss, penalty="none", lam=0.0, training=True):
        """Unchecked: returns (data loss, output); the gradients include the penalty's."""
        value, out = self._loss(X, y, loss, training)
        last = self.layers[-1]
        if loss.fused_with == last.activation.name:
            dZ = loss.logit_grad(last.Z, y)
        else:
            dZ = last.activation.backward(last.Z, out, loss.kernel_grad(out, y))
        self._backward_from_z(dZ, need_dX=False)
        if penalty != "none" and lam > 0.0:
            for layer in self.layers:
                layer.grads["W"] += regularization._penalty_grad(layer.params["W"], penalty, lam)
        return value, out

    def __repr__(self) -> str:
        hidden = self.layers[0].activation.name if len(self.layers) > 1 else "-"
        return (f"MLP({self.sizes}, activation={hidden!r}, "
                f"output={self.layers[-1].activation.name!r})")
