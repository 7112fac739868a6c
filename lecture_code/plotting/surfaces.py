"""Loss surfaces: contour maps of a 2-D surface or of a model's loss, with descent paths on them.

See chapters 4 and 5.
"""
from __future__ import annotations


import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from .. import _checks
from .style import (Blitter, CLASS_COLORS, PALETTE, _axes)

__all__ = ['SURFACE_CMAP', 'surface_contour', 'descent_path', 'describe_path', 'PathFigure',
           'loss_landscape']


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


class PathFigure(Blitter):
    """The live figure of chapter 5: a path on a surface (left) and f(w_t) - f* per step (right).

    Each surface's contours and axes are drawn once into a background that is
    kept (one per surface and number of steps); :meth:`update` only changes
    the path, the curve and a note, and :meth:`to_png` blits them over the
    background (as :class:`BoundaryFigure` does).
    """

    def __init__(self, *, figsize=(7.6, 3.3), dpi: int = 160):
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.86, wspace=0.28)
        self.ax_path, self.ax_loss = self.figure.subplots(1, 2)
        (self.line,) = self.ax_path.plot([], [], color=CLASS_COLORS[1], marker="o", markersize=2.5,
                                         linewidth=1.2)
        (self.curve,) = self.ax_loss.plot([], [], color=CLASS_COLORS[0])
        self.note = self.figure.text(0.5, 0.93, "", ha="center", fontsize=10.5)
        self.ax_loss.set(yscale="log", ylim=(1e-12, 1e6), xlabel="step t",
                         ylabel="$f(w_t) - f^*$ (log scale)")
        self.dynamic = [self.line, self.curve, self.note]
        for artist in self.dynamic:
            artist.set_animated(True)
        self._contours, self._key = {}, None

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
        return self._blit(self._key)


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
        ax.legend(loc="upper right", fontsize=9.5)
    return filled
