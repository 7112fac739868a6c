"""The controls of a live panel: their ranges, sweeps and validation."""
import pytest

from lecture_code.controls import Button, Choice, Slider


def test_slider_sweep_is_evenly_spaced_on_its_step_grid_from_end_to_end():
    s = Slider("epochs", 1, 301, 100, step=1, integer=True)
    assert s.extremes() == [1, 301]
    values = s.sweep(7)
    assert values == [1, 51, 101, 151, 201, 251, 301]          # equal steps; 100 is not forced in
    assert all(isinstance(v, int) for v in values)
    assert Slider("dropout", 0.0, 0.9, 0.5, step=0.05).sweep(4) == [0.0, 0.3, 0.6, 0.9]


def test_log_slider_sweeps_geometrically():
    s = Slider("learning rate", 1e-3, 10.0, 0.1, log=True)
    values = s.sweep(5)
    assert values == [1e-3, 1e-2, 0.1, 1.0, 10.0]
    values = Slider("lr", 1e-3, 3.0, 0.3, log=True).sweep(6)
    ratios = [b / a for a, b in zip(values, values[1:])]
    assert values[0] == 1e-3 and values[-1] == 3.0
    assert max(ratios) / min(ratios) < 1.1                     # equal ratios, to two digits


@pytest.mark.parametrize("make, match", [
    (lambda: Slider("x", 0, 1, 2), "must lie in"),
    (lambda: Slider("x", 0, 1, 0.5, log=True), "min of a log slider must be > 0"),
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
