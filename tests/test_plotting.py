import io
import re
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, strategies as st
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from PIL import Image

from lecture_code import datasets, plotting
from support import PNG_SIGNATURE
from lecture_code.plotting import style


def logistic(G):
    return 1 / (1 + np.exp(-(2 * G[:, 0] - G[:, 1])))


def three_scores(G):
    return np.column_stack([G[:, 0], G[:, 1], -G[:, 0] - G[:, 1]])


def pixel_centres(image, resolution):
    """The (x1, x2) point at the centre of every pixel, from the image's extent."""
    x0, x1, y0, y1 = image.get_extent()
    xs = x0 + (np.arange(resolution) + 0.5) * (x1 - x0) / resolution
    ys = y0 + (np.arange(resolution) + 0.5) * (y1 - y0) / resolution
    XX, YY = np.meshgrid(xs, ys)
    return np.column_stack([XX.ravel(), YY.ravel()])


def data(n=40, seed=0):
    return datasets.moons(n, rng=np.random.default_rng(seed))


def test_importing_plotting_does_not_import_pyplot():
    code = "import sys, lecture_code.plotting; print('matplotlib.pyplot' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_palette_is_okabe_ito():
    assert plotting.PALETTE == ("#000000", "#E69F00", "#56B4E9", "#009E73",
                                "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
    assert set(plotting.CLASS_COLORS) == set(plotting.PALETTE)
    assert len(set(plotting.MARKERS)) == len(plotting.MARKERS)
    cmap = plotting.BOUNDARY_CMAP
    blue, vermillion = (np.asarray(to_rgba(c)[:3]) for c in plotting.CLASS_COLORS[:2])
    np.testing.assert_allclose(cmap(0.0)[:3], (blue + 1) / 2, atol=1 / 255)
    np.testing.assert_allclose(cmap(1.0)[:3], (vermillion + 1) / 2, atol=1 / 255)
    np.testing.assert_allclose(cmap(0.5), (1, 1, 1, 1), atol=0.01)


def test_decision_boundary_image_is_predict_on_the_grid(ax):
    X, y = data()
    image, scatters = plotting.decision_boundary(ax, logistic, X, y, resolution=30)
    np.testing.assert_allclose(image.get_array(),
                               logistic(pixel_centres(image, 30)).reshape(30, 30), rtol=1e-12)
    x0, x1, y0, y1 = ax.get_xlim() + ax.get_ylim()
    assert x0 < X[:, 0].min() and x1 > X[:, 0].max() and y0 < X[:, 1].min() and y1 > X[:, 1].max()
    assert image.get_clim() == (0.0, 1.0)


def test_decision_boundary_points_by_class_with_distinct_markers(ax):
    X, y = data()
    _, scatters = plotting.decision_boundary(ax, logistic, X, y, resolution=10)
    assert len(scatters) == 2
    for k, points in enumerate(scatters):
        np.testing.assert_array_equal(points.get_offsets(), X[y == k])
        np.testing.assert_allclose(points.get_facecolor()[0], to_rgba(plotting.CLASS_COLORS[k]))
    marker0, marker1 = (s.get_paths()[0].vertices for s in scatters)
    assert marker0.shape != marker1.shape or not np.allclose(marker0, marker1)


def test_decision_boundary_one_column_equals_flat_probabilities():
    X, y = data()
    images = []
    for predict in (logistic, lambda G: logistic(G)[:, None]):
        figure = Figure()
        images.append(plotting.decision_boundary(figure.add_subplot(), predict, X, y,
                                                 resolution=12)[0].get_array())
    np.testing.assert_array_equal(images[0], images[1])


def test_decision_boundary_several_classes_shows_argmax_regions(ax):
    X, y = datasets.blobs(30, rng=np.random.default_rng(1), centers=3)
    image, scatters = plotting.decision_boundary(ax, three_scores, X, y, resolution=20)
    expected = three_scores(pixel_centres(image, 20)).argmax(axis=1).reshape(20, 20)
    np.testing.assert_array_equal(image.get_array(), expected)
    assert len(np.unique(expected)) == 3 and len(scatters) == 3
    assert image.get_cmap() is plotting.REGION_CMAP


@pytest.mark.parametrize("predict, message", [
    (lambda G: np.ones(5), "predict must return shape (100,) or (100, k)"),
    (lambda G: 3 * logistic(G), "predict must return probabilities in [0, 1]"),
])
def test_decision_boundary_rejects_bad_predictions(ax, predict, message):
    X, y = data()
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.decision_boundary(ax, predict, X, y, resolution=10)


@pytest.mark.parametrize("X, y, kwargs, message", [
    (np.ones((4, 3)), [0, 1, 0, 1], {}, "X must have 2 column(s)"),
    (np.ones((4, 2)), [0, 1, 0], {}, "y must hold one label per point (4), got 3"),
    (np.ones((4, 2)), [0, 1, 0.5, 1], {}, "y must hold whole-number class labels"),
    (np.ones((4, 2)), [0, 1, 0, 1], {"resolution": 1}, "resolution must be a whole number >= 2"),
    (np.ones((4, 2)), [0, 1, 0, 1], {"padding": -1}, "padding must be a number >= 0"),
])
def test_decision_boundary_checks_its_arguments(ax, X, y, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.decision_boundary(ax, logistic, X, y, **kwargs)


def test_loss_curves_plot_history_against_epoch(ax):
    history = SimpleNamespace(train_loss=[1.0, 0.5, 0.3], val_loss=[1.2, 0.7, 0.8], best_epoch=1)
    train, val, best = plotting.loss_curves(ax, history)
    np.testing.assert_array_equal(train.get_xdata(), [0, 1, 2])
    np.testing.assert_array_equal(train.get_ydata(), history.train_loss)
    np.testing.assert_array_equal(val.get_ydata(), history.val_loss)
    np.testing.assert_array_equal(best.get_xdata(), [1, 1])


def test_loss_curves_without_validation_or_best_epoch(ax):
    lines = plotting.loss_curves(ax, SimpleNamespace(train_loss=[0.9, 0.4], val_loss=[]))
    assert len(lines) == 1 and len(ax.get_lines()) == 1
    np.testing.assert_array_equal(lines[0].get_ydata(), [0.9, 0.4])


def test_accuracy_curves(ax):
    history = SimpleNamespace(train_acc=[0.5, 0.9], val_acc=[0.4, 0.8], best_epoch=None)
    train, val = plotting.accuracy_curves(ax, history)
    np.testing.assert_array_equal(train.get_ydata(), [0.5, 0.9])
    np.testing.assert_array_equal(val.get_ydata(), [0.4, 0.8])
    assert ax.get_ylabel() == "accuracy"


def test_activation_plot_draws_function_and_derivative(ax):
    f, df = np.tanh, lambda z: 1 - np.tanh(z) ** 2
    line_f, line_df = plotting.activation_plot(ax, f, df, "tanh")
    z = line_f.get_xdata()
    assert z[0] == -5 and z[-1] == 5
    np.testing.assert_array_equal(line_f.get_ydata(), f(z))
    np.testing.assert_array_equal(line_df.get_ydata(), df(z))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["tanh(z)", "tanh'(z)"]


def test_regression_fit_draws_points_model_and_truth(ax):
    X, y = datasets.regression_1d(25, rng=np.random.default_rng(0))
    points, model, truth = plotting.regression_fit(ax, X, y, lambda x: 0.5 * x[:, 0],
                                                   truth=lambda x: np.sin(np.pi * x))
    np.testing.assert_array_equal(points.get_offsets(), np.column_stack([X[:, 0], y]))
    grid = model.get_xdata()
    assert grid[0] == X.min() and grid[-1] == X.max()
    np.testing.assert_array_equal(model.get_ydata(), 0.5 * grid)
    np.testing.assert_array_equal(truth.get_ydata(), np.sin(np.pi * grid))


def test_regression_fit_rejects_wrong_prediction_shape(ax):
    with pytest.raises(ValueError, match="predict must return one value per row"):
        plotting.regression_fit(ax, [0.0, 1.0], [1.0, 2.0], lambda x: np.ones((3, 2)))


# ------------------------------------------------------------------ BoundaryFigure

def split(seed=0):
    X, y = data(60, seed)
    return datasets.train_test_split(X, y, 0.25, rng=np.random.default_rng(seed))


def history(epochs=5, best=3):
    return SimpleNamespace(train_loss=list(np.linspace(0.9, 0.3, epochs)),
                           val_loss=list(np.linspace(1.0, 0.4, epochs)), best_epoch=best)


def children(figure):
    """The figure's and every axes' direct children (tick marks, made lazily by matplotlib, aside)."""
    return [figure.get_children()] + [ax.get_children() for ax in figure.axes]


def test_boundary_figure_update_changes_data_not_artists():
    X_train, X_test, y_train, y_test = split()
    fig = plotting.BoundaryFigure(resolution=20)
    before = children(fig.figure)
    fig.update(logistic, X_train, y_train, X_test, y_test, history(5, best=3))
    fig.to_png()
    assert fig.best_line.get_visible() and list(fig.best_line.get_xdata()) == [3, 3]
    fig.update(lambda G: 1 - logistic(G), X_test, y_test, X_train, y_train, history(9, None))
    fig.to_png()
    after = children(fig.figure)
    assert [len(c) for c in after] == [len(c) for c in before]
    assert all(a is b for c_after, c_before in zip(after, before) for a, b in zip(c_after, c_before))
    np.testing.assert_allclose(fig.image.get_array(),
                               1 - logistic(pixel_centres(fig.image, 20)).reshape(20, 20), rtol=1e-12)
    for k in range(2):
        np.testing.assert_array_equal(fig.train_points[k].get_offsets(), X_test[y_test == k])
        np.testing.assert_array_equal(fig.test_points[k].get_offsets(), X_train[y_train == k])
    np.testing.assert_array_equal(fig.train_line.get_ydata(), history(9).train_loss)
    np.testing.assert_array_equal(fig.val_line.get_xdata(), np.arange(9))
    assert not fig.best_line.get_visible()
    assert fig.ax_loss.get_xlim()[1] >= 8 and fig.ax_loss.get_ylim()[1] >= 1.0


def test_boundary_figure_to_png_is_a_png_of_the_canvas():
    X_train, X_test, y_train, y_test = split()
    fig = plotting.BoundaryFigure(dpi=50)
    fig.update(logistic, X_train, y_train, X_test, y_test, history())
    png = fig.to_png()
    assert isinstance(png, bytes) and png.startswith(PNG_SIGNATURE)
    decoded = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert decoded.shape == (160, 350, 3)          # 7 x 3.2 inches at 50 dpi
    np.testing.assert_array_equal(decoded, np.asarray(fig.canvas.buffer_rgba())[..., :3])


def test_boundary_figure_blitting_leaves_no_stale_pixels():
    X_train, X_test, y_train, y_test = split()
    warm = plotting.BoundaryFigure(dpi=50)
    warm.update(lambda G: 1 - logistic(G), X_train, y_train, X_test, y_test, history(5, 2))
    first = warm.to_png()
    warm.update(logistic, X_train, y_train, X_test, y_test, history(5))   # same limits: blit
    assert len(warm._backgrounds) == 1                  # cached by the first frame
    fresh = plotting.BoundaryFigure(dpi=50)
    fresh.update(logistic, X_train, y_train, X_test, y_test, history(5))
    assert warm.to_png() == fresh.to_png() != first


def test_boundary_figure_several_classes_and_no_test_set():
    X, y = datasets.spirals(45, rng=np.random.default_rng(0), classes=3)
    fig = plotting.BoundaryFigure(classes=3, resolution=15)
    fig.update(three_scores, X, y)
    assert fig.to_png().startswith(PNG_SIGNATURE)
    assert fig.image.get_cmap() is plotting.REGION_CMAP
    assert all(len(points.get_offsets()) == 0 for points in fig.test_points)
    np.testing.assert_array_equal(fig.train_points[2].get_offsets(), X[y == 2])


@pytest.mark.parametrize("args, message", [
    ((np.ones((4, 2)), [0, 1, 2, 1]), "y_train must hold whole-number class labels in 0..1"),
    ((np.ones((4, 2)), [0, 1, 0, 1], np.ones((2, 2))), "X_test and y_test must be given together"),
    ((np.ones((4, 1)), [0, 1, 0, 1]), "X_train must have 2 column(s)"),
])
def test_boundary_figure_update_checks_its_arguments(args, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.BoundaryFigure(resolution=5).update(logistic, *args)


@pytest.mark.parametrize("kwargs, message", [
    ({"classes": 1}, "classes must be a whole number >= 2"),
    ({"classes": 9}, "classes must lie in [2, 8]"),
    ({"resolution": 0}, "resolution must be a whole number >= 2"),
])
def test_boundary_figure_checks_its_arguments(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.BoundaryFigure(**kwargs)


@given(st.floats(1e-6, 1e6))
def test_nice_ceil_is_a_round_upper_bound(value):
    top = style._nice_ceil(value)
    assert value * (1 - 1e-12) <= top <= (4 / 3) * value * (1 + 1e-12)   # widest step: 1.5 to 2
    mantissa = top / 10 ** np.floor(np.log10(top) + 1e-12)
    assert any(np.isclose(mantissa, m) for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10))


def test_the_loss_legend_names_only_the_curves_drawn():
    X_train, X_test, y_train, y_test = split()
    fig = plotting.BoundaryFigure(resolution=10)
    train_only = SimpleNamespace(train_loss=[0.9, 0.5, 0.3], val_loss=[], best_epoch=None)
    fig.update(logistic, X_train, y_train, history=train_only)
    shown = [leg for leg in fig.legends if leg.get_visible()]
    assert [t.get_text() for leg in shown for t in leg.get_texts()] == ["train"]
    fig.update(logistic, X_train, y_train, X_test, y_test, history(5, best=3))
    shown = [leg for leg in fig.legends if leg.get_visible()]
    assert [t.get_text() for leg in shown for t in leg.get_texts()] == ["train", "validation"]


def test_a_probability_surface_is_shaded_smoothly_and_class_regions_are_not():
    from matplotlib.figure import Figure
    ax = Figure().add_subplot()
    image, _ = plotting.decision_boundary(ax, logistic, *data(20, 0), resolution=10)
    assert image.get_interpolation() == "bilinear"
    image, _ = plotting.decision_boundary(ax, three_scores, *data(20, 0), resolution=10)
    assert image.get_interpolation() == "nearest"
