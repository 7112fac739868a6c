"""Checks for chapter 7, regularization and generalization. Each recomputes the answer
with lecture_code."""
from __future__ import annotations

import numpy as np

from .. import datasets, early_stopping, generalization, regularization
from . import exercise

#: ex-regularization-l2-penalty: the weight matrices and lambda of the exercise.
L2_WEIGHTS = (np.array([[1.0, -2.0], [0.0, 0.5]]), np.array([[3.0], [-1.0]]))
L2_LAM = 0.01
#: ex-regularization-occam: the five points.
OCCAM_X = np.arange(5.0)
OCCAM_Y = np.array([1.0, 1.8, 1.9, 2.7, 2.6])
#: ex-regularization-dropout-scale: the drop probability.
DROP_P = 0.2
#: ex-regularization-early-stopping: validation losses and patience.
VAL_LOSSES = (0.90, 0.70, 0.62, 0.60, 0.61, 0.59, 0.63, 0.64, 0.66, 0.55)
PATIENCE = 3
#: ex-regularization-threshold: training points.
THRESHOLD_N = 12


@exercise("ex-regularization-l2-penalty", points=1)
def l2_penalty(value):
    """lambda * sum of squared weights over both matrices."""
    value = float(value)
    want = regularization.penalty(L2_WEIGHTS, "l2", L2_LAM)
    if np.isclose(value, want):
        return None
    if np.isclose(value, regularization.penalty(L2_WEIGHTS, "l1", L2_LAM)):
        return "that is the L1 penalty (sum of |w|); L2 squares every weight"
    if np.isclose(value, want / L2_LAM):
        return "multiply the sum of squares by lambda = 0.01"
    if np.isclose(value, np.sqrt(want / L2_LAM)) or np.isclose(value, L2_LAM * np.sqrt(want / L2_LAM)):
        return "R(W) is the sum of squared weights, not its square root (the norm)"
    if np.isclose(value, want / 2):
        return "no factor 1/2 here: the lectures' L2 penalty is lambda * sum of w^2"
    return "square every entry of W1 and W2, add them all up, multiply by lambda"


@exercise("ex-regularization-occam", points=2)
def occam(winner, line_error, cubic_error):
    """Line vs cubic fitted on the first four points, distance from the fifth."""
    want = {degree: generalization.holdout_error(OCCAM_X, OCCAM_Y, degree, held_out=4)[1]
            for degree in (1, 3)}
    if np.isclose(float(line_error), want[3]) and np.isclose(float(cubic_error), want[1]):
        return "the two distances are swapped: line_error belongs to the degree-1 fit"
    if not np.isclose(float(line_error), want[1]):
        if np.isclose(float(line_error), np.polyval(np.polyfit(OCCAM_X, OCCAM_Y, 1), 4.0) - 2.6,
                      atol=1e-9) or np.isclose(float(line_error), 0.0, atol=1e-6):
            return "fit the line on the first four points only, then predict x = 4"
        return "line_error is |p(4) - 2.6| for the least-squares line through the first four points"
    if not np.isclose(float(cubic_error), want[3]):
        return ("cubic_error is |p(4) - 2.6| for the cubic through the first four points "
                "(a cubic has four coefficients, so it passes through all four)")
    right = "line" if want[1] < want[3] else "cubic"
    if str(winner).strip().lower() != right:
        return "the winner is the fit with the smaller distance from the held-out point"
    return None


@exercise("ex-regularization-dropout-scale", points=1)
def dropout_scale(scale):
    """The factor 1 / (1 - p) of inverted dropout, read off a Dropout mask."""
    mask = regularization.Dropout(DROP_P, rng=np.random.default_rng(0))
    mask.forward(np.ones((1, 64)))
    want = mask.mask.max()
    scale = float(scale)
    if np.isclose(scale, want):
        return None
    if np.isclose(scale, 1 - DROP_P):
        return ("0.8 is the probability of keeping a unit; inverted dropout divides by it "
                "so that the expected activation stays the same")
    if np.isclose(scale, 1 / DROP_P):
        return "divide by the probability of *keeping* a unit, 1 - p, not by p"
    return "the survivors are scaled so that E[scaled activation] equals the activation"


@exercise("ex-regularization-early-stopping", points=2)
def stopping_point(best_epoch, epochs_run):
    """Best epoch (0-based) and epochs run, as early_stopping.early_stopping_epoch computes."""
    best, ran = early_stopping.early_stopping_epoch(VAL_LOSSES, PATIENCE, epochs_run=True)
    if (best_epoch, epochs_run) == (best, ran):
        return None
    if best_epoch == int(np.argmin(VAL_LOSSES)):
        return ("training stops before it ever sees that loss: count the epochs without "
                "a new minimum and stop after the third one")
    if best_epoch == best + 1:
        return "count the epochs from 0: the first loss belongs to epoch 0"
    if best_epoch == 3:
        return "0.59 after epoch 5 is a new minimum, so the wait starts again from there"
    if best_epoch == best and epochs_run != ran:
        return ("the best epoch is right; training runs until the third epoch in a row "
                "without a new minimum, and that epoch counts as run")
    return "go through the list, keep the lowest loss so far and count the epochs since it"


@exercise("ex-regularization-threshold", points=1)
def threshold(p_threshold):
    """Smallest p whose minimum-norm fit on THRESHOLD_N points has zero training error."""
    n = THRESHOLD_N
    rng = np.random.default_rng(0)
    x = np.linspace(-1, 1, n)
    y = datasets.REGRESSION_TARGETS["sin"](x) + 0.2 * rng.standard_normal(n)
    ps = np.arange(max(1, n - 4), n + 5)
    result = generalization.double_descent(x, y, x, y, ps, rng=rng, draws=5)
    want = int(ps[np.argmax(result.train_mse < 1e-12)])
    if int(p_threshold) == want:
        return None
    if int(p_threshold) > want:
        return "with as many features as points the linear system already has an exact solution"
    return "with fewer features than points, least squares cannot pass through every point"
