"""lecture_code: neural networks from scratch in numpy, the package behind the book.

The top level is the course: one module per concept (``activations``,
``losses``, ``layers``, ``network``, ``optimizers``, ``training``, ...) and
each chapter's companion (``shallow``, ``backprop``, ``digits``, ...). The
machinery that makes it fast and interactive has its own subpackages:
``lecture_code.fast`` (the fused and compiled training loops behind
``train(fused=True)``, and the benchmarks) and ``lecture_code.panels`` (the
live widgets and their kernel-free versions for the website), with
``plotting``, ``exercises`` and ``instructor`` beside them.

Import the modules you need, e.g. ``from lecture_code import layers, losses``;
``lecture_code.<module>`` also works and imports the module on first use, and
the machinery keeps its short names too (``from lecture_code import widgets``
is ``lecture_code.panels.widgets``). Importing the package itself is cheap:
neither torch, ipywidgets nor matplotlib is imported until a module that
needs it is.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import pkgutil
import sys

__version__ = "1.0.0"

from .panels._inline import sharp_inline_figures as _sharp_inline_figures

_sharp_inline_figures()        # in a notebook: figures at twice their pixel size (see _inline)


#: The machinery's modules by the short names the chapters (and earlier code) use.
MOVED = {"widgets": "panels.widgets", "controls": "panels.controls", "frames": "panels.frames",
         "fused_training": "fast.fused_training", "compiled_training": "fast.compiled_training",
         "bench": "fast.bench", "bench_panels": "fast.bench_panels"}


class _ShortNames(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``import lecture_code.widgets`` (and ``from lecture_code.widgets import Panel``) finds
    ``lecture_code.panels.widgets``: one module under two names, never two copies."""

    def find_spec(self, fullname, path=None, target=None):
        package, _, short = fullname.rpartition(".")
        if package == __name__ and short in MOVED:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        return importlib.import_module(f"{__name__}.{MOVED[spec.name.rpartition('.')[2]]}")

    def exec_module(self, module):
        pass                    # already executed under its own name


if not any(isinstance(f, _ShortNames) for f in sys.meta_path):
    sys.meta_path.append(_ShortNames())


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def __getattr__(name: str):
    if name in MOVED:
        return importlib.import_module(f"{__name__}.{name}")   # found by _ShortNames
    if name == "BUDGET":           # what one call may allocate (lecture_code._checks.Budget)
        from ._checks import BUDGET
        return BUDGET
    if name in _modules():
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_modules()) | set(MOVED) | {"BUDGET"})
