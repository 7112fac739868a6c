import io

import numpy as np
import pytest
from PIL import Image

from lecture_code import descent, plotting


def test_surface_contour_shades_below_every_level_and_marks_the_minimum(ax):
    s = descent.get("two_minima")
    contours = plotting.surface_contour(ax, s, resolution=80, levels=10)
    assert len(contours.levels) == 11 and contours.levels[0] <= 0
    assert np.all(np.diff(contours.levels) > 0)
    assert ax.get_xlim() == s.xlim and ax.get_ylim() == s.ylim
    star = [line for line in ax.lines if line.get_marker() == "*"]
    assert len(star) == 1 and tuple(star[0].get_xydata()[0]) == s.minimum


def test_descent_path_draws_every_iterate_and_skips_nan(ax):
    path = descent.run("sgd", "rosenbrock", steps=20, lr=3.0)
    line, start = plotting.descent_path(ax, path, label="sgd")
    np.testing.assert_array_equal(line.get_xydata(), path)
    np.testing.assert_array_equal(start.get_offsets()[0], path[0])
    with pytest.raises(ValueError, match="path"):
        plotting.descent_path(ax, np.zeros((4, 3)))


def test_describe_path_says_how_a_run_ended():
    s = descent.get("two_minima")
    stuck = plotting.describe_path(s, descent.run("sgd", s, steps=100, lr=0.02))
    assert stuck == "after 100 steps: w = (2.81, 0.75), f(w) = 1.35"
    left = plotting.describe_path(s, descent.run("sgd", s, steps=100, lr=1.1))
    assert left.startswith("diverged: left the plot at step 1,")
    blown = plotting.describe_path(descent.get("rosenbrock"),
                                   descent.run("sgd", "rosenbrock", steps=50, lr=3.0))
    assert blown.startswith("diverged: |w| overflowed to infinity at step")


def decode(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_path_figure_redraws_only_the_path_and_caches_each_surface():
    figure = plotting.PathFigure()
    s, r = descent.get("two_minima"), descent.get("ravine")
    figure.update(s, descent.run("sgd", s, steps=50, lr=0.02))
    first = decode(figure.to_png())
    figure.update(s, descent.run("sgd", s, steps=50, lr=0.3))
    second = decode(figure.to_png())
    assert first.shape == second.shape and not np.array_equal(first, second)
    figure.update(r, descent.run("sgd", r, steps=50, lr=0.3))
    figure.to_png()
    assert set(figure._backgrounds) == {("two_minima", 50), ("ravine", 50)}
    figure.update(s, descent.run("sgd", s, steps=50, lr=0.02))
    np.testing.assert_array_equal(decode(figure.to_png()), first)    # same picture as before
    assert figure.note.get_text().startswith("two_minima: after 50 steps")
