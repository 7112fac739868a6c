"""landscape: grid layout, parameter indexing, the model's loss slice and its minimum."""
from __future__ import annotations

import numpy as np
import pytest

from lecture_code import datasets, landscape, losses, network
from lecture_code.gradcheck import numerical_gradient


def small_model(sizes=(2, 3, 1), output="sigmoid", seed=0):
    return network.MLP(list(sizes), activation="tanh", output=output,
                       rng=np.random.default_rng(seed))


def test_surface_layout_rows_follow_the_second_weight():
    w1, w2 = np.array([0.0, 1.0, 2.0]), np.array([-1.0, 5.0])
    J = landscape.loss_surface(lambda a, b: a + 10.0 * b, w1, w2)
    assert J.shape == (2, 3)
    np.testing.assert_array_equal(J, w1[None, :] + 10.0 * w2[:, None])


def test_surface_passes_python_floats():
    seen = []
    landscape.loss_surface(lambda a, b: seen.append((type(a), type(b))) or 0.0, [1], [2])
    assert seen == [(float, float)]


@pytest.mark.parametrize("args, match", [
    (("not callable", [0.0], [0.0]), "loss_fn"),
    ((lambda a, b: 0.0, [[0.0, 1.0]], [0.0]), "w_grid_1"),
    ((lambda a, b: 0.0, [0.0], []), "w_grid_2"),
    ((lambda a, b: 0.0, [0.0, np.nan], [0.0]), "w_grid_1"),
])
def test_surface_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        landscape.loss_surface(*args)


def test_parameter_index_is_a_bijection_onto_flat_params():
    model = small_model((2, 3, 2))
    seen = []
    for k, layer in enumerate(model.layers):
        for key in ("W", "b"):
            for position in np.ndindex(layer.params[key].shape):
                index = landscape.parameter_index(model, k, key, position)
                model.flat_params[index] = 1234.5
                assert layer.params[key][position] == 1234.5
                model.flat_params[index] = 0.0
                seen.append(index)
    assert sorted(seen) == list(range(model.n_parameters()))


def test_parameter_index_of_logistic_regression():
    model = small_model((2, 1))
    assert [landscape.parameter_index(model, 0, "W", (0, 0)),
            landscape.parameter_index(model, 0, "W", (1, 0)),
            landscape.parameter_index(model, 0, "b", 0)] == [0, 1, 2]


@pytest.mark.parametrize("layer, key, position, match", [
    (2, "W", (0, 0), "layer"), (-1, "W", (0, 0), "layer"), (True, "W", (0, 0), "layer"),
    (0, "w", (0, 0), "key"), (0, "W", (2, 0), "position"), (0, "W", (0,), "position"),
    (0, "b", (0, 0), "position"), (0, "W", (0, -1), "position"),
])
def test_parameter_index_rejects_bad_input(layer, key, position, match):
    with pytest.raises(ValueError, match=match):
        landscape.parameter_index(small_model(), layer, key, position)


def test_parameter_index_rejects_a_non_model():
    with pytest.raises(ValueError, match="model"):
        landscape.parameter_index(object(), 0, "W", (0, 0))


def test_model_loss_equals_the_loss_with_the_parameters_set_and_restores_them():
    rng = np.random.default_rng(1)
    X, y = datasets.moons(30, rng=rng)
    model = small_model()
    before = model.flat_params.copy()
    i = landscape.parameter_index(model, 0, "W", (1, 2))
    j = landscape.parameter_index(model, 1, "b", 0)
    J = landscape.model_loss_fn(model, X, y, "bce", i, j)
    value = J(0.7, -1.3)
    np.testing.assert_array_equal(model.flat_params, before)
    model.flat_params[[i, j]] = 0.7, -1.3
    assert value == losses.binary_cross_entropy(model.forward(X), y)


def test_model_loss_restores_the_parameters_when_the_loss_fails():
    model = small_model((2, 1), output="linear")
    before = model.flat_params.copy()
    J = landscape.model_loss_fn(model, np.ones((3, 2)), np.zeros(3), "mse", 0, 2)

    def boom(*_):
        raise RuntimeError("boom")
    model._forward, original = boom, model._forward
    with pytest.raises(RuntimeError):
        J(5.0, 6.0)
    model._forward = original
    np.testing.assert_array_equal(model.flat_params, before)


def test_model_loss_slope_is_the_backprop_gradient():
    """Central differences of the slice J(w1, w2) equal the model's gradient entries."""
    rng = np.random.default_rng(2)
    X, y = datasets.blobs(40, rng=rng, centers=3)
    model = small_model((2, 3, 3), output="softmax")
    i = landscape.parameter_index(model, 0, "W", (0, 1))
    j = landscape.parameter_index(model, 1, "W", (2, 2))
    J = landscape.model_loss_fn(model, X, y, "cce", i, j)   # integer labels become one-hot
    model.loss_and_grads(X, datasets.one_hot(y, 3), "cce")
    point = model.flat_params[[i, j]].copy()
    slope = numerical_gradient(lambda p: J(p[0], p[1]), point)
    np.testing.assert_allclose(slope, model.flat_grads[[i, j]], rtol=0, atol=1e-9)


def test_model_loss_with_labels_equals_one_hot_targets():
    rng = np.random.default_rng(3)
    X, y = datasets.blobs(20, rng=rng, centers=3)
    model = small_model((2, 4, 3), output="softmax")
    a = landscape.model_loss_fn(model, X, y, "cce", 0, 5)(0.3, -0.2)
    b = landscape.model_loss_fn(model, X, datasets.one_hot(y, 3), "cce", 0, 5)(0.3, -0.2)
    assert a == b


@pytest.mark.parametrize("kwargs, match", [
    (dict(index_1=0, index_2=0), "differ"), (dict(index_1=0, index_2=13), "index_2"),
    (dict(index_1=-1, index_2=1), "index_1"), (dict(index_1=0.0, index_2=1), "index_1"),
    (dict(loss="hinge"), "loss"), (dict(X=np.ones((5, 3))), "X"), (dict(y=np.ones(4)), "rows"),
])
def test_model_loss_rejects_bad_input(kwargs, match):
    model = small_model()                           # 13 parameters
    args = dict(model=model, X=np.ones((5, 2)), y=np.ones(5), loss="mse", index_1=0, index_2=1)
    with pytest.raises(ValueError, match=match):
        landscape.model_loss_fn(**{**args, **kwargs})


def test_model_loss_rejects_a_non_model():
    with pytest.raises(ValueError, match="model"):
        landscape.model_loss_fn("model", np.ones((2, 2)), np.ones(2), "mse", 0, 1)


def test_grid_minimum_finds_the_lowest_point():
    w1, w2 = np.linspace(-1, 1, 21), np.linspace(-1, 1, 11)
    J = landscape.loss_surface(lambda a, b: (a - 0.3) ** 2 + (b + 0.2) ** 2 + 1.5, w1, w2)
    a, b, value = landscape.grid_minimum(J, w1, w2)
    assert (a, b, value) == (w1[13], w2[4], J[4, 13])
    assert np.isclose(a, 0.3) and np.isclose(b, -0.2) and np.isclose(value, 1.5)


def test_grid_minimum_checks_the_shape():
    with pytest.raises(ValueError, match="shape"):
        landscape.grid_minimum(np.zeros((3, 2)), [0, 1, 2], [0, 1])


@pytest.mark.parametrize("sizes", [[2, 1], [2, 3, 1], [2, 16, 16, 1], [4, 16, 16, 8, 3]])
def test_n_parameters_counts_what_an_mlp_holds(sizes):
    model = network.MLP(sizes, rng=np.random.default_rng(0))
    assert landscape.n_parameters(sizes) == model.n_parameters() == model.flat_params.size
    assert landscape.n_parameters((2, 16, 16, 1)) == 337


def test_grid_evaluations_is_the_exact_size_of_the_grid():
    w1, w2, w3 = np.linspace(0, 1, 4), np.linspace(0, 1, 4), np.linspace(0, 1, 4)
    calls = []
    landscape.loss_surface(lambda a, b: calls.append((a, b)) or 0.0, w1, w2)
    assert len(calls) == landscape.grid_evaluations(2, 4) == 16
    assert len(np.array(np.meshgrid(w1, w2, w3)).reshape(3, -1).T) == landscape.grid_evaluations(3, 4)
    big = landscape.grid_evaluations(337)               # an exact integer, not a float
    assert isinstance(big, int) and big == 10 ** 337 and len(str(big)) == 338
    assert landscape.grid_evaluations(5, 1) == 1


@pytest.mark.parametrize("call, name", [
    (lambda: landscape.n_parameters([2]), "sizes"),
    (lambda: landscape.n_parameters("21"), "sizes"),
    (lambda: landscape.n_parameters([2, 0, 1]), r"sizes\[1\]"),
    (lambda: landscape.n_parameters([2, 1.5]), r"sizes\[1\]"),
    (lambda: landscape.grid_evaluations(0), "n_parameters"),
    (lambda: landscape.grid_evaluations(3, 2.0), "values_per_parameter"),
])
def test_counts_reject_bad_input(call, name):
    with pytest.raises(ValueError, match=name):
        call()
