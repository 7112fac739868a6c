"""Activation functions, each beside its derivative.

Element-wise activations come as a pair ``g(z)`` and ``g_prime(z)``. Softmax
mixes the entries of a row, so instead of a derivative it has
``softmax_backward(a, da)``, the vector-Jacobian product a backward pass needs.
``get(name)`` returns an :class:`Activation` bundling the pair by name.
They take arrays of any shape (an empty array gives an empty array, as in
numpy), and NaN and infinities pass through them by IEEE rules, as through
numpy's and torch's (each is defined at +-inf): NaN in gives NaN out, also
from the step, relu and linear derivatives, where numpy's comparisons would
read NaN as a plain 0 or 1.

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


def _z(z, name: str = "z") -> np.ndarray:
    return _checks.numbers(z, name)


def _nan_kept(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out`` with NaN wherever ``z`` is NaN (a comparison such as ``z >= 0`` is False there)."""
    return np.where(np.isnan(z), np.nan, out)


def _times(da, d):
    """``da * d``, and exactly 0 wherever ``d == 0``: a unit that passes no gradient
    passes none even when ``da`` is infinite (``inf * 0`` would be NaN; torch gives 0)."""
    with np.errstate(invalid="ignore"):      # the inf * 0 entries are the ones replaced
        return np.where(d == 0.0, 0.0, da * d)


def step(z):
    """Heaviside step: 1 where z >= 0, else 0 (the Rosenblatt perceptron's output)."""
    z = _z(z)
    return _nan_kept(z, (z >= 0).astype(np.float64))


def step_prime(z):
    """Derivative of the step: 0 everywhere it exists, so gradient descent gets no signal."""
    z = _z(z)
    return _nan_kept(z, np.zeros_like(z))


def sigmoid(z):
    """Logistic sigmoid sigma(z) = 1 / (1 + e^{-z}).

    Accurate to a few ulps everywhere, also in its tails: for z below about
    -709, e^{-z} overflows to infinity and the result is exactly 0.0, which
    is also the correctly rounded value; the overflow warning is silenced.
    """
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-_z(z)))


def sigmoid_prime(z):
    """sigma'(z) = sigma(z) (1 - sigma(z)) = sigma(z) sigma(-z), at most 0.25 (at z = 0).

    Written with sigma(-z) rather than 1 - sigma(z): at z = 40, sigma(z) rounds
    to 1 and 1 - sigma(z) would be 0, while sigma(-40) = 4.2e-18 is exact.
    """
    z = _z(z)
    return sigmoid(z) * sigmoid(-z)


def tanh(z):
    """Hyperbolic tangent (e^z - e^{-z}) / (e^z + e^{-z}), in (-1, 1)."""
    return np.tanh(_z(z))


def tanh_prime(z):
    """tanh'(z) = 1 - tanh(z)^2 = 1 / cosh(z)^2, at most 1 (at z = 0).

    The second form has no cancellation: at ``|z| = 20``, tanh(z)^2 rounds to 1
    and 1 - tanh(z)^2 would be 0, while the exact value is 1.7e-17. (Dividing
    by cosh twice rather than by its square keeps the tiny values down to
    ``|z| = 710``, where cosh overflows and the true 4e^{-1420} underflows anyway.)
    """
    with np.errstate(over="ignore"):
        c = np.cosh(_z(z))
    return 1.0 / c / c


def relu(z):
    """Rectified linear unit max(0, z)."""
    return np.maximum(_z(z), 0.0)


def relu_prime(z):
    """relu'(z) = 1 for z > 0, else 0 (the value 0 at z = 0 is torch's convention)."""
    z = _z(z)
    return _nan_kept(z, (z > 0).astype(np.float64))


def elu(z, alpha: float = 1.0):
    """Exponential linear unit: z for z >= 0, alpha (e^z - 1) for z < 0."""
    z, alpha = _z(z), _checks.positive(alpha, "alpha")
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def elu_prime(z, alpha: float = 1.0):
    """elu'(z) = 1 for z > 0, alpha e^z for z <= 0 (torch's convention at 0).

    Computed as alpha e^z itself, not as elu(z) + alpha: at z = -40 that sum
    is -1 + 1 = 0, while alpha e^{-40} = 4.2e-18.
    """
    z, alpha = _z(z), _checks.positive(alpha, "alpha")
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def linear(z):
    """Identity g(z) = z: the output activation for regression."""
    return _z(z)


def linear_prime(z):
    """linear'(z) = 1."""
    z = _z(z)
    return _nan_kept(z, np.ones_like(z))


def softmax(z):
    """Row-wise softmax e^{z_j} / sum_k e^{z_k}: each row becomes probabilities summing to 1.

    The row maximum is subtracted first, which changes nothing mathematically
    and keeps ``exp`` from overflowing.
    """
    z = _z(z)
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(f"z must have at least one entry per row (last axis), got shape {z.shape}")
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_backward(a, da):
    """Vector-Jacobian product of softmax: dz_i = a_i (da_i - sum_j a_j da_j), row by row.

    The Jacobian of softmax is diag(a) - a a^T; multiplying it by ``da``
    gives this formula without ever forming the matrix. Since sum_j a_j = 1 it
    is computed as dz_i = a_i sum_j a_j (da_i - da_j): when one a_i is close
    to 1, da_i - sum_j a_j da_j would subtract two nearly equal numbers and
    lose the small difference the gradient is made of.
    """
    a, da = _z(a, "a"), _z(da, "da")
    _checks.same_shape(a, da, "a", "da")
    return _softmax_backward(a, da)


def _softmax_backward(a, da):
    with np.errstate(invalid="ignore"):
        diff = da[..., :, None] - da[..., None, :]      # da_i - da_j
    diff = np.where(da[..., :, None] == da[..., None, :], 0.0, diff)   # also for inf - inf
    return _times(a, _times(diff, a[..., None, :]).sum(axis=-1))


@dataclass(frozen=True)
class Activation:
    """An activation by name: ``forward(z)`` and ``backward(z, a, da) -> dz``.

    ``backward`` returns ``da * g'(z)`` with the derivative in a form without
    cancellation (sigma' = a sigma(-z), not a (1 - a); tanh' = 1 / cosh^2,
    not 1 - a^2; elu' = alpha e^z, not a + alpha), and returns exactly 0
    where g'(z) = 0 even if ``da`` is infinite, as torch does. The tests
    check it against ``derivative(z)``, torch and exact arithmetic (mpmath).
    """

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray] | None      # None for softmax
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


_REGISTRY = {
    "step": Activation("step", step, step_prime, lambda z, a, da: np.zeros_like(da)),
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_prime,
                          lambda z, a, da: _times(da, a * sigmoid(-z))),   # sigma(z) sigma(-z)
    "tanh": Activation("tanh", tanh, tanh_prime, lambda z, a, da: _times(da, tanh_prime(z))),
    "relu": Activation("relu", relu, relu_prime, lambda z, a, da: np.where(z > 0, da, 0.0)),
    "elu": Activation("elu", elu, elu_prime, lambda z, a, da: _times(da, elu_prime(z))),
    "linear": Activation("linear", linear, linear_prime, lambda z, a, da: da),
    "softmax": Activation("softmax", softmax, None, lambda z, a, da: _softmax_backward(a, da)),
}
#: The activation names :func:`get` accepts.
NAMES = tuple(_REGISTRY)


def get(name: str | Activation) -> Activation:
    """Return the :class:`Activation` called ``name`` (one of :data:`NAMES`, any letter case)."""
    return _get(name, "name")


def _get(name, argument: str) -> Activation:
    """:func:`get`, with the caller's name for the argument in its error (``MLP``'s ``output``)."""
    if isinstance(name, Activation):
        return name
    return _REGISTRY[_checks.choice(name, argument, NAMES, what="activation")]
