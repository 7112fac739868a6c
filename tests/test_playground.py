"""The playground: configuration, data, training with its vectorised test curve, figure, panel."""
from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest

from lecture_code import losses, playground, plotting, training, widgets
from lecture_code.playground import Config

PNG = b"\x89PNG\r\n\x1a\n"


def reference_history(config: Config, fused: bool = True) -> training.History:
    """What run() must reproduce: train() evaluating the test set after every epoch.

    ``fused=True`` is the engine run() uses, so the numbers are identical; the
    readable loop agrees to rounding (tests/test_fused_training.py).
    """
    X_train, X_test, y_train, y_test = playground.make_data(config)
    rng = np.random.default_rng([config.seed, config.restart])
    model = playground.build(config, rng)
    return training.train(model, X_train, y_train, loss="mse" if config.regression else config.loss,
                           optimizer=config.optimizer, lr=config.lr, epochs=config.epochs,
                           batch_size=config.batch_size, rng=rng, X_val=X_test, y_val=y_test,
                           penalty=config.penalty,
                           lam=config.lam if config.penalty != "none" else 0.0,
                           accuracy=not config.regression, fused=fused)


# -- Config --------------------------------------------------------------------------
def test_the_default_is_the_benchmark_configuration():
    c = Config()
    assert c.sizes == [2, 16, 16, 1]
    assert (c.dataset, c.points, c.activation, c.loss, c.optimizer, c.lr, c.epochs,
            c.batch_size, c.penalty, c.dropout) == ("circles", 200, "relu", "bce", "adam", 0.01,
                                                     300, None, "none", 0.0)


@pytest.mark.parametrize("knob, value", [
    ("dataset", "moons"), ("points", 5), ("noise", -0.1), ("test_fraction", 1.0),
    ("hidden_layers", -1), ("units", 0), ("activation", "softmax"), ("loss", "cce"),
    ("optimizer", "lbfgs"), ("lr", 0.0), ("batch_size", 0), ("penalty", "l3"), ("lam", -1.0),
    ("dropout", 1.0), ("epochs", 0), ("seed", -1), ("restart", 1.5), ("units", 2.0)])
def test_a_bad_knob_raises_a_value_error_naming_it(knob, value):
    with pytest.raises(ValueError, match=knob):
        Config(**{knob: value})


def test_replace_validates_and_rejects_unknown_knobs():
    assert Config().replace(units=3).sizes == [2, 3, 3, 1]
    assert Config().replace(hidden_layers=0).sizes == [2, 1]
    with pytest.raises(ValueError, match="unknown knob"):
        Config().replace(width=3)
    with pytest.raises(ValueError, match="units"):
        Config().replace(units=-2)


# -- data ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", playground.DATASETS)
def test_data_sets_split_and_repeat(name):
    config = Config(dataset=name, points=80, test_fraction=0.25)
    X_train, X_test, y_train, y_test = playground.make_data(config)
    assert X_train.shape == (60, 2) and X_test.shape == (20, 2)
    assert y_train.shape == (60,) and y_test.shape == (20,)
    if name != "regression":
        assert set(np.unique(np.concatenate([y_train, y_test]))) == {0, 1}
    again = playground.make_data(config)
    assert all(np.array_equal(a, b) for a, b in zip(again, (X_train, X_test, y_train, y_test)))
    other = playground.make_data(config.replace(seed=1))
    assert not np.array_equal(other[0], X_train)


def test_bumps_is_a_hill_minus_a_valley():
    X, y = playground.bumps(50, rng=np.random.default_rng(0), noise=0.0)
    c = np.array([0.5, 0.5])
    want = np.exp(-2 * ((X - c) ** 2).sum(1)) - np.exp(-2 * ((X + c) ** 2).sum(1))
    np.testing.assert_allclose(y, want, rtol=0, atol=1e-15)
    assert np.all(np.abs(X) <= 1.5)
    _, noisy = playground.bumps(2000, rng=np.random.default_rng(0), noise=0.3)
    assert abs(np.std(noisy - playground.bumps(2000, rng=np.random.default_rng(0),
                                               noise=0.0)[1]) - 0.3) < 0.02


# -- training and the test curve -----------------------------------------------------
@pytest.mark.parametrize("config", [
    Config(epochs=40),
    Config(dataset="regression", hidden_layers=3, units=5, activation="tanh", epochs=40),
    Config(dataset="spiral", loss="mse", batch_size=10, dropout=0.3, epochs=8),
    Config(dataset="xor", hidden_layers=0, penalty="l2", lam=0.01, epochs=40),
    Config(dataset="blobs", optimizer="sgd", lr=0.5, penalty="l1", epochs=40),
])
def test_run_equals_train_with_a_test_pass_after_every_epoch(config):
    result, want = playground.run(config), reference_history(config)
    got = result.history
    assert got.train_loss == want.train_loss                    # identical training
    np.testing.assert_allclose(got.val_loss, want.val_loss, rtol=1e-13, atol=0)
    if want.val_acc:
        assert got.val_acc == want.val_acc
    assert got.val_loss[-1] == pytest.approx(result.test_loss(), rel=1e-13)
    if not config.regression:
        assert got.val_acc[-1] == result.accuracy()


def test_same_config_same_result_and_restart_changes_the_weights():
    a, b = playground.run(Config(epochs=20)), playground.run(Config(epochs=20))
    assert a.history.train_loss == b.history.train_loss
    c = playground.run(Config(epochs=20, restart=1))
    assert c.history.train_loss[0] != a.history.train_loss[0]
    assert np.array_equal(c.X_train, a.X_train)                     # same data


def test_a_hidden_layer_solves_xor_and_none_cannot():
    flat = playground.run(Config(dataset="xor", noise=0.0, hidden_layers=0))
    deep = playground.run(Config(dataset="xor", noise=0.0, hidden_layers=1, units=8,
                                 activation="tanh"))
    assert flat.accuracy() < 0.75 < 0.9 <= deep.accuracy()


def test_l2_shrinks_the_weights():
    base = Config(noise=0.25, points=100, test_fraction=0.5, hidden_layers=3, epochs=300)
    assert (playground.run(base.replace(penalty="l2", lam=0.01)).weight_norm()
            < 0.5 * playground.run(base).weight_norm())


def test_a_diverging_run_is_flagged_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = playground.run(Config(dataset="regression", optimizer="sgd", lr=10.0))
    assert result.diverged
    assert playground.run(Config(epochs=5)).diverged is False


def test_accuracy_is_for_classification_only():
    with pytest.raises(ValueError, match="regression"):
        playground.run(Config(dataset="regression", epochs=2)).accuracy()


def test_run_rejects_what_is_not_a_config():
    with pytest.raises(ValueError, match="config"):
        playground.run({"dataset": "xor"})


def test_one_blas_thread_restores_the_thread_count():
    from threadpoolctl import threadpool_info
    def blas_threads():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    before = blas_threads()
    assert before, "numpy's BLAS should be visible to threadpoolctl"
    with playground.one_blas_thread():
        assert blas_threads() == [1] * len(before)
    assert blas_threads() == before



def test_without_threadpoolctl_the_playground_trains_the_same_network(monkeypatch):
    # Colab's setup cell installs lecture_code with --no-deps: threadpoolctl may be absent.
    expected = playground.run(Config(epochs=5)).history.train_loss
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)     # import now raises ImportError
    playground._blas_controller.cache_clear()
    try:
        assert playground._blas_controller() is None
        with playground.one_blas_thread():
            assert playground.run(Config(epochs=5)).history.train_loss == expected
    finally:
        playground._blas_controller.cache_clear()

# -- the figure ----------------------------------------------------------------------
def test_figure_reuses_its_artists_and_draws_one_link_per_weight():
    figure = plotting.PlaygroundFigure()
    counts = []
    for config in (Config(epochs=5), Config(epochs=5, hidden_layers=0),
                   Config(epochs=5, hidden_layers=4, units=3), Config(dataset="regression",
                                                                      epochs=5)):
        result = playground.run(config)
        png = figure.update(result).to_png()
        assert png.startswith(PNG)
        counts.append(sum(len(ax.get_children()) for ax in figure.figure.axes))
        links = sum(np.isfinite(line.get_xdata()).sum() // 2 for line in figure.links)
        assert links == sum(W.size for W in result.model.weights)
        w = np.concatenate([W.ravel() for W in result.model.weights])
        positive = sum(np.isfinite(line.get_xdata()).sum() // 2 for line in figure.links[4:])
        assert positive == np.count_nonzero(w > 0)              # vermillion: w > 0
        assert len(figure.nodes.get_xdata()) == sum(config.sizes)
    assert len(set(counts)) == 1


def test_link_widths_grow_with_the_weight():
    figure = plotting.PlaygroundFigure()
    widths = [line.get_linewidth() for line in figure.links[:4]]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    assert list(figure.WIDTHS) == sorted(figure.WIDTHS)


def test_figure_rejects_what_is_not_a_result():
    with pytest.raises(ValueError, match="Result"):
        plotting.PlaygroundFigure().update(Config())


# -- the panel -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def panel():
    return playground.panel(Config(epochs=30))


def test_every_control_extreme_shows_a_figure_or_a_plain_message(panel):
    for name, control in panel.controls.items():
        for value in control.extremes():
            if name == "batch_size" and value == 10:
                value = 50                                      # keep the test quick
            png, message = panel.render(**{name: value})
            assert (png is not None and png.startswith(PNG)) or (png is None and message), (
                name, value)


def test_all_minimum_and_all_maximum_settings_render(panel):
    for pick in (0, -1):
        settings = {n: c.extremes()[pick] for n, c in panel.controls.items()}
        settings["epochs"] = 30
        png, message = panel.render(**settings)
        assert png is not None and png.startswith(PNG), message


def test_divergence_is_a_plain_message(panel):
    png, message = panel.render(dataset="regression", optimizer="sgd", lr=10.0)
    assert png is None and "diverged" in message and "learning rate" in message


def test_panel_controls_match_config_fields():
    names = set(playground.controls())
    assert names == {f for f in Config.__dataclass_fields__}
    assert playground.controls(Config(units=3))["units"].value == 3


# -- the additions to widgets --------------------------------------------------------
def test_button_counts_clicks():
    button = widgets.Button("retrain")
    assert button.value == 0 and button.extremes() == [0, 1] and button.sweep(5) == [0]
    built = button.build()
    seen = []
    built.observe(lambda change: seen.append(change["new"]), names="value")
    built.click()
    built.click()
    assert built.value == 2 and seen == [1, 2]


def test_panel_instances_lists_live_panels_only():
    import gc
    made = widgets.Panel(lambda x: b"", {"x": widgets.Slider("x", 0, 1, 0.5)}, alt="test")
    assert made in widgets.Panel.instances()
    key = id(made)
    del made
    gc.collect()
    assert key not in {id(p) for p in widgets.Panel.instances()}


def test_on_epoch_sees_every_epoch_and_must_be_callable():
    config = Config(epochs=7)
    X_train, _, y_train, _ = playground.make_data(config)
    model, seen = playground.build(config, np.random.default_rng(0)), []
    history = training.train(model, X_train, y_train, epochs=7, rng=np.random.default_rng(0),
                             on_epoch=seen.append)
    assert seen == list(range(7)) == list(range(history.epochs))
    with pytest.raises(ValueError, match="on_epoch"):
        training.train(model, X_train, y_train, epochs=1, rng=np.random.default_rng(0),
                       on_epoch=3)


@pytest.mark.parametrize("sizes", [[2, 1], [2, 5, 1], [2, 4, 3, 1]])
def test_skipping_the_input_gradient_changes_no_weight_gradient(sizes):
    from lecture_code.network import MLP
    rng = np.random.default_rng(1)
    model = MLP(sizes, "tanh", "sigmoid", rng=rng)
    X, dZ = rng.standard_normal((6, 2)), rng.standard_normal((6, 1))
    model.forward(X)
    dX = model._backward_from_z(dZ)
    full = model.flat_grads.copy()
    assert dX.shape == (6, 2)
    assert model._backward_from_z(dZ, need_dX=False) is None
    np.testing.assert_array_equal(model.flat_grads, full)
    assert model.backward(model.layers[-1].A * 0 + 1).shape == (6, 2)   # public: still dX


def test_accuracy_counts_the_right_answers():
    out = np.array([[0.2], [0.7], [0.5], [0.4]])
    assert training.accuracy(out, np.array([[0.0], [1.0], [0.0], [0.0]])) == 0.75
    probs = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    assert training.accuracy(probs, np.eye(2)[[1, 1, 1]]) == pytest.approx(2 / 3)
    assert isinstance(training.accuracy(out, [0, 1, 1, 0]), float)


def test_reproduction_names_are_stored_normalised():
    config = playground.Config(dataset="Circles", activation="ReLU", loss="BCE",
                               optimizer="Adam", penalty="L2", epochs=3)
    assert (config.dataset, config.activation, config.loss, config.optimizer,
            config.penalty) == ("circles", "relu", "bce", "adam", "l2")
    assert playground.run(config).history.epochs == 3             # run raised KeyError
    assert config == playground.Config(dataset="circles", activation="relu", loss="bce",
                                       optimizer="adam", penalty="l2", epochs=3)


def test_a_validation_split_leaves_the_test_set_alone_and_records_its_own_curve():
    config = Config(epochs=30, seed=3)
    plain, split = playground.run(config), playground.run(config, validation=0.5)
    assert plain.X_val is None and split.X_val.shape == (len(plain.X_train) // 2, 2)
    assert np.array_equal(split.X_test, plain.X_test) and np.array_equal(split.y_test, plain.y_test)
    together = np.vstack([split.X_train, split.X_val])
    assert np.array_equal(np.sort(together, axis=0), np.sort(plain.X_train, axis=0))
    last = split.model.loss(split.X_val, split.y_val[:, None], "bce")
    assert np.isclose(split.history.val_loss[-1], last, rtol=1e-12)
    assert not np.isclose(split.history.val_loss[-1], split.test_loss(), rtol=1e-3)
    assert playground.run(config, validation=0.5).history.val_loss == split.history.val_loss
    for bad in (-0.1, 0.95, "half"):
        with pytest.raises(ValueError, match="validation"):
            playground.run(config, validation=bad)


def test_the_figure_names_the_held_out_curve():
    from lecture_code.plotting import PlaygroundFigure
    figure = PlaygroundFigure()
    config = Config(epochs=5)
    figure.update(playground.run(config, validation=0.25))
    assert figure.ax_loss.get_legend().get_texts()[1].get_text() == "validation"
    assert figure.score.get_text().startswith("validation accuracy")
    figure.update(playground.run(config))
    assert figure.ax_loss.get_legend().get_texts()[1].get_text() == "test"
