"""lecture_code.backprop against torch autograd, central differences and the MLP's backward pass."""
import numpy as np
import pytest
import torch

from lecture_code import backprop, gradcheck, network

torch.set_default_dtype(torch.float64)

THETA = [[-0.2, 1.5], [0.4, -0.3]]          # [[theta_01, theta_11], [theta_02, theta_21]]
PHI = [0.3, 1.2, -0.7]                      # [phi_0, phi_1, phi_2]


def torch_221(weights, x=(0.05, 0.1), target=0.1):
    w = torch.tensor(weights, requires_grad=True)
    h1 = torch.sigmoid(x[0] * w[0] + x[1] * w[1])
    h2 = torch.sigmoid(x[0] * w[2] + x[1] * w[3])
    out = torch.sigmoid(w[4] * h1 + w[5] * h2)
    E = 0.5 * (target - out) ** 2
    E.backward()
    return out.item(), E.item(), w.grad.numpy()


def grads_221(r):
    return np.array([r[f"grad_w{i}"] for i in range(1, 7)])


def test_221_example_matches_torch_autograd():
    r = backprop.sigmoid_221_example()
    out, E, grad = torch_221(list(backprop.SLIDE_WEIGHTS))
    assert r["out_o1"] == pytest.approx(out, rel=1e-15)
    assert r["E"] == pytest.approx(E, rel=1e-14)
    np.testing.assert_allclose(grads_221(r), grad, rtol=1e-13)
    new = np.array(backprop.SLIDE_WEIGHTS) - grad
    np.testing.assert_allclose([r[f"new_w{i}"] for i in range(1, 7)], new, rtol=1e-15)
    new_out, new_E, _ = torch_221(list(new))
    assert r["new_out_o1"] == pytest.approx(new_out, rel=1e-15)
    assert r["new_E"] == pytest.approx(new_E, rel=1e-14)


def test_221_example_other_inputs_and_learning_rate_match_torch():
    weights, x, target, lr = [0.3, -0.5, 0.8, 0.1, -1.2, 0.7], (1.5, -2.0), 0.9, 0.25
    r = backprop.sigmoid_221_example(x, weights, target, lr)
    _, _, grad = torch_221(weights, x, target)
    np.testing.assert_allclose(grads_221(r), grad, rtol=1e-13)
    np.testing.assert_allclose([r[f"new_w{i}"] for i in range(1, 7)],
                               np.array(weights) - lr * grad, rtol=1e-15)


def test_221_example_matches_central_differences():
    w = np.array(backprop.SLIDE_WEIGHTS)
    numeric = gradcheck.numerical_gradient(lambda v: backprop.sigmoid_221_example(weights=v)["E"], w)
    r = backprop.sigmoid_221_example()
    assert gradcheck.relative_error(grads_221(r), numeric) < 1e-9


def test_221_gradients_are_half_the_mlp_mse_gradients():
    """E = 1/2 (target - out)^2 is half the MSE of one example with one output."""
    model = network.MLP([2, 2, 1], "sigmoid", "sigmoid", rng=np.random.default_rng(0))
    w = backprop.SLIDE_WEIGHTS
    model.set_parameters([[[w[0], w[2]], [w[1], w[3]]], np.zeros(2), [[w[4]], [w[5]]], np.zeros(1)])
    loss = model.loss_and_grads([[0.05, 0.1]], [[0.1]], "mse", training=False)
    r = backprop.sigmoid_221_example()
    assert loss / 2 == pytest.approx(r["E"], rel=1e-15)
    dW1, _, dW2, _ = model.gradients()
    mlp = np.array([dW1[0, 0], dW1[1, 0], dW1[0, 1], dW1[1, 1], dW2[0, 0], dW2[1, 0]])
    np.testing.assert_allclose(grads_221(r), mlp / 2, rtol=1e-14)
    hidden, output = model.layers
    assert hidden.Z[0, 0] == pytest.approx(r["net_h1"]) and output.A[0, 0] == pytest.approx(r["out_o1"])


def test_221_slide_numbers_and_the_w5_slip():
    r = backprop.sigmoid_221_example()
    assert (round(r["net_h1"], 3), round(r["net_h2"], 3)) == (0.026, 0.041)
    assert (round(r["out_h2"], 2), round(r["net_o1"], 2), round(r["out_o1"], 2)) == (0.51, 0.38, 0.59)
    assert (round(r["E"], 2), round(r["dE_dout"], 2), round(r["dout_dnet"], 2)) == (0.12, 0.49, 0.24)
    assert round(r["out_h1"], 2) == 0.51                          # the slide prints 0.50
    assert r["dnet_dw5"] == r["out_h1"] != backprop.SLIDE_WEIGHTS[4]
    assert (round(r["grad_w5"], 2), round(r["new_w5"], 2)) == (0.06, 0.29)   # slide: 0.04, 0.31
    assert r["new_E"] < r["E"]


def torch_shallow(x, theta, phi, y_bar, act):
    t = torch.tensor(theta, requires_grad=True)
    p = torch.tensor(phi, requires_grad=True)
    h = act(t[:, 1] * x + t[:, 0])
    y = p[0] + p[1] * h[0] + p[2] * h[1]
    L = (y - y_bar) ** 2
    L.backward()
    return L.item(), t.grad.numpy(), p.grad.numpy()


@pytest.mark.parametrize("name, act, x", [("relu", torch.relu, 0.8), ("relu", torch.relu, 2.0),
                                          ("tanh", torch.tanh, -0.7), ("sigmoid", torch.sigmoid, 1.3)])
def test_shallow_example_matches_torch_autograd(name, act, x):
    r = backprop.shallow_example(x, THETA, PHI, 1.0, name)
    L, dtheta, dphi = torch_shallow(x, THETA, PHI, 1.0, act)
    assert r["L"] == pytest.approx(L, rel=1e-14)
    np.testing.assert_allclose([r["dL_dphi0"], r["dL_dphi1"], r["dL_dphi2"]], dphi, rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose([[r["dL_dtheta01"], r["dL_dtheta11"]], [r["dL_dtheta02"], r["dL_dtheta21"]]],
                               dtheta, rtol=1e-14, atol=1e-16)


def test_shallow_example_matches_mlp_and_central_differences():
    r = backprop.shallow_example(0.8, THETA, PHI, 1.0, "tanh")
    model = network.MLP([1, 2, 1], "tanh", "linear", rng=np.random.default_rng(0))
    (t01, t11), (t02, t21) = THETA
    model.set_parameters([[[t11, t21]], [t01, t02], [[PHI[1]], [PHI[2]]], [PHI[0]]])
    assert model.loss_and_grads([[0.8]], [[1.0]], "mse", training=False) == pytest.approx(r["L"], rel=1e-15)
    dW1, db1, dW2, db2 = model.gradients()
    ours = [r["dL_dtheta11"], r["dL_dtheta21"], r["dL_dtheta01"], r["dL_dtheta02"],
            r["dL_dphi1"], r["dL_dphi2"], r["dL_dphi0"]]
    np.testing.assert_allclose(ours, [*dW1[0], *db1, *dW2[:, 0], *db2], rtol=1e-14)
    params = np.array([*np.ravel(THETA), *PHI])

    def loss(v):
        return backprop.shallow_example(0.8, v[:4].reshape(2, 2), v[4:], 1.0, "tanh")["L"]
    numeric = gradcheck.numerical_gradient(loss, params)
    analytic = [r["dL_dtheta01"], r["dL_dtheta11"], r["dL_dtheta02"], r["dL_dtheta21"],
                r["dL_dphi0"], r["dL_dphi1"], r["dL_dphi2"]]
    assert gradcheck.relative_error(analytic, numeric) < 1e-9


def test_shallow_relu_unit_that_is_off_gets_no_gradient():
    r = backprop.shallow_example(2.0, THETA, PHI, 1.0, "relu")
    assert r["f2"] < 0 and r["h2"] == 0.0
    assert r["dL_dphi2"] == r["dL_dtheta21"] == r["dL_dtheta02"] == 0.0
    assert r["dL_dtheta11"] != 0.0


@pytest.mark.parametrize("call, name", [
    (lambda: backprop.sigmoid_221_example(x=(1, 2, 3)), "x"),
    (lambda: backprop.sigmoid_221_example(weights=[1] * 5), "weights"),
    (lambda: backprop.sigmoid_221_example(lr=-1), "lr"),
    (lambda: backprop.shallow_example(1.0, [[1, 2]], PHI, 0.0), "theta"),
    (lambda: backprop.shallow_example(1.0, THETA, PHI, 0.0, "softmax"), "activation"),
])
def test_bad_arguments_raise_value_error_naming_them(call, name):
    with pytest.raises(ValueError, match=name):
        call()


COST_CASES = [([2, 16, 16, 1], 32, "tanh", "sigmoid", "bce"), ([3, 5, 4, 2], 7, "relu", "linear", "mse"),
              ([4, 16, 16, 8, 3], 20, "sigmoid", "softmax", "cce"), ([2, 1], 5, "relu", "sigmoid", "mse")]


def cost_problem(sizes, n, hidden, output, loss, seed=0):
    rng = np.random.default_rng(seed)
    model = network.MLP(sizes, hidden, output, rng=rng)
    model.set_parameters([p + 0.1 * rng.normal(size=p.shape) for p in model.parameters()])
    X = rng.normal(size=(n, sizes[0]))
    if loss == "cce":
        y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=n)]
    else:
        y = rng.uniform(size=(n, sizes[-1])) if loss == "bce" else rng.normal(size=(n, sizes[-1]))
    return model, X, y


@pytest.mark.parametrize("sizes, n, hidden, output, loss", COST_CASES)
def test_counted_backprop_gives_the_mlp_gradients_and_the_closed_form_counts(sizes, n, hidden,
                                                                            output, loss):
    model, X, y = cost_problem(sizes, n, hidden, output, loss)
    before = model.flat_params.copy()
    run = backprop.counted_backprop(model, X, y, loss)
    value = model.loss_and_grads(X, y, loss, training=False)
    assert run["loss"] == pytest.approx(value, rel=1e-13)
    for ours, theirs in zip(run["grads"], model.gradients(), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-11, atol=1e-15)
    np.testing.assert_array_equal(model.flat_params, before)
    costs = backprop.training_costs(sizes, n)
    assert {k: run[k] for k in ("stored", "forward", "backward")} == \
        {k: costs[k] for k in ("stored", "forward", "backward")}
    assert costs["parameters"] == model.n_parameters()
    assert costs["stored"] == sum(layer.Z.size + layer.A.size for layer in model.layers)


@pytest.mark.parametrize("sizes, n", [([2, 16, 16, 1], 32), ([784, 256, 256, 10], 8), ([3, 5], 4)])
def test_training_costs_match_torchs_flop_counter(sizes, n):
    from torch.utils.flop_counter import FlopCounterMode
    layers = []
    for d_in, d_out in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(d_in, d_out), torch.nn.Tanh()]
    model = torch.nn.Sequential(*layers[:-1])
    X = torch.randn(n, sizes[0])
    with FlopCounterMode(display=False) as forward:
        out = model(X)
    with FlopCounterMode(display=False) as backward:
        out.sum().backward()
    costs = backprop.training_costs(sizes, n)
    assert forward.get_total_flops() == 2 * costs["forward"]        # a multiply-add is 2 flops
    assert backward.get_total_flops() == 2 * costs["backward"]


def test_training_costs_by_hand_and_the_two_ratios():
    c = backprop.training_costs([2, 16, 16, 1], 32)
    assert c == {"parameters": 337, "stored": 2 * 32 * 33,
                 "forward": 32 * (32 + 256 + 16), "backward": 32 * (32 + 256 + 16) + 32 * (256 + 16)}
    for sizes in ([2, 16, 16, 1], [784, 256, 256, 10], [10, 10]):
        c = backprop.training_costs(sizes, 16)
        assert c["forward"] <= c["backward"] <= 2 * c["forward"]    # backward: 1 to 2 forwards
        assert backprop.training_costs(sizes, 32)["stored"] == 2 * c["stored"]   # linear in n
        assert backprop.training_costs(sizes, 32)["parameters"] == c["parameters"]


@pytest.mark.parametrize("call, name", [
    (lambda: backprop.training_costs([2], 4), "sizes"),
    (lambda: backprop.training_costs([2, 0, 1], 4), r"sizes\[1\]"),
    (lambda: backprop.training_costs([2, 1], 0), "batch_size"),
    (lambda: backprop.counted_backprop("net", np.ones((2, 2)), np.ones((2, 1))), "model"),
    (lambda: backprop.counted_backprop(network.MLP([2, 1], rng=np.random.default_rng(0)),
                                       np.ones((2, 3)), np.ones((2, 1))), "X"),
    (lambda: backprop.counted_backprop(network.MLP([2, 1], rng=np.random.default_rng(0)),
                                       np.ones((2, 2)), np.ones((3, 1))), "rows"),
    (lambda: backprop.counted_backprop(network.MLP([2, 1], rng=np.random.default_rng(0)),
                                       np.ones((2, 2)), np.ones((2, 1)), "hinge"), "loss"),
])
def test_cost_functions_reject_bad_arguments(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.parametrize("z, exact", [
    (20.0, 19.999999958776927),        # z sigma(z) = z / (1 + e^-z), to 17 digits (mpmath)
    (27.0, 26.999999999949253),
    (40.0, 40.0),
])
def test_counted_backprop_is_exact_where_the_sigmoid_saturates(z, exact):
    # d BCE / dw for y = 0 is sigma(z) x: from the logits, not (p - y) / (p (1 - p)) sigma'(z)
    model = network.MLP([1, 1], output="sigmoid", rng=np.random.default_rng(0))
    model.set_parameters([np.array([[1.0]]), np.array([0.0])])
    counted = backprop.counted_backprop(model, [[z]], [[0.0]], "bce")
    assert abs(counted["grads"][0][0, 0] - exact) <= 1e-12 * exact
    assert counted["loss"] == model.loss([[z]], [[0.0]], "bce")
    model.loss_and_grads([[z]], [[0.0]], "bce")
    assert counted["grads"][0][0, 0] == model.gradients()[0][0, 0]
