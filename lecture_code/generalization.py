"""Generalization: error on data the model never saw, and double descent.

- the lectures' five points: a line and a cubic fitted on four, the distance from the
  fifth (:func:`holdout_error`);
- double descent: minimum-norm least squares on p random Fourier features of a 1-D input,
  whose test error peaks at p = number of training points (:func:`double_descent`);
- the live panels, which retrain an MLP on every change (:func:`penalty_panel`, ...).

Early stopping has its own module, :mod:`lecture_code.early_stopping`.
See chapter 7 (regularization and generalization).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _checks, losses, network, regularization, training

__all__ = ["polynomial_fit", "holdout_error", "draw_features",
           "fourier_features", "min_norm_fit", "DoubleDescent", "double_descent",
           "train_classifier", "unit_ablation", "penalty_panel", "dropout_panel"]


def _points(x, y, x_name: str = "x", y_name: str = "y") -> tuple[np.ndarray, np.ndarray]:
    x = _checks.as_matrix(x, x_name, columns=1)[:, 0]
    y = _checks.as_array(y, y_name, ndim=1)
    _checks.same_rows(x, y, x_name, y_name)
    return x, y


def polynomial_fit(x, y, degree: int) -> np.ndarray:
    """Least-squares polynomial: c = argmin_c sum_i (y_i - p_c(x_i))^2, p_c(x) = sum_k c_k x^k.

    Parameters
    ----------
    x, y : (n,) inputs ((n, 1) also accepted) and (n,) targets.
    degree : highest power, >= 0. With n = degree + 1 points the polynomial passes
        through every one of them; with fewer, this is the fit of smallest norm.

    Returns
    -------
    (degree + 1,) coefficients, highest power first, as ``np.polyval`` takes them.
    """
    x, y = _points(x, y)
    degree = _checks.count(degree, "degree", minimum=0, each=4 * x.size + 4,
                           of="polynomial features")
    return np.linalg.lstsq(np.vander(x, degree + 1), y, rcond=None)[0]


def holdout_error(x, y, degree: int, held_out: int):
    """Fit on every point but ``held_out``; the error is ``|p(x_h) - y_h|`` at the point left out.

    Returns
    -------
    coefficients : (degree + 1,) as :func:`polynomial_fit`; error : float.
    """
    x, y = _points(x, y)
    if not isinstance(held_out, (int, np.integer)) or not 0 <= held_out < len(x):
        raise ValueError(f"held_out must be a point index in 0..{len(x) - 1}, got {held_out!r}")
    keep = np.arange(len(x)) != held_out
    coefficients = polynomial_fit(x[keep], y[keep], degree)
    return coefficients, float(abs(np.polyval(coefficients, x[held_out]) - y[held_out]))


def draw_features(p: int, *, rng: np.random.Generator, scale: float = 10.0):
    """Random frequencies omega_j ~ N(0, scale^2) and phases b_j ~ U[0, 2 pi), j = 1..p.

    Returns
    -------
    omega, phase : (p,) each.
    """
    p = _checks.count(p, "p", each=4, of="features")
    rng = _checks.generator(rng)
    scale = _checks.positive(scale, "scale")
    return scale * rng.standard_normal(p), rng.uniform(0.0, 2 * np.pi, p)


def fourier_features(x, omega, phase) -> np.ndarray:
    """Feature matrix Phi[i, j] = cos(omega_j x_i + b_j): (n,) inputs to (n, p)."""
    x = _checks.as_matrix(x, "x", columns=1)
    omega = _checks.as_array(omega, "omega", ndim=1)
    phase = _checks.as_array(phase, "phase", ndim=1)
    _checks.same_shape(omega, phase, "omega", "phase")
    return np.cos(x * omega + phase)


def min_norm_fit(Phi, y, lam: float = 0.0) -> np.ndarray:
    """Weights ``beta = argmin |Phi beta - y|^2 + lam |beta|^2``; for lam = 0, the least-squares
    solution of smallest ``|beta|`` (``= pinv(Phi) y``), which interpolates once p >= n.

    Parameters: Phi (n, p) features; y (n,) targets; lam >= 0 ridge penalty.
    Returns: beta (p,).
    """
    Phi = _checks.as_array(Phi, "Phi", ndim=2)
    y = _checks.as_array(y, "y", ndim=1)
    _checks.same_rows(Phi, y, "Phi", "y")
    lam = _checks.positive(lam, "lam", allow_zero=True)
    n, p = Phi.shape
    if lam == 0.0:
        return np.linalg.lstsq(Phi, y, rcond=None)[0]
    if p <= n:      # (Phi^T Phi + lam I) beta = Phi^T y
        return np.linalg.solve(Phi.T @ Phi + lam * np.eye(p), Phi.T @ y)
    return Phi.T @ np.linalg.solve(Phi @ Phi.T + lam * np.eye(n), y)   # the same, for p > n


class DoubleDescent(NamedTuple):
    """Medians over the feature draws, one entry per number of features."""

    n_features: np.ndarray   # (k,) p
    train_mse: np.ndarray    # (k,) mean squared error on the training points
    test_mse: np.ndarray     # (k,) mean squared error on the test points
    norm: np.ndarray         # (k,) |beta|, the size of the fitted weights


def double_descent(x_train, y_train, x_test, y_test, n_features, *, rng: np.random.Generator,
                   draws: int = 20, scale: float = 10.0, lam: float = 0.0) -> DoubleDescent:
    """Random-features regression for every p in ``n_features``: draw ``draws`` feature sets
    (:func:`draw_features`), fit each with :func:`min_norm_fit`, keep the median errors.

    The median, not the mean: near p = n a few nearly singular draws have huge errors
    that would swamp the average. ``n_features`` is a list of p (or one p).
    Returns a :class:`DoubleDescent`.
    """
    x_train, y_train = _points(x_train, y_train, "x_train", "y_train")
    x_test, y_test = _points(x_test, y_test, "x_test", "y_test")
    if isinstance(n_features, (int, np.integer)) and not isinstance(n_features, bool):
        n_features = [n_features]
    ps = [_checks.count(p, f"n_features[{i}]", each=4, of="features") for i, p in
          enumerate(_checks.items(n_features, "n_features", "numbers of features"))]
    draws = _checks.count(draws, "draws", each=1e4, of="work (a least-squares fit per draw)")
    n, rows = len(x_train), len(x_train) + len(x_test)
    # per feature and draw: drawing it, its column for every point, the least-squares fit
    # (measured: 2.5 us a feature and draw for 9 points, 27 us for 44)
    _checks.workable(draws * sum(p * (1000 + 200 * rows + 15 * n * min(n, p)) for p in ps),
                     "n_features", ps, f"with {draws} draws on {n} points")
    rows = []
    for p in ps:
        results = []
        for _ in range(draws):
            omega, phase = draw_features(p, rng=rng, scale=scale)
            beta = min_norm_fit(fourier_features(x_train, omega, phase), y_train, lam)
            results.append([np.mean((fourier_features(x, omega, phase) @ beta - t) ** 2)
                            for x, t in ((x_train, y_train), (x_test, y_test))]
                           + [np.linalg.norm(beta)])
        rows.append(np.median(results, axis=0))
    rows = np.array(rows)
    return DoubleDescent(np.array(ps), rows[:, 0], rows[:, 1], rows[:, 2])


def train_classifier(X, y, *, rng: np.random.Generator, hidden=(32, 32), penalty: str = "none",
                     lam: float = 0.0, dropout: float = 0.0, epochs: int = 300, lr: float = 0.1,
                     **train_options):
    """Train ``MLP([d_in, *hidden, 1])`` (ReLU, sigmoid output) on 0/1 labels with full-batch SGD,
    momentum 0.9 and the binary cross-entropy, plus lam R(W) and dropout if asked.

    An empty ``hidden`` is logistic regression, with no hidden layer.
    ``train_options`` go to :func:`lecture_code.training.train` (``X_val``, ``y_val``,
    ``patience``). Returns ``(model, history)``.
    """
    X = _checks.as_matrix(X, "X")
    hidden = [_checks.count(h, f"hidden[{i}]") for i, h in
              enumerate(_checks.items(hidden, "hidden", "hidden sizes", minimum=0))]
    _checks.affordable(_checks.weights_of([X.shape[1], *hidden, 1]), "hidden", hidden, "weights")
    lr = _checks.positive(lr, "lr")
    model = network.MLP([X.shape[1], *hidden, 1], rng=rng, dropout=dropout)
    history = training.train(model, X, y, loss="bce", optimizer="sgd", momentum=0.9, lr=lr,
                             epochs=epochs, rng=rng, penalty=penalty, lam=lam, **train_options)
    return model, history


def unit_ablation(model: network.MLP, X, y, layer: int = -1) -> np.ndarray:
    """How much the loss rises when one hidden unit is switched off: for each unit j of
    hidden layer ``layer``, zero row j of the next layer's W and recompute the BCE.

    ``layer`` counts the hidden layers from 0, or from the last with negative
    numbers (the default -1 is the last hidden layer).

    Returns (units,) loss(without unit j) - loss(full network).
    """
    if not isinstance(model, network.MLP) or len(model.layers) < 2:
        raise ValueError("model must be a lecture_code.network.MLP with a hidden layer")
    layer = _checks.index(layer, "layer", len(model.layers) - 1,
                          "a hidden layer of the model; negative counts from the last",
                          negative=True)
    W = model.layers[1:][layer].params["W"]     # weights out of the chosen hidden layer
    Y = _checks.as_matrix(y, "y", columns=1)
    base = losses.binary_cross_entropy(model.forward(X), Y)
    rises = []
    for j in range(W.shape[0]):
        row, W[j] = W[j].copy(), 0.0
        rises.append(losses.binary_cross_entropy(model.forward(X), Y) - base)
        W[j] = row
    return np.array(rises)


def _panel(controls: dict, data: tuple, rng: np.random.Generator, alt: str, options: dict,
           static_values: dict | None = None):
    """A Panel that retrains :func:`train_classifier` with the controls' values as keyword
    arguments (same initial weights every time) and draws boundary and weight histogram."""
    from .playground import one_blas_thread
    from .plotting import WeightsFigure
    from .panels.widgets import Panel
    X_train, y_train, X_test, y_test = data
    seed = int(_checks.generator(rng).integers(2 ** 32))
    from .fast import compiled_training
    compiled_training.warm_up()         # compile now, not on the first move
    figure = WeightsFigure(X_train, y_train, X_test, y_test)
    Y_train = _checks.as_matrix(y_train, "y_train", columns=1)
    Y_test = _checks.as_matrix(y_test, "y_test", columns=1)

    def update(**values):
        with one_blas_thread():         # small products: one BLAS thread is faster
            model, history = train_classifier(X_train, y_train, rng=np.random.default_rng(seed),
                                              fused=True, **values, **options)
            if history.diverged:
                raise training.TrainingDiverged("training diverged")
            w = np.concatenate([W.ravel() for W in model.weights])
            note = (f"train accuracy {training.accuracy(model.forward(X_train), Y_train):.2f}   "
                    f"test accuracy {training.accuracy(model.forward(X_test), Y_test):.2f}   "
                    f"|w| < 0.01: {int(np.sum(np.abs(w) < 0.01))} of {w.size}")
            return figure.update(lambda G: model.forward(G)[:, 0], w, note)

    return Panel(update, controls, alt=alt, static_values=static_values)


def penalty_panel(X_train, y_train, X_test, y_test, *, rng: np.random.Generator, **options):
    """Live control: lambda (log slider, 1e-5 to 1) and the penalty (none / l1 / l2); every
    change retrains :func:`train_classifier` (``options`` go to it) and redraws the
    boundary and the histogram of all weights."""
    from .panels.widgets import Choice, Slider
    return _panel({"lam": Slider("λ", 1e-5, 1.0, 1e-2, log=True),
                   "penalty": Choice("penalty R(W)", regularization.PENALTIES, "l2")},
                  (X_train, y_train, X_test, y_test), rng,
                  "Decision boundary of an MLP trained with the chosen penalty and λ (left) "
                  "and a histogram of all its weights (right).", options,
                  {"lam": [10.0 ** k for k in range(-5, 1)]})        # the site: one per decade


def dropout_panel(X_train, y_train, X_test, y_test, *, rng: np.random.Generator, **options):
    """Live control: the dropout rate p from 0 to 0.9; every change retrains
    :func:`train_classifier` with ``dropout=p`` and redraws boundary and weights."""
    from .panels.widgets import Slider
    return _panel({"dropout": Slider("dropout rate p", 0.0, 0.9, 0.5, step=0.05)},
                  (X_train, y_train, X_test, y_test), rng,
                  "Decision boundary of an MLP trained with inverted dropout at rate p (left) "
                  "and a histogram of all its weights (right).", options,
                  {"dropout": [k / 10 for k in range(10)]})           # the site: 0, 0.1, ..., 0.9
