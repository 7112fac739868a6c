"""The re-drawable figure of a shallow network with one input: its hidden units and its output.

See chapter 3.
"""
from __future__ import annotations


import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .. import _checks
from .style import (Blitter, CLASS_COLORS, PALETTE, _nice_limits)

__all__ = ['ShallowFigure']


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class ShallowFigure(Blitter):
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
                 resolution: int = 201, figsize=(7.5, 3.0), dpi: int = 160):
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
                                            ha="right", va="top", fontsize=9.5)
        self.ax_hidden.set_title(f"hidden units h = a[θ{sub[0]} + θ{sub[1]}x]", fontsize=10.5, y=1.0)
        self.ax_output.set_title(f"output y = φ{sub[0]} + " + " + ".join(
            f"φ{sub[d]}h{sub[d]}" for d in range(1, self.units + 1)), fontsize=10.5, y=1.0)
        for ax in (self.ax_hidden, self.ax_output):               # fixed positions and ticks:
            ax.set_xlim(lo, hi)                                     # no layout search per draw
            ax.set_xticks(np.linspace(lo, hi, 5))
            ax.set_xlabel("x", fontsize=9.5)
            ax.xaxis.set_label_coords(0.5, -0.12)
            ax.axhline(0, color="0.85", linewidth=0.8, zorder=0)
            ax.tick_params(labelsize=9)
        handles += [self.output_line, self.kink_marks]
        self.figure.legend(handles, [a.get_label() for a in handles], loc="lower center",
                           ncol=len(handles), frameon=False, fontsize=9, handlelength=1.5)
        self.dynamic = [*self.hidden_lines, *self.weighted_lines, self.output_line,
                        self.kink_marks, self.mse_text]
        for artist in self.dynamic:
            artist.set_animated(True)                           # left out of the background
        self._limits = None

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
            self._limits = limits
        return self

    def to_png(self) -> bytes:
        """Render with Agg (blitting over the cached background) and return PNG bytes."""
        return self._blit(self._limits)

    _repr_png_ = to_png     # a notebook shows the figure when it is a cell's value

    def __repr__(self) -> str:
        return f"ShallowFigure({self.units} hidden units)"
