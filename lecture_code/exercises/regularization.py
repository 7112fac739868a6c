"""Checks for chapter 7, regularization and generalization. Each recomputes the answer
with lecture_code; the functions the student writes are called on fresh inputs."""
from __future__ import annotations

import numpy as np

from .. import early_stopping, generalization, regularization
from . import exercise
from ._answers import Unusable, array, call, close, fresh, judge, number

#: ex-regularization-l2-penalty: the weight matrices W^(1), W^(2) and lambda of the exercise.
L2_WEIGHTS = (np.array([[1.0, -2.0], [0.0, 0.5]]), np.array([[3.0], [-1.0]]))
L2_LAM = 0.01
#: ex-regularization-occam: the five points.
OCCAM_X = np.arange(5.0)
OCCAM_Y = np.array([1.02, 1.49, 2.21, 2.38, 3.07])


@exercise("ex-regularization-l2-penalty", points=1)
def l2_penalty(value):
    """lambda * sum of squared weights over both matrices."""
    value = number(value, "l2_penalty")
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
    return "square every entry of both weight matrices, add them all up, multiply by lambda"


@exercise("ex-regularization-occam", points=2)
def occam(winner, line_error, cubic_error):
    """Line vs cubic fitted on the first four points, distance from the fifth."""
    line_error, cubic_error = number(line_error, "line_error"), number(cubic_error, "cubic_error")
    want = {degree: generalization.holdout_error(OCCAM_X, OCCAM_Y, degree, held_out=4)[1]
            for degree in (1, 3)}
    if np.isclose(line_error, want[3]) and np.isclose(cubic_error, want[1]):
        return "the two distances are swapped: line_error belongs to the degree-1 fit"
    if not np.isclose(line_error, want[1]):
        on_all = abs(np.polyval(np.polyfit(OCCAM_X, OCCAM_Y, 1), 4.0) - OCCAM_Y[4])
        if np.isclose(line_error, on_all, atol=1e-9) or np.isclose(line_error, 0.0, atol=1e-6):
            return "fit the line on the first four points only, then predict x = 4"
        return "line_error is |p(4) - y_4| for the least-squares line through the first four points"
    if not np.isclose(cubic_error, want[3]):
        return ("cubic_error is |p(4) - y_4| for the cubic through the first four points "
                "(a cubic has four coefficients, so it passes through all four)")
    right = "line" if want[1] < want[3] else "cubic"
    if not isinstance(winner, str) or winner.strip().lower() != right:
        return 'the winner, "line" or "cubic", is the fit with the smaller distance from the held-out point'
    return None


# -- ex-regularization-dropout ---------------------------------------------------------

def _dropout_cases(rng):
    """Fresh (A, p, seed): random shapes and rates, one example, p = 0, a rate near 1; for p > 0
    the seed's mask keeps some units and drops others, so that every mistake shows. The first A
    has at least 32 units, so that no other mask matches its mask by chance."""
    for n, d, p in ((int(rng.integers(8, 40)), int(rng.integers(4, 30)), rng.uniform(0.05, 0.9)),
                    (1, int(rng.integers(2, 20)), rng.uniform(0.1, 0.6)),
                    (int(rng.integers(2, 10)), int(rng.integers(2, 10)), 0.0),
                    (int(rng.integers(5, 20)), int(rng.integers(5, 20)), 0.95)):
        A = rng.normal(0.0, 2.0, (n, d))
        A[rng.random(A.shape) < 0.1] = 0.0                  # some units already silent
        seed = int(rng.integers(0, 2 ** 31))
        while p > 0 and (np.random.default_rng(seed).random(A.shape) >= p).sum() in (0, A.size):
            seed = int(rng.integers(0, 2 ** 31))            # a mask that keeps some units and drops some
        yield A, float(p), seed


def _reference(A, p, seed):
    layer = regularization.Dropout(p, rng=np.random.default_rng(seed))
    out = layer.forward(A)
    return out, np.ones_like(A) if layer.mask is None else layer.mask


def _forward_hint(forward):
    for A, p, seed in _dropout_cases(fresh()):
        want_out, want_mask = _reference(A, p, seed)
        answer = call(forward, A, p, np.random.default_rng(seed), name="dropout_forward")
        if not isinstance(answer, tuple) or len(answer) != 2:
            return "dropout_forward should return two arrays, (out, mask)"
        out = array(answer[0], A.shape, "the out of dropout_forward")
        mask = array(answer[1], A.shape, "the mask of dropout_forward")
        if close(out, want_out, rtol=1e-12) and close(mask, want_mask, rtol=1e-12):
            continue
        kept = np.random.default_rng(seed).random(A.shape) >= p
        if close(mask, kept * 1.0) or close(out, A * kept):
            return "scale the units you keep by 1 / (1 - p), so that the expected activation stays the same"
        if p > 0 and (close(mask, kept / p) or close(out, A * kept / p)):
            return "divide by the probability of keeping a unit, 1 - p, not by p"
        if close(mask, ~kept / (1.0 - p)) or close(out, A * ~kept / (1.0 - p)):
            return "a unit is dropped with probability p: keep it where the draw u >= p, drop it where u < p"
        if close(mask, want_mask) and not close(out, want_out):
            return "the mask is right; out is A * mask"
        return (f"draw u = rng.random(A.shape) once and keep the units with u >= p; your function is "
                f"wrong for A of shape {A.shape} and p = {p:.2f}")
    return None


def _backward_hint(backward):
    for A, p, seed in _dropout_cases(fresh()):
        _, mask = _reference(A, p, seed)
        dout = np.random.default_rng(seed + 1).normal(0.0, 1.0, A.shape)
        got = array(call(backward, dout, mask, name="dropout_backward"), A.shape,
                    "what dropout_backward returns")
        if close(got, dout * mask, rtol=1e-12):
            continue
        if close(got, dout):
            return "a dropped unit passes no gradient back: multiply dout by the mask"
        if close(got, dout * (mask > 0)):
            return "the kept units were scaled by 1 / (1 - p) on the way forward; their gradient is scaled too"
        return "out = A * mask, so d out / d A is the mask: the gradient is dout * mask"
    return None


@exercise("ex-regularization-dropout", points=3, parts={"forward": 2, "backward": 1},
          writes=(regularization.Dropout.forward, regularization.Dropout.backward))
def dropout(forward, backward):
    """Inverted dropout's forward (with a given rng) and backward, against regularization.Dropout."""
    return {"forward": judge(_forward_hint, forward), "backward": judge(_backward_hint, backward)}


# -- ex-regularization-early-stopping --------------------------------------------------

def _curves(rng):
    """Fresh (validation losses, patience): one whose lowest loss comes after the stop, noisy
    U-shaped curves, ties, a curve that never improves, a flat one, a single epoch, patience 1
    and patience longer than the run."""
    patience = int(rng.integers(1, 4))                                  # stops before its lowest loss
    rise = list(np.sort(rng.uniform(0.55, 0.9, patience + int(rng.integers(1, 4)))))
    yield [float(rng.uniform(0.9, 1.2)), 0.5] + rise + [float(rng.uniform(0.05, 0.4))], patience
    n = int(rng.integers(20, 200))
    t = np.linspace(0, 1, n)
    u_shape = 0.3 + (t - rng.uniform(0.2, 0.8)) ** 2 + rng.normal(0, 0.02, n)
    yield list(u_shape), int(rng.integers(2, 15))
    yield list(np.round(u_shape, 1)), int(rng.integers(1, 6))          # many ties
    yield list(np.round(u_shape, 1)), 1
    yield list(np.sort(rng.uniform(0.5, 1.0, int(rng.integers(4, 12))))), int(rng.integers(1, 4))
    yield [float(rng.uniform(0.1, 1))] * int(rng.integers(2, 10)), int(rng.integers(1, 4))
    yield [float(rng.uniform(0.1, 1))], int(rng.integers(1, 4))
    yield list(np.sort(rng.uniform(0.1, 1.0, int(rng.integers(3, 10))))[::-1]), 1   # always improves
    yield list(u_shape), n + int(rng.integers(0, 5))                    # patience never runs out


def _pair(answer):
    if (not isinstance(answer, (tuple, list)) or len(answer) != 2
            or not all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
                       for v in answer)):
        raise Unusable(f"early_stop should return two whole numbers, (best_epoch, epochs_run), got {answer!r}")
    return int(answer[0]), int(answer[1])


def _ties_improve(val, patience):
    """The rule with a mistake: a loss equal to the best so far counts as an improvement."""
    best, best_epoch, waited = np.inf, 0, 0
    for epoch, value in enumerate(val):
        if value <= best:
            best, best_epoch, waited = value, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch + 1
    return best_epoch, len(val)


def _early_stop_hint(function):
    curves = list(_curves(fresh()))
    failures = []                    # (val, patience, the right answer, the function's)
    for val, patience in curves:
        want = early_stopping.early_stopping_epoch(val, patience, epochs_run=True)
        got = _pair(call(function, list(val), patience, name="early_stop"))
        if got != want:
            failures.append((val, patience, want, got))
    if not failures:
        return None

    def every(mistake):
        return all(mistake(*failure) for failure in failures)

    # A mistake is named when it explains every failure, not one that a draw happens to fit:
    # counting from 1 is wrong on every curve, a tie taken for an improvement only on ties.
    if len(failures) == len(curves) and every(
            lambda val, patience, want, got: got in ((want[0] + 1, want[1]), (want[0] + 1, want[1] + 1))):
        return "count the epochs from 0: the first loss belongs to epoch 0"
    if every(lambda val, patience, want, got: got == _ties_improve(val, patience)):
        return ("a loss equal to the best so far is no improvement: it does not reset the wait "
                "or move the best epoch")
    val, patience, (best, ran), got = failures[0]
    if got[0] == int(np.argmin(val)) != best:
        return ("training stops before it sees the rest of the curve: the best epoch is the lowest "
                "loss among the epochs that ran")
    if got == (best, ran - 1):
        return "the epoch that ends the wait counts as run: stopping after epoch e means e + 1 epochs ran"
    if got[0] == best and ran == len(val):
        return "when the patience never runs out, training runs every epoch of the curve"
    return (f"go through the list, keep the lowest loss so far and count the epochs since it; "
            f"your function is wrong on {len(val)} losses with patience {patience}")


@exercise("ex-regularization-early-stopping", points=3,
          writes=(early_stopping.early_stopping_epoch,))
def early_stop(function):
    """A function (val_losses, patience) -> (best_epoch, epochs_run), as early_stopping_epoch computes."""
    return judge(_early_stop_hint, function)
