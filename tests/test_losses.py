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
    # the kernel: the public cce refuses rows that are not distributions, as a step off them is
    numeric = numerical_gradient(lambda q: loss.kernel(q, y), p.copy(), H)
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
    # each log is floored at log(TINY), exactly: no rounding of 1 - EPS any more
    assert losses.binary_cross_entropy([[0.0], [1.0]], [[1.0], [0.0]]) == -np.log(losses.TINY)
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


# -- exact at the edges (issue 13) ----------------------------------------------------------
import mpmath as mp   # noqa: E402  (installed with torch)
mp.mp.dps = 50


def exact_bce_logits(z, y):
    """y softplus(-z) + (1 - y) softplus(z), in 50-digit arithmetic."""
    z, y = mp.mpf(z), mp.mpf(y)
    return y * mp.log1p(mp.exp(-z)) + (1 - y) * mp.log1p(mp.exp(z))


def exact_log_softmax(row):
    row = [mp.mpf(v) for v in row]
    lse = mp.log(sum(mp.exp(v) for v in row))
    return [v - lse for v in row]


def test_probability_cross_entropy_is_exact_down_to_the_smallest_normal_double():
    # the reproduction: clipped at 1e-12, this was 27.63
    assert losses.binary_cross_entropy([[1e-20]], [[1.0]]) == pytest.approx(
        float(-mp.log(mp.mpf(1e-20))), rel=1e-15)
    for p in (1e-12, 1e-100, 1e-300, losses.TINY):
        assert losses.binary_cross_entropy([[p]], [[1.0]]) == float(-mp.log(mp.mpf(p)))
        assert losses.binary_cross_entropy([[p]], [[0.0]]) == pytest.approx(p, rel=1e-15)
        assert losses.categorical_cross_entropy([[p, 1 - p]], [[1.0, 0.0]]) == \
            float(-mp.log(mp.mpf(p)))
    one_below = np.nextafter(1.0, 0.0)
    assert losses.binary_cross_entropy([[one_below]], [[0.0]]) == pytest.approx(
        float(-mp.log(1 - mp.mpf(one_below))), rel=1e-15)


def test_the_remaining_clamp_floors_each_log_at_log_tiny():
    floor = -np.log(losses.TINY)                     # 708.396...
    for p, y in ((0.0, 1.0), (5e-324, 1.0), (1.0, 0.0)):
        assert losses.binary_cross_entropy([[p]], [[y]]) == floor
    assert losses.binary_cross_entropy([[0.0]], [[0.0]]) == 0.0          # 0 log 0 = 0, no NaN
    assert losses.categorical_cross_entropy([[0.0, 1.0]], [[1.0, 0.0]]) == floor
    assert np.isfinite(losses.binary_cross_entropy_grad([[0.0]], [[1.0]])).all()


@pytest.mark.parametrize("z", [-800.0, -50.0, -20.0, -1.0, 0.0, 3.0, 20.0, 50.0, 800.0])
@pytest.mark.parametrize("y", [0.0, 1.0, 0.3])
def test_bce_with_logits_is_exact_and_equals_torch(z, y):
    ours = losses.binary_cross_entropy_with_logits([[z]], [[y]])
    assert ours == pytest.approx(float(exact_bce_logits(z, y)), rel=2e-16, abs=0)
    theirs = F.binary_cross_entropy_with_logits(torch.tensor([[z]], dtype=torch.float64),
                                                torch.tensor([[y]], dtype=torch.float64))
    # torch adds and subtracts terms of size |z| and takes log(1 + e^-50) = log(1.0) = 0 where
    # the exact loss is 1.9e-22: equal to the rounding of numbers of size 1 + |z|
    assert ours == pytest.approx(theirs.item(), rel=1e-15, abs=2.3e-16 * (1 + abs(z)))
    # the gradient (sigma(z) - y) / n is exact too for 0/1 labels: no cancellation at
    # z = 50, y = 1; for a soft label it is a difference of two terms of size ~1
    exact = (1 - y) / (1 + mp.exp(-z)) - y / (1 + mp.exp(z))
    assert losses.binary_cross_entropy_with_logits_grad([[z]], [[y]])[0, 0] == pytest.approx(
        float(exact), rel=1e-15, abs=0 if y in (0.0, 1.0) else 1e-16)


def test_reproduction_sigmoid_output_at_minus_50_on_a_positive_example_costs_50():
    assert losses.binary_cross_entropy_with_logits([[-50.0]], [[1.0]]) == 50.0
    assert losses.categorical_cross_entropy_with_logits([[0.0, -800.0]], [[0.0, 1.0]]) == 800.0


@pytest.mark.parametrize("scale", [1.0, 30.0, 300.0])
def test_cce_with_logits_is_exact_and_equals_torch(scale):
    rng = np.random.default_rng(int(scale))
    z = scale * rng.normal(size=(6, 4))
    labels = rng.integers(0, 4, size=6)
    Y = np.eye(4)[labels]
    exact = [exact_log_softmax(row) for row in z]
    want = -sum(exact[i][c] for i, c in enumerate(labels)) / 6
    assert losses.categorical_cross_entropy_with_logits(z, labels) == pytest.approx(
        float(want), rel=1e-15)
    assert losses.categorical_cross_entropy_with_logits(z, Y) == \
        losses.categorical_cross_entropy_with_logits(z, labels)
    theirs = F.cross_entropy(torch.tensor(z), torch.tensor(labels))
    assert losses.categorical_cross_entropy_with_logits(z, Y) == pytest.approx(theirs.item(),
                                                                               rel=1e-14)
    grad = losses.categorical_cross_entropy_with_logits_grad(z, Y)
    exact_grad = np.array([[float((mp.exp(v) - Y[i, j]) / 6) for j, v in enumerate(row)]
                           for i, row in enumerate(exact)])
    # p = e^{z_j - m}: exp turns the rounding of z_j - m (eps |z_j - m| / 2) into that
    # relative error of p, so the bound grows with the spread of the logits
    spread = np.max(z.max(axis=1, keepdims=True) - z)
    np.testing.assert_allclose(grad, exact_grad, rtol=4e-16 * (1 + spread), atol=0)


@pytest.mark.parametrize("name", ["binary_cross_entropy_with_logits",
                                  "categorical_cross_entropy_with_logits"])
def test_logit_gradients_match_central_differences_and_torch(name):
    rng = np.random.default_rng(5)
    z = rng.normal(size=(4, 3))
    y = (rng.integers(0, 2, size=(4, 3)).astype(float) if name.startswith("binary")
         else np.eye(3)[rng.integers(0, 3, size=4)])
    value, grad = getattr(losses, name), getattr(losses, name + "_grad")
    numeric = numerical_gradient(lambda v: value(v, y), z.copy(), 1e-6)
    np.testing.assert_allclose(grad(z, y), numeric, rtol=0, atol=1e-9)
    zt = torch.tensor(z, requires_grad=True)
    fn = F.binary_cross_entropy_with_logits if name.startswith("binary") else F.cross_entropy
    fn(zt, torch.tensor(y)).backward()
    np.testing.assert_allclose(grad(z, y), zt.grad.numpy(), rtol=1e-13, atol=1e-17)


def test_labels_must_fit_the_loss():
    with pytest.raises(ValueError, match=r"y_true must hold labels in \[0, 1\] for 'bce'"):
        losses.binary_cross_entropy([[0.9]], [[2.0]])         # was a negative loss
    with pytest.raises(ValueError, match="y_true must hold labels in"):
        losses.binary_cross_entropy_with_logits([[0.9]], [[-1.0]])
    with pytest.raises(ValueError, match="y_true rows must be distributions for 'cce'"):
        losses.categorical_cross_entropy([[0.5, 0.5]], [[1.0, 1.0]])
    with pytest.raises(ValueError, match="y_true rows must be distributions"):
        losses.categorical_cross_entropy_with_logits([[0.5, 0.5]], [[1.5, -0.5]])
    with pytest.raises(ValueError, match="class labels 0..1"):
        losses.categorical_cross_entropy([[0.5, 0.5]], [2])
    soft = np.array([[0.25, 0.75]])
    assert losses.categorical_cross_entropy(soft, soft) == pytest.approx(
        -(0.25 * np.log(0.25) + 0.75 * np.log(0.75)), rel=1e-15)
    assert losses.categorical_cross_entropy([[0.2, 0.8]], [1]) == \
        losses.categorical_cross_entropy([[0.2, 0.8]], [[0.0, 1.0]])


def test_output_must_fit_the_loss():
    losses.check_output("bce", "sigmoid", 1)
    losses.check_output("CCE", "softmax", 3)
    losses.check_output("mse", "linear", 1)
    with pytest.raises(ValueError, match="loss 'bce' needs a sigmoid output layer"):
        losses.check_output("bce", "linear", 1)
    with pytest.raises(ValueError, match="loss 'cce' needs a softmax output layer"):
        losses.check_output("cce", "sigmoid", 1)
    with pytest.raises(ValueError, match="at least two output units"):
        losses.check_output("cce", "softmax", 1)


def test_names_are_case_insensitive_aliases_included():
    assert losses.get("Binary_Cross_Entropy").name == "bce"
    assert losses.get("BCE").name == "bce"
    with pytest.raises(TypeError, match="name must be a loss name"):
        losses.get(3)
