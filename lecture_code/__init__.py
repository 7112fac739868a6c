"""lecture_code: neural networks from scratch in numpy, the package behind the book.

Import the modules you need, e.g. ``from lecture_code import layers, losses``.
Importing the package itself is cheap: modules load on first use, and neither
torch, ipywidgets nor matplotlib is imported until a module that needs it is.
"""
from __future__ import annotations

import importlib

__version__ = "1.0.0"

MODULES = ("activations", "losses", "perceptron", "layers", "network", "optimizers",
           "regularization", "training", "datasets", "gradcheck", "plotting", "widgets",
           "exercises")
__all__ = list(MODULES)


def __getattr__(name: str):
    if name in MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(MODULES))
