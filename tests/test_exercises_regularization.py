"""Chapter 7's exercise checks: the right answer passes, typical mistakes get a hint."""
from __future__ import annotations

import numpy as np
from support import exercise_tests

from lecture_code.exercises import attempt, check
from lecture_code.exercises import regularization as ex

SQUARES = 1 + 4 + 0 + 0.25 + 9 + 1
X5, Y5 = np.arange(5.0), np.array([1.02, 1.49, 2.21, 2.38, 3.07])
LINE = abs(np.polyval(np.polyfit(X5[:4], Y5[:4], 1), 4.0) - Y5[4])
CUBIC = abs(np.polyval(np.polyfit(X5[:4], Y5[:4], 3), 4.0) - Y5[4])


def dropout_forward(A, p, rng):
    mask = (rng.random(A.shape) >= p) / (1 - p)
    return A * mask, mask


def dropout_backward(dout, mask):
    return dout * mask


def early_stop(val_losses, patience):
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited == patience:
                return best_epoch, epoch + 1
    return best_epoch, len(val_losses)


def unscaled(A, p, rng):
    mask = (rng.random(A.shape) >= p) * 1.0
    return A * mask, mask


def by_p(A, p, rng):
    keep = rng.random(A.shape) >= p
    return A * keep / max(p, 1e-3), keep / max(p, 1e-3)


def inverted(A, p, rng):
    mask = (rng.random(A.shape) < p) / (1 - p)
    return A * mask, mask


def fresh_draw(A, p, rng):
    mask = (np.random.default_rng().random(A.shape) >= p) / (1 - p)
    return A * mask, mask


def numpy_only(A, p, rng):
    return A, np.ones_like(A)


def ties_improve(val, patience):
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val):
        if loss <= best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited == patience:
                return best_epoch, epoch + 1
    return best_epoch, len(val)


def one_based(val, patience):
    best, ran = early_stop(val, patience)
    return best + 1, ran


def global_minimum(val, patience):
    return int(np.argmin(val)), early_stop(val, patience)[1]


def one_short(val, patience):
    best, ran = early_stop(val, patience)
    return best, ran - 1


def never_stops(val, patience):
    return early_stop(val, patience)[0], len(val)


RIGHT = {
    "ex-regularization-l2-penalty": (0.01 * SQUARES,),
    "ex-regularization-occam": ("line" if LINE < CUBIC else "cubic", LINE, CUBIC),
    "ex-regularization-dropout": (dropout_forward, dropout_backward),
    "ex-regularization-early-stopping": (early_stop,),
}

WRONG = [
    ("ex-regularization-l2-penalty", (0.01 * (1 + 2 + 0 + 0.5 + 3 + 1),), "L1"),
    ("ex-regularization-l2-penalty", (SQUARES,), "multiply"),
    ("ex-regularization-l2-penalty", (np.sqrt(SQUARES),), "square root"),
    ("ex-regularization-l2-penalty", (0.005 * SQUARES,), "1/2"),
    ("ex-regularization-l2-penalty", (1.0,), "square every entry"),
    ("ex-regularization-occam", ("line", CUBIC, LINE), "swapped"),
    ("ex-regularization-occam", ("line", 0.0, CUBIC), "first four points only"),
    ("ex-regularization-occam", ("line", 0.3, CUBIC), "least-squares line"),
    ("ex-regularization-occam", ("line", LINE, 0.0), "cubic through"),
    ("ex-regularization-occam", ("line" if LINE > CUBIC else "cubic", LINE, CUBIC), "smaller distance"),
    ("ex-regularization-dropout", (unscaled, dropout_backward), "1 / (1 - p)"),
    ("ex-regularization-dropout", (by_p, dropout_backward), "not by p"),
    ("ex-regularization-dropout", (inverted, dropout_backward), "u >= p"),
    ("ex-regularization-dropout", (fresh_draw, dropout_backward), "rng.random(A.shape) once"),
    ("ex-regularization-dropout", (lambda A, p, rng: A, dropout_backward), "(out, mask)"),
    ("ex-regularization-dropout", (numpy_only, dropout_backward), "forward:"),
    ("ex-regularization-dropout", (dropout_forward, lambda dout, mask: dout), "multiply dout by the mask"),
    ("ex-regularization-dropout", (dropout_forward, lambda dout, mask: dout * (mask > 0)), "scaled too"),
    ("ex-regularization-dropout", (dropout_forward, lambda dout, mask: 2 * dout * mask), "backward:"),
    ("ex-regularization-early-stopping", (ties_improve,), "no improvement"),
    ("ex-regularization-early-stopping", (one_based,), "count the epochs from 0"),
    ("ex-regularization-early-stopping", (global_minimum,), "rest of the curve"),
    ("ex-regularization-early-stopping", (one_short,), "counts as run"),
    ("ex-regularization-early-stopping", (never_stops,), "keep the lowest loss so far"),
    ("ex-regularization-early-stopping", (lambda val, patience: int(np.argmin(val)),), "two whole numbers"),
]

globals().update(exercise_tests("ex-regularization-", RIGHT, WRONG))


def test_the_line_wins_in_the_exercise_and_the_answer_is_recomputed():
    assert LINE < CUBIC
    assert ex.occam(" Line ", LINE, CUBIC) is None


def test_a_right_forward_with_a_wrong_backward_earns_the_forward_points():
    passed, hint, earned = attempt("ex-regularization-dropout", dropout_forward, lambda d, m: d)
    assert not passed and earned == 2 and hint.startswith("backward:")


def test_the_curves_include_the_edge_cases():
    curves = list(ex._curves(np.random.default_rng(5)))
    assert any(len(val) == 1 for val, _ in curves)
    assert any(p == 1 for _, p in curves) and any(p >= len(val) for val, p in curves)
    assert any(len(set(val)) < len(val) for val, _ in curves)                       # ties
    assert any(early_stop(val, p)[0] == 0 and len(val) > 1 for val, p in curves)    # never improves


def test_unanswerable_input_prints_not_yet(capsys):
    check("ex-regularization-l2-penalty", "a lot")
    assert capsys.readouterr().out.startswith("NOT YET ex-regularization-l2-penalty")


def test_the_first_curve_hides_its_lowest_loss_behind_the_stop():
    for seed in range(20):
        val, patience = next(ex._curves(np.random.default_rng(seed)))
        best, ran = early_stop(val, patience)
        assert ran < len(val) and int(np.argmin(val)) >= ran
