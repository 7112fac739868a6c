"""The playground's figure: boundary or regression surface, loss curves and the network.

See chapter 8.
"""
from __future__ import annotations


import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from .. import _checks
from .style import (Blitter, BOUNDARY_CMAP, CLASS_COLORS, MARKERS, _nice_ceil)

__all__ = ['PlaygroundFigure']


# -- chapter 8: the playground -------------------------------------------------------------
class PlaygroundFigure(Blitter):
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
        self._key, self._grid = None, None

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
        held = "test" if getattr(result, "X_val", None) is None else "validation"   # what val_loss measured
        self.ax_loss.get_legend().get_texts()[1].set_text(held)
        self.score.set_text(f"{held} loss {hist.val_loss[-1]:.3f}" if cfg.regression else
                            f"{held} accuracy {hist.val_acc[-1]:.2f}, "
                            f"train {result.accuracy(test=False):.2f}")
        return self

    def to_png(self) -> bytes:
        """Render with Agg (blitting over the cached background) and return PNG bytes."""
        return self._blit(self._key, on_top=self.ax_data.spines.values())   # frame above the surface

    _repr_png_ = to_png     # a notebook shows the figure when it is a cell's value

    def __repr__(self) -> str:
        return "PlaygroundFigure()"
