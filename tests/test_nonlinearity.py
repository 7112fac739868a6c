"""nonlinearity: linear stacks collapse, the panel renders every setting, gradients per layer."""
from __future__ import annotations

import numpy as np
import pytest

from lecture_code import activations, datasets, network, nonlinearity
from lecture_code.gradcheck import numerical_gradient


def random_stack(rng, sizes):
    weights = [rng.normal(size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(size=b) for b in sizes[1:]]
    return weights, biases


@pytest.mark.parametrize("sizes", [[3, 2], [2, 5, 1], [4, 3, 6, 2], [1, 1, 1, 1, 1]])
def test_compose_affine_equals_applying_the_layers_in_turn(sizes):
    rng = np.random.default_rng(0)
    weights, biases = random_stack(rng, sizes)
    X = rng.normal(size=(7, sizes[0]))
    A = X
    for W, b in zip(weights, biases):
        A = A @ W + b
    W, b = nonlinearity.compose_affine(weights, biases)
    assert W.shape == (sizes[0], sizes[-1]) and b.shape == (sizes[-1],)
    # Same products, summed in a different order: a few ulps of |A| apart.
    np.testing.assert_allclose(X @ W + b, A, rtol=1e-13, atol=1e-13)


def test_compose_affine_of_one_layer_is_that_layer():
    W, b = np.array([[1.0, 2.0]]), np.array([3.0, 4.0])
    W1, b1 = nonlinearity.compose_affine([W], [b])
    np.testing.assert_array_equal(W1, W)
    np.testing.assert_array_equal(b1, b)


def test_compose_affine_by_hand():
    W, b = nonlinearity.compose_affine([[[1.0, 2.0], [0.0, -1.0]], [[2.0], [1.0]]],
                                       [[1.0, 0.0], [-1.0]])
    np.testing.assert_array_equal(W, [[4.0], [-1.0]])
    np.testing.assert_array_equal(b, [1.0])


@pytest.mark.parametrize("weights, biases, message", [
    ([], [], "same length"),
    ([np.ones((2, 3))], [np.ones(3), np.ones(1)], "same length"),
    ([np.ones((2, 3)), np.ones((2, 1))], [np.ones(3), np.ones(1)], r"weights\[1\] must have 3 rows"),
    ([np.ones((2, 3))], [np.ones(2)], r"biases\[0\] must have shape \(3,\)"),
    ([np.ones(3)], [np.ones(3)], r"weights\[0\] must be 2-D"),
])
def test_compose_affine_rejects_bad_stacks(weights, biases, message):
    with pytest.raises(ValueError, match=message):
        nonlinearity.compose_affine(weights, biases)


@pytest.mark.parametrize("sizes", [[2, 1], [2, 16, 1], [2, 8, 8, 8, 1], [3, 4, 2]])
def test_linear_equivalent_reproduces_the_network(sizes):
    rng = np.random.default_rng(1)
    output = "sigmoid" if sizes[-1] == 1 else "softmax"
    model = network.MLP(sizes, activation="linear", output=output, rng=rng)
    X = rng.normal(size=(10, sizes[0]))
    W, b = nonlinearity.linear_equivalent(model)
    g = activations.get(output).forward
    np.testing.assert_allclose(model.forward(X), g(X @ W + b), rtol=1e-13, atol=1e-15)


def test_linear_equivalent_refuses_a_nonlinear_hidden_layer():
    model = network.MLP([2, 3, 3, 1], activation="relu", rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="hidden layer 1 has activation 'relu'"):
        nonlinearity.linear_equivalent(model)
    with pytest.raises(ValueError, match="model must be"):
        nonlinearity.linear_equivalent("not a model")


@pytest.fixture(scope="module")
def moons():
    return datasets.moons(120, rng=np.random.default_rng(2), noise=0.1)


def test_a_linear_network_draws_a_line_and_a_relu_network_does_not(moons):
    X, y = moons
    linear, h_lin = nonlinearity.train_classifier(X, y, "linear", 16, rng=np.random.default_rng(0))
    relu, h_relu = nonlinearity.train_classifier(X, y, "relu", 16, rng=np.random.default_rng(0))
    W, b = nonlinearity.linear_equivalent(linear)
    # the trained linear network is sigmoid(X W + b): its boundary is the line X W + b = 0
    np.testing.assert_allclose(linear.forward(X), activations.sigmoid(X @ W + b),
                               rtol=1e-12, atol=1e-15)
    assert h_lin.train_acc[-1] < 0.9 < h_relu.train_acc[-1]


def test_train_classifier_is_reproducible_and_checks_its_arguments(moons):
    X, y = moons
    runs = [nonlinearity.train_classifier(X, y, "tanh", 3, rng=np.random.default_rng(5), epochs=20)
            for _ in range(2)]
    np.testing.assert_array_equal(runs[0][1].train_loss, runs[1][1].train_loss)
    with pytest.raises(ValueError, match="hidden"):
        nonlinearity.train_classifier(X, y, "tanh", 0, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        nonlinearity.train_classifier(X, y, "swish", 3, rng=np.random.default_rng(0))


def test_layer_gradient_norms_equal_central_differences():
    rng = np.random.default_rng(3)
    model = network.MLP([2, 4, 3, 1], activation="sigmoid", rng=rng)
    X, y = rng.normal(size=(6, 2)), rng.integers(0, 2, size=(6, 1)).astype(float)
    norms = nonlinearity.layer_gradient_norms(model, X, y)

    def objective(_):
        return model.loss_and_grads(X, y, "bce", training=False)

    numeric = [np.linalg.norm(numerical_gradient(objective, layer.params["W"]))
               for layer in model.layers]
    # central differences at h = 1e-6 carry ~1e-10 relative error on these O(0.1) norms
    np.testing.assert_allclose(norms, numeric, rtol=1e-8)


def test_sigmoid_gradients_vanish_with_depth_and_relu_gradients_do_not(moons):
    X, y = moons
    ratios = {}
    for name in ("sigmoid", "relu"):
        model = network.MLP([2] + [16] * 8 + [1], activation=name, rng=np.random.default_rng(0))
        norms = nonlinearity.layer_gradient_norms(model, X, y)
        ratios[name] = norms[0] / norms[-1]
    assert ratios["sigmoid"] < 0.25 ** 6 and ratios["relu"] > 0.1


def test_layer_gradient_norms_rejects_non_models():
    with pytest.raises(ValueError, match="model must be"):
        nonlinearity.layer_gradient_norms(None, np.ones((2, 2)), np.ones(2))


def test_every_panel_extreme_shows_a_figure(moons):
    X, y = moons
    panel = nonlinearity.activation_panel(X, y)     # the settings the chapter uses
    assert set(panel.controls["activation"].extremes()) == set(nonlinearity.PANEL_ACTIVATIONS)
    for name, control in panel.controls.items():
        for value in control.extremes():
            png, message = panel.render(**{name: value})
            assert message is None, (name, value, message)
            assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_panel_renders_every_activation_at_both_widths(moons):
    X, y = moons
    panel = nonlinearity.activation_panel(X, y, epochs=10, max_hidden=4, hidden=2)
    for activation in nonlinearity.PANEL_ACTIVATIONS:
        for hidden in panel.controls["hidden"].extremes():
            png, message = panel.render(activation=activation, hidden=hidden)
            assert message is None and png is not None


def test_panel_checks_its_arguments(moons):
    X, y = moons
    with pytest.raises(ValueError, match="hidden must be at most max_hidden"):
        nonlinearity.activation_panel(X, y, hidden=40, max_hidden=32)
    with pytest.raises(ValueError, match="X must have 2 column"):
        nonlinearity.activation_panel(np.ones((4, 3)), y[:4])


def test_saturated_network_scales_the_hidden_weights_and_draws_the_hidden_biases():
    sizes = [2, 5, 4, 1]
    default = network.MLP(sizes, activation="tanh", rng=np.random.default_rng(7))
    plain = nonlinearity.saturated_network(sizes, "tanh", rng=np.random.default_rng(7))
    for a, b in zip(plain.parameters(), default.parameters()):
        np.testing.assert_array_equal(a, b)
    rng = np.random.default_rng(7)
    net = nonlinearity.saturated_network(sizes, "tanh", rng=rng, weight_scale=3.0, bias_std=2.0)
    replay = np.random.default_rng(7)
    network.MLP(sizes, activation="tanh", rng=replay)            # same weight draws
    for layer, ref in zip(net.layers[:-1], default.layers[:-1]):
        np.testing.assert_array_equal(layer.params["W"], 3.0 * ref.params["W"])
        np.testing.assert_array_equal(layer.params["b"], replay.normal(0.0, 2.0, size=ref.shape[1]))
    for key in ("W", "b"):                                         # the output layer is untouched
        np.testing.assert_array_equal(net.layers[-1].params[key], default.layers[-1].params[key])
    # the scaled weights live in the model's flat vector, which optimizers update
    assert np.shares_memory(net.layers[0].params["W"], net.flat_params)
    np.testing.assert_array_equal(net.flat_params[:10], 3.0 * default.flat_params[:10])


@pytest.mark.parametrize("kwargs, message", [
    (dict(weight_scale=0.0), "weight_scale must be a number > 0"),
    (dict(bias_std=-1.0), "bias_std must be a number >= 0"),
])
def test_saturated_network_checks_its_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        nonlinearity.saturated_network([2, 3, 1], "tanh", rng=np.random.default_rng(0), **kwargs)


def test_hidden_slopes_by_hand():
    model = network.MLP([1, 2, 2, 1], activation="tanh", rng=np.random.default_rng(0))
    model.set_parameters([np.array([[10.0, 0.5]]), np.array([0.0, -0.5]),
                          np.eye(2), np.array([1.0, 0.0]), np.ones((2, 1)), np.zeros(1)])
    X = np.array([[1.0], [0.0]])
    slopes = nonlinearity.hidden_slopes(model, X)
    Z1 = np.array([[10.0, 0.0], [0.0, -0.5]])
    Z2 = np.tanh(Z1) + np.array([1.0, 0.0])
    assert [s.shape for s in slopes] == [(2, 2), (2, 2)]
    # tanh' = 1 / cosh^2 (1 - tanh^2 would lose 8 digits at z = 10 to cancellation)
    np.testing.assert_allclose(slopes[0], 1 / np.cosh(Z1) ** 2, rtol=1e-15, atol=0)
    np.testing.assert_allclose(slopes[1], 1 / np.cosh(Z2) ** 2, rtol=1e-15, atol=0)
    assert slopes[0][0, 0] < 1e-8 and slopes[0][0, 1] == 1.0      # saturated, and at z = 0
    with pytest.raises(ValueError, match="model must be"):
        nonlinearity.hidden_slopes("not a model", X)
    softmax_hidden = network.MLP([1, 2, 1], activation="softmax", rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="hidden layer 1 has activation 'softmax'"):
        nonlinearity.hidden_slopes(softmax_hidden, X)


def test_tanh_gradients_vanish_with_saturating_biases_not_with_glorot_or_large_weights(moons):
    """The claims of chapter 2's tanh section, over several initialisations."""
    X, y = moons
    sizes = [2] + [16] * 8 + [1]
    for seed in range(5):
        ratio = {}
        for name, kwargs in (("glorot", {}), ("weights", dict(weight_scale=16)),
                             ("biases", dict(bias_std=3))):
            net = nonlinearity.saturated_network(sizes, "tanh", rng=np.random.default_rng(seed),
                                                 **kwargs)
            norms = nonlinearity.layer_gradient_norms(net, X, y)
            ratio[name] = norms[0] / norms[-1]
        assert 0.1 < ratio["glorot"] < 10, (seed, ratio)
        assert ratio["weights"] > 0.3, (seed, ratio)      # saturated, but does not vanish
        assert ratio["biases"] < 1e-2, (seed, ratio)
