"""MLP: backward and loss_and_grads against central differences and torch, for every
output/loss pair, hidden activation and penalty; parameters; errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lecture_code.gradcheck import numerical_gradient
from lecture_code.network import MLP

PAIRS = [("sigmoid", "bce"), ("softmax", "cce"), ("linear", "mse"), ("linear", "mae"),
         ("sigmoid", "mse")]
HIDDEN = ("sigmoid", "tanh", "relu", "elu")
PENALTIES = ("none", "l1", "l2")
ACT = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "elu": F.elu,
       "linear": lambda z: z}
# Central differences at h = 1e-5 err by ~h^2 |f'''| / 6 + eps |f| / h, about 1e-11 to 1e-10
# here (see test_activations), so 2e-10 is as tight as float64 allows.
H, FD_TOL = 1e-5, 2e-10


def problem(output, loss, hidden, seed=0, n=6):
    """A [3, 4, 4, k] network, inputs X and targets y, with no kink within reach of h.

    Draws are rejected until every hidden pre-activation (relu, elu) and every weight
    (L1) is at least 1e-3 from 0; mae's targets are drawn at least 0.1 from the output.
    """
    rng = np.random.default_rng(seed)
    k = 3 if output == "softmax" else 2
    while True:
        model = MLP([3, 4, 4, k], hidden, output, rng=rng, init="torch")
        X = rng.normal(size=(n, 3))
        out = model.forward(X)
        if (all(np.abs(layer.Z).min() > 1e-3 for layer in model.layers[:-1])
                and all(np.abs(W).min() > 1e-3 for W in model.weights)):
            break
    if loss == "cce":
        y = np.eye(k)[rng.integers(k, size=n)]
    elif loss == "bce":
        y = rng.integers(0, 2, size=(n, k)).astype(float)
    elif loss == "mae":
        y = out + rng.choice([-1, 1], size=out.shape) * rng.uniform(0.1, 1, size=out.shape)
    else:
        y = rng.normal(size=(n, k))
    return model, X, y


def torch_forward(model, X, training_masks=None):
    """The same network in torch: returns (parameters, pre-activation, output)."""
    params = [torch.tensor(p, requires_grad=True) for p in model.parameters()]
    A = torch.tensor(X)
    for i, layer in enumerate(model.layers):
        Z = A @ params[2 * i] + params[2 * i + 1]
        name = layer.activation.name
        A = torch.softmax(Z, dim=1) if name == "softmax" else ACT[name](Z)
        if training_masks and i < len(model.layers) - 1:
            A = A * torch.tensor(training_masks[i])
    return params, Z, A


def torch_loss(loss, Z, A, y):
    y = torch.tensor(y)
    if loss == "cce":
        return F.nll_loss(torch.log_softmax(Z, dim=1), y.argmax(dim=1))
    return {"bce": F.binary_cross_entropy, "mse": F.mse_loss, "mae": F.l1_loss}[loss](A, y)


@pytest.mark.parametrize("penalty", PENALTIES)
@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output, loss", PAIRS)
def test_loss_and_grads_matches_central_differences(output, loss, hidden, penalty):
    model, X, y = problem(output, loss, hidden, seed=1)

    def objective(_):
        return model.loss_and_grads(X, y, loss, penalty=penalty, lam=0.05)

    objective(None)
    analytic = model.flat_grads.copy()
    numeric = numerical_gradient(objective, model.flat_params, H)
    np.testing.assert_allclose(analytic, numeric, rtol=0, atol=FD_TOL)


@pytest.mark.parametrize("penalty", PENALTIES)
@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output, loss", PAIRS)
def test_loss_and_grads_matches_torch(output, loss, hidden, penalty):
    model, X, y = problem(output, loss, hidden, seed=2)
    lam = 0.05
    value = model.loss_and_grads(X, y, loss, penalty=penalty, lam=lam)
    params, Z, A = torch_forward(model, X)
    objective = torch_loss(loss, Z, A, y)
    if penalty != "none":
        objective = objective + lam * sum(W.abs().sum() if penalty == "l1" else (W ** 2).sum()
                                          for W in params[::2])
    objective.backward()
    assert value == pytest.approx(objective.item(), rel=1e-14)
    for ours, theirs in zip(model.gradients(), params):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output", ("sigmoid", "softmax", "linear"))
def test_backward_matches_central_differences(output, hidden):
    model, X, _ = problem(output, "mse", hidden, seed=3)
    dA = np.random.default_rng(4).normal(size=(X.shape[0], model.sizes[-1]))
    model.forward(X)
    dX = model.backward(dA)
    analytic = model.flat_grads.copy()
    numeric = numerical_gradient(lambda _: float(np.sum(dA * model.forward(X))),
                                 model.flat_params, H)
    np.testing.assert_allclose(analytic, numeric, rtol=0, atol=FD_TOL)
    numeric_dX = numerical_gradient(lambda v: float(np.sum(dA * model.forward(v))), X.copy(), H)
    np.testing.assert_allclose(dX, numeric_dX, rtol=0, atol=FD_TOL)


def test_dropout_backward_uses_the_forward_masks():
    rng = np.random.default_rng(5)
    model = MLP([3, 6, 6, 2], "tanh", "linear", rng=rng, dropout=0.5)
    X, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    value = model.loss_and_grads(X, y, "mse")
    masks = [d.mask for d in model.dropouts]
    assert all(m is not None and (m == 0).any() for m in masks)
    params, Z, A = torch_forward(model, X, training_masks=masks)
    objective = F.mse_loss(A, torch.tensor(y))
    objective.backward()
    assert value == pytest.approx(objective.item(), rel=1e-14)
    for ours, theirs in zip(model.gradients(), params):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), rtol=1e-12, atol=1e-15)
    # outside training, dropout does nothing and the output is deterministic
    np.testing.assert_array_equal(model.forward(X), model.forward(X))


def test_fused_gradient_stays_exact_where_the_sigmoid_saturates():
    model = MLP([1, 1], output="sigmoid", rng=np.random.default_rng(0))
    model.set_parameters([np.array([[50.0]]), np.array([0.0])])    # sigmoid(50) == 1.0
    X, y = np.array([[1.0], [2.0]]), np.array([[0.0], [0.0]])
    model.loss_and_grads(X, y, "bce")
    # dL/db = mean(a - y) = 1; a non-fused chain would give (1 / eps-clipped) * 0 = 0
    np.testing.assert_array_equal(model.gradients()[1], [1.0])


def test_penalty_name_is_case_insensitive_in_the_gradient_too():
    model, X, y = problem("sigmoid", "bce", "tanh")
    upper = model.loss_and_grads(X, y, "bce", penalty="L2", lam=0.1), model.flat_grads.copy()
    lower = model.loss_and_grads(X, y, "bce", penalty="l2", lam=0.1), model.flat_grads.copy()
    assert upper[0] == lower[0]
    np.testing.assert_array_equal(upper[1], lower[1])


def test_parameters_are_views_of_one_flat_vector():
    model = MLP([3, 4, 2], rng=np.random.default_rng(0))
    assert model.n_parameters() == 3 * 4 + 4 + 4 * 2 + 2 == model.flat_params.size
    assert all(np.shares_memory(p, model.flat_params) for p in model.parameters())
    assert all(np.shares_memory(g, model.flat_grads) for g in model.gradients())
    saved = model.copy_parameters()
    model.flat_params[:] = 0.0
    assert not any(p.any() for p in model.parameters())
    model.set_parameters(saved)
    for p, s in zip(model.parameters(), saved):
        np.testing.assert_array_equal(p, s)
    assert [W.shape for W in model.weights] == [(3, 4), (4, 2)]


def test_hidden_layers_share_the_activation_and_the_output_has_its_own():
    model = MLP([2, 5, 5, 3], "elu", "softmax", rng=np.random.default_rng(0))
    assert [layer.activation.name for layer in model.layers] == ["elu", "elu", "softmax"]
    assert repr(model) == "MLP([2, 5, 5, 3], activation='elu', output='softmax')"
    np.testing.assert_allclose(model.forward(np.ones((4, 2))).sum(axis=1), 1.0, atol=1e-15)


@pytest.mark.parametrize("kw, match", [
    (dict(sizes=[3]), "sizes must list at least an input and an output size"),
    (dict(sizes="32"), "sizes must list"),
    (dict(sizes=[3, 0, 1]), r"sizes\[1\] must be a whole number >= 1"),
    (dict(rng=1), "rng must be a numpy.random.Generator"),
    (dict(dropout=1.0), r"p \(dropout rate\) must lie in \[0.0, 1.0\)"),
    (dict(output="softplus"), "unknown activation 'softplus'"),
    (dict(activation="leaky"), "unknown activation 'leaky'"),
])
def test_bad_construction_names_the_argument(kw, match):
    with pytest.raises(ValueError, match=match):
        MLP(**{**dict(sizes=[3, 4, 1], rng=np.random.default_rng(0)), **kw})


@pytest.mark.parametrize("X, y, kw, match", [
    (np.ones((5, 2)), np.ones((5, 1)), {}, r"X must have 3 column\(s\)"),
    (np.ones((5, 3)), np.ones((5, 2)), {}, r"y must have 1 column\(s\)"),
    (np.ones((5, 3)), np.ones((4, 1)), {}, "X and y must have the same number of rows"),
    (np.full((5, 3), np.nan), np.ones((5, 1)), {}, "X contains NaN"),
    (np.ones((0, 3)), np.ones((0, 1)), {}, "X is empty"),
    (np.ones((5, 3)), np.ones((5, 1)), dict(loss="hinge"), "unknown loss 'hinge'"),
    (np.ones((5, 3)), np.ones((5, 1)), dict(penalty="l3"), "unknown penalty 'l3'"),
    (np.ones((5, 3)), np.ones((5, 1)), dict(penalty="l2", lam=-1), "lam must be a number >= 0"),
])
def test_bad_loss_and_grads_arguments_name_the_argument(X, y, kw, match):
    model = MLP([3, 4, 1], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=match):
        model.loss_and_grads(X, y, **kw)
    assert not model.flat_grads.any()       # rejected before any gradient was written


def test_bad_backward_and_set_parameters_name_the_argument():
    model = MLP([3, 4, 1], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="call forward before backward"):
        model.backward(np.ones((2, 1)))
    model.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match="dA and the network's output must have the same shape"):
        model.backward(np.ones((3, 1)))
    with pytest.raises(ValueError, match="values must hold 4 arrays, got 1"):
        model.set_parameters([np.ones((3, 4))])
    with pytest.raises(ValueError, match=r"values\[0\] and the parameter must have the same shape"):
        model.set_parameters([np.ones((4, 3)), np.ones(4), np.ones((4, 1)), np.ones(1)])


# -- the edges (issue 13) ---------------------------------------------------------------------
def test_reproduction_a_saturated_sigmoid_output_reports_its_true_loss():
    model = MLP([1, 1], output="sigmoid", rng=np.random.default_rng(0))
    model.set_parameters([np.array([[-50.0]]), np.array([0.0])])   # z = -50 on a positive
    X, y = np.array([[1.0]]), np.array([[1.0]])
    assert model.loss_and_grads(X, y, "bce") == 50.0               # was 27.63 (the 1e-12 clip)
    assert model.loss(X, y, "bce") == 50.0
    # the printed loss and the followed gradient belong to one function: d(50 - b)/db ~ -1
    step = 1e-6
    model.flat_params[1] += step
    slope = (model.loss(X, y, "bce") - 50.0) / step
    model.flat_params[1] -= step
    model.loss_and_grads(X, y, "bce")
    assert model.gradients()[1][0] == pytest.approx(slope, rel=1e-6)
    assert model.gradients()[1][0] == pytest.approx(-1.0, rel=1e-15)


def test_reproduction_softmax_logits_0_and_minus_800_cost_800():
    model = MLP([1, 2], output="softmax", rng=np.random.default_rng(0))
    model.set_parameters([np.array([[0.0, -800.0]]), np.zeros(2)])
    assert model.loss_and_grads([[1.0]], [[0.0, 1.0]], "cce") == 800.0      # was 27.63
    np.testing.assert_array_equal(model.gradients()[1], [1.0, -1.0])


def test_reproduction_elu_units_near_minus_40_still_pass_a_first_layer_gradient():
    model = MLP([1, 2, 1], "elu", "linear", rng=np.random.default_rng(0))
    model.set_parameters([np.array([[-40.0, -41.0]]), np.zeros(2), np.ones((2, 1)),
                          np.zeros(1)])
    model.loss_and_grads([[1.0]], [[1.0]], "mse")
    W1_grad = model.gradients()[0]
    assert np.all(W1_grad != 0.0)                                   # was exactly 0
    dout = 2 * (np.expm1(-40.0) + np.expm1(-41.0) - 1.0)            # d(out - 1)^2 / d out
    exact = [dout * np.exp(-40.0), dout * np.exp(-41.0)]
    np.testing.assert_allclose(W1_grad[0], exact, rtol=1e-15)


@pytest.mark.filterwarnings("ignore:invalid value encountered in matmul")   # BLAS's inf * 0 checks
def test_backward_carries_an_infinite_gradient_without_nan_at_inactive_relu_units():
    model = MLP([2, 3, 1], "relu", "linear", rng=np.random.default_rng(0))
    model.set_parameters([np.array([[1.0, -1.0, 1.0], [0.5, 0.5, 0.5]]), np.zeros(3),
                          np.ones((3, 1)), np.zeros(1)])
    model.forward([[1.0, 2.0]])                                   # hidden z = (2, 0, 2)
    dX = model.backward([[np.inf]])
    W1 = model.gradients()[0]
    np.testing.assert_array_equal(W1, [[np.inf, 0.0, np.inf], [np.inf, 0.0, np.inf]])
    np.testing.assert_array_equal(dX, [[np.inf, np.inf]])       # inf * 0 was NaN


def test_the_output_and_the_labels_must_fit_the_loss():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4, 2))
    with pytest.raises(ValueError, match="loss 'cce' needs a softmax output layer"):
        MLP([2, 1], output="sigmoid", rng=rng).loss_and_grads(X, [0, 1, 1, 0], "cce")
    with pytest.raises(ValueError, match="loss 'bce' needs a sigmoid output layer"):
        MLP([2, 1], output="linear", rng=rng).loss_and_grads(X, [0, 1, 1, 0], "bce")
    with pytest.raises(ValueError, match=r"y must hold labels in \[0, 1\] for 'bce'"):
        MLP([2, 1], output="sigmoid", rng=rng).loss_and_grads(X, [0, 1, 2, 0], "bce")
    with pytest.raises(ValueError, match="y rows must be distributions for 'cce'"):
        MLP([2, 3], output="softmax", rng=rng).loss_and_grads(X, np.ones((4, 3)), "cce")
    # class indices are read one-hot for a softmax output
    model = MLP([2, 3], output="softmax", rng=rng)
    assert model.loss(X, [0, 2, 1, 1], "cce") == model.loss(X, np.eye(3)[[0, 2, 1, 1]], "cce")
