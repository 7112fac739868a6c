"""Activations: derivatives against central differences and torch autograd, and their laws."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from lecture_code import activations
from lecture_code.gradcheck import numerical_gradient

ELEMENTWISE = ("sigmoid", "tanh", "relu", "elu", "linear")
TORCH = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "elu": torch.nn.functional.elu,
    "linear": lambda z: z,
    "softmax": lambda z: torch.softmax(z, dim=-1),
}
# Central differences err by h^2 |f'''| / 6 (truncation) plus eps |f| / h (rounding); at
# h = 1e-5, near the optimal eps^(1/3), both are ~1e-10 for |f| ~ 10, so 1e-10 itself is
# out of reach and 5e-10 is the tightest bound float64 allows here.
H, FD_TOL = 1e-5, 5e-10


def away_from_zero(rng, shape, margin=0.1):
    """Random z with |z| >= margin, so relu's and elu's kinks at 0 are never straddled."""
    return rng.choice([-1.0, 1.0], size=shape) * (margin + rng.exponential(1.0, size=shape))


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_central_differences(name):
    rng = np.random.default_rng(1)
    act = activations.get(name)
    z, h = away_from_zero(rng, (4, 3)), H
    numeric = (act.forward(z + h) - act.forward(z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(z), numeric, rtol=0, atol=FD_TOL)


@pytest.mark.parametrize("name", ELEMENTWISE + ("softmax",))
def test_backward_is_the_vector_jacobian_product(name):
    """backward(z, a, da) = d(sum da * g(z))/dz, by central differences."""
    rng = np.random.default_rng(2)
    act = activations.get(name)
    z, da = away_from_zero(rng, (3, 4)), rng.normal(size=(3, 4))
    numeric = numerical_gradient(lambda v: float(np.sum(da * act.forward(v))), z.copy(), H)
    np.testing.assert_allclose(act.backward(z, act.forward(z), da), numeric, rtol=0, atol=FD_TOL)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_backward_reusing_a_equals_da_times_derivative(name):
    rng = np.random.default_rng(3)
    act = activations.get(name)
    z, da = away_from_zero(rng, (5, 2)), rng.normal(size=(5, 2))
    # a (1 - a) and 1 - a^2 versus recomputing from z: a few ulps apart.
    np.testing.assert_allclose(act.backward(z, act.forward(z), da), da * act.derivative(z),
                               rtol=1e-14, atol=1e-15)


def test_softmax_backward_equals_the_explicit_jacobian():
    rng = np.random.default_rng(4)
    z, da = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    a = activations.softmax(z)
    explicit = np.stack([(np.diag(r) - np.outer(r, r)) @ d for r, d in zip(a, da)])
    np.testing.assert_allclose(activations.softmax_backward(a, da), explicit, rtol=0, atol=1e-15)


@pytest.mark.parametrize("name", ELEMENTWISE + ("softmax",))
def test_forward_and_backward_match_torch(name):
    rng = np.random.default_rng(5)
    act = activations.get(name)
    z, da = away_from_zero(rng, (4, 3)), rng.normal(size=(4, 3))
    zt = torch.tensor(z, requires_grad=True)
    at = TORCH[name](zt)
    at.backward(torch.tensor(da))
    a = act.forward(z)
    np.testing.assert_allclose(a, at.detach().numpy(), rtol=1e-15, atol=0)
    np.testing.assert_allclose(act.backward(z, a, da), zt.grad.numpy(), rtol=1e-13, atol=1e-16)


def test_derivatives_at_zero_follow_torch():
    z = np.zeros(1)
    assert activations.relu_prime(z)[0] == 0.0      # torch: relu'(0) = 0
    assert activations.elu_prime(z)[0] == 1.0       # torch: alpha * e^0
    assert activations.sigmoid_prime(z)[0] == 0.25
    assert activations.tanh_prime(z)[0] == 1.0


def test_step_is_heaviside_with_zero_derivative():
    z = np.array([-2.0, -1e-300, 0.0, 3.0])
    np.testing.assert_array_equal(activations.step(z), [0, 0, 1, 1])
    np.testing.assert_array_equal(activations.step_prime(z), 0.0)
    np.testing.assert_array_equal(activations.get("step").backward(z, z, np.ones(4)), 0.0)


@pytest.mark.filterwarnings("error")
def test_sigmoid_saturates_without_warnings():
    np.testing.assert_array_equal(activations.sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])


def test_softmax_of_huge_logits_is_finite():
    np.testing.assert_allclose(activations.softmax(np.array([[1000.0, 1000.0, -1000.0]])),
                               [[0.5, 0.5, 0.0]], rtol=0, atol=1e-300)


def test_get_by_name_is_case_insensitive_and_passes_activations_through():
    act = activations.get("ReLU")
    assert act.name == "relu" and activations.get(act) is act
    assert set(activations.NAMES) == set(ELEMENTWISE) | {"step", "softmax"}


def test_unknown_activation_names_the_argument():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        activations.get("swish")


# -- laws -------------------------------------------------------------------
reals = st.floats(-1000, 1000, allow_nan=False)
logits = hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=6),
                    elements=st.floats(-100, 100))


@settings(deadline=None)
@given(logits)
def test_softmax_rows_sum_to_one(z):
    # k <= 6 rounded terms and a division: at most (k + 1) eps / 2 ~ 4e-16 off
    np.testing.assert_allclose(activations.softmax(z).sum(axis=1), 1.0, rtol=0, atol=1e-15)


@settings(deadline=None)
@given(logits, st.data())
def test_softmax_is_invariant_to_a_constant_per_row(z, data):
    c = data.draw(hnp.arrays(np.float64, (z.shape[0], 1), elements=st.floats(-100, 100)))
    # z + c rounds by up to eps * 200 ~ 2.2e-14 in the exponent, hence the atol.
    np.testing.assert_allclose(activations.softmax(z + c), activations.softmax(z),
                               rtol=0, atol=3e-14)


@given(reals)
def test_sigmoid_is_symmetric(x):
    # each side is correctly rounded to within ~2 ulp of 1
    assert abs(activations.sigmoid(-x) - (1 - activations.sigmoid(x))) <= 5e-16


@given(reals)
def test_tanh_is_odd(x):
    assert activations.tanh(-x) == -activations.tanh(x)


@given(reals)
def test_relu_splits_x_into_positive_and_negative_parts(x):
    assert activations.relu(x) - activations.relu(-x) == x
