"""The kernel-free face of a live panel: a grid of precomputed frames.

The static site has no kernel, so a :class:`~lecture_code.panels.widgets.Panel` shows
there as the same controls over frames computed when the book is built: one
frame for every combination of the values of its *grid controls* (a few values
per slider, laid out evenly on a linear or logarithmic scale; every option of
a menu). Controls that would make the grid too large stay at their default
values, and the note under the panel names them.

Frames are PNG files rendered at twice the displayed size (sharp on high-DPI
screens), named by a hash of their content and written into ``_static/panels/``
next to the chapter (``book/_static`` is the site's static folder, so the build
copies them; they are build products and not committed). The page holds only
their names, and the browser loads a frame when a control first asks for it,
so a page's first load stays small however many frames it has. A notebook run
where there is no ``_static`` folder (Colab) embeds the frames instead.

The page's script is ``book/_static/panels.js``. See any chapter's "try it".
"""
from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import math
import os
import struct
from pathlib import Path

import numpy as np

from .. import _checks
from .controls import Button, Choice

__all__ = ["MAX_FRAMES", "grid_axes", "grid", "static_html", "frames_folder"]

#: The most frames one panel precomputes (the product of its grid axes' lengths).
MAX_FRAMES = 64
#: Where the frames are written, relative to the notebook's folder, and the URL
#: of that folder as seen from a built chapter page (book/NN_topic.html).
FOLDER, URL = Path("_static") / "panels", "../_static/panels/"
#: Frames are rendered at this multiple of their displayed size.
SCALE = 2


def _panel_class():
    from .widgets import Panel          # widgets imports this module
    return Panel


def grid_axes(panel) -> dict:
    """``{control: values}`` for the controls the kernel-free version precomputes."""
    _checks.instance(panel, "panel", _panel_class())
    return {name: panel.static_values.get(name) or panel.controls[name].sweep(panel.static_frames)
            for name in panel.static_controls}


def default_grid_controls(controls: dict, count: int, chosen=None) -> tuple:
    """The grid controls: ``chosen``, or as many controls (in display order, buttons
    left out) as fit into :data:`MAX_FRAMES` frames."""
    if chosen is not None:
        return tuple(chosen)
    names, size = [], 1
    for name, control in controls.items():
        n = len(control.sweep(count))
        if isinstance(control, Button) or size * n > MAX_FRAMES:
            continue
        names.append(name)
        size *= n
    return tuple(names)


def grid(panel) -> list:
    """``(settings, png, message)`` for every grid point, the last axis fastest.

    The panel's ``figures`` (those with ``hold_limits``, see
    :class:`lecture_code.plotting.style.HeldLimits`) keep the same axis limits
    in every frame: a first pass over the grid finds limits that fit them all,
    and the second renders with them.
    """
    axes = grid_axes(panel)
    settings = [dict(zip(axes, combination)) for combination in itertools.product(*axes.values())]
    figures = [f for f in getattr(panel, "figures", ()) if hasattr(f, "hold_limits")]
    for figure in figures:
        figure.hold_limits(True)
    try:
        for _ in range(2 if figures else 1):
            out = [(s, *panel._render(s, SCALE)) for s in settings]
    finally:
        for figure in figures:
            figure.hold_limits(False)
    return out


def frames_folder() -> Path | None:
    """``_static/panels`` under the current folder (a chapter run from ``book/``), or
    None where there is no ``_static`` folder (the frames are then embedded)."""
    root = Path(os.getcwd()) / FOLDER.parent
    return root / FOLDER.name if root.is_dir() else None


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_size(png: bytes, settings: dict) -> tuple[int, int]:
    """Width and height from the PNG's header (its IHDR chunk, bytes 16 to 24)."""
    if not png.startswith(PNG_SIGNATURE) or len(png) < 24 or png[12:16] != b"IHDR":
        raise ValueError(f"update must return a matplotlib Figure or PNG bytes; for the setting "
                         f"{settings} it returned {len(png)} bytes starting {png[:16]!r}, "
                         f"not a PNG image")
    return struct.unpack(">II", png[16:24])


def _save(png: bytes, folder: Path | None) -> str:
    """The frame's URL: a content-named file in ``folder`` (written once), or a data URL."""
    if folder is None:
        return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    name = hashlib.sha256(png).hexdigest()[:20] + ".png"
    path = folder / name
    if not path.exists():                # same name, same bytes: nothing to overwrite
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
    return URL + name


def _nearest(values: list, value) -> int:
    """Index of the grid value closest to ``value`` (a default need not be on the grid)."""
    if value in values:
        return values.index(value)
    try:
        return min(range(len(values)), key=lambda i: abs(float(values[i]) - float(value)))
    except (TypeError, ValueError):
        return 0


def _text(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _control_html(key: str, name: str, control, values: list, start: int) -> str:
    label = html.escape(control.label)
    if isinstance(control, Choice):
        buttons = "".join(
            f'<button type="button" class="lc-option" data-index="{i}" '
            f'aria-pressed="{"true" if i == start else "false"}">{html.escape(_text(v))}</button>'
            for i, v in enumerate(values))
        return (f'<div class="lc-control lc-choice" role="group" aria-label="{label}" '
                f'data-name="{html.escape(name)}"><span class="lc-label">{label}</span>{buttons}</div>')
    texts = [_text(v) for v in values]
    return (f'<div class="lc-control lc-slider" data-name="{html.escape(name)}">'
            f'<label for="{key}-{name}" class="lc-label">{label}</label>'
            f'<span class="lc-min" aria-hidden="true">{html.escape(texts[0])}</span>'
            f'<input type="range" id="{key}-{name}" class="lc-range" min="0" '
            f'max="{len(values) - 1}" step="1" value="{start}" '
            f'aria-valuetext="{html.escape(texts[start])}" '
            f"data-values='{html.escape(json.dumps(texts))}'>"
            f'<span class="lc-max" aria-hidden="true">{html.escape(texts[-1])}</span>'
            f'<output class="lc-value">{html.escape(texts[start])}</output></div>')


def static_html(panel) -> str:
    """The panel's controls over its precomputed frames, as HTML for a page with no kernel."""
    axes = grid_axes(panel)
    values = panel.defaults()
    start = [_nearest(list(v), values[name]) for name, v in axes.items()]
    folder = frames_folder()
    frames, first, size = [], None, None
    for index, (settings, png, message) in enumerate(grid(panel)):
        if png is None:
            frames.append([None, message])
            continue
        dims = _png_size(png, settings)          # every frame: a PNG, or a clear error
        size = size or dims
        frames.append([_save(png, folder), None])
    flat = 0
    for axis_start, axis_values in zip(start, axes.values()):
        flat = flat * len(axis_values) + axis_start
    first = frames[flat] if frames else [None, "This panel has no kernel-free frames."]
    key = "lc-" + hashlib.sha256(json.dumps(frames).encode()).hexdigest()[:10]
    controls = "".join(_control_html(key, n, panel.controls[n], list(v), s)
                       for (n, v), s in zip(axes.items(), start))
    width, height = size if size else (0, 0)
    dims = f' width="{math.ceil(width / SCALE)}" height="{math.ceil(height / SCALE)}"' if size else ""
    src = html.escape(first[0]) if first[0] else ""
    hidden = "" if first[0] else " hidden"
    live = [panel.controls[n].label for n in panel.controls
            if n not in axes and not isinstance(panel.controls[n], Button)]
    note = (f"Precomputed when this page was built: {len(frames)} "
            f"{'frame' if len(frames) == 1 else 'frames'}.")
    if live:
        note += (" Only in a running notebook: " + ", ".join(html.escape(x) for x in live)
                 + " (held at the default here).")
    note += " Open the chapter in Colab or Binder (the rocket icon above) to move every control live."
    payload = {"sizes": [len(v) for v in axes.values()], "frames": frames}
    counted = sum(not isinstance(c, Button) for c in panel.controls.values())
    return (f'<div class="lc-panel" id="{key}" data-lc-panel data-controls="{counted}" '
            f"data-live-only='{html.escape(json.dumps(live))}'>"
            f'<div class="lc-controls">{controls}</div>'
            f'<p class="lc-message" role="status">{html.escape(first[1] or "")}</p>'
            f'<img class="lc-frame" alt="{html.escape(panel.alt)}" src="{src}"{dims}{hidden}>'
            f'<p class="lc-note">{note}</p>'
            f'<script type="application/json" class="lc-frames">{_json(payload)}</script>'
            f'</div>')


def _json(payload) -> str:
    return json.dumps(payload).replace("</", "<\\/")


def shallow_panel_html(panel, X, y, *, x_range=(-1.0, 1.0), hidden_ylim=(0.0, 3.0),
                       output_ylim=(-3.0, 3.0)) -> str:
    """Chapter 3's panel without a kernel: its ten sliders over a figure the browser
    computes (``book/_static/shallow/``, the same functions as :mod:`lecture_code.shallow`,
    proved equal by ``tests/browser/shallow.test.mjs``). Axes are fixed."""
    sliders = []
    for name, c in panel.controls.items():
        sliders.append(
            f'<div class="lc-control lc-slider"><label for="lc-shallow-{name}" class="lc-label">'
            f'{html.escape(c.label)}</label><span class="lc-min" aria-hidden="true">{c.min:g}</span>'
            f'<input type="range" id="lc-shallow-{name}" class="lc-range" min="{c.min:g}" '
            f'max="{c.max:g}" step="{c.step:g}" value="{c.value:g}">'
            f'<span class="lc-max" aria-hidden="true">{c.max:g}</span>'
            f'<output class="lc-value">{c.value:.1f}</output></div>')
    data = {"X": [float(v) for v in np.asarray(X).ravel()],
            "y": [float(v) for v in np.asarray(y).ravel()], "x_range": list(x_range),
            "hidden_ylim": list(hidden_ylim), "output_ylim": list(output_ylim)}
    svg = '<svg class="lc-{}" viewBox="0 0 340 230" role="img" aria-label="{}"></svg>'
    return (f'<div class="lc-panel lc-shallow" data-lc-shallow data-controls="{len(sliders)}" '
            f"data-live-only='[]'>"
            f'<div class="lc-controls">{"".join(sliders)}</div>'
            f'<div class="lc-plots">{svg.format("hidden", "the three hidden units")}'
            f'{svg.format("output", html.escape(panel.alt))}</div>'
            f'<p class="lc-mse" role="status"></p>'
            f'<p class="lc-note">Computed in your browser as you move the sliders (every control '
            f'is live here), by the same formulas as <code>lecture_code.shallow</code>.</p>'
            f'<script type="application/json" class="lc-shallow-data">{_json(data)}</script>'
            f'<script type="module" src="{URL.rsplit("panels/", 1)[0]}shallow/panel.js"></script>'
            f'</div>')
