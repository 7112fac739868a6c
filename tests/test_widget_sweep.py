"""Every live control in every chapter, swept to its extremes in a running kernel.

For each chapter notebook (found at run time, so new chapters are swept too)
the notebook is executed in a Jupyter kernel from book/, and then one more
cell runs in the same kernel. It finds every
:class:`lecture_code.widgets.Panel` the chapter made
(``Panel.instances()``) and, for each:

- moves every control of the live ipywidgets version to each of its extremes
  (the others at their defaults), as a reader would, and checks that each
  setting shows a figure or a plain message, never a traceback;
- checks that no setting stacks a new figure under the old one (a known
  complaint about ``interact`` in Colab): the widget keeps the same number of
  children, nothing new is displayed or printed, and no pyplot figure is left
  open;
- moves every control of the live widget to its minimum, then every one to
  its maximum (the all-minimum and all-maximum corners as a reader reaches
  them, where a setting too slow to compute shows its estimate and a
  button), and renders both corners in full;
- checks that a message never stands over the previous setting's image.

The kernel prints one JSON report, which the tests below read.
"""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient


ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
MARKER = "WIDGET-SWEEP-REPORT "

SWEEP = r'''
import json as _json, sys as _sys, time as _time, traceback as _traceback
from IPython.utils.capture import capture_output as _capture
from lecture_code import widgets as _widgets

def _sweep():
    PNG = b"\x89PNG\r\n\x1a\n"

    def verdict(png, message):
        if png is not None:
            return "figure" if png.startswith(PNG) else "not a PNG"
        if not isinstance(message, str) or not message.strip():
            return "neither figure nor message"
        if "Traceback" in message or len(message) > 300:
            return "message is not plain: " + message[:120]
        return "message"

    def shown(image_box, message_box):
        png, message = bytes(image_box.value) or None, message_box.value or None
        if png is not None and message is not None:
            return "a message over an image: " + message[:120]   # the old picture kept
        return verdict(png, message)

    def pyplot_figures():
        plt = _sys.modules.get("matplotlib.pyplot")
        return len(plt.get_fignums()) if plt else 0

    def failure(error):
        return "traceback: " + "".join(_traceback.format_exception_only(type(error), error)).strip()

    report = []
    for panel in _widgets.Panel.instances():
        entry = {"panel": "Panel(" + ", ".join(panel.controls) + ")", "settings": [],
                 "problems": []}
        started = _time.perf_counter()
        figures_before = pyplot_figures()
        box = panel.widget()
        children = len(box.children)
        controls_box, message_box, image_box = box.children
        built = dict(zip(panel.controls, controls_box.children))
        with _capture() as captured:
            for name, control in panel.controls.items():
                widget, default = built[name], built[name].value
                for value in list(control.extremes()) + [default]:
                    if widget.value == value:
                        continue                 # no change, no refresh: already checked
                    try:
                        widget.value = value     # what moving the control does
                        status = shown(image_box, message_box)
                    except Exception as error:   # noqa: BLE001 (report, do not stop)
                        status = failure(error)
                    if len(box.children) != children:
                        status = f"the widget now has {len(box.children)} children, not {children}"
                    entry["settings"].append([f"{name}={value!r}", status])
        if captured.outputs or captured.stdout.strip() or captured.stderr.strip():
            entry["problems"].append(
                f"moving the controls displayed {len(captured.outputs)} output(s) and printed "
                f"{captured.stdout.strip()[:80]!r} {captured.stderr.strip()[:80]!r}")
        corners = [("live all-min", {n: c.extremes()[0] for n, c in panel.controls.items()}),
                   ("live all-max", {n: c.extremes()[-1] for n, c in panel.controls.items()})]
        if panel.cost is not None:               # each control at its costliest end
            def work(name, value):
                return panel.cost(**{**panel.defaults(), name: value})
            corners.append(("live costliest", {n: max(c.extremes(), key=lambda v, n=n: work(n, v))
                                               for n, c in panel.controls.items()}))
        for label, corner in corners:
            # every control moved to one end in the live widget, one after another
            try:
                with _capture() as captured:
                    for name, value in corner.items():
                        built[name].value = value
                    status = shown(image_box, message_box)
                    if status == "message" and "takes about" in message_box.value:
                        status = "message (estimate)"
                if captured.outputs:
                    status = "the widget displayed output"
            except Exception as error:           # noqa: BLE001
                status = failure(error)
            entry["settings"].append([label, status])
        for label, pick in (("all-min", 0), ("all-max", -1)):
            values = {n: c.extremes()[pick] for n, c in panel.controls.items()}
            try:
                with _capture() as captured:
                    status = verdict(*panel.render(**values))
                if captured.outputs:
                    status = "render displayed output"
            except Exception as error:           # noqa: BLE001
                status = failure(error)
            entry["settings"].append([label, status])
        if pyplot_figures() > figures_before:
            entry["problems"].append(f"{pyplot_figures() - figures_before} pyplot figure(s) "
                                     "left open: each would stack under the last in Colab")
        entry["seconds"] = round(_time.perf_counter() - started, 1)
        report.append(entry)
    return report

print(''' + repr(MARKER) + r''' + _json.dumps(_sweep()))
'''


def _sweep(path: Path) -> dict:
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(SWEEP))
    try:
        NotebookClient(notebook, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(ROOT / "book")}}).execute()
    except Exception as error:                   # noqa: BLE001 (reported by the test)
        return {"error": f"{type(error).__name__}: {str(error)[-2000:]}"}
    text = "".join(o.get("text", "") for o in notebook.cells[-1].outputs
                   if o.get("output_type") == "stream")
    line = next((t for t in text.splitlines() if t.startswith(MARKER)), None)
    if line is None:
        return {"error": f"the sweep printed no report: {text[-2000:]!r}"}
    return {"panels": json.loads(line[len(MARKER):])}


@pytest.fixture(scope="module")
def reports() -> dict:
    """Every chapter executed and swept, two kernels at a time."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(CHAPTERS, pool.map(_sweep, CHAPTERS)))


def test_there_are_chapters_to_sweep():
    assert CHAPTERS, "no book/NN_*.ipynb found"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_control_extreme_shows_a_figure_or_a_plain_message(reports, path):
    report = reports[path]
    assert "error" not in report, f"{path.name} did not run: {report.get('error')}"
    print(json.dumps(report["panels"], indent=1))
    bad = [(entry["panel"], setting, status) for entry in report["panels"]
           for setting, status in entry["settings"]
           if status not in ("figure", "message", "message (estimate)")]
    assert not bad, f"{path.name}: settings without a figure or a plain message: {bad}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_no_setting_stacks_a_new_figure(reports, path):
    report = reports[path]
    assert "error" not in report, f"{path.name} did not run: {report.get('error')}"
    problems = [(entry["panel"], p) for entry in report["panels"] for p in entry["problems"]]
    assert not problems, f"{path.name}: {problems}"


def test_the_playground_panel_is_swept_in_full(reports):
    """A check on the sweep itself: chapter 8's panel has every knob, and all were moved."""
    path = next((p for p in CHAPTERS if p.name.startswith("08_")), None)
    assert path is not None, "chapter 8 (the playground) is missing from book/"
    from lecture_code import playground
    entries = [e for e in reports[path]["panels"] if "dataset" in e["panel"]]
    assert entries, "the playground's panel was not found by Panel.instances()"
    moved = {setting.split("=")[0] for setting, _ in entries[0]["settings"]}
    assert set(playground.controls()) <= moved
    assert {"all-min", "all-max", "live all-min", "live all-max", "live costliest"} <= moved
    # 1000 points, 6 layers of 16, batch 10, 1000 epochs: ~200 times the default's work, so the
    # live widget shows the estimate and a button instead of blocking the kernel for it
    assert dict(entries[0]["settings"])["live costliest"] == "message (estimate)"


def test_the_sweep_catches_a_traceback_and_a_stacked_figure(tmp_path):
    """The sweep itself can fail: a panel that raises, and one that opens pyplot figures."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell(
        "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
        "from lecture_code.widgets import Panel, Slider, Choice\n"
        "def broken(x, kind):\n"
        "    if x > 0.9:\n"
        "        raise TypeError('a bug at the top of the slider')\n"
        "    if x < 0.1:\n"
        "        raise ValueError('too small to show')\n"
        "    fig = plt.figure(); fig.gca().plot([0, x]); return fig\n"
        "panel = Panel(broken, {'x': Slider('x', 0.0, 1.0, 0.5),\n"
        "                       'kind': Choice('k', ('a', 'b'), 'a')}, alt='test')"))
    path = tmp_path / "00_broken.ipynb"
    nbformat.write(notebook, path)
    report = _sweep(path)
    assert "error" not in report, report
    (entry,) = report["panels"]
    statuses = dict(entry["settings"])
    assert statuses["x=0.0"] == "message"                      # ValueError: a plain message
    assert statuses["x=1.0"].startswith("traceback: TypeError")
    assert statuses["kind='b'"] == "figure"
    assert any("pyplot figure" in p for p in entry["problems"])
