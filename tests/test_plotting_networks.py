"""plotting.ShallowFigure: one figure redrawn for every setting of a shallow network."""
from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from lecture_code import datasets, plotting, shallow
from lecture_code.plotting import style

THETA = np.array([[0.0, -1.0], [0.5, 1.0], [-1.0, 2.0]])
PHI = np.array([-1.0, 1.5, 2.0, -1.0])


def test_update_draws_the_units_the_weighted_units_and_the_output():
    X, y = datasets.regression_1d(15, rng=np.random.default_rng(0))
    fig = plotting.ShallowFigure(X, y, x_range=(-1, 1), resolution=101)
    assert isinstance(fig.figure, Figure)
    assert fig.update(THETA, PHI) is fig
    x = np.linspace(-1, 1, 101)
    h = shallow.hidden(x, THETA)
    for d in range(3):
        np.testing.assert_array_equal(fig.hidden_lines[d].get_ydata(), h[:, d])
        np.testing.assert_array_equal(fig.weighted_lines[d].get_ydata(), PHI[d + 1] * h[:, d])
    np.testing.assert_allclose(fig.output_line.get_ydata(), shallow.forward(x, THETA, PHI),
                               rtol=1e-15, atol=1e-15)
    np.testing.assert_array_equal(fig.kink_marks.get_xdata(), [-0.5, 0.0, 0.5])
    mse = np.mean((shallow.forward(X, THETA, PHI) - y) ** 2)
    assert fig.mse_text.get_text() == f"MSE on the data = {mse:.3f}"
    low, high = fig.ax_output.get_ylim()
    assert low <= min(y.min(), fig.output_line.get_ydata().min()) and \
        high >= max(y.max(), fig.output_line.get_ydata().max())


def test_the_same_figure_is_reused_and_renders_what_changed():
    fig = plotting.ShallowFigure()
    first = fig.update(THETA, PHI).to_png()
    artists = len(fig.figure.axes[1].get_children())
    second = fig.update(THETA, PHI + [0.0, 0.0, 0.0, 0.5]).to_png()
    assert len(fig.figure.axes[1].get_children()) == artists
    assert first != second and fig.update(THETA, PHI).to_png() == first
    image = Image.open(io.BytesIO(first))
    assert image.size == (1200, 480)
    assert fig._repr_png_() == first


def test_kinks_outside_the_range_are_not_marked():
    fig = plotting.ShallowFigure(x_range=(-1, 1))
    theta = np.array([[3.0, 1.0], [0.2, 0.0], [0.0, 1.0]])
    fig.update(theta, PHI)
    np.testing.assert_array_equal(fig.kink_marks.get_xdata(), [0.0])


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="theta"):
        plotting.ShallowFigure(units=2).update(THETA, PHI)
    with pytest.raises(ValueError, match="x_range"):
        plotting.ShallowFigure(x_range=(1, -1))
    with pytest.raises(ValueError, match="X and y"):
        plotting.ShallowFigure(X=np.zeros((3, 1)))


def test_nice_limits_contain_the_values_and_zero():
    for low, high in [(0.0, 3.2), (-0.7, 0.0), (-5.0, 12.0), (0.0, 0.0)]:
        bottom, top = style._nice_limits(low, high)
        assert bottom < 0 < top
        assert bottom <= low and top >= high
