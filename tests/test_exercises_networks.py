"""Chapter 3's exercise checks: the right answer passes, typical wrong answers get a hint."""
from __future__ import annotations

import numpy as np

from lecture_code.exercises import REGISTRY, load_all
from lecture_code.exercises.networks import PHI, THETA

load_all()


def verdict(exercise_id, *answer):
    return REGISTRY[exercise_id].checker(*answer)


def test_every_chapter_3_exercise_is_registered_with_its_points():
    points = {k: v.points for k, v in REGISTRY.items() if k.startswith("ex-networks-")}
    assert points == {"ex-networks-count": 1, "ex-networks-forward": 2, "ex-networks-pieces": 1,
                      "ex-networks-omega": 2, "ex-networks-abs": 2}


def test_count():
    right = 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10
    assert verdict("ex-networks-count", right) is None
    assert "bias" in verdict("ex-networks-count", right - 128 - 64 - 10)
    assert verdict("ex-networks-count", right + 1) is not None


def test_forward_by_hand():
    h = np.maximum(0.0, THETA[:, 0] + THETA[:, 1] * 0.5)
    assert verdict("ex-networks-forward", PHI[0] + PHI[1:] @ h) is None
    skipped = PHI[0] + PHI[1:] @ (THETA[:, 0] + THETA[:, 1] * 0.5)
    assert "ReLU" in verdict("ex-networks-forward", skipped)
    assert verdict("ex-networks-forward", 0.0) is not None


def test_pieces():
    assert verdict("ex-networks-pieces", 8) is None
    assert "one piece more" in verdict("ex-networks-pieces", 7)
    assert "depth" in verdict("ex-networks-pieces", 128)
    assert verdict("ex-networks-pieces", 9) is not None


def test_omega_and_beta():
    omega0, beta0 = THETA[:, 1:], THETA[:, 0]
    assert verdict("ex-networks-omega", omega0, beta0, omega0.T) is None
    assert verdict("ex-networks-omega", omega0.tolist(), beta0.tolist(), omega0.T.tolist()) is None
    assert "(3, 1)" in verdict("ex-networks-omega", omega0.T, beta0, omega0.T)
    assert "beta_0" in verdict("ex-networks-omega", omega0, PHI[1:], omega0.T)
    assert "transpose" in verdict("ex-networks-omega", omega0, beta0, omega0)
    assert verdict("ex-networks-omega", THETA[:, :1], beta0, omega0.T) is not None


def test_absolute_value():
    assert verdict("ex-networks-abs", [[0.0, 1.0], [0.0, -1.0]], [0.0, 1.0, 1.0]) is None
    assert verdict("ex-networks-abs", [[0.0, 2.0], [0.0, -0.5]], [0.0, 0.5, 2.0]) is None
    assert "relu(x) + relu(-x)" in verdict("ex-networks-abs", [[0.0, 1.0], [0.0, 1.0]],
                                             [0.0, 1.0, 1.0])
    assert "shape" in verdict("ex-networks-abs", [[0.0, 1.0]], [0.0, 1.0])
