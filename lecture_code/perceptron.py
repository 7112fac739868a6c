"""The Rosenblatt perceptron (1958) and its learning rule.

The perceptron computes y_hat = step(w0 + x . w): a line (a hyperplane) with
class 1 on one side and 0 on the other. Rosenblatt's rule nudges the weights
only on mistakes, w <- w + eta (y - y_hat) x, and stops changing once every
training point is classified correctly, which happens after finitely many
mistakes when the classes are linearly separable (and never for XOR).

See chapter 1 (the perceptron).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import _checks, activations

__all__ = ["perceptron_output", "Perceptron"]


def perceptron_output(x, w0: float, w, activation: str = "step"):
    """y_hat = g(w0 + x . w) for one input ``x`` (shape ``(d,)``) or rows ``(n, d)``.

    >>> perceptron_output([-1, 2], 1.0, [3, -2], "sigmoid")   # g(-6), the lectures' example
    0.0024726231566347743
    """
    w = _checks.as_array(w, "w", ndim=1)
    x_arr = _checks.as_array(x, "x", ndim=(1, 2))
    if x_arr.shape[-1] != w.size:
        raise ValueError(f"x must have {w.size} feature(s) to match w, got shape {x_arr.shape}")
    z = float(w0) + x_arr @ w
    out = activations.get(activation).forward(z)
    return float(out) if x_arr.ndim == 1 else out


@dataclass
class Perceptron:
    """A perceptron with a step activation, trained by Rosenblatt's rule.

    Parameters
    ----------
    n_features : int
        Number of inputs d.
    lr : float
        Learning rate eta of the rule.
    w0, w : float and array of shape ``(d,)``
        Bias and weights; start at zero unless given.
    """

    n_features: int
    lr: float = 1.0
    w0: float = 0.0
    w: np.ndarray | None = None
    mistakes: list[int] = field(default_factory=list)   # mistakes made in each epoch of fit

    def __post_init__(self):
        self.n_features = _checks.count(self.n_features, "n_features")
        self.lr = _checks.positive(self.lr, "lr")
        self.w = (np.zeros(self.n_features) if self.w is None
                  else _checks.as_array(self.w, "w", ndim=1).copy())
        if self.w.size != self.n_features:
            raise ValueError(f"w must have {self.n_features} entries, got {self.w.size}")

    def decision(self, X) -> np.ndarray:
        """The pre-activation z = w0 + X w for rows ``X`` of shape ``(n, d)``."""
        X = _checks.as_matrix(X, "X", columns=self.n_features)
        return self.w0 + X @ self.w

    def predict(self, X) -> np.ndarray:
        """Class 0 or 1 per row: step(w0 + X w)."""
        return activations.step(self.decision(X)).astype(int)

    def fit(self, X, y, epochs: int = 20, *, rng: np.random.Generator | None = None) -> "Perceptron":
        """Apply the rule example by example for up to ``epochs`` passes.

        Stops early after an epoch with no mistakes. With ``rng`` the examples
        are visited in a fresh random order each epoch; otherwise in order.
        ``self.mistakes`` records the mistakes per epoch.
        """
        X = _checks.as_matrix(X, "X", columns=self.n_features)
        y = _checks.as_array(y, "y", ndim=1)
        _checks.same_rows(X, y, "X", "y")
        if not np.all((y == 0) | (y == 1)):
            raise ValueError("y must hold class labels 0 and 1")
        epochs = _checks.count(epochs, "epochs")
        if rng is not None:
            _checks.generator(rng)
        self.mistakes = []
        for _ in range(epochs):
            order = rng.permutation(len(y)) if rng is not None else range(len(y))
            wrong = 0
            for i in order:
                error = y[i] - (1.0 if self.w0 + X[i] @ self.w >= 0 else 0.0)
                if error:
                    self.w0 += self.lr * error
                    self.w += self.lr * error * X[i]
                    wrong += 1
            self.mistakes.append(wrong)
            if wrong == 0:
                break
        return self
