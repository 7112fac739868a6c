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


# -- the edges: large |z|, infinite upstream gradients (issue 13) ---------------------------
import mpmath as mp  # noqa: E402  (installed with torch)

mp.mp.dps = 60
LARGE = np.array([-700.0, -300.0, -40.0, -30.0, -20.0, -5.0, 5.0, 20.0, 30.0, 40.0, 300.0, 700.0])
EXACT = {    # g'(z) in 60-digit arithmetic
    "sigmoid": lambda z: mp.exp(-z) / (1 + mp.exp(-z)) ** 2,
    "tanh": lambda z: 1 / mp.cosh(z) ** 2,
    "elu": lambda z: mp.mpf(1) if z > 0 else mp.exp(z),
    "relu": lambda z: mp.mpf(1) if z > 0 else mp.mpf(0),
    "linear": lambda z: mp.mpf(1),
}


def exact(name, z):
    return np.array([float(EXACT[name](mp.mpf(v))) for v in z])


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_and_backward_are_exact_at_large_z(name):
    act, want = activations.get(name), exact(name, LARGE)
    # a few ulps: the formulas have no cancellation (sigma(z) sigma(-z), 4e/(1+e)^2, alpha e^z)
    np.testing.assert_allclose(act.derivative(LARGE), want, rtol=1e-15, atol=0)
    da = np.full(LARGE.shape, 3.0)
    np.testing.assert_allclose(act.backward(LARGE, act.forward(LARGE), da), 3.0 * want,
                               rtol=1e-15, atol=0)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_backward_at_large_z_is_never_less_accurate_than_torch(name):
    """Where torch's formula is exact we agree with it; where it cancels we are closer."""
    act, want = activations.get(name), exact(name, LARGE)
    zt = torch.tensor(LARGE, requires_grad=True)
    TORCH[name](zt).backward(torch.ones(LARGE.shape, dtype=torch.float64))
    ours = act.backward(LARGE, act.forward(LARGE), np.ones(LARGE.shape))
    theirs = zt.grad.numpy()
    ours_error, theirs_error = np.abs(ours - want), np.abs(theirs - want)
    assert np.all(ours_error <= theirs_error + 1e-15 * want)
    if name in ("relu", "elu", "linear"):          # torch computes these without cancellation
        np.testing.assert_allclose(ours, theirs, rtol=1e-15, atol=0)


def test_reproduction_elu_backward_does_not_cancel():
    z = np.array([-20.0, -30.0, -40.0])
    got = activations.get("elu").backward(z, activations.elu(z), np.ones(3))
    # a + alpha gave 2.0611535811e-09, 9.359e-14 and 0.0
    np.testing.assert_allclose(got, [2.0611536224385579e-09, 9.3576229688401746e-14,
                                     4.2483542552915889e-18], rtol=1e-15)


def test_reproduction_relu_passes_no_gradient_at_inactive_units_even_an_infinite_one():
    z, da = np.array([-1.0, 0.0, 2.0]), np.array([np.inf, -np.inf, np.inf])
    np.testing.assert_array_equal(activations.get("relu").backward(z, activations.relu(z), da),
                                  [0.0, 0.0, np.inf])
    zt = torch.tensor(z, requires_grad=True)
    torch.relu(zt).backward(torch.tensor(da))
    np.testing.assert_array_equal(zt.grad.numpy(), [0.0, 0.0, np.inf])       # torch agrees
    for name in ("sigmoid", "tanh", "elu", "step"):     # derivative underflowed to 0: 0, not NaN
        act = activations.get(name)
        z = np.array([-800.0, 800.0]) if name != "elu" else np.array([-800.0, -900.0])
        out = act.backward(z, act.forward(z), np.full(2, np.inf))
        assert not np.isnan(out).any(), name


def test_softmax_backward_is_exact_when_one_class_dominates():
    z = np.array([[0.0, -40.0, -45.0], [30.0, 0.0, 29.0]])
    a, da = activations.softmax(z), np.array([[1.0, 0.0, 2.0], [-1.0, 0.5, 3.0]])
    want = []
    for row, d in zip(z, da):
        e = [mp.exp(mp.mpf(v)) for v in row]
        p = [v / sum(e) for v in e]
        dot = sum(pi * di for pi, di in zip(p, d))
        want.append([float(pi * (di - dot)) for pi, di in zip(p, d)])
    # a_i (da_i - sum a_j da_j) subtracts nearly equal numbers at the dominant class
    np.testing.assert_allclose(activations.softmax_backward(a, da), want, rtol=1e-14, atol=0)
    assert np.isfinite(activations.softmax_backward(np.array([[1.0, 0.0]]),
                                                    np.array([[np.inf, np.inf]]))).all()


@pytest.mark.parametrize("fn", [activations.sigmoid, activations.relu, activations.tanh,
                                activations.elu, activations.softmax, activations.step,
                                activations.sigmoid_prime, activations.linear])
def test_activations_refuse_what_is_not_numbers(fn):
    for bad in (None, "abc", [[1.0], [1.0, 2.0]], 1j):      # sigmoid(None) was NaN
        with pytest.raises(TypeError, match="z must be an array of numbers"):
            fn(bad)
    with pytest.raises(ValueError, match="alpha must be a number > 0"):
        activations.elu(1.0, alpha=-1.0)
