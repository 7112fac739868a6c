import math
import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lecture_code import datasets

CLASSIFIERS = {
    "blobs": datasets.blobs,
    "xor": datasets.xor,
    "circles": datasets.circles,
    "moons": datasets.moons,
    "spirals": datasets.spirals,
}
DRAWING = {**CLASSIFIERS, "pass_the_class": datasets.pass_the_class,
           "regression_1d": datasets.regression_1d}


def rng(seed=0):
    return np.random.default_rng(seed)


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_classification_shapes_dtypes_and_balance(name):
    X, y = CLASSIFIERS[name](7, rng=rng())
    assert X.shape == (7, 2) and X.dtype == np.float64
    assert y.shape == (7,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [4, 3]          # the odd example goes to class 0


@pytest.mark.parametrize("make, kwargs", [(datasets.blobs, {"centers": 3}),
                                          (datasets.spirals, {"classes": 3})])
def test_more_classes_balance_with_extras_first(make, kwargs):
    _, y = make(11, rng=rng(), **kwargs)
    assert np.bincount(y).tolist() == [4, 4, 3]


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_rows_are_shuffled(name):
    _, y = CLASSIFIERS[name](40, rng=rng())
    assert not np.array_equal(y, np.sort(y))


@pytest.mark.parametrize("name", DRAWING)
def test_same_seed_same_data_other_seed_other_data(name):
    X1, y1 = DRAWING[name](30, rng=rng(1))
    X2, y2 = DRAWING[name](30, rng=rng(1))
    X3, _ = DRAWING[name](30, rng=rng(2))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_xor_labels_are_xor_of_quadrant_signs():
    X, y = datasets.xor(500, rng=rng())
    np.testing.assert_array_equal(y, (X[:, 0] > 0) != (X[:, 1] > 0))
    assert np.all(np.abs(X) <= 1) and np.all(X != 0)


def test_xor_noise_jitters_points_across_the_axes():
    X, y = datasets.xor(2000, rng=rng(), noise=0.2)
    agree = np.mean(y == ((X[:, 0] > 0) != (X[:, 1] > 0)))
    assert 0.6 < agree < 1.0


def test_circles_radii_separate_classes():
    X, y = datasets.circles(200, rng=rng(), noise=0.0, factor=0.3)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0, rtol=1e-15)
    np.testing.assert_allclose(r[y == 1], 0.3, rtol=1e-15)
    X, y = datasets.circles(400, rng=rng(), noise=0.05, factor=0.5)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r[y == 1].max() < r[y == 0].min()


def test_moons_lie_on_their_half_circles():
    X, y = datasets.moons(100, rng=rng(), noise=0.0)
    a, b = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(a[:, 0], a[:, 1]), 1.0, rtol=1e-15)
    assert np.all(a[:, 1] >= 0)
    np.testing.assert_allclose(np.hypot(b[:, 0] - 1, b[:, 1] - 0.5), 1.0, rtol=1e-15)
    assert np.all(b[:, 1] <= 0.5)


def test_spiral_arms_follow_their_angle_law():
    X, y = datasets.spirals(90, rng=rng(), classes=3, noise=0.0, turns=1.5)
    r = np.hypot(X[:, 0], X[:, 1])
    expected = 2 * np.pi * (1.5 * r + y / 3)
    gap = np.angle(np.exp(1j * (np.arctan2(X[:, 1], X[:, 0]) - expected)))
    np.testing.assert_allclose(gap, 0.0, atol=1e-12)
    assert r.min() >= 0.05 and r.max() <= 1.0


def test_blobs_without_noise_sit_on_their_centres():
    X, y = datasets.blobs(12, rng=rng(), centers=4, spread=3.0, noise=0.0)
    angle = 2 * np.pi * y / 4
    np.testing.assert_allclose(X, 3.0 * np.column_stack([np.cos(angle), np.sin(angle)]),
                               atol=1e-15)


def test_pass_the_class_features_and_logistic_rule():
    X, y = datasets.pass_the_class(20000, rng=rng())
    lectures, hours = X.T
    np.testing.assert_array_equal(lectures, np.round(lectures))
    assert set(lectures.astype(int)) == set(range(datasets.LECTURES + 1))
    assert hours.min() >= 0 and hours.max() <= datasets.MAX_HOURS
    w0, w1, w2 = datasets.PASS_RULE
    p = 1 / (1 + np.exp(-(w0 + w1 * lectures + w2 * hours)))
    # labels are Bernoulli(p): in every band of p the pass count is within 4 sd of its mean
    for low in np.arange(0, 1, 0.2):
        band = (p >= low) & (p < low + 0.2)
        assert abs(np.sum(y[band] - p[band])) < 4 * np.sqrt(np.sum(p[band] * (1 - p[band])))
    assert y[lectures + hours > 16].mean() > 0.85 and y[lectures + hours < 8].mean() < 0.15


@pytest.mark.parametrize("kind", sorted(datasets.REGRESSION_TARGETS))
def test_regression_1d_samples_its_target(kind):
    X, y = datasets.regression_1d(50, rng=rng(), noise=0.0, kind=kind)
    assert X.shape == (50, 1) and y.shape == (50,) and y.dtype == np.float64
    assert np.all(np.abs(X) <= 1)
    np.testing.assert_array_equal(y, datasets.REGRESSION_TARGETS[kind](X[:, 0]))


def test_regression_1d_sin_is_sin_pi_x_and_noise_is_added():
    X, y = datasets.regression_1d(2000, rng=rng(), noise=0.3)
    residual = y - np.sin(np.pi * X[:, 0])
    assert abs(residual.std() - 0.3) < 0.03


def test_polynomial_five_points():
    X, y = datasets.polynomial_five_points(rng=rng(), noise=0.0)
    np.testing.assert_array_equal(X[:, 0], [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(y, 1 + 0.5 * X[:, 0])
    _, y_noisy = datasets.polynomial_five_points(rng=rng())
    assert not np.array_equal(y, y_noisy)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 60), fraction=st.floats(0.01, 0.99), seed=st.integers(0, 2**32 - 1))
def test_train_test_split_partitions_rows(n, fraction, seed):
    X = np.column_stack([np.arange(n), -np.arange(n)])
    y = 10 * np.arange(n)
    X_train, X_test, y_train, y_test = datasets.train_test_split(X, y, fraction, rng=rng(seed))
    rows = np.concatenate([X_train[:, 0], X_test[:, 0]])
    np.testing.assert_array_equal(np.sort(rows), np.arange(n))      # every row exactly once
    assert len(X_test) == min(max(math.ceil(fraction * n), 1), n - 1)
    np.testing.assert_array_equal(y_train, 10 * X_train[:, 0])       # pairs stay together
    np.testing.assert_array_equal(y_test, 10 * X_test[:, 0])
    assert y_train.dtype == y.dtype


def test_train_test_split_is_random_but_reproducible():
    X, y = datasets.blobs(40, rng=rng())
    a = datasets.train_test_split(X, y, 0.25, rng=rng(5))
    b = datasets.train_test_split(X, y, 0.25, rng=rng(5))
    c = datasets.train_test_split(X, y, 0.25, rng=rng(6))
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])


@given(st.lists(st.integers(0, 4), min_size=1, max_size=30))
def test_one_hot_has_a_single_one_at_the_label(labels):
    Y = datasets.one_hot(labels, 5)
    assert Y.shape == (len(labels), 5) and Y.dtype == np.float64
    np.testing.assert_array_equal(Y.sum(axis=1), 1.0)
    np.testing.assert_array_equal(Y.argmax(axis=1), labels)


@pytest.mark.parametrize("call, message", [
    (lambda: datasets.xor(0, rng=rng()), "n must be a whole number >= 1"),
    (lambda: datasets.moons(2.5, rng=rng()), "n must be a whole number >= 1"),
    (lambda: datasets.circles(True, rng=rng()), "n must be a whole number >= 1"),
    (lambda: datasets.pass_the_class(-3, rng=rng()), "n must be a whole number >= 1"),
    (lambda: datasets.xor(10, rng=rng(), noise=-0.1), "noise must be a number >= 0"),
    (lambda: datasets.regression_1d(10, rng=rng(), noise=float("nan")), "noise must be a number >= 0"),
    (lambda: datasets.blobs(10, rng=42), "rng must be a numpy.random.Generator"),
    (lambda: datasets.spirals(10, rng=np.random.RandomState(0)), "rng must be a numpy.random.Generator"),
    (lambda: datasets.polynomial_five_points(rng=None), "rng must be a numpy.random.Generator"),
    (lambda: datasets.blobs(10, rng=rng(), centers=1), "centers must be a whole number >= 2"),
    (lambda: datasets.blobs(10, rng=rng(), spread=0), "spread must be a number > 0"),
    (lambda: datasets.spirals(10, rng=rng(), classes=1), "classes must be a whole number >= 2"),
    (lambda: datasets.spirals(10, rng=rng(), turns=-1), "turns must be a number > 0"),
    (lambda: datasets.circles(10, rng=rng(), factor=1.0), "factor must lie in"),
    (lambda: datasets.circles(10, rng=rng(), factor=0.0), "factor must be a number > 0"),
    (lambda: datasets.regression_1d(10, rng=rng(), kind="tan"), "unknown kind 'tan'"),
    (lambda: datasets.train_test_split(np.ones((4, 2)), np.ones(3), 0.5, rng=rng()),
     "X and y must have the same number of rows"),
    (lambda: datasets.train_test_split(np.ones((4, 2)), np.ones(4), 1.0, rng=rng()),
     "test_fraction must lie in"),
    (lambda: datasets.train_test_split(np.ones((4, 2)), np.ones(4), 0, rng=rng()),
     "test_fraction must be a number > 0"),
    (lambda: datasets.train_test_split(np.ones((1, 2)), np.ones(1), 0.5, rng=rng()),
     "X must have at least 2 rows"),
    (lambda: datasets.one_hot([0, 3], 3), "y must hold whole-number labels in 0..2"),
    (lambda: datasets.one_hot([0.5], 3), "y must hold whole-number labels"),
    (lambda: datasets.one_hot([0, 1], 0), "classes must be a whole number >= 1"),
])
def test_bad_arguments_raise_value_error_naming_them(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_rng_is_keyword_only():
    with pytest.raises(TypeError):
        datasets.xor(10, rng())
