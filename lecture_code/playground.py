"""The playground: every knob of a small network in one place, trained and drawn live.

A :class:`Config` holds one setting of every knob (data set, noise, split,
depth, width, activation, loss, optimizer, learning rate, batch size,
penalty, dropout, epochs, seed); :func:`run` trains that network with
:func:`lecture_code.training.train` and returns a :class:`Result`;
:class:`lecture_code.plotting.PlaygroundFigure` draws a result (decision boundary or regression
surface with train and test points, train and test loss, the network with
its weights) and :func:`panel` puts it all behind live controls. Unlike
TensorFlow Playground, classification can use the cross-entropy.

On the book's website the same playground runs in the browser, in
JavaScript (``book/_static/playground/``); a browser run exports its data,
initial weights and random draws, and :func:`replay` trains the same network
with this package, epoch for epoch.

See chapter 8 (the playground).
"""
from __future__ import annotations

import base64
import contextlib
import functools
import json
import os
from dataclasses import dataclass, fields

import numpy as np

from . import _checks, datasets, losses as _losses, optimizers, regularization, training
from .network import MLP

__all__ = ["DATASETS", "ACTIVATIONS", "BATCH_SIZES", "bumps", "Config", "Result", "make_data",
           "build", "run", "cost", "one_blas_thread", "controls", "panel",
           "FEATURES", "features", "replay", "EXAMPLE_RUN", "example_run", "site_html"]

#: Four two-class sets and one regression set, all on about [-1.5, 1.5]^2.
DATASETS = ("circles", "xor", "blobs", "spiral", "regression")
#: Hidden activations the playground offers.
ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "linear")


def bumps(n: int, *, rng: np.random.Generator, noise: float = 0.1):
    """The regression set: a hill and a valley, ``y = e^{-2|x - c|^2} - e^{-2|x + c|^2} + noise``.

    ``x`` is uniform in [-1.5, 1.5]^2 and ``c = (0.5, 0.5)``, so y lies in
    about [-1, 1]; ``noise`` is the standard deviation of Gaussian noise on y.
    Returns ``X`` (n, 2) and ``y`` (n,), float64.
    """
    n, rng = _checks.count(n, "n", each=8, of="points"), _checks.generator(rng)
    noise = _checks.positive(noise, "noise", allow_zero=True)
    X = rng.uniform(-1.5, 1.5, size=(n, 2))
    c = np.array([0.5, 0.5])
    y = np.exp(-2 * ((X - c) ** 2).sum(1)) - np.exp(-2 * ((X + c) ** 2).sum(1))
    return X, y + noise * rng.standard_normal(n)


_MAKERS = {
    "circles": lambda n, rng, noise: datasets.circles(n, rng=rng, noise=noise),
    "xor": lambda n, rng, noise: datasets.xor(n, rng=rng, noise=noise),
    "blobs": lambda n, rng, noise: datasets.blobs(n, rng=rng, spread=1.0, noise=noise),
    "spiral": lambda n, rng, noise: datasets.spirals(n, rng=rng, noise=noise, turns=1.5),
    "regression": lambda n, rng, noise: bumps(n, rng=rng, noise=noise),
}


@dataclass(frozen=True)
class Config:
    """One setting of every knob; the defaults are the benchmark's configuration.

    A 2-16-16-1 ReLU network with a sigmoid output, trained full-batch for
    300 epochs by Adam (learning rate 0.01) on the binary cross-entropy, on
    200 points of two circles of which a quarter are held out as the test
    set. ``batch_size=None`` (or one above the training points) is full
    batch; ``loss`` is ``'bce'`` or ``'mse'``
    (the regression set always uses ``'mse'``); ``lam`` only acts when
    ``penalty`` is ``'l1'`` or ``'l2'``. ``seed`` draws the data;
    ``restart`` picks another draw of the initial weights (and minibatch
    order) for the same data. Invalid values raise ``ValueError``.
    """

    dataset: str = "circles"
    points: int = 200
    noise: float = 0.1
    test_fraction: float = 0.25
    hidden_layers: int = 2
    units: int = 16
    activation: str = "relu"
    loss: str = "bce"
    optimizer: str = "adam"
    lr: float = 0.01
    batch_size: int | None = None
    penalty: str = "none"
    lam: float = 1e-3
    dropout: float = 0.0
    epochs: int = 300
    seed: int = 0
    restart: int = 0

    def __post_init__(self):
        # names are compared case-insensitively and stored as compared: 'Circles' -> 'circles'
        for knob, options in (("dataset", DATASETS), ("activation", ACTIVATIONS),
                              ("loss", ("bce", "mse")), ("optimizer", optimizers.NAMES),
                              ("penalty", regularization.PENALTIES)):
            object.__setattr__(self, knob, _checks.choice(getattr(self, knob), knob, options))
        points = _checks.count(self.points, "points", minimum=10, each=16, of="points")
        _checks.positive(self.noise, "noise", allow_zero=True)
        _checks.in_range(self.test_fraction, "test_fraction", 0.05, 0.95, closed_high=True)
        units = _checks.count(self.units, "units", each=4, of="weights")
        layers = _checks.count(self.hidden_layers, "hidden_layers", minimum=0)
        # the weights of [2, units, ..., units, 1], without building the list of sizes
        weights = (3 * units + max(layers - 1, 0) * (units + 1) * units + units + 1 if layers
                   else 3)
        _checks.affordable(weights, "hidden_layers and units", (layers, units), "weights")
        _checks.positive(self.lr, "lr")
        if self.batch_size is not None:
            _checks.count(self.batch_size, "batch_size")
        _checks.positive(self.lam, "lam", allow_zero=True)
        _checks.in_range(self.dropout, "dropout", 0.0, 1.0)
        _checks.count(self.epochs, "epochs", each=1e3 + 6.0 * points * weights,
                      of="work (an epoch over the points each)")
        _checks.seed(self.seed)
        _checks.seed(self.restart, "restart")

    @property
    def regression(self) -> bool:
        """True for the regression set (linear output, squared error)."""
        return self.dataset == "regression"

    @property
    def sizes(self) -> list[int]:
        """Units per layer, input first, ``[2, units, ..., units, 1]``."""
        return [2] + [self.units] * self.hidden_layers + [1]

    def replace(self, **changes) -> "Config":
        """A copy with some knobs changed (and validated again)."""
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise ValueError(f"unknown knob(s) {sorted(unknown)}; expected fields of Config")
        return Config(**{**self.__dict__, **changes})


def make_data(config: Config):
    """The data of ``config``, drawn with ``default_rng(config.seed)`` and split.

    Returns
    -------
    X_train, X_test : (n_train, 2), (n_test, 2) float64, ``n_test = ceil(test_fraction * points)``;
    y_train, y_test : class labels 0/1 (int64), or float64 targets for the regression set.
    """
    _checks.instance(config, "config", Config)
    rng = np.random.default_rng(config.seed)
    X, y = _MAKERS[config.dataset](config.points, rng, config.noise)
    return datasets.train_test_split(X, y, config.test_fraction, rng=rng)


@dataclass
class Result:
    """A trained playground network: its config, model, history and data."""

    config: Config
    model: MLP
    history: training.History
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    X_val: np.ndarray | None = None     # the validation points, if run(..., validation=f) split them off
    y_val: np.ndarray | None = None

    @property
    def diverged(self) -> bool:
        """True if the loss overflowed (training stopped early)."""
        return self.history.diverged

    @property
    def loss(self) -> str:
        """The loss actually trained on, ``'mse'`` for regression, else ``config.loss``."""
        return "mse" if self.config.regression else self.config.loss

    def predict(self, X) -> np.ndarray:
        """The network's output for ``X`` (n, 2): P(class 1), or y for regression; shape (n,)."""
        with one_blas_thread():
            return self.model.forward(X)[:, 0]

    def test_loss(self) -> float:
        """The data loss (no penalty) on the test set."""
        with one_blas_thread():     # from the logits for 'bce', as training measures it
            return self.model.loss(self.X_test, self.y_test[:, None], self.loss)

    def accuracy(self, test: bool = True) -> float:
        """Fraction of test (or training) points on the right side of P = 0.5."""
        if self.config.regression:
            raise ValueError("accuracy is for classification; the regression set has test_loss()")
        X, y = (self.X_test, self.y_test) if test else (self.X_train, self.y_train)
        return float(np.mean((self.predict(X) >= 0.5) == (y == 1)))

    def weight_norm(self) -> float:
        """Sum of squared weights over all layers (what the L2 penalty measures)."""
        return float(sum((W ** 2).sum() for W in self.model.weights))


@functools.lru_cache(maxsize=None)
def _blas_controller():
    """threadpoolctl's handle on numpy's BLAS, whichever it is; None without threadpoolctl.

    threadpoolctl is optional: Colab's setup cell installs lecture_code with
    ``--no-deps`` and only numpy and matplotlib are certain to be there. Without
    it the products run on the BLAS's own threads, which costs speed on a busy
    machine and nothing else.
    """
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


@contextlib.contextmanager
def one_blas_thread():
    """Run numpy's matrix products on one thread inside the block (restored afterwards).

    The playground's products are small: when the machine is busy, the BLAS
    threads spend far longer waiting for each other than they save (see
    :mod:`lecture_code.fast.bench`). Without threadpoolctl the block runs as it is.
    """
    controller = _blas_controller()
    if controller is None:
        yield
        return
    with controller.limit(limits=1, user_api="blas"):
        yield


def build(config: Config, rng: np.random.Generator) -> MLP:
    """The untrained network of ``config``: a sigmoid output for two classes, linear for
    regression; ``rng`` draws its weights (and later its dropout masks)."""
    _checks.instance(config, "config", Config)
    return MLP(config.sizes, config.activation, "linear" if config.regression else "sigmoid",
               rng=rng, dropout=config.dropout)


def run(config: Config = Config(), *, validation: float = 0.0) -> Result:
    """Draw the data, build the network, train it; return a :class:`Result`.

    Training is :func:`lecture_code.training.train` with ``fused=True``
    (compiled by numba where it is installed, :mod:`lecture_code.fast.compiled_training`,
    else in fused numpy, :mod:`lecture_code.fast.fused_training`). By default the
    test set is the validation set, as in TensorFlow Playground: the history's
    ``val_loss`` and ``val_acc`` are the test loss and accuracy after every
    epoch (the accuracies for either loss of a classifier). With
    ``validation=f`` a share ``f`` of the training points is held out as a
    validation set (``result.X_val``, drawn with ``default_rng([seed, 1])``),
    training uses the rest, and the history's curves are those of the
    validation set: the way to *choose* a setting, with the test set left for
    the end (chapter 7). Weights, dropout masks and minibatches come
    from ``default_rng([seed, restart])``, so the same config always gives the
    same result. A run whose loss overflowed has ``result.diverged`` set (it
    is not raised).

    Parameters
    ----------
    config : Config
        Every knob (the default is the benchmark's configuration).
    validation : float
        Share of the training points held out for validation, in [0, 0.9];
        0 (the default) validates on the test set.

    Returns
    -------
    Result
    """
    _checks.instance(config, "config", Config)
    if not isinstance(config, Config):
        raise ValueError(f"config must be a playground.Config, got {type(config).__name__}")
    validation = _checks.in_range(validation, "validation", 0.0, 0.9, closed_high=True)
    X_train, X_test, y_train, y_test = make_data(config)
    X_val = y_val = None
    if validation:
        X_train, X_val, y_train, y_val = datasets.train_test_split(
            X_train, y_train, validation, rng=np.random.default_rng([config.seed, 1]))
    rng = np.random.default_rng([config.seed, config.restart])
    model = build(config, rng)
    result = Result(config, model, None, X_train, X_test, y_train, y_test, X_val, y_val)
    with one_blas_thread():
        result.history = training.train(
            model, X_train, y_train, loss=result.loss, optimizer=config.optimizer, lr=config.lr,
            epochs=config.epochs, batch_size=config.batch_size, rng=rng, penalty=config.penalty,
            lam=config.lam if config.penalty != "none" else 0.0,
            X_val=X_test if X_val is None else X_val, y_val=y_test if y_val is None else y_val,
            accuracy=not config.regression, fused=True)
    return result


def cost(config: Config) -> float:
    """Rough work of :func:`run` plus the redraw for ``config``, in multiply-adds.

    Each epoch takes ``ceil(n_train / batch)`` steps; a step costs about
    ``3 rows M`` multiply-adds (forward, and backward twice as much), with
    ``M = sum d_in d_out`` over the layers, plus a fixed overhead per numpy
    call (counted as 30,000 multiply-adds per layer and step); the test curve
    adds ``n_test M`` per epoch, the redraw a constant. Only ratios matter:
    the live panel learns the seconds per unit from what it computes.
    """
    _checks.instance(config, "config", Config)
    n_test = int(np.ceil(config.test_fraction * config.points))
    n_train = config.points - n_test
    rows = n_train if config.batch_size is None else min(config.batch_size, n_train)
    steps = -(-n_train // rows)
    sizes = config.sizes
    macs = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    step = 3 * rows * macs + 30_000 * (len(sizes) + 1)
    return float(config.epochs * (steps * step + n_test * macs) + 2e7)


#: Batch sizes the panel offers (``'full'`` is the whole training set).
BATCH_SIZES = (10, 50, "full")


def controls(config: Config = Config()) -> dict:
    """The panel's controls, one per knob of :class:`Config`, starting at ``config``.

    ``{knob: Slider, Choice or Button}`` (see :mod:`lecture_code.panels.widgets`); the
    ``restart`` knob is a button that counts clicks ("retrain with new weights").
    """
    _checks.instance(config, "config", Config)
    from .panels.widgets import Button, Choice, Slider
    c = config
    return {
        "dataset": Choice("data", DATASETS, c.dataset),
        "noise": Slider("noise", 0.0, 0.6, c.noise, step=0.05),
        "test_fraction": Slider("test share", 0.1, 0.9, c.test_fraction, step=0.05),
        "points": Slider("points", 50, 1000, c.points, step=50, integer=True),
        "hidden_layers": Slider("hidden layers", 0, 6, c.hidden_layers, integer=True),
        "units": Slider("units per layer", 1, 16, c.units, integer=True),
        "activation": Choice("activation", ACTIVATIONS, c.activation),
        "loss": Choice("loss", ("bce", "mse"), c.loss),
        "optimizer": Choice("optimizer", ("sgd", "momentum", "rmsprop", "adam"), c.optimizer),
        "lr": Slider("learning rate", 1e-4, 10.0, c.lr, log=True),
        "batch_size": Choice("batch size", BATCH_SIZES, c.batch_size or "full"),
        "penalty": Choice("penalty", regularization.PENALTIES, c.penalty),
        "lam": Slider("penalty rate λ", 1e-5, 1.0, c.lam, log=True),
        "dropout": Slider("dropout", 0.0, 0.9, c.dropout, step=0.05),
        "epochs": Slider("epochs", 10, 1000, c.epochs, step=10, integer=True),
        "seed": Slider("data seed", 0, 9, c.seed, integer=True),
        "restart": Button("retrain (new weights)", c.restart),
    }


def panel(config: Config = Config()):
    """A live :class:`lecture_code.panels.widgets.Panel` over every knob; retrains on each change.

    Each change trains the network of the new setting from scratch and redraws
    one :class:`lecture_code.plotting.PlaygroundFigure`. A setting that cannot be
    shown (training that diverged) shows a plain message instead of the figure.

    Parameters
    ----------
    config : Config
        Where the controls start.

    Returns
    -------
    lecture_code.widgets.Panel
    """
    _checks.instance(config, "config", Config)
    from .fast import compiled_training
    from .plotting import PlaygroundFigure
    from .panels.widgets import Panel
    compiled_training.warm_up()         # compile now, not on the first slider move
    figure = PlaygroundFigure()

    def update(batch_size="full", **values):
        with one_blas_thread():
            result = run(Config(batch_size=None if batch_size == "full" else batch_size, **values))
            if result.diverged:
                raise training.TrainingDiverged("training diverged")
            return figure.update(result).to_png()

    live = Panel(update, controls(config), alt=(
        "The playground: the data with the network's decision boundary or regression "
        "surface, the network drawn with one link per weight, and the train and test loss."),
        static=lambda: site_html(config))
    live.cost = lambda batch_size="full", **values: cost(
        Config(batch_size=None if batch_size == "full" else batch_size, **values))
    return live


#: The input features of TensorFlow Playground (and of the browser playground), by name.
FEATURES = {
    "x1": lambda X: X[:, 0], "x2": lambda X: X[:, 1],
    "x1sq": lambda X: X[:, 0] * X[:, 0], "x2sq": lambda X: X[:, 1] * X[:, 1],
    "x1x2": lambda X: X[:, 0] * X[:, 1],
    "sinx1": lambda X: np.sin(X[:, 0]), "sinx2": lambda X: np.sin(X[:, 1]),
}


def features(X, names) -> np.ndarray:
    """The network's inputs: one column per feature name of :data:`FEATURES`, for points ``X`` (n, 2)."""
    X = _checks.as_matrix(X, "X", columns=2)
    names = _checks.items(names, "names", f"feature names from {list(FEATURES)}")
    for i, name in enumerate(names):
        _checks.choice(name, f"names[{i}]", tuple(FEATURES), what="feature")
    return np.column_stack([FEATURES[name](X) for name in names])


class _Recorded(np.random.Generator):
    """A generator that hands out recorded draws instead of random ones.

    :func:`lecture_code.training.train` asks it for one minibatch order per
    epoch (``permutation(n)``) and every dropout layer asks it for a mask
    (``random(shape)``, kept where the draw is ``>= p``): it returns the
    browser's orders and, for the masks, 1.0 where the browser kept a unit and
    0.0 where it dropped one. Asking for more than was recorded is an error.
    """

    def __init__(self, orders, keep: np.ndarray):
        super().__init__(np.random.PCG64(0))
        self._orders, self._keep, self._used = iter(orders), keep, 0

    def permutation(self, n):
        order = next(self._orders, None)
        if order is None:
            raise ValueError("the run records fewer minibatch orders than its epochs need")
        order = np.asarray(order, dtype=np.int64)
        if order.shape != (n,) or not np.array_equal(np.sort(order), np.arange(n)):
            raise ValueError(f"a recorded minibatch order must be a permutation of 0..{n - 1}")
        return order

    def random(self, size=None, dtype=np.float64, out=None):
        count = int(np.prod(size))
        if self._used + count > self._keep.size:
            raise ValueError("the run records fewer dropout decisions than its epochs need")
        draws = self._keep[self._used:self._used + count].astype(np.float64)
        self._used += count
        return draws.reshape(size)


def _recorded_epochs(model, batch_size, n: int, orders, kept: int) -> int | None:
    """How many epochs a run's draws cover: one minibatch order per epoch, or, full batch with
    dropout, ``n`` masks a layer an epoch; None for a run that draws nothing."""
    if batch_size is not None and batch_size < n:
        return len(orders)
    units = sum(size for drop, size in zip(model.dropouts, model.sizes[1:]) if drop.p > 0.0)
    return kept // (n * units) if units else None


def replay(run) -> training.History:
    """Train the network of a browser run with this package and return its :class:`~lecture_code.training.History`.

    ``run`` is what the browser playground's ``exportRun()`` returns (or its
    "Reproduce in Python" button saves): a dict, or the path of that JSON
    file. It holds the configuration, the exact training and test points,
    the initial parameters (``MLP.flat_params`` order), the minibatch order of
    every epoch and every dropout decision. The replay builds the same
    :class:`~lecture_code.network.MLP`, sets those parameters and trains with
    :func:`lecture_code.training.train`, the test set as its validation set;
    the losses per epoch equal the browser's (``run["history"]``) to rounding.
    A run that diverged is replayed through the epoch that overflowed (the
    browser draws for it, and counts it in neither), so the replay says
    ``diverged=True`` after the same epochs, even for a run that diverged in
    its first.

    Returns
    -------
    History
        ``train_loss`` and ``val_loss`` (the test loss) per epoch, and the
        accuracies for the cross-entropy.
    """
    if isinstance(run, (str, os.PathLike)):
        if not os.path.isfile(run):
            raise ValueError(f"run must be a browser playground run or the path of its JSON "
                             f"file; there is no file {os.fspath(run)!r}")
        with open(run, encoding="utf-8") as f:
            run = json.load(f)
    if not isinstance(run, dict) or run.get("format") != "nn-playground-run":
        raise ValueError("run must be a browser playground run (exportRun() or its JSON file), "
                         f"a dict with format 'nn-playground-run'; got {type(run).__name__}")
    history = run.get("history") if isinstance(run.get("history"), dict) else {}
    diverged = history.get("diverged") is True
    if isinstance(run.get("epochs"), bool) or not isinstance(run.get("epochs"), int) or run["epochs"] < 0:
        raise ValueError(f"run['epochs'] must be the number of trained epochs, a whole number >= 0, "
                         f"got {run.get('epochs')!r}")
    if run["epochs"] == 0 and not diverged:
        raise ValueError("run['epochs'] is 0: the run has no trained epochs and did not diverge "
                         "(press Play or Step before saving the run)")
    c, data = run["config"], run["data"]
    X_train, X_test = features(data["X_train"], c["features"]), features(data["X_test"], c["features"])
    model = MLP(run["sizes"], run["activation"], run["output"], rng=np.random.default_rng(0),
                dropout=c["dropout"])
    initial = _checks.as_array(run["initial_params"], "run['initial_params']", ndim=1)
    if initial.shape != model.flat_params.shape:
        raise ValueError(f"run['initial_params'] must hold {model.flat_params.size} numbers for "
                         f"sizes {run['sizes']}, got {initial.size}")
    model.flat_params[:] = initial
    try:
        packed = base64.b64decode(run["dropout_keep"], validate=True)
    except ValueError as error:
        raise ValueError(f"run['dropout_keep'] must be base64 (the packed dropout decisions): {error}")
    keep = np.unpackbits(np.frombuffer(packed, dtype=np.uint8),
                         bitorder="little")[:run["dropout_keep_count"]]
    recorded = _Recorded(run["orders"], keep)
    for drop in model.dropouts:
        drop.rng = recorded
    n = len(data["y_train"])
    epochs = run["epochs"]
    if diverged and _recorded_epochs(model, c["batch_size"], n, run["orders"], keep.size) != epochs:
        epochs += 1     # the epoch whose loss overflowed: trained, drawn and recorded, not counted
    with one_blas_thread(), np.errstate(over="ignore", invalid="ignore"):
        return training.train(
            model, X_train, np.asarray(data["y_train"], dtype=np.float64), loss=run["loss"],
            optimizer=c["optimizer"], lr=c["lr"], epochs=epochs,
            batch_size=c["batch_size"], rng=recorded, penalty=c["penalty"],
            lam=c["lam"] if c["penalty"] != "none" else 0.0,
            X_val=X_test, y_val=np.asarray(data["y_test"], dtype=np.float64))


#: A run of the browser playground, saved with its "Reproduce in Python" button
#: (written by ``scripts/playground_example.py``; chapter 8 replays it).
EXAMPLE_RUN = os.path.join(os.path.dirname(__file__), "data", "playground_run.json")


def example_run() -> dict:
    """The browser run in :data:`EXAMPLE_RUN`, as the dict ``replay`` takes."""
    with open(EXAMPLE_RUN, encoding="utf-8") as f:
        return json.load(f)


def site_html(config: Config = Config()) -> str:
    """The playground's face on the book's website: the browser playground, starting at ``config``.

    An element the page's script ``_static/playground/playground.js`` (plain
    JavaScript, served by the site) turns into the live playground; the path is
    relative to a chapter page in ``book/``. The knobs in the page's address
    override ``config``.
    """
    _checks.instance(config, "config", Config)
    if not isinstance(config, Config):
        raise ValueError(f"config must be a playground.Config, got {type(config).__name__}")
    knobs = {k: v for k, v in config.__dict__.items()}
    return ('<div class="nn-playground" data-config="'
            + json.dumps(knobs).replace("&", "&amp;").replace('"', "&quot;") + '">\n'
            '<noscript><p>The browser playground needs JavaScript. Open this chapter in Colab or '
            'Binder (the rocket icon above) for the live panel.</p></noscript>\n</div>\n'
            '<script type="module" src="../_static/playground/playground.js"></script>')
