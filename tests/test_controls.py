"""The controls of a live panel: their ranges, sweeps and validation."""
import pytest

from lecture_code.controls import Button, Choice, Slider


def test_slider_extremes_and_sweep_include_both_ends_and_the_default():
    s = Slider("epochs", 1, 300, 100, step=1, integer=True)
    assert s.extremes() == [1, 300]
    values = s.sweep(12)
    assert values[0] == 1 and values[-1] == 300 and 100 in values
    assert all(isinstance(v, int) for v in values) and values == sorted(set(values))


def test_log_slider_sweeps_geometrically():
    s = Slider("learning rate", 1e-3, 10.0, 0.1, log=True)
    values = s.sweep(5)
    assert values[0] == 1e-3 and values[-1] == 10.0 and 0.1 in values
    ratios = [b / a for a, b in zip(values, values[1:]) if b != 0.1 and a != 0.1]
    assert max(ratios) / min(ratios) < 1.05               # evenly spaced in log


@pytest.mark.parametrize("make, match", [
    (lambda: Slider("x", 0, 1, 2), "must lie in"),
    (lambda: Slider("x", 0, 1, 0.5, log=True), "min > 0"),
    (lambda: Choice("menu", ("a", "b"), "c"), "must be one of"),
])
def test_controls_refuse_a_starting_value_they_cannot_show(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_choice_sweeps_every_option_and_button_counts_clicks():
    assert Choice("activation", ("relu", "tanh"), "tanh").extremes() == ["relu", "tanh"]
    assert Button("retrain").extremes() == [0, 1]


def test_build_makes_the_matching_ipywidget():
    import ipywidgets
    assert isinstance(Slider("n", 1, 10, 5, integer=True).build(), ipywidgets.IntSlider)
    assert isinstance(Slider("lr", 1e-3, 1, 0.1, log=True).build(), ipywidgets.FloatLogSlider)
    assert isinstance(Choice("m", ("a", "b"), "a").build(), ipywidgets.Dropdown)
    button = Button("retrain").build()
    button.click()
    assert button.value == 1
