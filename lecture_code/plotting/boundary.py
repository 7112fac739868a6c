"""Decision boundaries: a classifier's probability surface with the labelled points on top.

:func:`decision_boundary` draws once into an ``ax``; :class:`BoundaryFigure`
(boundary and loss curves) and :class:`WeightsFigure` (boundary and weight
histogram) are figures drawn many times by live widgets: they are created once
and only their artists' data change, never through pyplot.

See chapters 1, 2, 7 and 8.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend

from .. import _checks
from .style import (Blitter, BOUNDARY_CMAP, CLASS_COLORS, MARKERS, PALETTE, REGION_CMAP, _axes, _labels,
                    _nice_ceil)

__all__ = ['decision_boundary', 'BoundaryFigure', 'WeightsFigure']


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
    """Diverging colours for P(class 1) in [0, 1], pale class colours for argmax regions.

    A probability surface is interpolated (smooth at any display size); class
    regions are not, since a colour between two classes' would mean nothing.
    """
    image.set_interpolation("bilinear" if probability else "nearest")
    image.set_cmap(BOUNDARY_CMAP if probability else REGION_CMAP)
    image.set_clim((0.0, 1.0) if probability else (-0.5, len(CLASS_COLORS) - 0.5))


def decision_boundary(ax, predict: Callable, X, y, *, resolution: int = 240,
                      padding: float = 0.1):
    """Shade ``predict`` over the plane and scatter the labelled points on top.

    ``predict(grid)`` gets an ``(m, 2)`` array and returns ``(m,)`` (or
    ``(m, 1)``) probabilities of class 1, drawn blue-white-vermillion with the
    0.5 contour, or ``(m, k)`` class scores, drawn as argmax regions.

    Parameters
    ----------
    ax : Axes or None; predict : the model; X : (n, 2) points; y : (n,) labels.
    resolution : grid points per axis, >= 2 (240, so that the 0.5 contour of a hard
        0/1 prediction, which follows the grid, looks straight at figure size).
    padding : margin, a fraction of the range.

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


class BoundaryFigure(Blitter):
    """One figure, drawn many times: decision boundary (left) and loss curves (right).

    Every artist is created here; :meth:`update` only changes their data and
    the axis limits. :meth:`to_png` renders with Agg and blits: axes, ticks
    and legend are drawn once into a cached background (again only when a
    limit changes; the loss axes grow in round steps), and each frame draws
    just the surface, points and curves on top. Train points are filled,
    test points hollow.
    """

    def __init__(self, classes: int = 2, *, figsize=(7.0, 3.2), dpi: int = 160,
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
        self.ax_loss.set_xlabel("epoch", fontsize=9.5)
        self.ax_loss.xaxis.set_label_coords(0.5, -0.1)        # fixed: no bbox search per draw
        # two legends, one shown: "train" alone, or "train" and "validation"
        self.legends = [Legend(self.ax_loss, lines, [line.get_label() for line in lines],
                               frameon=False, fontsize=9.5, loc="upper right")
                        for lines in ([self.train_line], [self.train_line, self.val_line])]
        for legend in self.legends:
            self.ax_loss.add_artist(legend)
        for ax, title in ((self.ax_boundary, "decision boundary"), (self.ax_loss, "loss")):
            ax.set_title(title, fontsize=10.5, y=1.0)              # fixed y: no bbox search either
            ax.tick_params(labelsize=9)
        points = [p for pair in zip(self.train_points, self.test_points) for p in pair]
        self.dynamic = [self.image, *points, self.train_line, self.val_line, self.best_line]
        for artist in self.dynamic:
            artist.set_animated(True)                           # left out of the background
        self._limits = None

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
        x, y = self._widen("x", *limits[0:2]), self._widen("y", *limits[2:4])
        last_epoch = self._widen("epochs", 0, _nice_ceil(max(len(train), len(val), 2) - 1))[1]
        top = self._widen("loss", 0, _nice_ceil(1.05 * losses.max()) if losses.size else 1.0)[1]
        limits = (*x, *y, last_epoch, top, bool(val.size))
        if limits != self._limits:                              # redraw the background once
            self.ax_boundary.set(xlim=limits[0:2], ylim=limits[2:4])
            self.ax_loss.set(xlim=(0, limits[4]), ylim=(0, limits[5]))
            self.legends[0].set_visible(not val.size)           # no legend entry without a curve
            self.legends[1].set_visible(bool(val.size))
            self._limits = limits

    def to_png(self) -> bytes:
        """Render with Agg (blitting over the cached background) and return PNG bytes."""
        # one background per set of axis limits; the frame stays above the surface
        return self._blit(self._limits, on_top=self.ax_boundary.spines.values())


class WeightsFigure(Blitter):
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
                 bins: int = 61, figsize=(7.4, 3.2), dpi: int = 160, resolution: int = 50):
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
        self.ax_weights.set_xlabel("weight value w", fontsize=9.5)
        self.ax_weights.xaxis.set_label_coords(0.5, -0.1)
        for ax, title in ((self.ax_boundary, "decision boundary (test points hollow)"),
                          (self.ax_weights, "all weights (count, log scale)")):
            ax.set_title(title, fontsize=10.5, y=1.0)
            ax.tick_params(labelsize=9)
        self.note = self.figure.text(0.5, 0.95, "", ha="center", fontsize=10.5)
        self.dynamic = [self.image, *points, self.bars, self.note]   # drawn in this order
        for artist in self.dynamic:
            artist.set_animated(True)

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
        return self._blit(on_top=self.ax_boundary.spines.values())
