"""Chapter 8's exercise checks: the right answer passes, typical mistakes get a hint.

The right answers are measured here with lecture_code.playground directly, on seeds and
restarts the chapter never prints, not through the check's own helpers.
"""
from __future__ import annotations

import numpy as np
from support import exercise_tests

from lecture_code import playground
from lecture_code.exercises import attempt
from lecture_code.exercises import playground as ex
from lecture_code.playground import Config

RESTARTS = [101, 117, 130]
XOR = Config(dataset="xor", noise=0.0, hidden_layers=1, activation="tanh", lr=0.03)
WORST = [min(playground.run(XOR.replace(units=u, restart=r)).accuracy() for r in RESTARTS)
         for u in range(1, 9)]
BEST = [max(playground.run(XOR.replace(units=u, restart=r)).accuracy() for r in RESTARTS)
        for u in range(1, 9)]


def squared_weights(result):
    return sum(float((W ** 2).sum()) for W in result.model.weights)


def with_biases(result):
    return squared_weights(result) + sum(float((layer.params["b"] ** 2).sum())
                                         for layer in result.model.layers)


L2_SEED = 2718
OVERFIT = Config(noise=0.25, points=150, test_fraction=1 / 3, hidden_layers=3, epochs=1000,
                 seed=L2_SEED)
NORMS = tuple(squared_weights(playground.run(c, validation=0.5))
              for c in (OVERFIT, OVERFIT.replace(penalty="l2", lam=0.01)))

DEPTH_SEED = 4242


def fewest(name):
    config = Config(points=400, noise=0.0, units=6, dataset=name, seed=DEPTH_SEED)
    return next((d for d in range(7) if playground.run(config.replace(hidden_layers=d))
                 .accuracy(test=False) >= 0.95), None)


FEWEST = {name: fewest(name) for name in ("circles", "xor", "blobs", "spiral")}

LOSS_SEEDS = [11, 12, 13]


def first_95(config, **options):
    acc = np.array(playground.run(config, **options).history.val_acc)
    return int(np.flatnonzero(acc >= 0.95)[0])


EPOCHS = {loss: [first_95(Config(optimizer="sgd", lr=0.3, loss=loss, seed=s), validation=1 / 3)
                 for s in LOSS_SEEDS] for loss in ("bce", "mse")}
TEST_EPOCHS = {loss: [first_95(Config(optimizer="sgd", lr=0.3, loss=loss, seed=s)) for s in LOSS_SEEDS]
               for loss in ("bce", "mse")}

BASE = Config(dataset="xor", noise=0.1, hidden_layers=1, activation="tanh", lr=0.03)
SETTINGS = {"2 units": {"units": 2}, "8 units": {"units": 8}}
PREDICT_SEEDS = [21, 22, 23]
MEASURED = {name: [playground.run(BASE.replace(**knobs, seed=s), validation=0.25).history.val_acc[-1]
                   for s in PREDICT_SEEDS] for name, knobs in SETTINGS.items()}
HELD = bool(np.mean(MEASURED["8 units"]) > np.mean(MEASURED["2 units"]))

RIGHT = {
    "ex-playground-xor-units": (RESTARTS, WORST),
    "ex-playground-l2": (squared_weights, L2_SEED, *NORMS),
    "ex-playground-deepest": (DEPTH_SEED, FEWEST),
    "ex-playground-losses": (LOSS_SEEDS, EPOCHS),
    "ex-playground-predict": (BASE, SETTINGS, PREDICT_SEEDS, "8 units", MEASURED, HELD),
}

WRONG = [
    ("ex-playground-xor-units", (RESTARTS, BEST), "best restart"),
    ("ex-playground-xor-units", (RESTARTS, [0.5] * 8), "differs from the run"),
    ("ex-playground-xor-units", ([0, 1, 2], WORST), "of your own"),
    ("ex-playground-xor-units", ([101, 101, 117], WORST), "each once"),
    ("ex-playground-xor-units", ([101, 117], WORST[:2]), "at least 3"),
    ("ex-playground-xor-units", (RESTARTS, WORST[:7]), "8 numbers"),
    ("ex-playground-l2", (with_biases, L2_SEED, *NORMS), "biases"),
    ("ex-playground-l2", (lambda r: np.sqrt(squared_weights(r)), L2_SEED, *NORMS), "square root"),
    ("ex-playground-l2", (lambda r: sum(float(np.abs(W).sum()) for W in r.model.weights), L2_SEED,
                          *NORMS), "L1"),
    ("ex-playground-l2", (lambda r: float((r.model.weights[0] ** 2).sum()), L2_SEED, *NORMS),
     "every weight matrix"),
    ("ex-playground-l2", (squared_weights, L2_SEED, NORMS[1], NORMS[0]), "swapped"),
    ("ex-playground-l2", (squared_weights, L2_SEED, *np.sqrt(NORMS)), "not its square root"),
    ("ex-playground-l2", (squared_weights, 0, *NORMS), "of your own"),
    ("ex-playground-l2", (squared_weights, L2_SEED + 1, *NORMS), "validation=0.5"),
    ("ex-playground-deepest", (DEPTH_SEED, {**FEWEST, "spiral": FEWEST["spiral"] + 1}), "count the hidden"),
    ("ex-playground-deepest", (DEPTH_SEED, {**FEWEST, "circles": FEWEST["circles"] + 3}), "fewer hidden"),
    ("ex-playground-deepest", (DEPTH_SEED, {**FEWEST, "blobs": None}), "not the fewest"),
    ("ex-playground-deepest", (DEPTH_SEED, {"spiral": 2}), "one entry per data set"),
    ("ex-playground-deepest", (0, FEWEST), "of your own"),
    ("ex-playground-losses", (LOSS_SEEDS, {"bce": EPOCHS["mse"], "mse": EPOCHS["bce"]}), "swapped"),
    ("ex-playground-losses", (LOSS_SEEDS, {k: [e + 1 for e in v] for k, v in EPOCHS.items()}),
     "counted from 0"),
    ("ex-playground-losses", (LOSS_SEEDS, TEST_EPOCHS), "test set"),
    ("ex-playground-losses", (LOSS_SEEDS, {"bce": [1, 2, 3], "mse": [4, 5, 6]}), "first index"),
    ("ex-playground-losses", (LOSS_SEEDS, {"bce": EPOCHS["bce"][:2], "mse": EPOCHS["mse"]}),
     "one epoch per seed"),
    ("ex-playground-losses", ([0, 1, 2], EPOCHS), "of your own"),
    ("ex-playground-predict", (BASE, SETTINGS, PREDICT_SEEDS, "8 units",
                               {k: [0.5] * 3 for k in SETTINGS}, HELD), "differ from a re-run"),
    ("ex-playground-predict", (BASE, SETTINGS, PREDICT_SEEDS, "8 units", MEASURED, not HELD),
     "read your measurements"),
    ("ex-playground-predict", (BASE, SETTINGS, [0, 1, 2], "8 units", MEASURED, HELD), "of your own"),
    ("ex-playground-predict", (BASE, SETTINGS, PREDICT_SEEDS, "4 units", MEASURED, HELD),
     "name of one of your settings"),
    ("ex-playground-predict", (BASE, {"a": {"units": 8}, "b": {"units": 8}}, PREDICT_SEEDS, "a",
                               MEASURED, HELD), "same configuration"),
    ("ex-playground-predict", (BASE, {"a": {"seed": 3}, "b": {}}, PREDICT_SEEDS, "a", MEASURED, HELD),
     "seeds come from seeds"),
    ("ex-playground-predict", (BASE.replace(epochs=5000), SETTINGS, PREDICT_SEEDS, "8 units",
                               MEASURED, HELD), "quick"),
    ("ex-playground-predict", (Config(dataset="regression"), SETTINGS, PREDICT_SEEDS, "8 units",
                               MEASURED, HELD), "classification"),
]

globals().update(exercise_tests("ex-playground-", RIGHT, WRONG))


def test_the_right_answers_differ_from_what_the_chapter_prints():
    assert WORST != BEST                      # the worst restart is a real choice
    assert all(b < m for b, m in zip(EPOCHS["bce"], EPOCHS["mse"]))   # the chapter's claim, on new seeds
    assert EPOCHS != TEST_EPOCHS              # validation and test curves differ


def test_a_right_measurement_with_a_wrong_verdict_earns_the_measured_points():
    passed, hint, earned = attempt("ex-playground-predict", BASE, SETTINGS, PREDICT_SEEDS, "8 units",
                                   MEASURED, not HELD)
    assert not passed and earned == 2 and "verdict" in hint


def test_a_prediction_that_failed_still_passes_when_the_verdict_says_so():
    passed, _, earned = attempt("ex-playground-predict", BASE, SETTINGS, PREDICT_SEEDS, "2 units",
                                MEASURED, not HELD)
    assert passed and earned == 3


def test_the_squared_weights_part_is_graded_alone():
    passed, hint, earned = attempt("ex-playground-l2", squared_weights, L2_SEED, 1.0, 2.0)
    assert not passed and earned == 1 and hint.startswith("norms:")
    assert ex.overfit_norms(L2_SEED) == NORMS
