"""Checks for chapter 8, the playground. Each re-runs the student's own configuration with
lecture_code.playground: no number the chapter prints can pass.

Every experiment here runs on data seeds (or restarts) of the student's choosing,
at least :data:`OWN_SEEDS` (the chapter's printed runs use seeds 0 to 3 and restarts
below 100), so an answer has to be measured, not copied.
"""
from __future__ import annotations

import functools

import numpy as np

from .. import playground
from ..playground import Config, Result
from . import exercise
from ._answers import Unusable, array, call, close, fresh, judge, number

#: The smallest data seed an exercise accepts: the chapter prints runs of seeds 0 to 3.
OWN_SEEDS = 10
#: The smallest restart ex-playground-xor-units accepts: the chapter draws its restarts from 0..99.
OWN_RESTARTS = 100
#: ex-playground-xor-units: one hidden tanh layer on clean XOR, widths 1 to 8.
XOR = Config(dataset="xor", noise=0.0, hidden_layers=1, activation="tanh", lr=0.03)
WIDTHS = range(1, 9)
#: ex-playground-l2: the chapter's overfitting setting, with and without an L2 penalty.
OVERFIT = Config(noise=0.25, points=150, test_fraction=1 / 3, hidden_layers=3, epochs=1000)
OVERFIT_VALIDATION = 0.5
L2 = 0.01
#: ex-playground-deepest: 6 units per hidden layer, 400 points without noise, 0 to 6 layers.
DEPTH = Config(points=400, noise=0.0, units=6)
CLASSIFICATION = ("circles", "xor", "blobs", "spiral")
#: ex-playground-losses: plain gradient descent on the circles, a third of the training points validating.
SGD = Config(optimizer="sgd", lr=0.3)
VALIDATION = 1 / 3
#: ex-playground-predict: the validation share, and the limits that keep a check quick.
PREDICT_VALIDATION = 0.25
MAX_SEEDS, MAX_EPOCHS, MAX_POINTS = 6, 1000, 500

_run = functools.lru_cache(maxsize=256)(playground.run)     # a Config is hashable


def _seeds(seeds, minimum: int, name: str = "seeds", at_least: int = 3) -> list[int]:
    """The student's seeds as ints: at least ``at_least`` distinct whole numbers >= ``minimum``."""
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise Unusable(f"{name} should be a list of whole numbers, got {type(seeds).__name__}")
    out = []
    for s in seeds:
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, (int, np.integer)):
            raise Unusable(f"{name} should hold whole numbers, got {s!r}")
        out.append(int(s))
    if len(set(out)) < at_least or len(set(out)) != len(out):
        raise Unusable(f"{name} should hold at least {at_least} different numbers, each once: "
                       "one run proves little")
    if min(out) < minimum:
        raise Unusable(f"use {name} of your own, {minimum} or more: the chapter's runs use the smaller ones")
    return out


def _numbers(values, length: int, name: str) -> np.ndarray:
    got = array(values, name=name)
    if got.shape != (length,):
        raise Unusable(f"{name} should hold {length} numbers, one per run, got shape {got.shape}")
    return got


# -- ex-playground-xor-units ------------------------------------------------------------

def worst_by_width(restarts) -> np.ndarray:
    """For widths 1..8: the lowest test accuracy over ``restarts`` of one tanh layer on XOR."""
    return np.array([min(_run(XOR.replace(units=u, restart=r)).accuracy() for r in restarts)
                     for u in WIDTHS])


@exercise("ex-playground-xor-units", points=2)
def xor_units(restarts, worst):
    """The worst test accuracy per width over the student's own restarts."""
    restarts = _seeds(restarts, OWN_RESTARTS, "restarts")
    got = _numbers(worst, len(WIDTHS), "worst")
    want = worst_by_width(restarts)
    if close(got, want, decimals=2):
        return None
    best = np.array([max(_run(XOR.replace(units=u, restart=r)).accuracy() for r in restarts)
                     for u in WIDTHS])
    if close(got, best, decimals=2):
        return "that is the best restart of each width; the exercise asks for the worst one"
    if close(got[::-1], want, decimals=2):
        return "the list runs from 1 unit to 8 units"
    wrong = int(np.argmax(np.abs(got - want) > 0.005)) + 1
    return (f"your number for {wrong} unit(s) differs from the run: train XOR with units={wrong} "
            "and each of your restarts, and keep the lowest test accuracy")


# -- ex-playground-l2 -------------------------------------------------------------------

def _results(rng):
    """Fresh untrained playground networks as Results: random depths and widths, one with no hidden layer."""
    for hidden in (int(rng.integers(1, 4)), 0, int(rng.integers(2, 5))):
        config = Config(hidden_layers=hidden, units=int(rng.integers(1, 9)))
        model = playground.build(config, rng)
        for W in model.weights:
            W *= rng.uniform(0.2, 3.0)
        for layer in model.layers:
            layer.params["b"][...] = rng.normal(0.0, 1.0, layer.params["b"].shape)
        X = rng.uniform(-1, 1, (4, 2))
        y = (X[:, 0] > 0).astype(np.int64)
        yield Result(config, model, None, X, X, y, y)


def _check_squared_weights(function):
    for result in _results(fresh()):
        want = float(sum((W ** 2).sum() for W in result.model.weights))
        got = number(call(function, result, name="squared_weights"),
                     name="what squared_weights returns")
        if close(got, want, rtol=1e-9):
            continue
        with_biases = want + sum(float((layer.params["b"] ** 2).sum()) for layer in result.model.layers)
        if close(got, with_biases, rtol=1e-9):
            return "leave the biases out: the L2 penalty and the sum of squares count weights only"
        if close(got, np.sqrt(want), rtol=1e-9):
            return "the sum of the squares, not its square root (the norm)"
        if close(got, float(sum(np.abs(W).sum() for W in result.model.weights)), rtol=1e-9):
            return "square every weight before adding (that was the sum of |w|, L1's measure)"
        return ("add w ** 2 over every weight matrix of result.model.weights; your function is wrong "
                f"on a network of sizes {result.config.sizes}")
    return None


def overfit_norms(seed: int) -> tuple[float, float]:
    """Sum of squared weights after training OVERFIT (data seed ``seed``) without and with L2."""
    config = OVERFIT.replace(seed=seed)
    return tuple(_run(c, validation=OVERFIT_VALIDATION).weight_norm()
                 for c in (config, config.replace(penalty="l2", lam=L2)))


def _check_norms(seed, without, with_l2):
    seed = _seeds([seed], OWN_SEEDS, "seed", at_least=1)[0]
    got = np.array([number(without, "norm_without"), number(with_l2, "norm_with")])
    want = np.array(overfit_norms(seed))
    if close(got, want, rtol=1e-6):
        return None
    if close(got[::-1], want, rtol=1e-6):
        return "the two numbers are swapped: norm_without is the run without a penalty"
    if close(np.sqrt(got), want, rtol=1e-6) or close(got, np.sqrt(want), rtol=1e-6):
        return "use the sum of squared weights, not its square root"
    return (f"train overfit.replace(seed={seed}) with playground.run(..., validation=0.5), once "
            "without a penalty and once with penalty='l2', lam=0.01, and apply squared_weights to each")


@exercise("ex-playground-l2", points=3, parts={"function": 1, "norms": 2},
          writes=(Result.weight_norm,))
def l2_norms(squared_weights, seed, norm_without, norm_with):
    """A function summing the squared weights of a Result, and the norms it gives for the student's seed."""
    function_hint = judge(_check_squared_weights, squared_weights)
    norms_hint = judge(_check_norms, seed, norm_without, norm_with)
    return {"function": function_hint, "norms": norms_hint}


# -- ex-playground-deepest --------------------------------------------------------------

def fewest_layers(seed: int) -> dict[str, int | None]:
    """Per data set, the fewest hidden layers (0 to 6) with training accuracy >= 0.95, data seed ``seed``."""
    out = {}
    for name in CLASSIFICATION:
        out[name] = next((depth for depth in range(7) if _run(DEPTH.replace(
            dataset=name, hidden_layers=depth, seed=seed)).accuracy(test=False) >= 0.95), None)
    return out


@exercise("ex-playground-deepest", points=2)
def deepest(seed, fewest):
    """The fewest hidden layers that fit each classification set, for the student's data seed."""
    seed = _seeds([seed], OWN_SEEDS, "seed", at_least=1)[0]
    if not isinstance(fewest, dict) or set(map(str, fewest)) != set(CLASSIFICATION):
        raise Unusable(f"fewest should be a dict with one entry per data set: {', '.join(CLASSIFICATION)}")
    want = fewest_layers(seed)
    wrong = [name for name in CLASSIFICATION if fewest[name] != want[name]]
    if not wrong:
        return None
    name = wrong[0]
    got = fewest[name]
    if want[name] is None:
        return f"for {name} no depth up to 6 reaches 0.95 with your seed: store None"
    if isinstance(got, (int, np.integer)) and not isinstance(got, bool) and got == want[name] + 1:
        return (f"for {name}, count the hidden layers, not all layers: Config(hidden_layers=d) "
                "has d hidden layers")
    if isinstance(got, (int, np.integer)) and not isinstance(got, bool) and got > want[name]:
        return f"for {name} fewer hidden layers already reach training accuracy 0.95: start from 0"
    return (f"your depth for {name} is not the fewest that reaches training accuracy 0.95 "
            "(accuracy(test=False)) with your seed")


# -- ex-playground-losses ---------------------------------------------------------------

def first_epoch(accuracies, target: float = 0.95) -> int | None:
    """The first epoch (0-based) whose accuracy reaches ``target``, or None."""
    reached = np.flatnonzero(np.asarray(accuracies) >= target)
    return int(reached[0]) if reached.size else None


def epochs_to_95(seeds) -> dict[str, list]:
    """Per loss, the first epoch with validation accuracy >= 0.95 for each data seed."""
    return {loss: [first_epoch(_run(SGD.replace(loss=loss, seed=s), validation=VALIDATION)
                               .history.val_acc) for s in seeds]
            for loss in ("bce", "mse")}


@exercise("ex-playground-losses", points=2)
def losses_compared(seeds, epochs):
    """Epochs of plain gradient descent until 95% validation accuracy, per loss and seed."""
    seeds = _seeds(seeds, OWN_SEEDS)
    if not isinstance(epochs, dict) or set(epochs) != {"bce", "mse"}:
        raise Unusable('epochs should be a dict {"bce": [...], "mse": [...]}, one epoch per seed')
    want = epochs_to_95(seeds)
    got = {}
    for loss in ("bce", "mse"):
        values = list(epochs[loss]) if hasattr(epochs[loss], "__iter__") else None
        if values is None or len(values) != len(seeds):
            raise Unusable(f'epochs["{loss}"] should hold one epoch per seed, {len(seeds)} in all')
        got[loss] = [None if v is None else number(v, f'epochs["{loss}"]') for v in values]
    if got == want:
        return None
    if got == {"bce": want["mse"], "mse": want["bce"]}:
        return "the two losses are swapped"
    shifted = {loss: [None if v is None else v + 1 for v in want[loss]] for loss in want}
    if got == shifted:
        return "epochs are counted from 0: history.val_acc[0] is after the first epoch"
    test_based = {loss: [first_epoch(_run(SGD.replace(loss=loss, seed=s)).history.val_acc)
                         for s in seeds] for loss in ("bce", "mse")}
    if got == test_based:
        return ("those are epochs on the test set; train with playground.run(config, "
                "validation=1/3) and read the validation accuracy")
    return ("for each seed, train SGD.replace(loss=..., seed=s) with validation=1/3 and find the first "
            "index where history.val_acc reaches 0.95")


# -- ex-playground-predict --------------------------------------------------------------

def _experiment(base, settings, seeds):
    """The student's configurations, validated: ``{name: [Config per seed]}``."""
    if not isinstance(base, Config):
        raise Unusable(f"base should be a playground Config, got {type(base).__name__}")
    if base.regression:
        raise Unusable("base should be a classification set: the measure is an accuracy")
    if not isinstance(settings, dict) or len(settings) != 2:
        raise Unusable("settings should be a dict of two named settings, {name: {knob: value}}")
    seeds = _seeds(seeds, OWN_SEEDS)
    if len(seeds) > MAX_SEEDS:
        raise Unusable(f"at most {MAX_SEEDS} seeds, so that the check stays quick")
    configs = {}
    for name, changes in settings.items():
        if not isinstance(changes, dict) or {"seed", "restart"} & set(changes):
            raise Unusable("each setting should be a dict of knob changes; the seeds come from seeds")
        try:
            configs[name] = [base.replace(**changes, seed=s) for s in seeds]
        except (TypeError, ValueError) as error:
            raise Unusable(f"the setting {name!r} is not a valid configuration: {error}") from None
        c = configs[name][0]
        if c.epochs > MAX_EPOCHS or c.points > MAX_POINTS or c.dataset == "regression":
            raise Unusable(f"keep each run to a classification set, at most {MAX_EPOCHS} epochs "
                           f"and {MAX_POINTS} points, so that the check stays quick")
    first, second = configs.values()
    if first == second:
        raise Unusable("the two settings give the same configuration: change a knob between them")
    return configs


def measured_accuracies(configs) -> dict:
    """Final validation accuracy of every run: ``{name: [accuracy per seed]}``."""
    return {name: [_run(c, validation=PREDICT_VALIDATION).history.val_acc[-1] for c in runs]
            for name, runs in configs.items()}


@exercise("ex-playground-predict", points=3, parts={"measured": 2, "verdict": 1})
def predict(base, settings, seeds, prediction, measured, held):
    """The student's experiment, re-run: their measurements, and whether their prediction held."""
    configs = _experiment(base, settings, seeds)
    if not isinstance(prediction, str) or prediction not in configs:
        raise Unusable(f"prediction should be the name of one of your settings: {', '.join(map(repr, configs))}")
    want = measured_accuracies(configs)

    def check_measured():
        if not isinstance(measured, dict) or set(measured) != set(configs):
            raise Unusable("measured should be a dict with one list of accuracies per setting")
        for name in configs:
            got = _numbers(measured[name], len(want[name]), f"measured[{name!r}]")
            if not close(got, want[name], decimals=2):
                return (f"the accuracies of {name!r} differ from a re-run: measure each run by "
                        f"playground.run(config, validation={PREDICT_VALIDATION}).history.val_acc[-1]")
        return None

    def check_verdict():
        if not isinstance(held, (bool, np.bool_)):
            raise Unusable("held should be True or False")
        other = next(name for name in configs if name != prediction)
        right = bool(np.mean(want[prediction]) > np.mean(want[other]))
        if bool(held) == right:
            return None
        return ("read your measurements again: held is True when the mean accuracy of the "
                "setting you predicted is higher than the other's")

    return {"measured": judge(check_measured), "verdict": judge(check_verdict)}
