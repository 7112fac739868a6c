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
``graphs`` (network diagrams, gradient sizes),
``playground`` (chapter 8) and ``digits`` (chapter 10). Everything public is
also available as ``lecture_code.plotting.<name>``.
"""
from __future__ import annotations

from .style import PALETTE, CLASS_COLORS, MARKERS, BOUNDARY_CMAP, REGION_CMAP, Blitter, HeldLimits
from .boundary import decision_boundary, BoundaryFigure, WeightsFigure
from .curves import (
    loss_curves, accuracy_curves, activation_plot, regression_fit, FitFigure,
    double_descent_curve, LossComparisonFigure, BatchSizeFigure)
from .shallow import ShallowFigure
from .surfaces import (
    SURFACE_CMAP, surface_contour, descent_path, describe_path, PathFigure, loss_landscape)
from .graphs import network_graph, gradient_norm_bars
from .playground import PlaygroundFigure
from .digits import digit_images, confusion_plot, weight_images, sweep_plot, DigitsFigure


from ..panels._inline import sharp_inline_figures

sharp_inline_figures()      # pyplot may have been imported after lecture_code

__all__ = [
    'PALETTE',
    'CLASS_COLORS',
    'MARKERS',
    'BOUNDARY_CMAP',
    'REGION_CMAP',
    'Blitter',
    'HeldLimits',
    'decision_boundary',
    'BoundaryFigure',
    'WeightsFigure',
    'loss_curves',
    'accuracy_curves',
    'activation_plot',
    'regression_fit',
    'FitFigure',
    'double_descent_curve',
    'LossComparisonFigure', 'BatchSizeFigure',
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
    'digit_images',
    'confusion_plot',
    'weight_images',
    'sweep_plot',
    'DigitsFigure',
]
