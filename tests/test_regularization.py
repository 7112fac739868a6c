"""Penalties (values, gradients, torch's weight_decay) and inverted dropout."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

from lecture_code import optimizers, regularization as reg
from lecture_code.gradcheck import numerical_gradient

weights = hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=5),
                     elements=st.floats(-1e6, 1e6))


def test_penalty_values():
    Ws = [np.array([[1.0, -2.0]]), np.array([[3.0], [0.0]])]
    assert reg.penalty(Ws, "l1", 0.5) == 0.5 * 6
    assert reg.penalty(Ws, "L2", 0.5) == 0.5 * 14
    assert reg.penalty(Ws, "none", 0.5) == 0.0 == reg.penalty(Ws, "l2", 0.0)


@pytest.mark.parametrize("kind", ["l1", "l2"])
def test_penalty_grad_matches_central_differences_and_torch(kind):
    rng = np.random.default_rng(0)
    W = rng.choice([-1, 1], size=(3, 4)) * rng.uniform(0.1, 2, size=(3, 4))   # away from 0
    numeric = numerical_gradient(lambda w: reg.penalty([w], kind, 0.3), W.copy(), 1e-5)
    # the penalty is linear or quadratic, so only rounding (eps |R| / h ~ 1e-11) remains
    np.testing.assert_allclose(reg.penalty_grad(W, kind, 0.3), numeric, rtol=0, atol=1e-10)
    Wt = torch.tensor(W, requires_grad=True)
    (0.3 * (Wt.abs() if kind == "l1" else Wt ** 2).sum()).backward()
    np.testing.assert_array_equal(reg.penalty_grad(W, kind, 0.3), Wt.grad.numpy())


@given(weights, st.floats(0, 10))
def test_l2_grad_is_2_lambda_w(W, lam):
    np.testing.assert_array_equal(reg.penalty_grad(W, "l2", lam), 2 * lam * W)


@given(weights, st.floats(0, 10))
def test_l1_grad_is_lambda_sign_w(W, lam):
    np.testing.assert_array_equal(reg.penalty_grad(W, "l1", lam), lam * np.sign(W))


def test_none_penalty_has_zero_gradient():
    assert not reg.penalty_grad(np.ones((2, 2)), "none", 1.0).any()


def test_torch_weight_decay_is_l2_with_half_the_lambda():
    rng = np.random.default_rng(1)
    W, g, wd = rng.normal(size=(3, 3)), rng.normal(size=(3, 3)), 0.2
    decayed, penalised = W.copy(), W.copy()
    optimizers.SGD([decayed], lr=0.1, weight_decay=wd).step([g])
    optimizers.SGD([penalised], lr=0.1).step([g + reg.penalty_grad(W, "l2", wd / 2)])
    np.testing.assert_allclose(decayed, penalised, rtol=1e-15, atol=0)


def test_inverted_dropout_keeps_the_mean():
    p, n = 0.3, 200_000
    drop = reg.Dropout(p, rng=np.random.default_rng(2))
    out = drop.forward(np.ones(n))
    # Each entry is 0 or 1/(1-p): mean 1, variance p/(1-p), so the sample mean has standard
    # error sqrt(p/(1-p)/n) ~ 1.5e-3; 4 standard errors (a 6e-5 chance for a correct
    # implementation) still rejects a non-inverted dropout, whose mean is 1 - p = 0.7.
    assert abs(out.mean() - 1.0) < 4 * np.sqrt(p / (1 - p) / n)
    assert abs((out == 0).mean() - p) < 4 * np.sqrt(p * (1 - p) / n)
    assert set(np.unique(out)) == {0.0, 1 / (1 - p)}


def test_dropout_backward_uses_the_same_mask_and_is_off_outside_training():
    rng = np.random.default_rng(3)
    drop, A, dA = reg.Dropout(0.5, rng=rng), rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    out = drop.forward(A)
    np.testing.assert_array_equal(drop.backward(dA), dA * out / A)
    assert drop.forward(A, training=False) is A and drop.backward(dA) is dA
    assert reg.Dropout(0.0, rng=rng).forward(A) is A


@pytest.mark.parametrize("p", [1.0, -0.1, "half"])
def test_bad_dropout_rate_names_the_argument(p):
    with pytest.raises(ValueError, match=r"p \(dropout rate\) must"):
        reg.Dropout(p, rng=np.random.default_rng(0))


def test_bad_arguments_name_the_argument():
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        reg.Dropout(0.5, rng=np.random.RandomState(0))
    with pytest.raises(ValueError, match="unknown penalty 'l3'"):
        reg.penalty([np.ones((2, 2))], "l3", 0.1)
    with pytest.raises(ValueError, match="lam must be a number >= 0"):
        reg.penalty([np.ones((2, 2))], "l2", -0.1)


def test_reproduction_penalty_grad_reads_names_as_penalty_does():
    W = np.array([[1.0, -1.0]])
    assert reg.penalty([W], "L2", 1.0) == 2.0
    np.testing.assert_array_equal(reg.penalty_grad(W, "L2", 1.0), [[2.0, -2.0]])  # was 0
    np.testing.assert_array_equal(reg.penalty_grad(W, "L1", 0.5), [[0.5, -0.5]])
    with pytest.raises(ValueError, match="unknown penalty 'l3'"):
        reg.penalty_grad(W, "l3", 1.0)
    with pytest.raises(ValueError, match="lam must be a number >= 0"):
        reg.penalty_grad(W, "l2", -1.0)


def test_dropout_backward_passes_nothing_through_a_dropped_unit_even_an_infinite_gradient():
    drop = reg.Dropout(0.5, rng=np.random.default_rng(0))
    drop.forward(np.ones((4, 4)))
    out = drop.backward(np.full((4, 4), np.inf))
    assert not np.isnan(out).any() and np.all(out[drop.mask == 0] == 0.0)
    with pytest.raises(ValueError, match="dA and the forward pass's A must have the same shape"):
        drop.backward(np.ones((2, 2)))
