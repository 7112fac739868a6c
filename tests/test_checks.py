"""Bad input at the public API: a clear ValueError or TypeError naming the argument, nothing else.

Each case below is a public function with valid arguments. Hypothesis replaces
one argument at a time by a malformed value (None, text, a ragged list, a
complex number, NaN, an infinity, a boolean, a negative or zero count, an
empty or wrongly shaped array, a float where a whole number belongs) and the
call must either succeed or raise ``ValueError``/``TypeError`` whose message
names the argument. Any other exception (``AttributeError``, ``IndexError``,
``KeyError``, ``ZeroDivisionError``, ...), or a message that does not say
which argument was wrong, fails.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from lecture_code import (_checks, activations, datasets, gradcheck, layers, losses, network,
                          optimizers, playground, regularization, training)


def rng():
    return np.random.default_rng(0)


def mlp(output="sigmoid", k=1):
    return network.MLP([2, 3, k], "tanh", output, rng=rng())


X2 = np.array([[0.1, 0.2], [0.3, -0.4], [-0.5, 0.6]])
Y01 = np.array([0.0, 1.0, 1.0])
P = np.array([[0.2], [0.7], [0.9]])

MALFORMED = st.sampled_from([
    None, "abc", "1.5", b"1", {"a": 1}, {1, 2}, [[1.0], [1.0, 2.0]], 1j, [1j, 2.0],
    float("nan"), float("inf"), -float("inf"), True, False, 0, -1, -2.5, 0.5, 10 ** 30,
    np.zeros(0), np.zeros((0, 2)), np.zeros((2, 2, 2)), np.ones(5), np.full((3, 2), np.nan),
    np.array(["a", "b"]), object(), [], (), [None, None], np.float64(-1.0), np.int64(-3),
])


def case(fn, names=None, id=None, **valid):
    """``fn(**valid)`` works; ``names`` maps an argument to the words its message may use."""
    return pytest.param(fn, valid, names or {}, id=id or fn.__qualname__)


def _opt_params():
    return [np.zeros((2, 2)), np.zeros(2)]


CASES = [
    *[case(getattr(activations, f), z=np.array([[-1.0, 2.0]]))
      for f in ("step", "step_prime", "sigmoid", "sigmoid_prime", "tanh", "tanh_prime", "relu",
                "relu_prime", "linear", "linear_prime", "softmax")],
    case(activations.elu, z=np.array([-1.0, 2.0]), alpha=1.0),
    case(activations.elu_prime, z=np.array([-1.0, 2.0]), alpha=1.0),
    case(activations.softmax_backward, a=np.array([[0.3, 0.7]]), da=np.array([[1.0, 0.0]])),
    case(activations.get, {"name": ["name"]}, name="relu"),
    *[case(getattr(losses, f), y_pred=P, y_true=Y01)
      for f in ("mse", "mse_grad", "mae", "mae_grad", "binary_cross_entropy",
                "binary_cross_entropy_grad")],
    *[case(getattr(losses, f), y_pred=np.array([[0.3, 0.7], [0.5, 0.5]]), y_true=np.eye(2))
      for f in ("categorical_cross_entropy", "categorical_cross_entropy_grad")],
    *[case(getattr(losses, f), z=P, y_true=Y01)
      for f in ("binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits_grad")],
    *[case(getattr(losses, f), z=np.array([[0.3, 0.7], [0.5, 0.5]]), y_true=[1, 0])
      for f in ("categorical_cross_entropy_with_logits",
                "categorical_cross_entropy_with_logits_grad")],
    case(losses.get, {"name": ["name"]}, name="bce"),
    case(losses.targets, {"loss": ["loss"], "columns": ["columns", "y_true"]}, loss="cce", y_true=[0, 1, 1], columns=2),
    case(losses.check_output, {"loss": ["loss"], "activation": ["activation"],
                               "units": ["units"]},
         loss="bce", activation="sigmoid", units=1),
    case(layers.init_weights, {"init": ["init"]}, d_in=2, d_out=3, init="he", rng=rng()),
    case(layers.Dense, {"activation": ["activation"]}, d_in=2, d_out=3, activation="relu",
         rng=rng()),
    case(lambda X: layers.Dense(2, 3, "relu", rng=rng()).forward(X), id="Dense.forward", X=X2),
    case(network.MLP, {"sizes": ["sizes"], "activation": ["activation"],
                       "output": ["output"], "dropout": ["dropout"]},
         sizes=[2, 3, 1], activation="relu", output="sigmoid", rng=rng(), dropout=0.0),
    case(lambda X: mlp().forward(X), id="MLP.forward", X=X2),
    case(lambda X, y, loss, penalty, lam: mlp().loss_and_grads(X, y, loss, penalty=penalty,
                                                               lam=lam),
         {"y": ["y"], "loss": ["loss"], "penalty": ["penalty"]},
         id="MLP.loss_and_grads", X=X2, y=Y01, loss="bce", penalty="l2", lam=0.1),
    case(lambda X, y, loss: mlp().loss(X, y, loss), {"loss": ["loss"]}, id="MLP.loss",
         X=X2, y=Y01, loss="bce"),
    case(lambda values: mlp().set_parameters(values), id="MLP.set_parameters",
         values=mlp().copy_parameters()),
    case(lambda dA: (lambda m: (m.forward(X2), m.backward(dA)))(mlp()), id="MLP.backward",
         dA=np.ones((3, 1))),
    *[case(cls, {"params": ["params"]}, params=_opt_params(), lr=0.1)
      for cls in (optimizers.SGD, optimizers.MomentumEMA, optimizers.Adagrad,
                  optimizers.RMSprop, optimizers.Adadelta, optimizers.Adam)],
    case(optimizers.SGD, params=_opt_params(), lr=0.1, momentum=0.9, dampening=0.0,
         nesterov=False, weight_decay=0.0),
    case(optimizers.Adam, params=_opt_params(), lr=0.1, betas=(0.9, 0.999), eps=1e-8),
    case(optimizers.RMSprop, params=_opt_params(), lr=0.1, alpha=0.99, momentum=0.0,
         centered=False),
    case(optimizers.Adagrad, params=_opt_params(), lr=0.1, lr_decay=0.0,
         initial_accumulator_value=0.0),
    case(optimizers.Adadelta, params=_opt_params(), lr=0.1, rho=0.9),
    case(lambda grads: optimizers.Adam(_opt_params()).step(grads),
         id="Optimizer.step", grads=[np.ones((2, 2)), np.ones(2)]),
    case(optimizers.make, {"name": ["name"], "params": ["params"]},
         name="adam", params=_opt_params(), lr=0.1),
    case(regularization.penalty, {"kind": ["kind"]}, weights=[np.ones((2, 2))], kind="l1",
         lam=0.1),
    case(regularization.penalty_grad, {"kind": ["kind"]}, W=np.ones((2, 2)), kind="l2",
         lam=0.1),
    case(regularization.Dropout, {"p": ["p (dropout rate)"]}, p=0.5, rng=rng()),
    case(lambda A: regularization.Dropout(0.5, rng=rng()).forward(A), id="Dropout.forward",
         A=np.ones((2, 2))),
    case(training.accuracy, output=P, y=Y01),
    case(lambda X, y, loss, optimizer, lr, epochs, batch_size, penalty, lam, patience, X_val,
         y_val, rng: training.train(mlp(), X, y, loss=loss, optimizer=optimizer, lr=lr,
                                    epochs=epochs, batch_size=batch_size, penalty=penalty,
                                    lam=lam, patience=patience, X_val=X_val, y_val=y_val,
                                    rng=rng),
         {"loss": ["loss"], "optimizer": ["optimizer"], "penalty": ["penalty"],
          "patience": ["patience"], "X_val": ["X_val", "y_val"], "y_val": ["y_val", "X_val"]},
         id="train", X=X2, y=Y01, loss="bce", optimizer="adam", lr=0.1, epochs=2, batch_size=2,
         penalty="none", lam=0.0, patience=1, X_val=X2, y_val=Y01, rng=rng()),
    case(lambda model: training.train(model, X2, Y01, epochs=1, rng=rng()), id="train(model)",
         model=mlp()),
    *[case(getattr(datasets, f), n=20, rng=rng())
      for f in ("blobs", "xor", "circles", "moons", "spirals", "pass_the_class",
                "regression_1d")],
    case(datasets.blobs, n=20, rng=rng(), centers=3, spread=1.0, noise=0.5),
    case(datasets.circles, n=20, rng=rng(), noise=0.1),
    case(datasets.spirals, n=20, rng=rng(), classes=3, noise=0.1, turns=1.0),
    case(datasets.polynomial_five_points, rng=rng(), noise=0.5),
    case(datasets.train_test_split, X=X2, y=Y01, test_fraction=0.34, rng=rng()),
    case(datasets.one_hot, y=[0, 1, 2], classes=3),
    case(gradcheck.relative_error, a=np.ones(3), b=np.ones(3)),
    case(gradcheck.numerical_gradient, {"f": ["f"]}, f=lambda v: float(np.sum(v ** 2)),
         x=np.ones(3), h=1e-6),
    case(lambda X, y, loss, h: gradcheck.check_model(mlp(), X, y, loss, h),
         {"loss": ["loss"]}, id="check_model", X=X2, y=Y01, loss="bce", h=1e-6),
    *[case(lambda value, knob=knob: playground.Config(**{knob: value}),
           {"value": [knob]}, id=f"Config.{knob}", value=getattr(playground.Config(), knob))
      for knob in ("dataset", "points", "noise", "test_fraction", "hidden_layers", "units",
                   "activation", "loss", "optimizer", "lr", "batch_size", "penalty", "lam",
                   "dropout", "epochs", "seed", "restart")],
]


def _fresh(value):
    """A new Generator per call (a drawn one is state), other values as they are."""
    return rng() if isinstance(value, np.random.Generator) else value


@pytest.mark.parametrize("fn, valid, names", CASES)
def test_the_valid_call_works(fn, valid, names):
    fn(**{k: _fresh(v) for k, v in valid.items()})


@pytest.mark.parametrize("fn, valid, names", CASES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_malformed_input_raises_a_clear_error_naming_the_argument(fn, valid, names, data):
    arg = data.draw(st.sampled_from(sorted(valid)), label="argument")
    bad = data.draw(MALFORMED, label="value")
    kwargs = {k: _fresh(v) for k, v in valid.items()}
    kwargs[arg] = bad
    try:
        with np.errstate(all="ignore"):
            fn(**kwargs)
    except (ValueError, TypeError) as error:
        words = names.get(arg, [arg])
        assert any(w in str(error) for w in words), \
            f"{type(error).__name__} for {arg}={bad!r} does not name it: {error}"


def test_not_numbers_is_a_type_error_and_a_value_error():
    for bad in (None, "1.5", [[1.0], [1.0, 2.0]], 1j):
        with pytest.raises(TypeError, match="z must be an array of numbers"):
            _checks.as_array(bad, "z")
        with pytest.raises(ValueError, match="z must be an array of numbers"):
            _checks.numbers(bad, "z")
    for bad in (True, "0.1", None, np.ones(1)):
        with pytest.raises(TypeError, match="lr must be a number"):
            _checks.positive(bad, "lr")


# -- the calls of issue 26: each refused at once, naming its argument ----------------------
def test_sizes_past_the_budget_are_refused_with_the_memory_they_need():
    from lecture_code import shallow
    with pytest.raises(ValueError, match=r"sizes = \[100000, 100000, 1\] need 80 GB of weights"):
        network.MLP([100_000, 100_000, 1], rng=rng())
    with pytest.raises(ValueError, match=r"^k = 40 needs 70.4 TB of memory for 2\*\*40 \+ 1 knots"):
        shallow.sawtooth_shallow(40)


def test_the_budget_is_one_object_a_user_can_raise(monkeypatch):
    import lecture_code
    from lecture_code import shallow
    assert lecture_code.BUDGET is _checks.BUDGET and _checks.BUDGET.bytes == 1e9
    theta, phi = shallow.sawtooth_shallow(14)
    assert theta.shape == (2 ** 14, 2)
    monkeypatch.setattr(_checks.BUDGET, "bytes", 1e6)
    with pytest.raises(ValueError, match=r"k = 14 needs 1.05 MB .* the budget is 1 MB"):
        shallow.sawtooth_shallow(14)


def test_a_grid_count_too_long_to_write_out_is_refused_in_powers_of_ten():
    from lecture_code import landscape
    with pytest.raises(ValueError, match=r"n_parameters 124000000 .* 10\*\*1\.24e\+08"):
        landscape.grid_evaluations(124_000_000)
    assert landscape.grid_evaluations(100_000) == 10 ** 100_000


@pytest.mark.parametrize("w0", [float("nan"), float("inf"), "a", None])
def test_the_perceptron_refuses_a_bias_that_is_not_a_finite_number(w0):
    from lecture_code import perceptron
    with pytest.raises(ValueError, match="w0 must be"):
        perceptron.perceptron_output([1, 2], w0, [1, 1], "sigmoid")
    with pytest.raises(ValueError, match="w0 must be"):
        perceptron.Perceptron(2, w0=w0)


def test_issue_26_rows_name_their_argument():
    from lecture_code import controls, regularization
    with pytest.raises(ValueError, match="model must be a lecture_code.network.MLP"):
        gradcheck.check_model("model", np.zeros((2, 2)), [0, 1])
    with pytest.raises(ValueError, match="y_pred rows must be distributions"):
        losses.categorical_cross_entropy([[0.7, 0.7]], [[1.0, 0.0]])
    with pytest.raises(ValueError, match="value, min and max of the integer slider"):
        controls.Slider("n", 1, 10, 2.5, integer=True)
    with pytest.raises(ValueError, match="unknown penalty 'l3' for kind"):
        regularization.penalty_grad(np.ones(2), "l3", 1.0)


@pytest.mark.parametrize("png", [b"not a png", b"\x89PNG" + b"0.3333333333333333"])
def test_a_panel_whose_update_returns_other_bytes_says_so(png):
    from lecture_code import widgets
    panel = widgets.Panel(lambda x: png, {"x": widgets.Slider("x", 0, 1, 1 / 3)}, alt="x",
                          static_frames=2)
    with pytest.raises(ValueError, match=r"update must return .* PNG bytes; for the setting "
                                         r"\{'x': 0.0\} it returned"):
        panel.static_html()
