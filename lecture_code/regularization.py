"""Regularization: weight penalties and inverted dropout.

The lectures write the regularized objective as data loss plus a penalty,
``L(W) = (1/N) sum_i L_i + lambda R(W)``, with

- L1: ``R(W) = sum |w|``, gradient ``lambda sign(w)``;
- L2: ``R(W) = sum w^2``, gradient ``2 lambda w``.

Penalties apply to weights, not biases. torch's ``weight_decay=wd`` adds
``wd * w`` to the gradient, which is the L2 penalty with ``lambda = wd / 2``.

See chapter 7 (regularization and generalization).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from . import _checks

__all__ = ["PENALTIES", "penalty", "penalty_grad", "Dropout"]

#: The penalty names :func:`penalty` accepts.
PENALTIES = ("none", "l1", "l2")


def _weights(weights) -> list[np.ndarray]:
    if isinstance(weights, np.ndarray):
        return [_checks.as_array(weights, "weights", allow_empty=True)]
    if isinstance(weights, (str, bytes)) or not hasattr(weights, "__iter__"):
        raise _checks.NotNumbers(f"weights must be a list of weight arrays, got "
                                 f"{type(weights).__name__}")
    return [_checks.as_array(W, f"weights[{i}]", allow_empty=True)
            for i, W in enumerate(weights)]


def penalty(weights: Sequence[np.ndarray], kind: str, lam: float) -> float:
    """``lambda R(W)`` summed over the weight matrices: ``R = sum |w|`` (L1) or ``sum w^2`` (L2).

    ``weights`` is a list of arrays (``model.weights``), of any shapes and sizes
    each, or one array; an empty list (no weights) or an empty array has penalty 0.
    """
    kind = _checks.choice(kind, "kind", PENALTIES, what="penalty")
    lam = _checks.positive(lam, "lam", allow_zero=True)
    weights = _weights(weights)
    if kind == "none" or lam == 0.0:
        return 0.0
    if kind == "l1":
        return lam * float(sum(np.abs(W).sum() for W in weights))
    return lam * float(sum((W * W).sum() for W in weights))


def penalty_grad(W: np.ndarray, kind: str, lam: float) -> np.ndarray:
    """Gradient of lambda R with respect to one weight matrix W: lambda sign(W) or 2 lambda W.

    Elementwise, so ``W`` may have any shape (an empty one gives an empty gradient).
    """
    kind = _checks.choice(kind, "kind", PENALTIES, what="penalty")
    lam = _checks.positive(lam, "lam", allow_zero=True)
    return _penalty_grad(_checks.as_array(W, "W", allow_empty=True), kind, lam)


def _penalty_grad(W: np.ndarray, kind: str, lam: float) -> np.ndarray:
    if kind == "l1":
        return lam * np.sign(W)
    if kind == "l2":
        return 2.0 * lam * W
    return np.zeros_like(W)


class Dropout:
    """Inverted dropout: in training, zero each unit with probability ``p`` and
    scale the survivors by ``1 / (1 - p)``, so nothing changes at test time.

    Parameters
    ----------
    p : float
        Drop probability in ``[0, 1)``.
    rng : numpy.random.Generator
        Draws the masks.
    """

    def __init__(self, p: float, *, rng: np.random.Generator):
        self.p = _checks.in_range(p, "p (dropout rate)", 0.0, 1.0)
        self.rng = _checks.generator(rng)
        self.mask = None

    def forward(self, A: np.ndarray, training: bool = True) -> np.ndarray:
        """Return ``A * mask`` in training (mask entries 0 or 1/(1-p)), ``A`` otherwise.

        Elementwise: ``A`` may have any shape, empty included, and NaN and
        infinities in it pass through by IEEE rules, as through torch's dropout.
        """
        A = _checks.numbers(A, "A")
        training = _checks.flag(training, "training")
        if not training or self.p == 0.0:
            self.mask = None
            return A
        self.mask = (self.rng.random(A.shape) >= self.p) / (1.0 - self.p)
        return A * self.mask

    def backward(self, dA: np.ndarray) -> np.ndarray:
        """Route the gradient through the units that were kept, with the same scale.

        A dropped unit passes exactly 0, even when ``dA`` is infinite there; at a
        kept unit NaN and infinities pass through by IEEE rules, as in torch.
        """
        dA = _checks.numbers(dA, "dA")
        if self.mask is None:
            return dA
        _checks.same_shape(dA, self.mask, "dA", "the forward pass's A")
        with np.errstate(invalid="ignore"):      # inf * 0 at a dropped unit, replaced by 0
            return np.where(self.mask == 0.0, 0.0, dA * self.mask)

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"
