"""Checks for chapter 4, loss functions. Each recomputes the answer with lecture_code."""
from __future__ import annotations

import numpy as np

from .. import activations, datasets, losses, network, training
from . import exercise

#: Deck 000's four students (lectures attended, hours on the project) and their labels.
SLIDE_STUDENTS = np.array([[4.0, 5.0], [2.0, 1.0], [5.0, 8.0], [5.0, 5.0]])
SLIDE_LABELS = np.array([1.0, 0.0, 1.0, 0.0])


def fit_line(X, y, loss: str) -> network.MLP:
    """The chapter's line fit: ``MLP([1, 1], output='linear')`` trained full-batch with SGD.

    MSE: learning rate 0.5 for 200 epochs; MAE: 0.1 for 300 epochs. Both start
    from ``np.random.default_rng(0)``.
    """
    model = network.MLP([1, 1], output="linear", rng=np.random.default_rng(0))
    lr, epochs = (0.5, 200) if loss == "mse" else (0.1, 300)
    training.train(model, X, y, loss=loss, lr=lr, epochs=epochs, rng=np.random.default_rng(0))
    return model


def _slope(model: network.MLP) -> float:
    return float(model.layers[0].params["W"][0, 0])


@exercise("ex-loss-bce-single", points=1)
def bce_single(bce):
    """BCE of one prediction: P(pass) = 0.9 for a student who fails (y = 0)."""
    right = losses.binary_cross_entropy([0.9], [0.0])
    bce = float(bce)
    if np.isclose(bce, right):
        return None
    if np.isclose(bce, losses.binary_cross_entropy([0.9], [1.0])):
        return "y = 0, so the y log p term vanishes: only (1 - y) log(1 - p) counts"
    if np.isclose(bce, -right):
        return "the cross-entropy carries a minus sign: log of a probability is negative"
    if np.isclose(bce, -np.log10(0.1)):
        return "use the natural logarithm (np.log), not log10"
    return "BCE = -[y log p + (1 - y) log(1 - p)] with p = 0.9 and y = 0"


@exercise("ex-loss-grades", points=1)
def grades(mse_improved):
    """Deck 002's grades table with the second prediction improved from 80 to 40."""
    y_true = np.array([90.0, 20.0, 95.0])
    improved = np.array([30.0, 40.0, 85.0])
    right = losses.mse(improved, y_true)
    value = float(mse_improved)
    if np.isclose(value, right):
        return None
    if np.isclose(value, right * len(y_true)):
        return "that is the sum of the squared errors; the MSE divides by n = 3"
    if np.isclose(value, losses.mse([30.0, 80.0, 85.0], y_true)):
        return "that is the MSE before the improvement: replace the prediction 80 by 40"
    if np.isclose(value, np.sqrt(right)):
        return "no square root: the MSE is the mean of the squared errors"
    if np.isclose(value, losses.mae(improved, y_true)):
        return "that is the mean absolute error; square each error instead"
    return "compute (30 - 90)^2, (40 - 20)^2 and (85 - 95)^2 and take their mean"


@exercise("ex-loss-cce-row", points=2)
def cce_row(p, cce):
    """Softmax of z = [2.0, 1.0, 0.1] and the CCE of that row when the true class is 1."""
    z = np.array([[2.0, 1.0, 0.1]])
    right_p = activations.softmax(z)
    target = datasets.one_hot(np.array([1]), 3)
    p = np.asarray(p, dtype=float).reshape(-1)
    if p.shape != (3,):
        return "p must hold three probabilities, one per class"
    if not np.allclose(p, right_p[0]):
        if not np.isclose(p.sum(), 1.0):
            return "p must sum to 1: apply the softmax e^z_c / sum_k e^z_k to z"
        return "p is the softmax of z = [2.0, 1.0, 0.1], in that order"
    cce = float(cce)
    if np.isclose(cce, losses.categorical_cross_entropy(right_p, target)):
        return None
    if np.isclose(cce, -np.log(right_p[0, 0])):
        return "classes are counted from 0: the true class 1 is the second entry of p"
    if np.isclose(cce, -np.log(right_p).sum()):
        return "y is one-hot, so only the true class's term -log p_c survives the sum"
    return "the CCE of one example is -log of the probability given to its true class"


@exercise("ex-loss-outlier", points=2)
def outlier(less_affected, slope_mse):
    """Which loss's slope moves less when an outlier (0.8, 4) joins regression_1d data."""
    X, y = datasets.regression_1d(12, rng=np.random.default_rng(4), noise=0.1, kind="linear")
    X_out, y_out = np.vstack([X, [[0.8]]]), np.append(y, 4.0)
    change = {loss: abs(_slope(fit_line(X_out, y_out, loss)) - _slope(fit_line(X, y, loss)))
              for loss in ("mse", "mae")}
    right = min(change, key=change.get)
    if str(less_affected).strip().lower() != right:
        return (f"refit both lines with and without the outlier: the {right.upper()} slope "
                "changes by less (compare the two changes, not the slopes themselves)")
    if not np.isclose(float(slope_mse), _slope(fit_line(X_out, y_out, "mse")), atol=1e-2):
        return ("slope_mse is the slope (the weight W[0, 0]) of the MSE line fitted to the data "
                "with the outlier")
    return None


@exercise("ex-loss-rule-bce", points=2)
def rule_bce(p, bce):
    """The hidden rule of pass_the_class on deck 000's four students, and its BCE."""
    w0, w1, w2 = datasets.PASS_RULE
    right_p = activations.sigmoid(w0 + SLIDE_STUDENTS @ np.array([w1, w2]))
    p = np.asarray(p, dtype=float).reshape(-1)
    if p.shape != (4,):
        return "p must hold four probabilities, one per student"
    if not np.allclose(p, right_p):
        if np.allclose(p, w0 + SLIDE_STUDENTS @ np.array([w1, w2])):
            return "those are the pre-activations z; apply the sigmoid to get probabilities"
        return "p_i = sigmoid(-6 + 0.5 x1 + 0.5 x2) for each student [x1, x2]"
    bce = float(bce)
    if np.isclose(bce, losses.binary_cross_entropy(right_p, SLIDE_LABELS)):
        return None
    if np.isclose(bce, 4 * losses.binary_cross_entropy(right_p, SLIDE_LABELS)):
        return "that is the sum over the four students; the BCE is their mean"
    return "BCE = -(1/4) sum [y log p + (1 - y) log(1 - p)] with y = [1, 0, 1, 0]"
