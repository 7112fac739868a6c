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

__all__ = ["perceptron_output", "update", "Perceptron", "best_line"]


def perceptron_output(x, w0: float, w, activation: str = "step"):
    """y_hat = g(w0 + x . w) for one input ``x`` (shape ``(d,)``) or rows ``(n, d)``.

    A float for one input, an array of ``n`` outputs for rows.

    >>> perceptron_output([-1, 2], 1.0, [3, -2], "sigmoid")   # g(-6), the lectures' example
    0.0024726231566347743
    """
    w = _checks.as_array(w, "w", ndim=1)
    x_arr = _checks.as_array(x, "x", ndim=(1, 2))
    if x_arr.shape[-1] != w.size:
        raise ValueError(f"x must have {w.size} feature(s) to match w, got shape {x_arr.shape}")
    z = _checks.finite(w0, "w0") + x_arr @ w
    out = activations._get(activation, "activation").forward(z)
    return float(out) if x_arr.ndim == 1 else out


def update(w0: float, w, x, y: float, lr: float = 1.0) -> tuple[float, np.ndarray]:
    """One step of Rosenblatt's rule on the example ``(x, y)``: the new ``(w0, w)``.

    y_hat = step(w0 + x . w);  w0 <- w0 + lr (y - y_hat);  w <- w + lr (y - y_hat) x.
    Nothing changes when the prediction is right; the step says 1 at z = 0.

    Parameters
    ----------
    w0 : float; w : array of shape ``(d,)``
        Bias and weights before the step.
    x : array of shape ``(d,)``; y : 0 or 1
        One example and its label.
    lr : float
        Learning rate eta.

    Returns
    -------
    w0 : float; w : array of shape ``(d,)`` (a new array). See chapter 1.
    """
    w = _checks.as_array(w, "w", ndim=1)
    x = _checks.as_array(x, "x", ndim=1)
    if x.size != w.size:
        raise ValueError(f"x must have {w.size} entries to match w, got {x.size}")
    y = float(_checks.as_array(y, "y", ndim=0))
    if y not in (0.0, 1.0):
        raise ValueError(f"y must be a class label, 0 or 1, got {y!r}")
    w0 = float(_checks.as_array(w0, "w0", ndim=0))
    new_w0, new_w, _ = _update(w0, w, x, y, _checks.positive(lr, "lr"))
    return new_w0, new_w.copy()


def _update(w0: float, w: np.ndarray, x: np.ndarray, y: float, lr: float):
    """:func:`update` without checks, also returning the error y - y_hat (0 when right)."""
    error = y - (1.0 if w0 + x @ w >= 0 else 0.0)
    if not error:
        return w0, w, 0.0
    return w0 + lr * error, w + lr * error * x, error


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
    mistakes: list[int] = field(default_factory=list, init=False)  # per epoch of fit

    def __post_init__(self):
        self.n_features = _checks.count(self.n_features, "n_features", each=2, of="weights")
        self.lr = _checks.positive(self.lr, "lr")
        self.w0 = _checks.finite(self.w0, "w0")
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
        epochs = _checks.count(epochs, "epochs", each=1e3 * len(y),
                               of="work (a pass over the examples each)")
        if rng is not None:
            _checks.generator(rng)
        self.mistakes = []
        for _ in range(epochs):
            order = rng.permutation(len(y)) if rng is not None else range(len(y))
            wrong = 0
            for i in order:
                self.w0, self.w, error = _update(self.w0, self.w, X[i], y[i], self.lr)
                wrong += int(error != 0)
            self.mistakes.append(wrong)
            if wrong == 0:
                break
        return self


def best_line(X, y) -> tuple[float, np.ndarray, float]:
    """The line w0 + x . w = 0 that classifies the most rows of 2-D data ``X`` correctly.

    Class 1 is predicted where w0 + x . w >= 0. The search is exhaustive: the
    accuracy of the best threshold along a unit direction u changes only where
    u is perpendicular to the difference of two points (there the order of
    their projections swaps), so one direction inside each arc between those
    angles, and every threshold between consecutive projections, covers every
    line there is. That is about n^2 directions for n points.

    Returns
    -------
    w0 : float; w : (2,) unit vector; accuracy : float in [0.5, 1].
    """
    X = _checks.as_matrix(X, "X", columns=2)
    y = _checks.as_array(y, "y", ndim=1)
    _checks.same_rows(X, y, "X", "y")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must hold class labels 0 and 1")
    i, j = np.triu_indices(len(y), 1)
    diff = X[j] - X[i]
    along = np.arctan2(diff[:, 1], diff[:, 0])[np.any(diff != 0, axis=1)]
    critical = np.unique(np.concatenate([along + np.pi / 2, along - np.pi / 2]) % (2 * np.pi))
    if critical.size == 0:
        critical = np.zeros(1)
    angles = (critical + np.append(critical[1:], critical[0] + 2 * np.pi)) / 2
    best = (-1, 0.0, np.zeros(2))
    for start in range(0, angles.size, 2048):            # in chunks, to bound the memory
        U = np.stack([np.cos(angles[start:start + 2048]), np.sin(angles[start:start + 2048])])
        proj = X @ U                                      # (n, m): projections on each direction
        order = np.argsort(proj, axis=0)
        labels = y[order]
        # threshold after the k lowest projections: those k say 0, the rest say 1
        below_zeros = np.vstack([np.zeros(labels.shape[1]), np.cumsum(1 - labels, axis=0)])
        above_ones = labels.sum(axis=0) - np.vstack([np.zeros(labels.shape[1]),
                                                     np.cumsum(labels, axis=0)])
        correct = below_zeros + above_ones                # (n + 1, m)
        k, col = np.unravel_index(np.argmax(correct), correct.shape)
        if correct[k, col] > best[0]:
            p = np.sort(proj[:, col])
            t = p[0] - 1.0 if k == 0 else p[-1] + 1.0 if k == len(p) else (p[k - 1] + p[k]) / 2
            best = (int(correct[k, col]), t, U[:, col].copy())
    correct, t, u = best
    return -float(t), u, correct / len(y)
