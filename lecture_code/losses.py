"""Loss functions, each beside its gradient.

Convention (stated once, used everywhere): a loss takes ``(y_pred, y_true)``
in torch's order, both of shape ``(n, k)``, and returns the **mean over all
n*k entries**; its gradient with respect to ``y_pred`` includes that ``1/(n k)``.
The categorical cross-entropy is the one exception, as in torch: it sums over
the k classes of a row and averages over the n rows.

Cross-entropies take probabilities, as the lectures write them, and are exact
for every probability from the smallest normal double (``TINY`` = 2.2e-308) up
to the largest double below 1: ``binary_cross_entropy([[1e-20]], [[1.0]])``
is 46.05. Only a probability below ``TINY`` (or exactly 0, or exactly 1 on the
other side) is clamped: each log is floored at ``log(TINY)`` = -708.4, so the
loss stays finite.

A network does not hand its probabilities to these functions: where the output
activation and the loss fuse (sigmoid + binary cross-entropy, softmax +
categorical cross-entropy) it computes the loss from the logits ``z`` with
``*_with_logits`` (log-sum-exp, no probability ever rounded to 0 or 1), and
the gradient ``(sigma(z) - y) / n`` of that same function; see
:meth:`lecture_code.network.MLP.backward`. :func:`targets` checks that labels
mean something for a loss, and :func:`check_output` that an output activation
does.

See chapter 4 (loss functions).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import _checks, activations
from .activations import sigmoid

__all__ = ["mse", "mse_grad", "mae", "mae_grad", "binary_cross_entropy",
           "binary_cross_entropy_grad", "categorical_cross_entropy",
           "categorical_cross_entropy_grad", "binary_cross_entropy_with_logits",
           "binary_cross_entropy_with_logits_grad", "categorical_cross_entropy_with_logits",
           "categorical_cross_entropy_with_logits_grad", "targets", "check_output",
           "Loss", "get", "NAMES", "TINY", "EPS", "ROW_SUM_TOL"]

#: The smallest normal double, down to which the cross-entropies on probabilities are exact.
TINY = float(np.finfo(np.float64).tiny)
#: The former name of :data:`TINY`, kept for code that imports it.
EPS = TINY
_LOG_TINY = float(np.log(TINY))     # -708.396...: the floor of every log
_ONE_BELOW = float(np.nextafter(1.0, 0.0))


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


def _log(p):
    """log p, floored at log(TINY): exact for p >= TINY, finite for p = 0."""
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(p), _LOG_TINY)


def _log1m(p):
    """log(1 - p) by log1p, exact for small p too, floored at log(TINY) for p = 1."""
    with np.errstate(divide="ignore"):
        return np.maximum(np.log1p(-p), _LOG_TINY)


def _bce(p, y):
    # np.vdot(a, b) is the sum of a * b over all entries; both terms are >= 0, no cancellation
    return -float(np.vdot(y, _log(p)) + np.vdot(1.0 - y, _log1m(p))) / p.size


def _bce_grad(p, y):
    p = np.clip(p, TINY, _ONE_BELOW)
    return (p - y) / (p * (1.0 - p)) / p.size


def _cce(p, y):
    return -float(np.vdot(y, _log(p))) / p.shape[0]


def _cce_grad(p, y):
    return -y / np.maximum(p, TINY) / p.shape[0]


# From logits z. softplus(z) = log(1 + e^z) = -log sigma(-z), by np.logaddexp(0, z).
def _bce_logits(z, y):
    """mean of y softplus(-z) + (1 - y) softplus(z): -log sigma(z) and -log(1 - sigma(z))."""
    return float(np.vdot(y, np.logaddexp(0.0, -z)) + np.vdot(1.0 - y, np.logaddexp(0.0, z))) \
        / z.size


def _bce_logits_grad(z, y):
    """(sigma(z) - y) / n, written (1 - y) sigma(z) - y sigma(-z) so that it does not cancel."""
    with np.errstate(over="ignore"):
        return ((1.0 - y) * sigmoid(z) - y * sigmoid(-z)) / z.size


def _log_softmax(z):
    """(log p, 1 - p) for p = softmax(z), row by row, both without cancellation.

    With m the row maximum and r = sum over the *other* entries of e^{z_j - m},
    log p_j = (z_j - m) - log1p(r), and 1 - p = r / (1 + r) at the maximum
    (1 - p_j >= 1/2 elsewhere, where the subtraction is harmless).
    """
    rows, top = np.arange(z.shape[0]), z.argmax(axis=1)
    shifted = z - z[rows, top][:, None]
    e = np.exp(shifted)
    e[rows, top] = 0.0
    rest = e.sum(axis=1)
    log_p = shifted - np.log1p(rest)[:, None]
    q = 1.0 - np.exp(log_p)
    q[rows, top] = rest / (1.0 + rest)
    return log_p, q


def _cce_logits(z, y):
    return -float(np.vdot(y, _log_softmax(z)[0])) / z.shape[0]


def _cce_logits_grad(z, y):
    """(softmax(z) - y) / n, written (1 - y) p - y (1 - p) so that it does not cancel."""
    log_p, q = _log_softmax(z)
    return ((1.0 - y) * np.exp(log_p) - y * q) / z.shape[0]


#: Rows of a categorical target must sum to 1 within this (rounding of the row's entries).
ROW_SUM_TOL = 1e-9


def targets(loss, y_true, columns: int | None = None, name: str = "y_true",
            against: str = "the network's output") -> np.ndarray:
    """``y_true`` as an ``(n, k)`` target matrix that means something for ``loss``.

    ``'bce'``: every entry in [0, 1] (0/1 labels, or probabilities).
    ``'cce'``: each row a distribution (entries >= 0 summing to 1 within
    :data:`ROW_SUM_TOL`), or, when ``columns`` k > 1 and ``y_true`` is 1-D,
    class indices 0..k-1 (returned one-hot). ``'mse'`` and ``'mae'``: any
    finite numbers. ``columns`` is the number of outputs; with None (the
    default) targets of any number of columns are taken. ``name`` and
    ``against`` are any text, the words for ``y_true`` and for the outputs in
    the message. Raises ``ValueError`` naming ``name``.
    """
    loss = _get(loss).name
    name, against = _checks.text(name, "name"), _checks.text(against, "against")
    if columns is not None:
        columns = _checks.count(columns, "columns")
    y = _checks.as_array(y_true, name, ndim=(1, 2))
    if loss == "cce" and columns is not None and columns > 1 and y.ndim == 1:
        if np.any(y != np.round(y)) or y.min() < 0 or y.max() >= columns:
            raise ValueError(f"{name} must hold class labels 0..{columns - 1} (or one-hot rows) "
                             f"for 'cce', got values from {y.min():g} to {y.max():g}")
        return np.eye(columns)[y.astype(int)]
    y = y[:, None] if y.ndim == 1 else y
    if columns is not None and y.shape[1] != columns:
        raise ValueError(f"{name} must have {columns} column(s), one per column of {against} "
                         f"(columns={columns}), got shape {y.shape}")
    if loss == "bce" and (y.min() < 0 or y.max() > 1):
        raise ValueError(f"{name} must hold labels in [0, 1] for 'bce' (classes 0 and 1, or "
                         f"probabilities), got values from {y.min():g} to {y.max():g}")
    if loss == "cce":
        _distributions(y, name, "one-hot rows or class probabilities",
                       f" ({against} has {columns} column(s))" if columns else "")
    return y


def _distributions(y: np.ndarray, name: str, what: str, note: str = "") -> None:
    """Raise unless every row of ``y`` is a distribution (entries >= 0 summing to 1)."""
    sums = y.sum(axis=1)
    if y.min() < 0 or np.max(np.abs(sums - 1.0)) > ROW_SUM_TOL:
        raise ValueError(f"{name} rows must be distributions for 'cce' (entries >= 0 summing "
                         f"to 1: {what}), got row sums from {sums.min():g} to {sums.max():g} "
                         f"and smallest entry {y.min():g}{note}")


def check_output(loss, activation: str, units: int) -> None:
    """Raise ``ValueError`` unless an output layer of ``units`` ``activation`` units fits ``loss``.

    The cross-entropies take probabilities: ``'bce'`` needs a sigmoid output,
    ``'cce'`` a softmax over at least two units (a softmax of one unit is always 1).
    """
    loss = _get(loss)
    activation = _checks.choice(activation, "activation", activations.NAMES)
    units = _checks.count(units, "units")
    if loss.fused_with is not None and activation != loss.fused_with:
        raise ValueError(f"loss {loss.name!r} needs a {loss.fused_with} output layer "
                         f"(its probabilities), got output activation {activation!r}")
    if loss.name == "cce" and units < 2:
        raise ValueError(f"loss 'cce' needs at least two output units (classes), got {units}")


def _probabilities(y_pred, y_true, loss):
    y_pred = _checks.as_matrix(y_pred, "y_pred")
    if np.any((y_pred < 0) | (y_pred > 1)):
        raise ValueError("y_pred must hold probabilities in [0, 1] for a cross-entropy; "
                         "apply a sigmoid or softmax first")
    if loss == "cce":
        _distributions(y_pred, "y_pred", "a softmax's output")
    y_true = targets(loss, y_true, y_pred.shape[1], against="y_pred")
    _checks.same_shape(y_pred, y_true, "y_pred", "y_true")
    return y_pred, y_true


def _logits(z, y_true, loss):
    z = _checks.as_matrix(z, "z")
    y_true = targets(loss, y_true, z.shape[1], against="z")
    _checks.same_shape(z, y_true, "z", "y_true")
    return z, y_true


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
    """-(1/n) sum [y log p + (1 - y) log(1 - p)] for probabilities p = y_pred, labels y in [0, 1].

    Exact for p >= TINY; below it (and at p = 1) each log is floored at log(TINY).
    """
    return _bce(*_probabilities(y_pred, y_true, "bce"))


def binary_cross_entropy_grad(y_pred, y_true) -> np.ndarray:
    """dBCE/dp = (p - y) / (p (1 - p)) / n, with p read as at least TINY and at most 1 - 2^-53."""
    return _bce_grad(*_probabilities(y_pred, y_true, "bce"))


def categorical_cross_entropy(y_pred, y_true) -> float:
    """-(1/n) sum_i sum_c y_ic log p_ic; rows of y_true are distributions (or one-hot),
    or y_true holds class indices. Exact for p >= TINY, each log floored at log(TINY)."""
    return _cce(*_probabilities(y_pred, y_true, "cce"))


def categorical_cross_entropy_grad(y_pred, y_true) -> np.ndarray:
    """dCCE/dp = -y / p / n, with p read as at least TINY."""
    return _cce_grad(*_probabilities(y_pred, y_true, "cce"))


def binary_cross_entropy_with_logits(z, y_true) -> float:
    """BCE of p = sigma(z) from the logits: (1/n) sum [y softplus(-z) + (1 - y) softplus(z)].

    Equal to ``binary_cross_entropy(sigmoid(z), y)`` where that is exact, and
    exact beyond: z = -50 on a positive example gives 50, z = -800 gives 800
    (torch's ``binary_cross_entropy_with_logits``).
    """
    return _bce_logits(*_logits(z, y_true, "bce"))


def binary_cross_entropy_with_logits_grad(z, y_true) -> np.ndarray:
    """d/dz of :func:`binary_cross_entropy_with_logits`: (sigma(z) - y) / n."""
    return _bce_logits_grad(*_logits(z, y_true, "bce"))


def categorical_cross_entropy_with_logits(z, y_true) -> float:
    """CCE of p = softmax(z) from the logits: -(1/n) sum_i sum_c y_ic log_softmax(z)_ic.

    Exact where the probabilities underflow: logits (0, -800) with the second
    class true give 800 (torch's ``cross_entropy``).
    """
    return _cce_logits(*_logits(z, y_true, "cce"))


def categorical_cross_entropy_with_logits_grad(z, y_true) -> np.ndarray:
    """d/dz of :func:`categorical_cross_entropy_with_logits`: (softmax(z) - y) / n."""
    return _cce_logits_grad(*_logits(z, y_true, "cce"))


@dataclass(frozen=True)
class Loss:
    """A loss by name: ``value(y_pred, y_true)`` and ``grad(y_pred, y_true)``.

    For the cross-entropies, ``logit_kernel(z, y)`` and ``logit_grad(z, y)`` are
    the unchecked loss and gradient from the logits of the ``fused_with`` output.
    """

    name: str
    value: Callable[[np.ndarray, np.ndarray], float]
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]
    fused_with: str | None   # output activation whose gradient fuses with this loss
    kernel: Callable[[np.ndarray, np.ndarray], float]        # unchecked value
    kernel_grad: Callable[[np.ndarray, np.ndarray], np.ndarray]  # unchecked gradient
    logit_kernel: Callable[[np.ndarray, np.ndarray], float] | None = None
    logit_grad: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None

    def __call__(self, y_pred, y_true) -> float:
        return self.value(y_pred, y_true)


_REGISTRY = {
    "mse": Loss("mse", mse, mse_grad, None, _mse, _mse_grad),
    "mae": Loss("mae", mae, mae_grad, None, _mae, _mae_grad),
    "bce": Loss("bce", binary_cross_entropy, binary_cross_entropy_grad, "sigmoid",
                _bce, _bce_grad, _bce_logits, _bce_logits_grad),
    "cce": Loss("cce", categorical_cross_entropy, categorical_cross_entropy_grad, "softmax",
                _cce, _cce_grad, _cce_logits, _cce_logits_grad),
}
_ALIASES = {"binary_cross_entropy": "bce", "categorical_cross_entropy": "cce",
            "cross_entropy": "cce"}
#: The loss names :func:`get` accepts.
NAMES = tuple(_REGISTRY)


def get(name: str | Loss) -> Loss:
    """Return the :class:`Loss` called ``name``: 'mse', 'mae', 'bce' or 'cce' (any letter case)."""
    return _get(name, "name")


def _get(name, argument: str = "loss") -> Loss:
    """:func:`get`, with the caller's name for ``name`` in its error (``train``'s ``loss``)."""
    if isinstance(name, Loss):
        return name
    key = _checks.choice(name, argument, NAMES + tuple(_ALIASES), what="loss")
    key = _ALIASES.get(key, key)
    return _REGISTRY[key]
