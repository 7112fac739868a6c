"""Panels: one object that is a live widget in a kernel and a precomputed slider on the site."""
import json
import re
import struct

import numpy as np
import pytest
from matplotlib.figure import Figure

from lecture_code import frames, training, widgets
from lecture_code.controls import Choice, Slider


def simple_panel():
    figure = Figure(figsize=(2, 2))
    ax = figure.add_subplot()
    (line,) = ax.plot([], [])

    def update(slope, kind):
        if slope > 2.5:
            raise training.TrainingDiverged("too steep")
        if kind == "bad":
            raise ValueError("no such curve")
        x = np.linspace(0, 1, 5)
        line.set_data(x, slope * x)
        return figure

    return widgets.Panel(update, {"slope": Slider("slope", 0.0, 3.0, 1.0),
                                  "kind": Choice("kind", ("line", "bad"), "line")},
                         alt="a line whose slope the slider sets")


def test_render_gives_png_or_a_plain_message_never_an_exception():
    panel = simple_panel()
    png, message = panel.render()
    assert png.startswith(b"\x89PNG") and message is None
    png, message = panel.render(slope=3.0)
    assert png is None and message.startswith("Training diverged") and "smaller learning rate" in message
    png, message = panel.render(kind="bad")
    assert png is None and message == "This setting cannot be computed: no such curve"


def _payload(page):
    return json.loads(re.search(r'class="lc-frames">(.*?)</script>', page, re.S).group(1))


def test_static_html_is_a_grid_over_every_control_with_frames_or_messages(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)                         # no _static here: frames are embedded
    panel = simple_panel()
    assert panel.static_controls == ("slope", "kind")
    page = panel.static_html()
    payload = _payload(page)
    slopes = widgets.Slider("slope", 0.0, 3.0, 1.0).sweep(panel.static_frames)
    assert payload["sizes"] == [len(slopes), 2]
    kinds = [frame for frame in payload["frames"]]
    for i, slope in enumerate(slopes):                  # the last control varies fastest
        line, bad = kinds[2 * i], kinds[2 * i + 1]
        assert (line[0] is not None) == (slope <= 2.5)
        expected = "Training diverged" if slope > 2.5 else "This setting cannot be computed"
        assert bad[0] is None and bad[1].startswith(expected)
    assert 'type="range"' in page and f'max="{len(slopes) - 1}"' in page
    assert '<span class="lc-min" aria-hidden="true">0</span>' in page       # the ends are labelled
    assert '<span class="lc-max" aria-hidden="true">3</span>' in page
    assert page.count('class="lc-option"') == 2 and 'aria-pressed="true">line<' in page
    assert 'alt="a line whose slope the slider sets"' in page and "Colab or Binder" in page


def test_frames_are_files_named_by_content_and_only_the_first_is_in_the_page(tmp_path, monkeypatch):
    (tmp_path / "_static").mkdir()
    monkeypatch.chdir(tmp_path)
    page = simple_panel().static_html()
    files = sorted((tmp_path / "_static" / "panels").iterdir())
    names = {f[0] for f in _payload(page)["frames"] if f[0]}
    assert {"../_static/panels/" + f.name for f in files} == names and len(names) > 1
    assert "base64" not in page
    assert page.count("<img ") == 1 and page.count('src="../_static/panels/') == 1
    first = files[0].read_bytes()
    width, height = struct.unpack(">II", first[16:24])
    assert f'width="{width // 2}" height="{height // 2}"' in page    # rendered at twice the size
    before = {f: f.stat().st_mtime_ns for f in files}
    simple_panel().static_html()                        # the same frames again: nothing rewritten
    assert {f: f.stat().st_mtime_ns for f in files} == before


def test_a_default_off_the_grid_starts_at_the_nearest_frame():
    calls = []

    def update(x):
        calls.append(x)
        return b"\x89PNG\r\n\x1a\n" + bytes(8) + struct.pack(">II", 4, 2) + bytes([len(calls)])

    panel = widgets.Panel(update, {"x": Slider("x", 0.0, 1.0, 1 / 3)}, alt="x", static_frames=5)
    page = panel.static_html()                          # raised StopIteration before (issue 13.7)
    assert 'value="1"' in page and '<output class="lc-value">0.25</output>' in page


def test_the_live_panel_of_chapter_3_displays_from_fitted_weights():
    from lecture_code import datasets, shallow
    X, y = datasets.regression_1d(30, rng=np.random.default_rng(0), noise=0.1)
    theta, phi = np.array([[0.13, -0.97], [0.51, 1.23], [-0.77, 0.31]]), np.array([0.07, 1.1, -0.6, 0.9])
    panel = shallow.live_panel(X, y, theta=theta, phi=phi)
    assert 'id="lc-shallow-theta10" class="lc-range" min="-2" max="2" step="0.1" value="0.13"' \
        in panel.static_html()                          # the browser computes this one
    page = frames.static_html(panel)                    # and its frames need no default on the grid
    assert page.count('type="range"') == len(panel.static_controls) >= 1


def test_controls_left_out_of_the_grid_are_named_beside_the_panel():
    panel = widgets.Panel(lambda a, b: b"\x89PNG" + bytes(20), {"a": Slider("alpha", 0, 1, 0),
                                                               "b": Slider("beta", 0, 1, 0)},
                          alt="x", static_controls=("a",))
    page = panel.static_html()
    assert "Only in a running notebook: beta" in page and page.count('type="range"') == 1
    with pytest.raises(ValueError, match="static_controls"):
        widgets.Panel(lambda a: None, {"a": Slider("a", 0, 1, 0)}, alt="x", static_values={"z": [1]})


def test_the_mimebundle_serves_the_site_and_the_kernel_from_one_object():
    bundle = simple_panel()._repr_mimebundle_()
    assert 'class="lc-panel"' in bundle["text/html"]
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_the_live_widget_keeps_one_image_however_often_it_redraws():
    box = simple_panel().widget()
    controls, message, image = box.children
    before = len(box.children)
    for value in (0.0, 3.0, 2.0):                 # a figure, a message, a figure again
        controls.children[0].value = value
    assert len(box.children) == before and bytes(image.value).startswith(b"\x89PNG")
    assert message.value == ""


def test_panel_needs_controls_and_a_known_static_control():
    with pytest.raises(ValueError, match="controls"):
        widgets.Panel(lambda: None, {}, alt="x")
    with pytest.raises(ValueError, match="static_control"):
        widgets.Panel(lambda a: None, {"a": Slider("a", 0, 1, 0)}, alt="x", static_control="b")


def test_the_widget_view_is_the_same_bundle_in_ipywidgets_7_and_8():
    box = simple_panel().widget()
    view = widgets.widget_view(box)["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == box.model_id and view["version_major"] == 2

    class Ipywidgets7Box:            # 7.x widgets have _ipython_display_ and no _repr_mimebundle_
        model_id = "abc123"

        def _ipython_display_(self):
            raise AssertionError("a panel must not display as a side effect")

    assert widgets.widget_view(Ipywidgets7Box()) == {
        "application/vnd.jupyter.widget-view+json":
            {"version_major": 2, "version_minor": 0, "model_id": "abc123"}}


def test_a_panel_with_its_own_static_face_shows_it_instead_of_frames():
    panel = widgets.Panel(lambda a: b"\x89PNG", {"a": Slider("a", 0, 1, 0)}, alt="x",
                          static=lambda: '<div class="own-face"></div>')
    assert panel.static_html() == '<div class="own-face"></div>'
    assert panel._repr_mimebundle_()["text/html"] == '<div class="own-face"></div>'
    with pytest.raises(TypeError, match="static"):
        widgets.Panel(lambda a: None, {"a": Slider("a", 0, 1, 0)}, alt="x", static="<div>")
