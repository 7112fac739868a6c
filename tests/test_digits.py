"""digits: the carried data file is verified, split without overlap, and the chapter's
model, confusion matrix, grid search and panel compute what their docstrings say."""
from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from support import PNG_SIGNATURE

from lecture_code import digits, training

# The UCI test set's class counts (sklearn.datasets.load_digits documents the same 1,797).
COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


@pytest.fixture(scope="module")
def data():
    X, y = digits.load()
    return digits.split(X, y, rng=np.random.default_rng(0))


@pytest.fixture(scope="module")
def small(data):
    """A tenth of each part: enough to train on, fast enough to do it often."""
    return digits.Split(*(part[: len(part) // 10] for part in data))


def test_load_shapes_dtypes_ranges_and_class_counts():
    X, y = digits.load()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.bincount(y).tolist() == COUNTS


def test_scaled_pixels_are_the_counts_over_16_and_each_call_is_a_fresh_copy():
    X, y = digits.load()
    raw, y_raw = digits.load(scale=False)
    assert np.array_equal(raw, np.round(raw)) and raw.max() == 16
    np.testing.assert_array_equal(X * 16, raw)
    X[:] = -1.0
    y[:] = 99
    again, y_again = digits.load()
    assert again.min() == 0.0 and np.array_equal(y_again, y_raw)


def test_first_image_is_a_zero():
    raw, y = digits.load(scale=False)
    assert y[0] == 0
    image = raw[0].reshape(8, 8)
    assert image[3:5, 3:5].sum() == 0 and image[3:5, [1, 6]].min() > 0  # a ring, empty inside


def test_a_damaged_file_is_refused_by_its_checksum():
    good = (digits.resources.files("lecture_code") / "data" / digits.FILE).read_bytes()
    assert hashlib.sha256(good).hexdigest() == digits.SHA256
    with pytest.raises(ValueError, match="SHA-256"):
        digits._raw(good[:-1] + bytes([good[-1] ^ 1]))


def test_a_file_of_the_wrong_shape_is_refused(monkeypatch):
    short = gzip.compress(b"0," * 64 + b"3\n")
    monkeypatch.setattr(digits, "SHA256", hashlib.sha256(short).hexdigest())
    with pytest.raises(ValueError, match="1797 rows"):
        digits._raw(short)


def test_the_wheel_ships_the_data_and_its_licence(tmp_path):
    """A non-editable install is a wheel: it must hold the data file and its README.
    Built from a copy of the sources, so that the build leaves nothing in the repository."""
    root = Path(digits.__file__).resolve().parents[1]
    source = tmp_path / "source"
    shutil.copytree(root / "lecture_code", source / "lecture_code",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(root / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(source)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("lecture_code-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "lecture_code/data/digits.csv.gz" in names
    assert "lecture_code/data/README.md" in names
    assert "lecture_code/data/playground_run.json" in names     # chapter 8 replays it, in Colab too
    shipped = zipfile.ZipFile(wheel).read("lecture_code/data/digits.csv.gz")
    assert hashlib.sha256(shipped).hexdigest() == digits.SHA256


def test_split_sizes_and_every_row_in_exactly_one_part():
    X = np.arange(1797.0)[:, None] * np.ones((1, 64))      # row i is all i: rows are traceable
    y = np.arange(1797) % 10
    parts = digits.split(X, y, rng=np.random.default_rng(1))
    assert [len(p) for p in parts] == [1077, 1077, 360, 360, 360, 360]
    ids = np.concatenate([parts.X_train[:, 0], parts.X_val[:, 0], parts.X_test[:, 0]])
    assert np.array_equal(np.sort(ids), np.arange(1797.0))
    for Xp, yp in ((parts.X_train, parts.y_train), (parts.X_val, parts.y_val),
                   (parts.X_test, parts.y_test)):
        np.testing.assert_array_equal(Xp[:, 0].astype(int) % 10, yp)   # labels stay with rows


def test_split_is_reproducible_and_checks_its_fractions():
    X, y = digits.load()
    a = digits.split(X, y, rng=np.random.default_rng(2))
    b = digits.split(X, y, rng=np.random.default_rng(2))
    assert all(np.array_equal(p, q) for p, q in zip(a, b))
    with pytest.raises(ValueError, match="validation \\+ test"):
        digits.split(X, y, rng=np.random.default_rng(0), validation=0.5, test=0.5)
    with pytest.raises(ValueError, match="validation"):
        digits.split(X, y, rng=np.random.default_rng(0), validation=-0.1)


def test_confusion_matrix_counts_pairs_rows_true_columns_predicted():
    rng = np.random.default_rng(3)
    t, p = rng.integers(0, 10, 300), rng.integers(0, 10, 300)
    C = digits.confusion_matrix(t, p)
    want = np.zeros((10, 10), dtype=int)
    for i, j in zip(t, p):
        want[i, j] += 1
    np.testing.assert_array_equal(C, want)
    assert C.dtype == np.int64 and C.sum() == 300
    assert np.trace(C) / C.sum() == np.mean(t == p)
    np.testing.assert_array_equal(digits.confusion_matrix([0, 1], [1, 1], classes=2), [[0, 1], [0, 1]])


@pytest.mark.parametrize("t, p, message", [([0, 10], [0, 1], "y_true"), ([0, 1], [0, 1.5], "y_pred"),
                                          ([0, 1, 2], [0, 1], "same shape")])
def test_confusion_matrix_refuses_bad_labels(t, p, message):
    with pytest.raises(ValueError, match=message):
        digits.confusion_matrix(t, p)


def test_recall_is_the_diagonal_over_row_sums_and_nan_for_an_absent_class():
    C = np.array([[8, 2, 0], [1, 3, 0], [0, 0, 0]])
    r = digits.recall(C)
    np.testing.assert_array_equal(r[:2], [0.8, 0.75])
    assert np.isnan(r[2])
    with pytest.raises(ValueError, match="square"):
        digits.recall(np.ones((2, 3)))


def test_misclassified_lists_the_differing_indices():
    np.testing.assert_array_equal(digits.misclassified([1, 2, 3, 4], [1, 0, 3, 0]), [1, 3])
    with pytest.raises(ValueError, match="equal length"):
        digits.misclassified([1, 2], [1])


def test_network_is_64_hidden_10_relu_softmax():
    model = digits.network(16, rng=np.random.default_rng(0))
    assert model.sizes == [64, 16, 10] and model.n_parameters() == 64 * 16 + 16 + 16 * 10 + 10
    assert model.layers[0].activation.name == "relu" and model.layers[1].activation.name == "softmax"
    with pytest.raises(ValueError, match="hidden"):
        digits.network(-1, rng=np.random.default_rng(0))


def test_network_without_hidden_units_is_softmax_regression():
    model = digits.network(0, rng=np.random.default_rng(0))
    assert model.sizes == [64, 10] and model.n_parameters() == 64 * 10 + 10
    assert model.layers[0].activation.name == "softmax"


def test_fit_is_train_with_adam_cce_l2_and_the_validation_set(small):
    model, hist = digits.fit(small, 8, 5, 1e-3, rng=np.random.default_rng(4))
    rng = np.random.default_rng(4)
    twin = digits.network(8, rng=rng)
    want = training.train(twin, small.X_train, small.y_train, loss="cce", optimizer="adam",
                          lr=0.01, epochs=5, batch_size=64, rng=rng, X_val=small.X_val,
                          y_val=small.y_val, penalty="l2", lam=1e-3, fused=True)
    assert hist.train_loss == want.train_loss and hist.val_acc == want.val_acc
    assert all(np.array_equal(a, b) for a, b in zip(model.parameters(), twin.parameters()))
    assert len(hist.val_loss) == 5
    with pytest.raises(TypeError, match="Split"):
        digits.fit((small.X_train, small.y_train), rng=np.random.default_rng(0))


def test_the_network_learns_the_digits(data):
    """Far above chance (0.1): a 32-unit network reaches over 0.9 on validation in 10 epochs."""
    model, hist = digits.fit(data, 32, 10, rng=np.random.default_rng(0))
    assert hist.val_acc[-1] > 0.9
    assert hist.train_loss[-1] < 0.5 * hist.train_loss[0]
    np.testing.assert_array_equal(digits.predict(model, data.X_val),
                                  model.forward(data.X_val).argmax(axis=1))


def test_grid_search_returns_each_runs_final_validation_accuracy_and_the_best(small):
    accuracy, best = digits.grid_search(small, [4, 8], [0.0, 0.1], seed=5, epochs=3)
    for i, h in enumerate([4, 8]):
        for j, lam in enumerate([0.0, 0.1]):
            _, hist = digits.fit(small, h, 3, lam, rng=np.random.default_rng(5))
            assert accuracy[i, j] == hist.val_acc[-1]
    i, j = np.unravel_index(np.argmax(accuracy), accuracy.shape)
    assert best == ([4, 8][i], [0.0, 0.1][j])
    with pytest.raises(ValueError, match="at least one"):
        digits.grid_search(small, [], [0.0], seed=0)


def test_grid_search_ties_go_to_the_first_setting(small, monkeypatch):
    monkeypatch.setattr(digits, "fit", lambda *a, **k: (None, training.History(val_acc=[0.5])))
    _, best = digits.grid_search(small, [16, 4], [0.1, 0.0], seed=0)
    assert best == (16, 0.1)


def test_panel_renders_a_figure_at_its_defaults_and_every_extreme(small):
    panel = digits.panel(small)
    assert list(panel.controls) == ["hidden", "epochs", "lam"]
    assert panel.static_controls == ("hidden", "epochs", "lam")      # the site has every control
    png, message = panel.render()
    assert message is None and png.startswith(PNG_SIGNATURE)
    for name, control in panel.controls.items():
        for value in control.extremes():
            png, message = panel.render(**{name: value})
            assert message is None and png.startswith(PNG_SIGNATURE), (name, value)


def test_panel_shows_a_message_when_training_diverges(small, monkeypatch):
    panel = digits.panel(small)
    monkeypatch.setattr(digits, "fit", lambda *a, **k: (None, training.History(diverged=True)))
    png, message = panel.render(lam=0.1)
    assert png is None and "diverged" in message


def test_fit_with_patience_keeps_the_epoch_of_lowest_validation_loss(data):
    model, hist = digits.fit(data, 64, 40, rng=np.random.default_rng(2), patience=3)
    assert hist.best_epoch == int(np.argmin(hist.val_loss))
    assert hist.epochs == hist.best_epoch + 4 < 40 and hist.stopped_early
    assert digits.accuracy(data.y_val, digits.predict(model, data.X_val)) == hist.val_acc[hist.best_epoch]


def test_accuracy_and_the_majority_baseline():
    assert digits.accuracy([1, 2, 3, 4], [1, 0, 3, 0]) == 0.5
    assert digits.majority_accuracy([3, 3, 1, 0], [3, 1, 3, 2, 2]) == 0.4
    assert digits.majority_accuracy([2, 1, 1, 2], [1, 2, 2]) == 1 / 3     # a tie: the smaller digit
    with pytest.raises(ValueError, match="equal length"):
        digits.accuracy([1, 2], [1])


def _brute_nearest(prototypes, X):
    return np.array([int(np.argmin([np.sum((x - p) ** 2) for p in prototypes])) for x in X])


def test_nearest_neighbour_and_centroid_are_the_nearest_by_euclidean_distance():
    rng = np.random.default_rng(7)
    X_train, y_train = rng.integers(0, 17, (60, 64)) / 16, rng.integers(0, 10, 60)
    X = rng.integers(0, 17, (25, 64)) / 16
    np.testing.assert_array_equal(digits.nearest_neighbour(X_train, y_train, X),
                                  y_train[_brute_nearest(X_train, X)])
    np.testing.assert_array_equal(digits.nearest_neighbour(X_train, y_train, X_train), y_train)
    centroids = np.stack([X_train[y_train == k].mean(axis=0) for k in range(10)])
    np.testing.assert_array_equal(digits.nearest_centroid(X_train, y_train, X),
                                  _brute_nearest(centroids, X))


def test_nearest_neighbour_breaks_exact_ties_towards_the_first_training_image():
    X_train = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    assert digits.nearest_neighbour(X_train, [4, 7, 9], np.array([[0.5, 0.5], [0.0, 1.0]])).tolist() == [4, 4]
    assert digits.nearest_centroid(X_train, [5, 5, 2], np.array([[0.0, 1.0]])).tolist() == [2]
    with pytest.raises(ValueError, match="same number of rows"):
        digits.nearest_neighbour(X_train, [1, 2], X_train)


def test_sweep_scores_each_seed_and_setting_at_its_early_stopping_epoch(small):
    result = digits.sweep(small, [0, 4], [0.0, 0.1], [3, 5], epochs=6, patience=2)
    assert result.accuracy.shape == result.epochs.shape == (2, 2, 2)
    for (s, i, j) in np.ndindex(2, 2, 2):
        _, hist = digits.fit(small, [0, 4][i], 6, [0.0, 0.1][j], patience=2,
                             rng=np.random.default_rng([3, 5][s]))
        assert result.accuracy[s, i, j] == hist.val_acc[hist.best_epoch]
        assert result.epochs[s, i, j] == hist.best_epoch + 1
    np.testing.assert_array_equal(result.mean(), result.accuracy.mean(axis=0))
    np.testing.assert_array_equal(result.sd(), result.accuracy.std(axis=0, ddof=1))
    blind = digits.Split(*small[:4], small.X_test * 0 + 1, (small.y_test + 1) % 10)
    np.testing.assert_array_equal(digits.sweep(blind, [0, 4], [0.0, 0.1], [3, 5], epochs=6,
                                               patience=2).accuracy, result.accuracy)
    with pytest.raises(ValueError, match="two seeds at least"):
        digits.sweep(small, [4], [0.0], [0])


def test_sweep_best_is_the_highest_mean_and_wins_count_each_seeds_winner():
    acc = np.array([[[0.90, 0.95], [0.97, 0.96]], [[0.91, 0.99], [0.98, 0.97]], [[0.5, 0.5], [0.5, 0.5]]])
    result = digits.Sweep(acc, np.ones_like(acc, dtype=int), (8, 32), (0.0, 0.01), (0, 1, 2))
    assert result.best() == (32, 0.0)
    np.testing.assert_array_equal(result.wins(), [[1, 1], [1, 0]])     # the tied seed: the first


def test_accuracy_interval_is_wilsons_score_interval():
    p, se, (low, high) = digits.accuracy_interval(350, 360)
    assert p == 350 / 360 and se == pytest.approx(np.sqrt(p * (1 - p) / 360), rel=1e-15)
    z = 1.96
    for bound in (low, high):     # Wilson's bounds solve |p - q| = z sqrt(q (1 - q) / n)
        assert abs(p - bound) == pytest.approx(z * np.sqrt(bound * (1 - bound) / 360), rel=1e-12)
    assert low < p < high
    assert digits.accuracy_interval(360, 360)[2][1] == pytest.approx(1.0, abs=1e-15)
    assert digits.accuracy_interval(0, 10)[2][0] == pytest.approx(0.0, abs=1e-15)
    with pytest.raises(ValueError, match="at most"):
        digits.accuracy_interval(11, 10)


def test_panel_trains_each_setting_once(small, monkeypatch):
    panel = digits.panel(small)
    calls = []
    real = digits.fit
    monkeypatch.setattr(digits, "fit", lambda *a, **k: calls.append(a[1:4]) or real(*a, **k))
    first = panel.render(hidden=4, epochs=2, lam=1e-3)
    assert panel.render(hidden=4, epochs=2, lam=1e-3) == first and len(calls) == 1


def test_count_parameters_is_what_the_network_holds():
    for sizes in ([64, 10], [64, 32, 10], [3, 1, 4, 1, 5]):
        assert digits.count_parameters(sizes) == digits.MLP(sizes, rng=np.random.default_rng(0)).n_parameters()
    with pytest.raises(ValueError, match="at least an input"):
        digits.count_parameters([5])
