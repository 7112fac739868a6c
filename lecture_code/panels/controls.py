"""The controls of a live panel: a slider, a menu and a push button.

Each control is a plain description (label, range or options, starting value):
:class:`lecture_code.panels.widgets.Panel` builds the matching ipywidgets control when
it is displayed in a kernel (``build``), sweeps ``extremes()`` in the tests and
uses ``sweep(count)`` for the frames of the static site. ipywidgets is imported
only inside ``build``.

See any chapter's "try it" section.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _checks

__all__ = ["Slider", "Choice", "Button"]

#: The most settings one control's sweep holds (a panel's grid holds at most 64 frames).
MAX_SWEEP = 1000


def _label(label) -> None:
    _checks.text(label, "label")


def _sweep_count(count, name: str = "count") -> int:
    count = _checks.count(count, name, minimum=2)
    if count > MAX_SWEEP:
        raise ValueError(f"{name} must be at most {MAX_SWEEP} settings, got {count}")
    return count


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
        _label(self.label)
        low, high = _checks.finite(self.min, "min"), _checks.finite(self.max, "max")
        value = _checks.finite(self.value, "value")
        _checks.flag(self.log, "log")
        _checks.flag(self.integer, "integer")
        if not low < high:
            raise ValueError(f"min must be below max for slider {self.label!r}, got min={self.min} "
                             f"and max={self.max}")
        if not low <= value <= high:
            raise ValueError(f"value of slider {self.label!r} must lie in [{self.min}, {self.max}], "
                             f"got {self.value}")
        if self.integer and any(v != round(v) for v in (low, high, value)):
            raise ValueError(f"value, min and max of the integer slider {self.label!r} must be "
                             f"whole numbers, got value={self.value}, min={self.min}, "
                             f"max={self.max}")
        if self.step is not None:
            step = _checks.positive(self.step, "step")
            if step > high - low:
                raise ValueError(f"step of slider {self.label!r} must be at most max - min "
                                 f"({high - low:g}), got {self.step}")
            if self.integer and step != round(step):
                raise ValueError(f"step of the integer slider {self.label!r} must be a whole "
                                 f"number, got {self.step}")
        if self.log and self.min <= 0:
            raise ValueError(f"min of a log slider must be > 0, got {self.min} for {self.label!r}")

    def extremes(self) -> list:
        """The two ends of the slider."""
        return [self._cast(self.min), self._cast(self.max)]

    def sweep(self, count: int) -> list:
        """``count`` evenly spaced settings from min to max, both included: equal
        steps on a linear slider (on its ``step`` grid), equal ratios on a log
        slider (to two significant digits). The default need not be one of them."""
        count = _sweep_count(count)
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
        _label(self.label)
        if isinstance(self.options, (str, bytes)) or not hasattr(self.options, "__len__") \
                or len(self.options) == 0:
            raise ValueError(f"options must be a non-empty tuple of the menu's choices, got "
                             f"{self.options!r}")
        if self.value not in self.options:
            raise ValueError(f"value of menu {self.label!r} must be one of {self.options}, "
                             f"got {self.value!r}")

    def extremes(self) -> list:
        """Every option (a menu has no in-between)."""
        return list(self.options)

    def sweep(self, count: int) -> list:
        """Every option, whatever ``count`` (a menu has no in-between)."""
        _sweep_count(count)
        return list(self.options)

    def build(self):
        import ipywidgets as w
        return w.Dropdown(options=list(self.options), value=self.value, description=self.label,
                          style={"description_width": "initial"})


@dataclass(frozen=True)
class Button:
    """A push button. Its value counts the clicks (0 before the first; any whole number
    >= 0, a count that allocates nothing), so ``update`` can react to a click, e.g.
    by retraining from new random weights."""

    label: str
    value: int = 0

    def __post_init__(self):
        _label(self.label)
        _checks.count(self.value, "value", minimum=0)

    def extremes(self) -> list:
        """Not clicked, and clicked once."""
        return [0, 1]

    def sweep(self, count: int) -> list:
        """The button's value alone (the static site has no clicks)."""
        _sweep_count(count)
        return [self.value]

    def build(self):
        import ipywidgets as w
        import traitlets

        class ClickCounter(w.Button):
            value = traitlets.Int(0)            # not synced: the kernel counts the clicks

        button = ClickCounter(description=self.label, value=self.value)
        button.on_click(lambda b: setattr(b, "value", b.value + 1))
        return button
