"""Dense: dW, db, dX against central differences and torch autograd; initialisation; errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from lecture_code import layers
from lecture_code.gradcheck import numerical_gradient

NAMES = ("sigmoid", "tanh", "relu", "elu", "linear", "softmax")
TORCH = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
         "elu": torch.nn.functional.elu, "linear": lambda z: z,
         "softmax": lambda z: torch.softmax(z, dim=1)}
# Central differences at h = 1e-5 are good to ~1e-10 (see test_activations); the objective
# here sums 12 terms, so its rounding is a little larger: 1e-9.
H, FD_TOL = 1e-5, 1e-9


def setup(name, seed):
    """A 3 -> 4 layer, a batch X of 5 rows and an upstream gradient dA, with |Z| > 1e-3."""
    rng = np.random.default_rng(seed)
    layer = layers.Dense(3, 4, name, rng=rng, init="torch")
    X, dA = rng.normal(size=(5, 3)), rng.normal(size=(5, 4))
    layer.forward(X)
    assert np.abs(layer.Z).min() > 1e-3     # relu's and elu's kink at 0 is not straddled
    return layer, X, dA


@pytest.mark.parametrize("name", NAMES)
def test_backward_matches_central_differences(name):
    layer, X, dA = setup(name, seed=1)
    layer.forward(X)
    dX = layer.backward(dA)

    def objective(_):
        return float(np.sum(dA * layer.forward(X)))

    for key in ("W", "b"):
        numeric = numerical_gradient(objective, layer.params[key], H)
        np.testing.assert_allclose(layer.grads[key], numeric, rtol=0, atol=FD_TOL)
    numeric_dX = numerical_gradient(lambda v: float(np.sum(dA * layer.forward(v))), X.copy(), H)
    np.testing.assert_allclose(dX, numeric_dX, rtol=0, atol=FD_TOL)


@pytest.mark.parametrize("name", NAMES)
def test_forward_and_backward_match_torch(name):
    layer, X, dA = setup(name, seed=2)
    W, b, Xt = (torch.tensor(v, requires_grad=True) for v in (layer.params["W"],
                                                           layer.params["b"], X))
    At = TORCH[name](Xt @ W + b)
    At.backward(torch.tensor(dA))
    np.testing.assert_allclose(layer.forward(X), At.detach().numpy(), rtol=1e-14, atol=1e-16)
    dX = layer.backward(dA)
    for ours, theirs in ((layer.grads["W"], W), (layer.grads["b"], b), (dX, Xt)):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), rtol=1e-13, atol=1e-15)


def test_forward_caches_inputs_and_given_weights_are_copied():
    W, b = np.arange(6.0).reshape(2, 3), np.array([1.0, -1.0, 0.0])
    layer = layers.Dense(2, 3, "linear", W=W, b=b)
    W[0, 0] = 99.0
    out = layer.forward([[1.0, 2.0]])
    np.testing.assert_array_equal(out, [[7.0, 8.0, 12.0]])
    np.testing.assert_array_equal(layer.X, [[1.0, 2.0]])
    assert layer.shape == (2, 3) and repr(layer) == "Dense(2 -> 3, linear)"


def test_torch_init_stays_within_torch_bounds_and_others_start_biases_at_zero():
    rng = np.random.default_rng(3)
    W, b = layers.init_weights(16, 8, "torch", rng)
    assert np.abs(W).max() <= 0.25 and np.abs(b).max() <= 0.25 and np.abs(b).max() > 0
    for init in ("he", "glorot"):
        W, b = layers.init_weights(16, 8, init, rng)
        assert W.shape == (16, 8) and not b.any()


@pytest.mark.parametrize("init, std", [("he", np.sqrt(2 / 400)), ("glorot", np.sqrt(2 / 600))])
def test_init_scales(init, std):
    W, _ = layers.init_weights(400, 200, init, np.random.default_rng(4))
    # 80000 draws: the sample std is within 4 standard errors (std / sqrt(2 * 80000)) of std
    assert abs(W.std() - std) < 4 * std / np.sqrt(2 * W.size)


def test_default_init_depends_on_the_activation():
    relu = layers.Dense(400, 100, "relu", rng=np.random.default_rng(5))
    tanh = layers.Dense(400, 100, "tanh", rng=np.random.default_rng(5))
    assert relu.params["W"].std() / tanh.params["W"].std() == pytest.approx(np.sqrt(500 / 400))


def dense(**kw):
    args = dict(d_in=2, d_out=3, activation="relu", rng=np.random.default_rng(0))
    return layers.Dense(**{**args, **kw})


@pytest.mark.parametrize("kw, match", [
    (dict(activation="gelu"), "unknown activation 'gelu'"),
    (dict(rng=None), "rng is required"),
    (dict(rng=42), "rng must be a numpy.random.Generator"),
    (dict(init="xavier"), "unknown init 'xavier'"),
    (dict(d_in=0), "d_in must be a whole number >= 1"),
    (dict(d_out=2.5), "d_out must be a whole number"),
    (dict(W=np.ones((3, 2)), b=np.zeros(3)), r"W must have shape \(2, 3\)"),
    (dict(W=np.full((2, 3), np.nan), b=np.zeros(3)), "W contains NaN"),
])
def test_bad_construction_names_the_argument(kw, match):
    with pytest.raises(ValueError, match=match):
        dense(**kw)


def test_bad_passes_name_the_argument():
    layer = dense()
    with pytest.raises(ValueError, match="call forward before backward"):
        layer.backward(np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"X must have 2 column\(s\)"):
        layer.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match="X contains infinite"):
        layer.forward([[1.0, np.inf]])
    layer.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match="dA and the layer's output must have the same shape"):
        layer.backward(np.ones((5, 3)))


@pytest.mark.parametrize("d_in, d_out, name", [(0, 3, "d_in"), (2, 0, "d_out"), (2.5, 3, "d_in"),
                                               (True, 3, "d_in")])
def test_reproduction_init_weights_names_a_bad_size(d_in, d_out, name):
    for init in layers.INITS:                  # init_weights(0, ...) was a ZeroDivisionError
        with pytest.raises(ValueError, match=f"{name} must be a whole number >= 1"):
            layers.init_weights(d_in, d_out, init, np.random.default_rng(0))
