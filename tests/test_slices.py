"""slices: random directions scaled unit by unit, and the loss along lines and planes through a network."""
import numpy as np
import pytest

from lecture_code import slices, training


def test_unit_direction_has_the_length_of_each_unit_and_no_bias(small_problem):
    model, _, _ = small_problem()
    d = slices.unit_direction(model, np.random.default_rng(0))
    assert d.shape == (model.n_parameters(),)
    offset = 0
    for layer in model.layers:
        W, b = layer.params["W"], layer.params["b"]
        block = d[offset:offset + W.size].reshape(W.shape)
        np.testing.assert_allclose(np.linalg.norm(block, axis=0), np.linalg.norm(W, axis=0),
                                   rtol=1e-13)
        assert not np.allclose(block, W)
        offset += W.size
        np.testing.assert_array_equal(d[offset:offset + b.size], 0.0)
        offset += b.size


def test_loss_slice_evaluates_the_loss_at_shifted_parameters_and_restores_them(small_problem):
    model, X, y = small_problem()
    before = model.flat_params.copy()
    d = slices.unit_direction(model, np.random.default_rng(0))
    values = slices.loss_slice(model, X, y, [d], [[0.0], [0.5]])
    np.testing.assert_array_equal(model.flat_params, before)
    assert values[0] == pytest.approx(model.loss_and_grads(X, y, "bce", training=False), rel=1e-14)
    model.flat_params[:] = before + 0.5 * d
    assert values[1] == pytest.approx(model.loss_and_grads(X, y, "bce", training=False), rel=1e-14)
    origin = np.zeros_like(before)
    at_origin = slices.loss_slice(model, X, y, [d], [[0.0]], origin=origin)
    assert at_origin[0] == pytest.approx(np.log(2), rel=1e-12)     # zero weights: p = 0.5


def test_loss_slice_along_training_reaches_the_trained_loss(small_problem):
    model, X, y = small_problem()
    start = model.flat_params.copy()
    training.train(model, X, y, optimizer="adam", lr=0.05, epochs=50, rng=np.random.default_rng(0))
    end = model.flat_params.copy()
    line = slices.loss_slice(model, X, y, [end - start], [[0.0], [1.0]], origin=start)
    trained = model.loss_and_grads(X, y, "bce", training=False)
    assert line[1] == pytest.approx(trained, rel=1e-14) and line[0] > line[1]


def test_loss_slice_rejects_bad_shapes(small_problem):
    model, X, y = small_problem()
    with pytest.raises(ValueError, match="directions"):
        slices.loss_slice(model, X, y, [np.zeros(3)], [[1.0]])


def test_model_functions_reject_what_is_not_an_mlp(small_problem):
    _, X, y = small_problem()
    for call in (lambda: slices.unit_direction(None, np.random.default_rng(0)),
                 lambda: slices.loss_slice([1, 2], X, y, [[1.0]], [[0.0]])):
        with pytest.raises(ValueError, match="model"):
            call()
