"""Live panels: controls that recompute a figure as they move.

Every live figure in the book is a :class:`Panel`: a function ``update(**values)``
that returns a matplotlib ``Figure`` (usually the same one, with its artists
updated), and a dict of controls. One object serves both ways of reading:

- in a running kernel it displays as ipywidgets controls over an image that is
  redrawn on every change;
- on the static site (no kernel) it displays as the same controls over a grid
  of frames computed when the book was built, loaded by the browser as they are
  needed (:mod:`lecture_code.panels.frames`).

A setting that cannot be computed (training diverged, an impossible
combination) shows a plain message instead of a figure, never a traceback.
ipywidgets is imported only when a panel is displayed in a kernel. The controls
themselves (:class:`~lecture_code.panels.controls.Slider`, :class:`~lecture_code.panels.controls.Choice`,
:class:`~lecture_code.panels.controls.Button`) are described in :mod:`lecture_code.panels.controls`
and importable from here too.

See any chapter's "try it" section.
"""
from __future__ import annotations

import html
import io
import os
import sys
import threading
import time
import weakref
from typing import Any, Callable

import numpy as np


from .. import _checks
from . import frames as _frames
from .controls import Button, Choice, Slider  # noqa: F401  (the chapters write widgets.Slider)
from .controls import _sweep_count

__all__ = ["Panel", "boundary_panel", "shallow_panel", "plain_message"]   # Slider, Choice, Button: see controls



def plain_message(error: BaseException) -> str:
    """What a reader sees instead of a traceback when a setting cannot be computed."""
    _checks.instance(error, "error", BaseException)
    if isinstance(error, ArithmeticError):   # TrainingDiverged, overflow, ...
        return "Training diverged: the loss grew without bound. Try a smaller learning rate."
    return f"This setting cannot be computed: {error}"


def _png(figure, dpi: float) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


class Panel:
    """Controls over a figure that ``update(**values)`` recomputes.

    Parameters
    ----------
    update : callable
        Called with one keyword argument per control; returns a matplotlib
        ``Figure`` or PNG bytes (e.g. from
        :meth:`lecture_code.plotting.BoundaryFigure.to_png`). It may raise ``ValueError`` or ``ArithmeticError`` (for
        example :class:`~lecture_code.training.TrainingDiverged`) for a setting
        that cannot be shown; the panel then shows a plain message.
    controls : dict
        ``{keyword: Slider(...), Choice(...) or Button(...)}``, in display order.
    alt : str
        Text alternative describing the figure (used as the image's alt text).
    static_controls : sequence of str, optional
        The controls the kernel-free version precomputes a grid over (default:
        as many as fit into :data:`lecture_code.panels.frames.MAX_FRAMES` frames, in
        display order); the others stay at their defaults there, and the page
        names them. ``static_control="name"`` is short for one.
    static_values : dict, optional
        ``{control: values}``: the grid values of a control, where its evenly
        spaced sweep would miss a value the text names.
    static_frames : int
        How many values of each slider the grid holds (evenly spaced).
    dpi : float
        Resolution of the rendered image, 10 to 1000 (the site's frames are
        rendered at twice that, for high-DPI screens).
    static : callable, optional
        ``static() -> str``: the panel's whole kernel-free face as HTML, used
        instead of the precomputed frames (chapter 8's browser playground).
    """

    _made: list = []     # weak references to every panel, oldest first (see instances())

    def __init__(self, update: Callable[..., Any], controls: dict, *, alt: str,
                 static_control: str | None = None, static_controls=None,
                 static_values: dict | None = None, static_frames: int = 6, dpi: float = 80,
                 static: Callable[[], str] | None = None):
        update = _checks.function(update, "update")
        if not isinstance(controls, dict):
            raise _checks.NotNumbers(f"controls must be a dict {{keyword: Slider, Choice or "
                                     f"Button}}, got {type(controls).__name__}")
        if not controls:
            raise ValueError("controls is empty; a panel needs at least one control")
        alt = _checks.text(alt, "alt")
        dpi = _checks.in_range(dpi, "dpi", 10, 1000, closed_high=True)
        self.update, self.controls, self.alt, self.dpi = update, dict(controls), alt, dpi
        self.static_frames = _sweep_count(static_frames, "static_frames")
        if static_control is not None:
            if _checks.text(static_control, "static_control") not in self.controls:
                raise ValueError(f"static_control must name a control, one of "
                                 f"{list(self.controls)}, got {static_control!r}")
            static_controls = (static_control,)
        elif static_controls is not None:
            static_controls = _checks.items(static_controls, "static_controls", "control names",
                                            minimum=0)
        self.static_controls = _frames.default_grid_controls(self.controls, self.static_frames,
                                                             static_controls)
        if static_values is not None and not isinstance(static_values, dict):
            raise _checks.NotNumbers(f"static_values must be a dict {{control: values}}, got "
                                     f"{type(static_values).__name__}")
        self.static_values = {name: list(v) for name, v in (static_values or {}).items()}
        for name in (*self.static_controls, *self.static_values):
            if name not in self.controls:
                raise ValueError(f"static_controls and static_values must name controls, one of "
                                 f"{list(self.controls)}, got {name!r}")
        if static is not None and not callable(static):
            raise TypeError(f"static must be a function returning HTML, got {type(static).__name__}")
        self.static = static
        Panel._made.append(weakref.ref(self))

    @classmethod
    def instances(cls) -> list["Panel"]:
        """Every panel made in this session that still exists, oldest first (for tests
        that sweep every live control in a chapter)."""
        return [panel for panel in (ref() for ref in cls._made) if panel is not None]

    def defaults(self) -> dict:
        """The value of every control before anyone moves it."""
        return {name: c.value for name, c in self.controls.items()}

    def render(self, **values) -> tuple[bytes | None, str | None]:
        """``(png, None)`` for a setting that computes, ``(None, message)`` otherwise."""
        return self._render(values, 1)

    def _render(self, values: dict, scale: float):
        """:meth:`render` with a matplotlib figure drawn at ``scale`` times ``dpi``: 1 in a
        kernel, where a live move must be fast, and ``frames.SCALE`` for the site's frames."""
        settings = {**self.defaults(), **values}
        try:
            figure = self.update(**settings)
        except (ValueError, ArithmeticError) as error:
            return None, plain_message(error)
        return (figure if isinstance(figure, bytes) else _png(figure, scale * self.dpi)), None

    # -- in a kernel -----------------------------------------------------------
    #: Optional ``cost(**values) -> float``: how much work a setting is, in any unit
    #: proportional to its computing time (e.g. multiply-adds). The live widget
    #: learns the seconds per unit from the settings it computes, and a setting
    #: estimated to take more than ``LONG_SECONDS`` (one second) shows its estimate and a
    #: button instead of blocking (see :meth:`widget`). Panels set it after
    #: construction, e.g. ``panel.cost = lambda **values: ...``.
    cost = None
    #: The figures ``update`` draws into, if they can hold their axis limits
    #: (:class:`lecture_code.plotting.style.HeldLimits`): the site's frames then
    #: share one set of limits (see :func:`lecture_code.panels.frames.grid`).
    figures = ()

    def widget(self):
        """The live ipywidgets version: controls, a message line and one image.

        Moving a control recomputes the figure off the kernel's message loop
        (``_LatestOnly`` below): while a setting computes, further moves only
        record that the controls changed, and when it ends the latest setting
        is computed, once. A fast drag therefore ends showing the final
        position within one computation, and no intermediate one is replayed.
        A change made by code (``control.value = ...`` in a cell, the tests)
        is computed at once, before the assignment returns. A setting that
        fails shows its message and clears the old image; one whose
        ``cost`` estimate exceeds ``LONG_SECONDS`` shows the estimate
        and a button that computes it.
        """
        import ipywidgets as w
        built = {name: c.build() for name, c in self.controls.items()}
        image = w.Image(format="png", layout=w.Layout(max_width="100%"))
        message = w.HTML()
        go = w.Button(description="compute this setting", layout=w.Layout(display="none"))
        clock = _Clock()

        def show(png, text):
            image.value = png if png is not None else b""
            message.value = "" if text is None else f"<b>{html.escape(text)}</b>"

        def compute(force: bool = False):
            values = {name: b.value for name, b in built.items()}
            try:
                work = None if self.cost is None else float(self.cost(**values))
            except (ValueError, ArithmeticError) as error:      # the setting itself is invalid
                go.layout.display = "none"
                return show(None, plain_message(error))
            guess = clock.seconds(work)
            if guess is not None and guess > LONG_SECONDS and not force:
                go.layout.display = ""
                return show(None, f"This setting takes about {guess:.0f} s to compute. "
                                  "Press \u201ccompute this setting\u201d to run it.")
            go.layout.display = "none"
            started = time.perf_counter()
            with _Progress(message, guess):
                png, text = self.render(**values)
            clock.record(work, time.perf_counter() - started)
            show(png, text)

        latest = _LatestOnly(compute, on_error=lambda error: show(None, plain_message(error)))
        for b in built.values():
            b.observe(latest.changed, names="value")
        go.on_click(lambda _: latest.request(force=True))
        latest.now()
        box = w.VBox([w.HBox(list(built.values()) + [go], layout=w.Layout(flex_flow="row wrap")),
                      message, image])
        box.panel, box.latest = self, latest
        return box

    # -- on the static site ----------------------------------------------------
    def frames(self) -> list[tuple[dict, bytes | None, str | None]]:
        """``(settings, png, message)`` for every point of the kernel-free grid."""
        return _frames.grid(self)

    def static_html(self) -> str:
        """The controls over precomputed frames, working with no kernel (HTML; the
        site's ``panels.js`` swaps the frames)."""
        if self.static is not None:
            return self.static()
        return _frames.static_html(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": f"<Panel: {', '.join(self.controls)}>",
                  "text/html": self.static_html() if static_wanted() else _LIVE_ONLY}
        try:
            import ipywidgets  # noqa: F401  (optional: without it, only the static version shows)
        except ImportError:
            return bundle
        widget_bundle = widget_view(self.widget())
        if widget_bundle:
            bundle.update({k: v for k, v in widget_bundle.items() if k != "text/plain"})
        return bundle


_LIVE_ONLY = ("<p>This panel is live: run its cell in a notebook with ipywidgets to move its "
              "controls (the book's website shows it over precomputed frames).</p>")


def static_wanted() -> bool:
    """Whether a displayed panel also computes its kernel-free frames (:mod:`lecture_code.panels.frames`).

    The website's build and a notebook saved for other viewers need them; a
    reader in Google Colab sees the live widget only, and would wait for a
    grid of trainings nobody looks at. ``LECTURE_CODE_STATIC=1`` or ``0``
    decides; otherwise every kernel but Colab's computes them.
    """
    setting = os.environ.get("LECTURE_CODE_STATIC", "")
    if setting in ("0", "1"):
        return setting == "1"
    return "google.colab" not in sys.modules


def widget_view(widget) -> dict:
    """The MIME bundle that shows an ipywidgets widget in a notebook, in ipywidgets 7 and 8.

    ipywidgets 8 widgets have ``_repr_mimebundle_``; ipywidgets 7 (still what
    Google Colab ships) only has ``_ipython_display_``, which displays as a side
    effect. Both describe the widget by the same ``widget-view+json`` bundle
    (protocol version 2.0, the widget's model id), built here for 7.x.
    """
    if hasattr(widget, "_repr_mimebundle_"):            # ipywidgets >= 8
        return widget._repr_mimebundle_() or {}
    return {"application/vnd.jupyter.widget-view+json":  # ipywidgets 7.x
            {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}}


#: A setting estimated to compute longer than this (seconds) waits for a button press.
LONG_SECONDS = 1.0
#: A computation still running after this many seconds shows a progress message.
PROGRESS_AFTER = 0.4


class _Clock:
    """Seconds per unit of :attr:`Panel.cost`, learnt from the settings computed so far."""

    def __init__(self):
        self.rates: list[float] = []
        self.last = 0.0            # seconds the last computation took

    def record(self, work, seconds: float) -> None:
        self.last = seconds
        if work is not None and work > 0:
            self.rates = (self.rates + [seconds / work])[-5:]

    def seconds(self, work):
        """Estimated seconds for ``work`` units (None before the first measurement)."""
        if work is None or not self.rates:
            return None
        return work * sorted(self.rates)[len(self.rates) // 2]


class _Progress:
    """Shows "Computing this setting ..." on the message line if a computation is still
    running after ``PROGRESS_AFTER`` seconds; never after the block has ended."""

    def __init__(self, message, guess):
        self.message, self.guess = message, guess
        self.lock, self.done = threading.Lock(), False
        self.timer = threading.Timer(PROGRESS_AFTER, self._note)
        self.timer.daemon = True

    def _note(self):
        about = "" if self.guess is None else f" (about {self.guess:.0f} s)"
        with self.lock:
            if not self.done:
                self.message.value = f"<i>Computing this setting{about}\u2026</i>"

    def __enter__(self):
        self.timer.start()
        return self

    def __exit__(self, *exc):
        with self.lock:
            self.done = True
        self.timer.cancel()
        return False


class _LatestOnly:
    """Runs ``compute`` for the latest setting only, off the kernel's message loop.

    ``changed`` observes the controls. A change that comes from the browser
    (ipywidgets holds the trait in ``_property_lock`` while it applies a
    front-end message, in versions 7 and 8 alike) only marks the panel as
    stale and, if no worker thread is computing, starts one; the worker
    recomputes until no change arrived during its last computation. So a
    burst of N slider events during one computation costs one more
    computation, with the final values, not N. A change made by code is
    computed at once (:meth:`now`), so a cell or a test that sets a value
    sees its figure when the assignment returns. One lock keeps the two
    from computing at the same time.
    """

    def __init__(self, compute: Callable[..., None], on_error: Callable[[BaseException], None]):
        self.compute, self.on_error = compute, on_error
        self._state = threading.Lock()        # guards stale / running / force
        self._computing = threading.Lock()    # one computation at a time
        self.stale = self.running = self.force = False
        self.computations = 0
        self.worker: threading.Thread | None = None

    def changed(self, change) -> None:
        owner = change.get("owner") if isinstance(change, dict) else getattr(change, "owner", None)
        from_browser = change["name"] in (getattr(owner, "_property_lock", None) or {})
        if from_browser:
            self.request()
        else:
            self.now()

    def now(self, force: bool = False) -> None:
        with self._computing:
            self._run(force, reraise=True)

    def request(self, force: bool = False) -> None:
        with self._state:
            self.stale = True
            self.force = self.force or force
            if self.running:
                return                         # the worker sees it when it finishes
            self.running = True
        self.worker = threading.Thread(target=self._work, name="panel-refresh", daemon=True)
        self.worker.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the worker has computed the latest setting; False on timeout."""
        worker = self.worker
        if worker is not None:
            worker.join(timeout)
            return not worker.is_alive()
        return True

    def _work(self) -> None:
        while True:
            with self._state:
                if not self.stale:
                    self.running = False
                    return
                self.stale, force, self.force = False, self.force, False
            with self._computing:
                self._run(force, reraise=False)

    def _run(self, force: bool, reraise: bool) -> None:
        self.computations += 1
        try:
            self.compute(force)
        except Exception as error:            # noqa: BLE001 (a reader sees a message, not a dead thread)
            self.on_error(error)
            if reraise:                       # code that set the value sees its error
                raise


def boundary_panel(fit: Callable[..., tuple], X_train, y_train, controls: dict, *, alt: str,
                   X_test=None, y_test=None, classes: int = 2, **panel_options) -> Panel:
    """A panel that retrains a classifier on every change and redraws its boundary.

    ``fit(**values)`` trains a model for one setting of the controls and
    returns ``(predict, history)``: ``predict(grid)`` gives class-1
    probabilities (or class scores), ``history`` is a
    :class:`~lecture_code.training.History` or ``None``. A diverged history
    shows the plain "training diverged" message. The figure (boundary and
    loss curves) is created once and only its data change afterwards.
    """
    fit = _checks.function(fit, "fit")
    _checks.same_rows(_checks.as_matrix(X_train, "X_train", columns=2),
                      _checks.as_array(y_train, "y_train", ndim=1), "X_train", "y_train")
    test = [None if v is None else check(v, name) for v, name, check in (
        (X_test, "X_test", lambda v, name: _checks.as_matrix(v, name, columns=2)),
        (y_test, "y_test", lambda v, name: _checks.as_array(v, name, ndim=1)))]
    if (X_test is None) != (y_test is None):
        raise ValueError("X_test and y_test must be given together (or neither)")
    if X_test is not None:
        _checks.same_rows(*test, "X_test", "y_test")
    from ..plotting import BoundaryFigure
    from ..training import TrainingDiverged
    figure = BoundaryFigure(classes)

    def update(**values):
        predict, history = fit(**values)
        if history is not None and history.diverged:
            raise TrainingDiverged("training diverged")
        figure.update(predict, X_train, y_train, X_test, y_test, history)
        return figure.to_png()

    panel = Panel(update, controls, alt=alt, **panel_options)
    panel.figures = (figure,)
    return panel


def shallow_panel(X, y, *, theta=None, phi=None, limit: float = 2.0):
    """Chapter 3's live control: sliders theta_10 ... theta_31, phi_0 ... phi_3 over a
    :class:`~lecture_code.plotting.ShallowFigure` of the three hidden units and the output.

    Parameters
    ----------
    X, y : (n, 1) and (n,), data drawn under the output with its MSE.
    theta, phi : (3, 2) and (4,), starting values in [-limit, limit], every slider's range.
    """
    from .. import _checks as checks, shallow
    from ..plotting import ShallowFigure
    from .frames import shallow_panel_html
    theta, phi = shallow._theta_phi([[0.0, -1.0], [0.5, 1.0], [-1.0, 2.0]] if theta is None else theta,
                            [-1.0, 1.5, 2.0, -1.0] if phi is None else phi)
    if theta.shape[0] != 3:
        raise ValueError(f"theta must have shape (3, 2) for the panel, got {theta.shape}")
    limit = checks.positive(limit, "limit")
    figure = ShallowFigure(X, y, x_range=(-1.0, 1.0))
    names = [f"theta{d}{j}" for d in (1, 2, 3) for j in (0, 1)] + [f"phi{d}" for d in range(4)]
    labels = [f"θ{d}{j}" for d in (1, 2, 3) for j in (0, 1)] + [f"φ{d}" for d in range(4)]
    controls = {name: Slider(label, -limit, limit, float(v), step=0.1)
                for name, label, v in zip(names, labels, [*theta.ravel(), *phi])}

    def update(**v):
        t = np.array([v[name] for name in names[:6]]).reshape(3, 2)
        return figure.update(t, np.array([v[name] for name in names[6:]])).to_png()

    # The site computes this panel in the browser (lecture_code.panels.frames.shallow_panel_html).
    panel = Panel(update, controls, static=lambda: shallow_panel_html(panel, X, y),
                  alt="Three ReLU hidden units of a shallow network (left) and "
                  "their weighted sum, its piecewise-linear output, over noisy data (right).")
    return panel
