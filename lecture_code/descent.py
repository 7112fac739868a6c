"""Gradient descent on pictures: 2-D test surfaces, the lectures' algorithm and optimizer paths.

A surface ``f(w)``, ``w = (w1, w2)``, stands next to its gradient ``grad(w)``; both
take any array whose last axis has length 2. :func:`run` walks a surface with an
optimizer of :mod:`lecture_code.optimizers`; :func:`gradient_descent` is the
lectures' five-line algorithm; :func:`path_panel` redraws a path live as the
learning rate changes. Noisy, minibatch-like descent on these surfaces is in
:mod:`lecture_code.stochastic`; slices through a real network's loss are in
:mod:`lecture_code.slices`.

See chapter 5 (gradient descent).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import _checks, optimizers

__all__ = ["Surface", "SURFACES", "get", "run", "gradient_descent", "directional_slopes",
           "path_panel"]


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
    """``f(w) = 0.25 w1^2 + w2^2 - 1.5 exp(-|w - p|^2 / (2 s^2))``, p = (3, 0.95), s = 0.4.

    A wide bowl (global minimum at the origin, to 1e-11) with a narrow pit: a
    false local minimum near (2.81, 0.75), about 1.35 higher."""
    w = np.asarray(w, dtype=np.float64)
    d2 = ((w - PIT) ** 2).sum(axis=-1)
    return 0.25 * w[..., 0] ** 2 + w[..., 1] ** 2 - PIT_DEPTH * np.exp(-d2 / (2 * PIT_WIDTH ** 2))


def two_minima_grad(w):
    """``grad f = (0.5 w1, 2 w2) + 1.5 exp(-|w - p|^2 / (2 s^2)) (w - p) / s^2``."""
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
    steps = _checks.count(steps, "steps", minimum=0, each=4, of="path points")
    opt = optimizers._make(optimizer_name, [w], lr, "optimizer_name", **options)
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
    grad = _checks.function(grad, "grad")
    lr, sigma = _checks.positive(lr, "lr"), _checks.positive(sigma, "sigma")
    tol, rng = _checks.positive(tol, "tol", allow_zero=True), _checks.generator(rng)
    size = _checks.count(size, "size", each=4, of="weights")
    max_steps = _checks.count(max_steps, "max_steps", each=1e3 + size,
                              of="work (a call of grad each)")
    W = sigma * rng.standard_normal(size)                         # 1. initialise W ~ N(0, sigma^2)
    path = [W]
    for _ in range(max_steps):                                    # 2. loop until convergence
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
    f = _checks.function(f, "f")
    w = _point(w, "w")
    angles = _checks.as_array(angles, "angles", ndim=1)
    u, h = np.column_stack([np.cos(angles), np.sin(angles)]), 1e-6
    return (np.asarray(f(w + h * u)) - np.asarray(f(w - h * u))) / (2 * h)



def path_panel(steps: int = 100):
    """A live panel of learning rate (log slider), optimizer and surface that redraws the path.

    Each setting runs ``steps`` steps of :func:`run`, drawn by :class:`lecture_code.plotting.PathFigure`.
    """
    from . import plotting
    from .panels import widgets
    steps = _checks.count(steps, "steps", each=4, of="path points")
    figure = plotting.PathFigure()

    def update(lr, optimizer, surface):
        surface = get(surface)
        figure.update(surface, run(optimizer, surface, steps=steps, lr=lr))
        return figure.to_png()

    controls = {"lr": widgets.Slider("learning rate η", 1e-3, 3.0, 0.3, log=True),
                "optimizer": widgets.Choice("optimizer", optimizers.NAMES, "sgd"),
                "surface": widgets.Choice("surface", tuple(SURFACES), "two_minima")}
    # The site's grid: 1 and 3 per decade of the learning rate, every optimizer and surface.
    rates = [m * 10.0 ** k for k in range(-3, 1) for m in (1, 3)]
    return widgets.Panel(update, controls, static_controls=list(controls),
                         static_values={"lr": rates}, alt=(
        f"Contour lines of a 2-D test surface with the path of {steps} optimizer steps from its "
        "start, and the distance f(w_t) - f* to the minimum per step on a log scale."))
