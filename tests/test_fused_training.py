"""The fast training paths equal the readable one: same weights, same per-epoch losses.

``training.train(..., fused=True)`` (what the live panels run) must be the
reference ``training.train`` to rounding, with either engine behind it: fused
numpy (:class:`lecture_code.fused_training.FusedStep`) and, where numba is
installed, the compiled loop (:mod:`lecture_code.compiled_training`). Each
case trains two copies of one network from the same seed, once each way, and
compares every weight and every entry of the history to 1e-12, over a grid:
every activation, loss and optimizer, penalties, dropout, minibatches, depth
0-6 and width 1-16.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from lecture_code import compiled_training, fused_training, losses, optimizers, playground, training
from lecture_code.network import MLP

TOL = 1e-12
NO_NUMBA = ("numba is not installed: the compiled loop is an optional accelerator, and "
            "fused numpy (tested here too) runs in its place")


@pytest.fixture(params=["numpy", "compiled"])
def engine(request, monkeypatch):
    """Run the test with one engine behind ``fused=True``."""
    if request.param == "numpy":
        monkeypatch.setenv("LECTURE_CODE_NUMBA", "0")
    else:
        if compiled_training.numba is None:
            pytest.skip(NO_NUMBA)
        monkeypatch.delenv("LECTURE_CODE_NUMBA", raising=False)
        compiled_training.warm_up(wait=True)     # a training before may have started the compile
    assert compiled_training.available() == (request.param == "compiled")
    return request.param
HIDDEN = ("sigmoid", "tanh", "relu", "elu", "linear", "step")
# (loss, output activation): the fused pairs and ones that go through the output's backward
HEADS = (("bce", "sigmoid"), ("cce", "softmax"), ("mse", "linear"), ("mae", "linear"),
         ("mse", "sigmoid"), ("mae", "tanh"))
OPTIMIZERS = (("sgd", {}), ("momentum", {}), ("momentum", {"nesterov": True}),
              ("sgd", {"momentum": 0.5, "dampening": 0.2}), ("momentum_ema", {}),
              ("adagrad", {"lr_decay": 0.01}), ("rmsprop", {}), ("rmsprop", {"centered": True}),
              ("rmsprop", {"momentum": 0.5}), ("adadelta", {}), ("adam", {}),
              ("adam", {"weight_decay": 0.01}), ("sgd", {"weight_decay": 0.1}))
LR = {"sgd": 0.1, "momentum": 0.05, "momentum_ema": 0.1, "adagrad": 0.05, "rmsprop": 0.005,
      "adadelta": 1.0, "adam": 0.01}


def data(head, n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    if head[1] == "softmax":
        return X, rng.integers(0, 3, size=n)
    if head[0] == "bce":
        return X, (X[:, 0] * X[:, 1] > 0).astype(float)
    return X, np.tanh(X[:, :1] - X[:, 1:2]) * 0.8


def both(case, epochs=12, nudged=False):
    """Train the same network both ways; return ((model, history) readable, (model, history) fused),
    and with ``nudged`` a third, readable run whose every weight starts one ulp larger."""
    depth, width, hidden, head, (opt, options), penalty, dropout, batch = case
    X, y = data(head)
    X_val, y_val = data(head, n=15, seed=1)
    out_units = 3 if head[1] == "softmax" else 1
    sizes = [3] + [width] * depth + [out_units]
    runs = []
    for fused in (False, True) + ((False,) if nudged else ()):
        model = MLP(sizes, hidden, head[1], rng=np.random.default_rng(7), dropout=dropout)
        if len(runs) == 2:
            model.flat_params[:] = np.nextafter(model.flat_params, np.inf)
        history = training.train(
            model, X, y, loss=head[0], optimizer=opt, lr=LR[opt], epochs=epochs,
            batch_size=batch, rng=np.random.default_rng(11), X_val=X_val, y_val=y_val,
            penalty=penalty, lam=0.01 if penalty != "none" else 0.0, fused=fused, **options)
        runs.append((model, history))
    return runs


def rounding(reference, nudged):
    """How far rounding alone moves each number of a run: |readable - readable with every
    weight one ulp away|, times 10. About 1e-16 for a run that converges; large only for
    a run that explodes (losses of 1e120 after one epoch), where rounding grows with every
    layer and two correct implementations that round differently part as far."""
    reference, nudged = np.asarray(reference, dtype=float), np.asarray(nudged, dtype=float)
    if reference.shape != nudged.shape:
        return np.zeros(reference.shape)       # no estimate: the plain tolerance holds
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(10.0 * np.abs(nudged - reference))


def close(got, want, allowed) -> bool:
    """Every entry within ``allowed``, or the same inf or NaN (a run that diverged)."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    with np.errstate(invalid="ignore"):
        same = (got == want) | (np.isnan(got) & np.isnan(want))
        return bool(np.all(same | (np.abs(got - want) <= allowed)))


def assert_equal_runs(case):
    """Equal to 1e-12 (absolute, or relative for a diverging run's huge losses), or to what
    rounding alone changes in the readable run, if that is more (see ``rounding``)."""
    (m1, h1), (m2, h2), (m3, h3) = both(case, nudged=True)
    assert h1.epochs == h2.epochs and h1.epochs > 0
    for field in ("train_loss", "val_loss", "train_acc", "val_acc"):
        a, b = getattr(h1, field), getattr(h2, field)
        assert len(a) == len(b), field
        allowed = np.maximum(TOL * (1.0 + np.abs(np.asarray(a, dtype=float))),
                             rounding(a, getattr(h3, field)))
        assert close(b, a, allowed), f"{field} of {case}: {b} against {a}"
    assert (h1.best_epoch, h1.stopped_early, h1.diverged) == \
        (h2.best_epoch, h2.stopped_early, h2.diverged)
    for p1, p2, p3 in zip(m1.parameters(), m2.parameters(), m3.parameters()):
        assert close(p2, p1, np.maximum(TOL, rounding(p1, p3))), f"weights of {case}"


BASE = (2, 8, "relu", ("bce", "sigmoid"), ("adam", {}), "none", 0.0, None)


def vary(position, values):
    return [BASE[:position] + (v,) + BASE[position + 1:] for v in values]


AXES = (vary(0, range(7)) + vary(1, (1, 2, 5, 16)) + vary(2, HIDDEN) + vary(3, HEADS)
        + vary(4, OPTIMIZERS) + vary(5, ("l1", "l2")) + vary(6, (0.3,)) + vary(7, (1, 7, 32)))


def mixed(count=60, seed=2024):
    """A seeded sample of the whole grid: every axis moved at once."""
    rng = np.random.default_rng(seed)
    grid = [range(7), range(1, 17), HIDDEN, HEADS, OPTIMIZERS, ("none", "l1", "l2"),
            (0.0, 0.25), (None, 1, 5, 16)]
    return [tuple(axis[rng.integers(len(axis))] for axis in grid) for _ in range(count)]


def label(case):
    depth, width, hidden, head, (opt, options), penalty, dropout, batch = case
    extra = ",".join(f"{k}={v}" for k, v in options.items())
    return (f"d{depth}-w{width}-{hidden}-{head[0]}/{head[1]}-{opt}{'(' + extra + ')' if extra else ''}"
            f"-{penalty}-p{dropout}-b{batch}")


@pytest.mark.parametrize("case", AXES, ids=label)
def test_fused_equals_readable_along_each_axis(case, engine):
    assert_equal_runs(case)


@pytest.mark.parametrize("case", mixed(), ids=label)
def test_fused_equals_readable_over_a_sample_of_the_whole_grid(case, engine):
    assert_equal_runs(case)


def test_the_grid_covers_every_activation_loss_and_optimizer():
    cases = AXES + mixed()
    assert {c[2] for c in cases} >= set(HIDDEN)
    assert {c[3][0] for c in cases} == set(("bce", "cce", "mse", "mae"))
    assert {c[4][0] for c in cases} == set(optimizers.NAMES)
    assert {c[0] for c in cases} == set(range(7)) and {1, 16} <= {c[1] for c in cases}


@pytest.mark.parametrize("name,expected", [("adam", "_adam"), ("sgd", "_sgd"),
                                           ("momentum", "_sgd"), ("rmsprop", "_rmsprop"),
                                           ("adagrad", "_object_step")])
def test_the_panels_optimizers_run_fused(name, expected):
    """The fused update is the one that runs (so the equality above is about it)."""
    model = MLP([2, 4, 1], rng=np.random.default_rng(0))
    opt = optimizers.make(name, [model.flat_params], 0.01)
    from lecture_code import losses
    step = fused_training.FusedStep(model, losses.get("bce"), "none", 0.0, opt)
    assert step.step.__name__ == expected


def test_early_stopping_and_on_epoch_agree(engine):
    X, y = data(("bce", "sigmoid"), n=60)
    Xv, yv = data(("bce", "sigmoid"), n=30, seed=5)
    seen = {False: [], True: []}
    results = {}
    for fused in (False, True):
        model = MLP([3, 12, 12, 1], rng=np.random.default_rng(3))
        hist = training.train(model, X, y, optimizer="adam", lr=0.05, epochs=200,
                              rng=np.random.default_rng(4), X_val=Xv, y_val=yv, patience=5,
                              on_epoch=lambda e, f=fused, m=model: seen[f].append(
                                  m.flat_params.copy()), fused=fused)
        results[fused] = (model.flat_params.copy(), hist)
    assert results[True][1].stopped_early and results[False][1].stopped_early
    assert results[True][1].best_epoch == results[False][1].best_epoch
    np.testing.assert_allclose(results[True][0], results[False][0], rtol=0, atol=TOL)
    np.testing.assert_allclose(np.array(seen[True]), np.array(seen[False]), rtol=0, atol=TOL)


def test_a_ready_optimizer_over_per_layer_arrays_also_agrees(engine):
    X, y = data(("bce", "sigmoid"))
    finals = []
    for fused in (False, True):
        model = MLP([3, 6, 1], rng=np.random.default_rng(1))
        opt = optimizers.Adam(model.parameters(), lr=0.02)
        hist = training.train(model, X, y, optimizer=opt, epochs=20, batch_size=8,
                              rng=np.random.default_rng(2), fused=fused)
        finals.append((model.flat_params.copy(), hist.train_loss))
    np.testing.assert_allclose(finals[1][0], finals[0][0], rtol=0, atol=TOL)
    np.testing.assert_allclose(finals[1][1], finals[0][1], rtol=0, atol=TOL)


def test_a_diverging_run_diverges_both_ways(engine):
    X, y = data(("mse", "linear"))
    flags = []
    for fused in (False, True):
        model = MLP([3, 16, 16, 1], "relu", "linear", rng=np.random.default_rng(0))
        hist = training.train(model, X, y * 1e3, loss="mse", optimizer="sgd", lr=5.0, epochs=50,
                              rng=np.random.default_rng(1), fused=fused)
        flags.append((hist.diverged, hist.epochs))
    assert flags[0] == flags[1] and flags[0][0]


def test_saturated_outputs_give_the_same_exact_losses_both_ways(engine):
    """Outputs pushed far into saturation: both paths report the loss from the logits
    (far above the 27.6 that clipping probabilities at 1e-12 would cap it at)."""
    for loss, out, k in (("bce", "sigmoid", 1), ("cce", "softmax", 3)):
        X, y = data((loss, out))
        runs = []
        for fused in (False, True):
            model = MLP([3, 8, k], "tanh", out, rng=np.random.default_rng(3))
            model.layers[-1].params["W"] *= 200.0          # logits of order 1e3
            hist = training.train(model, X, y, loss=loss, optimizer="sgd", lr=1e-6, epochs=3,
                                  rng=np.random.default_rng(4), fused=fused)
            runs.append((model.flat_params.copy(), hist.train_loss))
        assert runs[0][1][0] > 40.0
        np.testing.assert_allclose(runs[1][0], runs[0][0], rtol=1e-12, atol=0)
        np.testing.assert_allclose(runs[1][1], runs[0][1], rtol=1e-12, atol=0)


def test_an_infinite_gradient_stops_at_inactive_relu_units_in_the_fused_step():
    """inf * 0 would be NaN: an inactive ReLU passes exactly 0, as the readable backward does."""
    model = MLP([2, 3, 1], "relu", "linear", rng=np.random.default_rng(0))
    model.layers[0].params["W"][:] = [[1.0, -1.0, 1.0], [0.0, 0.0, 0.0]]
    model.layers[0].params["b"][:] = 0.0
    model.layers[1].params["W"][:] = [[1e308], [1e308], [0.5]]
    X, Y = np.array([[1.0, 0.0]]), np.array([[-1e308]])
    loss = losses.get("mse")
    step = fused_training.FusedStep(model, loss, "none", 0.0,
                                    optimizers.SGD([model.flat_params], lr=0.1))
    with np.errstate(over="ignore", invalid="ignore"):
        step.loss_and_grads(X, Y)
        fused = [g.copy() for g in model.gradients()]
        model._loss_and_grads(X, Y, loss)
        readable = [g.copy() for g in model.gradients()]
    assert not np.isnan(fused[0][:, 1]).any()                 # unit 2 is inactive (z = -1)
    for f, r in zip(fused, readable):
        np.testing.assert_array_equal(f, r)


def test_the_comparison_catches_a_wrong_fused_formula(monkeypatch):
    """The equality check can fail: an Adam step off by one part in 1e9 is caught."""
    monkeypatch.setenv("LECTURE_CODE_NUMBA", "0")
    original = fused_training.FusedStep._adam

    def slightly_wrong(self):
        original(self)
        self.opt.params[0] *= 1.0 + 1e-9

    monkeypatch.setattr(fused_training.FusedStep, "_adam", slightly_wrong)
    with pytest.raises(AssertionError):
        assert_equal_runs(BASE)


def test_fused_must_be_a_flag_of_train_only():
    """Bad input is still checked by train itself before the fused step exists."""
    model = MLP([2, 3, 1], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="epochs"):
        training.train(model, np.zeros((4, 2)), np.zeros(4), epochs=0,
                       rng=np.random.default_rng(0), fused=True)



# -- the compiled loop -------------------------------------------------------------------------
needs_numba = pytest.mark.skipif(compiled_training.numba is None, reason=NO_NUMBA)


def compiled_cases():
    cases = AXES + mixed()
    out = []
    for case in cases:
        depth, width, hidden, head, (opt, options), penalty, dropout, batch = case
        model = MLP([3] + [width] * depth + [3 if head[1] == "softmax" else 1], hidden, head[1],
                    rng=np.random.default_rng(0), dropout=dropout)
        optimizer = optimizers.make(opt, [model.flat_params], LR[opt], **options)
        if compiled_training.supports(model, losses.get(head[0]), optimizer) is None:
            out.append(case)
    return out


def test_the_grid_runs_the_compiled_loop_for_every_setting_it_compiles():
    """The equality tests above reach the compiled loop with each thing it computes."""
    cases = compiled_cases()
    assert {c[2] for c in cases} | {"softmax"} == set(compiled_training.ACTIVATIONS)
    assert {c[3] for c in cases} == set(HEADS)
    assert {(c[4][0], tuple(c[4][1])) for c in cases} == {
        ("sgd", ()), ("momentum", ()), ("momentum", ("nesterov",)), ("sgd", ("momentum", "dampening")),
        ("rmsprop", ()), ("rmsprop", ("momentum",)), ("adam", ()), ("adam", ("weight_decay",)),
        ("sgd", ("weight_decay",))}
    assert {c[5] for c in cases} == {"none", "l1", "l2"}
    assert {c[0] for c in cases} == set(range(7)) and {1, 16} <= {c[1] for c in cases}
    assert {None, 1, 7} <= {c[7] for c in cases}
    assert {0.0, 0.25, 0.3} <= {c[6] for c in cases}


@needs_numba
def test_fused_true_runs_the_compiled_loop_where_it_can(monkeypatch):
    calls = []
    original = compiled_training.train
    monkeypatch.setattr(compiled_training, "train", lambda *a, **k: calls.append(1) or original(*a, **k))
    monkeypatch.delenv("LECTURE_CODE_NUMBA", raising=False)
    assert_equal_runs(BASE)
    assert calls == [1]
    assert_equal_runs(vary(4, (("adagrad", {}),))[0])
    assert calls == [1]                             # Adagrad: FusedStep
    monkeypatch.setenv("LECTURE_CODE_NUMBA", "0")
    assert_equal_runs(BASE)
    assert calls == [1]


@needs_numba
def test_the_comparison_catches_a_wrong_compiled_result(monkeypatch):
    original = compiled_training.train

    def slightly_wrong(model, *args, **kwargs):
        result = original(model, *args, **kwargs)
        model.flat_params *= 1.0 + 1e-9
        return result

    monkeypatch.setattr(compiled_training, "train", slightly_wrong)
    monkeypatch.delenv("LECTURE_CODE_NUMBA", raising=False)
    with pytest.raises(AssertionError):
        assert_equal_runs(BASE)


@needs_numba
@pytest.mark.parametrize("batch_size", [None, 10])
def test_the_playground_default_trains_the_same_for_300_epochs_both_ways(batch_size, monkeypatch):
    """The panel's own run, long enough for rounding to grow: still equal to 1e-12."""
    monkeypatch.delenv("LECTURE_CODE_NUMBA", raising=False)
    config = playground.Config(batch_size=batch_size)
    X, _, y, _ = playground.make_data(config)
    runs = []
    for fused in (False, True):
        rng = np.random.default_rng([config.seed, config.restart])
        model = playground.build(config, rng)
        hist = training.train(model, X, y, loss="bce", optimizer="adam", lr=config.lr,
                              epochs=config.epochs, batch_size=batch_size, rng=rng, fused=fused)
        runs.append((model.flat_params.copy(), hist, rng.random()))
    np.testing.assert_allclose(runs[1][0], runs[0][0], rtol=0, atol=TOL)
    np.testing.assert_allclose(runs[1][1].train_loss, runs[0][1].train_loss, rtol=0, atol=TOL)
    assert runs[1][1].train_acc == runs[0][1].train_acc
    assert runs[1][2] == runs[0][2]                  # the generator drew the same orders


@needs_numba
@pytest.mark.parametrize("name", ["momentum", "rmsprop", "adam"])
def test_the_optimizer_state_carries_on_after_a_compiled_run(name, monkeypatch):
    """Training again with the same optimizer continues where the compiled run stopped."""
    monkeypatch.delenv("LECTURE_CODE_NUMBA", raising=False)
    X, y = data(("bce", "sigmoid"))
    finals = []
    for fused in (False, True):
        model = MLP([3, 5, 1], "tanh", rng=np.random.default_rng(1))
        opt = optimizers.make(name, [model.flat_params], 0.01)
        for _ in range(2):
            training.train(model, X, y, optimizer=opt, epochs=5, batch_size=16,
                           rng=np.random.default_rng(2), fused=fused)
        finals.append((model.flat_params.copy(), opt.t))
    np.testing.assert_allclose(finals[1][0], finals[0][0], rtol=0, atol=TOL)
    assert finals[1][1] == finals[0][1] == 2 * 5 * 3


@needs_numba
def test_a_diverging_minibatch_run_leaves_the_generator_where_the_readable_loop_does(monkeypatch):
    monkeypatch.delenv("LECTURE_CODE_NUMBA", raising=False)
    X, y = data(("mse", "linear"))
    after = []
    for fused in (False, True):
        model = MLP([3, 16, 16, 1], "relu", "linear", rng=np.random.default_rng(0))
        rng = np.random.default_rng(1)
        hist = training.train(model, X, y * 1e3, loss="mse", optimizer="sgd", lr=5.0, epochs=50,
                              batch_size=8, rng=rng, fused=fused)
        after.append((hist.diverged, hist.epochs, rng.random()))
    assert after[0] == after[1] and after[0][0] and after[0][1] < 50


@needs_numba
def test_a_numba_that_cannot_compile_the_loop_warns_once_and_numpy_trains(monkeypatch):
    """An older or newer numba (Colab's, say) that fails to compile: one warning, same numbers."""
    monkeypatch.delenv("LECTURE_CODE_NUMBA", raising=False)

    def fails():
        raise TypeError("this numba cannot type the loop")

    monkeypatch.setattr(compiled_training, "_tiny_run", fails)
    monkeypatch.setattr(compiled_training, "_cached", lambda: True)    # so it loads here
    compiled_training._compile_error.cache_clear()
    try:
        with pytest.warns(RuntimeWarning, match="could not compile .* training runs in numpy"):
            assert not compiled_training.available()
        assert not compiled_training.available()      # cached: no second warning
        assert_equal_runs(BASE)
    finally:
        monkeypatch.undo()
        compiled_training._compile_error.cache_clear()
    assert compiled_training.available()


def test_without_numba_warm_up_does_nothing(monkeypatch):
    monkeypatch.setenv("LECTURE_CODE_NUMBA", "0")
    assert not compiled_training.available()
    assert compiled_training.warm_up() == 0.0


def test_supports_names_why_a_setting_runs_in_numpy():
    opt = optimizers.make("adam", [MLP([2, 1], rng=np.random.default_rng(0)).flat_params])
    model = MLP([2, 4, 3], "softmax", "softmax", rng=np.random.default_rng(0))
    assert "softmax" in compiled_training.supports(model, losses.get("cce"), opt)
    model = MLP([2, 4, 1], rng=np.random.default_rng(0))
    opt = optimizers.make("adagrad", [model.flat_params])
    assert "Adagrad" in compiled_training.supports(model, losses.get("bce"), opt)
    opt = optimizers.make("adam", [model.flat_params])
    assert "on_epoch" in compiled_training.supports(model, losses.get("bce"), opt, on_epoch=print)
    assert compiled_training.supports(model, losses.get("bce"), opt) is None


@pytest.mark.parametrize("head", [("mse", "sigmoid"), ("mae", "tanh")])
def test_accuracies_of_a_classifier_on_another_loss_agree(head, engine):
    """accuracy=True (the playground's squared error on 0/1 labels): same accuracies both ways."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    runs = []
    for fused in (False, True):
        model = MLP([3, 6, 1], "relu", head[1], rng=np.random.default_rng(7))
        runs.append(training.train(model, X, y, loss=head[0], optimizer="adam", lr=0.02,
                                   epochs=15, batch_size=16, rng=np.random.default_rng(1),
                                   X_val=X[:10], y_val=y[:10], accuracy=True, fused=fused))
    assert len(runs[0].train_acc) == len(runs[0].val_acc) == 15
    assert runs[1].train_acc == runs[0].train_acc and runs[1].val_acc == runs[0].val_acc
    np.testing.assert_allclose(runs[1].train_loss, runs[0].train_loss, rtol=0, atol=TOL)


def _panels():
    from lecture_code import bridge, datasets, digits, generalization, stochastic
    X, y = datasets.moons(40, rng=np.random.default_rng(0), noise=0.2)
    split = (X[:30], y[:30], X[30:], y[30:])
    small = digits.split(*digits.load(), rng=np.random.default_rng(0))
    return {"playground": lambda: playground.panel(),
            "batch size": lambda: stochastic.batch_size_panel(epochs=3),
            "penalty": lambda: generalization.penalty_panel(*split, rng=np.random.default_rng(0),
                                                            epochs=5),
            "dropout": lambda: generalization.dropout_panel(*split, rng=np.random.default_rng(0),
                                                            epochs=5),
            "torch": lambda: bridge.comparison_panel(X, y, epochs=3),
            "digits": lambda: digits.panel(small)}


@pytest.mark.parametrize("name", list(_panels()))
def test_every_panel_that_trains_compiles_when_it_is_made_not_on_a_move(name, monkeypatch):
    made = []
    monkeypatch.setattr(compiled_training, "warm_up", lambda: made.append(name) or 0.0)
    _panels()[name]()
    assert made == [name]


# -- the corners of the compiled loop (early stopping with a large budget, divergence) ----------

def _early_stop_run(fused, epochs):
    X, y = data(("bce", "sigmoid"), n=60)
    Xv, yv = data(("bce", "sigmoid"), n=30, seed=5)
    model = MLP([3, 12, 1], rng=np.random.default_rng(3), dropout=0.3)
    rng = np.random.default_rng(4)
    hist = training.train(model, X, y, optimizer="adam", lr=0.05, epochs=epochs, batch_size=10,
                          rng=rng, X_val=Xv, y_val=yv, patience=3, fused=fused)
    return model, hist, rng.random(), model.dropouts[0].rng.random()


@pytest.mark.parametrize("epochs", [5, 7, 20000])
def test_early_stopping_with_any_budget_agrees_and_leaves_the_generators_alike(epochs, engine):
    (m1, h1, r1, d1), (m2, h2, r2, d2) = (_early_stop_run(f, epochs) for f in (False, True))
    assert (h1.epochs, h1.best_epoch, h1.stopped_early) == (h2.epochs, h2.best_epoch, h2.stopped_early)
    assert h1.epochs < 20000 and (r1, d1) == (r2, d2)
    np.testing.assert_allclose(m2.flat_params, m1.flat_params, rtol=0, atol=TOL)
    np.testing.assert_allclose(h2.val_loss, h1.val_loss, rtol=0, atol=TOL)


def test_an_early_stop_draws_only_about_what_it_used(engine):
    import tracemalloc
    _early_stop_run(True, 8)                    # compiled and warm
    tracemalloc.start()
    _, hist, _, _ = _early_stop_run(True, 20000)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert hist.stopped_early and hist.epochs < 50
    assert peak < 2 * 2**20, f"{peak / 2**20:.1f} MiB for {hist.epochs} epochs of a 20000-epoch budget"


def test_the_chunks_cover_every_epoch_once():
    for epochs in (1, 4, 5, 12, 1000, 20000):
        chunks = list(compiled_training._chunks(epochs))
        assert [f for f, _ in chunks] == list(np.cumsum([0] + [s for _, s in chunks[:-1]]))
        assert sum(s for _, s in chunks) == epochs
        assert max(s for _, s in chunks) <= compiled_training.CHUNK_MAX


def _overflow_on_the_last_step(fused, raise_on_divergence):
    X = np.array([[0.001], [0.002], [-0.001]])
    y = np.array([1.0, 1.0, 1.0])
    model = MLP([1, 1], "relu", "sigmoid", rng=np.random.default_rng(0))
    hist = training.train(model, X, y, loss="bce", optimizer="momentum", lr=1e308, epochs=5,
                          rng=np.random.default_rng(1), X_val=X, y_val=y, patience=5, fused=fused,
                          raise_on_divergence=raise_on_divergence)
    return model, hist


def test_weights_that_overflow_on_the_last_step_count_as_diverged_both_ways(engine):
    with np.errstate(over="ignore", invalid="ignore"):
        flags = [_overflow_on_the_last_step(f, False)[1].diverged for f in (False, True)]
        assert flags == [True, True]
        for fused in (False, True):
            with pytest.raises(training.TrainingDiverged):
                _overflow_on_the_last_step(fused, True)


def test_after_the_exception_the_weights_are_the_readable_loops(engine):
    g = np.random.default_rng(5)
    X = g.normal(size=(20, 2))
    y = np.sin(X[:, 0])
    left = []
    for fused in (False, True):
        model = MLP([2, 4, 1], "relu", "linear", rng=np.random.default_rng(3))
        with np.errstate(over="ignore", invalid="ignore"), pytest.raises(training.TrainingDiverged):
            training.train(model, X, y, loss="mse", optimizer="sgd", lr=1.0, epochs=60,
                           rng=np.random.default_rng(1), X_val=X[:5], y_val=y[:5], patience=50,
                           raise_on_divergence=True, fused=fused)
        left.append(model.flat_params.copy())
    assert not np.isfinite(left[0]).all()
    np.testing.assert_array_equal(np.isfinite(left[1]), np.isfinite(left[0]))
    finite = np.isfinite(left[0])
    np.testing.assert_allclose(left[1][finite], left[0][finite], rtol=1e-12, atol=TOL)


TRAIN_TWICE = """
import json, time, numpy as np
from lecture_code import compiled_training as c, training
from lecture_code.network import MLP
X = np.random.default_rng(0).normal(size=(20, 2)); y = (X[:, 0] > 0).astype(float)
def run():
    return training.train(MLP([2, 4, 1], rng=np.random.default_rng(1)), X, y, epochs=5,
                          rng=np.random.default_rng(2), fused=True).train_loss
start = time.perf_counter()
first, took = run(), time.perf_counter() - start
compiling = c._compiling is not None and c._compiling.poll() is None
if c._compiling is not None:
    c._compiling.wait(timeout=300)
ready = c.available()
print(json.dumps(dict(took=took, compiling=compiling, ready=ready, started=c._compiling is not None,
                      returncode=c._compiling and c._compiling.returncode,
                      same=bool(np.allclose(first, run(), rtol=1e-12, atol=0)))))
"""


@needs_numba
def test_the_first_training_of_a_session_never_waits_for_the_compiler(tmp_path):
    """With an empty cache, the first fast training starts the compile in another process and
    trains in numpy; once that is done the loop runs compiled, with the same numbers. The next
    session finds the loop in numba's cache and loads it at once, starting no process."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path), "LECTURE_CODE_NUMBA": "1"}
    sessions = [json.loads(subprocess.run([sys.executable, "-c", TRAIN_TWICE], env=env,
                                          capture_output=True, text=True, timeout=600,
                                          check=True).stdout) for _ in range(2)]
    fresh, next_one = sessions
    assert fresh["compiling"] and fresh["started"] and fresh["returncode"] == 0
    assert fresh["ready"] and fresh["same"]
    assert not next_one["compiling"] and not next_one["started"] and next_one["ready"]
    assert next_one["same"]
    # figures for the report, not a timing assertion
    print(f"first training: {fresh['took'] * 1e3:.1f} ms with an empty cache (numpy, while the "
          f"loop compiles), {next_one['took'] * 1e3:.1f} ms with the loop in the cache")


@needs_numba
def test_a_panel_never_waits_for_the_compiler(tmp_path):
    """warm_up() returns at once and compiles in another process into numba's cache; meanwhile
    available() is False (fused numpy trains), then the loop loads from the cache, ready."""
    code = """
import time, numpy as np
from lecture_code import compiled_training as c, training
from lecture_code.network import MLP
took = c.warm_up()
compiling = c._compiling is not None and not c.available()
X = np.random.default_rng(0).normal(size=(20, 2)); y = (X[:, 0] > 0).astype(float)
start = time.perf_counter()
training.train(MLP([2, 4, 1], rng=np.random.default_rng(1)), X, y, epochs=5, rng=np.random.default_rng(2), fused=True)
meanwhile = time.perf_counter() - start
c._compiling.wait(timeout=300)
start = time.perf_counter()
ready = c.available()
print(took, compiling, meanwhile, ready, c._compiling.returncode, time.perf_counter() - start)
"""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path), "LECTURE_CODE_NUMBA": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=600, check=True).stdout.split()
    took, compiling, meanwhile, ready, returncode, load = out
    assert compiling == "True" and ready == "True" and returncode == "0"
    # figures for the report, not a timing assertion: warm_up and a training meanwhile take
    # milliseconds, loading the cached loop a fraction of a second
    print(f"warm_up {float(took) * 1e3:.1f} ms, training meanwhile {float(meanwhile) * 1e3:.1f} ms, "
          f"loading from the cache {float(load):.2f} s")
    assert any(tmp_path.rglob("*.nbi")), "the other process wrote numba's cache"
