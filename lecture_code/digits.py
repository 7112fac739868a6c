"""Handwritten digits: the book's one real data set, and the computations of chapter 10.

The data are the 1,797 8x8 digits of the UCI "Optical Recognition of
Handwritten Digits" test set (Alpaydin and Kaynak, 1998; CC BY 4.0), carried
in the package as ``lecture_code/data/digits.csv.gz`` (provenance and licence
in ``lecture_code/data/README.md``); nothing is downloaded. :func:`load`
checks the file's SHA-256 and the shape and range of what it reads.

The model is the one the book has built since chapter 3, at a larger scale:
``MLP([64, hidden, 10], 'relu', 'softmax')`` trained on the categorical
cross-entropy with Adam on minibatches, optionally with an L2 penalty.
Hyperparameters are chosen on a validation set; the test set is used once.

See chapter 10 (a capstone on real data).
"""
from __future__ import annotations

import gzip
import hashlib
from importlib import resources
from typing import NamedTuple, Sequence

import numpy as np

from . import _checks, datasets, training
from .network import MLP
from .playground import one_blas_thread

__all__ = ["load", "Split", "split", "network", "fit", "predict", "confusion_matrix",
           "recall", "misclassified", "grid_search", "panel"]

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
    """Operations of :func:`fit` (for ``BUDGET.operations``): per parameter of the
    64-hidden-10 network about a hundred to allocate, draw and copy it (weights,
    gradients, Adam's moments, the best epoch's copy), ten per step to update
    it, and three multiply-adds per training row and epoch (forward and backward)."""
    parameters = (PIXELS + 1) * hidden + (hidden + 1) * CLASSES
    steps = epochs * -(-len(data.X_train) // batch_size)
    return parameters * (100.0 + 10.0 * steps + 3.0 * epochs * len(data.X_train))


def network(hidden: int, *, rng: np.random.Generator) -> MLP:
    """``MLP([64, hidden, 10], 'relu', 'softmax')``: one hidden layer of ReLU units."""
    return MLP([PIXELS, _checks.count(hidden, "hidden", each=PIXELS + CLASSES, of="weights"), CLASSES], "relu", "softmax", rng=rng)


def fit(data: Split, hidden: int = 32, epochs: int = 20, lam: float = 0.0, *,
        rng: np.random.Generator, lr: float = 0.01, batch_size: int = 64):
    """Draw :func:`network` and train it: Adam on ``'cce'``, minibatches, L2 penalty ``lam``.

    ``rng`` draws the initial weights, then shuffles the minibatches (a
    ``batch_size`` above the training rows is the whole set, as in ``train``). The
    history records the validation loss and accuracy after every epoch.
    Training takes the fast path (``train(..., fused=True)``, equal to the
    readable loop to rounding). The products are small, so numpy's BLAS runs on one thread here
    (:func:`lecture_code.playground.one_blas_thread`), which on a busy
    machine is many times faster than several threads waiting for each other.

    Returns
    -------
    model : MLP (trained); history : :class:`lecture_code.training.History`
    """
    _checks.instance(data, "data", Split)
    hidden, epochs = _checks.count(hidden, "hidden"), _checks.count(epochs, "epochs")
    lr, batch_size = _checks.positive(lr, "lr"), _checks.count(batch_size, "batch_size")
    _checks.workable(_training_work(data, hidden, epochs, batch_size), "hidden", hidden,
                     f"trained for {epochs} epochs on {len(data.X_train)} rows")
    model = network(hidden, rng=rng)
    with one_blas_thread():
        history = training.train(model, data.X_train, data.y_train, loss="cce", optimizer="adam",
                                 lr=lr, epochs=epochs, batch_size=batch_size, rng=rng,
                                 X_val=data.X_val, y_val=data.y_val, penalty="l2", lam=lam,
                                 fused=True)
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
    hidden_units = [_checks.count(h, f"hidden_units[{i}]") for i, h in
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


def panel(data: Split, *, seed: int = 0, **options):
    """A live control: hidden units, epochs and lambda -> learning curves and confusion matrix.

    Every setting retrains :func:`fit` from ``default_rng(seed)`` (``options``
    go to it) and draws the training and validation loss per epoch beside the
    validation set's confusion matrix. The static site holds a grid of all three.
    Returns a :class:`lecture_code.widgets.Panel`.
    """
    _checks.instance(data, "data", Split)
    seed = _checks.seed(seed)
    from . import widgets
    from .plotting.digits import DigitsFigure
    from . import compiled_training
    compiled_training.warm_up()         # compile now, not on the first move
    figure = DigitsFigure()

    def update(hidden, epochs, lam):
        model, history = fit(data, hidden, epochs, lam, rng=np.random.default_rng(seed), **options)
        if history.diverged:
            raise training.TrainingDiverged("training diverged")
        C = confusion_matrix(data.y_val, predict(model, data.X_val))
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
