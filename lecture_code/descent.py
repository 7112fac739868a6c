"""Gradient descent on pictures: 2-D test surfaces, optimizer paths and loss-landscape slices.

A surface ``f(w)``, ``w = (w1, w2)``, stands next to its gradient ``grad(w)``; both
take any array whose last axis has length 2. :func:`run` walks a surface with an
optimizer of :mod:`lecture_code.optimizers`; :func:`gradient_descent` is the
lectures' five-line algorithm; the last functions slice a real network's loss.

See chapter 5 (gradient descent).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import _checks, losses as _losses, optimizers
from .network import MLP

__all__ = ["Surface", "SURFACES", "get", "run", "gradient_descent", "directional_slopes",
           "noisy_descent", "settle", "escape_fraction", "gradient_noise", "unit_direction",
           "loss_slice", "path_panel"]


def bowl(w):
    """f(w) = w1^2 + w2^2: a round bowl, minimum 0 at the origin."""
    w = np.asarray(w, dtype=np.float64)
    return w[..., 0] ** 2 + w[..., 1] ** 2


def bowl_grad(w):
    """grad f = (2 w1, 2 w2)."""
    return 2.0 * np.asarray(w, dtype=np.float64)


def ravine(w):
    """f(w) = 0.1 w1^2 + 2 w2^2: an elongated valley, 20 times steeper across than along."""
    w = np.asarray(w, dtype=np.float64)
    return 0.1 * w[..., 0] ** 2 + 2.0 * w[..., 1] ** 2


def ravine_grad(w):
    """grad f = (0.2 w1, 4 w2)."""
    w = np.asarray(w, dtype=np.float64)
    return np.stack([0.2 * w[..., 0], 4.0 * w[..., 1]], axis=-1)


def rosenbrock(w):
    """f(w) = (1 - w1)^2 + 100 (w2 - w1^2)^2: a curved, flat-bottomed valley, minimum 0 at (1, 1)."""
    w = np.asarray(w, dtype=np.float64)
    return (1.0 - w[..., 0]) ** 2 + 100.0 * (w[..., 1] - w[..., 0] ** 2) ** 2


def rosenbrock_grad(w):
    """grad f = (-2 (1 - w1) - 400 w1 (w2 - w1^2), 200 (w2 - w1^2))."""
    w = np.asarray(w, dtype=np.float64)
    inner = w[..., 1] - w[..., 0] ** 2
    return np.stack([-2.0 * (1.0 - w[..., 0]) - 400.0 * w[..., 0] * inner, 200.0 * inner], axis=-1)


PIT, PIT_DEPTH, PIT_WIDTH = np.array([3.0, 0.95]), 1.5, 0.4


def two_minima(w):
    """f(w) = 0.25 w1^2 + w2^2 - 1.5 exp(-|w - p|^2 / (2 s^2)), p = (3, 0.95), s = 0.4.

    A wide bowl (global minimum at the origin, to 1e-11) with a narrow pit: a
    false local minimum near (2.81, 0.75), about 1.35 higher."""
    w = np.asarray(w, dtype=np.float64)
    d2 = ((w - PIT) ** 2).sum(axis=-1)
    return 0.25 * w[..., 0] ** 2 + w[..., 1] ** 2 - PIT_DEPTH * np.exp(-d2 / (2 * PIT_WIDTH ** 2))


def two_minima_grad(w):
    """grad f = (0.5 w1, 2 w2) + 1.5 exp(-|w - p|^2 / (2 s^2)) (w - p) / s^2."""
    w = np.asarray(w, dtype=np.float64)
    d = w - PIT
    pull = PIT_DEPTH * np.exp(-(d ** 2).sum(axis=-1) / (2 * PIT_WIDTH ** 2)) / PIT_WIDTH ** 2
    return np.stack([0.5 * w[..., 0], 2.0 * w[..., 1]], axis=-1) + pull[..., None] * d


@dataclass(frozen=True)
class Surface:
    """A 2-D test function with its gradient, global minimum, a start and a plotting window."""

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    minimum: tuple[float, float]
    start: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]


SURFACES = {s.name: s for s in (
    Surface("bowl", bowl, bowl_grad, (0.0, 0.0), (-2.5, 2.0), (-3.0, 3.0), (-3.0, 3.0)),
    Surface("ravine", ravine, ravine_grad, (0.0, 0.0), (-4.5, 1.5), (-5.0, 5.0), (-2.5, 2.5)),
    Surface("rosenbrock", rosenbrock, rosenbrock_grad, (1.0, 1.0), (-1.2, 1.0), (-2.0, 2.0),
            (-1.0, 3.0)),
    Surface("two_minima", two_minima, two_minima_grad, (0.0, 0.0), (4.0, 3.0), (-1.5, 5.0),
            (-2.0, 3.5)),
)}


def get(surface) -> Surface:
    """The :class:`Surface` called ``surface`` (or ``surface`` itself if it is one)."""
    if isinstance(surface, Surface):
        return surface
    return SURFACES[_checks.choice(surface, "surface", SURFACES)]


def _point(w, name: str) -> np.ndarray:
    """``w`` as a fresh float64 vector of two numbers, or ValueError naming ``name``."""
    w = _checks.as_array(w, name, ndim=1)
    if w.shape != (2,):
        raise ValueError(f"{name} must hold two numbers (w1, w2), got shape {w.shape}")
    return w.copy()


def run(optimizer_name: str, surface, start=None, steps: int = 100, lr: float | None = None,
        **options) -> np.ndarray:
    """Walk ``surface`` with an optimizer: w_{t+1} = one optimizer step from grad f(w_t).

    Parameters
    ----------
    optimizer_name : a name from :data:`lecture_code.optimizers.NAMES` ('sgd', 'adam', ...).
    surface : a :class:`Surface` or its name ('bowl', 'ravine', 'rosenbrock', 'two_minima').
    start : (2,) first point (default: the surface's ``start``); steps : steps taken, >= 0.
    lr : learning rate eta (default: torch's); **options : passed to the optimizer.

    Returns
    -------
    path : (steps + 1, 2) array, ``path[t]`` = w after t steps. If the iterate
    overflows (the steps diverged to infinity), the rows from then on are NaN.
    """
    surface = get(surface)
    w = _point(surface.start if start is None else start, "start")
    steps = _checks.count(steps, "steps", minimum=0)
    opt = optimizers.make(optimizer_name, [w], lr, **options)
    path = np.full((steps + 1, 2), np.nan)
    path[0] = w
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            opt.step([surface.grad(w)])
            if not np.isfinite(w).all():
                break
            path[t] = w
    return path


def gradient_descent(grad: Callable, lr: float, *, rng: np.random.Generator, sigma: float = 1.0,
                     size: int = 2, tol: float = 1e-8, max_steps: int = 10_000):
    """The lectures' algorithm: W ~ N(0, sigma^2); repeat W <- W - eta dL/dW until the step < tol.

    Returns ``(W, path)``: the final weights and every iterate, ``(steps + 1, size)``.
    """
    lr, sigma = _checks.positive(lr, "lr"), _checks.positive(sigma, "sigma")
    tol, rng = _checks.positive(tol, "tol", allow_zero=True), _checks.generator(rng)
    W = sigma * rng.standard_normal(_checks.count(size, "size"))  # 1. initialise W ~ N(0, sigma^2)
    path = [W]
    for _ in range(_checks.count(max_steps, "max_steps")):        # 2. loop until convergence
        step = lr * grad(W)                                       # 3. compute dL/dW (times eta)
        W = W - step                                              # 4. W <- W - eta dL/dW
        path.append(W)
        if np.linalg.norm(step) < tol:
            break
    return W, np.array(path)                                      # 5. return the weights


def directional_slopes(f: Callable, w, angles) -> np.ndarray:
    """Slope of ``f`` at ``w`` along u = (cos a, sin a): (f(w + h u) - f(w - h u)) / 2h, h = 1e-6.

    One slope per angle, ``(len(angles),)``; it equals grad f(w) . u, largest along the gradient.
    """
    w = _point(w, "w")
    angles = _checks.as_array(angles, "angles", ndim=1)
    u, h = np.column_stack([np.cos(angles), np.sin(angles)]), 1e-6
    return (np.asarray(f(w + h * u)) - np.asarray(f(w - h * u))) / (2 * h)


def noisy_descent(surface, lr: float, noise: float, steps: int, *, rng: np.random.Generator,
                  runs: int = 1, start=None) -> np.ndarray:
    """Descent on noisy gradients: w <- w - lr (grad f(w) + noise xi), xi ~ N(0, I) fresh each step.

    A stand-in for minibatch gradient descent, whose gradient is the full gradient
    plus a random error; ``noise = 0`` is plain (full-batch) gradient descent.
    ``runs`` walkers start together and draw independent noise, one
    ``rng.standard_normal((runs, 2))`` per step.

    Parameters
    ----------
    surface : a :class:`Surface` or its name.
    lr, noise : float, the learning rate (> 0) and the noise's standard deviation per coordinate (>= 0).
    steps, runs : int, steps (>= 0) and walkers (>= 1).
    rng : numpy.random.Generator; start : (2,) first point (default: the surface's ``start``).

    Returns
    -------
    paths : (steps + 1, runs, 2) array, ``paths[t, r]`` = walker r after t steps.
    """
    surface = get(surface)
    lr, noise = _checks.positive(lr, "lr"), _checks.positive(noise, "noise", allow_zero=True)
    steps, runs = _checks.count(steps, "steps", minimum=0), _checks.count(runs, "runs")
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
    surface : a :class:`Surface` or its name; w : (2,) or (m, 2) starting points.
    lr, steps : the learning rate (> 0) and number of steps of plain descent.

    Returns
    -------
    Array shaped like ``w``: the points after ``steps`` steps w <- w - lr grad f(w).
    """
    surface = get(surface)
    w = _checks.as_array(w, "w", ndim=(1, 2))
    if w.shape[-1] != 2:
        raise ValueError(f"w must hold points (w1, w2) in its last axis, got shape {w.shape}")
    lr, steps = _checks.positive(lr, "lr"), _checks.count(steps, "steps", minimum=0)
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


def _model(model) -> MLP:
    if not isinstance(model, MLP):
        raise ValueError(f"model must be a lecture_code.network.MLP, got {type(model).__name__}")
    return model


def _data(model: MLP, X, y):
    """Checked ``(X, Y)`` for ``model``: ``(n, d_in)`` inputs and ``(n, d_out)`` targets."""
    X = _checks.as_matrix(X, "X", columns=_model(model).sizes[0])
    Y = _checks.as_matrix(y, "y", columns=model.sizes[-1])
    _checks.same_rows(X, Y, "X", "y")
    return X, Y


def gradient_noise(model: MLP, X, y, batch_size: int, *, rng: np.random.Generator,
                   loss: str = "bce", draws: int = 100) -> float:
    """How far a minibatch gradient strays: mean over draws of |g_B - g| / |g|.

    ``g`` is the gradient on all of ``(X, y)`` (``(n, d_in)``, ``(n, d_out)``), ``g_B``
    on ``batch_size`` rows drawn without replacement; 0 when that is all n rows.
    """
    loss_fn, (X, Y) = _losses.get(loss), _data(model, X, y)
    batch, rng = min(_checks.count(batch_size, "batch_size"), len(X)), _checks.generator(rng)

    def gradient(rows):
        model._loss_and_grads(X[rows], Y[rows], loss_fn, training=False)
        return model.flat_grads.copy()
    full = gradient(slice(None))
    errors = [np.linalg.norm(gradient(rng.choice(len(X), batch, replace=False)) - full)
              for _ in range(_checks.count(draws, "draws"))]
    return float(np.mean(errors) / np.linalg.norm(full))


def unit_direction(model: MLP, rng: np.random.Generator) -> np.ndarray:
    """A random direction in parameter space, scaled unit by unit (Li et al., 2018).

    Column j of each layer's W (the weights into unit j) gets the length of
    column j of the model's W; biases get 0. Returns a flat vector ordered
    like ``model.flat_params``.
    """
    _checks.generator(rng)
    parts = []
    for layer in _model(model).layers:
        W = layer.params["W"]
        d = rng.standard_normal(W.shape)
        d *= np.linalg.norm(W, axis=0) / np.linalg.norm(d, axis=0)
        parts += [d.ravel(), np.zeros(layer.params["b"].size)]
    return np.concatenate(parts)


def loss_slice(model: MLP, X, y, directions, coefs, *, loss: str = "bce", origin=None) -> np.ndarray:
    """L(origin + sum_k c_k d_k) for every row c of ``coefs``: the loss on a slice.

    ``directions`` is ``(k, p)``: k directions in the model's flat parameter
    space (p numbers, ordered like ``model.flat_params``); ``coefs`` is ``(m, k)``;
    ``origin`` ``(p,)`` defaults to the current parameters. Returns the ``(m,)``
    losses and leaves the model's parameters unchanged.
    """
    loss_fn, (X, Y) = _losses.get(loss), _data(model, X, y)
    flat, saved = model.flat_params, model.flat_params.copy()
    D = _checks.as_array(directions, "directions", ndim=2)
    C = _checks.as_array(coefs, "coefs", ndim=2)
    origin = saved if origin is None else _checks.as_array(origin, "origin", ndim=1)
    if D.shape[1] != flat.size or origin.size != flat.size or C.shape[1] != D.shape[0]:
        raise ValueError(f"directions must be (k, {flat.size}), coefs (m, k) and origin "
                         f"({flat.size},); got {D.shape}, {C.shape}, {origin.shape}")
    values = np.empty(len(C))
    for i, c in enumerate(C):
        flat[:] = origin + c @ D
        values[i] = loss_fn.kernel(model._forward(X), Y)
    flat[:] = saved
    return values


def path_panel(steps: int = 100):
    """A live panel of learning rate (log slider), optimizer and surface that redraws the path.

    Each setting runs ``steps`` steps of :func:`run`, drawn by :class:`lecture_code.plotting.PathFigure`.
    """
    from . import plotting, widgets
    steps = _checks.count(steps, "steps")
    figure = plotting.PathFigure()

    def update(lr, optimizer, surface):
        surface = get(surface)
        figure.update(surface, run(optimizer, surface, steps=steps, lr=lr))
        return figure.to_png()

    controls = {"lr": widgets.Slider("learning rate η", 1e-3, 3.0, 0.3, log=True),
                "optimizer": widgets.Choice("optimizer", optimizers.NAMES, "sgd"),
                "surface": widgets.Choice("surface", tuple(SURFACES), "two_minima")}
    return widgets.Panel(update, controls, alt=(
        f"Contour lines of a 2-D test surface with the path of {steps} optimizer steps from its "
        "start, and the distance f(w_t) - f* to the minimum per step on a log scale."))
