"""A walk over the whole public API with bad arguments: no call hangs, exhausts memory or crashes.

Every public function, class and public method of ``lecture_code`` (``__all__``
of each module, or the public names a module defines) is found by import, not
listed: a new function is walked as soon as it exists. Each is called first
with a valid example of every argument (a table by argument name below, with
overrides where one function reads a name differently), then with one
argument at a time replaced by bad values made from its valid example: None,
text, NaN, infinities, negative, fractional and huge counts, sizes past the
memory budget, empty, ragged and wrongly shaped arrays, names that do not
exist and names in other letter cases.

Every call runs in a child process with a time limit (``SECONDS``) and a cap on
its memory, so a hang or an 80 GB allocation fails the test instead of blocking
or killing it; the package's operations budget is held to the same second
(``OPERATIONS``), so a loop too long for it is refused, not timed out. An
argument whose default is None is also tried with bad numbers made from its
example in the table. A call must end in one of three ways:

- ``ValueError`` or ``TypeError`` whose message names the argument;
- a documented acceptance: a name in another case (names are case-insensitive),
  None for an argument whose default is None, free text where any text is fine,
  a huge seed (``SEEDS``: any whole number >= 0 seeds numpy), or an entry of
  ``ACCEPTED`` (with its reason);
- NaN or an infinity passed through as numpy and torch pass them, where the
  function's docstring says so (the activations); NaN must come out as NaN.

Anything else (a hang, ``MemoryError``, ``AttributeError``, an error that does
not name its argument, an undocumented acceptance) is listed in the failure.
"""
from __future__ import annotations

import collections
import importlib
import inspect
import math
import multiprocessing
import os
import pkgutil
import re
import resource
import signal
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pytest

import lecture_code
from lecture_code import network

#: Seconds a call may take, bad or valid (the issue: every public function returns or
#: refuses within a second on any argument; the valid examples are small).
SECONDS = 1.0
#: Seconds the valid example of a callable may take (its first call may load compiled code).
VALID_SECONDS = 5.0
#: Memory a call may allocate beyond what the walk holds (the package's budget is 1 GB).
MEMORY = 3 * 2 ** 30
#: The package's operations budget in the walk: what runs in ``SECONDS`` (the budget counts
#: a nanosecond an operation), so a call the walk would time out is refused by the budget
#: instead (lecture_code.BUDGET.operations is half a minute's worth outside the walk).
OPERATIONS = SECONDS * 1e9

#: Parts of the package that are not walked, each with its reason.
NOT_WALKED = {
    "lecture_code.exercises": "checks of students' answers: they grade any answer with a hint "
                              "and never raise (tests/test_exercises_*.py throw wrong answers)",
    "lecture_code.instructor": "the instructor's command-line tools over folders and notebooks, "
                               "not called from a chapter (tests/test_instructor*.py)",
    "lecture_code.fast.bench": "a command-line benchmark (python -m lecture_code.fast.bench), minutes a run",
    "lecture_code.fast.bench_panels": "a command-line benchmark of every chapter's panels",
    "lecture_code.bridge": "builds torch modules and optimizers: torch objects cannot be made "
                           "from generated arguments here without importing torch in the walk "
                           "(tests/test_bridge.py checks its arguments)",
    "lecture_code.weight_decay": "takes torch modules (tests/test_weight_decay.py)",
    "lecture_code.plotting": "draws on matplotlib axes what the package's functions computed, "
                             "a figure per call (tests/test_plotting*.py check its arguments)",
    "lecture_code.fast.compiled_training": "the numba engine behind train(fused=True), called only "
                                      "after train has checked every argument",
}
#: Single callables not walked, with the reason.
NOT_CALLED = {
    "lecture_code.panels.widgets.Panel.widget": "builds ipywidgets controls (tests/test_widgets.py)",
    "lecture_code.panels.controls.Slider.build": "builds an ipywidgets control",
    "lecture_code.panels.controls.Choice.build": "builds an ipywidgets control",
    "lecture_code.panels.controls.Button.build": "builds an ipywidgets control",
    "lecture_code.optimizers.Optimizer": "the base class, with no update rule: it refuses to be "
                                         "made (TypeError naming make); its subclasses are walked",
    "lecture_code.playground.one_blas_thread": "a context manager over threadpoolctl, no arguments",
    "lecture_code.fast.fused_training.FusedStep": "the step behind train(fused=True), made by train "
                                             "after it has checked every argument",
    # Records the package returns, built from its own results; their fields are not
    # checked, their methods are walked (INSTANCES).
    "lecture_code.activations.Activation": "a record, returned by activations.get",
    "lecture_code.losses.Loss": "a record, returned by losses.get",
    "lecture_code.descent.Surface": "a record, returned by descent.get",
    "lecture_code.digits.Split": "a record, returned by digits.split",
    "lecture_code.generalization.DoubleDescent": "a record, returned by double_descent",
    "lecture_code.training.History": "a record, returned by train",
    "lecture_code.digits.Sweep": "a record, returned by digits.sweep",
    "lecture_code.playground.Result": "a record, returned by playground.run",
}


def rng():
    return np.random.default_rng(0)


def mlp(sizes=(2, 3, 1), output="sigmoid"):
    return network.MLP(list(sizes), "tanh", output, rng=rng())


def ax():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    figure = Figure(figsize=(2, 2))
    FigureCanvasAgg(figure)
    return figure.add_subplot()


X2 = np.array([[0.1, 0.2], [0.3, -0.4], [-0.5, 0.6]])
Y01 = np.array([0.0, 1.0, 1.0])


def history():
    from lecture_code import training
    return training.History(train_loss=[0.7, 0.5, 0.4], val_loss=[0.8, 0.6, 0.7],
                            train_acc=[0.5, 0.6, 0.7], val_acc=[0.5, 0.6, 0.6], best_epoch=1)


def slider_panel():
    from lecture_code import widgets
    png = b"\x89PNG\r\n\x1a\n" + bytes(4) + b"IHDR" + (4).to_bytes(4, "big") + (2).to_bytes(4, "big")
    return widgets.Panel(lambda x: png, {"x": widgets.Slider("x", 0.0, 1.0, 0.5)}, alt="x",
                         static_frames=3)


def split():
    from lecture_code import digits
    return digits.Split(X2, np.array([0, 1, 1]), X2, np.array([1, 0, 1]), X2, np.array([0, 0, 1]))


def config():
    from lecture_code import playground
    return playground.Config(points=20, epochs=2, units=2, hidden_layers=1)


def result():
    from lecture_code import playground
    return playground.run(config())


#: A valid example of an argument, by name (a factory: a fresh value per call).
VALID: dict[str, Callable[[], Any]] = {
    "z": lambda: np.array([[-1.0, 2.0]]), "a": lambda: np.array([[0.3, 0.7]]),
    "da": lambda: np.array([[1.0, 0.0]]), "name": lambda: "relu",
    "y_pred": lambda: np.array([[0.2], [0.7], [0.9]]), "y_true": lambda: Y01,
    "loss": lambda: "bce", "activation": lambda: "tanh", "units": lambda: 1,
    "X": lambda: X2, "y": lambda: Y01, "rng": rng, "model": mlp, "n": lambda: 20,
    "sizes": lambda: [2, 3, 1], "batch_size": lambda: 2, "x": lambda: np.array([0.1, 0.2]),
    "w0": lambda: 0.5, "w": lambda: np.array([1.0, -1.0]), "n_features": lambda: 2,
    "d_in": lambda: 2, "d_out": lambda: 3, "init": lambda: "he", "params": lambda: [
        np.zeros((2, 2)), np.zeros(2)], "grads": lambda: [np.ones((2, 2)), np.ones(2)],
    "lr": lambda: 0.1, "weights": lambda: [np.ones((2, 2))], "kind": lambda: "l2",
    "lam": lambda: 0.1, "W": lambda: np.ones((2, 2)), "p": lambda: 0.5,
    "A": lambda: np.ones((2, 2)), "dA": lambda: np.ones((3, 1)), "output": lambda: "sigmoid",
    "values": lambda: mlp().copy_parameters(), "f": lambda: (lambda v: float(np.sum(v ** 2))),
    "b": lambda: np.ones(3), "classes": lambda: 2, "test_fraction": lambda: 0.34,
    "theta": lambda: np.array([[0.0, -1.0], [0.5, 1.0], [-1.0, 2.0]]),
    "phi": lambda: np.array([-1.0, 1.5, 2.0, -1.0]), "k": lambda: 3,
    "knots": lambda: np.array([0.0, 0.5, 1.0]), "epochs": lambda: 2,
    "label": lambda: "n", "min": lambda: 0.0, "max": lambda: 1.0, "value": lambda: 0.5,
    "count": lambda: 3, "options": lambda: ("a", "b"), "panel": slider_panel,
    "update": lambda: (lambda **v: b""), "controls": lambda: {}, "alt": lambda: "x",
    "surface": lambda: "bowl", "optimizer_name": lambda: "adam", "steps": lambda: 5,
    "grad": lambda: (lambda w: 2 * w), "angles": lambda: np.array([0.0, 1.0]),
    "data": split, "hidden": lambda: 2, "hidden_units": lambda: [2], "lams": lambda: [0.0],
    "seed": lambda: 0, "matrix": lambda: np.eye(2), "val_losses": lambda: [0.5, 0.4, 0.45],
    "patience": lambda: 1, "history": history, "degree": lambda: 1, "held_out": lambda: 1,
    "omega": lambda: np.array([1.0, 2.0]), "phase": lambda: np.array([0.0, 1.0]),
    "Phi": lambda: np.eye(3, 2), "x_train": lambda: np.linspace(0, 1, 5),
    "y_train": lambda: np.linspace(0, 1, 5), "x_test": lambda: np.linspace(0, 1, 4),
    "y_test": lambda: np.linspace(0, 1, 4), "X_train": lambda: X2, "X_test": lambda: X2,
    "loss_fn": lambda: (lambda a, b: a * a + b * b), "w_grid_1": lambda: np.array([0.0, 1.0]),
    "w_grid_2": lambda: np.array([0.0, 1.0, 2.0]), "layer": lambda: 0, "key": lambda: "W",
    "position": lambda: (0, 0), "index_1": lambda: 0, "index_2": lambda: 1,
    "J": lambda: np.ones((3, 2)), "n_parameters": lambda: 3, "biases": lambda: [np.zeros(2)],
    "config": config, "names": lambda: ["x1", "x2"], "run": lambda: None,
    "directions": lambda: np.ones((1, 13)), "coefs": lambda: np.array([0.0, 0.5]),
    "noise": lambda: 0.1, "start": lambda: 0.0, "target": lambda: 1.0,
    "gradient": lambda: 0.5, "depth": lambda: 2, "lo": lambda: -1.0, "hi": lambda: 1.0,
    "omegas": lambda: [np.ones((2, 1))], "betas": lambda: [np.zeros(2)],
    "error": lambda: ValueError("x"), "result": result, "weight_scale": lambda: 1.0,
}

#: Arguments one callable reads differently from the table above.
OVERRIDES: dict[str, dict[str, Callable[[], Any]]] = {
    "lecture_code.activations.softmax_backward": {"a": lambda: np.array([[0.3, 0.7]])},
    "lecture_code.backprop.shallow_example": {
        "x": lambda: 0.5, "y_bar": lambda: 1.0, "theta": lambda: np.ones((2, 2)),
        "phi": lambda: np.ones(3)},
    "lecture_code.panels.controls.Choice": {"value": lambda: "a"},
    # start: a point (w1, w2) of the surface (the table's 0.0 is a number elsewhere)
    "lecture_code.descent.run": {"start": lambda: np.array([0.5, -0.5])},
    "lecture_code.stochastic.noisy_descent": {"start": lambda: np.array([0.5, -0.5])},
    "lecture_code.stochastic.escape_fraction": {"start": lambda: np.array([0.5, -0.5])},
    "lecture_code.digits.fit": {"data": lambda: digits_split(), "hidden": lambda: 2,
                                "epochs": lambda: 1},
    "lecture_code.digits.grid_search": {"data": lambda: digits_split(), "epochs": lambda: 1},
    "lecture_code.digits.panel": {"data": lambda: digits_split()},
    "lecture_code.digits.predict": {"model": lambda: mlp((64, 2, 10), "softmax"),
                                    "X": lambda: np.zeros((3, 64))},
    "lecture_code.digits.confusion_matrix": {"y_true": lambda: np.array([0, 1, 1]),
                                             "y_pred": lambda: np.array([0, 1, 0])},
    "lecture_code.digits.misclassified": {"y_true": lambda: np.array([0, 1, 1]),
                                          "y_pred": lambda: np.array([0, 1, 0])},
    "lecture_code.generalization.polynomial_fit": {"x": lambda: np.linspace(0, 1, 3)},
    "lecture_code.generalization.holdout_error": {"x": lambda: np.linspace(0, 1, 3)},
    "lecture_code.generalization.draw_features": {"p": lambda: 3},
    "lecture_code.generalization.fourier_features": {"x": lambda: np.linspace(0, 1, 3)},
    "lecture_code.generalization.double_descent": {"n_features": lambda: [1, 2],
                                                   "draws": lambda: 2},
    "lecture_code.generalization.penalty_panel": {"y_train": lambda: Y01, "y_test": lambda: Y01,
                                                  "epochs": lambda: 2},
    "lecture_code.generalization.dropout_panel": {"y_train": lambda: Y01, "y_test": lambda: Y01,
                                                  "epochs": lambda: 2},
    "lecture_code.generalization.train_classifier": {"hidden": lambda: (2,),
                                                     "epochs": lambda: 2},
    "lecture_code.generalization.unit_ablation": {"layer": lambda: 0},
    "lecture_code.gradcheck.relative_error": {"a": lambda: np.ones(3)},
    "lecture_code.layers.Dense": {"rng": rng},
    "lecture_code.losses.categorical_cross_entropy": {
        "y_pred": lambda: np.array([[0.3, 0.7], [0.5, 0.5]]), "y_true": lambda: np.eye(2)},
    "lecture_code.losses.categorical_cross_entropy_grad": {
        "y_pred": lambda: np.array([[0.3, 0.7], [0.5, 0.5]]), "y_true": lambda: np.eye(2)},
    "lecture_code.losses.binary_cross_entropy_with_logits": {"z": lambda: np.ones((3, 1))},
    "lecture_code.losses.binary_cross_entropy_with_logits_grad": {"z": lambda: np.ones((3, 1))},
    "lecture_code.losses.categorical_cross_entropy_with_logits": {
        "z": lambda: np.array([[0.3, 0.7], [0.5, 0.5]]), "y_true": lambda: [1, 0]},
    "lecture_code.losses.categorical_cross_entropy_with_logits_grad": {
        "z": lambda: np.array([[0.3, 0.7], [0.5, 0.5]]), "y_true": lambda: [1, 0]},
    "lecture_code.losses.check_output": {"activation": lambda: "sigmoid"},
    "lecture_code.losses.get": {"name": lambda: "bce"},
    "lecture_code.optimizers.make": {"name": lambda: "adam"},
    "lecture_code.nonlinearity.linear_equivalent": {
        "model": lambda: network.MLP([2, 3, 1], "linear", "linear", rng=rng())},
    "lecture_code.nonlinearity.train_classifier": {"epochs": lambda: 2},
    "lecture_code.nonlinearity.activation_panel": {"epochs": lambda: 2},
    "lecture_code.stochastic.batch_size_panel": {"epochs": lambda: 2},
    "lecture_code.vanishing.vanishing_gradient_panel": {"width": lambda: 2, "n": lambda: 4},
    "lecture_code.playground.replay": {"run": lambda: "lecture_code/data/playground_run.json"},
    "lecture_code.shallow.from_mlp": {"model": lambda: mlp((1, 3, 1), "linear")},
    "lecture_code.shallow.interpolating_net": {"values": lambda: np.array([0.0, 1.0, 0.0])},
    "lecture_code.shallow.column_forward": {"X": lambda: np.ones((3, 1)),
                                            "omegas": lambda: [np.ones((2, 1)), np.ones((1, 2))],
                                            "betas": lambda: [np.zeros(2), np.zeros(1)]},
    "lecture_code.shallow.linear_pieces": {"f": lambda: np.abs, "resolution": lambda: 101},
    "lecture_code.panels.widgets.shallow_panel": {"X": lambda: np.array([[0.1], [0.5], [-0.3]])},
    "lecture_code.perceptron.update": {"y": lambda: 1.0},
    "lecture_code.digits.accuracy": {"y_true": lambda: np.array([0, 1, 1]),
                                     "y_pred": lambda: np.array([0, 1, 0])},
    "lecture_code.digits.majority_accuracy": {"y_train": lambda: np.array([0, 1, 1]),
                                              "y_eval": lambda: np.array([1, 2, 1])},
    "lecture_code.digits.nearest_centroid": {"y_train": lambda: np.array([0, 1, 1])},
    "lecture_code.digits.nearest_neighbour": {"y_train": lambda: np.array([0, 1, 1])},
    "lecture_code.digits.sweep": {"data": lambda: digits_split(), "hidden_units": lambda: [0],
                                  "lams": lambda: [0.0], "seeds": lambda: [0, 1],
                                  "epochs": lambda: 1},
    "lecture_code.digits.accuracy_interval": {"correct": lambda: 3},
    "lecture_code.slices.loss_slice": {"coefs": lambda: np.array([[0.0], [0.5]])},
    "lecture_code.training.accuracy": {"output": lambda: np.array([[0.2], [0.7], [0.9]])},
    "lecture_code.panels.widgets.Panel": {"controls": lambda: slider_panel().controls,
                                   "update": lambda: slider_panel().update},
    "lecture_code.panels.widgets.boundary_panel": {"y_train": lambda: Y01, "X_test": lambda: X2,
                                            "y_test": lambda: Y01,
        "fit": lambda: (lambda x: (lambda G: np.full(len(G), 0.5), None)),
        "controls": lambda: slider_panel().controls, "static_frames": lambda: 2},
}

#: Arguments whose value is free text (a label, a title): any text is fine.
FREE_TEXT = {"label", "alt", "title", "note", "against", "name_"}

#: Arguments that seed numpy's generator: any whole number >= 0 is a seed
#: (``np.random.default_rng`` takes integers of any size), and a seed allocates nothing,
#: so a huge one is a valid seed, not a count past the budget (``_checks.seed``).
SEEDS = {"seed", "restart"}      # playground.Config's restart: a second seed, of the weights

_ARITHMETIC = ("counts what a network of these sizes would hold or cost, with integer "
               "arithmetic; it builds nothing, so sizes past the memory budget are the question "
               "it answers, not a danger")

_WHOLE_SET = ("a batch larger than the training set is the whole set (documented): the rows "
              "are taken, not allocated")

#: Documented acceptances beyond the general ones: (callable, argument, kind of bad value).
ACCEPTED: dict[tuple[str, str, str], str] = {
    ("lecture_code.backprop.training_costs", "sizes", "huge sizes"): _ARITHMETIC,
    ("lecture_code.backprop.training_costs", "batch_size", "past the budget"): _ARITHMETIC,
    ("lecture_code.landscape.n_parameters", "sizes", "huge sizes"): _ARITHMETIC,
    ("lecture_code.shallow.count_parameters", "sizes", "huge sizes"): _ARITHMETIC,
    ("lecture_code.digits.count_parameters", "sizes", "huge sizes"): _ARITHMETIC,
    ("lecture_code.digits.sweep", "seeds", "huge sizes"):
        "a list of seeds: any whole numbers >= 0 seed numpy (SEEDS), and a seed allocates nothing",
    ("lecture_code.digits.accuracy_interval", "n", "past the budget"):
        "a count of test images in a formula: any whole number >= 1, it allocates nothing",
    ("lecture_code.digits.fit", "patience", "past the budget"):
        "a patience longer than the run never stops it (documented); it allocates nothing",
    ("lecture_code.digits.sweep", "patience", "past the budget"):
        "a patience longer than the run never stops it (documented); it allocates nothing",
    ("lecture_code.landscape.grid_evaluations", "values_per_parameter", "past the budget"):
        "an exact integer m ** p; its digits are bounded by BUDGET.digits, not its base",
    ("lecture_code.losses.check_output", "units", "past the budget"):
        "compares the number of output units with the loss; it allocates nothing",
    ("lecture_code.losses.targets", "name", "unknown name"):
        "name is the word for y_true in targets' messages: any text (documented)",
    ("lecture_code.losses.targets", "y_true", "wrong shape"):
        "with columns=None (the default) targets of any number of columns are taken (documented)",
    ("lecture_code.datasets.train_test_split", "y", "wrong shape"):
        "a (3, 2) y is n rows of k targets, which the docstring accepts",
    ("lecture_code.digits.split", "y", "wrong shape"):
        "a (3, 2) y is n rows of k targets, which the docstring accepts",
    ("lecture_code.stochastic.settle", "w", "wrong shape"):
        "a (2, 2) w is two starting points, which the docstring accepts",
    ("lecture_code.early_stopping.early_stopping_epoch", "patience", "past the budget"):
        "a patience longer than the run never stops it (documented); it allocates nothing",
    ("lecture_code.early_stopping.patience_panel", "max_patience", "past the budget"):
        "the slider's range, of any size (documented): the panel draws about ten settings",
    ("lecture_code.training.train", "batch_size", "past the budget"): _WHOLE_SET,
    ("lecture_code.digits.fit", "batch_size", "past the budget"): _WHOLE_SET,
    ("lecture_code.stochastic.gradient_noise", "batch_size", "past the budget"): _WHOLE_SET,
    ("lecture_code.generalization.unit_ablation", "layer", "negative"):
        "-1 is the default, the last hidden layer: negative layers count from the last "
        "(documented)",
    ("lecture_code.playground.Config", "batch_size", "past the budget"): _WHOLE_SET,
    ("lecture_code.panels.controls.Button", "value", "past the budget"):
        "a count of clicks, any whole number >= 0 (documented): it allocates nothing",
    ("lecture_code.regularization.penalty", "weights", "ragged"):
        "a list of weight matrices of different sizes is what weights is (model.weights)",
    ("lecture_code.perceptron.perceptron_output", "x", "wrong shape"):
        "a (2, 2) x is two rows of two features, which the docstring accepts",
}


@dataclass
class Walked:
    """One public callable: ``make()`` returns it (a bound method on a fresh instance)."""

    name: str
    make: Callable[[], Callable]
    signature: inspect.Signature
    doc: str


def _public(module) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n, v in vars(module).items() if not n.startswith("_")
                 and (inspect.isfunction(v) or inspect.isclass(v))]
    return [n for n in names if callable(getattr(module, n))
            and getattr(getattr(module, n), "__module__", None) == module.__name__
            and not (inspect.isclass(getattr(module, n))
                     and issubclass(getattr(module, n), BaseException))]


def _skipped(name: str) -> bool:
    return any(name == m or name.startswith(m + ".") for m in (*NOT_WALKED, *NOT_CALLED))


def public_callables() -> list[Walked]:
    """Every public function, class and public method of the package, found by import."""
    found = []
    for info in pkgutil.walk_packages(lecture_code.__path__, "lecture_code."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts[1:]) or _skipped(info.name) or info.ispkg:
            continue
        module = importlib.import_module(info.name)
        for attr in _public(module):
            obj, qual = getattr(module, attr), f"{info.name}.{attr}"
            if _skipped(qual):
                continue
            doc = f"{inspect.getdoc(obj) or ''}\n{module.__doc__ or ''}"
            found.append(Walked(qual, lambda obj=obj: obj, inspect.signature(obj), doc))
            if inspect.isclass(obj):
                for method, fn in vars(obj).items():
                    if method.startswith("_") or not inspect.isfunction(fn) \
                            or _skipped(f"{qual}.{method}"):
                        continue
                    found.append(Walked(f"{qual}.{method}",
                                        lambda qual=qual, method=method:
                                        getattr(instance(qual), method),
                                        inspect.signature(getattr(obj, method).__get__(object())),
                                        f"{inspect.getdoc(fn) or ''}\n{doc}"))
    return found


#: How to make a valid instance of a class whose methods are walked (default: the class
#: called with its valid example arguments).
INSTANCES: dict[str, Callable[[], Any]] = {
    "lecture_code.network.MLP": lambda: forwarded(mlp()),
    "lecture_code.layers.Dense": lambda: forwarded_dense(),
    "lecture_code.regularization.Dropout": lambda: forwarded_dropout(),
    "lecture_code.playground.Result": result,
    "lecture_code.training.History": history,
}


def forwarded(model):
    """``model`` after a forward pass, so that ``backward`` has its cache."""
    model.forward(X2 if model.layers[0].params["W"].shape[0] == 2 else np.ones((3, 1)))
    return model


def forwarded_dense():
    from lecture_code import layers
    dense = layers.Dense(2, 1, "tanh", rng=rng())
    dense.forward(X2)
    return dense


def forwarded_dropout():
    from lecture_code import regularization
    drop = regularization.Dropout(0.5, rng=rng())
    drop.forward(np.ones((3, 1)))
    return drop


def digits_split():
    from lecture_code import digits
    labels = np.array([0, 1, 2, 3, 4, 5])
    return digits.Split(np.zeros((6, 64)), labels, np.zeros((6, 64)), labels,
                        np.zeros((6, 64)), labels)


def instance(qual: str):
    if qual in INSTANCES:
        return INSTANCES[qual]()
    module, _, cls = qual.rpartition(".")
    cls = getattr(importlib.import_module(module), cls)
    return cls(**valid_arguments(qual, inspect.signature(cls)))


def _walked_parameters(signature: inspect.Signature) -> list[inspect.Parameter]:
    return [p for p in signature.parameters.values()
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def valid_arguments(qual: str, signature: inspect.Signature) -> dict:
    """A valid example of every argument: the override, the table, or the default."""
    out, own = {}, OVERRIDES.get(qual, {})
    for p in _walked_parameters(signature):
        if p.name in own:
            out[p.name] = own[p.name]()
        elif p.default is not p.empty:
            continue
        elif p.name in VALID:
            out[p.name] = VALID[p.name]()
        else:
            raise LookupError(f"{qual}: no valid example for argument {p.name!r}; add one to "
                              f"VALID or OVERRIDES in tests/test_api_walk.py")
    return out


HUGE = 10 ** 12


def _numbers(value) -> np.ndarray | None:
    """``value`` as a float array if it is an array or list of numbers, else None."""
    if isinstance(value, (str, bytes, dict)) or isinstance(value, (bool, int, float)):
        return None
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        return None
    return arr.astype(float) if arr.dtype.kind in "biuf" and arr.size else None


def bad_values(value, default) -> list[tuple[str, Any]]:
    """``(kind, value)``: the bad arguments made from a valid example."""
    out = [] if default is None else [("None", None)]
    arr = _numbers(value)
    if isinstance(value, (bool, np.bool_)):
        out += [("text", "no"), ("a number", 2)]
    elif isinstance(value, str):
        out += [("unknown name", "no_such_name"), ("other case", value.upper()),
                ("a number", 3)]
    elif isinstance(value, (int, np.integer)):
        out += [("negative", -1), ("fraction", 2.5), ("huge", HUGE),
                ("past the budget", 2 ** 31 - 1), ("NaN", math.nan), ("text", "3")]
    elif isinstance(value, (float, np.floating)):
        out += [("NaN", math.nan), ("inf", math.inf), ("-inf", -math.inf), ("text", "0.5"),
                ("a list", [value, value])]
    elif isinstance(value, np.random.Generator):
        out += [("a seed", 0), ("a RandomState", np.random.RandomState(0))]
    elif arr is not None and arr.dtype.kind in "f" and isinstance(value, (list, tuple)) \
            and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        out += [("empty", []), ("negative size", [*value[:-1], -1]),
                ("fractional size", [*value[:-1], 2.5]), ("text", "abc"),
                ("huge sizes", [100_000, 100_000, *value[1:]]), ("ragged", [[1], [1, 2]])]
    elif arr is not None:
        out += [("NaN", np.full(arr.shape, np.nan)), ("inf", np.full(arr.shape, np.inf)),
                ("empty", []), ("ragged", [[1.0], [1.0, 2.0]]), ("text", "abc"),
                ("wrong shape", np.ones((*arr.shape, 2))), ("complex", arr * 1j)]
    elif callable(value):
        out += [("text", "f"), ("a number", 3)]
    else:
        out += [("text", "abc"), ("a number", 3)]
    return out


def names(argument: str, message: str) -> bool:
    """Does ``message`` name ``argument`` (as a word; a short one as the subject)?"""
    word = rf"(?<![\w.]){re.escape(argument)}(?![\w(])"
    if len(argument) <= 2:
        word += r"(?=\[| must| is| has| contains| and| =|:|;|,| \(|$)"
    return re.search(word, message) is not None


#: Words in a docstring (the callable's or its module's) that document an acceptance.
DOCUMENTED = {"NaN": r"\bnan\b", "inf": r"\binf", "-inf": r"\binf", "wrong shape": r"any shape",
              "empty": r"\bempty\b"}


def _mentions(doc: str, kind: str) -> bool:
    return kind in DOCUMENTED and re.search(DOCUMENTED[kind], doc, re.IGNORECASE) is not None


def classify(walked: Walked, argument: str | None, kind: str, bad) -> str:
    """Call ``walked`` with ``argument`` set to ``bad`` (None: the valid call); the outcome."""
    try:
        fn = walked.make()
        kwargs = valid_arguments(walked.name, walked.signature)
    except Exception as error:            # noqa: BLE001 (the walk reports what broke)
        return f"FAIL: the valid example cannot be built: {type(error).__name__}: {error}"
    if argument is not None:
        kwargs[argument] = bad
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out = fn(**kwargs)
    except Hang:
        return f"FAIL: still running after {SECONDS} s"
    except (ValueError, TypeError) as error:
        if argument is None:
            return f"FAIL: the valid call raises {type(error).__name__}: {error}"
        if names(argument, str(error)):
            return "refused naming the argument"
        return f"FAIL: {type(error).__name__} does not name {argument}: {error}"
    except Exception as error:            # noqa: BLE001
        return f"FAIL: {type(error).__name__}: {error}"
    if argument is None:
        return "valid"
    default = walked.signature.parameters[argument].default
    if kind == "other case":
        return "accepted: names are case-insensitive"
    if kind == "None" and default is None:
        return "accepted: None is the default"
    if argument in FREE_TEXT and kind in ("unknown name", "other case"):
        return "accepted: free text"
    if argument in SEEDS and kind in ("huge", "past the budget"):
        return "accepted: any whole number >= 0 is a seed"
    if (walked.name, argument, kind) in ACCEPTED:
        return "accepted: documented in ACCEPTED"
    if _mentions(walked.doc, kind):
        if kind == "NaN" and not np.isnan(np.asarray(out, dtype=float)).any():
            return f"FAIL: NaN in {argument} gave {out!r}, not NaN"
        if kind in ("NaN", "inf", "-inf"):
            return "propagated as numpy does (documented)"
        return f"accepted: {kind} (documented)"
    return f"FAIL: accepted without documentation, returned {type(out).__name__}"


class Hang(BaseException):
    """Raised by the alarm inside a call that outlives ``SECONDS``."""


def _alarm(signum, frame):
    raise Hang


def calls() -> list[tuple[Walked, str | None, str, Any]]:
    """The valid call of every callable, then one bad argument at a time."""
    out = []
    for walked in public_callables():
        out.append((walked, None, "valid", None))
        try:
            valid = valid_arguments(walked.name, walked.signature)
        except LookupError:
            continue                                  # reported by the valid call
        for p in _walked_parameters(walked.signature):
            example = valid.get(p.name, p.default)
            if example is None and p.name in VALID:   # None means "the default": try bad numbers
                example = VALID[p.name]()
            for kind, bad in bad_values(example, p.default):
                out.append((walked, p.name, kind, bad))
    return out


def _child(todo, start, conn) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as f:
        used = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (used + MEMORY, hard))
    lecture_code.BUDGET.operations = OPERATIONS
    signal.signal(signal.SIGALRM, _alarm)
    for i in range(start, len(todo)):
        conn.send(("start", i))
        # a valid call may load numba's compiled loop the first time: VALID_SECONDS
        signal.setitimer(signal.ITIMER_REAL, SECONDS if todo[i][1] else VALID_SECONDS)
        try:
            outcome = classify(*todo[i])
        except Hang:
            outcome = "FAIL: still running after the time limit"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        conn.send(("done", i, outcome))
    conn.send(("end", None))


def walk(todo) -> list[str]:
    """The outcome of every call, each in a child process that is killed if it hangs."""
    context = multiprocessing.get_context("fork")
    outcomes: list[str | None] = [None] * len(todo)
    start = 0
    while start < len(todo):
        parent, child = context.Pipe()
        process = context.Process(target=_child, args=(todo, start, child), daemon=True)
        process.start()
        current = start
        while True:
            if not parent.poll(VALID_SECONDS + 10):
                process.kill()
                outcomes[current] = f"FAIL: killed after {VALID_SECONDS + 10} s (a hang in C code)"
                start = current + 1
                break
            try:
                what, *rest = parent.recv()
            except EOFError:                          # the child died (killed by the kernel)
                outcomes[current] = "FAIL: the process died"
                start = current + 1
                break
            if what == "start":
                current = rest[0]
            elif what == "done":
                outcomes[rest[0]] = rest[1]
            else:
                start = len(todo)
                break
        process.join()
    return outcomes


def _describe(call) -> str:
    walked, argument, kind, bad = call
    text = " ".join(repr(bad).split())
    return f"{walked.name}({argument}={text:.60})  [{kind}]" if argument else walked.name


def test_the_walk_finds_every_public_callable():
    found = {w.name for w in public_callables()}
    assert {"lecture_code.landscape.grid_evaluations", "lecture_code.network.MLP",
            "lecture_code.network.MLP.forward", "lecture_code.panels.widgets.Panel.static_html",
            "lecture_code.datasets.blobs"} <= found
    assert not any(name.startswith("lecture_code.exercises") for name in found)


def test_every_bad_argument_is_refused_naming_it_or_accepted_as_documented():
    todo = calls()
    outcomes = walk(todo)
    failures = [f"{_describe(c)}: {o}" for c, o in zip(todo, outcomes) if o.startswith("FAIL")]
    counts = collections.Counter(o.split(":")[0] if o.startswith("FAIL") else o
                                 for o in outcomes)
    walked = len({c[0].name for c in todo})
    summary = (f"{walked} callables walked, {sum(c[1] is not None for c in todo)} bad "
               f"arguments tried: " + ", ".join(f"{k}: {v}" for k, v in counts.most_common()))
    print(summary)
    assert not failures, summary + "\n" + "\n".join(failures)
