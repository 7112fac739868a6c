"""Losses: gradients against central differences and torch, laws, and error messages."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from lecture_code import losses
from lecture_code.gradcheck import numerical_gradient

TORCH = {
    "mse": F.mse_loss,
    "mae": F.l1_loss,
    "bce": F.binary_cross_entropy,
    "cce": lambda p, y: F.nll_loss(torch.log(p), y.argmax(dim=1)),
}
# Central differences err by h^2 |f'''| / 6 + eps |f| / h. The logs' f''' ~ 2 / p^3 is large
# for p ~ 0.05, so h = 1e-6 (not eps^(1/3)); both terms are then ~1e-10 and 1e-9 is the
# tightest bound that holds for all four losses.
H, FD_TOL = 1e-6, 1e-9


def pair(name, rng, n=4, k=3):
    """(y_pred, y_true) of shape (n, k), valid for the loss and away from mae's kink."""
    if name == "cce":
        z = rng.normal(size=(n, k))
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        return p, np.eye(k)[rng.integers(k, size=n)]
    if name == "bce":
        return rng.uniform(0.05, 0.95, size=(n, k)), rng.integers(0, 2, size=(n, k)).astype(float)
    y = rng.normal(size=(n, k))
    return y + rng.choice([-1, 1], size=(n, k)) * rng.uniform(0.1, 1, size=(n, k)), y


@pytest.mark.parametrize("name", losses.NAMES)
def test_gradient_matches_central_differences(name):
    loss = losses.get(name)
    p, y = pair(name, np.random.default_rng(1))
    numeric = numerical_gradient(lambda q: loss(q, y), p.copy(), H)
    np.testing.assert_allclose(loss.grad(p, y), numeric, rtol=0, atol=FD_TOL)


@pytest.mark.parametrize("name", losses.NAMES)
def test_value_and_gradient_match_torch(name):
    loss = losses.get(name)
    p, y = pair(name, np.random.default_rng(2))
    pt = torch.tensor(p, requires_grad=True)
    value = TORCH[name](pt, torch.tensor(y))
    value.backward()
    assert loss(p, y) == pytest.approx(value.item(), rel=1e-14)
    np.testing.assert_allclose(loss.grad(p, y), pt.grad.numpy(), rtol=1e-13, atol=0)


@pytest.mark.parametrize("name", losses.NAMES)
def test_kernels_equal_the_checked_functions(name):
    loss = losses.get(name)
    p, y = pair(name, np.random.default_rng(3))
    assert loss.kernel(p, y) == loss.value(p, y)
    np.testing.assert_array_equal(loss.kernel_grad(p, y), loss.grad(p, y))


def test_a_1d_target_is_read_as_one_column():
    p, y = np.array([0.2, 0.9]), np.array([0.0, 1.0])
    assert losses.binary_cross_entropy(p, y) == losses.binary_cross_entropy(p[:, None], y[:, None])
    assert losses.mse_grad(p, y).shape == (2, 1)


def test_losses_average_over_all_entries():
    p, y = np.array([[1.0, 3.0], [0.0, 0.0]]), np.zeros((2, 2))
    assert losses.mse(p, y) == 10 / 4 and losses.mae(p, y) == 4 / 4
    np.testing.assert_array_equal(losses.mse_grad(p, y), [[0.5, 1.5], [0, 0]])
    # cce sums the classes of a row and averages the rows, as torch does
    q = np.array([[0.5, 0.5], [0.25, 0.75]])
    assert losses.categorical_cross_entropy(q, np.eye(2)) == pytest.approx(
        -(np.log(0.5) + np.log(0.75)) / 2, rel=1e-15)


def test_cross_entropies_are_finite_at_certain_wrong_predictions():
    # 1 - EPS rounds in float64 (by ~1e-16, i.e. 1e-4 of EPS), hence rel=1e-5 not tighter
    assert losses.binary_cross_entropy([[0.0], [1.0]], [[1.0], [0.0]]) == pytest.approx(
        -np.log(losses.EPS), rel=1e-5)
    assert np.isfinite(losses.categorical_cross_entropy_grad([[0.0, 1.0]], [[1.0, 0.0]])).all()


def test_get_resolves_aliases_and_fusions():
    assert losses.get("cross_entropy").name == "cce"
    assert losses.get("binary_cross_entropy").name == "bce"
    assert losses.get("MSE").name == "mse"
    assert {n: losses.get(n).fused_with for n in losses.NAMES} == {
        "mse": None, "mae": None, "bce": "sigmoid", "cce": "softmax"}


@pytest.mark.parametrize("args, match", [
    ((np.zeros((3, 2)), np.zeros((3, 1))), "y_pred and y_true must have the same shape"),
    ((np.zeros((2, 2, 2)), np.zeros((2, 2, 2))), "y_pred must be 1-D or 2-D"),
    (([[np.nan]], [[0.0]]), "y_pred contains NaN"),
    (([[0.0]], [[np.inf]]), "y_true contains infinite"),
    ((np.zeros((0, 1)), np.zeros((0, 1))), "y_pred is empty"),
    ((["a"], [1.0]), "y_pred must be an array of numbers"),
])
def test_bad_inputs_name_the_argument(args, match):
    with pytest.raises(ValueError, match=match):
        losses.mse(*args)


@pytest.mark.parametrize("fn", [losses.binary_cross_entropy, losses.categorical_cross_entropy_grad])
def test_cross_entropy_rejects_non_probabilities(fn):
    with pytest.raises(ValueError, match="y_pred must hold probabilities"):
        fn([[1.5]], [[1.0]])


def test_unknown_loss_names_the_argument():
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        losses.get("hinge")


# -- laws -------------------------------------------------------------------
# 0 or at least 1e-100 in size, so a nonzero difference never squares to an underflowed 0.
values = st.floats(-1e100, 1e100).filter(lambda v: v == 0 or abs(v) >= 1e-100)
matrices = hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=4),
                      elements=values)


@settings(deadline=None)
@given(matrices, st.data())
def test_mse_is_nonnegative_and_zero_only_at_equality(a, data):
    b = data.draw(st.one_of(st.just(a.copy()), hnp.arrays(np.float64, a.shape, elements=values)))
    value = losses.mse(a, b)
    assert value >= 0
    assert (value == 0) == np.array_equal(a, b)


@given(st.floats(0.01, 0.99), st.floats(0.001, 0.999))
def test_bce_is_minimised_at_p_equal_y(y, p):
    # near p = y the excess is ~(p - y)^2, below rounding: allow a few ulps of a value < 5
    assert (losses.binary_cross_entropy([[p]], [[y]])
            >= losses.binary_cross_entropy([[y]], [[y]]) - 1e-15)
    assert losses.binary_cross_entropy_grad([[y]], [[y]])[0, 0] == 0.0
