"""gradcheck: central differences, relative error, and check_model catching a broken backward."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from lecture_code import activations
from lecture_code.gradcheck import check_model, numerical_gradient, relative_error
from lecture_code.network import MLP


def test_numerical_gradient_is_exact_on_a_quadratic():
    # Integers and h = 2^-10 keep every sum and product exactly representable, and central
    # differences have no truncation error on a quadratic: the result is exact.
    rng = np.random.default_rng(0)
    A, b = rng.integers(-3, 4, size=(4, 4)).astype(float), rng.integers(-3, 4, size=4) * 1.0
    x = rng.integers(-5, 6, size=4).astype(float)
    x0 = x.copy()
    grad = numerical_gradient(lambda v: v @ A @ v + b @ v, x, h=2.0 ** -10)
    np.testing.assert_array_equal(grad, (A + A.T) @ x0 + b)
    np.testing.assert_array_equal(x, x0)                  # perturbations are undone


def test_numerical_gradient_of_a_matrix_argument_keeps_its_shape():
    X = np.arange(6.0).reshape(2, 3)
    grad = numerical_gradient(lambda v: float(np.sum(v ** 2)), X, h=2.0 ** -10)
    np.testing.assert_array_equal(grad, 2 * X)


def test_relative_error_semantics():
    a = np.array([3.0, 4.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(a, -a) == 1.0                    # ||2a|| / (2 ||a||)
    assert relative_error(a, np.zeros(2)) == 1.0
    assert relative_error(np.zeros(2), np.zeros(2)) == 0.0
    assert relative_error([1.0, 0.0], [0.0, 1.0]) == pytest.approx(np.sqrt(2) / 2, rel=1e-15)
    assert relative_error(a, 1.1 * a) == pytest.approx(0.1 / 2.1, rel=1e-14)
    assert relative_error(1e-20 * a, 1.1e-20 * a) == pytest.approx(0.1 / 2.1, rel=1e-14)
    assert relative_error([[1.0, 2.0]], [[2.0, 1.0]]) == relative_error([2.0, 1.0], [1.0, 2.0])
    assert relative_error(np.zeros(0), np.zeros(0)) == 0.0


@pytest.mark.parametrize("hidden, output, loss", [("tanh", "sigmoid", "bce"),
                                                  ("sigmoid", "softmax", "cce"),
                                                  ("elu", "linear", "mse")])
def test_check_model_passes_a_correct_mlp(hidden, output, loss):
    rng = np.random.default_rng(1)
    k = 3 if output == "softmax" else 1
    model = MLP([3, 5, k], hidden, output, rng=rng)
    X = rng.normal(size=(8, 3))
    y = np.eye(3)[rng.integers(3, size=8)] if k == 3 else rng.integers(0, 2, size=(8, 1)) * 1.0
    errors = check_model(model, X, y, loss, penalty="l2", lam=0.1)
    assert list(errors) == ["W1", "b1", "W2", "b2"]
    assert max(errors.values()) < 1e-7


def test_check_model_catches_a_broken_derivative(monkeypatch):
    tanh = activations.get("tanh")
    broken = dataclasses.replace(tanh, backward=lambda z, a, da: da * (1.0 - a))  # not 1 - a^2
    monkeypatch.setitem(activations._REGISTRY, "tanh", broken)
    rng = np.random.default_rng(2)
    model = MLP([3, 5, 1], "tanh", "sigmoid", rng=rng)
    X, y = rng.normal(size=(8, 3)), rng.integers(0, 2, size=(8, 1)) * 1.0
    errors = check_model(model, X, y)
    assert errors["W1"] > 1e-2 and errors["b1"] > 1e-2    # the layer below the broken one
    assert errors["W2"] < 1e-7 and errors["b2"] < 1e-7    # the output layer is still right


def test_bad_arguments_name_the_argument():
    with pytest.raises(ValueError, match="x must be a float64 numpy array"):
        numerical_gradient(np.sum, [1.0, 2.0])
    with pytest.raises(ValueError, match="x must be a float64 numpy array"):
        numerical_gradient(np.sum, np.ones(2, dtype=np.float32))
    with pytest.raises(ValueError, match="h must be a number > 0"):
        numerical_gradient(np.sum, np.ones(2), h=0)
    with pytest.raises(ValueError, match="a and b must have the same shape"):
        relative_error(np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match="b contains NaN"):
        relative_error(np.ones(2), [1.0, np.nan])
