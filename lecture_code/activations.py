"""Activation functions, each beside its derivative.

Element-wise activations come as a pair ``g(z)`` and ``g_prime(z)``. Softmax
mixes the entries of a row, so instead of a derivative it has
``softmax_backward(a, da)``, the vector-Jacobian product a backward pass needs.
``get(name)`` returns an :class:`Activation` bundling the pair by name.

See chapter 2 (activation functions) and chapter 6 (backpropagation).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import _checks

__all__ = ["step", "step_prime", "sigmoid", "sigmoid_prime", "tanh", "tanh_prime",
           "relu", "relu_prime", "elu", "elu_prime", "linear", "linear_prime",
           "softmax", "softmax_backward", "Activation", "get", "NAMES"]


def step(z):
    """Heaviside step: 1 where z >= 0, else 0 (the Rosenblatt perceptron's output)."""
    return (np.asarray(z) >= 0).astype(np.float64)


def step_prime(z):
    """Derivative of the step: 0 everywhere it exists, so gradient descent gets no signal."""
    return np.zeros_like(np.asarray(z, dtype=np.float64))


def sigmoid(z):
    """Logistic sigmoid sigma(z) = 1 / (1 + e^{-z}).

    For z below about -709, e^{-z} overflows to infinity and the result is
    exactly 0.0, which is also the correctly rounded value; the overflow
    warning is silenced.
    """
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))


def sigmoid_prime(z):
    """sigma'(z) = sigma(z) (1 - sigma(z)), at most 0.25 (at z = 0)."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """Hyperbolic tangent (e^z - e^{-z}) / (e^z + e^{-z}), in (-1, 1)."""
    return np.tanh(np.asarray(z, dtype=np.float64))


def tanh_prime(z):
    """tanh'(z) = 1 - tanh(z)^2, at most 1 (at z = 0)."""
    return 1.0 - np.tanh(np.asarray(z, dtype=np.float64)) ** 2


def relu(z):
    """Rectified linear unit max(0, z)."""
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)


def relu_prime(z):
    """relu'(z) = 1 for z > 0, else 0 (the value 0 at z = 0 is torch's convention)."""
    return (np.asarray(z) > 0).astype(np.float64)


def elu(z, alpha: float = 1.0):
    """Exponential linear unit: z for z >= 0, alpha (e^z - 1) for z < 0."""
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def elu_prime(z, alpha: float = 1.0):
    """elu'(z) = 1 for z > 0, alpha e^z for z <= 0 (torch's convention at 0)."""
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def linear(z):
    """Identity g(z) = z: the output activation for regression."""
    return np.asarray(z, dtype=np.float64)


def linear_prime(z):
    """linear'(z) = 1."""
    return np.ones_like(np.asarray(z, dtype=np.float64))


def softmax(z):
    """Row-wise softmax e^{z_j} / sum_k e^{z_k}: each row becomes probabilities summing to 1.

    The row maximum is subtracted first, which changes nothing mathematically
    and keeps ``exp`` from overflowing.
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_backward(a, da):
    """Vector-Jacobian product of softmax: dz = a * (da - sum_j da_j a_j), row by row.

    The Jacobian of softmax is diag(a) - a a^T; multiplying it by ``da``
    gives this formula without ever forming the matrix.
    """
    return a * (da - np.sum(da * a, axis=-1, keepdims=True))


@dataclass(frozen=True)
class Activation:
    """An activation by name: ``forward(z)`` and ``backward(z, a, da) -> dz``.

    ``backward`` reuses the forward pass's output ``a`` where the derivative
    can be written with it (sigma' = a (1 - a), tanh' = 1 - a^2), which saves
    recomputing an exponential; the tests check it equals ``derivative(z)``.
    """

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray] | None      # None for softmax
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


_REGISTRY = {
    "step": Activation("step", step, step_prime, lambda z, a, da: np.zeros_like(da)),
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_prime, lambda z, a, da: da * a * (1.0 - a)),
    "tanh": Activation("tanh", tanh, tanh_prime, lambda z, a, da: da * (1.0 - a * a)),
    "relu": Activation("relu", relu, relu_prime, lambda z, a, da: da * (z > 0)),
    "elu": Activation("elu", elu, elu_prime,
                      lambda z, a, da: da * np.where(z > 0, 1.0, a + 1.0)),  # alpha e^z = a + alpha
    "linear": Activation("linear", linear, linear_prime, lambda z, a, da: da),
    "softmax": Activation("softmax", softmax, None, lambda z, a, da: softmax_backward(a, da)),
}
#: The activation names :func:`get` accepts.
NAMES = tuple(_REGISTRY)


def get(name: str | Activation) -> Activation:
    """Return the :class:`Activation` called ``name`` (one of :data:`NAMES`)."""
    if isinstance(name, Activation):
        return name
    return _REGISTRY[_checks.choice(name, "activation", NAMES)]
