"""Toy data sets for the chapters: small, two-dimensional, reproducible.

Every function that draws takes ``rng: numpy.random.Generator`` as a keyword
argument and nothing else is random, so the same seed gives the same data.
Classification sets return ``X`` float64 ``(n, 2)`` and ``y`` int64 ``(n,)``
with classes as balanced as ``n`` allows (counts differ by at most one; the
extra examples go to the lowest-numbered classes) and rows in shuffled order.
Regression sets return ``X`` float64 ``(n, 1)`` and ``y`` float64 ``(n,)``.
Common parameters: ``n`` examples (>= 1), ``rng`` the generator, ``noise`` the
standard deviation (>= 0) of Gaussian jitter added to each coordinate.
"""
from __future__ import annotations

import numpy as np

from lecture_code import _checks

#: Hidden rule of :func:`pass_the_class`: ``P(pass) = sigmoid(w0 + w1 x1 + w2 x2)``.
PASS_RULE = (-6.0, 0.5, 0.5)
LECTURES = 12      # lectures in the course: x1 is a whole number in 0..12
MAX_HOURS = 12.0   # hours on the final project: x2 is uniform in [0, 12]

#: Target functions of :func:`regression_1d`, each meant for x in [-1, 1].
REGRESSION_TARGETS = {
    "sin": lambda x: np.sin(np.pi * x),
    "linear": lambda x: 0.5 * x,
    "cubic": lambda x: x ** 3 - 0.5 * x,
    "abs": np.abs,
}


def _labels(n: int, classes: int) -> np.ndarray:
    """Balanced labels ``[0, 0, ..., 1, 1, ...]``: ``n // classes`` each, extras to the first."""
    counts = n // classes + (np.arange(classes) < n % classes)
    return np.repeat(np.arange(classes, dtype=np.int64), counts)


def _shuffled(X: np.ndarray, y: np.ndarray, rng: np.random.Generator):
    order = rng.permutation(len(y))
    return np.ascontiguousarray(X[order], dtype=np.float64), y[order]


def _check(n, rng, noise=0.0):
    return (_checks.count(n, "n", each=8, of="points"), _checks.generator(rng),
            _checks.positive(noise, "noise", allow_zero=True))


def blobs(n: int, *, rng: np.random.Generator, centers: int = 2,
          spread: float = 2.0, noise: float = 0.5):
    """Gaussian clouds ``x ~ N(c_k, noise^2 I)`` around centres ``c_k`` on a circle.

    Centre ``k`` sits at angle ``2 pi k / centers`` on a circle of radius
    ``spread``: two blobs lie at ``(spread, 0)`` and ``(-spread, 0)``.
    See chapter 1.

    Parameters
    ----------
    centers : number of classes (blobs), >= 2.
    spread : radius of the circle of centres, > 0.

    Returns
    -------
    X : (n, 2) float64; y : (n,) int64 in ``0..centers-1``.
    """
    n, rng, noise = _check(n, rng, noise)
    centers = _checks.count(centers, "centers", minimum=2, each=8, of="centres")
    spread = _checks.positive(spread, "spread")
    y = _labels(n, centers)
    angle = 2 * np.pi * y / centers
    X = spread * np.column_stack([np.cos(angle), np.sin(angle)])
    return _shuffled(X + noise * rng.standard_normal((n, 2)), y, rng)


def xor(n: int, *, rng: np.random.Generator, noise: float = 0.0):
    """XOR of the quadrant signs: ``y = [x1 > 0] XOR [x2 > 0]``.

    Points are uniform in the four quadrants of ``[-1, 1]^2``; class 1 fills
    the two quadrants where the signs differ. The label is fixed before the
    jitter, so with ``noise > 0`` points near an axis may cross it (label
    noise); with ``noise = 0`` the law holds for every point.
    See chapters 1 and 3 (why one perceptron cannot learn XOR, and how a hidden layer can).

    Returns
    -------
    X : (n, 2) float64; y : (n,) int64 in {0, 1}.
    """
    n, rng, noise = _check(n, rng, noise)
    y = _labels(n, 2)
    s1 = rng.choice([-1.0, 1.0], size=n)            # sign of x1
    s2 = np.where(y == 1, -s1, s1)                   # signs differ for class 1
    magnitude = 1.0 - rng.random((n, 2))             # in (0, 1]: never on an axis
    X = np.column_stack([s1, s2]) * magnitude
    return _shuffled(X + noise * rng.standard_normal((n, 2)), y, rng)


def circles(n: int, *, rng: np.random.Generator, noise: float = 0.05,
            factor: float = 0.5):
    """Two concentric circles: class 0 on radius 1, class 1 on radius ``factor``.

    Angles are uniform in ``[0, 2 pi)``. See chapters 2 and 8.

    Parameters
    ----------
    factor : radius of the inner circle, in (0, 1).

    Returns
    -------
    X : (n, 2) float64; y : (n,) int64, 0 = outer, 1 = inner.
    """
    n, rng, noise = _check(n, rng, noise)
    factor = _checks.in_range(_checks.positive(factor, "factor"), "factor", 0.0, 1.0)
    y = _labels(n, 2)
    angle = rng.uniform(0, 2 * np.pi, n)
    radius = np.where(y == 0, 1.0, factor)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return _shuffled(X + noise * rng.standard_normal((n, 2)), y, rng)


def moons(n: int, *, rng: np.random.Generator, noise: float = 0.1):
    """Two half circles: class 0 at ``(cos t, sin t)``, class 1 at ``(1 - cos t, 0.5 - sin t)``.

    ``t`` is uniform in ``[0, pi]``. See chapters 2 and 8.

    Returns
    -------
    X : (n, 2) float64; y : (n,) int64 in {0, 1}.
    """
    n, rng, noise = _check(n, rng, noise)
    y = _labels(n, 2)
    t = rng.uniform(0, np.pi, n)
    X = np.where(y[:, None] == 0,
                 np.column_stack([np.cos(t), np.sin(t)]),
                 np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)]))
    return _shuffled(X + noise * rng.standard_normal((n, 2)), y, rng)


def spirals(n: int, *, rng: np.random.Generator, classes: int = 2,
            noise: float = 0.05, turns: float = 1.0):
    """Interleaved spiral arms: radius ``t``, angle ``2 pi (turns t + k / classes)`` for arm ``k``.

    ``t`` is uniform in ``[0.05, 1]``. See chapters 2 and 8.

    Parameters
    ----------
    classes : number of arms (classes), >= 2.
    turns : how many times each arm winds around the origin, > 0.

    Returns
    -------
    X : (n, 2) float64, about the unit disc; y : (n,) int64 in ``0..classes-1``.
    """
    n, rng, noise = _check(n, rng, noise)
    classes = _checks.count(classes, "classes", minimum=2, each=8, of="classes")
    turns = _checks.positive(turns, "turns")
    y = _labels(n, classes)
    t = rng.uniform(0.05, 1.0, n)
    angle = 2 * np.pi * (turns * t + y / classes)
    X = t[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return _shuffled(X + noise * rng.standard_normal((n, 2)), y, rng)


def pass_the_class(n: int, *, rng: np.random.Generator):
    """"Will I pass this class?": ``P(pass) = sigmoid(-6 + 0.5 x1 + 0.5 x2)``.

    ``x1`` = lectures attended, a whole number uniform in ``0..LECTURES``;
    ``x2`` = hours spent on the final project, uniform in ``[0, MAX_HOURS]``.
    Each label is drawn from the logistic model with weights ``PASS_RULE``: a
    lecture and an hour of project work count the same, and 6 lectures plus
    6 hours is a coin flip. Classes are not balanced. See chapter 4.

    Returns
    -------
    X : (n, 2) float64, columns (lectures, hours); y : (n,) int64, 1 = pass.
    """
    n, rng, _ = _check(n, rng)
    lectures = rng.integers(0, LECTURES, size=n, endpoint=True).astype(np.float64)
    hours = rng.uniform(0.0, MAX_HOURS, n)
    w0, w1, w2 = PASS_RULE
    p = 1.0 / (1.0 + np.exp(-(w0 + w1 * lectures + w2 * hours)))
    y = (rng.random(n) < p).astype(np.int64)
    return np.column_stack([lectures, hours]), y


def regression_1d(n: int, *, rng: np.random.Generator, noise: float = 0.1,
                  kind: str = "sin"):
    """Noisy samples of a 1-D function: ``y = f(x) + N(0, noise^2)``, x uniform in [-1, 1].

    ``f = REGRESSION_TARGETS[kind]``: ``"sin"`` is ``sin(pi x)``, ``"linear"``
    ``0.5 x``, ``"cubic"`` ``x^3 - 0.5 x``, ``"abs"`` ``|x|``. Here ``noise``
    is on ``y`` only. See chapter 3.

    Returns
    -------
    X : (n, 1) float64; y : (n,) float64.
    """
    n, rng, noise = _check(n, rng, noise)
    f = REGRESSION_TARGETS[_checks.choice(kind, "kind", REGRESSION_TARGETS)]
    x = rng.uniform(-1.0, 1.0, n)
    return x[:, None], f(x) + noise * rng.standard_normal(n)


def polynomial_five_points(*, rng: np.random.Generator, noise: float = 0.5):
    """Five points near a line: ``y = 1 + 0.5 x + N(0, noise^2)`` at ``x = 0, 1, 2, 3, 4``.

    The regularization example: fit a line and a cubic on four of them and
    see which predicts the fifth. See chapter 7.

    Returns
    -------
    X : (5, 1) float64; y : (5,) float64.
    """
    rng = _checks.generator(rng)
    noise = _checks.positive(noise, "noise", allow_zero=True)
    x = np.arange(5.0)
    return x[:, None], 1.0 + 0.5 * x + noise * rng.standard_normal(5)


def train_test_split(X, y, test_fraction: float = 0.25, *, rng: np.random.Generator):
    """Shuffle the rows; hold out ``ceil(test_fraction n)`` of them (at least 1, at most n - 1).

    Parameters
    ----------
    X : (n, d) inputs (1-D is read as one feature); y : (n,) or (n, k) targets.
    test_fraction : share of rows held out, in (0, 1).

    Returns
    -------
    X_train, X_test, y_train, y_test : every row lands in exactly one part;
    ``X`` parts are float64, ``y`` parts keep the dtype of ``y``.
    """
    X = _checks.as_matrix(X, "X")
    _checks.as_array(y, "y", ndim=(1, 2))
    y_arr = np.asarray(y)
    _checks.same_rows(X, y_arr, "X", "y")
    f = _checks.in_range(_checks.positive(test_fraction, "test_fraction"),
                         "test_fraction", 0.0, 1.0)
    rng = _checks.generator(rng)
    n = X.shape[0]
    if n < 2:
        raise ValueError(f"X must have at least 2 rows to split into train and test, got {n}")
    n_test = min(max(int(np.ceil(f * n)), 1), n - 1)
    order = rng.permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y_arr[train], y_arr[test]


def one_hot(y, classes: int) -> np.ndarray:
    """``Y[i, k] = 1 if y[i] == k else 0``: labels ``(n,)`` to a float64 ``(n, classes)`` matrix."""
    classes = _checks.count(classes, "classes")
    if classes > 10 ** 6:
        raise ValueError(f"classes must be at most 1,000,000 (one column each), got {classes}")
    arr = _checks.as_array(y, "y", ndim=1)
    if np.any(arr != np.round(arr)) or arr.min() < 0 or arr.max() >= classes:
        raise ValueError(f"y must hold whole-number labels in 0..{classes - 1}, "
                         f"got values from {arr.min():g} to {arr.max():g}")
    return np.eye(classes)[arr.astype(np.int64)]
