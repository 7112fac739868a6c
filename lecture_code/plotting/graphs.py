"""Network diagrams and per-layer bar charts of gradient sizes.

See chapters 6 (back-propagation) and 8 (the playground).
"""
from __future__ import annotations


import numpy as np

from .. import _checks
from .style import (CLASS_COLORS, PALETTE, _axes)

__all__ = ['network_graph', 'gradient_norm_bars']


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
    :func:`lecture_code.vanishing.deep_gradient_norms`; the last bar (the output
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
