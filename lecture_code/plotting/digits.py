"""Figures of chapter 10: digit images, a confusion matrix, first-layer weights as images.

:func:`digit_images` and :func:`weight_images` draw into a grid of axes,
:func:`confusion_plot` into one ``ax``; :class:`DigitsFigure` is the live
panel's figure (learning curves beside a confusion matrix), created once and
redrawn with Agg, never through pyplot.

See chapter 10.
"""
from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from .. import _checks
from .curves import loss_curves
from .style import CLASS_COLORS, MARKERS, PALETTE, Blitter, _axes, _step_125

__all__ = ['digit_images', 'confusion_plot', 'weight_images', 'sweep_plot', 'DigitsFigure']

SIDE = 8                   # the digits are 8x8 (lecture_code.digits.SIDE)
#: Light (no ink) to dark (most ink), like pencil on paper; greyscale-safe.
INK = "gray_r"
#: Negative weights purple, positive orange, zero white (colour-blind safe).
WEIGHT_CMAP = "PuOr_r"


def _grid_axes(axes, count: int):
    axes = np.asarray(axes, dtype=object).ravel()
    if axes.size < count:
        raise ValueError(f"axes must hold at least {count} axes, got {axes.size}")
    return axes


def digit_images(axes, images, titles=None):
    """Draw each row of ``images`` (n, 64), values >= 0, as an 8x8 picture in its own axes.

    ``titles`` (optional) gives one short title per image. Axes beyond ``n``
    are switched off. Returns the ``AxesImage`` objects.
    """
    images = _checks.as_matrix(images, "images", columns=SIDE * SIDE)
    axes = _grid_axes(axes, len(images))
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"titles must hold one title per image ({len(images)}), got {len(titles)}")
    top = max(float(images.max()), 1e-12) if images.size else 1.0
    drawn = []
    for k, ax in enumerate(axes):
        ax.set_axis_off()
        if k < len(images):
            drawn.append(ax.imshow(images[k].reshape(SIDE, SIDE), cmap=INK, vmin=0, vmax=top,
                                   interpolation="nearest"))
            if titles is not None:
                ax.set_title(titles[k], fontsize=9)
    return drawn


def confusion_plot(ax, matrix, *, title: str | None = None):
    """A confusion matrix as a heat map with the count in every non-empty cell.

    Rows are the true class (down), columns the predicted class (across).
    The colour grows with the count on a square-root scale, so a few
    mistakes show beside a diagonal of hundreds. Returns the ``AxesImage``.
    """
    ax = _axes(ax)
    C = _checks.as_array(matrix, "matrix", ndim=2)
    if C.shape[0] != C.shape[1]:
        raise ValueError(f"matrix must be square, got shape {C.shape}")
    k = C.shape[0]
    top = max(float(C.max()), 1.0)
    image = ax.imshow(np.sqrt(C / top), cmap="Blues", vmin=0, vmax=1, interpolation="nearest")
    for (i, j), count in np.ndenumerate(C):
        if count:
            ax.text(j, i, f"{count:g}", ha="center", va="center", fontsize=7,
                    color="white" if count > 0.5 * top else "black")
    ax.set(xticks=range(k), yticks=range(k), xlabel="predicted", ylabel="true")
    ax.tick_params(length=0, labelsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return image


def weight_images(axes, W, *, titles=None):
    """Draw each column of the first layer's ``W`` (64, h) as an 8x8 image of its weights.

    Column ``j`` holds the weight from every pixel into hidden unit ``j``;
    one symmetric colour scale for all (orange positive, purple negative),
    so the images compare. Returns the ``AxesImage`` objects.
    """
    W = _checks.as_matrix(W, "W", columns=None)
    if W.shape[0] != SIDE * SIDE:
        raise ValueError(f"W must have {SIDE * SIDE} rows (one per pixel), got {W.shape[0]}")
    axes = _grid_axes(axes, W.shape[1])
    limit = max(float(np.abs(W).max()), 1e-12)
    drawn = []
    for j, ax in enumerate(axes):
        ax.set_axis_off()
        if j < W.shape[1]:
            drawn.append(ax.imshow(W[:, j].reshape(SIDE, SIDE), cmap=WEIGHT_CMAP, vmin=-limit,
                                   vmax=limit, interpolation="nearest"))
            if titles is not None:
                ax.set_title(titles[j], fontsize=8)
    return drawn


def sweep_plot(ax, sweep, baselines=None):
    """Every seed's validation accuracy as a dot, per hidden size (groups) and lambda (colours).

    ``sweep`` is a :class:`lecture_code.digits.Sweep`; a short bar marks each
    mean over the seeds. ``baselines`` (optional) maps a name to an accuracy
    drawn as a dashed horizontal line. Returns the scatter collections, one per lambda.
    """
    ax = _axes(ax)
    acc = np.asarray(sweep.accuracy, dtype=float)
    seeds, n_hidden, n_lams = acc.shape
    width = 0.7 / n_lams
    drawn = []
    for j, lam in enumerate(sweep.lams):
        x = np.arange(n_hidden) + (j - (n_lams - 1) / 2) * width
        drawn.append(ax.scatter(np.repeat(x, seeds), acc[:, :, j].T.ravel(), s=14,
                                color=CLASS_COLORS[j], marker=MARKERS[j], alpha=0.8,
                                label=f"λ = {lam:g}"))
        ax.hlines(acc[:, :, j].mean(axis=0), x - 0.4 * width, x + 0.4 * width,
                  color=CLASS_COLORS[j], linewidth=2)
    for k, (name, value) in enumerate((baselines or {}).items()):
        ax.axhline(value, color=PALETTE[0], linestyle=("--", ":", "-.")[k % 3], linewidth=1,
                   label=name)
    ax.set_xticks(range(n_hidden), [f"{h}" if h else "none" for h in sweep.hidden_units])
    ax.set(xlabel="hidden units", ylabel="validation accuracy")
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    return drawn


class DigitsFigure(Blitter):
    """The panel's figure: loss per epoch (left) and a confusion matrix (right).

    Made once, drawn with Agg (no pyplot figure is opened). The axes, ticks
    and labels are drawn into a cached background per set of axis limits (the
    loss axis snaps to 1, 2, 5 times 10^k); :meth:`update` draws only the
    curves, the matrix, its counts and the title on top.
    """

    def __init__(self, *, figsize=(8.4, 3.4), dpi: int = 160, classes: int = 10):
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self.figure.subplots_adjust(left=0.09, right=0.97, bottom=0.15, top=0.84, wspace=0.2)
        self.ax_loss, self.ax_matrix = self.figure.subplots(
            1, 2, gridspec_kw={"width_ratios": (3, 2)})
        ax = self.ax_loss
        self.train, self.val, self.best = loss_curves(
            ax, _Curves(train_loss=[1.0, 1.0], val_loss=[1.0, 1.0], best_epoch=0))
        self.best.set_label("best epoch")
        self.legend = ax.legend(frameon=False, loc="upper right")
        self.legend.set_animated(True)        # drawn over the curves, every frame
        ax.set(yscale="log", title="loss (categorical cross-entropy)")
        # plain ticks at 1, 2, 5 x 10^k (no mathtext), no minor labels
        ax.yaxis.set_major_locator(LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))   # whole epochs
        self.classes = _checks.count(classes, "classes")
        self.matrix = confusion_plot(self.ax_matrix, np.zeros((classes, classes)),
                                     title="validation set")
        self.counts = [[self.ax_matrix.text(j, i, "", ha="center", va="center", fontsize=7)
                        for j in range(classes)] for i in range(classes)]
        self.title = self.figure.suptitle("", fontsize=10)
        self.dynamic = [self.train, self.val, self.best, self.matrix,
                        *(t for row in self.counts for t in row), self.title]
        for artist in self.dynamic:
            artist.set_animated(True)
        self._key = None

    def update(self, history, matrix, title: str = "") -> bytes:
        """Draw ``history``'s losses and ``matrix``; ``title`` goes above both. Returns PNG bytes."""
        C = _checks.as_array(matrix, "matrix", ndim=2)
        if C.shape != (self.classes, self.classes):
            raise ValueError(f"matrix must have shape ({self.classes}, {self.classes}), got {C.shape}")
        train = np.asarray(history.train_loss, dtype=np.float64)
        val = np.asarray(history.val_loss, dtype=np.float64)
        if not train.size:
            raise ValueError("history has no epochs to draw")
        shown = np.maximum(np.concatenate([train, val]), 1e-16)   # a loss of 0 on the log axis
        self.train.set_data(np.arange(train.size), shown[:train.size])
        self.val.set_data(np.arange(val.size), shown[train.size:])
        best = history.best_epoch
        self.best.set_visible(best is not None)
        self.best.set_xdata([best or 0, best or 0])
        low = _step_125(shown.min() / 1.05, down=True)
        high = _step_125(shown.max() * 1.05, down=False)
        low, high = self._widen("loss", low, high)
        key = (self._widen("epochs", 0, max(train.size - 1, 1))[1], low, high)
        if key != self._key:                  # the data transforms follow the limits
            self.ax_loss.set_xlim(-0.05 * key[0], 1.05 * key[0])
            self.ax_loss.set_ylim(low, high)
            self._key = key
        top = max(float(C.max()), 1.0)
        self.matrix.set_data(np.sqrt(C / top))
        for (i, j), count in np.ndenumerate(C):
            self.counts[i][j].set_text(f"{count:g}" if count else "")
            self.counts[i][j].set_color("white" if count > 0.5 * top else "black")
        self.title.set_text(title)
        return self._blit(key, on_top=(self.legend,))


class _Curves:
    """A stand-in history with the fields :func:`loss_curves` reads."""

    def __init__(self, **fields):
        self.__dict__.update(fields)
