"""Shallow and deep networks: theta/phi against the MLP, Omega/beta, counting, linear pieces."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from lecture_code import datasets, network, shallow, widgets


def random_theta_phi(rng, units=4):
    return rng.normal(size=(units, 2)), rng.normal(size=units + 1)


def test_hidden_and_forward_follow_the_decks_formulas():
    rng = np.random.default_rng(0)
    theta, phi = random_theta_phi(rng, 3)
    x = rng.uniform(-2, 2, 7)
    h = shallow.hidden(x, theta)
    for d in range(3):
        np.testing.assert_array_equal(h[:, d], np.maximum(0.0, theta[d, 0] + theta[d, 1] * x))
    want = phi[0] + phi[1] * h[:, 0] + phi[2] * h[:, 1] + phi[3] * h[:, 2]
    np.testing.assert_allclose(shallow.forward(x, theta, phi), want, rtol=1e-15, atol=1e-15)
    np.testing.assert_array_equal(shallow.forward(x[:, None], theta, phi),
                                  shallow.forward(x, theta, phi))


def test_forward_equals_the_mlp_both_ways():
    rng = np.random.default_rng(1)
    theta, phi = random_theta_phi(rng, 5)
    x = rng.uniform(-3, 3, (11, 1))
    model = shallow.to_mlp(theta, phi)
    assert model.sizes == [1, 5, 1] and model.n_parameters() == 3 * 5 + 1
    np.testing.assert_allclose(model.forward(x)[:, 0], shallow.forward(x, theta, phi),
                               rtol=1e-14, atol=1e-14)
    theta_back, phi_back = shallow.from_mlp(model)
    np.testing.assert_array_equal(theta_back, theta)
    np.testing.assert_array_equal(phi_back, phi)
    trained = network.MLP([1, 4, 1], "relu", "linear", rng=rng)
    t, p = shallow.from_mlp(trained)
    np.testing.assert_allclose(shallow.forward(x, t, p), trained.forward(x)[:, 0],
                               rtol=1e-14, atol=1e-14)
    t[0, 0] += 1.0                                      # a copy, not a view
    assert not np.array_equal(shallow.from_mlp(trained)[0], t)


def test_other_activations_are_passed_through():
    rng = np.random.default_rng(2)
    theta, phi = random_theta_phi(rng)
    x = rng.normal(size=(5, 1))
    model = shallow.to_mlp(theta, phi, activation="tanh")
    np.testing.assert_allclose(model.forward(x)[:, 0], shallow.forward(x, theta, phi, "tanh"),
                               rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("sizes, output", [([2, 3, 1], "linear"), ([1, 3, 2], "linear"),
                                           ([1, 3, 3, 1], "linear"), ([1, 3, 1], "sigmoid")])
def test_from_mlp_rejects_networks_that_are_not_shallow_regressors(sizes, output):
    model = network.MLP(sizes, "relu", output, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="model"):
        shallow.from_mlp(model)


def test_bad_shapes_raise_naming_the_argument():
    with pytest.raises(ValueError, match="theta"):
        shallow.hidden([0.0], np.ones((3, 3)))
    with pytest.raises(ValueError, match="phi"):
        shallow.forward([0.0], np.ones((3, 2)), np.ones(3))
    with pytest.raises(ValueError, match="x"):
        shallow.forward(np.ones((2, 2)), np.ones((3, 2)), np.ones(4))


def test_kinks_are_where_the_pre_activation_is_zero():
    theta = np.array([[1.0, 2.0], [-0.5, -1.0], [0.3, 0.0]])
    bends = shallow.kinks(theta)
    np.testing.assert_allclose(bends[:2], [-0.5, -0.5], rtol=0, atol=0)
    assert np.isnan(bends[2])
    np.testing.assert_allclose(theta[:2, 0] + theta[:2, 1] * bends[:2], 0.0, atol=1e-15)


def test_interpolating_net_goes_through_the_points_and_straight_between():
    rng = np.random.default_rng(3)
    knots = np.sort(rng.uniform(-1, 1, 6))
    values = rng.normal(size=6)
    theta, phi = shallow.interpolating_net(knots, values)
    assert theta.shape == (5, 2) and phi.shape == (6,)
    np.testing.assert_allclose(shallow.forward(knots, theta, phi), values, rtol=0, atol=1e-12)
    middle = (knots[:-1] + knots[1:]) / 2
    np.testing.assert_allclose(shallow.forward(middle, theta, phi),
                               (values[:-1] + values[1:]) / 2, rtol=0, atol=1e-12)
    np.testing.assert_allclose(shallow.forward([knots[0] - 1.0], theta, phi), values[0], atol=0)
    assert shallow.linear_pieces(lambda x: shallow.forward(x, theta, phi), -2, 2) == 6


def test_interpolating_net_rejects_unordered_knots():
    with pytest.raises(ValueError, match="knots"):
        shallow.interpolating_net([0.0, 0.0, 1.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="knots"):
        shallow.interpolating_net([0.0, 1.0], [1.0, 2.0, 3.0])


def test_interpolation_error_is_the_sag_at_the_peak():
    x = np.linspace(-1, 1, 2001)
    f = datasets.REGRESSION_TARGETS["sin"]
    for units in (10, 30, 50):             # x = 0.5, the peak of sin(pi x), is mid-interval
        knots = np.linspace(-1, 1, units + 1)
        error = np.max(np.abs(shallow.forward(x, *shallow.interpolating_net(knots, f(knots)))
                              - f(x)))
        # the chord over [0.5 - h/2, 0.5 + h/2] sits at cos(pi h / 2): error ~ (pi h)^2 / 8
        np.testing.assert_allclose(error, 1 - np.cos(np.pi * (2 / units) / 2), rtol=1e-9)


@pytest.mark.parametrize("sizes, hidden, output", [([2, 4, 3, 2], "relu", "linear"),
                                                   ([3, 5, 1], "tanh", "sigmoid"),
                                                   ([1, 3, 3, 1], "relu", "linear")])
def test_column_forward_with_omega_beta_equals_the_mlp(sizes, hidden, output):
    rng = np.random.default_rng(6)
    model = network.MLP(sizes, hidden, output, rng=rng, init="torch")
    omegas, betas = shallow.omega_beta(model)
    for omega, beta, layer in zip(omegas, betas, model.layers):
        np.testing.assert_array_equal(omega, layer.params["W"].T)
        np.testing.assert_array_equal(beta, layer.params["b"])
        assert omega.shape == (layer.shape[1], layer.shape[0])
    X = rng.normal(size=(6, sizes[0]))
    np.testing.assert_allclose(shallow.column_forward(X, omegas, betas, hidden, output),
                               model.forward(X), rtol=1e-13, atol=1e-14)


def test_column_forward_rejects_mismatched_matrices():
    omegas = [np.ones((3, 1)), np.ones((1, 2))]
    with pytest.raises(ValueError, match="omegas\\[1\\]"):
        shallow.column_forward(np.ones((2, 1)), omegas, [np.ones(3), np.ones(1)])
    with pytest.raises(ValueError, match="same length"):
        shallow.column_forward(np.ones((2, 1)), omegas, [np.ones(3)])


@pytest.mark.parametrize("sizes", [[1, 3, 1], [1, 3, 3, 1], [784, 128, 64, 10], [2, 7, 7, 7, 3]])
def test_count_parameters_equals_the_mlp_and_torch(sizes):
    mlp = network.MLP(sizes, rng=np.random.default_rng(0))
    layers = [torch.nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])]
    expected = sum(p.numel() for layer in layers for p in layer.parameters())
    assert shallow.count_parameters(sizes) == mlp.n_parameters() == expected


def test_the_slides_image_layer_is_counted_exactly():
    inputs = 200 * 200 * 3
    assert shallow.count_parameters([inputs, inputs]) == 14_400_000_000 + 120_000
    assert isinstance(shallow.count_parameters([inputs, inputs]), int)     # exact, no float
    assert shallow.count_parameters([inputs, 1000]) == 120_001_000
    with pytest.raises(ValueError, match="sizes"):
        shallow.count_parameters([3])
    with pytest.raises(ValueError, match="sizes\\[1\\]"):
        shallow.count_parameters([3, 2.5])


def test_linear_pieces_counts_bends_on_and_between_grid_points():
    assert shallow.linear_pieces(lambda x: 2 * x + 1, -1, 1) == 1
    assert shallow.linear_pieces(np.abs, -1, 1) == 2                      # bend on a grid point
    assert shallow.linear_pieces(lambda x: np.abs(x - 0.123456), -1, 1) == 2   # between points
    assert shallow.linear_pieces(lambda x: np.abs(x - 5.0), -1, 1) == 1   # bend outside
    assert shallow.linear_pieces(lambda x: np.abs(x + 0.999), -1, 1) == 2  # near an end
    with pytest.raises(ValueError, match="lo and hi"):
        shallow.linear_pieces(np.abs, 1, -1)


def test_tent_and_sawtooth():
    x = np.linspace(0, 1, 9)
    np.testing.assert_array_equal(shallow.sawtooth(x, 1), 1 - np.abs(2 * x - 1))
    np.testing.assert_array_equal(shallow.sawtooth(x, 0), x)
    np.testing.assert_array_equal(shallow.sawtooth(x, 2),
                                  shallow.sawtooth(shallow.sawtooth(x, 1), 1))
    np.testing.assert_array_equal(shallow.sawtooth(x, 3), [0, 1, 0, 1, 0, 1, 0, 1, 0])


@pytest.mark.parametrize("k", [1, 2, 3, 5, 8])
def test_deep_and_shallow_sawtooth_nets_equal_the_composition(k):
    x = np.linspace(0, 1, 1025)
    deep = shallow.sawtooth_deep(k)
    np.testing.assert_array_equal(deep.forward(x[:, None])[:, 0], shallow.sawtooth(x, k))
    assert deep.n_parameters() == shallow.count_parameters(deep.sizes) == 6 * k + 1
    theta, phi = shallow.sawtooth_shallow(k)
    assert theta.shape == (2 ** k, 2)
    np.testing.assert_allclose(shallow.forward(x, theta, phi), shallow.sawtooth(x, k),
                               rtol=0, atol=1e-12 * 2 ** k)
    assert shallow.linear_pieces(deep.forward, 0, 1) == 2 ** k
    assert shallow.linear_pieces(lambda v: shallow.forward(v, theta, phi), 0, 1) == 2 ** k


def test_live_panel_renders_every_slider_extreme():
    X, y = datasets.regression_1d(20, rng=np.random.default_rng(0))
    panel = widgets.shallow_panel(X, y)
    assert len(panel.controls) == 10 and "data-lc-shallow" in panel.static_html()   # in the browser
    png, message = panel.render()
    assert message is None and png.startswith(b"\x89PNG")
    for name, control in panel.controls.items():
        for value in control.extremes():
            png, message = panel.render(**{name: value})
            assert message is None and png.startswith(b"\x89PNG"), (name, value)
    frames = panel.frames()                      # a kernel-free grid would be figures too
    assert all(png is not None and message is None for _, png, message in frames)


def test_live_panel_checks_its_starting_values():
    X, y = datasets.regression_1d(5, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="theta"):
        widgets.shallow_panel(X, y, theta=np.ones((2, 2)), phi=np.ones(3))


def test_importing_shallow_imports_neither_matplotlib_nor_ipywidgets():
    import subprocess
    import sys
    code = ("import sys, lecture_code.shallow; "
            "print(any(m in sys.modules for m in ('matplotlib', 'ipywidgets', 'torch')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
