"""The controls of a live panel: a slider, a menu and a push button.

Each control is a plain description (label, range or options, starting value):
:class:`lecture_code.widgets.Panel` builds the matching ipywidgets control when
it is displayed in a kernel (``build``), sweeps ``extremes()`` in the tests and
uses ``sweep(count)`` for the frames of the static site. ipywidgets is imported
only inside ``build``.

See any chapter's "try it" section.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Slider", "Choice", "Button"]


@dataclass(frozen=True)
class Slider:
    """A numeric control from ``min`` to ``max``; ``log=True`` spaces it logarithmically."""

    label: str
    min: float
    max: float
    value: float
    step: float | None = None
    log: bool = False
    integer: bool = False

    def __post_init__(self):
        if not self.min <= self.value <= self.max:
            raise ValueError(f"value of slider {self.label!r} must lie in [{self.min}, {self.max}], "
                             f"got {self.value}")
        if self.log and self.min <= 0:
            raise ValueError(f"a log slider needs min > 0, got {self.min} for {self.label!r}")

    def extremes(self) -> list:
        """The two ends of the slider."""
        return [self._cast(self.min), self._cast(self.max)]

    def sweep(self, count: int) -> list:
        """``count`` evenly spaced settings from min to max, both included: equal
        steps on a linear slider (on its ``step`` grid), equal ratios on a log
        slider (to two significant digits). The default need not be one of them."""
        if self.log:
            values = [float(f"{v:.2g}") for v in np.geomspace(self.min, self.max, count)]
        else:
            values = np.linspace(self.min, self.max, count)
            if self.step:
                values = np.round((values - self.min) / self.step) * self.step + self.min
            values = [self._cast(v) for v in values]
        return sorted(set(values))

    def _cast(self, v):
        return int(round(v)) if self.integer else float(f"{v:.6g}")

    def build(self):
        import ipywidgets as w
        style = {"description_width": "initial"}
        if self.integer:
            return w.IntSlider(value=int(self.value), min=int(self.min), max=int(self.max),
                               step=int(self.step or 1), description=self.label,
                               continuous_update=True, style=style)
        if self.log:
            return w.FloatLogSlider(value=self.value, base=10, min=np.log10(self.min),
                                    max=np.log10(self.max), step=self.step or 0.1,
                                    description=self.label, style=style)
        return w.FloatSlider(value=self.value, min=self.min, max=self.max,
                             step=self.step or (self.max - self.min) / 100,
                             description=self.label, style=style)


@dataclass(frozen=True)
class Choice:
    """A menu of options (strings or numbers)."""

    label: str
    options: tuple
    value: Any

    def __post_init__(self):
        if self.value not in self.options:
            raise ValueError(f"value of menu {self.label!r} must be one of {self.options}, "
                             f"got {self.value!r}")

    def extremes(self) -> list:
        """Every option (a menu has no in-between)."""
        return list(self.options)

    def sweep(self, count: int) -> list:
        return list(self.options)

    def build(self):
        import ipywidgets as w
        return w.Dropdown(options=list(self.options), value=self.value, description=self.label,
                          style={"description_width": "initial"})


@dataclass(frozen=True)
class Button:
    """A push button. Its value counts the clicks (0 before the first), so ``update``
    can react to a click, e.g. by retraining from new random weights."""

    label: str
    value: int = 0

    def extremes(self) -> list:
        """Not clicked, and clicked once."""
        return [0, 1]

    def sweep(self, count: int) -> list:
        return [self.value]

    def build(self):
        import ipywidgets as w
        import traitlets

        class ClickCounter(w.Button):
            value = traitlets.Int(0)            # not synced: the kernel counts the clicks

        button = ClickCounter(description=self.label, value=self.value)
        button.on_click(lambda b: setattr(b, "value", b.value + 1))
        return button
