"""Why a network needs non-linear activations, and where they stop passing gradients.

Three facts of chapter 2, as functions:

- a stack of linear layers is a single linear layer, so with linear hidden
  activations the decision boundary is a straight line whatever the width or
  depth: :func:`compose_affine`, :func:`linear_equivalent`;
- the same small network, trained with different hidden activations, draws
  different boundaries: :func:`train_classifier` and the live
  :func:`activation_panel`;
- the backward pass multiplies one activation derivative per layer, so a
  saturating activation (the sigmoid's slope is at most 1/4) shrinks the
  gradient layer after layer: :func:`layer_gradient_norms`; tanh's slope is 1
  at 0, so its gradient vanishes only when its units saturate, which
  :func:`saturated_network` and :func:`hidden_slopes` make measurable.

See chapter 2 (activation functions).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from . import _checks, training
from .panels import widgets
from .network import MLP

__all__ = ["compose_affine", "linear_equivalent", "train_classifier", "layer_gradient_norms",
           "saturated_network", "hidden_slopes", "activation_panel", "PANEL_ACTIVATIONS"]

#: Hidden activations offered by :func:`activation_panel`.
PANEL_ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "linear")


def compose_affine(weights: Sequence, biases: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """One affine map equal to a stack of them: W = W1 W2 ... WK, b = (...(b1 W2 + b2)...) WK + bK.

    Applying ``x -> x W_k + b_k`` for k = 1..K in turn gives ``x W + b``,
    because ``(x W1 + b1) W2 + b2 = x (W1 W2) + (b1 W2 + b2)``, and so on.

    Parameters
    ----------
    weights : sequence of K arrays, ``weights[k]`` of shape ``(d_k, d_{k+1})``.
    biases : sequence of K arrays, ``biases[k]`` of shape ``(d_{k+1},)``.

    Returns
    -------
    W : (d_0, d_K) array; b : (d_K,) array.
    """
    weights = _checks.items(weights, "weights", "weight matrices", minimum=0)
    biases = _checks.items(biases, "biases", "bias vectors", minimum=0)
    if len(weights) == 0 or len(weights) != len(biases):
        raise ValueError("weights and biases must be two lists of the same length >= 1 "
                         "(one weight matrix and one bias vector per layer)")
    W = _checks.as_array(weights[0], "weights[0]", ndim=2)
    b = _checks.as_array(biases[0], "biases[0]", ndim=1)
    for k, (Wk, bk) in enumerate(zip(weights, biases)):
        Wk = _checks.as_array(Wk, f"weights[{k}]", ndim=2)
        bk = _checks.as_array(bk, f"biases[{k}]", ndim=1)
        if bk.shape != (Wk.shape[1],):
            raise ValueError(f"biases[{k}] must have shape ({Wk.shape[1]},) to match "
                             f"weights[{k}] of shape {Wk.shape}, got {bk.shape}")
        if k == 0:
            continue
        if Wk.shape[0] != W.shape[1]:
            raise ValueError(f"weights[{k}] must have {W.shape[1]} rows (the outputs of the "
                             f"layer before), got shape {Wk.shape}")
        W, b = W @ Wk, b @ Wk + bk
    return W, b


def linear_equivalent(model: MLP) -> tuple[np.ndarray, np.ndarray]:
    """``(W, b)`` with ``model.forward(X) = g_out(X W + b)``, for a model whose hidden layers are linear.

    Parameters
    ----------
    model : MLP whose every hidden layer has the ``'linear'`` activation.

    Returns
    -------
    W : (d_in, d_out) array; b : (d_out,) array.
    """
    if not isinstance(model, MLP):
        raise ValueError(f"model must be a lecture_code.network.MLP, got {type(model).__name__}")
    for k, layer in enumerate(model.layers[:-1], start=1):
        if layer.activation.name != "linear":
            raise ValueError(f"model's hidden layer {k} has activation "
                             f"{layer.activation.name!r}; only linear hidden layers collapse "
                             "into one affine map")
    return compose_affine([layer.params["W"] for layer in model.layers],
                          [layer.params["b"] for layer in model.layers])


def train_classifier(X, y, activation: str, hidden: int, *, rng: np.random.Generator,
                     epochs: int = 200, lr: float = 0.1) -> tuple[MLP, training.History]:
    """Train ``MLP([d_in, hidden, 1])`` with ``activation`` in the hidden layer on two classes.

    The output is one sigmoid unit, the loss the binary cross-entropy, the
    optimizer Adam on the full batch: only the hidden activation and the
    width change between the networks chapter 2 compares.

    Parameters
    ----------
    X : (n, d_in) inputs; y : (n,) labels 0/1.
    activation : hidden activation, one of :data:`lecture_code.activations.NAMES`.
    hidden : number of hidden units, >= 1.
    rng : draws the initial weights.
    epochs, lr : passes over the data and Adam's learning rate.

    Returns
    -------
    model : the trained MLP; history : its :class:`~lecture_code.training.History`.
    """
    X = _checks.as_matrix(X, "X")
    hidden = _checks.count(hidden, "hidden", each=X.shape[1] + 2, of="weights")
    lr = _checks.positive(lr, "lr")
    model = MLP([X.shape[1], hidden, 1], activation=activation, output="sigmoid", rng=rng)
    history = training.train(model, X, y, loss="bce", optimizer="adam", lr=lr, epochs=epochs,
                             rng=rng)
    return model, history


def layer_gradient_norms(model: MLP, X, y, loss: str = "bce") -> np.ndarray:
    """Size of each layer's weight gradient, ``||dL/dW^(k)||`` (Frobenius norm), k = 1..K.

    One forward and one backward pass on ``(X, y)`` without dropout; the
    model's parameters are not changed (its gradients are overwritten).

    Parameters
    ----------
    model : MLP; X : (n, d_in) inputs; y : (n, d_out) targets (or (n,) for one output).
    loss : name of the loss, see :func:`lecture_code.losses.get`.

    Returns
    -------
    norms : (K,) array, first layer first.
    """
    if not isinstance(model, MLP):
        raise ValueError(f"model must be a lecture_code.network.MLP, got {type(model).__name__}")
    model.loss_and_grads(X, y, loss, training=False)
    return np.array([np.linalg.norm(layer.grads["W"]) for layer in model.layers])


def saturated_network(sizes: Sequence[int], activation: str, *, rng: np.random.Generator,
                      weight_scale: float = 1.0, bias_std: float = 0.0,
                      output: str = "sigmoid") -> MLP:
    """An MLP whose hidden layers start with W = weight_scale * W_default and b ~ N(0, bias_std^2).

    The default initial weights (:func:`lecture_code.layers.init_weights`: Glorot
    for tanh and the sigmoid, He for ReLU) with zero biases keep the
    pre-activations z near 0, where tanh and the sigmoid are steepest. Larger
    weights or random biases push z out to where g'(z) is nearly 0. The output
    layer keeps its default initialisation.

    Parameters
    ----------
    sizes : units per layer, input first, as for :class:`~lecture_code.network.MLP`.
    activation : hidden activation; output : activation of the output layer.
    rng : draws the default weights, then the hidden biases (when bias_std > 0).
    weight_scale : factor (> 0) on every hidden layer's default weights.
    bias_std : standard deviation (>= 0) of the hidden biases.

    Returns
    -------
    MLP with ``sizes``; ``weight_scale=1, bias_std=0`` gives the default MLP.
    """
    weight_scale = _checks.positive(weight_scale, "weight_scale")
    bias_std = _checks.positive(bias_std, "bias_std", allow_zero=True)
    model = MLP(sizes, activation=activation, output=output, rng=rng)
    for layer in model.layers[:-1]:
        layer.params["W"] *= weight_scale                 # in place: the MLP's flat views
        if bias_std > 0:
            layer.params["b"][...] = rng.normal(0.0, bias_std, size=layer.params["b"].shape)
    return model


def hidden_slopes(model: MLP, X) -> list[np.ndarray]:
    """The slope g'(z) of every hidden unit on every example: one (n, d_k) array per hidden layer.

    Back-propagation multiplies the gradient reaching a hidden layer by these
    slopes (and then by the layer's weights, dX = (dA * g'(Z)) W^T, chapter 6),
    so their size says how much gradient each unit passes back. A slope near 0
    means the unit is saturated (tanh, sigmoid) or off (ReLU).

    Parameters
    ----------
    model : MLP; X : (n, d_in) inputs.

    Returns
    -------
    list of K - 1 arrays, the k-th of shape (n, d_k), first hidden layer first.
    """
    if not isinstance(model, MLP):
        raise ValueError(f"model must be a lecture_code.network.MLP, got {type(model).__name__}")
    for k, layer in enumerate(model.layers[:-1], start=1):
        if layer.activation.derivative is None:
            raise ValueError(f"model's hidden layer {k} has activation "
                             f"{layer.activation.name!r}, whose slope is a matrix, not one "
                             "number per unit")
    model.forward(X)
    return [layer.activation.derivative(layer.Z) for layer in model.layers[:-1]]


def activation_panel(X, y, *, seed: int = 0, hidden: int = 16, max_hidden: int = 32,
                     epochs: int = 200, lr: float = 0.1) -> widgets.Panel:
    """A live panel: pick the hidden activation and the width; the network retrains and redraws.

    Every setting trains :func:`train_classifier` from the same seeded
    initialisation, so a setting always shows the same picture.

    Parameters
    ----------
    X : (n, 2) inputs; y : (n,) labels 0/1.
    seed : seed of the generator each retraining starts from.
    hidden, max_hidden : default and largest number of hidden units.
    epochs, lr : as in :func:`train_classifier`.

    Returns
    -------
    Panel with a menu ``activation`` (:data:`PANEL_ACTIVATIONS`) and a slider ``hidden``.
    """
    X = _checks.as_matrix(X, "X", columns=2)
    _checks.same_rows(X, _checks.as_array(y, "y", ndim=1), "X", "y")
    seed = _checks.seed(seed)
    epochs = _checks.count(epochs, "epochs", each=1e3, of="work (an epoch each)")
    lr = _checks.positive(lr, "lr")
    max_hidden = _checks.count(max_hidden, "max_hidden", each=1e5, of="work (a network per size)")
    hidden = _checks.count(hidden, "hidden")
    if hidden > max_hidden:
        raise ValueError(f"hidden must be at most max_hidden ({max_hidden}), got {hidden}")

    def fit(activation, hidden):
        model, history = train_classifier(X, y, activation, hidden,
                                          rng=np.random.default_rng(seed), epochs=epochs, lr=lr)
        return model.forward, history

    controls = {"activation": widgets.Choice("hidden activation", PANEL_ACTIVATIONS, "relu"),
                "hidden": widgets.Slider("hidden units", 1, max_hidden, hidden, step=1,
                                         integer=True)}
    # The site's grid: every activation at widths doubling from 1, plus the default
    # and 3 (the width exercise 2.7 asks for).
    widths = sorted({1, 2, 3, 4, 8, 16, 32, hidden, max_hidden} & set(range(1, max_hidden + 1)))
    return widgets.boundary_panel(
        fit, X, y, controls, static_values={"hidden": widths},
        alt="Decision boundary of a one-hidden-layer network on two interleaved half moons, "
            "for the chosen hidden activation and width, with its training loss curve.")
