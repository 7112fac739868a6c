"""Curves: loss and accuracy per epoch, activations and their derivatives, fitted functions.

Includes the re-drawable :class:`FitFigure` (points and fitted lines) and
:class:`LossComparisonFigure` (two loss curves that should coincide).

See chapters 2, 4, 7 and 9.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .. import _checks
from .style import (Blitter, CLASS_COLORS, PALETTE, _axes, _step_125)

__all__ = ['loss_curves', 'accuracy_curves', 'activation_plot', 'regression_fit', 'FitFigure',
           'double_descent_curve', 'LossComparisonFigure', 'BatchSizeFigure']


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


class FitFigure(Blitter):
    """Points and one fitted curve per model, redrawn in place (a live widget's figure).

    All artists are created once; :meth:`update` changes their data and
    returns PNG bytes, drawing only the points and curves over a cached
    background (the axis limits are fixed), so a
    :class:`lecture_code.panels.widgets.Panel` can redraw it many times quickly.
    One point can be circled (say, an outlier).
    See chapter 4 (how an outlier pulls the MSE and MAE fits).

    Parameters
    ----------
    names : the models' labels, in legend order (at most 7).
    xlim, ylim : fixed axis limits ``(low, high)``; the curves are drawn over xlim.
    """

    def __init__(self, names, *, xlim, ylim, figsize=(5.0, 3.2), dpi: int = 160,
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
        ax.legend(loc="upper left", fontsize=9.5, frameon=False)
        self.dynamic = [self.points, self.marked, *self.lines.values()]
        for artist in self.dynamic:
            artist.set_animated(True)           # left out of the cached background

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
        return self._blit()


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
    ax.legend(frameon=False, fontsize=9.5)
    return lines


class LossComparisonFigure(Blitter):
    """Two loss curves that should coincide (left) and their gap per epoch (right, log scale).

    Chapter 9 trains one network in numpy and its copy in torch: the first
    curve is drawn thick and solid, the second thin and dashed on top of it,
    so where they agree one sees a single line with a dashed core. The loss
    axis snaps to 1, 2, 5 times 10^k, and each set of axes is drawn once into a cached
    background; :meth:`update` only redraws the curves and the title.
    """

    def __init__(self, labels=("numpy (lecture_code)", "torch"), *, figsize=(7.2, 3.0),
                 dpi: int = 160):
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
        self.ax.legend(frameon=False, fontsize=9.5, loc="upper right")
        self.title = self.figure.text(0.5, 0.93, "", ha="center", fontsize=10)
        self.dynamic = [self.ours, self.theirs, self.gap, self.title]
        for artist in self.dynamic:
            artist.set_animated(True)
        self._key = None

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
        low, high = self._widen("loss", low, high)
        gap_top = self._widen("gap", 1e-18, gap_top)[1]
        key = (self._widen("epochs", 1, len(ours))[1], low, high, gap_top)
        self.title.set_text(title if title is not None
                            else f"max |numpy − torch| over {len(ours)} epochs = {gap.max():.1e}")
        if key != self._key:                  # the data transforms follow the limits
            for ax in (self.ax, self.ax_gap):
                ax.set_xlim(1, max(key[0], 2))
            self.ax.set_ylim(low, high)
            self.ax_gap.set_ylim(1e-18, gap_top)
            self._key = key
        return self._blit(key)


class BatchSizeFigure(Blitter):
    """Training loss per epoch (left) and per update (right, log scale) for one batch size,
    against full-batch descent in grey on both (chapter 5's batch-size panel).

    Made once with the full-batch curve ``full`` (one loss per epoch) and the
    number of points ``n``; the axes, the grey curves and the legend are a
    cached background, and :meth:`update` draws only the batch size's two
    curves and the title.
    """

    def __init__(self, full, n: int, *, figsize=(7.0, 3.0), dpi: int = 160):
        full = _checks.as_array(full, "full", ndim=1)
        self.n, epochs = _checks.count(n, "n"), len(full)
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        by_epoch, by_update = self.figure.subplots(1, 2)
        self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.16, top=0.86, wspace=0.25)
        self.epochs, self.full = np.arange(1, epochs + 1), full
        self.lines = []
        for ax, xlabel in ((by_epoch, "epoch"), (by_update, "updates (log scale)")):
            ax.plot(self.epochs, full, color="0.7", label=f"full batch (B = {n})")
            self.lines.append(ax.plot([], [], color=CLASS_COLORS[1], label="batch size B")[0])
            ax.set(xlabel=xlabel, ylim=(0, 1.05 * max(full.max(), 0.8)))
        by_update.set_xscale("log")
        by_update.set_xlim(1, epochs * n)
        by_epoch.set(xlim=(1, epochs), ylabel="training loss (BCE)")
        by_epoch.legend(frameon=False, fontsize=9.5)
        self.title = self.figure.suptitle("", fontsize=10.5)
        self.dynamic = [*self.lines, self.title]
        for artist in self.dynamic:
            artist.set_animated(True)

    def update(self, losses, batch_size: int) -> bytes:
        """Draw the per-epoch ``losses`` of batch size ``batch_size``; returns PNG bytes."""
        losses = _checks.as_array(losses, "losses", ndim=1)
        _checks.same_shape(losses, self.full, "losses", "the full-batch curve")
        per_epoch = -(-self.n // _checks.count(batch_size, "batch_size"))
        self.lines[0].set_data(self.epochs, losses)
        self.lines[1].set_data(self.epochs * per_epoch, losses)
        self.title.set_text(f"B = {batch_size}: {per_epoch} updates per epoch, "
                            f"{per_epoch * len(losses)} in all; final loss {losses[-1]:.3f} "
                            f"(full batch {self.full[-1]:.3f})")
        return self._blit()
