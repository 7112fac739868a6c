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
        return b"\x89PNG\r\n\x1a\n" + bytes(4) + b"IHDR" + struct.pack(">II", 4, 2) + bytes([len(calls)])

    panel = widgets.Panel(update, {"x": Slider("x", 0.0, 1.0, 1 / 3)}, alt="x", static_frames=5)
    page = panel.static_html()                          # raised StopIteration before (issue 13.7)
    assert 'value="1"' in page and '<output class="lc-value">0.25</output>' in page


def test_the_live_panel_of_chapter_3_displays_from_fitted_weights():
    from lecture_code import datasets, shallow
    X, y = datasets.regression_1d(30, rng=np.random.default_rng(0), noise=0.1)
    theta, phi = np.array([[0.13, -0.97], [0.51, 1.23], [-0.77, 0.31]]), np.array([0.07, 1.1, -0.6, 0.9])
    panel = widgets.shallow_panel(X, y, theta=theta, phi=phi)
    assert 'id="lc-shallow-theta10" class="lc-range" min="-2" max="2" step="0.1" value="0.13"' \
        in panel.static_html()                          # the browser computes this one
    page = frames.static_html(panel)                    # and its frames need no default on the grid
    assert page.count('type="range"') == len(panel.static_controls) >= 1


def test_controls_left_out_of_the_grid_are_named_beside_the_panel():
    png = b"\x89PNG\r\n\x1a\n" + bytes(4) + b"IHDR" + struct.pack(">II", 4, 2)
    panel = widgets.Panel(lambda a, b: png, {"a": Slider("alpha", 0, 1, 0),
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


# -- the live widget under a drag: stale events dropped, failures clear the image ------------
import threading  # noqa: E402


def png_of(x) -> bytes:
    return b"\x89PNG" + repr(x).encode()


def drag_panel(gate: threading.Event, calls: list):
    """A panel whose second computation (the first the browser asks for) waits for ``gate``."""
    def update(x):
        calls.append(x)
        if len(calls) == 2:
            assert gate.wait(30), "the test never released the computation"
        if x > 0.9:
            raise ValueError("too far")
        return png_of(x)
    return widgets.Panel(update, {"x": Slider("x", 0.0, 1.0, 0.5, step=0.01)}, alt="x")


def test_a_burst_of_slider_events_computes_only_the_latest():
    gate, calls = threading.Event(), []
    box = drag_panel(gate, calls).widget()
    controls, message, image = box.children
    slider = controls.children[0]
    assert calls == [0.5]                                  # the first picture, at once
    burst = [round(0.01 * i, 2) for i in range(1, 61)]
    for value in burst:                                    # what a fast drag sends
        slider.set_state({"value": value})                 # as ipywidgets applies a browser message
    gate.set()
    assert box.latest.wait(30)
    assert calls == [0.5, 0.01, 0.6], calls                # not 60 computations: two
    assert bytes(image.value) == png_of(0.6) and message.value == ""


def test_events_from_code_compute_before_the_assignment_returns():
    gate, calls = threading.Event(), []
    gate.set()
    box = drag_panel(gate, calls).widget()
    slider, image = box.children[0].children[0], box.children[2]
    for value in (0.2, 0.3):
        slider.value = value
        assert bytes(image.value) == png_of(value)
    assert calls == [0.5, 0.2, 0.3]


def test_a_setting_that_fails_clears_the_old_image():
    gate, calls = threading.Event(), []
    gate.set()
    box = drag_panel(gate, calls).widget()
    controls, message, image = box.children
    controls.children[0].value = 0.95
    assert bytes(image.value) == b"" and "too far" in message.value
    controls.children[0].set_state({"value": 0.4})        # the browser moves it back
    assert box.latest.wait(30)
    assert bytes(image.value) == png_of(0.4) and message.value == ""


def test_a_setting_estimated_too_slow_waits_for_the_button(monkeypatch):
    monkeypatch.setattr(widgets, "LONG_SECONDS", 0.0)     # every measured setting is "too slow"
    calls = []

    def update(n):
        calls.append(n)
        return png_of(n)

    panel = widgets.Panel(update, {"n": Slider("n", 1, 100, 10, integer=True)}, alt="n")
    panel.cost = lambda n: float(n)
    box = panel.widget()
    controls, message, image = box.children
    slider, go = controls.children
    assert calls == [10] and go.layout.display == "none"   # nothing measured yet: computed
    slider.value = 100
    assert calls == [10] and bytes(image.value) == b""     # estimated, not computed
    assert "takes about" in message.value and "compute this setting" in message.value
    assert go.layout.display != "none"
    go.click()
    assert box.latest.wait(30)
    assert calls == [10, 100] and bytes(image.value) == png_of(100)
    assert go.layout.display == "none" and "takes about" not in message.value


def test_an_error_inside_the_worker_becomes_a_message():
    def update(x):
        if x > 0.5:
            raise RuntimeError("a bug")
        return png_of(x)

    box = widgets.Panel(update, {"x": Slider("x", 0.0, 1.0, 0.2)}, alt="x").widget()
    controls, message, image = box.children
    controls.children[0].set_state({"value": 0.8})
    assert box.latest.wait(30)
    assert bytes(image.value) == b"" and "a bug" in message.value
    assert box.latest.worker is not None and not box.latest.worker.is_alive()


# -- the same in a real kernel: messages sent as a browser sends them during a drag -----------
# A Jupyter kernel runs a panel whose computation takes a while; the test sends it a fast
# burst of ``comm_msg`` updates for the slider, exactly as JupyterLab or Colab send them,
# and asks the kernel what was computed: only the first and the last position may be.
import time  # noqa: E402

from jupyter_client.manager import start_new_kernel  # noqa: E402

SETUP = r'''
import time
from lecture_code import widgets
computed = []
def update(x):
    computed.append(x)
    time.sleep(0.5)               # a slow setting: the burst arrives while it computes
    return b"\x89PNG" + repr(x).encode()
box = widgets.Panel(update, {"x": widgets.Slider("x", 0.0, 1.0, 0.5, step=0.01)}, alt="x").widget()
slider, image = box.children[0].children[0], box.children[2]
print("COMM", slider.comm.comm_id)
'''


def run(client, code: str, timeout: float = 120) -> str:
    msg_id = client.execute(code)
    out = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = client.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            raise AssertionError("\n".join(msg["content"]["traceback"]))
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return "".join(out)
    raise AssertionError(f"no answer to {code!r}")


def test_a_drag_in_a_kernel_computes_the_first_and_the_last_position_only():
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        text = run(client, SETUP)
        comm_id = text.split("COMM ")[1].split()[0]
        burst = [round(0.01 * i, 2) for i in range(1, 41)]
        for value in burst:           # what the browser sends while the slider moves
            client.session.send(client.shell_channel.socket, "comm_msg", {
                "comm_id": comm_id,
                "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}})
        report = run(client, "box.latest.wait(60)\n"
                             "import json; print(json.dumps([computed, bytes(image.value).decode("
                             "'latin-1'), box.latest.computations]))")
        computed, shown, computations = json.loads(report.strip().splitlines()[-1])
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert computed[0] == 0.5 and computed[-1] == burst[-1], computed
    assert len(computed) <= 4, f"{len(computed)} computations for a burst of {len(burst)}"
    assert shown == "\x89PNG" + repr(burst[-1])


def test_a_computation_still_running_shows_progress_then_its_result(monkeypatch):
    monkeypatch.setattr(widgets, "PROGRESS_AFTER", 0.0)
    seen = threading.Event()

    def update(x):
        if x > 0.5:                                        # wait until the progress line is up
            assert seen.wait(30), "no progress message while computing"
        return png_of(x)

    box = widgets.Panel(update, {"x": Slider("x", 0.0, 1.0, 0.2)}, alt="x").widget()
    controls, message, image = box.children
    lines = []

    def watch(change):
        lines.append(change["new"])
        if "Computing this setting" in change["new"]:
            seen.set()

    message.observe(watch, names="value")
    controls.children[0].value = 0.8
    assert any("Computing this setting" in line for line in lines)
    assert message.value == "" and bytes(image.value) == png_of(0.8)


def test_the_site_frames_of_a_panel_share_one_set_of_axis_limits(tmp_path, monkeypatch):
    """frames.grid renders twice with the figures holding their limits: every frame is
    drawn with the widest range any frame needs, and holding stops afterwards."""
    from lecture_code.plotting.style import HeldLimits
    monkeypatch.chdir(tmp_path)
    figure, used = HeldLimits(), []

    def update(top):
        used.append(figure._widen("loss", 0.0, top))
        return b"\x89PNG\r\n\x1a\n" + bytes(4) + b"IHDR" + struct.pack(">II", 4, 2) + bytes(4)

    panel = widgets.Panel(update, {"top": Slider("top", 1.0, 5.0, 2.0)}, alt="x", static_frames=5)
    panel.figures = (figure,)
    frames.grid(panel)
    assert used[:5] == [(0.0, 1.0), (0.0, 2.0), (0.0, 3.0), (0.0, 4.0), (0.0, 5.0)]  # first pass
    assert used[5:] == [(0.0, 5.0)] * 5                                             # the frames
    assert figure._widen("loss", 0.0, 1.0) == (0.0, 1.0)        # no longer held
    plain = widgets.Panel(update, {"top": Slider("top", 1.0, 5.0, 2.0)}, alt="x", static_frames=5)
    used.clear()
    frames.grid(plain)                  # no figures: one pass, each frame its own limits
    assert len(used) == 5


def test_a_boundary_figure_holding_its_limits_keeps_the_widest_loss_axis():
    from lecture_code.plotting import BoundaryFigure
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1])
    predict = lambda grid: np.full(len(grid), 0.5)
    figure = BoundaryFigure()
    short = training.History(train_loss=[0.4, 0.3])
    tall = training.History(train_loss=[4.0, 3.0, 2.0, 1.0])
    figure.update(predict, X, y, history=tall)
    figure.update(predict, X, y, history=short)
    assert figure.ax_loss.get_ylim()[1] < 1.0           # unheld: each history its own axis
    figure.hold_limits(True)
    figure.update(predict, X, y, history=tall)
    figure.update(predict, X, y, history=short)
    assert figure.ax_loss.get_ylim()[1] >= 4.0 and figure.ax_loss.get_xlim()[1] >= 3


def test_a_panel_in_colab_shows_the_live_widget_without_computing_the_sites_frames(monkeypatch):
    import sys
    import types
    from lecture_code import widgets
    from matplotlib.figure import Figure
    calls = []
    panel = widgets.Panel(lambda x: calls.append(x) or Figure(figsize=(1, 1)),
                          {"x": widgets.Slider("x", 0.0, 1.0, 0.5)}, alt="a test panel")
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.delenv("LECTURE_CODE_STATIC", raising=False)
    assert not widgets.static_wanted()
    bundle = panel._repr_mimebundle_()
    assert "live" in bundle["text/html"] and len(calls) <= 1    # the live view's first figure only
    monkeypatch.setenv("LECTURE_CODE_STATIC", "1")
    assert widgets.static_wanted()
    monkeypatch.setenv("LECTURE_CODE_STATIC", "0")
    monkeypatch.delitem(sys.modules, "google.colab")
    assert not widgets.static_wanted()
    monkeypatch.delenv("LECTURE_CODE_STATIC")
    assert widgets.static_wanted()
