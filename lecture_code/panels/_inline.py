"""Sharp inline figures: in a Jupyter kernel, pyplot figures are shown at twice their
pixel size ("retina"), with their display size in the output's metadata, so they stay
sharp on high-DPI screens, in the notebook and on the book's site alike.

Called when ``lecture_code`` is imported (the chapters import pyplot first) and again by
``lecture_code.plotting``. It imports nothing that is not loaded already: outside a
kernel, or before pyplot is imported, it does nothing.
"""
from __future__ import annotations

import sys


def sharp_inline_figures() -> None:
    if "IPython" not in sys.modules or "matplotlib.pyplot" not in sys.modules:
        return
    from IPython import get_ipython
    if type(get_ipython()).__name__ != "ZMQInteractiveShell":      # not a Jupyter kernel
        return
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return
    set_matplotlib_formats("retina")
