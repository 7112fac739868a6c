"""Gradient-descent optimizers, with torch.optim's update rules and defaults.

An optimizer holds a list of parameter arrays and updates them **in place**
from a matching list of gradients: ``opt.step(grads)``. Each rule below is
written as the lectures write it, and the tests check 100-step trajectories
against ``torch.optim`` to 1e-10. ``weight_decay=wd`` adds ``wd * w`` to every
gradient first, as torch does.

See chapter 5 (gradient descent and optimizers).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from . import _checks

__all__ = ["Optimizer", "SGD", "MomentumEMA", "Adagrad", "RMSprop", "Adadelta", "Adam",
           "NAMES", "make"]


class Optimizer:
    """Base class: keeps the parameters, the step count and per-parameter state.

    Not an optimizer itself (it has no update rule): make one of :data:`NAMES` with
    :func:`make`, or one of the subclasses.
    """

    def __init__(self, params: Sequence[np.ndarray], lr: float, weight_decay: float = 0.0):
        if type(self) is Optimizer:
            raise TypeError("Optimizer is the base class, with no update rule; make an optimizer "
                            f"with optimizers.make(name, params), name one of {', '.join(NAMES)}")
        if isinstance(params, np.ndarray) or not hasattr(params, "__iter__"):
            raise ValueError(f"params must be a list of numpy arrays (e.g. model.parameters()), "
                             f"got {type(params).__name__}")
        params = list(params)
        if not params:
            raise ValueError("params is empty; expected a list of numpy arrays to optimise")
        for i, p in enumerate(params):
            if not isinstance(p, np.ndarray) or p.dtype != np.float64:
                raise ValueError(f"params[{i}] must be a float64 numpy array (updated in place), "
                                 f"got {type(p).__name__}")
        self.params = params
        self.lr = _checks.positive(lr, "lr")
        self.weight_decay = _checks.positive(weight_decay, "weight_decay", allow_zero=True)
        self.t = 0

    def _zeros(self) -> list[np.ndarray]:
        return [np.zeros_like(p) for p in self.params]

    def step(self, grads: Sequence[np.ndarray]) -> None:
        """Update every parameter in place from its gradient (same order and shapes)."""
        if isinstance(grads, np.ndarray) or not hasattr(grads, "__len__"):
            raise ValueError(f"grads must be a list of {len(self.params)} arrays (one per "
                             f"parameter), got {type(grads).__name__}")
        if len(grads) != len(self.params):
            raise ValueError(f"grads must hold {len(self.params)} arrays, got {len(grads)}")
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if not isinstance(g, np.ndarray) or g.shape != p.shape:
                raise ValueError(f"grads[{i}] must have shape {p.shape} (a numpy array), "
                                 f"got {getattr(g, 'shape', type(g).__name__)}")
        self.t += 1
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if self.weight_decay:
                g = g + self.weight_decay * p
            self._update(i, p, g)

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, with torch's momentum: b <- mu b + (1 - tau) g; w <- w - eta b.

    On the first step the buffer is the gradient itself (torch's rule).
    ``nesterov=True`` steps along g + mu b instead. With ``momentum=0`` this is
    plain gradient descent, w <- w - eta g.
    """

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 nesterov: bool = False, weight_decay: float = 0.0):
        super().__init__(params, lr, weight_decay)
        self.momentum = _checks.in_range(momentum, "momentum", 0.0, 1.0)
        self.dampening = _checks.in_range(dampening, "dampening", 0.0, 1.0, closed_high=True)
        _checks.flag(nesterov, "nesterov")
        if nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ValueError("nesterov needs momentum > 0 and dampening = 0")
        self.nesterov = nesterov
        self.buf = [None] * len(self.params)

    def _update(self, i, p, g):
        if self.momentum:
            if self.buf[i] is None:
                self.buf[i] = g.copy()
            else:
                self.buf[i] *= self.momentum
                self.buf[i] += (1.0 - self.dampening) * g
            g = g + self.momentum * self.buf[i] if self.nesterov else self.buf[i]
        p -= self.lr * g


class MomentumEMA(Optimizer):
    """Momentum as the lectures write it: v <- alpha v + (1 - alpha) g; w <- w - eta v.

    The velocity is an exponential moving average of the gradients, starting
    at v = 0. It equals torch's ``SGD(momentum=alpha, lr=eta * (1 - alpha))``
    step for step, since v_t = (1 - alpha) b_t.
    """

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.9, weight_decay: float = 0.0):
        super().__init__(params, lr, weight_decay)
        self.alpha = _checks.in_range(alpha, "alpha", 0.0, 1.0)
        self.v = self._zeros()

    def _update(self, i, p, g):
        v = self.v[i]
        v *= self.alpha
        v += (1.0 - self.alpha) * g
        p -= self.lr * v


class Adagrad(Optimizer):
    """Adagrad: s <- s + g^2; w <- w - eta g / (sqrt(s) + eps).

    Each weight's step shrinks with the sum of its squared gradients so far.
    ``lr_decay`` divides eta by 1 + (t - 1) lr_decay, as in torch.
    """

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0.0, eps: float = 1e-10,
                 initial_accumulator_value: float = 0.0, weight_decay: float = 0.0):
        super().__init__(params, lr, weight_decay)
        self.lr_decay = _checks.positive(lr_decay, "lr_decay", allow_zero=True)
        self.eps = _checks.positive(eps, "eps")
        init = _checks.positive(initial_accumulator_value, "initial_accumulator_value", True)
        self.s = [np.full_like(p, init) for p in self.params]

    def _update(self, i, p, g):
        s = self.s[i]
        s += g * g
        clr = self.lr / (1.0 + (self.t - 1) * self.lr_decay)
        p -= clr * g / (np.sqrt(s) + self.eps)


class RMSprop(Optimizer):
    """RMSProp: s <- rho s + (1 - rho) g^2; w <- w - eta g / (sqrt(s) + eps).

    A moving average replaces Adagrad's ever-growing sum, so steps do not
    vanish. ``momentum`` and ``centered`` behave as in torch.
    """

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 momentum: float = 0.0, centered: bool = False, weight_decay: float = 0.0):
        super().__init__(params, lr, weight_decay)
        self.alpha = _checks.in_range(alpha, "alpha", 0.0, 1.0)
        self.eps = _checks.positive(eps, "eps")
        self.momentum = _checks.in_range(momentum, "momentum", 0.0, 1.0)
        self.centered = _checks.flag(centered, "centered")
        self.s, self.gavg, self.buf = self._zeros(), self._zeros(), self._zeros()

    def _update(self, i, p, g):
        s = self.s[i]
        s *= self.alpha
        s += (1.0 - self.alpha) * g * g
        if self.centered:
            self.gavg[i] *= self.alpha
            self.gavg[i] += (1.0 - self.alpha) * g
            avg = np.sqrt(s - self.gavg[i] ** 2) + self.eps
        else:
            avg = np.sqrt(s) + self.eps
        if self.momentum:
            self.buf[i] *= self.momentum
            self.buf[i] += g / avg
            p -= self.lr * self.buf[i]
        else:
            p -= self.lr * g / avg


class Adadelta(Optimizer):
    """Adadelta: s <- rho s + (1-rho) g^2; d = sqrt(u + eps) / sqrt(s + eps) g;
    u <- rho u + (1-rho) d^2; w <- w - eta d.

    The step's units come from the running size of past steps, so the
    original method needs no learning rate (torch keeps ``lr=1.0`` as a scale).
    """

    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0.0):
        super().__init__(params, lr, weight_decay)
        self.rho = _checks.in_range(rho, "rho", 0.0, 1.0)
        self.eps = _checks.positive(eps, "eps")
        self.s, self.u = self._zeros(), self._zeros()

    def _update(self, i, p, g):
        s, u = self.s[i], self.u[i]
        s *= self.rho
        s += (1.0 - self.rho) * g * g
        d = np.sqrt(u + self.eps) / np.sqrt(s + self.eps) * g
        u *= self.rho
        u += (1.0 - self.rho) * d * d
        p -= self.lr * d


class Adam(Optimizer):
    """Adam: m <- b1 m + (1-b1) g; v <- b2 v + (1-b2) g^2;
    w <- w - eta m_hat / (sqrt(v_hat) + eps), with m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t).

    Momentum (m) and an RMSProp-style scale (v), both bias-corrected for
    their start at zero.
    """

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0):
        super().__init__(params, lr, weight_decay)
        if not isinstance(betas, (tuple, list, np.ndarray)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), such as (0.9, 0.999), "
                             f"got {betas!r}")
        self.b1 = _checks.in_range(betas[0], "betas[0]", 0.0, 1.0)
        self.b2 = _checks.in_range(betas[1], "betas[1]", 0.0, 1.0)
        self.eps = _checks.positive(eps, "eps")
        self.m, self.v = self._zeros(), self._zeros()

    def _update(self, i, p, g):
        m, v = self.m[i], self.v[i]
        m *= self.b1
        m += (1.0 - self.b1) * g
        v *= self.b2
        v += (1.0 - self.b2) * g * g
        step = self.lr / (1.0 - self.b1 ** self.t)
        denom = np.sqrt(v) / np.sqrt(1.0 - self.b2 ** self.t) + self.eps
        p -= step * m / denom


_CLASSES = {"sgd": SGD, "momentum": SGD, "momentum_ema": MomentumEMA, "adagrad": Adagrad,
            "rmsprop": RMSprop, "adadelta": Adadelta, "adam": Adam}
#: The optimizer names :func:`make` accepts.
NAMES = tuple(_CLASSES)


def make(name: str, params: Sequence[np.ndarray], lr: float | None = None, **options) -> Optimizer:
    """Build an optimizer by name (any letter case); ``lr=None`` keeps torch's default for it.

    ``'momentum'`` is torch's SGD with ``momentum=0.9`` (override with
    ``momentum=...``); ``'momentum_ema'`` is the lectures' moving-average form.
    """
    return _make(name, params, lr, "name", **options)


def _make(name, params, lr, argument: str, **options) -> Optimizer:
    """:func:`make`, with the caller's name for ``name`` in its error (``train``'s ``optimizer``)."""
    key = _checks.choice(name, argument, NAMES, what="optimizer")
    if key == "momentum":
        options.setdefault("momentum", 0.9)
    if lr is not None:
        options["lr"] = lr
    return _CLASSES[key](params, **options)
