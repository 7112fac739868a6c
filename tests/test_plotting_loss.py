"""Chapter 4's figures: the loss-landscape contour map, the line-fit figure and the outlier panel."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from lecture_code import datasets, plotting, widgets
from support import PNG_SIGNATURE
from lecture_code.exercises.loss import fit_line


def bowl():
    w1, w2 = np.linspace(-1, 1, 9), np.linspace(-2, 2, 7)
    return w1, w2, 1.0 + w1[None, :] ** 2 + w2[:, None] ** 2


def test_landscape_levels_are_geometric_between_min_and_max(ax):
    w1, w2, J = bowl()
    filled = plotting.loss_landscape(ax, w1, w2, J, levels=5)
    np.testing.assert_allclose(filled.levels, np.geomspace(J.min(), J.max(), 5), rtol=1e-12)


def test_landscape_levels_are_linear_when_the_loss_reaches_zero(ax):
    w1, w2, J = bowl()
    filled = plotting.loss_landscape(ax, w1, w2, J - 1.0, levels=4)
    np.testing.assert_allclose(filled.levels, np.linspace(0.0, J.max() - 1.0, 4), rtol=1e-12)


def test_landscape_marks_points_with_a_legend(ax):
    w1, w2, J = bowl()
    plotting.loss_landscape(ax, w1, w2, J, marks={"trained": (0.1, 0.2), "rule": [0.5, -1]})
    points = [line.get_xydata()[0].tolist() for line in ax.get_lines()]
    assert points == [[0.1, 0.2], [0.5, -1.0]]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["trained", "rule"]


@pytest.mark.parametrize("J, marks, match", [
    (np.ones((9, 7)), None, "shape"),
    (np.ones((7, 9)), None, "constant"),
    (None, {"p": (1.0, 2.0, 3.0)}, "marks"),
])
def test_landscape_rejects_bad_input(ax, J, marks, match):
    w1, w2, good = bowl()
    with pytest.raises(ValueError, match=match):
        plotting.loss_landscape(ax, w1, w2, good if J is None else J, marks=marks)


def line(slope, intercept):
    return lambda X: slope * X[:, 0] + intercept


def test_fit_figure_draws_the_points_and_each_model():
    figure = plotting.FitFigure(["MSE", "MAE"], xlim=(-1, 1), ylim=(-3, 3), resolution=11)
    x, y = np.array([-0.5, 0.0, 0.5]), np.array([1.0, 2.0, -1.0])
    png = figure.update(x, y, {"MSE": line(2.0, 0.5), "MAE": line(-1.0, 0.0)}, highlight=2)
    assert png.startswith(PNG_SIGNATURE)
    assert Image.open(io.BytesIO(png)).size == (800, 512)      # 5 x 3.2 inches at 2 x 80 dpi
    np.testing.assert_array_equal(figure.points.get_offsets(), np.column_stack([x, y]))
    np.testing.assert_array_equal(figure.marked.get_offsets(), [[0.5, -1.0]])
    np.testing.assert_allclose(figure.lines["MSE"].get_ydata(), 2.0 * np.linspace(-1, 1, 11) + 0.5)
    np.testing.assert_allclose(figure.lines["MAE"].get_ydata(), -np.linspace(-1, 1, 11))


def test_fit_figure_redraws_only_what_changed():
    figure = plotting.FitFigure(["a"], xlim=(-1, 1), ylim=(-3, 3))
    x, y = np.array([0.0, 0.5]), np.array([0.0, 1.0])
    first = figure.update(x, y, {"a": line(1.0, 0.0)})
    assert figure.update(x, y, {"a": line(1.0, 0.0)}) == first     # same state, same pixels
    assert figure.update(x, y, {"a": line(-1.0, 0.0)}) != first
    assert len(figure.marked.get_offsets()) == 0


@pytest.mark.parametrize("kwargs, match", [
    (dict(predictions={"a": line(1, 0)}), "keys"),
    (dict(highlight=5), "highlight"),
    (dict(y=np.ones(3)), "rows"),
    (dict(predictions={"a": lambda X: np.ones(3), "b": line(1, 0)}), "grid row"),
])
def test_fit_figure_rejects_bad_input(kwargs, match):
    figure = plotting.FitFigure(["a", "b"], xlim=(-1, 1), ylim=(-3, 3))
    args = dict(x=np.zeros(2), y=np.ones(2), predictions={"a": line(1, 0), "b": line(0, 1)})
    with pytest.raises(ValueError, match=match):
        figure.update(**{**args, **kwargs})


def test_fit_figure_rejects_repeated_names():
    with pytest.raises(ValueError, match="names"):
        plotting.FitFigure(["a", "a"], xlim=(-1, 1), ylim=(0, 1))


def outlier_panel():
    """The chapter's live control: one point moved, MSE and MAE lines refitted."""
    X, y = datasets.regression_1d(12, rng=np.random.default_rng(7), noise=0.1, kind="linear")
    figure = plotting.FitFigure(["MSE", "MAE"], xlim=(-1.05, 1.05), ylim=(-4.5, 4.5))

    def update(outlier_y, outlier_x):
        X_o, y_o = np.vstack([X, [[outlier_x]]]), np.append(y, outlier_y)
        fits = {name: fit_line(X_o, y_o, name.lower()).forward for name in ("MSE", "MAE")}
        return figure.update(X_o, y_o, fits, highlight=len(y))

    return widgets.Panel(update, {
        "outlier_y": widgets.Slider("outlier's y", -4.0, 4.0, 3.0, step=0.5),
        "outlier_x": widgets.Slider("outlier's x", -1.0, 1.0, 0.8, step=0.1)},
        alt="Data points, one moved; lines fitted with MSE and with MAE.")


def test_outlier_panel_shows_a_figure_at_every_extreme():
    panel = outlier_panel()
    for name, control in panel.controls.items():
        for value in control.extremes():
            png, message = panel.render(**{name: value})
            assert message is None and png.startswith(PNG_SIGNATURE), (name, value)
