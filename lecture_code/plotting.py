"""Figures for the book, in the colour-blind-safe Okabe–Ito palette.

Every function draws into the ``ax`` it is given (``None`` means pyplot's
current axes, imported only then) and returns what it drew; none calls
``plt.show()``. Classes differ by marker as well as by colour, so the figures
read in greyscale too. :class:`BoundaryFigure` is the fast, re-drawable figure
behind the live widgets: it never touches pyplot or a GUI backend.
"""
from __future__ import annotations

import struct
import zlib
from typing import Callable

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap, ListedColormap, to_rgb
from matplotlib.figure import Figure

from lecture_code import _checks

#: Okabe & Ito (2008): black, orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple.
PALETTE = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
#: Colour and marker of class k (blue circles, vermillion squares, ...).
CLASS_COLORS = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def _pale(color: str, amount: float = 0.5) -> tuple:
    """``color`` mixed with white: ``(1 - amount) rgb + amount``, so points stay visible on it."""
    return tuple((1 - amount) * np.asarray(to_rgb(color)) + amount)


#: P(class 1) from 0 (pale blue, class 0) through white (0.5) to 1 (pale vermillion, class 1).
BOUNDARY_CMAP = LinearSegmentedColormap.from_list(
    "okabe_ito_diverging", [_pale(CLASS_COLORS[0]), (1, 1, 1), _pale(CLASS_COLORS[1])])
#: Pale class colours for the argmax regions of a k-class prediction.
REGION_CMAP = ListedColormap([_pale(c, 0.65) for c in CLASS_COLORS], name="okabe_ito_regions")


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt     # only when no axes were given
        ax = plt.gca()
    return ax


def _labels(y, name: str, n: int, classes: int = len(CLASS_COLORS)) -> np.ndarray:
    """``y`` as int64 class labels, one per point, in ``0..classes-1``."""
    arr = _checks.as_array(y, name, ndim=1)
    if len(arr) != n:
        raise ValueError(f"{name} must hold one label per point ({n}), got {len(arr)}")
    if np.any(arr != np.round(arr)) or arr.min() < 0 or arr.max() >= classes:
        raise ValueError(f"{name} must hold whole-number class labels in 0..{classes - 1}")
    return arr.astype(np.int64)


def _grid(X: np.ndarray, resolution: int, padding: float):
    """Grid over X's box widened by ``padding`` of its range: ``(r*r, 2)`` points
    (x1 varying fastest), limits ``(x_lo, x_hi, y_lo, y_hi)``, and the imshow
    extent whose pixel centres are the points."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = np.where(hi > lo, padding * (hi - lo), 0.5)
    lo, hi = lo - pad, hi + pad
    xs, ys = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    grid = np.column_stack([np.tile(xs, resolution), np.repeat(ys, resolution)])
    dx, dy = (hi - lo) / (2 * (resolution - 1))
    extent = (lo[0] - dx, hi[0] + dx, lo[1] - dy, hi[1] + dy)
    return grid, (lo[0], hi[0], lo[1], hi[1]), extent


def _surface(predict: Callable, grid: np.ndarray, resolution: int):
    """``predict(grid)`` as an image and whether it is a probability (else argmax classes)."""
    P = np.asarray(predict(grid), dtype=np.float64)
    if P.ndim == 2 and P.shape[1] == 1:
        P = P[:, 0]
    if P.shape[0] != len(grid) or P.ndim not in (1, 2):
        raise ValueError(f"predict must return shape ({len(grid)},) or ({len(grid)}, k) "
                         f"for a grid of {len(grid)} points, got {P.shape}")
    if P.ndim == 1:
        if not np.all((P >= 0) & (P <= 1)):
            raise ValueError("predict must return probabilities in [0, 1] (apply the sigmoid)")
        return P.reshape(resolution, resolution), True
    return P.argmax(axis=1).reshape(resolution, resolution).astype(np.float64), False


def _style_image(image, probability: bool) -> None:
    """Diverging colours for P(class 1) in [0, 1], pale class colours for argmax regions."""
    image.set_cmap(BOUNDARY_CMAP if probability else REGION_CMAP)
    image.set_clim((0.0, 1.0) if probability else (-0.5, len(CLASS_COLORS) - 0.5))


def decision_boundary(ax, predict: Callable, X, y, *, resolution: int = 100,
                      padding: float = 0.1):
    """Shade ``predict`` over the plane and scatter the labelled points on top.

    ``predict(grid)`` gets an ``(m, 2)`` array and returns ``(m,)`` (or
    ``(m, 1)``) probabilities of class 1, drawn blue-white-vermillion with the
    0.5 contour, or ``(m, k)`` class scores, drawn as argmax regions.

    Parameters
    ----------
    ax : Axes or None; predict : the model; X : (n, 2) points; y : (n,) labels.
    resolution : grid points per axis, >= 2; padding : margin, a fraction of the range.

    Returns
    -------
    image : the ``AxesImage`` (row i = i-th grid value of x2, column j of x1);
    scatters : one ``PathCollection`` per class 0..max(y).
    """
    ax = _axes(ax)
    X = _checks.as_matrix(X, "X", columns=2)
    y = _labels(y, "y", len(X))
    resolution = _checks.count(resolution, "resolution", minimum=2)
    padding = _checks.positive(padding, "padding", allow_zero=True)
    grid, limits, extent = _grid(X, resolution, padding)
    surface, probability = _surface(predict, grid, resolution)
    image = ax.imshow(surface, origin="lower", extent=extent, aspect="auto",
                      interpolation="nearest")
    _style_image(image, probability)
    if probability and surface.min() < 0.5 < surface.max():
        ax.contour(grid[:resolution, 0], grid[::resolution, 1], surface,
                   levels=[0.5], colors="0.2", linewidths=1)
    scatters = [ax.scatter(X[y == k, 0], X[y == k, 1], color=CLASS_COLORS[k],
                           marker=MARKERS[k], edgecolors="white", linewidths=0.5,
                           label=f"class {k}") for k in range(int(y.max()) + 1)]
    ax.set(xlim=limits[:2], ylim=limits[2:])
    return image, scatters


def _curves(ax, history, train: str, val: str, ylabel: str):
    ax = _axes(ax)
    lines = []
    for name, color, style in ((train, CLASS_COLORS[0], "-"), (val, CLASS_COLORS[1], "--")):
        values = np.asarray(getattr(history, name, []), dtype=np.float64)
        if values.size:
            lines += ax.plot(np.arange(len(values)), values, style, color=color,
                             label=name.replace("_", " "))
    best = getattr(history, "best_epoch", None)
    if best is not None:
        lines.append(ax.axvline(best, color=PALETTE[0], linestyle=":", linewidth=1,
                                label=f"best epoch ({best})"))
    ax.set(xlabel="epoch", ylabel=ylabel)
    if lines:
        ax.legend(frameon=False)
    return lines


def loss_curves(ax, history):
    """Training (solid) and validation (dashed) loss against the epoch (0-based).

    ``history`` has lists ``train_loss`` and ``val_loss`` (may be empty) and
    optionally ``best_epoch`` (0-based), drawn as a dotted vertical line,
    like :class:`lecture_code.training.History`. Returns the lines drawn.
    """
    return _curves(ax, history, "train_loss", "val_loss", "loss")


def accuracy_curves(ax, history):
    """Training and validation accuracy (``history.train_acc``, ``val_acc``) against the epoch."""
    return _curves(ax, history, "train_acc", "val_acc", "accuracy")


def activation_plot(ax, f: Callable, df: Callable, name: str, z=None):
    """Draw ``g(z)`` (solid) beside its derivative ``g'(z)`` (dashed) on ``z`` (default [-5, 5]).

    Returns the two lines ``(g, g')``.
    """
    ax = _axes(ax)
    z = np.linspace(-5, 5, 201) if z is None else _checks.as_array(z, "z", ndim=1)
    ax.axhline(0, color="0.85", linewidth=0.8), ax.axvline(0, color="0.85", linewidth=0.8)
    (line_f,) = ax.plot(z, f(z), color=CLASS_COLORS[0], label=f"{name}(z)")
    (line_df,) = ax.plot(z, df(z), "--", color=CLASS_COLORS[1], label=f"{name}'(z)")
    ax.set_xlabel("z")
    ax.legend(frameon=False)
    return line_f, line_df


def regression_fit(ax, x, y, predict: Callable, *, truth: Callable | None = None,
                   resolution: int = 200, label: str = "model"):
    """Scatter ``(x, y)`` and draw ``predict`` (and optionally the true ``truth``) over x's range.

    ``predict`` gets an ``(m, 1)`` column and returns ``(m,)`` or ``(m, 1)``.
    Returns ``(points, model_line)`` plus the truth line when given.
    """
    ax = _axes(ax)
    X = _checks.as_matrix(x, "x", columns=1)
    y = _checks.as_array(y, "y", ndim=(1, 2)).reshape(-1)
    _checks.same_rows(X, y, "x", "y")
    resolution = _checks.count(resolution, "resolution", minimum=2)
    grid = np.linspace(X.min(), X.max(), resolution)[:, None]
    fit = np.asarray(predict(grid), dtype=np.float64).reshape(-1)
    if fit.shape != (resolution,):
        raise ValueError(f"predict must return one value per row of a ({resolution}, 1) input, "
                         f"got shape {fit.shape}")
    artists = [ax.scatter(X[:, 0], y, color=PALETTE[0], s=16, label="data")]
    artists += ax.plot(grid[:, 0], fit, color=CLASS_COLORS[1], label=label)
    if truth is not None:
        artists += ax.plot(grid[:, 0], truth(grid[:, 0]), ":", color=CLASS_COLORS[0], label="truth")
    ax.set(xlabel="x", ylabel="y")
    ax.legend(frameon=False)
    return tuple(artists)


def _nice_ceil(value: float) -> float:
    """Smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times 10^k) >= ``value`` > 0."""
    scale = 10.0 ** np.floor(np.log10(value))
    steps = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)
    return float(scale * next(m for m in steps if m * scale >= value * (1 - 1e-12)))


def _png(rgba: np.ndarray) -> bytes:
    """Encode an opaque ``(h, w, 4)`` uint8 image as PNG: RGB, no row filter, zlib level 1."""
    h, w = rgba.shape[:2]
    rows = np.zeros((h, 1 + 3 * w), dtype=np.uint8)          # byte 0 of a row: filter "none"
    rows[:, 1:].reshape(h, w, 3)[...] = rgba[..., :3]

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) + chunk(b"IEND", b""))


class BoundaryFigure:
    """One figure, drawn many times: decision boundary (left) and loss curves (right).

    Every artist is created here; :meth:`update` only changes their data and
    the axis limits. :meth:`to_png` renders with Agg and blits: axes, ticks
    and legend are drawn once into a cached background (again only when a
    limit changes; the loss axes grow in round steps), and each frame draws
    just the surface, points and curves on top. Train points are filled,
    test points hollow.
    """

    def __init__(self, classes: int = 2, *, figsize=(7.0, 3.2), dpi: int = 80,
                 resolution: int = 60, padding: float = 0.1):
        self.classes = _checks.count(classes, "classes", minimum=2)
        _checks.in_range(classes, "classes", 2, len(CLASS_COLORS), closed_high=True)
        self.resolution = _checks.count(resolution, "resolution", minimum=2)
        self.padding = _checks.positive(padding, "padding", allow_zero=True)
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)              # Agg directly: no pyplot, no GUI
        self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.92, wspace=0.25)
        self.ax_boundary, self.ax_loss = self.figure.subplots(1, 2)
        self.image = self.ax_boundary.imshow(np.full((self.resolution,) * 2, 0.5), origin="lower",
                                             aspect="auto", interpolation="nearest")
        _style_image(self.image, True)
        self.train_points, self.test_points = [], []
        for k in range(self.classes):
            style = dict(marker=MARKERS[k], s=22, linewidths=0.8)
            self.train_points.append(self.ax_boundary.scatter(
                np.empty(0), np.empty(0), color=CLASS_COLORS[k], edgecolors="white", **style))
            self.test_points.append(self.ax_boundary.scatter(
                np.empty(0), np.empty(0), facecolors="none", edgecolors=CLASS_COLORS[k], **style))
        (self.train_line,) = self.ax_loss.plot([], [], color=CLASS_COLORS[0], label="train")
        (self.val_line,) = self.ax_loss.plot([], [], "--", color=CLASS_COLORS[1], label="validation")
        self.best_line = self.ax_loss.axvline(0, color=PALETTE[0], linestyle=":", linewidth=1)
        self.best_line.set_visible(False)
        self.ax_loss.set_xlabel("epoch", fontsize=8)
        self.ax_loss.xaxis.set_label_coords(0.5, -0.1)        # fixed: no bbox search per draw
        self.ax_loss.legend(frameon=False, fontsize=8, loc="upper right")
        for ax, title in ((self.ax_boundary, "decision boundary"), (self.ax_loss, "loss")):
            ax.set_title(title, fontsize=9, y=1.0)              # fixed y: no bbox search either
            ax.tick_params(labelsize=7)
        points = [p for pair in zip(self.train_points, self.test_points) for p in pair]
        self.dynamic = [self.image, *points, self.train_line, self.val_line, self.best_line]
        for artist in self.dynamic:
            artist.set_animated(True)                           # left out of the background
        self._background, self._limits = None, None

    def update(self, predict: Callable, X_train, y_train, X_test=None, y_test=None,
               history=None) -> None:
        """Show a new model state: surface, points and curves; no artist is created.

        ``predict`` is as in :func:`decision_boundary`; ``history`` as in
        :func:`loss_curves` (or None). The test set is optional.
        """
        X_train = _checks.as_matrix(X_train, "X_train", columns=2)
        y_train = _labels(y_train, "y_train", len(X_train), self.classes)
        if (X_test is None) != (y_test is None):
            raise ValueError("X_test and y_test must be given together (or both left out)")
        X_test = np.empty((0, 2)) if X_test is None else _checks.as_matrix(X_test, "X_test", columns=2)
        y_test = np.empty(0) if y_test is None else _labels(y_test, "y_test", len(X_test), self.classes)
        grid, limits, extent = _grid(np.vstack([X_train, X_test]), self.resolution, self.padding)
        surface, probability = _surface(predict, grid, self.resolution)
        self.image.set_data(surface)
        self.image.set_extent(extent)
        _style_image(self.image, probability)
        for k in range(self.classes):
            self.train_points[k].set_offsets(X_train[y_train == k])
            self.test_points[k].set_offsets(X_test[y_test == k])
        train = np.asarray(getattr(history, "train_loss", []), dtype=np.float64)
        val = np.asarray(getattr(history, "val_loss", []), dtype=np.float64)
        self.train_line.set_data(np.arange(len(train)), train)
        self.val_line.set_data(np.arange(len(val)), val)
        best = getattr(history, "best_epoch", None)
        self.best_line.set_visible(best is not None)
        self.best_line.set_xdata([best or 0] * 2)
        losses = np.concatenate([train, val])
        losses = losses[np.isfinite(losses) & (losses > 0)]
        limits += (_nice_ceil(max(len(train), len(val), 2) - 1),
                   _nice_ceil(1.05 * losses.max()) if losses.size else 1.0)
        if limits != self._limits:                              # redraw the background once
            self.ax_boundary.set(xlim=limits[0:2], ylim=limits[2:4])
            self.ax_loss.set(xlim=(0, limits[4]), ylim=(0, limits[5]))
            self._background, self._limits = None, limits

    def to_png(self) -> bytes:
        """Render with Agg (blitting over the cached background) and return PNG bytes."""
        if self._background is None:
            self.canvas.draw()                                  # everything but the dynamic artists
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.canvas.restore_region(self._background)
        for artist in self.dynamic:
            artist.axes.draw_artist(artist)
        for spine in self.ax_boundary.spines.values():          # keep the frame above the surface
            self.ax_boundary.draw_artist(spine)
        return _png(np.asarray(self.canvas.buffer_rgba()))


def _coarse_ceil(value: float) -> float:
    """Smallest of 1, 2, 5 times 10^k that is >= ``value`` > 0."""
    scale = 10.0 ** np.floor(np.log10(value))
    return float(scale * next(m for m in (1, 2, 5, 10) if m * scale >= value * (1 - 1e-12)))


def _nice_limits(low: float, high: float) -> tuple[float, float]:
    """Axis limits around [low, high] (which contains 0) in coarse steps, so they rarely change."""
    top = _coarse_ceil(1.05 * high) if high > 0 else 0.0
    bottom = -_coarse_ceil(-1.05 * low) if low < 0 else 0.0
    if top == bottom == 0.0:
        return -1.0, 1.0
    pad = 0.05 * (top - bottom)
    return (bottom if bottom < 0 else -pad), (top if top > 0 else pad)


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class ShallowFigure:
    """A shallow network with one input, drawn many times: hidden units (left), output (right).

    Left: each hidden unit h_d = a[theta_d0 + theta_d1 x] in its own colour. Right: the
    weighted units phi_d h_d (dashed, same colours), the output y = phi_0 + sum_d phi_d h_d
    (black) with its kinks x = -theta_d0 / theta_d1 marked, and optionally data points
    with their mean squared error. The figure (``matplotlib.figure.Figure``, no pyplot)
    and its artists are made once; :meth:`update` changes their data and, in round
    steps, the y limits; :meth:`to_png` blits like :class:`BoundaryFigure`. See chapter 3.

    Parameters
    ----------
    X, y : optional (n, 1) inputs and (n,) targets drawn as points.
    units : number of hidden units D (at most 8, one colour each).
    x_range : (lo, hi) of the inputs drawn; resolution : points on that range.
    """

    def __init__(self, X=None, y=None, *, units: int = 3, x_range=(-1.0, 1.0),
                 resolution: int = 201, figsize=(7.5, 3.0), dpi: int = 80):
        self.units = _checks.count(units, "units")
        _checks.in_range(self.units, "units", 1, len(CLASS_COLORS), closed_high=True)
        lo, hi = (float(v) for v in x_range)
        if not lo < hi:
            raise ValueError(f"x_range must be (lo, hi) with lo < hi, got {x_range!r}")
        self.x = np.linspace(lo, hi, _checks.count(resolution, "resolution", minimum=2))
        if (X is None) != (y is None):
            raise ValueError("X and y must be given together (or both left out)")
        self.X = None if X is None else _checks.as_matrix(X, "X", columns=1)
        self.y = None if y is None else _checks.as_array(y, "y", ndim=(1, 2)).reshape(-1)
        if self.X is not None:
            _checks.same_rows(self.X, self.y, "X", "y")
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self.ax_hidden, self.ax_output = self.figure.subplots(1, 2)
        self.figure.subplots_adjust(left=0.06, right=0.98, bottom=0.27, top=0.9, wspace=0.18)
        colors = CLASS_COLORS[:self.units]
        sub = [str(d).translate(_SUBSCRIPTS) for d in range(self.units + 1)]   # plain text:
        self.hidden_lines = [self.ax_hidden.plot([], [], color=c, label=f"h{sub[d + 1]}")[0]
                             for d, c in enumerate(colors)]                 # faster than TeX
        self.weighted_lines = [self.ax_output.plot([], [], "--", color=c, linewidth=1,
                                                   label=f"φ{sub[d + 1]}h{sub[d + 1]}")[0]
                               for d, c in enumerate(colors)]
        handles = self.hidden_lines + self.weighted_lines
        if self.X is not None:
            handles.append(self.ax_output.scatter(self.X[:, 0], self.y, color="0.55", s=9,
                                                  label="data"))
        (self.output_line,) = self.ax_output.plot([], [], color=PALETTE[0], linewidth=2,
                                                  label="output y")
        (self.kink_marks,) = self.ax_output.plot([], [], "v", color=PALETTE[0], markersize=6,
                                                 label="kinks")
        self.mse_text = self.ax_output.text(0.99, 0.97, "", transform=self.ax_output.transAxes,
                                            ha="right", va="top", fontsize=8)
        self.ax_hidden.set_title(f"hidden units h = a[θ{sub[0]} + θ{sub[1]}x]", fontsize=9, y=1.0)
        self.ax_output.set_title(f"output y = φ{sub[0]} + " + " + ".join(
            f"φ{sub[d]}h{sub[d]}" for d in range(1, self.units + 1)), fontsize=9, y=1.0)
        for ax in (self.ax_hidden, self.ax_output):               # fixed positions and ticks:
            ax.set_xlim(lo, hi)                                     # no layout search per draw
            ax.set_xticks(np.linspace(lo, hi, 5))
            ax.set_xlabel("x", fontsize=8)
            ax.xaxis.set_label_coords(0.5, -0.12)
            ax.axhline(0, color="0.85", linewidth=0.8, zorder=0)
            ax.tick_params(labelsize=7)
        handles += [self.output_line, self.kink_marks]
        self.figure.legend(handles, [a.get_label() for a in handles], loc="lower center",
                           ncol=len(handles), frameon=False, fontsize=7, handlelength=1.5)
        self.dynamic = [*self.hidden_lines, *self.weighted_lines, self.output_line,
                        self.kink_marks, self.mse_text]
        for artist in self.dynamic:
            artist.set_animated(True)                           # left out of the background
        self._background, self._limits = None, None

    def update(self, theta, phi) -> "ShallowFigure":
        """Show the network with ``theta`` (D, 2) and ``phi`` (D + 1,); no artist is created."""
        from lecture_code import shallow
        theta, phi = shallow._theta_phi(theta, phi)
        if theta.shape[0] != self.units:
            raise ValueError(f"theta must have {self.units} rows (one per unit), got {theta.shape}")
        h = shallow.hidden(self.x, theta)
        weighted = h * phi[1:]
        y = phi[0] + weighted.sum(axis=1)
        for d in range(self.units):
            self.hidden_lines[d].set_data(self.x, h[:, d])
            self.weighted_lines[d].set_data(self.x, weighted[:, d])
        self.output_line.set_data(self.x, y)
        kinks = shallow.kinks(theta)
        kinks = np.sort(kinks[(kinks > self.x[0]) & (kinks < self.x[-1])])
        self.kink_marks.set_data(kinks, shallow.forward(kinks, theta, phi) if kinks.size else kinks)
        shown = np.concatenate([weighted.ravel(), y] + ([] if self.y is None else [self.y]))
        if self.X is not None:
            mse = np.mean((shallow.forward(self.X, theta, phi) - self.y) ** 2)
            self.mse_text.set_text(f"MSE on the data = {mse:.3f}")
        limits = (_nice_limits(0.0, float(h.max())),
                  _nice_limits(min(0.0, float(shown.min())), max(0.0, float(shown.max()))))
        if limits != self._limits:                              # redraw the background
            self.ax_hidden.set_ylim(*limits[0])
            self.ax_output.set_ylim(*limits[1])
            self._background, self._limits = None, limits
        return self

    def to_png(self) -> bytes:
        """Render with Agg (blitting over the cached background) and return PNG bytes."""
        if self._background is None:
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.canvas.restore_region(self._background)
        for artist in self.dynamic:
            artist.axes.draw_artist(artist)
        return _png(np.asarray(self.canvas.buffer_rgba()))

    _repr_png_ = to_png     # a notebook shows the figure when it is a cell's value

    def __repr__(self) -> str:
        return f"ShallowFigure({self.units} hidden units)"


# -- chapter 5: gradient descent on 2-D surfaces ------------------------------------------
def _surface_grid(surface, resolution: int):
    """``(xs, ys, F)``: ``F = f - f(minimum)`` on a grid over the surface's window."""
    xs = np.linspace(*surface.xlim, resolution)
    ys = np.linspace(*surface.ylim, resolution)
    F = surface.f(np.stack(np.meshgrid(xs, ys), axis=-1)) - surface.f(np.array(surface.minimum))
    return xs, ys, F


#: Light to mid blue for the height of a loss surface, lowest darkest; paths stay readable on it.
SURFACE_CMAP = LinearSegmentedColormap.from_list("surface_blues", ["#4A90C8", "#F2F7FC"])


def surface_contour(ax, surface, *, resolution: int = 100, levels: int = 24):
    """Shaded contours of a 2-D test surface, spaced geometrically above its minimum (a star).

    ``surface`` has ``f`` (vectorised over a last axis of length 2), ``minimum``,
    ``xlim`` and ``ylim``, like :class:`lecture_code.descent.Surface`. Darker is
    lower. Returns the filled ``QuadContourSet``.
    """
    ax = _axes(ax)
    resolution = _checks.count(resolution, "resolution", minimum=2)
    levels = _checks.count(levels, "levels", minimum=2)
    xs, ys, F = _surface_grid(surface, resolution)
    top = float(F.max())
    steps = np.concatenate([[min(float(F.min()), 0.0)], np.geomspace(top * 1e-4, top, levels)])
    contours = ax.contourf(xs, ys, F, levels=steps, cmap=SURFACE_CMAP)
    ax.contour(xs, ys, F, levels=steps[1:], colors="white", linewidths=0.3, alpha=0.6)
    ax.plot(*surface.minimum, marker="*", color=PALETTE[0], markeredgecolor="white",
            markersize=12, linestyle="none", label="minimum")
    ax.set(xlim=surface.xlim, ylim=surface.ylim, xlabel="$w_1$", ylabel="$w_2$")
    return contours


def descent_path(ax, path, *, label: str | None = None, color: str = CLASS_COLORS[1],
                 marker: str = "o"):
    """Draw an optimizer's path ``(steps + 1, 2)``: a line through the iterates, start hollow.

    NaN rows (an overflowed run) are skipped; points outside the axes are clipped,
    so a diverging path visibly leaves the plot. Returns ``(line, start)``.
    """
    ax = _axes(ax)
    path = np.asarray(path, dtype=np.float64)
    if path.ndim != 2 or path.shape[1] != 2:
        raise ValueError(f"path must have shape (steps + 1, 2), got {np.shape(path)}")
    (line,) = ax.plot(path[:, 0], path[:, 1], color=color, marker=marker, markersize=2.5,
                      linewidth=1.2, label=label)
    start = ax.scatter(path[:1, 0], path[:1, 1], s=40, facecolors="none", edgecolors=color,
                       linewidths=1.2, zorder=3)
    return line, start


def describe_path(surface, path) -> str:
    """One line on how a path ended: where and how high, or where it left the window or overflowed."""
    finite = np.isfinite(path).all(axis=1)
    lo, hi = np.array([surface.xlim[0], surface.ylim[0]]), np.array([surface.xlim[1], surface.ylim[1]])
    outside = finite & ~np.all((path >= lo) & (path <= hi), axis=1)
    steps = len(path) - 1
    if not finite.all():
        return f"diverged: |w| overflowed to infinity at step {int(np.argmin(finite))}"
    if outside.any():
        size = np.abs(path[-1]).max()
        return (f"diverged: left the plot at step {int(np.argmax(outside))}, "
                f"max |w_i| = {size:.2g} after {steps} steps")
    w = path[-1]
    return f"after {steps} steps: w = ({w[0]:.2f}, {w[1]:.2f}), f(w) = {float(surface.f(w)):.3g}"


class PathFigure:
    """The live figure of chapter 5: a path on a surface (left) and f(w_t) - f* per step (right).

    Each surface's contours and axes are drawn once into a background that is
    kept (one per surface and number of steps); :meth:`update` only changes
    the path, the curve and a note, and :meth:`to_png` blits them over the
    background (as :class:`BoundaryFigure` does).
    """

    def __init__(self, *, figsize=(7.6, 3.3), dpi: int = 80):
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.86, wspace=0.28)
        self.ax_path, self.ax_loss = self.figure.subplots(1, 2)
        (self.line,) = self.ax_path.plot([], [], color=CLASS_COLORS[1], marker="o", markersize=2.5,
                                         linewidth=1.2)
        (self.curve,) = self.ax_loss.plot([], [], color=CLASS_COLORS[0])
        self.note = self.figure.text(0.5, 0.93, "", ha="center", fontsize=9)
        self.ax_loss.set(yscale="log", ylim=(1e-12, 1e6), xlabel="step t",
                         ylabel="$f(w_t) - f^*$ (log scale)")
        self.dynamic = [self.line, self.curve, self.note]
        for artist in self.dynamic:
            artist.set_animated(True)
        self._contours, self._backgrounds, self._key = {}, {}, None

    def update(self, surface, path) -> None:
        """Show ``path`` ((steps + 1, 2), NaN rows allowed) on ``surface``."""
        path = np.asarray(path, dtype=np.float64)
        if path.ndim != 2 or path.shape[1] != 2:
            raise ValueError(f"path must have shape (steps + 1, 2), got {path.shape}")
        key = (surface.name, len(path) - 1)
        if key != self._key:
            if surface.name not in self._contours:
                before = set(self.ax_path.get_children())
                surface_contour(self.ax_path, surface, resolution=100)
                self._contours[surface.name] = set(self.ax_path.get_children()) - before
            for name, artists in self._contours.items():
                for artist in artists:
                    artist.set_visible(name == surface.name)
            self.ax_path.set(xlim=surface.xlim, ylim=surface.ylim)
            self.ax_loss.set_xlim(0, max(len(path) - 1, 1))
            self._key = key
        with np.errstate(over="ignore", invalid="ignore"):
            gap = surface.f(path) - surface.f(np.array(surface.minimum))
        self.line.set_data(path[:, 0], path[:, 1])
        self.curve.set_data(np.arange(len(path)), np.maximum(gap, 1e-16))
        self.note.set_text(f"{surface.name}: {describe_path(surface, path)}")

    def to_png(self) -> bytes:
        """Render with Agg, blitting the path over the cached background, and return PNG bytes."""
        if self._key not in self._backgrounds:
            self.canvas.draw()
            self._backgrounds[self._key] = self.canvas.copy_from_bbox(self.figure.bbox)
        self.canvas.restore_region(self._backgrounds[self._key])
        for artist in self.dynamic:
            (artist.axes or self.figure).draw_artist(artist)
        return _png(np.asarray(self.canvas.buffer_rgba()))


def loss_landscape(ax, w_grid_1, w_grid_2, J, *, levels: int = 12, marks: dict | None = None):
    """Contour map of a loss surface ``J[i, j] = J(w_grid_1[j], w_grid_2[i])``.

    Filled contours (darker is lower, as in :func:`surface_contour`) with levels spaced
    geometrically between the lowest and highest value when all are positive,
    so the valley floor keeps its detail; ``marks`` maps a label to a point
    ``(w1, w2)`` drawn as a marker (star, cross, ...) with a legend entry.
    ``J`` is what :func:`lecture_code.landscape.loss_surface` returns.
    See chapters 4 and 5.

    Returns
    -------
    The filled ``QuadContourSet`` (pass it to ``colorbar``).
    """
    ax = _axes(ax)
    w1 = _checks.as_array(w_grid_1, "w_grid_1", ndim=1)
    w2 = _checks.as_array(w_grid_2, "w_grid_2", ndim=1)
    J = _checks.as_array(J, "J", ndim=2)
    if J.shape != (w2.size, w1.size):
        raise ValueError(f"J must have shape (len(w_grid_2), len(w_grid_1)) = ({w2.size}, {w1.size}), "
                         f"got {J.shape}")
    levels = _checks.count(levels, "levels", minimum=2)
    lo, hi = J.min(), J.max()
    if hi <= lo:
        raise ValueError("J is constant; a contour map needs at least two different values")
    spaced = np.geomspace(lo, hi, levels) if lo > 0 else np.linspace(lo, hi, levels)
    filled = ax.contourf(w1, w2, J, levels=spaced, cmap="Blues_r")
    ax.contour(w1, w2, J, levels=spaced, colors="white", linewidths=0.5, alpha=0.6)
    for k, (label, point) in enumerate((marks or {}).items()):
        point = _checks.as_array(point, f"marks[{label!r}]", ndim=1)
        if point.size != 2:
            raise ValueError(f"marks[{label!r}] must be a point (w1, w2), got {point.size} values")
        ax.plot(point[0], point[1], linestyle="none", marker=("*", "X", "P", "D")[k % 4],
                markersize=12, color=CLASS_COLORS[(1, 3, 4, 7)[k % 4]], markeredgecolor="black",
                label=label)
    if marks:
        ax.legend(loc="upper right", fontsize=8)
    return filled


class FitFigure:
    """Points and one fitted curve per model, redrawn in place (a live widget's figure).

    All artists are created once; :meth:`update` changes their data and
    returns PNG bytes, drawing only the points and curves over a cached
    background (the axis limits are fixed), so a
    :class:`lecture_code.widgets.Panel` can redraw it many times quickly.
    One point can be circled (say, an outlier).
    See chapter 4 (how an outlier pulls the MSE and MAE fits).

    Parameters
    ----------
    names : the models' labels, in legend order (at most 7).
    xlim, ylim : fixed axis limits ``(low, high)``; the curves are drawn over xlim.
    """

    def __init__(self, names, *, xlim, ylim, figsize=(5.0, 3.2), dpi: int = 80,
                 resolution: int = 50):
        self.names = [str(n) for n in names]
        if not 1 <= len(self.names) <= 7 or len(set(self.names)) != len(self.names):
            raise ValueError(f"names must hold 1 to 7 distinct labels, got {names!r}")
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        ax = self.ax = self.figure.subplots()
        self.figure.subplots_adjust(left=0.11, right=0.97, bottom=0.15, top=0.95)
        self.grid = np.linspace(*xlim, _checks.count(resolution, "resolution", minimum=2))
        self.points = ax.scatter(np.empty(0), np.empty(0), color=PALETTE[0], s=18, label="data")
        self.marked = ax.scatter(np.empty(0), np.empty(0), facecolors="none", s=150,
                                 edgecolors=PALETTE[7], linewidths=1.5, label="moved point")
        self.lines = {name: ax.plot([], [], ("-", "--", ":", "-.")[k % 4], linewidth=2,
                                    color=CLASS_COLORS[k], label=name)[0]
                      for k, name in enumerate(self.names)}
        ax.set(xlim=xlim, ylim=ylim, xlabel="x", ylabel="y")
        ax.legend(loc="upper left", fontsize=8, frameon=False)
        self.dynamic = [self.points, self.marked, *self.lines.values()]
        for artist in self.dynamic:
            artist.set_animated(True)           # left out of the cached background
        self._background = None

    def update(self, x, y, predictions: dict, highlight: int | None = None) -> bytes:
        """Show points ``(x, y)`` and ``predictions[name](grid (m, 1)) -> (m,) or (m, 1)``.

        Every name must be given; ``highlight`` is the index of the point to circle.
        Returns the figure as PNG bytes.
        """
        X = _checks.as_matrix(x, "x", columns=1)
        y = _checks.as_array(y, "y", ndim=1)
        _checks.same_rows(X, y, "x", "y")
        if set(predictions) != set(self.names):
            raise ValueError(f"predictions must have the keys {self.names}, got {list(predictions)}")
        if highlight is not None and not (isinstance(highlight, (int, np.integer))
                                          and 0 <= highlight < len(y)):
            raise ValueError(f"highlight must be a point index in 0..{len(y) - 1}, got {highlight!r}")
        self.points.set_offsets(np.column_stack([X[:, 0], y]))
        self.marked.set_offsets(np.empty((0, 2)) if highlight is None
                                else [[X[highlight, 0], y[highlight]]])
        for name, line in self.lines.items():
            fit = np.asarray(predictions[name](self.grid[:, None]), dtype=np.float64).reshape(-1)
            if fit.shape != self.grid.shape:
                raise ValueError(f"predictions[{name!r}] must return one value per grid row, "
                                 f"got shape {fit.shape}")
            line.set_data(self.grid, fit)
        if self._background is None:
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.canvas.restore_region(self._background)
        for artist in self.dynamic:
            self.ax.draw_artist(artist)
        return _png(np.asarray(self.canvas.buffer_rgba()))


def network_graph(ax, layers, *, forward=None, backward=None, edge_labels=None,
                  dx: float = 2.6, dy: float = 1.7):
    """Draw a small network as a computational graph: one column of nodes per layer.

    Consecutive columns are fully connected (a dense layer), with arrows in the
    direction of the forward pass. Forward-pass values are written above a node
    in black, backward-pass gradients below it in vermillion (chapter 6).

    Parameters
    ----------
    layers : list of lists of str
        Node names per column, input column first; names are drawn in the nodes
        and must be unique.
    forward, backward : dict, optional
        ``{name: text}`` written above / below the node.
    edge_labels : dict, optional
        ``{(from_name, to_name): text}`` written on the edge, a third of the way
        from its start (so crossing edges keep their labels apart).
    dx, dy : float
        Spacing of the columns and of the nodes in a column.

    Returns
    -------
    dict
        ``{name: (x, y)}``, the centre of every node.
    """
    from matplotlib.patches import Circle
    ax = _axes(ax)
    if not layers or any(not column for column in layers):
        raise ValueError("layers must be a non-empty list of non-empty lists of node names")
    names = [str(name) for column in layers for name in column]
    if len(set(names)) != len(names):
        raise ValueError(f"layers must name every node once, got {names}")
    forward, backward, edge_labels = forward or {}, backward or {}, edge_labels or {}
    pos = {str(name): (c * dx, ((len(column) - 1) / 2 - i) * dy)
           for c, column in enumerate(layers) for i, name in enumerate(column)}
    unknown = [key for key in (*forward, *backward, *(n for e in edge_labels for n in e))
               if str(key) not in pos]
    if unknown:
        raise ValueError(f"forward, backward and edge_labels name unknown nodes: {unknown}")
    radius = 0.3
    for left, right in zip(layers[:-1], layers[1:]):
        for a in map(str, left):
            for b in map(str, right):
                (x0, y0), (x1, y1) = pos[a], pos[b]
                u = np.array([x1 - x0, y1 - y0]) / np.hypot(x1 - x0, y1 - y0)
                ax.annotate("", xy=(x1 - radius * u[0], y1 - radius * u[1]),
                            xytext=(x0 + radius * u[0], y0 + radius * u[1]),
                            arrowprops=dict(arrowstyle="-|>", color="0.45", lw=1))
                if (a, b) in edge_labels:
                    ax.text(x0 + (x1 - x0) / 3, y0 + (y1 - y0) / 3, edge_labels[(a, b)],
                            ha="center", va="center", fontsize=8,
                            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))
    for name, (x, y) in pos.items():
        ax.add_patch(Circle((x, y), radius, fc="white", ec=PALETTE[0], lw=1.2, zorder=3))
        ax.text(x, y, name, ha="center", va="center", fontsize=9, zorder=4)
        if name in forward:
            ax.text(x, y + radius + 0.08, forward[name], ha="center", va="bottom", fontsize=7.5,
                    color=PALETTE[0])
        if name in backward:
            ax.text(x, y - radius - 0.08, backward[name], ha="center", va="top", fontsize=7.5,
                    color=CLASS_COLORS[1])
    xs, ys = np.array(list(pos.values())).T
    ax.set(xlim=(xs.min() - 1.0, xs.max() + 1.0), ylim=(ys.min() - 1.3, ys.max() + 1.3))
    ax.set_aspect("equal")
    ax.axis("off")
    return pos


def gradient_norm_bars(ax, norms, *, ylim=(1e-14, 1e2), label: str = ""):
    """Bar chart (log scale) of one gradient norm per layer, layer 1 (next to the input) on the left.

    ``norms`` is 1-D with positive entries, as returned by
    :func:`lecture_code.backprop.layer_gradient_norms`; the last bar (the output
    layer) is drawn in black. Returns the bar container.
    """
    from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator
    ax = _axes(ax)
    norms = _checks.as_array(norms, "norms", ndim=1)
    if np.any(norms <= 0):
        raise ValueError("norms must be positive to be drawn on a log scale")
    layers = np.arange(1, len(norms) + 1)
    colors = [CLASS_COLORS[0]] * (len(norms) - 1) + [PALETTE[0]]
    bars = ax.bar(layers, norms, color=colors, label=label or None)
    ax.set_yscale("log")
    # Plain-text tick labels (1e-12, ...) with no minor ticks: no mathtext to typeset per frame.
    ax.yaxis.set_major_locator(LogLocator(base=100.0))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0e}".replace("e+0", "e").replace("e-0", "e-")))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set(ylim=ylim, xlim=(0.3, max(len(norms), 2) + 0.7), xlabel="layer (last bar: output layer)",
           ylabel="‖∂L/∂W‖ of the layer")
    if label:
        ax.legend(frameon=False, loc="upper left")
    return bars


class WeightsFigure:
    """A classifier drawn many times: decision boundary (left), histogram of its weights (right).

    The data are fixed when the figure is made (train points filled, test points
    hollow), so the grid, the axis limits and the histogram's bins never change:
    :meth:`update` only swaps the surface, the bar heights and a note line, and
    blits them over a background drawn once (as :class:`BoundaryFigure` does).
    Counts are on a log scale, so a spike of weights at zero and a thin tail show
    together; weights beyond ``±weight_range`` land in the outermost bins.
    See chapter 7 (the L1 / L2 and dropout panels).
    """

    def __init__(self, X_train, y_train, X_test=None, y_test=None, *, weight_range: float = 3.0,
                 bins: int = 61, figsize=(7.4, 3.2), dpi: int = 80, resolution: int = 50):
        self.X_train = _checks.as_matrix(X_train, "X_train", columns=2)
        self.y_train = _labels(y_train, "y_train", len(self.X_train), 2)
        if (X_test is None) != (y_test is None):
            raise ValueError("X_test and y_test must be given together (or both left out)")
        self.X_test = np.empty((0, 2)) if X_test is None else _checks.as_matrix(X_test, "X_test", columns=2)
        self.y_test = np.empty(0, int) if y_test is None else _labels(y_test, "y_test", len(self.X_test), 2)
        self.resolution = _checks.count(resolution, "resolution", minimum=2)
        limit = _checks.positive(weight_range, "weight_range")
        self.edges = np.linspace(-limit, limit, _checks.count(bins, "bins", minimum=2) + 1)
        self.grid, limits, extent = _grid(np.vstack([self.X_train, self.X_test]), self.resolution, 0.1)
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.84, wspace=0.22)
        self.ax_boundary, self.ax_weights = self.figure.subplots(1, 2)
        self.image = self.ax_boundary.imshow(np.full((self.resolution,) * 2, 0.5), origin="lower",
                                             extent=extent, aspect="auto", interpolation="nearest")
        _style_image(self.image, True)
        points = []
        for k in range(2):
            style = dict(marker=MARKERS[k], s=22, linewidths=0.8)
            points.append(self.ax_boundary.scatter(*self.X_test[self.y_test == k].T,
                                                   facecolors="none", edgecolors=CLASS_COLORS[k],
                                                   alpha=0.35, **style))
            points.append(self.ax_boundary.scatter(*self.X_train[self.y_train == k].T,
                                                   color=CLASS_COLORS[k], edgecolors="white", **style))
        self.ax_boundary.set(xlim=limits[:2], ylim=limits[2:])
        self.bars = self.ax_weights.stairs(np.full(len(self.edges) - 1, 0.5), self.edges,
                                           baseline=0.5, fill=True, color=CLASS_COLORS[0])
        self.ax_weights.set(yscale="log", xlim=(-limit, limit), ylim=(0.5, 5e3))
        self.ax_weights.set_xlabel("weight value w", fontsize=8)
        self.ax_weights.xaxis.set_label_coords(0.5, -0.1)
        for ax, title in ((self.ax_boundary, "decision boundary (test points hollow)"),
                          (self.ax_weights, "all weights (count, log scale)")):
            ax.set_title(title, fontsize=9, y=1.0)
            ax.tick_params(labelsize=7)
        self.note = self.figure.text(0.5, 0.95, "", ha="center", fontsize=9)
        self.dynamic = [self.image, *points, self.bars, self.note]   # drawn in this order
        for artist in self.dynamic:
            artist.set_animated(True)
        self._background = None

    def counts(self, weights) -> np.ndarray:
        """Weights per bin, the values beyond the range clipped into the outermost bins."""
        w = _checks.as_array(weights, "weights", ndim=1)
        return np.histogram(np.clip(w, self.edges[0], self.edges[-1]), self.edges)[0]

    def update(self, predict: Callable, weights, note: str = "") -> bytes:
        """Show ``predict`` (as in :func:`decision_boundary`) and the 1-D array ``weights``;
        return PNG bytes."""
        surface, probability = _surface(predict, self.grid, self.resolution)
        self.image.set_data(surface)
        _style_image(self.image, probability)
        self.bars.set_data(np.maximum(self.counts(weights), 0.5))   # empty bins sit on the baseline
        self.note.set_text(str(note))
        if self._background is None:
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.canvas.restore_region(self._background)
        for artist in self.dynamic:
            (artist.axes or self.figure).draw_artist(artist)
        for spine in self.ax_boundary.spines.values():
            self.ax_boundary.draw_artist(spine)
        return _png(np.asarray(self.canvas.buffer_rgba()))


def double_descent_curve(ax, result, *, n_train: int | None = None, label: str = "test error",
                         train: bool = True, color: str = CLASS_COLORS[0]):
    """Test error (and, if ``train``, training error) of
    :func:`lecture_code.generalization.double_descent` against the number of features p,
    both axes logarithmic; ``n_train`` marks the interpolation threshold p = n with a
    dotted line. Training errors of exactly 0 are drawn at 1e-12. Returns the lines drawn.
    See chapter 7.
    """
    ax = _axes(ax)
    p = _checks.as_array(result.n_features, "result.n_features", ndim=1)
    lines = ax.plot(p, _checks.as_array(result.test_mse, "result.test_mse", ndim=1), "-o",
                    markersize=3, color=color, label=label)
    if train:
        lines += ax.plot(p, np.maximum(result.train_mse, 1e-12), "--", color=PALETTE[0],
                         linewidth=1, label="training error")
    if n_train is not None:
        n_train = _checks.count(n_train, "n_train")
        lines.append(ax.axvline(n_train, color=PALETTE[0], linestyle=":", linewidth=1,
                                label=f"p = n = {n_train}"))
    ax.set(xscale="log", yscale="log", xlabel="number of random features p",
           ylabel="mean squared error (median over draws)")
    ax.legend(frameon=False, fontsize=8)
    return lines


def _step_125(value: float, down: bool) -> float:
    """The nearest of 1, 2, 5 times 10^k below (``down``) or above ``value`` > 0."""
    k = 10.0 ** np.floor(np.log10(value))
    steps = [m * k for m in (1, 2, 5, 10)]
    return max(v for v in steps if v <= value) if down else min(v for v in steps if v >= value)


class LossComparisonFigure:
    """Two loss curves that should coincide (left) and their gap per epoch (right, log scale).

    Chapter 9 trains one network in numpy and its copy in torch: the first
    curve is drawn thick and solid, the second thin and dashed on top of it,
    so where they agree one sees a single line with a dashed core. The loss
    axis snaps to 1, 2, 5 times 10^k, and each set of axes is drawn once into a cached
    background; :meth:`update` only redraws the curves and the title.
    """

    def __init__(self, labels=("numpy (lecture_code)", "torch"), *, figsize=(7.2, 3.0),
                 dpi: int = 80):
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self.figure.subplots_adjust(left=0.09, right=0.98, bottom=0.16, top=0.86, wspace=0.32)
        self.ax, self.ax_gap = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": (3, 2)})
        (self.ours,) = self.ax.plot([], [], color=CLASS_COLORS[0], linewidth=4, label=labels[0])
        (self.theirs,) = self.ax.plot([], [], "--", color=CLASS_COLORS[1], linewidth=1.5,
                                      label=labels[1])
        (self.gap,) = self.ax_gap.plot([], [], color=PALETTE[0], linewidth=1)
        from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
        self.ax.set(xlabel="epoch", ylabel="training loss", yscale="log")
        self.ax_gap.set(xlabel="epoch", ylabel="|numpy − torch|", yscale="log")
        # plain-text ticks at 1, 2, 5 x 10^k (no mathtext to typeset), no minor labels
        self.ax.yaxis.set_major_locator(LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
        self.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        self.ax.yaxis.set_minor_formatter(NullFormatter())
        self.ax_gap.yaxis.set_major_locator(LogLocator(base=100.0))
        self.ax_gap.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0e}"))
        self.ax.legend(frameon=False, fontsize=8, loc="upper right")
        self.title = self.figure.text(0.5, 0.93, "", ha="center", fontsize=10)
        self.dynamic = [self.ours, self.theirs, self.gap, self.title]
        for artist in self.dynamic:
            artist.set_animated(True)
        self._backgrounds, self._key = {}, None

    def update(self, ours, theirs, title: str | None = None) -> bytes:
        """Draw the per-epoch losses ``ours`` and ``theirs`` (1-D, equal length, >= 0).

        The title defaults to the largest absolute difference. On the log axes a
        loss of 0 is drawn at 1e-16 and a gap of 0 at 1e-18. Returns PNG bytes.
        """
        ours = _checks.as_array(ours, "ours", ndim=1)
        theirs = _checks.as_array(theirs, "theirs", ndim=1)
        _checks.same_shape(ours, theirs, "ours", "theirs")
        if np.any(ours < 0) or np.any(theirs < 0):
            raise ValueError("losses must be >= 0 to be drawn on a log scale")
        epochs = np.arange(1, len(ours) + 1)
        gap = np.abs(ours - theirs)
        shown = np.maximum(ours, 1e-16), np.maximum(theirs, 1e-16)
        self.ours.set_data(epochs, shown[0])
        self.theirs.set_data(epochs, shown[1])
        self.gap.set_data(epochs, np.maximum(gap, 1e-18))
        low = _step_125(min(shown[0].min(), shown[1].min()) / 1.05, down=True)
        high = _step_125(max(shown[0].max(), shown[1].max()) * 1.05, down=False)
        gap_top = max(1e-8, 10.0 ** np.ceil(np.log10(max(gap.max(), 1e-300))))
        key = (len(ours), low, high, gap_top)
        self.title.set_text(title if title is not None
                            else f"max |numpy − torch| over {len(ours)} epochs = {gap.max():.1e}")
        if key != self._key:                  # the data transforms follow the limits
            for ax in (self.ax, self.ax_gap):
                ax.set_xlim(1, max(len(ours), 2))
            self.ax.set_ylim(low, high)
            self.ax_gap.set_ylim(1e-18, gap_top)
            self._key = key
        if key not in self._backgrounds:
            self.canvas.draw()
            self._backgrounds[key] = self.canvas.copy_from_bbox(self.figure.bbox)
        self.canvas.restore_region(self._backgrounds[key])
        for artist in self.dynamic:
            (artist.axes or self.figure).draw_artist(artist)
        return _png(np.asarray(self.canvas.buffer_rgba()))


# -- chapter 8: the playground -------------------------------------------------------------
class PlaygroundFigure:
    """The playground's figure (chapter 8), redrawn for each
    :class:`lecture_code.playground.Result`: the data and the model's output
    (left), the network with one link per weight (middle), train and test loss
    per epoch on a log scale (right).

    Every artist is made once; :meth:`update` only changes data and
    :meth:`to_png` blits them over a cached background (axes, ticks, labels;
    see :class:`BoundaryFigure`), which is drawn once per combination of the
    data's box, the epoch axis and the loss. Links are vermillion for positive
    weights and blue for negative ones, thicker and darker for larger ``|w|``
    (four widths); train points are filled, test points hollow. The regression
    set shows the output surface, and points coloured by their targets.
    """

    WIDTHS = (0.5, 1.0, 2.0)        # |w| thresholds of the four link widths

    def __init__(self, *, resolution: int = 60, dpi: int = 80):
        from matplotlib.ticker import FixedLocator, NullLocator
        colors = CLASS_COLORS
        self.resolution = _checks.count(resolution, "resolution", minimum=2)
        self.figure = Figure(figsize=(9.6, 3.3), dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)                # Agg directly: no pyplot
        self.ax_data = self.figure.add_axes((0.045, 0.1, 0.27, 0.78))
        self.ax_net = self.figure.add_axes((0.335, 0.06, 0.36, 0.82))
        self.ax_loss = self.figure.add_axes((0.76, 0.14, 0.225, 0.74))
        self.values = LinearSegmentedColormap.from_list("values", [colors[0], "w", colors[1]])
        self.image = self.ax_data.imshow(np.zeros((2, 2)), origin="lower", aspect="auto",
                                         interpolation="nearest", cmap=BOUNDARY_CMAP)
        self.classes = {(part, k): self.ax_data.plot(        # line markers: faster than scatter
            [], [], MARKERS[k], markersize=4.5, markeredgewidth=0.8,
            markerfacecolor=colors[k] if part == "train" else "none",
            markeredgecolor="white" if part == "train" else colors[k])[0]
            for part in ("train", "test") for k in (0, 1)}
        self.targets = {part: self.ax_data.scatter(np.empty(0), np.empty(0), s=18, linewidths=0.8)
                        for part in ("train", "test")}   # regression: one colour per value
        self.links = [self.ax_net.plot([], [], color=colors[sign], solid_capstyle="butt",
                                       linewidth=(0.3, 0.8, 1.6, 2.8)[i], alpha=0.3 + 0.23 * i)[0]
                      for sign in (0, 1) for i in range(4)]
        (self.nodes,) = self.ax_net.plot([], [], "o", markersize=5, markerfacecolor="white",
                                         markeredgecolor="0.2", markeredgewidth=0.8)
        self.ax_net.set(xlim=(0, 1), ylim=(0, 1))
        self.ax_net.axis("off")
        for text, y in (("x₁", 0.61), ("x₂", 0.39)):
            self.ax_net.text(0.03, y, text, ha="right", va="center", fontsize=8)
        self.ax_net.text(0.5, -0.06, "one link per weight: vermillion w > 0, blue w < 0, "
                         "thicker for larger |w|", ha="center", fontsize=7, color="0.3")
        (self.train_line,) = self.ax_loss.plot([], [], color=colors[0], label="train")
        (self.test_line,) = self.ax_loss.plot([], [], "--", color=colors[1], label="test")
        self.ax_loss.set(yscale="log", ylim=(1e-4, 10))
        self.ax_loss.yaxis.set_major_locator(FixedLocator([1e-4, 1e-3, 1e-2, 1e-1, 1, 10]))
        self.ax_loss.yaxis.set_major_formatter(lambda v, _: f"{v:g}")    # plain text, no TeX
        self.ax_loss.yaxis.set_minor_locator(NullLocator())
        self.ax_loss.set_xlabel("epoch", fontsize=8)
        self.ax_loss.xaxis.set_label_coords(0.5, -0.1)
        self.ax_loss.legend(frameon=False, fontsize=7, loc="lower left")
        for ax in (self.ax_data, self.ax_loss):
            ax.tick_params(labelsize=7)
        self.score = self.ax_data.text(0.5, 1.03, "", transform=self.ax_data.transAxes,
                                       ha="center", fontsize=8.5)
        self.dynamic = [self.image, *self.classes.values(), *self.targets.values(), *self.links,
                        self.nodes,
                        self.train_line, self.test_line, self.score]
        for artist in self.dynamic:
            artist.set_animated(True)               # left out of the cached background
        self._backgrounds, self._key, self._grid = {}, None, None

    def _layout(self, half: float, epochs: int, loss: str, regression: bool) -> None:
        """Axis limits, title and colour scale: they change rarely, and each combination's
        background is drawn once and kept (up to 32 of them)."""
        key = (half, _nice_ceil(max(epochs - 1, 1)), loss, regression)
        if key == self._key:
            return
        self.ax_data.set(xlim=(-half, half), ylim=(-half, half))
        self.ax_loss.set_xlim(0, key[1])
        self.ax_loss.set_title(f"loss ({'squared error' if loss == 'mse' else 'cross-entropy'})",
                               fontsize=8.5)
        g = np.linspace(-half, half, self.resolution)
        self._grid = np.column_stack([np.tile(g, len(g)), np.repeat(g, len(g))])
        self.image.set_extent((-half, half, -half, half))
        self.image.set_clim((-1, 1) if regression else (0, 1))
        self._key = key
        if len(self._backgrounds) >= 32:
            self._backgrounds.clear()

    def _network(self, model) -> None:
        """Nodes in one column per layer; one link per weight, binned by sign and size."""
        sizes = model.sizes
        columns = [np.column_stack([np.full(k, x), 0.5 + ((k - 1) / 2 - np.arange(k))
                                    * (min(0.9 / (k - 1), 0.22) if k > 1 else 0)])
                   for k, x in zip(sizes, np.linspace(0.06, 0.94, len(sizes)))]
        starts = np.concatenate([np.repeat(a, len(b), axis=0) for a, b in zip(columns, columns[1:])])
        ends = np.concatenate([np.tile(b, (len(a), 1)) for a, b in zip(columns, columns[1:])])
        w = np.concatenate([W.ravel() for W in model.weights])    # row i*d_out + j is W[i, j]
        size = np.searchsorted(self.WIDTHS, np.abs(w))
        for line, (sign, i) in zip(self.links, ((s, i) for s in (0, 1) for i in range(4))):
            pick = ((w > 0) == sign) & (size == i)
            path = np.full((3 * pick.sum(), 2), np.nan)           # start, end, gap (NaN)
            path[0::3], path[1::3] = starts[pick], ends[pick]
            line.set_data(path[:, 0], path[:, 1])
        nodes = np.concatenate(columns)
        self.nodes.set_data(nodes[:, 0], nodes[:, 1])

    def update(self, result) -> "PlaygroundFigure":
        """Show a :class:`lecture_code.playground.Result`: surface, points, network and
        loss curves; no artist is created."""
        if not all(hasattr(result, key) for key in ("config", "model", "history", "X_test")):
            raise ValueError(f"result must be a playground.Result, got {type(result).__name__}")
        cfg, hist = result.config, result.history
        X = np.vstack([result.X_train, result.X_test])
        half = float(np.ceil(2.2 * np.abs(X).max()) / 2)     # box in steps of 0.5: rarely moves
        self._layout(half, cfg.epochs, result.loss, cfg.regression)
        self.image.set_data(result.predict(self._grid).reshape(self.resolution, -1))
        for part, Xp, yp in (("train", result.X_train, result.y_train),
                             ("test", result.X_test, result.y_test)):
            for k in (0, 1):
                shown = np.empty((0, 2)) if cfg.regression else Xp[yp == k]
                self.classes[part, k].set_data(shown[:, 0], shown[:, 1])
            self.targets[part].set_offsets(Xp if cfg.regression else np.empty((0, 2)))
            if cfg.regression:
                shade = self.values((np.clip(yp, -1, 1) + 1) / 2)
                self.targets[part].set_facecolors(shade if part == "train" else "none")
                self.targets[part].set_edgecolors("0.2" if part == "train" else shade)
        self._network(result.model)
        epochs = np.arange(hist.epochs)
        self.train_line.set_data(epochs, hist.train_loss)
        self.test_line.set_data(epochs, hist.val_loss)
        self.score.set_text(f"test loss {hist.val_loss[-1]:.3f}" if cfg.regression else
                            f"test accuracy {hist.val_acc[-1]:.2f}, "
                            f"train {result.accuracy(test=False):.2f}")
        return self

    def to_png(self) -> bytes:
        """Render with Agg (blitting over the cached background) and return PNG bytes."""
        if self._key not in self._backgrounds:
            self.canvas.draw()
            self._backgrounds[self._key] = self.canvas.copy_from_bbox(self.figure.bbox)
        self.canvas.restore_region(self._backgrounds[self._key])
        for artist in self.dynamic:
            artist.axes.draw_artist(artist)
        for spine in self.ax_data.spines.values():      # keep the frame above the surface
            self.ax_data.draw_artist(spine)
        return _png(np.asarray(self.canvas.buffer_rgba()))

    _repr_png_ = to_png     # a notebook shows the figure when it is a cell's value

    def __repr__(self) -> str:
        return "PlaygroundFigure()"
