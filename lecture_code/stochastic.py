"""Stochastic and minibatch gradient descent: the noise of a minibatch gradient, and its use.

A minibatch gradient is the full gradient plus a random error. :func:`gradient_noise`
measures that error for a real network: the mean of ``|g_B - g| / |g|`` over random
batches. On the 2-D surfaces of :mod:`lecture_code.descent`, :func:`noisy_descent`
models it as Gaussian noise added to every gradient, :func:`settle` lets plain
descent finish each walk, and :func:`escape_fraction` counts the noisy walkers that
shake loose from the false minimum of ``two_minima``, where plain descent stays for ever.
:func:`batch_size_panel` trains one network with any batch size, live.

See chapter 5 (gradient descent).
"""
from __future__ import annotations

import numpy as np

from . import _checks, losses as _losses
from .descent import _point, get
from .network import MLP
from .slices import _data

__all__ = ["gradient_noise", "noisy_descent", "settle", "escape_fraction", "PANEL_BATCH_SIZES",
           "batch_size_panel"]

def gradient_noise(model: MLP, X, y, batch_size: int, *, rng: np.random.Generator,
                   loss: str = "bce", draws: int = 100) -> float:
    """How far a minibatch gradient strays: mean over draws of ``|g_B - g| / |g|``.

    ``g`` is the gradient on all of ``(X, y)`` (``(n, d_in)``, ``(n, d_out)``), ``g_B``
    on ``batch_size`` rows drawn without replacement; 0 when that is all n rows
    (a ``batch_size`` above n is taken as all n rows).
    """
    loss_fn, (X, Y) = _losses._get(loss), _data(model, X, y)
    batch, rng = min(_checks.count(batch_size, "batch_size"), len(X)), _checks.generator(rng)

    def gradient(rows):
        model._loss_and_grads(X[rows], Y[rows], loss_fn, training=False)
        return model.flat_grads.copy()
    full = gradient(slice(None))
    errors = [np.linalg.norm(gradient(rng.choice(len(X), batch, replace=False)) - full)
              for _ in range(_checks.count(draws, "draws", each=1e3, of="work (a gradient per draw)"))]
    return float(np.mean(errors) / np.linalg.norm(full))


def noisy_descent(surface, lr: float, noise: float, steps: int, *, rng: np.random.Generator,
                  runs: int = 1, start=None) -> np.ndarray:
    """Descent on noisy gradients: w <- w - lr (grad f(w) + noise xi), xi ~ N(0, I) fresh each step.

    A stand-in for minibatch gradient descent, whose gradient is the full gradient
    plus a random error; ``noise = 0`` is plain (full-batch) gradient descent.
    ``runs`` walkers start together and draw independent noise, one
    ``rng.standard_normal((runs, 2))`` per step.

    Parameters
    ----------
    surface : a :class:`~lecture_code.descent.Surface` or its name.
    lr, noise : float, the learning rate (> 0) and the noise's standard deviation per coordinate (>= 0).
    steps, runs : int, steps (>= 0) and walkers (>= 1).
    rng : numpy.random.Generator; start : (2,) first point (default: the surface's ``start``).

    Returns
    -------
    paths : (steps + 1, runs, 2) array, ``paths[t, r]`` = walker r after t steps.
    """
    surface = get(surface)
    lr, noise = _checks.positive(lr, "lr"), _checks.positive(noise, "noise", allow_zero=True)
    steps = _checks.count(steps, "steps", minimum=0, each=16, of="path points")
    runs = _checks.count(runs, "runs", each=16 * (steps + 1), of="path points")
    rng = _checks.generator(rng)
    paths = np.empty((steps + 1, runs, 2))
    paths[0] = _point(surface.start if start is None else start, "start")
    for t in range(steps):
        g = surface.grad(paths[t]) + noise * rng.standard_normal((runs, 2))
        paths[t + 1] = paths[t] - lr * g
    return paths


def settle(surface, w, lr: float = 0.02, steps: int = 1000) -> np.ndarray:
    """Where plain gradient descent from each point of ``w`` ends: the bottom of its basin.

    Parameters
    ----------
    surface : a :class:`~lecture_code.descent.Surface` or its name; w : (2,) or (m, 2) starting points.
    lr, steps : the learning rate (> 0) and number of steps of plain descent.

    Returns
    -------
    Array shaped like ``w``: the points after ``steps`` steps w <- w - lr grad f(w).
    """
    surface = get(surface)
    w = _checks.as_array(w, "w", ndim=(1, 2))
    if w.shape[-1] != 2:
        raise ValueError(f"w must hold points (w1, w2) in its last axis, got shape {w.shape}")
    lr, steps = _checks.positive(lr, "lr"), _checks.count(steps, "steps", minimum=0, each=1e3,
                                                             of="work (a step each)")
    for _ in range(steps):
        w = w - lr * surface.grad(w)
    return w


def escape_fraction(surface, lr: float, noise: float, steps: int, *, rng: np.random.Generator,
                    runs: int = 50, start=None, tol: float = 0.1) -> float:
    """Share of ``runs`` noisy walkers that end in the global minimum's basin.

    Each walker takes ``steps`` steps of :func:`noisy_descent`; then the noise is
    switched off and :func:`settle` lets plain descent finish. A walker counts as
    escaped when it settles within ``tol`` of ``surface.minimum``. See chapter 5.

    Returns
    -------
    float, a multiple of 1 / runs between 0 and 1.
    """
    tol = _checks.positive(tol, "tol")
    paths = noisy_descent(surface, lr, noise, steps, rng=rng, runs=runs, start=start)
    ends = settle(surface, paths[-1])
    return float(np.mean(np.linalg.norm(ends - np.array(get(surface).minimum), axis=1) < tol))


#: Batch sizes of :func:`batch_size_panel`, on its 64-point set: 64 is full-batch descent.
PANEL_BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64)


def batch_size_panel(*, seed: int = 0, epochs: int = 30, lr: float = 0.1):
    """A live batch-size slider: noise against cost, on a small two-class problem.

    A 2-8-1 tanh network learns 64 moons points by SGD for ``epochs`` epochs
    at learning rate ``lr``, from the same initial weights for every batch
    size B. Left, the training loss per epoch; right, the same losses against
    the number of updates (64 / B per epoch), with full-batch descent in grey
    on both: small batches make many cheap, noisy steps.
    """
    seed, lr = _checks.seed(seed), _checks.positive(lr, "lr")
    epochs = _checks.count(epochs, "epochs", each=1e3 * len(PANEL_BATCH_SIZES) * 64,
                           of="work (an epoch per batch size)")
    from . import datasets, training
    from .panels import widgets
    from .plotting import BatchSizeFigure
    X, y = datasets.moons(64, rng=np.random.default_rng(seed), noise=0.2)

    def losses_for(batch: int) -> np.ndarray:
        model = MLP([2, 8, 1], "tanh", "sigmoid", rng=np.random.default_rng(seed))
        history = training.train(model, X, y, loss="bce", optimizer="sgd", lr=lr,
                                 epochs=epochs, batch_size=batch, rng=np.random.default_rng(seed),
                                 raise_on_divergence=True, fused=True)
        return np.asarray(history.train_loss)

    from .fast import compiled_training
    compiled_training.warm_up()         # compile now, not on the first move
    figure = BatchSizeFigure(losses_for(len(X)), len(X))

    def update(batch_size):
        return figure.update(losses_for(batch_size), batch_size)

    panel = widgets.Panel(update, {"batch_size": widgets.Choice("batch size", PANEL_BATCH_SIZES, 8)},
                          alt="Training loss of the same network trained with a chosen batch "
                              "size, per epoch and per update, against full-batch descent in grey.")
    panel.figures = (figure,)
    return panel
