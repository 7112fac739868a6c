"""Checks for chapter 4, loss functions. Each recomputes the answer with lecture_code."""
from __future__ import annotations

import numpy as np

from .. import activations, datasets, losses, network, training
from . import exercise
from ._answers import Unusable, array, call, close, fresh, judge, number

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


#: ex-loss-bce-single: the loss asked for, of a student who failed (y = 0).
SINGLE_LOSS = 1.0


@exercise("ex-loss-bce-single", points=1)
def bce_single(p_pass):
    """The P(pass) at which a student who fails (y = 0) costs a binary cross-entropy of exactly 1."""
    p = number(p_pass, "p_pass")
    # the loss -log(1 - p) of y = 0 grows with p: bisect it to 1 with the package's BCE
    low, high = 0.0, 1.0
    for _ in range(80):
        mid = (low + high) / 2
        low, high = (mid, high) if losses.binary_cross_entropy([mid], [0.0]) < SINGLE_LOSS else (low, mid)
    if close(p, low, decimals=3):
        return None
    if not 0.0 <= p <= 1.0:
        return "p_pass is a probability, between 0 and 1"
    if close(p, 1.0 - low, decimals=3):
        return ("that probability costs 1 for a student who passed (-log p); the student failed, "
                "so the loss is -log(1 - p)")
    if close(p, 1.0 - 10.0 ** -SINGLE_LOSS, decimals=3):
        return "the cross-entropy uses the natural logarithm (np.log), not log10"
    return "set -log(1 - p) = 1 and solve for p"


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
    if not close(number(slope_mse, "slope_mse"), _slope(fit_line(X_out, y_out, "mse")), decimals=3):
        return ("slope_mse is the slope (the weight W[0, 0]) of the MSE line fitted to the data "
                "with the outlier, to three decimals")
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


#: The package functions ex-loss-bce-logits asks the student to write (and their kernels).
BCE_FUNCTIONS = (losses.binary_cross_entropy_with_logits, losses.binary_cross_entropy_with_logits_grad,
                 losses._bce_logits, losses._bce_logits_grad, losses.binary_cross_entropy,
                 losses.binary_cross_entropy_grad, losses._bce, losses._bce_grad)


def _logit_cases(rng):
    """Fresh (z, y): random shapes and logits, saturated logits of both signs, one example."""
    n, k = int(rng.integers(2, 40)), int(rng.integers(2, 4))   # k > 1: the mean runs over n * k entries
    yield rng.normal(0.0, 3.0, (n, k)), rng.integers(0, 2, (n, k)).astype(float)
    n = int(rng.integers(4, 20))
    # |z| >= 40: 1 + exp(-z) rounds to 1, so sigma(z) is exactly 1 and log(1 - sigma(z)) is -inf
    sizes = rng.uniform(40.0, 800.0, (n, 1)) * rng.choice([-1.0, 1.0], (n, 1))
    y = rng.integers(0, 2, (n, 1)).astype(float)
    y[0], sizes[0] = 1.0, -abs(sizes[0])          # at least one confidently wrong positive
    y[1], sizes[1] = 0.0, abs(sizes[1])           # ... and one confidently wrong negative
    yield sizes, y
    yield rng.normal(0.0, 2.0, (1, 1)), np.array([[float(rng.integers(0, 2))]])


def _logit_loss_hint(function, z, y):
    want = losses.binary_cross_entropy_with_logits(z, y)
    with np.errstate(all="ignore"):
        got = call(function, z, y, name="your loss function")
        try:
            got = float(np.asarray(got, dtype=float).reshape(()))
        except (TypeError, ValueError):
            raise Unusable("your loss function should return one number, the mean loss, "
                           f"got {type(got).__name__} of shape {np.shape(got)}") from None
    if not np.isfinite(got):
        return (f"on saturated logits (|z| up to {np.abs(z).max():.0f}) your loss is {got}: "
                "sigma(z) rounds to 0 or 1 there and the log of it to -inf; write -log sigma(z) "
                "and -log(1 - sigma(z)) as softplus terms, np.logaddexp(0, -z) and np.logaddexp(0, z)")
    if close(got, want, rtol=1e-9, atol=1e-12):
        return None
    if close(got, want * z.size, rtol=1e-9):
        return "that is the sum over the entries; the loss is their mean"
    if z.shape[1] > 1 and close(got, want * z.shape[1], rtol=1e-9):
        return "divide by all n * k entries of z, not by the number of rows"
    if close(got, losses.binary_cross_entropy_with_logits(-z, y), rtol=1e-9):
        return "the two terms are swapped: a label 1 costs -log sigma(z), a label 0 -log(1 - sigma(z))"
    if close(got, want / np.log(10), rtol=1e-9):
        return "use the natural logarithm, not log10"
    return (f"your loss differs from the binary cross-entropy on z of shape {z.shape}: "
            "mean of y * softplus(-z) + (1 - y) * softplus(z)")


def _logit_grad_hint(function, z, y):
    want = losses.binary_cross_entropy_with_logits_grad(z, y)
    with np.errstate(all="ignore"):
        got = array(call(function, z, y, name="your gradient function"), name="the gradient your function returns")
    if got.shape != want.shape:
        return f"the gradient has the shape of z, {z.shape}, got {got.shape}"
    if not np.all(np.isfinite(got)):
        return (f"on saturated logits (|z| up to {np.abs(z).max():.0f}) your gradient is not finite; "
                "sigma(z) - y needs no logarithm")
    if close(got, want, rtol=1e-9, atol=1e-15):
        return None
    if close(got, want * z.size, rtol=1e-9, atol=1e-15):
        return "the loss is a mean over the entries, so its gradient carries the factor 1/(n k)"
    if close(got, -want, rtol=1e-9, atol=1e-15):
        return "the sign is reversed: the gradient is positive where the model's sigma(z) is above the label"
    p = activations.sigmoid(z)
    with np.errstate(all="ignore"):
        wrt_p = (p - y) / (p * (1 - p)) / z.size
    if close(got[np.isfinite(wrt_p)], wrt_p[np.isfinite(wrt_p)], rtol=1e-6):
        return "that is the gradient with respect to p = sigma(z); the exercise asks for dL/dz, through the sigmoid"
    return f"your gradient differs from dL/dz on z of shape {z.shape}; differentiate softplus(z) first"


@exercise("ex-loss-bce-logits", points=4, parts={"loss": 2, "gradient": 2}, writes=BCE_FUNCTIONS)
def bce_logits(loss_function, grad_function):
    """Functions (z, y) -> mean BCE of sigma(z), and -> dL/dz, checked on fresh and saturated logits."""
    cases = list(_logit_cases(fresh()))

    def first_hint(hint_of, function):
        for z, y in cases:
            hint = hint_of(function, z, y)
            if hint is not None:
                return hint
        return None

    return {"loss": judge(first_hint, _logit_loss_hint, loss_function),
            "gradient": judge(first_hint, _logit_grad_hint, grad_function)}
