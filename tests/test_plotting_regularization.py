"""Chapter 7's figures: WeightsFigure (boundary and weight histogram) and the double-descent curve."""
from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from lecture_code import datasets, generalization, plotting
from support import PNG_SIGNATURE


def data():
    X, y = datasets.moons(60, rng=np.random.default_rng(0), noise=0.2)
    return X[:20], y[:20], X[20:], y[20:]


def probability(G):
    return 1.0 / (1.0 + np.exp(-4.0 * G[:, 0]))


def test_counts_put_every_weight_in_a_bin_and_clip_the_extremes():
    fig = plotting.WeightsFigure(*data(), weight_range=2.0, bins=4)      # edges -2, -1, 0, 1, 2
    counts = fig.counts(np.array([-5.0, -1.5, -0.5, 0.0, 0.5, 0.7, 9.0]))
    np.testing.assert_array_equal(counts, [2, 1, 3, 1])
    assert counts.sum() == 7


def test_update_draws_surface_histogram_and_note_and_returns_png():
    fig = plotting.WeightsFigure(*data(), resolution=30)
    weights = np.random.default_rng(1).standard_normal(200)
    png = fig.update(probability, weights, note="test accuracy 0.90")
    assert png.startswith(PNG_SIGNATURE)
    assert Image.open(io.BytesIO(png)).size == (int(7.4 * 160), int(3.2 * 160))   # twice 80 dpi
    surface = np.asarray(fig.image.get_array())
    assert surface.shape == (30, 30) and 0 < surface.min() < 0.5 < surface.max() < 1
    np.testing.assert_array_equal(fig.bars.get_data().values, np.maximum(fig.counts(weights), 0.5))
    assert fig.note.get_text() == "test accuracy 0.90"
    assert isinstance(fig.figure, Figure)


def test_the_figure_is_reused_and_a_new_setting_changes_the_image():
    fig = plotting.WeightsFigure(*data())
    first = fig.update(probability, np.zeros(50))
    children = len(fig.ax_weights.get_children()) + len(fig.ax_boundary.get_children())
    second = fig.update(lambda G: probability(-G), np.linspace(-1, 1, 50))
    assert len(fig.ax_weights.get_children()) + len(fig.ax_boundary.get_children()) == children
    assert first != second
    assert fig.update(probability, np.zeros(50)) == first          # same state, same pixels


def test_weights_figure_rejects_bad_input():
    X_train, y_train, X_test, y_test = data()
    with pytest.raises(ValueError, match="together"):
        plotting.WeightsFigure(X_train, y_train, X_test)
    with pytest.raises(ValueError, match="y_train"):
        plotting.WeightsFigure(X_train, y_train + 2)
    fig = plotting.WeightsFigure(X_train, y_train)
    with pytest.raises(ValueError, match="weights"):
        fig.update(probability, np.ones((3, 3)))
    with pytest.raises(ValueError, match="probabilities"):
        fig.update(lambda G: 2 * probability(G), np.ones(3))


def test_double_descent_curve_draws_test_train_and_threshold():
    figure = Figure()
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    result = generalization.DoubleDescent(np.array([5, 10, 20, 40]), np.array([0.1, 0.01, 0.0, 0.0]),
                                          np.array([0.3, 0.2, 50.0, 1.0]), np.ones(4))
    test, train, threshold = plotting.double_descent_curve(ax, result, n_train=20)
    np.testing.assert_array_equal(test.get_ydata(), result.test_mse)
    np.testing.assert_array_equal(train.get_ydata(), [0.1, 0.01, 1e-12, 1e-12])
    assert list(threshold.get_xdata()) == [20, 20]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    (line,) = plotting.double_descent_curve(ax, result, train=False, color="#D55E00")
    assert line.get_color() == "#D55E00" and test.get_color() == plotting.CLASS_COLORS[0]
    with pytest.raises(ValueError, match="n_train"):
        plotting.double_descent_curve(ax, result, n_train=0)
