"""The perceptron: the lectures' worked example and Rosenblatt's rule on AND, OR and XOR."""
from __future__ import annotations

import numpy as np
import pytest

from lecture_code.perceptron import Perceptron, best_line, perceptron_output, update

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
GATES = {"and": np.array([0, 0, 0, 1]), "or": np.array([0, 1, 1, 1])}
XOR = np.array([0, 1, 1, 0])


def test_the_lectures_worked_example():
    # w0 = 1, W = [3, -2], x = [-1, 2]: z = 1 - 3 - 4 = -6, sigmoid(-6) = 1 / (1 + e^6)
    assert Perceptron(2, w0=1.0, w=[3.0, -2.0]).decision([[-1.0, 2.0]])[0] == -6.0
    assert perceptron_output([-1, 2], 1.0, [3, -2], "sigmoid") == pytest.approx(
        1 / (1 + np.exp(6)), rel=1e-15)
    assert round(perceptron_output([-1, 2], 1.0, [3, -2], "sigmoid"), 5) == 0.00247
    assert perceptron_output([-1, 2], 1.0, [3, -2]) == 0.0          # step(-6)
    np.testing.assert_array_equal(perceptron_output(X, -1.5, [1, 1]), GATES["and"])


@pytest.mark.parametrize("gate", GATES)
@pytest.mark.parametrize("shuffle", [False, True])
def test_rosenblatt_rule_converges_on_linearly_separable_gates(gate, shuffle):
    rng = np.random.default_rng(0) if shuffle else None
    p = Perceptron(2).fit(X, GATES[gate], epochs=50, rng=rng)
    assert p.mistakes[-1] == 0 and len(p.mistakes) < 50 and sum(p.mistakes) > 0
    np.testing.assert_array_equal(p.predict(X), GATES[gate])


@pytest.mark.parametrize("shuffle", [False, True])
def test_rosenblatt_rule_never_learns_xor(shuffle):
    rng = np.random.default_rng(0) if shuffle else None
    p = Perceptron(2).fit(X, XOR, epochs=200, rng=rng)
    assert len(p.mistakes) == 200 and min(p.mistakes) > 0
    assert (p.predict(X) != XOR).any()


def test_the_rule_updates_only_on_mistakes():
    p = Perceptron(2, lr=0.5, w0=-1.0, w=[1.0, 1.0])
    p.fit([[1.0, 1.0]], [1], epochs=1)        # z = 1 >= 0: correct, nothing changes
    assert p.w0 == -1.0 and p.w.tolist() == [1.0, 1.0] and p.mistakes == [0]
    p.fit([[2.0, 1.0]], [0], epochs=1)        # z = 2, y_hat = 1, error -1
    assert p.w0 == -1.5 and p.w.tolist() == [0.0, 0.5] and p.mistakes == [1]


@pytest.mark.parametrize("call, match", [
    (lambda: Perceptron(2).fit(X, [0, 1, 2, 1]), "y must hold class labels 0 and 1"),
    (lambda: Perceptron(3).fit(X, XOR), r"X must have 3 column\(s\)"),
    (lambda: Perceptron(2).fit(X, XOR[:3]), "X and y must have the same number of rows"),
    (lambda: Perceptron(2).fit(X, XOR, epochs=0), "epochs must be a whole number >= 1"),
    (lambda: Perceptron(2).fit(X, XOR, rng=1), "rng must be a numpy.random.Generator"),
    (lambda: Perceptron(2, lr=0), "lr must be a number > 0"),
    (lambda: Perceptron(0), "n_features must be a whole number >= 1"),
    (lambda: Perceptron(2, w=[1.0]), "w must have 2 entries"),
    (lambda: perceptron_output([1, 2, 3], 0.0, [1, 1]), "x must have 2 feature"),
    (lambda: perceptron_output([np.nan, 2], 0.0, [1, 1]), "x contains NaN"),
    (lambda: perceptron_output([1, 2], 0.0, [1, 1], "swish"), "unknown activation 'swish'"),
])
def test_bad_arguments_name_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_best_line_on_the_four_xor_corners_gets_three():
    w0, w, acc = best_line(X, XOR)
    assert acc == 0.75
    assert np.mean(perceptron_output(X, w0, w) == XOR) == 0.75     # the line it returns scores that


@pytest.mark.parametrize("gate", GATES)
def test_best_line_separates_separable_gates(gate):
    w0, w, acc = best_line(X, GATES[gate])
    assert acc == 1.0
    np.testing.assert_array_equal(perceptron_output(X, w0, w), GATES[gate])


def test_best_line_beats_every_random_line():
    rng = np.random.default_rng(3)
    pts, labels = rng.normal(size=(25, 2)), rng.integers(0, 2, size=25)
    w0, w, acc = best_line(pts, labels)
    assert np.mean(perceptron_output(pts, w0, w) == labels) == acc
    # brute force: every line through two points, moved so that the two fall on
    # the same side (shifted) or on opposite sides (turned about their midpoint),
    # in both orientations; in general position the best line is one of these
    best_brute = 0.0
    for a in range(25):
        for b in range(a + 1, 25):
            mid = (pts[a] + pts[b]) / 2
            for turn in (-1e-7, 0.0, 1e-7):
                c, s = np.cos(np.pi / 2 + turn), np.sin(np.pi / 2 + turn)
                normal = np.array([[c, -s], [s, c]]) @ (pts[b] - pts[a])
                for shift in ((-1e-9, 1e-9) if turn == 0.0 else (0.0,)):
                    for sign in (1.0, -1.0):
                        z = sign * ((pts - mid) @ normal + shift)
                        best_brute = max(best_brute, np.mean((z >= 0) == labels))
    assert acc == best_brute
    random_w = rng.normal(size=(2000, 2))
    random_w0 = rng.normal(size=2000)
    assert acc >= np.max(np.mean(((pts @ random_w.T + random_w0) >= 0) == labels[:, None], axis=0))


def test_best_line_rejects_bad_labels():
    with pytest.raises(ValueError, match="labels 0 and 1"):
        best_line(X, [0, 1, 2, 0])
    with pytest.raises(ValueError, match="X"):
        best_line(np.ones((4, 3)), XOR)


def test_update_is_one_step_of_the_rule_that_fit_applies():
    rng = np.random.default_rng(5)
    X_blob, y_blob = rng.normal(size=(30, 3)), rng.integers(0, 2, 30)
    p = Perceptron(3, lr=0.3, w0=0.2, w=[0.5, -1.0, 0.25])
    w0, w = p.w0, p.w.copy()
    for x, y in zip(X_blob, y_blob):
        w0, w = update(w0, w, x, y, lr=0.3)
    p.fit(X_blob, y_blob, epochs=1)
    assert p.w0 == w0 and np.array_equal(p.w, w)


def test_update_moves_only_on_a_mistake_and_the_step_says_1_at_zero():
    w0, w = update(0.0, [0.0, 0.0], [1.0, 2.0], 0, lr=1.0)           # z = 0: y_hat = 1, y = 0
    assert w0 == -1.0 and w.tolist() == [-1.0, -2.0]
    w0, w = update(0.5, [1.0, 1.0], [1.0, 2.0], 1, lr=0.1)           # right: nothing moves
    assert w0 == 0.5 and w.tolist() == [1.0, 1.0]
    w0, w = update(-1.0, [1.0], [0.5], 1, lr=0.5)                    # z < 0 but y = 1: towards x
    assert w0 == -0.5 and w.tolist() == [1.25]
    with pytest.raises(ValueError, match="y"):
        update(0.0, [1.0], [1.0], 0.5)
    with pytest.raises(ValueError, match="x"):
        update(0.0, [1.0, 2.0], [1.0], 1)
