"""The chapter 6 checks: a right answer passes, a typical wrong answer gets a hint."""
import numpy as np
import pytest

from lecture_code import activations
from lecture_code.exercises import REGISTRY, check, load_all

load_all()
S = activations.sigmoid
X1, X2, T = 0.05, 0.1, 0.1
W = [0.14, 0.19, 0.24, 0.29, 0.35, 0.40]


def run(exercise_id, *answer):
    return REGISTRY[exercise_id].checker(*answer)


def forward(w):
    h1, h2 = S(X1 * w[0] + X2 * w[1]), S(X1 * w[2] + X2 * w[3])
    out = S(w[4] * h1 + w[5] * h2)
    return h1, h2, out, 0.5 * (T - out) ** 2


def hand_gradients(w5=W[4], w6=W[5]):
    h1, h2, out, _ = forward(W)
    delta = (out - T) * out * (1 - out)
    d1, d2 = delta * w5 * h1 * (1 - h1), delta * w6 * h2 * (1 - h2)
    return delta, h1, h2, np.array([d1 * X1, d1 * X2, d2 * X1, d2 * X2])


def test_w6():
    delta, _, h2, _ = hand_gradients()
    assert run("ex-backprop-w6", delta * h2, W[5] - delta * h2, 1) is None
    assert run("ex-backprop-w6", 0.49 * 0.24 * 0.51, W[5] - 0.49 * 0.24 * 0.51, 1) is None  # slide rounding
    assert "out_h2" in run("ex-backprop-w6", delta * W[5], W[5] - delta * W[5], 1)
    assert "1/2" in run("ex-backprop-w6", 2 * delta * h2, W[5] - 2 * delta * h2, 1)
    assert "subtracts" in run("ex-backprop-w6", delta * h2, W[5] + delta * h2, 1)
    assert "same as for w5" in run("ex-backprop-w6", delta * h2, W[5] - delta * h2, 3)


def test_hidden():
    delta, _, h2, grads = hand_gradients()
    assert run("ex-backprop-hidden", grads, np.array(W[:4]) - grads) is None
    _, h1, _, _ = hand_gradients()
    stale = hand_gradients(w5=W[4] - delta * h1, w6=W[5] - delta * h2)[3]
    assert "old w5" in run("ex-backprop-hidden", stale, np.array(W[:4]) - stale)
    slope = np.array([h1 * (1 - h1)] * 2 + [h2 * (1 - h2)] * 2)
    assert "slope" in run("ex-backprop-hidden", grads / slope, np.array(W[:4]) - grads / slope)
    assert "four" in run("ex-backprop-hidden", grads[:2], W[:2])
    assert "w_i - eta" in run("ex-backprop-hidden", grads, W[:4])


def test_new_output():
    delta, h1, h2, grads = hand_gradients()
    new = np.concatenate([np.array(W[:4]) - grads, [W[4] - delta * h1, W[5] - delta * h2]])
    _, _, out, E = forward(new)
    assert run("ex-backprop-new-output", out, E, True) is None
    assert "old one" in run("ex-backprop-new-output", out, E, False)
    _, _, out_slide, E_slide = forward(W[:4] + [0.31, W[5]])
    assert "0.31" in run("ex-backprop-new-output", out_slide, E_slide, True)
    _, _, out_only, E_only = forward(W[:4] + list(new[4:]))
    assert "only w5 and w6" in run("ex-backprop-new-output", out_only, E_only, True)


def test_sigmoid_neuron():
    x, w, b, y = 1.5, 0.8, -0.5, 1.0
    a = S(w * x + b)
    db = 2 * (a - y) * a * (1 - a)
    assert run("ex-backprop-sigmoid-neuron", db * x, db) is None
    assert "input" in run("ex-backprop-sigmoid-neuron", db, db)
    assert "2 (y_hat - y)" in run("ex-backprop-sigmoid-neuron", db * x / 2, db / 2)
    assert "without the factor x" in run("ex-backprop-sigmoid-neuron", db * x, db * x)


def test_vanishing_depth():
    k = int(np.ceil(np.log(1e-10) / np.log(0.25)))
    assert run("ex-backprop-vanishing-depth", k) is None
    assert "one more layer" in run("ex-backprop-vanishing-depth", k - 1)
    assert run("ex-backprop-vanishing-depth", k + 3) is not None


def test_check_prints_pass_and_points(capsys):
    check("ex-backprop-vanishing-depth", 17)
    assert capsys.readouterr().out.strip() == "PASS ex-backprop-vanishing-depth (1/1 points)"


@pytest.mark.parametrize("exercise_id", ["ex-backprop-w6", "ex-backprop-hidden", "ex-backprop-new-output",
                                         "ex-backprop-sigmoid-neuron", "ex-backprop-vanishing-depth"])
def test_registered(exercise_id):
    assert exercise_id in REGISTRY and REGISTRY[exercise_id].points >= 1
