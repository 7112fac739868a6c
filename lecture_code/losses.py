"""Loss functions, each beside its gradient.

Convention (stated once, used everywhere): a loss takes ``(y_pred, y_true)``
in torch's order, both of shape ``(n, k)``, and returns the **mean over all
n*k entries**; its gradient with respect to ``y_pred`` includes that ``1/(n k)``.
The categorical cross-entropy is the one exception, as in torch: it sums over
the k classes of a row and averages over the n rows.

Cross-entropies take probabilities, as the lectures write them, and clip them
to ``[EPS, 1 - EPS]`` so that ``log(0)`` never happens. For training, the
network fuses sigmoid + binary cross-entropy (and softmax + categorical
cross-entropy) into the exact gradient ``(a - y) / n`` with respect to the
pre-activation; see :meth:`lecture_code.network.MLP.backward`.

See chapter 4 (loss functions).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import _checks

__all__ = ["mse", "mse_grad", "mae", "mae_grad", "binary_cross_entropy",
           "binary_cross_entropy_grad", "categorical_cross_entropy",
           "categorical_cross_entropy_grad", "Loss", "get", "NAMES", "EPS"]

#: Probabilities are clipped to ``[EPS, 1 - EPS]`` inside the cross-entropies.
EPS = 1e-12


def _pair(y_pred, y_true):
    y_pred = _checks.as_matrix(y_pred, "y_pred")
    y_true = _checks.as_matrix(y_true, "y_true")
    _checks.same_shape(y_pred, y_true, "y_pred", "y_true")
    return y_pred, y_true


# Unchecked kernels: p and y are float arrays of equal shape (n, k).
def _mse(p, y):
    return float(np.mean((p - y) ** 2))


def _mse_grad(p, y):
    return 2.0 * (p - y) / p.size


def _mae(p, y):
    return float(np.mean(np.abs(p - y)))


def _mae_grad(p, y):
    return np.sign(p - y) / p.size


def _bce(p, y):
    p = np.clip(p, EPS, 1.0 - EPS)
    # np.vdot(a, b) is the sum of a * b over all entries: one call instead of three
    return -float(np.vdot(y, np.log(p)) + np.vdot(1.0 - y, np.log1p(-p))) / p.size


def _bce_grad(p, y):
    p = np.clip(p, EPS, 1.0 - EPS)
    return (p - y) / (p * (1.0 - p)) / p.size


def _cce(p, y):
    return float(-np.sum(y * np.log(np.clip(p, EPS, 1.0))) / p.shape[0])


def _cce_grad(p, y):
    return -y / np.clip(p, EPS, 1.0) / p.shape[0]


def _probabilities(y_pred, y_true):
    y_pred, y_true = _pair(y_pred, y_true)
    if np.any((y_pred < 0) | (y_pred > 1)):
        raise ValueError("y_pred must hold probabilities in [0, 1] for a cross-entropy; "
                         "apply a sigmoid or softmax first")
    return y_pred, y_true


# Public functions: validated, then the kernels above.
def mse(y_pred, y_true) -> float:
    """Mean squared error (1/n) sum (y_pred - y_true)^2."""
    return _mse(*_pair(y_pred, y_true))


def mse_grad(y_pred, y_true) -> np.ndarray:
    """dMSE/dy_pred = 2 (y_pred - y_true) / n."""
    return _mse_grad(*_pair(y_pred, y_true))


def mae(y_pred, y_true) -> float:
    """Mean absolute error ``(1/n) sum |y_pred - y_true|``."""
    return _mae(*_pair(y_pred, y_true))


def mae_grad(y_pred, y_true) -> np.ndarray:
    """dMAE/dy_pred = sign(y_pred - y_true) / n (0 where they are equal, as in torch)."""
    return _mae_grad(*_pair(y_pred, y_true))


def binary_cross_entropy(y_pred, y_true) -> float:
    """-(1/n) sum [y log p + (1 - y) log(1 - p)] for probabilities p = y_pred."""
    return _bce(*_probabilities(y_pred, y_true))


def binary_cross_entropy_grad(y_pred, y_true) -> np.ndarray:
    """dBCE/dp = (p - y) / (p (1 - p)) / n."""
    return _bce_grad(*_probabilities(y_pred, y_true))


def categorical_cross_entropy(y_pred, y_true) -> float:
    """-(1/n) sum_i sum_c y_ic log p_ic; rows of y_true are one-hot (or distributions)."""
    return _cce(*_probabilities(y_pred, y_true))


def categorical_cross_entropy_grad(y_pred, y_true) -> np.ndarray:
    """dCCE/dp = -y / p / n."""
    return _cce_grad(*_probabilities(y_pred, y_true))


@dataclass(frozen=True)
class Loss:
    """A loss by name: ``value(y_pred, y_true)`` and ``grad(y_pred, y_true)``."""

    name: str
    value: Callable[[np.ndarray, np.ndarray], float]
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]
    fused_with: str | None   # output activation whose gradient fuses with this loss
    kernel: Callable[[np.ndarray, np.ndarray], float]        # unchecked value
    kernel_grad: Callable[[np.ndarray, np.ndarray], np.ndarray]  # unchecked gradient

    def __call__(self, y_pred, y_true) -> float:
        return self.value(y_pred, y_true)


_REGISTRY = {
    "mse": Loss("mse", mse, mse_grad, None, _mse, _mse_grad),
    "mae": Loss("mae", mae, mae_grad, None, _mae, _mae_grad),
    "bce": Loss("bce", binary_cross_entropy, binary_cross_entropy_grad, "sigmoid",
                _bce, _bce_grad),
    "cce": Loss("cce", categorical_cross_entropy, categorical_cross_entropy_grad, "softmax",
                _cce, _cce_grad),
}
_ALIASES = {"binary_cross_entropy": "bce", "categorical_cross_entropy": "cce",
            "cross_entropy": "cce"}
#: The loss names :func:`get` accepts.
NAMES = tuple(_REGISTRY)


def get(name: str | Loss) -> Loss:
    """Return the :class:`Loss` called ``name``: 'mse', 'mae', 'bce' or 'cce'."""
    if isinstance(name, Loss):
        return name
    key = _ALIASES.get(name, name) if isinstance(name, str) else name
    return _REGISTRY[_checks.choice(key, "loss", NAMES)]
