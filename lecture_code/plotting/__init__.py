"""Figures for the book, in the colour-blind-safe Okabe–Ito palette.

Every function draws into the ``ax`` it is given (``None`` means pyplot's
current axes, imported only then) and returns what it drew; none calls
``plt.show()``. The ``...Figure`` classes are the figures behind the live
widgets: created once, redrawn by changing their artists' data, rendered to
PNG with Agg, never through pyplot or a GUI backend.

One module per kind of figure: ``style`` (palette,
colour maps), ``boundary`` (decision boundaries),
``curves`` (losses, activations, fits),
``shallow`` (chapter 3's shallow network),
``surfaces`` (loss surfaces and descent paths),
``graphs`` (network diagrams, gradient sizes) and
``playground`` (chapter 8). Everything public is
also available as ``lecture_code.plotting.<name>``.
"""
from __future__ import annotations

from .style import PALETTE, CLASS_COLORS, MARKERS, BOUNDARY_CMAP, REGION_CMAP, Blitter
from .boundary import decision_boundary, BoundaryFigure, WeightsFigure
from .curves import (
    loss_curves, accuracy_curves, activation_plot, regression_fit, FitFigure,
    double_descent_curve, LossComparisonFigure)
from .shallow import ShallowFigure
from .surfaces import (
    SURFACE_CMAP, surface_contour, descent_path, describe_path, PathFigure, loss_landscape)
from .graphs import network_graph, gradient_norm_bars
from .playground import PlaygroundFigure


def _sharp_inline_figures() -> None:
    """In a notebook, show pyplot figures at twice their pixel size ("retina"), with
    their display size in the output's metadata, so they stay sharp on high-DPI
    screens; the book's site shows them at that display size. Outside IPython's
    inline backend this does nothing."""
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return
    if type(get_ipython()).__name__ == "ZMQInteractiveShell":     # a Jupyter kernel
        set_matplotlib_formats("retina")


_sharp_inline_figures()

__all__ = [
    'PALETTE',
    'CLASS_COLORS',
    'MARKERS',
    'BOUNDARY_CMAP',
    'REGION_CMAP',
    'Blitter',
    'decision_boundary',
    'BoundaryFigure',
    'WeightsFigure',
    'loss_curves',
    'accuracy_curves',
    'activation_plot',
    'regression_fit',
    'FitFigure',
    'double_descent_curve',
    'LossComparisonFigure',
    'ShallowFigure',
    'SURFACE_CMAP',
    'surface_contour',
    'descent_path',
    'describe_path',
    'PathFigure',
    'loss_landscape',
    'network_graph',
    'gradient_norm_bars',
    'PlaygroundFigure',
]
