"""Vanishing gradients: why the first layers of a deep sigmoid network hardly learn.

Going back one layer multiplies the gradient by W^T and by the activation's slope
g'(Z), and the sigmoid's slope is at most 0.25 (:func:`max_slope`). So in a deep
sigmoid network the gradients shrink layer by layer from the output back to the
input: :func:`deep_gradient_norms` measures them on a freshly initialised network
(:func:`deep_mlp` builds it), :func:`steps_to_move` counts the steps a weight with
such a tiny gradient needs to get anywhere, and :func:`vanishing_gradient_panel`
lets the reader change the depth and the activation live.

See chapter 6 (backpropagation).
"""
from __future__ import annotations

import math

import numpy as np

from . import _checks, activations, network, nonlinearity

__all__ = ["HIDDEN_ACTIVATIONS", "deep_mlp", "deep_gradient_norms", "max_slope", "steps_to_move",
           "vanishing_gradient_panel"]

#: Activations the vanishing-gradient demo offers for the hidden layers.
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "elu", "linear")


def _sizes(depth, width, n) -> tuple[int, int, int]:
    """``depth``, ``width`` and ``n`` checked, and the weights and activations they need."""
    depth = _checks.count(depth, "depth", each=500, of="memory for its layers")
    width = _checks.count(width, "width")
    _checks.affordable(depth * width * width, "width", width, "weights")
    n = _checks.count(n, "n", each=3 * depth * width, of="activations")
    return depth, width, n


def deep_mlp(depth: int, activation: str = "sigmoid", *, rng: np.random.Generator,
             width: int = 32, n: int = 64):
    """The network and data of :func:`deep_gradient_norms`: ``(model, X, y)``.

    ``model`` has ``depth`` hidden layers of ``width`` units with ``activation``
    (initialised as :class:`~lecture_code.layers.Dense` does by default: He for
    ReLU and ELU, Glorot otherwise) and one linear output; ``X`` is ``(n, width)``
    and ``y`` is ``(n, 1)``, both standard normal.
    """
    depth, width, n = _sizes(depth, width, n)
    activation = _checks.choice(activation, "activation", HIDDEN_ACTIVATIONS)
    _checks.generator(rng)
    model = network.MLP([width] * (depth + 1) + [1], activation, "linear", rng=rng)
    return model, rng.normal(size=(n, width)), rng.normal(size=(n, 1))


def deep_gradient_norms(depth: int, activation: str = "sigmoid", *, rng: np.random.Generator,
                        width: int = 32, n: int = 64) -> np.ndarray:
    """Frobenius norm of dL/dW^(k) for every layer k of a freshly initialised deep MLP, MSE loss.

    Going back one layer multiplies the gradient by W^T and by g'(Z); the sigmoid's
    g' is at most 0.25, so with it the norms shrink roughly fourfold per layer.

    Parameters
    ----------
    depth, width, n : int
        Hidden layers (>= 1), units per hidden layer (also the inputs), examples.
    activation : str
        Hidden activation, one of :data:`HIDDEN_ACTIVATIONS`.
    rng : numpy.random.Generator
        Draws the weights and the data (see :func:`deep_mlp`).

    Returns
    -------
    numpy.ndarray, shape (depth + 1,)
        Entry 0 is the first hidden layer (next to the input), the last the output layer.
    """
    model, X, y = deep_mlp(depth, activation, rng=rng, width=width, n=n)
    return nonlinearity.layer_gradient_norms(model, X, y, "mse")


def steps_to_move(start: float, target: float, gradient: float, lr: float = 1.0) -> int:
    """Steps w <- w - lr g from start to target: ceil(abs(target - start) / (lr abs(g))).

    Assumes the gradient g keeps its size and points the right way all along.

    Parameters
    ----------
    start, target, gradient, lr : float
        Initial and desired weight, the constant gradient (nonzero), the learning rate (> 0).

    Returns
    -------
    int
    """
    start = float(_checks.as_array(start, "start", ndim=0))
    target = float(_checks.as_array(target, "target", ndim=0))
    g = abs(float(_checks.as_array(gradient, "gradient", ndim=0)))
    if g == 0.0:
        raise ValueError("gradient must be nonzero: a zero gradient never moves the weight")
    lr = _checks.positive(lr, "lr")
    ratio = abs(target - start) / (lr * g)
    return int(math.ceil(ratio * (1.0 - 1e-12)))      # 0.7 / 1e-10 = 7000000000.000001 in floats


def max_slope(activation: str) -> float:
    """max over z of g'(z), on a grid of [-10, 10]: 0.25 for the sigmoid, 1 for tanh and ReLU."""
    act = activations.get(_checks.choice(activation, "activation", HIDDEN_ACTIVATIONS))
    return float(np.max(act.derivative(np.linspace(-10.0, 10.0, 2001))))


def vanishing_gradient_panel(width: int = 32, n: int = 64, seed: int = 0):
    """A live control: hidden layers (1..20) and activation -> per-layer gradient norms, log scale.

    The dashed line starts at the output layer's norm and falls by the
    activation's largest slope (:func:`max_slope`) per layer back. Returns a
    :class:`lecture_code.panels.widgets.Panel`; every setting uses ``default_rng(seed)``.
    """
    _, width, n = _sizes(20, width, n)       # the deepest setting fits: then every one does
    seed = _checks.seed(seed)
    from matplotlib.figure import Figure

    from . import plotting
    from .panels import widgets
    figure = Figure(figsize=(6.4, 3.0))
    ax = figure.add_subplot()
    figure.subplots_adjust(left=0.13, right=0.98, bottom=0.17, top=0.88)

    def update(depth, activation):
        norms = deep_gradient_norms(depth, activation, rng=np.random.default_rng(seed),
                                     width=width, n=n)
        if not np.all(np.isfinite(norms) & (norms > 0)):
            raise ValueError("a gradient norm is zero or not finite")
        ax.clear()
        plotting.gradient_norm_bars(ax, norms)
        layer = np.arange(1, len(norms) + 1)
        slope = max_slope(activation)
        ax.plot(layer, norms[-1] * slope ** (len(norms) - layer), "--",
                color=plotting.CLASS_COLORS[1], label=f"× {slope:g} per layer back")
        ax.legend(frameon=False, loc="upper left", fontsize=9.5)
        ax.set_title(f"{activation}, {depth} hidden layers: layer 1 gets "
                     f"{norms[0] / norms[-1]:.0e} of the output layer's gradient",
                     fontsize=10.5, y=1.0)
        ax.xaxis.set_label_coords(0.5, -0.12)              # fixed: no bounding-box search per frame
        ax.yaxis.set_label_coords(-0.09, 0.5)
        return figure

    controls = {"depth": widgets.Slider("hidden layers", 1, 20, 10, step=1, integer=True),
                "activation": widgets.Choice("activation", ("sigmoid", "tanh", "relu"), "sigmoid")}
    alt = ("Bar chart, log scale: the norm of the loss gradient for each layer's weights, "
           "from the first hidden layer to the output layer.")
    return widgets.Panel(update, controls, alt=alt,              # the site: every depth
                         static_values={"depth": list(range(1, 21))})
