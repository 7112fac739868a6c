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


def penalty(weights: Sequence[np.ndarray], kind: str, lam: float) -> float:
    """``lambda R(W)`` summed over the weight matrices: ``R = sum |w|`` (L1) or ``sum w^2`` (L2)."""
    kind = _checks.choice(kind, "penalty", PENALTIES)
    lam = _checks.positive(lam, "lam", allow_zero=True)
    if kind == "none" or lam == 0.0:
        return 0.0
    if kind == "l1":
        return lam * float(sum(np.abs(W).sum() for W in weights))
    return lam * float(sum((W * W).sum() for W in weights))


def penalty_grad(W: np.ndarray, kind: str, lam: float) -> np.ndarray:
    """Gradient of lambda R with respect to one weight matrix W."""
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
        """Return ``A * mask`` in training (mask entries 0 or 1/(1-p)), ``A`` otherwise."""
        if not training or self.p == 0.0:
            self.mask = None
            return A
        self.mask = (self.rng.random(A.shape) >= self.p) / (1.0 - self.p)
        return A * self.mask

    def backward(self, dA: np.ndarray) -> np.ndarray:
        """Route the gradient through the units that were kept, with the same scale."""
        return dA if self.mask is None else dA * self.mask

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"
