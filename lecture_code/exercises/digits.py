"""Checks for chapter 10, handwritten digits. Each recomputes the answer with lecture_code."""
from __future__ import annotations

import numpy as np

from .. import datasets, digits, landscape, losses, shallow
from ..network import MLP
from . import _guard, exercise
from ._answers import Unusable, array, call, close, fresh, judge, number

def _uniform_loss() -> float:
    """The categorical cross-entropy of predicting 1/10 for every digit."""
    p = np.full((digits.CLASSES, digits.CLASSES), 1.0 / digits.CLASSES)
    return losses.categorical_cross_entropy(p, datasets.one_hot(np.arange(digits.CLASSES),
                                                                digits.CLASSES))


@exercise("ex-digits-chance", points=1)
def chance_loss(value):
    """The loss, to two decimals, of a network that gives each of the ten digits probability 1/10."""
    value = number(value, "chance")
    want = _uniform_loss()
    if close(value, want, decimals=2):
        return None
    if close(value, np.log10(digits.CLASSES), decimals=2):
        return "the cross-entropy uses the natural logarithm, ln, not log10"
    if close(value, np.log2(digits.CLASSES), decimals=2):
        return "the cross-entropy uses the natural logarithm, ln, not log2"
    if 0 < value < 1:
        return "that looks like a probability; the loss is minus the logarithm of the right digit's probability"
    if value < 0:
        return "the loss is -ln p, which is positive for p < 1"
    if close(value, digits.CLASSES * want, decimals=2):
        return "only the right digit's probability enters the loss, not all ten"
    return ("apply the loss formula with every probability equal to 1/10: the mean over the images "
            "of minus the natural logarithm of the right digit's probability")


def _count(sizes) -> int:
    """The reference: sum over layers of d_in * d_out weights and d_out biases."""
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def _size_cases(rng):
    """Fresh layer sizes: a few random networks, softmax regression, and one unit per layer.

    The first has three layers or more and two units or more in each, so that the typical
    mistakes give different counts there and the hint names the right one (with one output
    unit, the first layer alone counts as much as every weight without biases)."""
    yield [int(s) for s in rng.integers(2, 300, int(rng.integers(3, 6)))]
    for _ in range(3):
        yield [int(s) for s in rng.integers(1, 300, int(rng.integers(2, 6)))]
    yield [digits.PIXELS, digits.CLASSES]
    yield [1] * int(rng.integers(2, 5))


#: What a counting function may not use: the formula, and a network built to count itself.
_COUNTERS = (digits.count_parameters, MLP.n_parameters, MLP.parameters)


@exercise("ex-digits-count", points=2, writes=(digits.count_parameters, shallow.count_parameters,
                                            landscape.n_parameters))
def parameter_count(function):
    """A function sizes -> number of trainable numbers of MLP(sizes), written without the package."""
    for sizes in _size_cases(fresh()):
        want = _count(sizes)
        with _guard.watching(_COUNTERS) as used:      # a network that counts itself is no count
            got = call(function, list(sizes))
        if used:
            return _guard.refusal(used)
        got = number(got, "what your function returns")
        if got == want:
            continue
        pairs = list(zip(sizes[:-1], sizes[1:]))
        if got == sum(a * b for a, b in pairs):
            return "each layer also has one bias per unit it feeds"
        if got == sum(a * b + a for a, b in pairs):
            return "a layer has one bias per unit it feeds (d_out of them), not one per input"
        if got == sizes[0] * sizes[1] + sizes[1] and len(sizes) > 2:
            return "that counts the first layer only; add every layer up to the output"
        if got == sum(sizes):
            return "count the connections and biases, not the units"
        return f"your function is wrong for the layer sizes {sizes}: count each layer's weights and biases"
    return None


def _label_cases(rng):
    """Fresh (y_true, y_pred) pairs: a random classifier's, one digit only, every prediction wrong, one example."""
    n = int(rng.integers(30, 300))
    y_true = rng.integers(0, digits.CLASSES, n)
    y_pred = np.where(rng.random(n) < rng.uniform(0.3, 0.9), y_true, rng.integers(0, digits.CLASSES, n))
    digit = int(rng.integers(0, digits.CLASSES))
    yield y_true, y_pred
    yield np.full(n, digit), np.full(n, digit)
    yield y_true, (y_true + 1) % digits.CLASSES
    yield y_true[:1], y_pred[:1]


@exercise("ex-digits-confusion", points=2, writes=(digits.confusion_matrix,))
def confusion(function):
    """A function (y_true, y_pred) -> 10x10 counts, rows the true digit, as digits.confusion_matrix."""
    for y_true, y_pred in _label_cases(fresh()):
        want = digits.confusion_matrix(y_true, y_pred)
        got = array(call(function, y_true, y_pred), name="the matrix your function returns")
        if got.shape != want.shape:
            return f"the matrix has one row and one column per digit: shape (10, 10), got {got.shape}"
        if np.array_equal(got, want):
            continue
        if np.array_equal(got, want.T):
            return "rows and columns are swapped: row i is the true digit i, column j the prediction"
        if np.allclose(got, want / len(y_true)) or np.allclose(got.sum(axis=1), 1.0):
            return "count the examples; do not divide by anything"
        return ("C[i, j] counts the examples whose true digit is i and whose predicted digit is j; "
                f"your function is wrong on {len(y_true)} labels")
    return None


@exercise("ex-digits-recall", points=2, writes=(digits.recall,))
def per_class_accuracy(function):
    """A function (confusion matrix) -> the share of each true digit that was recognised."""
    for y_true, y_pred in _label_cases(fresh()):
        C = digits.confusion_matrix(y_true, y_pred)
        present = C.sum(axis=1) > 0
        want = digits.recall(C)
        with np.errstate(invalid="ignore", divide="ignore"):
            got = array(call(function, C), name="what your function returns")
        if got.shape != want.shape:
            return f"one number per digit: shape ({digits.CLASSES},), got {got.shape}"
        if close(got[present], want[present], rtol=1e-12):
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            by_column = np.diag(C) / C.sum(axis=0)
            same = present & np.isfinite(by_column) & np.isfinite(got)   # a digit never predicted: 0/0
            if same.any() and not close(by_column[same], want[same], rtol=1e-12) and close(
                    got[same], by_column[same], rtol=1e-12):
                return ("that divides by the column sums (how often a digit was predicted); divide by "
                        "the row sums, how many examples of each digit there are")
        if close(got, np.diag(C)):
            return "divide each right answer C[i, i] by the number of examples of digit i"
        return "the diagonal C[i, i] divided by the sum of row i"
    return None


class _Workflow:
    """A fresh split with a grid of settings whose 'trained models' are fixed answer sheets.

    Column 0 of every ``X`` holds the row's id. The model of setting ``k``
    answers row ``i`` right where ``right[k, i]``; validation, test and
    training accuracies are drawn so that the best setting on each of them
    differs. ``fit`` and the models note which rows they were given.
    """

    def __init__(self, rng, tie: bool = False):
        k = int(rng.integers(5, 8))
        sizes = [int(n) for n in rng.integers(30, 90, 3)]            # train, validation, test
        n = sum(sizes)
        ids = rng.permutation(n)
        parts = np.split(ids, np.cumsum(sizes)[:-1])
        self.part = np.empty(n, dtype=np.int64)
        for p, rows in enumerate(parts):
            self.part[rows] = p
        self.labels = rng.integers(0, digits.CLASSES, n)
        self.right = np.zeros((k, n), dtype=bool)
        # distinct settings: best on train, val, test; worst on val; tied with the best on val
        best = rng.choice(k, 5, replace=False)
        for p, rows in enumerate(parts):
            counts = np.sort(rng.choice(np.arange(len(rows) // 3, len(rows)), k, replace=False))[::-1]
            order = [best[p]] + [i for i in rng.permutation(k) if i != best[p]]
            if p == 1:
                rest = [i for i in order[1:] if i not in best[3:]]
                order = [best[1], best[4], *rest, best[3]]
                if tie:
                    order[:2] = sorted(order[:2])
                    counts[1] = counts[0]
            for setting, c in zip(order, counts):
                self.right[setting, rng.choice(rows, c, replace=False)] = True
        self.grid = [(int(h), float(lam)) for h, lam in zip(rng.choice(np.arange(2, 200), k, replace=False),
                                                            rng.choice([0.0, 1e-4, 1e-3, 1e-2, 0.1], k))]
        X = np.column_stack([np.arange(n), rng.random((n, 4))])
        self.data = digits.Split(*(a for rows in parts for a in (X[rows], self.labels[rows])))
        self.fitted, self.seen = [], []                               # (setting, part) notes

    def accuracy(self, setting: int, part: int) -> float:
        return float(self.right[setting, self.part == part].mean())

    def _ids(self, X) -> np.ndarray:
        ids = np.asarray(X, dtype=float)[:, 0]
        if np.any(ids != np.round(ids)) or ids.min() < 0 or ids.max() >= len(self.part):
            raise ValueError("X must be rows of the data given")
        return ids.astype(np.int64)

    def fit(self, setting, X, y):
        """Train 'setting' on (X, y); returns a model: model(X) -> predicted labels."""
        k = self.grid.index(tuple(setting))
        ids = self._ids(X)
        if not np.array_equal(np.asarray(y), self.labels[ids]):
            raise ValueError("y must hold the labels of the rows of X")
        self.fitted.append((k, frozenset(self.part[ids].tolist()), len(ids)))

        def model(X_new):
            rows = self._ids(X_new)
            self.seen.append((k, frozenset(self.part[rows].tolist()), len(rows)))
            wrong = (self.labels[rows] + 1 + rows % 9) % digits.CLASSES
            return np.where(self.right[k, rows], self.labels[rows], wrong)
        return model


def _workflow_choice(case, chosen, want):
    train = np.flatnonzero(case.part == 0).size
    if any(parts != {0} or n != train for _, parts, n in case.fitted):
        return "fit every setting on the whole training set, and on nothing else"
    if {k for k, _, _ in case.fitted} != set(range(len(case.grid))):
        return "fit every setting of the grid"
    scored = {k for k, parts, _ in case.seen if 1 in parts} == set(range(len(case.grid)))
    if chosen == case.grid[want] and scored:
        return None
    if isinstance(chosen, (int, np.integer)) and not isinstance(chosen, bool):
        return "return the chosen setting itself (an entry of grid), not its position"
    scores = [[case.accuracy(k, p) for k in range(len(case.grid))] for p in range(3)]
    if chosen in [g for g, s in zip(case.grid, scores[1]) if s == max(scores[1])]:
        return "two settings tie on validation: keep the first of them in the grid"
    if chosen == case.grid[int(np.argmax(scores[0]))]:
        return "that is the best setting on the training set; choose on the validation set"
    if chosen == case.grid[int(np.argmax(scores[2]))]:
        return "that setting was chosen by its test score; choose on the validation set only"
    if chosen == case.grid[int(np.argmin(scores[1]))]:
        return "that is the worst setting on validation: keep the highest accuracy"
    if not scored:
        return "score every setting on the validation set"
    return "the chosen setting is the one with the highest validation accuracy"


def _workflow_test(case, chosen, reported):
    if chosen not in case.grid:
        return "return (chosen setting, test accuracy), the setting an entry of grid"
    k = case.grid.index(chosen)
    test = [(j, n) for j, parts, n in case.seen if 2 in parts]
    if not test:
        return "report the chosen network's accuracy on the test set"
    if any(j != k for j, _ in test):
        return "only the chosen network may see the test set: the others are never scored on it"
    if len(test) > 1:
        return "the test set is looked at once, by the chosen network"
    if test[0][1] != np.flatnonzero(case.part == 2).size:
        return "score the chosen network on the whole test set"
    value = number(reported, "the test accuracy")
    if close(value, case.accuracy(k, 2), rtol=1e-12):
        return None
    if close(value, case.accuracy(k, 1), rtol=1e-12):
        return "that is the validation accuracy of the chosen setting; report its test accuracy"
    if close(value, 100 * case.accuracy(k, 2), rtol=1e-12) or value > 1:
        return "report the accuracy as a share between 0 and 1 (correct / number of test images)"
    return "the test accuracy is the share of test images the chosen network reads correctly"


def _outcome(answer, grid):
    if isinstance(answer, (tuple, list)) and tuple(answer) in grid:
        raise Unusable("your function returns only the setting; return two things: "
                       "(chosen setting, test accuracy)")
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Unusable("your function should return two things: (chosen setting, test accuracy)")
    chosen, reported = answer
    chosen = tuple(chosen) if isinstance(chosen, (list, tuple, np.ndarray)) else chosen
    return chosen, reported


@exercise("ex-digits-workflow", points=4, parts={"choice": 2, "test": 2})
def choose_then_test(function):
    """A function (data, grid, fit) -> (setting, test accuracy): choose on validation, test once."""
    verdict = {"choice": None, "test": None}
    rng = fresh()
    for tie in (False, True):
        case = _Workflow(rng, tie=tie)
        scores = [case.accuracy(k, 1) for k in range(len(case.grid))]
        chosen, reported = _outcome(call(function, case.data, list(case.grid), case.fit), case.grid)
        verdict["choice"] = verdict["choice"] or judge(_workflow_choice, case, chosen, int(np.argmax(scores)))
        verdict["test"] = verdict["test"] or judge(_workflow_test, case, chosen, reported)
    return verdict
