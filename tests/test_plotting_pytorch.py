"""plotting.LossComparisonFigure (chapter 9): two curves, their gap, PNG bytes, errors."""
import numpy as np
import pytest

from lecture_code import plotting
from lecture_code.plotting import style


def test_update_draws_both_curves_and_the_gap():
    fig = plotting.LossComparisonFigure()
    ours = np.array([1.0, 0.5, 0.25])
    theirs = ours + np.array([0.0, 1e-16, 2e-15])
    png = fig.update(ours, theirs)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000
    np.testing.assert_array_equal(fig.ours.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(fig.theirs.get_ydata(), theirs)
    np.testing.assert_array_equal(fig.gap.get_ydata(), np.maximum(np.abs(ours - theirs), 1e-18))
    assert fig.gap.get_ydata()[0] == 1e-18                   # an exact zero sits on the floor
    assert fig.title.get_text() == "max |numpy − torch| over 3 epochs = 2.0e-15"
    assert fig.ax.get_ylim() == (0.2, 2.0)                   # 1-2-5 steps, with a margin
    cached = fig.update(ours, theirs)                       # from the cached background
    assert cached == png and len(fig._backgrounds) == 1
    fig.update([2.0, 0.0], [2.0, 0.0], title="same")        # reused, with another length
    assert fig.title.get_text() == "same" and len(fig.ours.get_xdata()) == 2
    assert fig.ax.get_xlim() == (1, 2) and len(fig._backgrounds) == 2
    assert fig.ours.get_ydata()[1] == 1e-16                  # a zero loss sits on the floor
    assert fig.update(ours, theirs) == png                  # back to the first axes


def test_update_rejects_mismatched_or_non_positive_losses():
    fig = plotting.LossComparisonFigure()
    with pytest.raises(ValueError, match="same shape"):
        fig.update([1.0, 0.5], [1.0])
    with pytest.raises(ValueError, match=">= 0"):
        fig.update([1.0, -0.5], [1.0, 0.5])
    with pytest.raises(ValueError, match="ours"):
        fig.update([1.0, np.nan], [1.0, 1.0])


def test_limits_step_through_1_2_5():
    assert style._step_125(0.238, down=True) == 0.2
    assert style._step_125(1.05, down=False) == 2.0
    assert style._step_125(7.0, down=False) == 10.0
    assert style._step_125(0.05, down=True) == 0.05
