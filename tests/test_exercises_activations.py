"""Chapter 2's exercise checks: the right answer passes, typical wrong answers get a hint."""
from __future__ import annotations

import numpy as np
import pytest

from lecture_code.exercises import REGISTRY, check, load_all

load_all()


def verdict(exercise_id, *answer):
    return REGISTRY[exercise_id].checker(*answer)


def test_every_chapter_2_exercise_is_registered_with_its_points():
    points = {k: v.points for k, v in REGISTRY.items() if k.startswith("ex-activations-")}
    assert points == {"ex-activations-sigmoid-max": 1, "ex-activations-tanh-prime": 1,
                      "ex-activations-softmax": 2, "ex-activations-output": 2,
                      "ex-activations-collapse": 3, "ex-activations-vanishing": 2}


def test_sigmoid_max():
    assert verdict("ex-activations-sigmoid-max", 0.0, 0.25) is None
    assert verdict("ex-activations-sigmoid-max", 0, 1 / 4) is None
    assert "0.5" in verdict("ex-activations-sigmoid-max", 0.0, 0.5)
    assert "not at that z" in verdict("ex-activations-sigmoid-max", 1.0, 0.25)
    assert verdict("ex-activations-sigmoid-max", 0.0, 1.0) is not None


def test_tanh_prime():
    assert verdict("ex-activations-tanh-prime", 1.0) is None
    assert "tanh(0)" in verdict("ex-activations-tanh-prime", 0.0)
    assert "sigmoid" in verdict("ex-activations-tanh-prime", 0.25)
    assert verdict("ex-activations-tanh-prime", 2.0) is not None


def test_softmax_by_hand():
    e = np.exp([1.0, 2.0, 3.0])
    assert verdict("ex-activations-softmax", e / e.sum()) is None
    assert verdict("ex-activations-softmax", [0.090, 0.245, 0.665]) is None
    assert "exponentiate" in verdict("ex-activations-softmax", [1 / 6, 2 / 6, 3 / 6])
    assert "sum to 1" in verdict("ex-activations-softmax", e)
    assert verdict("ex-activations-softmax", [0.665, 0.245, 0.090]) is not None
    assert "one probability per score" in verdict("ex-activations-softmax", [0.5, 0.5])


def test_output_activations():
    assert verdict("ex-activations-output", "sigmoid", "softmax", "linear") is None
    assert verdict("ex-activations-output", "Sigmoid", "SOFTMAX", "linear") is None
    assert "softmax on one output" in verdict("ex-activations-output", "softmax", "softmax", "linear")
    assert "step on one output" in verdict("ex-activations-output", "step", "softmax", "linear")
    assert "summing" in verdict("ex-activations-output", "sigmoid", "sigmoid", "linear")
    assert "relu cannot" in verdict("ex-activations-output", "sigmoid", "softmax", "relu")
    assert "sigmoid cannot" in verdict("ex-activations-output", "sigmoid", "softmax", "sigmoid")
    with pytest.raises(ValueError, match="must be one of"):
        verdict("ex-activations-output", "sigmoid", "softmax", "identity")


def test_two_linear_layers():
    W1, b1 = np.array([[1.0, 2.0], [0.0, -1.0]]), np.array([1.0, 0.0])
    W2, b2 = np.array([[2.0], [1.0]]), np.array([-1.0])
    assert verdict("ex-activations-collapse", W1 @ W2, b1 @ W2 + b2) is None
    assert verdict("ex-activations-collapse", [4, -1], [1]) is None
    assert "b1 W2 + b2" in verdict("ex-activations-collapse", W1 @ W2, b2)
    assert "b is wrong" in verdict("ex-activations-collapse", W1 @ W2, b1.sum() + b2)
    assert "W1 W2" in verdict("ex-activations-collapse", W2, b1 @ W2 + b2)


def test_vanishing_depth():
    assert verdict("ex-activations-vanishing", 10) is None
    assert "still above" in verdict("ex-activations-vanishing", 9)
    assert "fewer layers" in verdict("ex-activations-vanishing", 11)
    assert verdict("ex-activations-vanishing", 3) is not None
    assert verdict("ex-activations-vanishing", 10.5) is not None


def test_check_prints_pass_and_not_yet(capsys):
    check("ex-activations-tanh-prime", 1.0)
    check("ex-activations-collapse", [[1, 2, 3]], [0])        # wrong shape: explained, no traceback
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "PASS ex-activations-tanh-prime (1/1 points)"
    assert out[1].startswith("NOT YET ex-activations-collapse (0/3 points): ")
