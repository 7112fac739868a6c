"""Early stopping: the rule as a pure function, its agreement with training.train, the panel."""
from __future__ import annotations

import numpy as np
import pytest

from lecture_code import datasets, early_stopping, generalization, losses


@pytest.mark.parametrize("val, patience, want", [
    ([0.9, 0.7, 0.6, 0.65, 0.62, 0.5], 2, (2, 5)),
    ([0.9, 0.7, 0.6, 0.65, 0.62, 0.5], 3, (5, 6)),
    ([0.90, 0.70, 0.62, 0.60, 0.61, 0.59, 0.63, 0.64, 0.66, 0.55], 3, (5, 9)),
    ([1.0, 1.0, 1.0], 1, (0, 2)),                  # equal is not lower
    ([3.0, 2.0, 1.0], 1, (2, 3)),                  # never stops
    ([1.0], 5, (0, 1)),
])
def test_early_stopping_epoch_by_hand(val, patience, want):
    assert early_stopping.early_stopping_epoch(val, patience, epochs_run=True) == want
    assert early_stopping.early_stopping_epoch(val, patience) == want[0]


@pytest.mark.parametrize("patience", [1, 3, 10, 40])
def test_early_stopping_epoch_agrees_with_training_train(patience):
    X, y = datasets.circles(120, rng=np.random.default_rng(5), noise=0.2)
    kw = dict(hidden=(16, 16), lr=0.05, epochs=300, X_val=X[40:], y_val=y[40:])
    full, h_full = generalization.train_classifier(X[:40], y[:40], rng=np.random.default_rng(2), **kw)
    assert not h_full.stopped_early and h_full.epochs == 300
    model, h = generalization.train_classifier(X[:40], y[:40], rng=np.random.default_rng(2),
                                               patience=patience, **kw)
    best, ran = early_stopping.early_stopping_epoch(h_full.val_loss, patience, epochs_run=True)
    assert (h.best_epoch, h.epochs) == (best, ran)
    assert h.stopped_early == (ran < 300)
    np.testing.assert_array_equal(h.val_loss, h_full.val_loss[:ran])
    # the restored model is the one of the best epoch: its validation loss is the minimum seen
    restored = losses.binary_cross_entropy(model.forward(X[40:]), y[40:, None])
    assert restored == pytest.approx(min(h.val_loss), rel=1e-12)


@pytest.mark.parametrize("val, patience, match", [
    ([0.5, 0.4], 0, "patience"), ([0.5, 0.4], 1.5, "patience"),
    ([], 2, "val_losses"), ([0.5, np.nan], 2, "val_losses"), ([[0.5, 0.4]], 2, "val_losses"),
])
def test_early_stopping_epoch_rejects_bad_input(val, patience, match):
    with pytest.raises(ValueError, match=match):
        early_stopping.early_stopping_epoch(val, patience)


def long_run():
    X, y = datasets.circles(120, rng=np.random.default_rng(5), noise=0.2)
    _, history = generalization.train_classifier(X[:40], y[:40], rng=np.random.default_rng(2),
                                                 hidden=(16, 16), lr=0.05, epochs=150,
                                                 X_val=X[40:], y_val=y[40:])
    return history


def test_patience_panel_shows_a_figure_at_every_patience_and_says_where_it_stops():
    history = long_run()
    panel = early_stopping.patience_panel(history, max_patience=60)
    for value in panel.controls["patience"].extremes() + [20]:
        png, message = panel.render(patience=value)
        assert message is None and png.startswith(b"\x89PNG")
    best, ran = early_stopping.early_stopping_epoch(history.val_loss, 1, epochs_run=True)
    panel.render(patience=1)
    title = panel.update(patience=1).axes[0].get_title()
    assert f"stops after {ran} epochs, keeps epoch {best}" in title


def test_patience_panel_needs_a_validation_curve():
    history = long_run()
    history.val_loss = []
    with pytest.raises(ValueError, match="val_loss"):
        early_stopping.patience_panel(history)
