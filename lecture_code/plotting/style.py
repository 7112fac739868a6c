"""The book's visual style: the Okabe–Ito palette, colour maps, markers, and small helpers.

Colours are colour-blind safe, and classes differ by marker as well as by
colour, so every figure reads in greyscale too. ``_png`` encodes a rendered
canvas quickly for the live widgets.
"""
from __future__ import annotations

import struct
import zlib

import numpy as np
from matplotlib.colors import LinearSegmentedColormap, ListedColormap, to_rgb

from .. import _checks

__all__ = ['PALETTE', 'CLASS_COLORS', 'MARKERS', 'BOUNDARY_CMAP', 'REGION_CMAP', 'Blitter']


#: Okabe & Ito (2008): black, orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple.
PALETTE = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
#: Colour and marker of class k (blue circles, vermillion squares, ...).
CLASS_COLORS = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def _pale(color: str, amount: float = 0.5) -> tuple:
    """``color`` mixed with white: ``(1 - amount) rgb + amount``, so points stay visible on it."""
    return tuple((1 - amount) * np.asarray(to_rgb(color)) + amount)


#: P(class 1) from 0 (pale blue, class 0) through white (0.5) to 1 (pale vermillion, class 1).
BOUNDARY_CMAP = LinearSegmentedColormap.from_list(
    "okabe_ito_diverging", [_pale(CLASS_COLORS[0]), (1, 1, 1), _pale(CLASS_COLORS[1])])
#: Pale class colours for the argmax regions of a k-class prediction.
REGION_CMAP = ListedColormap([_pale(c, 0.65) for c in CLASS_COLORS], name="okabe_ito_regions")


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt     # only when no axes were given
        ax = plt.gca()
    return ax


def _labels(y, name: str, n: int, classes: int = len(CLASS_COLORS)) -> np.ndarray:
    """``y`` as int64 class labels, one per point, in ``0..classes-1``."""
    arr = _checks.as_array(y, name, ndim=1)
    if len(arr) != n:
        raise ValueError(f"{name} must hold one label per point ({n}), got {len(arr)}")
    if np.any(arr != np.round(arr)) or arr.min() < 0 or arr.max() >= classes:
        raise ValueError(f"{name} must hold whole-number class labels in 0..{classes - 1}")
    return arr.astype(np.int64)


def _nice_ceil(value: float) -> float:
    """Smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times 10^k) >= ``value`` > 0."""
    scale = 10.0 ** np.floor(np.log10(value))
    steps = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)
    return float(scale * next(m for m in steps if m * scale >= value * (1 - 1e-12)))


def _png(rgba: np.ndarray) -> bytes:
    """Encode an opaque ``(h, w, 4)`` uint8 image as PNG: RGB, no row filter, zlib level 1."""
    h, w = rgba.shape[:2]
    rows = np.zeros((h, 1 + 3 * w), dtype=np.uint8)          # byte 0 of a row: filter "none"
    rows[:, 1:].reshape(h, w, 3)[...] = rgba[..., :3]

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) + chunk(b"IEND", b""))


def _coarse_ceil(value: float) -> float:
    """Smallest of 1, 2, 5 times 10^k that is >= ``value`` > 0."""
    scale = 10.0 ** np.floor(np.log10(value))
    return float(scale * next(m for m in (1, 2, 5, 10) if m * scale >= value * (1 - 1e-12)))


def _nice_limits(low: float, high: float) -> tuple[float, float]:
    """Axis limits around [low, high] (which contains 0) in coarse steps, so they rarely change."""
    top = _coarse_ceil(1.05 * high) if high > 0 else 0.0
    bottom = -_coarse_ceil(-1.05 * low) if low < 0 else 0.0
    if top == bottom == 0.0:
        return -1.0, 1.0
    pad = 0.05 * (top - bottom)
    return (bottom if bottom < 0 else -pad), (top if top > 0 else pad)


def _step_125(value: float, down: bool) -> float:
    """The nearest of 1, 2, 5 times 10^k below (``down``) or above ``value`` > 0."""
    k = 10.0 ** np.floor(np.log10(value))
    steps = [m * k for m in (1, 2, 5, 10)]
    return max(v for v in steps if v <= value) if down else min(v for v in steps if v >= value)


class HeldLimits:
    """Axis limits that can be held wide enough for a whole set of frames.

    The static site shows a panel's precomputed frames side by side in time: if
    one frame's loss axis ends at 2 and the next at 5, the curves jump while
    the data do not. :func:`lecture_code.panels.frames.grid` therefore renders a
    panel's grid twice with :meth:`hold_limits` on: the first pass only
    widens the limits (``_widen`` returns the range of every value seen
    so far), and the second draws every frame with those common limits.
    """

    _held: dict | None = None

    def hold_limits(self, hold: bool = True) -> None:
        """Start (``True``) or stop holding the limits; starting forgets earlier ones."""
        self._held = {} if hold else None

    def _widen(self, name: str, low: float, high: float) -> tuple[float, float]:
        """``(low, high)``, widened to every range named ``name`` seen while holding."""
        if self._held is None:
            return low, high
        seen = self._held.get(name, (low, high))
        self._held[name] = (min(seen[0], low), max(seen[1], high))
        return self._held[name]


class Blitter(HeldLimits):
    """Base of the figures drawn many times (the live widgets' figures).

    A subclass creates ``self.figure``, ``self.canvas`` (Agg) and
    ``self.dynamic``, the artists that change from frame to frame. Everything
    else (axes, ticks, labels) is drawn once per *background key*, for example
    the axis limits, and cached; each frame restores that background and draws
    only the dynamic artists on top. This blitting makes a frame several times
    cheaper than a full draw.
    """

    _MAX_BACKGROUNDS = 32

    def _blit(self, key=None, on_top=()) -> bytes:
        """Render the frame for background ``key`` and return PNG bytes.

        ``on_top`` are artists drawn after the dynamic ones (e.g. axis spines
        that must stay above an image).
        """
        backgrounds = self.__dict__.setdefault("_backgrounds", {})
        if key not in backgrounds:
            if len(backgrounds) >= self._MAX_BACKGROUNDS:
                backgrounds.clear()
            self.canvas.draw()
            backgrounds[key] = self.canvas.copy_from_bbox(self.figure.bbox)
        self.canvas.restore_region(backgrounds[key])
        for artist in (*self.dynamic, *on_top):
            (artist.axes or self.figure).draw_artist(artist)
        return _png(np.asarray(self.canvas.buffer_rgba()))
