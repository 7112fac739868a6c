"""Input checks shared by the public API.

Every public function validates at its boundary and raises ``ValueError`` that
names the argument and says what was expected, so a student never meets a numpy
broadcasting traceback from deep inside the package. Inner loops (training)
call the unchecked ``_``-prefixed methods after one check at the entry.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np


class NotNumbers(TypeError, ValueError):
    """An argument holds the wrong kind of thing (None, text for a number, a number for a name).

    It is a ``TypeError``, and also a ``ValueError`` so that one ``except ValueError``
    catches every bad argument of the package (as numpy's ``AxisError`` is both a
    ``ValueError`` and an ``IndexError``).
    """


def _float_array(x, name: str) -> np.ndarray:
    """``x`` as a float64 array; ``TypeError`` naming ``name`` for anything but numbers.

    ``np.asarray(None, dtype=float)`` is ``nan`` and ``np.asarray('1.5', dtype=float)``
    is 1.5: both are refused here, as are ragged lists and complex numbers.
    """
    if type(x) is np.ndarray and x.dtype == np.float64:
        return x
    if x is None or isinstance(x, (str, bytes, dict, set)):
        raise NotNumbers(f"{name} must be an array of numbers, got {type(x).__name__}")
    try:
        raw = np.asarray(x)
    except (TypeError, ValueError):      # ragged nested lists
        raise NotNumbers(f"{name} must be an array of numbers (a rectangular list or "
                        f"numpy array), got {type(x).__name__}") from None
    if raw.dtype.kind not in "biuf":
        raise NotNumbers(f"{name} must be an array of numbers (real), got {type(x).__name__} "
                        f"of dtype {raw.dtype}")
    return raw.astype(np.float64, copy=False)


def numbers(x, name: str) -> np.ndarray:
    """``x`` as a float64 array of any shape; infinities and NaN pass through (IEEE rules).

    For the activation functions, which are defined at +-inf. Raises ``TypeError``
    naming ``name`` for anything that is not numbers.
    """
    return _float_array(x, name)


def as_array(x, name: str, ndim: int | tuple[int, ...] | None = None,
             allow_empty: bool = False) -> np.ndarray:
    """Return ``x`` as a finite float64 array, or raise ``ValueError`` naming ``name``."""
    arr = _float_array(x, name)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got shape {arr.shape}")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty (shape {arr.shape}); expected at least one value")
    if not np.all(np.isfinite(arr)):
        bad = "NaN" if np.isnan(arr).any() else "infinite"
        raise ValueError(f"{name} contains {bad} values; expected finite numbers")
    return arr


def as_matrix(x, name: str, columns: int | None = None) -> np.ndarray:
    """Return ``x`` as an ``(n, d)`` float64 matrix (rows are examples).

    A 1-D input of length n is read as n examples of one feature.
    """
    arr = as_array(x, name, ndim=(1, 2))
    if arr.ndim == 1:
        arr = arr[:, None]
    if columns is not None and arr.shape[1] != columns:
        raise ValueError(
            f"{name} must have {columns} column(s) (one per feature), got shape {arr.shape}")
    return arr


def same_rows(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise unless ``a`` and ``b`` hold the same number of examples (rows)."""
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{name_a} and {name_b} must have the same number of rows (examples), "
            f"got {a.shape[0]} and {b.shape[0]}")


def same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise unless ``a`` and ``b`` have equal shapes."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape, got {a.shape} and {b.shape}")


def choice(value, name: str, options: Iterable[str], what: str | None = None) -> str:
    """Return ``value`` if it is one of ``options`` (case-insensitive), else raise.

    ``what`` is the kind of name (``'activation'`` for the argument ``output``),
    when it differs from the argument's name.
    """
    options = list(options)
    if not isinstance(value, str):
        kind = f"an {what} name" if what and what != name and what[0] in "aeiou" else \
            f"a {what} name" if what and what != name else "a name"
        raise NotNumbers(f"{name} must be {kind}, one of {', '.join(map(repr, options))}; "
                         f"got {type(value).__name__}")
    key = value.lower()
    if key not in options:
        where = f" for {name}" if what and what != name else ""
        raise ValueError(f"unknown {what or name} {value!r}{where}; expected one of "
                         f"{', '.join(map(repr, options))}")
    return key


def scalar(value, name: str) -> float:
    """``value`` as a float if it is a real number (not a bool, text or array), else raise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer,
                                                                     np.floating)):
        raise NotNumbers(f"{name} must be a number, got {value!r}")
    return float(value)


def finite(value, name: str) -> float:
    """Return ``value`` as a float if it is a finite real number, else raise."""
    v = scalar(value, name)
    if not np.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return v


def positive(value, name: str, allow_zero: bool = False) -> float:
    """Return ``value`` as a float if it is positive (or zero when allowed), else raise."""
    v = scalar(value, name)
    if not np.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        want = "a number >= 0" if allow_zero else "a number > 0"
        raise ValueError(f"{name} must be {want}, got {value!r}")
    return v


def in_range(value, name: str, low: float, high: float, closed_high: bool = False) -> float:
    """Return ``value`` if ``low <= value < high`` (or ``<= high``), else raise."""
    v = scalar(value, name)
    ok = low <= v <= high if closed_high else low <= v < high   # False for NaN
    if not ok:
        bracket = "]" if closed_high else ")"
        raise ValueError(f"{name} must lie in [{low}, {high}{bracket}, got {value!r}")
    return v


#: The largest count any argument may hold (numpy's sizes are 64-bit; the book's are small).
MAX_COUNT = 2 ** 31 - 1


def count(value, name: str, minimum: int = 1, each: float = 0.0, of: str = "memory") -> int:
    """Return ``value`` as an int if it is a whole number in ``minimum..MAX_COUNT``, else raise.

    ``each``: the float64 numbers the caller allocates per unit of the count (``of``
    says what they are), checked against :data:`BUDGET` by :func:`affordable`; or,
    when ``of`` starts with "work", the operations per unit, checked by :func:`workable`.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise NotNumbers(f"{name} must be a whole number >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    if value > MAX_COUNT:
        raise ValueError(f"{name} must be a whole number <= {MAX_COUNT}, got {value!r}")
    if each and of.startswith("work"):
        workable(int(value) * each, name, int(value), f"needs {of}")
    elif each:
        affordable(int(value) * each, name, int(value), of)
    return int(value)


def seed(value, name: str = "seed") -> int:
    """Return ``value`` if it is a whole number >= 0 (numpy's seeds, of any size), else raise.

    A seed allocates nothing, so it has no upper bound (``np.random.default_rng``
    takes any non-negative integer); None, which would draw a fresh seed from the
    operating system, is refused where a function promises the same result each call.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise NotNumbers(f"{name} must be a whole number >= 0 (a seed), got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be a whole number >= 0 (a seed), got {value!r}")
    return int(value)


def items(value, name: str, what: str = "values", minimum: int = 1) -> list:
    """``value`` as a list if it is a list, tuple or 1-D array of at least ``minimum`` items
    (not text, None, a dict or a single number), else raise naming ``name``."""
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__") \
            or (isinstance(value, np.ndarray) and value.ndim != 1):
        raise NotNumbers(f"{name} must be a list of {what}, got {type(value).__name__}")
    if len(value) < minimum:
        raise ValueError(f"{name} must be a non-empty list of {what} (at least one), got "
                         f"none" if minimum == 1 else f"{name} must list at least {minimum} "
                         f"{what}, got {len(value)}")
    return list(value)


def index(value, name: str, size: int, what: str, negative: bool = False) -> int:
    """Return ``value`` if it indexes ``size`` things (``what``): a whole number in
    ``0..size-1``, or with ``negative`` also ``-size..-1`` (counted from the last), else raise."""
    low = -size if negative else 0
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise NotNumbers(f"{name} must be a whole number in {low}..{size - 1} ({what}), "
                         f"got {value!r}")
    if not low <= value < size:
        raise ValueError(f"{name} must be a whole number in {low}..{size - 1} ({what}), "
                         f"got {value!r}")
    return int(value)


def layer_sizes(sizes, name: str = "sizes") -> list[int]:
    """``sizes`` as a list of whole numbers >= 1, input first, with at least an input and an
    output size (``[2, 16, 1]``), else raise naming ``name`` (or ``sizes[i]``)."""
    if isinstance(sizes, (str, bytes, dict)) or not hasattr(sizes, "__len__") or len(sizes) < 2:
        raise ValueError(f"{name} must list at least an input and an output size, got {sizes!r}")
    return [count(s, f"{name}[{i}]") for i, s in enumerate(sizes)]


def weights_of(sizes: list[int]) -> int:
    """The weights and biases of an MLP with layer sizes ``sizes``: sum (d_in + 1) d_out."""
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))


def text(value, name: str) -> str:
    """Return ``value`` if it is text (a label, a title: any text is fine), else raise."""
    if not isinstance(value, str):
        raise NotNumbers(f"{name} must be text (a str), got {type(value).__name__}")
    return value


def function(value, name: str):
    """Return ``value`` if it can be called (a function of the caller's), else raise."""
    if not callable(value):
        raise NotNumbers(f"{name} must be a function (callable), got {type(value).__name__}")
    return value


def flag(value, name: str) -> bool:
    """Return ``value`` if it is True or False, else raise (``'no'`` would read as true)."""
    if not isinstance(value, (bool, np.bool_)):
        raise NotNumbers(f"{name} must be True or False, got {value!r}")
    return bool(value)


@dataclass
class Budget:
    """What one call may allocate before it refuses, instead of exhausting memory.

    Every public function that builds arrays from a size (a network's layer
    sizes, a data set's points, a grid, knots, frames) estimates its memory
    first and raises ``ValueError`` naming the argument above ``bytes``; a
    loop whose length is an argument counts its steps (each at least a
    microsecond, a thousand elementary operations) against ``operations``,
    about half a minute of numpy: above the longest call the book itself makes
    (chapter 10's sweep of sixty trainings, 8 s at most and 4-5 s with early
    stopping), far below a kernel that seems hung. ``digits`` is the longest exact integer a count is written out in.
    Raise either for a bigger machine: ``lecture_code.BUDGET.bytes = 8e9``.
    """

    bytes: float = 1e9
    operations: float = 3e10
    digits: int = 100_000


#: The one budget of the package (see :class:`Budget`).
BUDGET = Budget()


def _size(nbytes: float) -> str:
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{nbytes:.0f} bytes"


def affordable(numbers: float, name: str, value, what: str = "memory") -> None:
    """Raise ``ValueError`` naming ``name`` unless ``numbers`` float64 values fit the budget.

    ``what`` says what they hold: "sizes [100000, 100000, 1] need 80 GB of weights".
    """
    nbytes = 8.0 * float(numbers)
    if nbytes > BUDGET.bytes:
        raise ValueError(f"{name} = {value!r} need{'s' if not name.endswith('s') else ''} "
                         f"{_size(nbytes)} of {what}; the budget is {_size(BUDGET.bytes)} "
                         f"(lecture_code.BUDGET.bytes, raise it to allow more)")


def _seconds(seconds: float) -> str:
    return f"{seconds:.2g} s" if seconds < 100 else f"{seconds / 60:.3g} minutes" if seconds < 36000 \
        else f"{seconds / 3600:.3g} hours"


def workable(operations: float, name: str, value, what: str) -> None:
    """Raise ``ValueError`` naming ``name`` unless ``operations`` fit :attr:`Budget.operations`."""
    if float(operations) > BUDGET.operations:
        raise ValueError(f"{name} = {value!r} {what}: about {float(operations):.2g} operations, "
                         f"roughly {_seconds(float(operations) / 1e9)}; the budget is "
                         f"{BUDGET.operations:.2g} (lecture_code.BUDGET.operations, raise it to "
                         f"allow more)")


def instance(value, name: str, cls: type):
    """Return ``value`` if it is a ``cls`` (a network, a panel, a configuration), else raise."""
    if not isinstance(value, cls):
        raise NotNumbers(f"{name} must be a {cls.__module__}.{cls.__qualname__}, "
                         f"got {type(value).__name__}")
    return value


def generator(rng, name: str = "rng") -> np.random.Generator:
    """Return ``rng`` if it is a ``numpy.random.Generator``, else raise."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            f"{name} must be a numpy.random.Generator (make one with "
            f"np.random.default_rng(seed)), got {type(rng).__name__}")
    return rng
