"""The dense (fully connected) layer: Z = X W + b, A = g(Z).

Rows are examples: ``X`` is ``(n, d_in)``, ``W`` is ``(d_in, d_out)``, ``b`` is
``(d_out,)``. ``forward`` caches ``X``, ``Z`` and ``A``; ``backward(dA)`` fills
``grads`` (keyed like ``params``) and returns ``dX`` for the layer below.

See chapter 3 (from perceptrons to deep networks) and chapter 6 (backpropagation).
"""
from __future__ import annotations

import numpy as np

from . import _checks, activations

__all__ = ["Dense", "INITS", "init_weights"]

#: The weight initialisations :func:`init_weights` accepts.
INITS = ("he", "glorot", "torch")


def init_weights(d_in: int, d_out: int, init: str, rng: np.random.Generator):
    """Draw ``(W, b)`` for a layer.

    ``'he'``: W ~ N(0, 2/d_in), for ReLU-like units. ``'glorot'``: W ~ N(0,
    2/(d_in + d_out)), for tanh, sigmoid and linear units. ``'torch'``: W and b
    ~ U(-1/sqrt(d_in), 1/sqrt(d_in)), what ``torch.nn.Linear`` draws. Biases
    start at zero except for ``'torch'``.
    """
    d_in, d_out = _checks.count(d_in, "d_in"), _checks.count(d_out, "d_out")
    _checks.affordable(d_in * d_out, "d_in and d_out", (d_in, d_out), "weights")
    init = _checks.choice(init, "init", INITS)
    _checks.generator(rng)
    if init == "torch":
        bound = 1.0 / np.sqrt(d_in)
        return (rng.uniform(-bound, bound, size=(d_in, d_out)),
                rng.uniform(-bound, bound, size=d_out))
    scale = np.sqrt(2.0 / d_in) if init == "he" else np.sqrt(2.0 / (d_in + d_out))
    return rng.normal(0.0, scale, size=(d_in, d_out)), np.zeros(d_out)


class Dense:
    """A fully connected layer with activation ``g``: ``A = g(X @ W + b)``.

    Parameters
    ----------
    d_in, d_out : int
        Number of inputs and of units.
    activation : str
        One of :data:`lecture_code.activations.NAMES`.
    rng : numpy.random.Generator
        Draws the initial weights (unless ``W`` and ``b`` are given).
    init : str, optional
        ``'he'``, ``'glorot'`` or ``'torch'``; by default ``'he'`` for ReLU and
        ELU, ``'glorot'`` otherwise.
    W, b : array, optional
        Initial weights ``(d_in, d_out)`` and biases ``(d_out,)``, copied.
    """

    def __init__(self, d_in: int, d_out: int, activation: str = "relu", *,
                 rng: np.random.Generator | None = None, init: str | None = None,
                 W=None, b=None):
        d_in, d_out = _checks.count(d_in, "d_in"), _checks.count(d_out, "d_out")
        _checks.affordable(d_in * d_out, "d_in and d_out", (d_in, d_out), "weights")
        self.activation = activations._get(activation, "activation")
        if (W is None) != (b is None):
            raise ValueError(f"W and b must be given together (or neither, to draw them), "
                             f"got {'b' if W is None else 'W'} alone")
        if W is None:
            if rng is None:
                raise ValueError("rng is required to initialise a Dense layer "
                                 "(or pass both W and b)")
            if init is None:
                init = "he" if self.activation.name in ("relu", "elu") else "glorot"
            W, b = init_weights(d_in, d_out, init, rng)
        W = _checks.as_array(W, "W", ndim=2)
        b = _checks.as_array(b, "b", ndim=1)
        if W.shape != (d_in, d_out) or b.shape != (d_out,):
            raise ValueError(f"W must have shape {(d_in, d_out)} and b shape {(d_out,)}, "
                             f"got {W.shape} and {b.shape}")
        self.params = {"W": W.copy(), "b": b.copy()}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros_like(b)}
        self.X = self.Z = self.A = None
        self._ones = np.ones(0)

    @property
    def shape(self) -> tuple[int, int]:
        """``(d_in, d_out)``."""
        return self.params["W"].shape

    def forward(self, X) -> np.ndarray:
        """Return ``A = g(X W + b)`` for ``X`` of shape ``(n, d_in)``, caching X, Z, A."""
        return self._forward(_checks.as_matrix(X, "X", columns=self.shape[0]))

    def _forward(self, X: np.ndarray) -> np.ndarray:
        self.X = X
        self.Z = X @ self.params["W"]
        self.Z += self.params["b"]
        self.A = self.activation.forward(self.Z)
        return self.A

    def backward(self, dA) -> np.ndarray:
        """Given ``dA = dL/dA`` of shape ``(n, d_out)``, fill ``grads`` and return ``dL/dX``.

        ``dA`` may hold NaN or infinities (a diverging run's gradient): they pass
        through by IEEE rules, as through torch's backward.
        """
        if self.A is None:
            raise ValueError("call forward before backward")
        dA = _checks.numbers(dA, "dA")
        dA = dA[:, None] if dA.ndim == 1 else dA
        _checks.same_shape(dA, self.A, "dA", "the layer's output")
        return self._backward_from_z(self.activation.backward(self.Z, self.A, dA))

    def _backward_from_z(self, dZ: np.ndarray, need_dX: bool = True) -> np.ndarray | None:
        """Same as :meth:`backward` when ``dZ = dL/dZ`` is already known.

        dW = X^T dZ,  db = sum over rows of dZ,  dX = dZ W^T. ``need_dX=False``
        skips dX and returns None (training needs no gradient for the data).
        """
        n = dZ.shape[0]
        if self._ones.shape[0] != n:
            self._ones = np.ones(n)
        np.matmul(self.X.T, dZ, out=self.grads["W"])
        np.matmul(self._ones, dZ, out=self.grads["b"])   # db = 1^T dZ, the row sum
        return dZ @ self.params["W"].T if need_dX else None

    def __repr__(self) -> str:
        d_in, d_out = self.shape
        return f"Dense({d_in} -> {d_out}, {self.activation.name})"
