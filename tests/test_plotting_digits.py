"""plotting.digits (chapter 10): digit and weight images, the confusion matrix, the panel figure."""
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from support import PNG_SIGNATURE

from lecture_code import plotting
from lecture_code.training import History


def grid(rows, cols):
    figure = Figure()
    FigureCanvasAgg(figure)
    return figure.subplots(rows, cols)


def test_digit_images_draw_each_row_as_8x8_with_its_title_and_hide_spare_axes():
    images = np.arange(3 * 64, dtype=float).reshape(3, 64)
    axes = grid(2, 2)
    drawn = plotting.digit_images(axes, images, ["a", "b", "c"])
    assert len(drawn) == 3
    np.testing.assert_array_equal(drawn[1].get_array(), images[1].reshape(8, 8))
    assert drawn[0].get_clim() == (0, images.max())
    assert [ax.get_title() for ax in axes.ravel()] == ["a", "b", "c", ""]
    assert not any(ax.axison for ax in axes.ravel())


def test_digit_images_refuse_too_few_axes_wrong_sizes_and_missing_titles():
    with pytest.raises(ValueError, match="at least 3 axes"):
        plotting.digit_images(grid(1, 2), np.zeros((3, 64)))
    with pytest.raises(ValueError, match="64 column"):
        plotting.digit_images(grid(1, 2), np.zeros((2, 63)))
    with pytest.raises(ValueError, match="one title per image"):
        plotting.digit_images(grid(1, 2), np.zeros((2, 64)), ["x"])


def test_confusion_plot_writes_every_nonzero_count_at_its_cell(ax):
    C = np.array([[5, 0, 1], [0, 7, 0], [2, 0, 3]])
    image = plotting.confusion_plot(ax, C, title="t")
    texts = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts}
    assert texts == {(0, 0): "5", (0, 2): "1", (1, 1): "7", (2, 0): "2", (2, 2): "3"}
    np.testing.assert_allclose(image.get_array(), np.sqrt(C / 7))
    assert ax.get_xlabel() == "predicted" and ax.get_ylabel() == "true" and ax.get_title() == "t"
    with pytest.raises(ValueError, match="square"):
        plotting.confusion_plot(ax, np.ones((2, 3)))


def test_weight_images_share_one_symmetric_scale():
    W = np.zeros((64, 3))
    W[0, 0], W[5, 2] = 2.0, -0.5
    drawn = plotting.weight_images(grid(1, 3), W, titles=["u0", "u1", "u2"])
    assert all(d.get_clim() == (-2.0, 2.0) for d in drawn)
    np.testing.assert_array_equal(drawn[2].get_array(), W[:, 2].reshape(8, 8))
    with pytest.raises(ValueError, match="64 rows"):
        plotting.weight_images(grid(1, 3), np.zeros((10, 3)))


def test_digits_figure_redraws_into_the_same_figure_as_png():
    figure = plotting.DigitsFigure()
    history = History(train_loss=[1.0, 0.5], val_loss=[1.1, 0.7])
    png = figure.update(history, np.eye(10, dtype=int) * 3, title="first")
    assert png.startswith(PNG_SIGNATURE)
    again = figure.update(history, np.eye(10, dtype=int), title="second")
    assert again.startswith(PNG_SIGNATURE) and again != png
    assert len(figure.figure.axes) == 2 and figure.figure._suptitle.get_text() == "second"
    shown = [t for t in figure.ax_matrix.texts if t.get_text()]
    assert len(shown) == 10                            # the old counts were cleared


def test_digits_figure_blits_the_image_a_fresh_figure_draws():
    """Blitting over the cached background leaves nothing of an earlier frame behind."""
    first = History(train_loss=[1.0, 0.5, 0.3], val_loss=[1.1, 0.7, 0.6], best_epoch=2)
    other = History(train_loss=[2.0, 0.04], val_loss=[2.5, 0.9], best_epoch=None)
    C = np.eye(10, dtype=int) * 7
    C[3, 5] = 1
    figure = plotting.DigitsFigure()
    png = figure.update(first, C, title="first")
    assert figure.update(other, np.ones((10, 10)), title="other") != png
    figure._backgrounds.clear()                        # as after other limits
    figure.update(other, np.ones((10, 10)), title="other")
    assert figure.update(first, C, title="first") == png
    assert plotting.DigitsFigure().update(first, C, title="first") == png
    with pytest.raises(ValueError, match="matrix must have shape"):
        figure.update(first, np.eye(3))


def test_sweep_plot_draws_every_seed_as_a_dot_and_each_mean_as_a_bar(ax):
    from lecture_code.digits import Sweep
    acc = np.arange(2 * 3 * 2, dtype=float).reshape(2, 3, 2) / 20
    sweep = Sweep(acc, np.ones((2, 3, 2), dtype=int), (0, 8, 32), (0.0, 0.01), (0, 1))
    drawn = plotting.sweep_plot(ax, sweep, baselines={"1-NN": 0.9})
    assert len(drawn) == 2
    np.testing.assert_allclose(np.sort(drawn[1].get_offsets()[:, 1]), np.sort(acc[:, :, 1].ravel()))
    bars = [c for c in ax.collections if c not in drawn]
    np.testing.assert_allclose(bars[0].get_segments()[1][:, 1], acc[:, 1, 0].mean())
    assert [t.get_text() for t in ax.get_xticklabels()] == ["none", "8", "32"]
    assert ax.get_lines()[0].get_ydata()[0] == 0.9
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"λ = 0", "λ = 0.01", "1-NN"}
