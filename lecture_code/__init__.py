"""lecture_code: neural networks from scratch in numpy, the package behind the book.

Import the modules you need, e.g. ``from lecture_code import layers, losses``;
``lecture_code.<module>`` also works and imports the module on first use.
Importing the package itself is cheap: neither torch, ipywidgets nor
matplotlib is imported until a module that needs it is.
"""
from __future__ import annotations

import importlib
import pkgutil

__version__ = "1.0.0"

from ._inline import sharp_inline_figures as _sharp_inline_figures

_sharp_inline_figures()        # in a notebook: figures at twice their pixel size (see _inline)


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def __getattr__(name: str):
    if name == "BUDGET":           # what one call may allocate (lecture_code._checks.Budget)
        from ._checks import BUDGET
        return BUDGET
    if name in _modules():
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_modules()) | {"BUDGET"})
