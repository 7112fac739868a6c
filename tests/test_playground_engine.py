"""The browser playground's JavaScript engine (book/_static/playground/) against lecture_code.

Two directions, over a grid of settings (every activation, loss and
optimizer, the penalties, depth 0 to 6, full batch and minibatches, dropout,
a saturated output):

- numpy -> JavaScript: numpy trains each setting while recording its
  minibatch orders and dropout masks; the fixtures (data, initial weights,
  draws, per-epoch losses) go to ``node --test tests/playground/``, where the
  JavaScript engine must reproduce every epoch to 1e-12 relative. So must its
  activations, cross-entropy and dropout at the edges (saturated
  pre-activations, infinite gradients), against numpy's values there.
- JavaScript -> numpy: the browser's own runs (``Run.exportRun()``, what the
  page's "Reproduce in Python" saves) are replayed by
  :func:`lecture_code.playground.replay`, equal to 1e-10 relative.
"""
import base64
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from lecture_code import activations, losses, playground, regularization, training
from lecture_code.network import MLP
from lecture_code.playground import Config

ROOT = Path(__file__).resolve().parent.parent
ALL_FEATURES = list(playground.FEATURES)


class _Recording(np.random.Generator):
    """A generator that records the orders and dropout decisions numpy draws."""

    def __init__(self, seed, p):
        super().__init__(np.random.PCG64(seed))
        self.p, self.orders, self.keep = p, [], []

    def permutation(self, n):
        order = super().permutation(n)
        self.orders.append(order.tolist())
        return order

    def random(self, size=None, dtype=np.float64, out=None):
        draws = super().random(size)
        self.keep.extend((draws.ravel() >= self.p).astype(float).tolist())
        return draws


def _grid():
    """(name, Config changes, features, epochs): the settings both engines must agree on."""
    small = dict(points=60, units=5, epochs=12)
    for activation in playground.ACTIVATIONS:
        for loss in ("bce", "mse"):
            for optimizer in ("sgd", "momentum", "rmsprop", "adam"):
                yield (f"{activation} {loss} {optimizer}",
                       dict(small, activation=activation, loss=loss, optimizer=optimizer,
                            lr=0.1 if optimizer in ("sgd", "momentum") else 0.01), ["x1", "x2"])
    for depth in range(7):
        yield f"depth {depth}", dict(small, hidden_layers=depth, activation="tanh"), ["x1", "x2"]
    for penalty, lam in (("l1", 0.01), ("l2", 0.01)):
        for batch in (None, 8):
            yield (f"{penalty} batch {batch}", dict(small, penalty=penalty, lam=lam, batch_size=batch,
                                                    optimizer="sgd", lr=0.3), ["x1", "x2"])
    for optimizer in ("sgd", "adam"):
        yield (f"minibatch 10 {optimizer}", dict(small, batch_size=10, optimizer=optimizer, lr=0.05),
               ["x1", "x2"])
    for p in (0.2, 0.5):
        yield (f"dropout {p} minibatch", dict(small, dropout=p, batch_size=16, hidden_layers=3),
               ["x1", "x2"])
    yield "dropout full batch", dict(small, dropout=0.3), ["x1", "x2"]
    # saturated: margins of 20 and more, where a cross-entropy from the rounded probabilities
    # is off by 1e-7 relative; from the logits both engines agree
    yield ("saturated sigmoid output", dict(small, dataset="blobs", noise=0.0, epochs=30,
                                            optimizer="sgd", lr=10.0), ["x1", "x2"])
    yield "spiral, every feature", dict(small, dataset="spiral", hidden_layers=6), ALL_FEATURES
    yield "regression", dict(small, dataset="regression", optimizer="sgd", lr=0.1), ["x1", "x2"]
    yield ("regression, l2, dropout, features", dict(small, dataset="regression", penalty="l2",
                                                     dropout=0.1, batch_size=20), ["x1", "x1x2"])


def _fixture(name, changes, names, seed):
    config = Config(**changes)
    X_train, X_test, y_train, y_test = playground.make_data(config)
    sizes = [len(names)] + config.sizes[1:]
    model = MLP(sizes, config.activation, "linear" if config.regression else "sigmoid",
                rng=np.random.default_rng(seed), dropout=config.dropout)
    rng = _Recording(seed, config.dropout)
    for drop in model.dropouts:
        drop.rng = rng
    initial = model.flat_params.tolist()
    loss = "mse" if config.regression else config.loss
    with playground.one_blas_thread():
        history = training.train(
            model, playground.features(X_train, names), y_train.astype(float), loss=loss,
            optimizer=config.optimizer, lr=config.lr, epochs=config.epochs,
            batch_size=config.batch_size, rng=rng, penalty=config.penalty,
            lam=config.lam if config.penalty != "none" else 0.0,
            X_val=playground.features(X_test, names), y_val=y_test.astype(float))
    assert history.epochs == config.epochs and not history.diverged, name
    return dict(name=name, sizes=sizes, activation=config.activation,
                output="linear" if config.regression else "sigmoid", loss=loss,
                optimizer=config.optimizer, lr=config.lr, batch_size=config.batch_size,
                penalty=config.penalty, lam=config.lam, dropout=config.dropout,
                epochs=config.epochs, features=names, X_train=X_train.tolist(),
                y_train=y_train.tolist(), X_test=X_test.tolist(), y_test=y_test.tolist(),
                initial_params=initial, orders=rng.orders, keep=rng.keep,
                train_loss=history.train_loss, test_loss=history.val_loss,
                train_acc=history.train_acc, test_acc=history.val_acc,
                final_params=model.flat_params.tolist())


#: Pre-activations at and beyond saturation, where the derivatives' forms matter.
EDGE_Z = [-800.0, -50.0, -40.0, -20.0, -1.0, -1e-300, 0.0, 1e-300, 3.0, 20.0, 40.0, 50.0, 800.0]


def _numbers(values):
    """Floats as their shortest decimal text ('inf' too, which JSON cannot hold); JS reads them with Number()."""
    return [repr(float(v)).replace("inf", "Infinity").replace("nan", "NaN") for v in np.ravel(values)]


def _edges():
    """numpy's values at the edges, for the JavaScript engine to reproduce: every hidden
    activation's forward and backward (upstream gradients 1, -3, inf and -inf), the
    cross-entropy from the logits and its gradient for labels 0, 0.3 and 1, and dropout's
    backward pass of an infinite gradient."""
    z = np.array(EDGE_Z)
    acts = {}
    for name in playground.ACTIVATIONS:
        act = activations.get(name)
        with np.errstate(over="ignore"):
            a = act.forward(z)
        acts[name] = dict(forward=_numbers(a), backward={
            _numbers([g])[0]: _numbers(act.backward(z, a, np.full(z.shape, g)))
            for g in (1.0, -3.0, np.inf, -np.inf)})
    bce = {}
    for y in (0.0, 0.3, 1.0):
        Y = np.full((1, 1), y)
        bce[str(y)] = dict(value=_numbers([losses._bce_logits(np.array([[v]]), Y) for v in z]),
                           grad=_numbers([losses._bce_logits_grad(np.array([[v]]), Y)[0, 0] for v in z]))
    drop = regularization.Dropout(0.5, rng=np.random.default_rng(0))
    drop.mask = np.array([0.0, 2.0, 0.0, 2.0])
    dropout = dict(mask=_numbers(drop.mask), dA=_numbers([np.inf, np.inf, -np.inf, -1.5]),
                   backward=_numbers(drop.backward(np.array([np.inf, np.inf, -np.inf, -1.5]))))
    return dict(z=_numbers(z), activations=acts, bce=bce, dropout=dropout)


def _node(*args, env=None, cwd=ROOT):
    result = subprocess.run(["node", *args], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=600)
    return result.returncode, result.stdout + result.stderr


def test_javascript_engine_reproduces_numpy_epoch_by_epoch(tmp_path):
    import os
    fixtures = [_fixture(name, changes, names, seed)
                for seed, (name, changes, names) in enumerate(_grid())]
    path, edges = tmp_path / "fixtures.json", tmp_path / "edges.json"
    path.write_text(json.dumps(fixtures))
    edges.write_text(json.dumps(_edges()))
    code, output = _node("--test", "--test-reporter=spec", "tests/playground/engine.test.mjs",
                         env={**os.environ, "PLAYGROUND_FIXTURES": str(path),
                              "PLAYGROUND_EDGES": str(edges)})
    assert code == 0, output
    # every setting ran, and the coverage check and the edges
    assert f"pass {len(fixtures) + 2}" in output, output


def test_every_layer_of_the_javascript_engine_checks_its_arguments():
    """tests/playground/checks.test.mjs: the trainer, data sets, network, optimizers, generator and
    run refuse bad arguments with a message naming them (no hang, no silent NaN, no quiet default)."""
    code, output = _node("--test", "--test-reporter=spec", "tests/playground/checks.test.mjs")
    assert code == 0, output
    assert "pass 10" in output and "fail 0" in output, output


def test_the_live_run_trains_in_slices_and_sends_snapshots_the_page_can_paint():
    """tests/playground/live.test.mjs: the LiveRun the browser playground's worker holds answers
    each message of the page, ignores those about an earlier run, sends a snapshot while playing
    only once the page has painted the last, stops in the middle of an epoch only while playing, and
    trains exactly as run.js's Run."""
    code, output = _node("--test", "--test-reporter=spec", "tests/playground/live.test.mjs")
    assert code == 0, output
    assert "pass 8" in output and "fail 0" in output, output


def _browser_runs(tmp_path, settings):
    src, out = tmp_path / "settings.json", tmp_path / "runs.json"
    src.write_text(json.dumps(settings))
    code, output = _node("tests/playground/export_runs.mjs", str(src), str(out))
    assert code == 0, output
    return json.loads(out.read_text())


BROWSER_SETTINGS = [
    [{}, 300],
    [{"dataset": "xor", "hidden_layers": 1, "units": 4, "activation": "tanh", "optimizer": "sgd",
      "lr": 0.3, "batch_size": 10}, 40],
    [{"dataset": "spiral", "hidden_layers": 6, "units": [8, 7, 6, 5, 4, 3], "activation": "elu",
      "features": ALL_FEATURES, "optimizer": "rmsprop", "dropout": 0.2, "batch_size": 25}, 30],
    [{"dataset": "blobs", "hidden_layers": 0, "loss": "mse", "optimizer": "momentum", "lr": 0.1,
      "penalty": "l1", "lam": 0.01}, 50],
    [{"dataset": "regression", "hidden_layers": 3, "units": 6, "activation": "sigmoid",
      "penalty": "l2", "lam": 0.001, "batch_size": 30, "dropout": 0.1}, 40],
    [{"dataset": "circles", "activation": "linear", "noise": 0.3, "test_fraction": 0.5,
      "features": ["x1sq", "x2sq"], "restart": 3, "seed": 5}, 60],
]


def test_replay_gives_the_browser_losses(tmp_path):
    runs = _browser_runs(tmp_path, BROWSER_SETTINGS)
    for run, (changes, epochs) in zip(runs, BROWSER_SETTINGS):
        saved = tmp_path / "run.json"
        saved.write_text(json.dumps(run))
        history = playground.replay(saved)       # the file the page's button saves
        browser = run["history"]
        assert run["epochs"] == epochs == history.epochs, changes
        np.testing.assert_allclose(history.train_loss, browser["train_loss"], rtol=1e-10, atol=0)
        np.testing.assert_allclose(history.val_loss, browser["test_loss"], rtol=1e-10, atol=0)
        if run["loss"] == "bce":
            np.testing.assert_allclose(history.train_acc, browser["train_acc"], rtol=1e-10, atol=0)
            np.testing.assert_allclose(history.val_acc, browser["test_acc"], rtol=1e-10, atol=0)


DIVERGING = [
    [{"dataset": "regression", "optimizer": "sgd", "lr": 10, "hidden_layers": 3}, 40],
    [{"dataset": "regression", "optimizer": "sgd", "lr": 10, "hidden_layers": 3, "batch_size": 10}, 40],
    [{"dataset": "regression", "optimizer": "sgd", "lr": 10, "hidden_layers": 3, "dropout": 0.2}, 40],
    [{"dataset": "regression", "optimizer": "momentum", "lr": 100, "hidden_layers": 4, "batch_size": 5}, 40],
]


def test_a_diverged_run_replays_as_diverged_after_the_same_epochs(tmp_path):
    runs = _browser_runs(tmp_path, DIVERGING)
    assert [r["epochs"] for r in runs][-1] == 0, "the last setting diverges in its first epoch"
    for run, (changes, _) in zip(runs, DIVERGING):
        assert run["history"]["diverged"] and run["epochs"] < 40, changes
        history = playground.replay(run)
        assert history.diverged and history.epochs == run["epochs"], changes
        for ours, theirs in ((history.train_loss, "train_loss"), (history.val_loss, "test_loss")):
            browser = np.array(run["history"][theirs], dtype=float)   # JSON writes inf and NaN as null
            ours = np.asarray(ours, dtype=float)
            lost = np.isnan(browser)
            assert not np.isfinite(ours[lost]).any(), changes
            np.testing.assert_allclose(ours[~lost], browser[~lost], rtol=1e-10, atol=0)


def test_replay_uses_the_recorded_draws(tmp_path):
    """Another minibatch order or another dropout mask gives other losses (the draws matter)."""
    run = _browser_runs(tmp_path, [BROWSER_SETTINGS[2]])[0]
    reference = playground.replay(run)
    reordered = dict(run, orders=[order[::-1] for order in run["orders"]])
    assert playground.replay(reordered).train_loss[-1] != pytest.approx(reference.train_loss[-1])
    keep = base64.b64decode(run["dropout_keep"])
    flipped = dict(run, dropout_keep=base64.b64encode(bytes(255 - b for b in keep)).decode())
    assert playground.replay(flipped).train_loss[-1] != pytest.approx(reference.train_loss[-1])


def test_replay_rejects_what_is_not_a_run(tmp_path):
    with pytest.raises(ValueError, match="format 'nn-playground-run'"):
        playground.replay({"config": {}})
    run = _browser_runs(tmp_path, [[{"hidden_layers": 1, "units": 3, "batch_size": 20}, 3]])[0]
    with pytest.raises(ValueError, match="initial_params"):
        playground.replay(dict(run, initial_params=run["initial_params"][:-1]))
    with pytest.raises(ValueError, match="fewer minibatch orders"):
        playground.replay(dict(run, orders=run["orders"][:-1]))
    with pytest.raises(ValueError, match="no trained epochs and did not diverge"):
        playground.replay(dict(run, epochs=0))
    with pytest.raises(ValueError, match="whole number >= 0"):
        playground.replay(dict(run, epochs=-1))
    with pytest.raises(ValueError, match="dropout_keep"):
        playground.replay(dict(run, dropout_keep="not base64!"))
    with pytest.raises(ValueError, match="permutation"):
        playground.replay(dict(run, orders=[[0] * len(o) for o in run["orders"]]))


def test_features_are_tensorflow_playgrounds():
    X = np.array([[0.5, -2.0], [1.0, 3.0]])
    F = playground.features(X, ALL_FEATURES)
    np.testing.assert_array_equal(F[:, :5], [[0.5, -2.0, 0.25, 4.0, -1.0], [1.0, 3.0, 1.0, 9.0, 3.0]])
    np.testing.assert_allclose(F[:, 5:], np.sin(X), rtol=0, atol=0)
    with pytest.raises(ValueError, match="feature"):
        playground.features(X, ["x3"])
    with pytest.raises(ValueError, match="non-empty list"):
        playground.features(X, [])


def test_the_chapters_example_run_is_what_the_browser_engine_makes():
    """lecture_code/data/playground_run.json (replayed in chapter 8) is the engine's run of
    scripts/playground_example.py's setting; after an engine change, rerun that script."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("playground_example",
                                                  ROOT / "scripts" / "playground_example.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    saved, fresh = playground.example_run(), script.browser_run()
    assert saved["config"] == fresh["config"] and saved["orders"] == fresh["orders"]
    assert saved["dropout_keep"] == fresh["dropout_keep"]
    for key in ("train_loss", "test_loss", "train_acc", "test_acc"):
        np.testing.assert_allclose(saved["history"][key], fresh["history"][key], rtol=1e-12, atol=0)
    np.testing.assert_allclose(saved["initial_params"], fresh["initial_params"], rtol=1e-12, atol=0)


def test_the_site_face_of_the_panel_is_the_browser_playground():
    html = playground.panel(Config(epochs=30)).static_html()
    assert 'class="nn-playground"' in html and "_static/playground/playground.js" in html
    assert "&quot;epochs&quot;: 30" in html         # starts at the panel's configuration
    assert "lc-frames" not in html                   # no precomputed frames
    with pytest.raises(ValueError, match="playground.Config"):
        playground.site_html({"epochs": 30})
