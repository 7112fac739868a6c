"""Handwritten digits: the book's one real data set, and the computations of chapter 10.

The data are the 1,797 8x8 digits of the UCI "Optical Recognition of
Handwritten Digits" test set (Alpaydin and Kaynak, 1998; CC BY 4.0), carried
in the package as ``lecture_code/data/digits.csv.gz`` (provenance and licence
in ``lecture_code/data/README.md``); nothing is downloaded. :func:`load`
checks the file's SHA-256 and the shape and range of what it reads.

The model is the one the book has built since chapter 3, at a larger scale:
``MLP([64, hidden, 10], 'relu', 'softmax')`` trained on the categorical
cross-entropy with Adam on minibatches, optionally with an L2 penalty.
Hyperparameters are chosen on a validation set, averaged over several seeds
(:func:`sweep`), beside baselines that need no network (:func:`majority_accuracy`,
:func:`nearest_centroid`, :func:`nearest_neighbour`); the test set is used once,
and its accuracy is reported with an interval (:func:`accuracy_interval`).

See chapter 10 (a capstone on real data).
"""
from __future__ import annotations

import functools
import gzip
import hashlib
from importlib import resources
from typing import NamedTuple, Sequence

import numpy as np

from . import _checks, datasets, training
from .network import MLP
from .playground import one_blas_thread

__all__ = ["load", "Split", "split", "network", "fit", "predict", "confusion_matrix",
           "recall", "misclassified", "grid_search", "panel", "count_parameters", "majority_accuracy",
           "nearest_centroid", "nearest_neighbour", "accuracy", "Sweep", "sweep",
           "accuracy_interval"]

FILE = "digits.csv.gz"
#: SHA-256 of ``lecture_code/data/digits.csv.gz`` (scikit-learn 1.9.1's copy, unchanged).
SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
EXAMPLES, SIDE, CLASSES = 1797, 8, 10
PIXELS = SIDE * SIDE
MAX_VALUE = 16           # a pixel counts the "on" bits of a 4x4 block: 0..16


def _raw(data: bytes) -> np.ndarray:
    """Verify and parse the file's bytes into a ``(EXAMPLES, PIXELS + 1)`` int64 table."""
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        raise ValueError(f"{FILE} has SHA-256 {digest}, expected {SHA256}: the file is "
                         "damaged or not the book's copy; restore it from the repository")
    table = np.loadtxt(gzip.decompress(data).decode("ascii").splitlines(), delimiter=",",
                       dtype=np.int64)
    if table.shape != (EXAMPLES, PIXELS + 1):
        raise ValueError(f"{FILE} must hold {EXAMPLES} rows of {PIXELS} pixels and a label, "
                         f"got shape {table.shape}")
    pixels, labels = table[:, :PIXELS], table[:, PIXELS]
    if pixels.min() < 0 or pixels.max() > MAX_VALUE or labels.min() < 0 or labels.max() >= CLASSES:
        raise ValueError(f"{FILE}: pixels must lie in 0..{MAX_VALUE} and labels in 0..{CLASSES - 1}")
    return table


_TABLE: np.ndarray | None = None


def load(*, scale: bool = True):
    """The 1,797 digits: ``X[i]`` is image ``i`` read row by row, ``y[i]`` its digit.

    Parameters
    ----------
    scale : bool
        ``True`` divides the pixel counts 0..16 by 16, so inputs lie in [0, 1].

    Returns
    -------
    X : (1797, 64) float64 (``X[i].reshape(8, 8)`` is the image); y : (1797,) int64 in 0..9.
    Fresh copies on every call.
    """
    scale = _checks.flag(scale, "scale")
    global _TABLE
    if _TABLE is None:
        _TABLE = _raw((resources.files(__package__) / "data" / FILE).read_bytes())
    X = _TABLE[:, :PIXELS].astype(np.float64)
    return (X / MAX_VALUE if scale else X), _TABLE[:, PIXELS].copy()


class Split(NamedTuple):
    """Training, validation and test parts of a data set (every row in exactly one)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def split(X, y, *, rng: np.random.Generator, validation: float = 0.2, test: float = 0.2) -> Split:
    """Shuffle, hold out ``ceil(test n)`` rows for testing, then a ``validation`` share for validation.

    Two calls of :func:`lecture_code.datasets.train_test_split`: first the test
    part, then from the rest ``validation / (1 - test)`` of it. For the
    digits (n = 1797): 1077 training, 360 validation, 360 test rows. ``y`` is
    ``(n,)`` labels or ``(n, k)`` targets, as for ``train_test_split``.
    """
    validation = _checks.positive(validation, "validation")
    test = _checks.positive(test, "test")
    if validation + test >= 1.0:
        raise ValueError(f"validation + test must leave rows for training (sum < 1), "
                         f"got {validation} + {test}")
    X_rest, X_test, y_rest, y_test = datasets.train_test_split(X, y, test, rng=rng)
    X_train, X_val, y_train, y_val = datasets.train_test_split(
        X_rest, y_rest, validation / (1.0 - test), rng=rng)
    return Split(X_train, y_train, X_val, y_val, X_test, y_test)


def _training_work(data: Split, hidden: int, epochs: int, batch_size: int = 64) -> float:
    """Operations of :func:`fit` (for ``BUDGET.operations``, about a nanosecond each):
    per parameter of ``network(hidden)`` about a hundred to allocate, draw and copy
    it (weights, gradients, Adam's moments, the best epoch's copy), ten per step
    to update it, and one per training row and epoch for the forward and backward
    products (three multiply-adds, which BLAS does in about a nanosecond). Measured
    on a laptop-class core, 40 epochs of ``fit(data, 128)`` without early stopping
    take 0.37 s against the 0.48 s this counts."""
    parameters = count_parameters([PIXELS, hidden, CLASSES] if hidden else [PIXELS, CLASSES])
    steps = epochs * -(-len(data.X_train) // batch_size)
    return parameters * (100.0 + 10.0 * steps + 1.0 * epochs * len(data.X_train))


def network(hidden: int, *, rng: np.random.Generator) -> MLP:
    """``MLP([64, hidden, 10], 'relu', 'softmax')``: one hidden layer of ReLU units.

    ``hidden=0`` means no hidden layer, ``MLP([64, 10], output='softmax')``:
    softmax regression, the baseline a hidden layer has to beat.
    """
    hidden = _checks.count(hidden, "hidden", minimum=0, each=PIXELS + CLASSES, of="weights")
    return MLP([PIXELS, *([hidden] if hidden else []), CLASSES], "relu", "softmax", rng=rng)


def count_parameters(sizes: Sequence[int]) -> int:
    """Trainable numbers of ``MLP(sizes)``: ``sum over layers of d_in * d_out + d_out``.

    Each layer has a weight per connection and a bias per unit it feeds;
    for the chapter's ``[64, hidden, 10]``, ``(64 + 1) hidden + (hidden + 1) 10``.
    """
    return _checks.weights_of(_checks.layer_sizes(sizes))


def fit(data: Split, hidden: int = 32, epochs: int = 20, lam: float = 0.0, *,
        rng: np.random.Generator, lr: float = 0.01, batch_size: int = 64,
        patience: int | None = None):
    """Draw :func:`network` and train it: Adam on ``'cce'``, minibatches, L2 penalty ``lam``.

    ``rng`` draws the initial weights, then shuffles the minibatches (a
    ``batch_size`` above the training rows is the whole set, as in ``train``). The
    history records the validation loss and accuracy after every epoch.
    With ``patience``, early stopping on the validation loss ends training
    after that many epochs without a new minimum and restores the weights of
    the best epoch (``history.best_epoch``, counted from 0).
    Training takes the fast path (``train(..., fused=True)``, equal to the
    readable loop to rounding). The products are small, so numpy's BLAS runs on one thread here
    (:func:`lecture_code.playground.one_blas_thread`), which on a busy
    machine is many times faster than several threads waiting for each other.

    Returns
    -------
    model : MLP (trained); history : :class:`lecture_code.training.History`
    """
    _checks.instance(data, "data", Split)
    hidden, epochs = _checks.count(hidden, "hidden", minimum=0), _checks.count(epochs, "epochs")
    lr, batch_size = _checks.positive(lr, "lr"), _checks.count(batch_size, "batch_size")
    _checks.workable(_training_work(data, hidden, epochs, batch_size), "hidden", hidden,
                     f"trained for {epochs} epochs on {len(data.X_train)} rows")
    model = network(hidden, rng=rng)
    with one_blas_thread():
        history = training.train(model, data.X_train, data.y_train, loss="cce", optimizer="adam",
                                 lr=lr, epochs=epochs, batch_size=batch_size, rng=rng,
                                 X_val=data.X_val, y_val=data.y_val, penalty="l2", lam=lam,
                                 patience=patience, fused=True)
    return model, history


def predict(model: MLP, X) -> np.ndarray:
    """The predicted digit of every row: ``argmax_k p_k``, int64 ``(n,)``."""
    _checks.instance(model, "model", MLP)
    return model.forward(X).argmax(axis=1)


def _labels(y, name: str, classes: int) -> np.ndarray:
    y = _checks.as_array(y, name, ndim=1)
    if np.any(y != np.round(y)) or (y.size and (y.min() < 0 or y.max() >= classes)):
        raise ValueError(f"{name} must hold whole-number labels in 0..{classes - 1}")
    return y.astype(np.int64)


def confusion_matrix(y_true, y_pred, classes: int = CLASSES) -> np.ndarray:
    """``C[i, j]`` = number of examples of class ``i`` predicted as class ``j``.

    Rows are the true digit, columns the prediction; the diagonal holds the
    right answers, so ``trace(C) / C.sum()`` is the accuracy.

    Returns
    -------
    (classes, classes) int64
    """
    classes = _checks.count(classes, "classes")
    _checks.affordable(classes * classes, "classes", classes, "counts (classes x classes)")
    t, p = _labels(y_true, "y_true", classes), _labels(y_pred, "y_pred", classes)
    _checks.same_shape(t, p, "y_true", "y_pred")
    return np.bincount(t * classes + p, minlength=classes * classes).reshape(classes, classes)


def recall(matrix) -> np.ndarray:
    """Per-class accuracy ``C[i, i] / sum_j C[i, j]``: the share of digit ``i`` recognised.

    A class with no examples gets NaN.
    """
    C = _checks.as_array(matrix, "matrix", ndim=2)
    if C.shape[0] != C.shape[1]:
        raise ValueError(f"matrix must be square (classes x classes), got shape {C.shape}")
    rows = C.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(rows > 0, np.diag(C) / rows, np.nan)


def misclassified(y_true, y_pred) -> np.ndarray:
    """Indices ``i`` with ``y_pred[i] != y_true[i]``, in increasing order."""
    t, p = _checks.as_array(y_true, "y_true", ndim=1), _checks.as_array(y_pred, "y_pred", ndim=1)
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred must be 1-D and of equal length, "
                         f"got shapes {t.shape} and {p.shape}")
    return np.flatnonzero(t != p)


def grid_search(data: Split, hidden_units: Sequence[int], lams: Sequence[float], *,
                seed: int, **options):
    """Validation accuracy of :func:`fit` for every ``(hidden, lam)``; the best pair.

    Every run starts from ``default_rng(seed)``, so runs differ only in their
    hyperparameters. ``options`` go to :func:`fit` (``epochs``, ``lr``, ...).
    The best pair has the highest final validation accuracy; ties go to the
    smaller network, then to the smaller ``lam`` (the first in the grid).

    Returns
    -------
    accuracy : (len(hidden_units), len(lams)) float64; best : (hidden, lam)
    """
    _checks.instance(data, "data", Split)
    hidden_units = [_checks.count(h, f"hidden_units[{i}]", minimum=0) for i, h in
                    enumerate(_checks.items(hidden_units, "hidden_units", "hidden sizes"))]
    lams = [_checks.positive(lam, f"lams[{j}]", allow_zero=True)
            for j, lam in enumerate(_checks.items(lams, "lams", "penalty strengths"))]
    seed = _checks.seed(seed)
    epochs = _checks.count(options.get("epochs", 20), "epochs")
    batch_size = _checks.count(options.get("batch_size", 64), "batch_size")
    _checks.workable(sum(_training_work(data, h, epochs, batch_size) for h in hidden_units)
                     * len(lams),
                     "hidden_units", hidden_units,
                     f"trained with {len(lams)} lams for {epochs} epochs each")
    accuracy = np.empty((len(hidden_units), len(lams)))
    for i, hidden in enumerate(hidden_units):
        for j, lam in enumerate(lams):
            _, history = fit(data, hidden, lam=lam, rng=np.random.default_rng(seed), **options)
            accuracy[i, j] = history.val_acc[-1] if history.val_acc else np.nan
    i, j = np.unravel_index(np.nanargmax(accuracy), accuracy.shape)
    return accuracy, (int(hidden_units[i]), float(lams[j]))


def accuracy(y_true, y_pred) -> float:
    """The share of labels predicted right, ``mean(y_pred == y_true)``."""
    t = _checks.as_array(y_true, "y_true", ndim=1)
    p = _checks.as_array(y_pred, "y_pred", ndim=1)
    if t.shape != p.shape or not t.size:
        raise ValueError(f"y_true and y_pred must be 1-D, non-empty and of equal length, "
                         f"got shapes {t.shape} and {p.shape}")
    return float(np.mean(t == p))


def majority_accuracy(y_train, y_eval) -> float:
    """Chance: the accuracy on ``y_eval`` of always answering the most common digit of ``y_train``."""
    y_train = _labels(y_train, "y_train", CLASSES)
    y_eval = _labels(y_eval, "y_eval", CLASSES)
    return accuracy(y_eval, np.full(len(y_eval), np.bincount(y_train, minlength=CLASSES).argmax()))


def _nearest(prototypes, X, chunk: int = 32) -> np.ndarray:
    """Index of the nearest row of ``prototypes`` (squared Euclidean distance) for every row of ``X``.

    Differences are squared and summed directly, chunk by chunk, with no matrix
    product: on the digits (multiples of 1/16) every distance is exact, so ties
    are real ties, broken towards the first prototype.
    """
    X = _checks.as_matrix(X, "X", columns=prototypes.shape[1])
    out = np.empty(len(X), dtype=np.int64)
    for start in range(0, len(X), chunk):
        d = ((X[start:start + chunk, None, :] - prototypes[None, :, :]) ** 2).sum(axis=2)
        out[start:start + chunk] = d.argmin(axis=1)
    return out


def _prototypes_and_queries(X_train, y_train, X):
    """The checked arguments of the nearest-centroid and nearest-neighbour baselines."""
    X_train = _checks.as_matrix(X_train, "X_train", columns=None)
    y_train = _labels(y_train, "y_train", CLASSES)
    _checks.same_rows(X_train, y_train, "X_train", "y_train")
    X = _checks.as_matrix(X, "X", columns=X_train.shape[1])
    _checks.workable(3.0 * len(X_train) * len(X) * X_train.shape[1], "X", X.shape,
                     "distances, one per training row and row of X")
    return X_train, y_train, X


def nearest_centroid(X_train, y_train, X) -> np.ndarray:
    """The digit whose mean training image (its centroid) is nearest to each row of ``X``.

    Ten averages and a distance: a baseline with no training loop at all.
    """
    X_train, y_train, X = _prototypes_and_queries(X_train, y_train, X)
    present = np.unique(y_train)
    centroids = np.stack([X_train[y_train == k].mean(axis=0) for k in present])
    return present[_nearest(centroids, X)]


def nearest_neighbour(X_train, y_train, X) -> np.ndarray:
    """1-nearest-neighbour: the label of the training image nearest to each row of ``X``.

    Nothing is learned; every prediction compares the image with all the
    training images (1077 x 64 differences per digit here).
    """
    X_train, y_train, X = _prototypes_and_queries(X_train, y_train, X)
    return y_train[_nearest(X_train, X)]


class Sweep(NamedTuple):
    """Validation results of :func:`sweep`: ``accuracy[s, i, j]`` for seed ``seeds[s]``,
    ``hidden_units[i]`` and ``lams[j]``, and the epoch early stopping kept (counted from 1)."""

    accuracy: np.ndarray
    epochs: np.ndarray
    hidden_units: tuple
    lams: tuple
    seeds: tuple

    def mean(self) -> np.ndarray:
        """Mean validation accuracy over the seeds, ``(len(hidden_units), len(lams))``."""
        return self.accuracy.mean(axis=0)

    def sd(self) -> np.ndarray:
        """Sample standard deviation over the seeds (``ddof=1``)."""
        return self.accuracy.std(axis=0, ddof=1)

    def best(self) -> tuple[int, float]:
        """The ``(hidden, lam)`` with the highest mean; ties go to the first in the grid."""
        i, j = np.unravel_index(np.argmax(self.mean()), self.mean().shape)
        return int(self.hidden_units[i]), float(self.lams[j])

    def wins(self) -> np.ndarray:
        """How many seeds each pair is the best of (ties go to the first in the grid)."""
        flat = self.accuracy.reshape(len(self.seeds), -1).argmax(axis=1)
        return np.bincount(flat, minlength=self.accuracy[0].size).reshape(self.accuracy.shape[1:])


def sweep(data: Split, hidden_units: Sequence[int], lams: Sequence[float], seeds: Sequence[int],
          *, epochs: int = 40, patience: int = 5, **options) -> Sweep:
    """Train every ``(hidden, lam)`` from every seed with early stopping; keep validation scores.

    Run ``(s, i, j)`` is :func:`fit` from ``default_rng(seeds[s])`` with at most
    ``epochs`` epochs and early stopping after ``patience`` epochs without a
    lower validation loss; its score is the validation accuracy of the restored
    best epoch. The test set plays no part. ``options`` go to :func:`fit`.
    """
    _checks.instance(data, "data", Split)
    hidden_units = [_checks.count(h, f"hidden_units[{i}]", minimum=0) for i, h in
                    enumerate(_checks.items(hidden_units, "hidden_units", "hidden sizes"))]
    lams = [_checks.finite(v, f"lams[{i}]") for i, v in enumerate(_checks.items(lams, "lams", "penalties"))]
    if any(v < 0 for v in lams):
        raise ValueError(f"lams must be penalties >= 0, got {lams}")
    seeds = [_checks.seed(v, f"seeds[{i}]") for i, v in enumerate(_checks.items(seeds, "seeds", "seeds"))]
    if len(seeds) < 2:
        raise ValueError(f"seeds must hold two seeds at least (a spread needs two runs), got {seeds}")
    epochs, patience = _checks.count(epochs, "epochs"), _checks.count(patience, "patience")
    shape = (len(seeds), len(hidden_units), len(lams))
    batch_size = _checks.count(options.get("batch_size", 64), "batch_size")
    _checks.workable(sum(_training_work(data, h, epochs, batch_size) for h in hidden_units)
                     * len(lams) * len(seeds),
                     "(hidden_units, lams, seeds, epochs)",
                     (len(hidden_units), len(lams), len(seeds), epochs),
                     "runs of fit, one per setting and seed, of up to epochs epochs")
    acc, kept = np.empty(shape), np.empty(shape, dtype=np.int64)
    for (s, i, j) in np.ndindex(*shape):
        _, history = fit(data, hidden_units[i], epochs, lams[j], patience=patience,
                         rng=np.random.default_rng(seeds[s]), **options)
        acc[s, i, j] = history.val_acc[history.best_epoch]
        kept[s, i, j] = history.best_epoch + 1
    return Sweep(acc, kept, tuple(hidden_units), tuple(lams), tuple(seeds))


def accuracy_interval(correct: int, n: int, z: float = 1.96):
    """An accuracy ``correct / n``, its standard error and Wilson's interval.

    The test images are a sample: another draw of ``n`` images would score a
    little differently. The standard error is ``sqrt(p (1 - p) / n)``; Wilson's
    score interval (here 95% for ``z = 1.96``) stays inside [0, 1] even for an
    accuracy near 1, where ``p +- z se`` would not.

    Returns
    -------
    p, se, (low, high) : floats
    """
    n = _checks.count(n, "n")
    correct = _checks.count(correct, "correct", minimum=0)
    if correct > n:
        raise ValueError(f"correct must be at most n = {n}, got {correct}")
    z = _checks.positive(z, "z")
    p = correct / n
    se = float(np.sqrt(p * (1 - p) / n))
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return p, se, (float(centre - half), float(centre + half))


def panel(data: Split, *, seed: int = 0, **options):
    """A live control: hidden units, epochs and lambda -> learning curves and confusion matrix.

    Every setting retrains :func:`fit` from ``default_rng(seed)`` (``options``
    go to it) and draws the training and validation loss per epoch beside the
    validation set's confusion matrix. The static site holds a grid of all three.
    Returns a :class:`lecture_code.panels.widgets.Panel`.
    """
    _checks.instance(data, "data", Split)
    seed = _checks.seed(seed)
    from .panels import widgets
    from .plotting.digits import DigitsFigure
    from .fast import compiled_training
    compiled_training.warm_up()         # compile now, not on the first move
    figure = DigitsFigure()

    @functools.lru_cache(maxsize=64)    # the site's frames draw every setting twice
    def trained(hidden, epochs, lam):
        model, history = fit(data, hidden, epochs, lam, rng=np.random.default_rng(seed), **options)
        if history.diverged:
            raise training.TrainingDiverged("training diverged")
        return history, confusion_matrix(data.y_val, predict(model, data.X_val))

    def update(hidden, epochs, lam):
        history, C = trained(hidden, epochs, lam)
        return figure.update(history, C, title=f"{hidden} hidden units, {epochs} epochs, "
                             f"λ = {lam:g}: validation accuracy {np.trace(C) / C.sum():.3f}")

    controls = {"hidden": widgets.Slider("hidden units", 2, 128, 32, integer=True),
                "epochs": widgets.Slider("epochs", 1, 60, 20, integer=True),
                "lam": widgets.Slider("λ (L2)", 1e-5, 0.1, 1e-4, log=True)}
    grid = {"hidden": [8, 32, 128], "epochs": [10, 20, 40],         # the site: 45 frames,
            "lam": [1e-5, 1e-4, 1e-3, 1e-2, 1e-1]}                  # each axis evenly spaced in log
    panel = widgets.Panel(update, controls, static_controls=list(grid), static_values=grid, alt=(
        "Left: training and validation loss per epoch of a network with 64 inputs, one hidden "
        "layer and 10 outputs, trained on the "
        "handwritten digits. Right: the validation set's confusion matrix, true digit down, "
        "predicted digit across, with the count in each cell."))
    panel.figures = (figure,)
    return panel
