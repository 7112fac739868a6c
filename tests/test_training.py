"""train(): per-epoch losses against the same loop in torch, early stopping, divergence,
accuracy, integer labels and error messages."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lecture_code.network import MLP
from lecture_code.training import History, TrainingDiverged, accuracy, train

ACT = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "elu": F.elu,
       "linear": lambda z: z, "softmax": lambda z: torch.softmax(z, dim=1)}
TORCH_OPT = {"sgd": torch.optim.SGD, "momentum": torch.optim.SGD, "adam": torch.optim.Adam,
             "rmsprop": torch.optim.RMSprop}


def torch_loss(loss, Z, A, Y):
    Y = torch.tensor(Y)
    if loss == "cce":
        return F.nll_loss(torch.log_softmax(Z, dim=1), Y.argmax(dim=1))
    return {"bce": F.binary_cross_entropy, "mse": F.mse_loss, "mae": F.l1_loss}[loss](A, Y)


def torch_train(model, X, Y, X_val, Y_val, *, loss, optimizer, lr, epochs, batch_size, seed,
                penalty, lam, **options):
    """The training loop of lecture_code.training.train, written in torch."""
    acts = [ACT[layer.activation.name] for layer in model.layers]
    params = [torch.tensor(p, requires_grad=True) for p in model.parameters()]
    opt = TORCH_OPT[optimizer](params, lr=lr, **options)
    rng, n = np.random.default_rng(seed), X.shape[0]
    batch = n if batch_size is None else batch_size

    def forward(Xb):
        A = torch.tensor(Xb)
        for i, act in enumerate(acts):
            Z = A @ params[2 * i] + params[2 * i + 1]
            A = act(Z)
        return Z, A

    train_loss, val_loss = [], []
    for _ in range(epochs):
        order = rng.permutation(n) if batch < n else np.arange(n)
        total = 0.0
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            opt.zero_grad()
            data = torch_loss(loss, *forward(X[idx]), Y[idx])
            pen = sum((W.abs() if penalty == "l1" else W ** 2).sum() for W in params[::2])
            (data + lam * pen).backward()
            opt.step()
            total += data.item() * len(idx)
        train_loss.append(total / n)
        with torch.no_grad():
            val_loss.append(torch_loss(loss, *forward(X_val), Y_val).item())
    return train_loss, val_loss, [p.detach().numpy() for p in params]


CASES = {
    "full-batch-sgd-bce-l2": dict(sizes=[3, 5, 1], hidden="tanh", output="sigmoid", loss="bce",
                                  optimizer="sgd", lr=0.5, batch_size=None, penalty="l2",
                                  lam=0.01),
    "minibatch-adam-cce": dict(sizes=[3, 6, 3], hidden="elu", output="softmax", loss="cce",
                               optimizer="adam", lr=0.02, batch_size=4, penalty="none", lam=0.0),
    "minibatch-momentum-mse-l1": dict(sizes=[3, 4, 4, 2], hidden="sigmoid", output="linear",
                                      loss="mse", optimizer="momentum", lr=0.05, batch_size=3,
                                      penalty="l1", lam=0.001, momentum=0.9),
}


@pytest.mark.parametrize("case", CASES)
def test_per_epoch_losses_match_torch(case):
    c = dict(CASES[case])
    sizes, hidden, output = c.pop("sizes"), c.pop("hidden"), c.pop("output")
    rng = np.random.default_rng(0)
    model = MLP(sizes, hidden, output, rng=rng)
    n, k = 10, sizes[-1]                    # 10 rows: the last minibatch is a short one
    X, X_val = rng.normal(size=(n, sizes[0])), rng.normal(size=(7, sizes[0]))
    if c["loss"] == "cce":
        Y, Y_val = np.eye(k)[rng.integers(k, size=n)], np.eye(k)[rng.integers(k, size=7)]
    elif c["loss"] == "bce":
        Y, Y_val = rng.integers(0, 2, size=(n, 1)) * 1.0, rng.integers(0, 2, size=(7, 1)) * 1.0
    else:
        Y, Y_val = rng.normal(size=(n, k)), rng.normal(size=(7, k))
    expected = torch_train(model, X, Y, X_val, Y_val, epochs=6, seed=42, **c)

    hist = train(model, X, Y, X_val=X_val, y_val=Y_val, epochs=6,
                 rng=np.random.default_rng(42), **c)
    # the same float64 operations, grouped differently (and log_softmax vs log(softmax))
    np.testing.assert_allclose(hist.train_loss, expected[0], rtol=1e-12, atol=0)
    np.testing.assert_allclose(hist.val_loss, expected[1], rtol=1e-12, atol=0)
    for ours, theirs in zip(model.parameters(), expected[2]):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    assert hist.train_loss[-1] < hist.train_loss[0]          # it learned something


def line(lr=0.1):
    """Fit y = 2x with one linear unit from w = b = 0; validate against y = x.

    The weight climbs from 0 towards 2, so the validation loss falls until w passes 1
    (epoch 7 here) and rises after: early stopping has a real minimum to find.
    """
    x = np.linspace(-1, 1, 11)[:, None]
    model = MLP([1, 1], output="linear", rng=np.random.default_rng(0))
    model.set_parameters([np.zeros((1, 1)), np.zeros(1)])
    return model, x, lr


def test_early_stopping_stops_and_restores_the_best_parameters():
    model, x, lr = line()
    hist = train(model, x, 2 * x, loss="mse", lr=lr, epochs=50, rng=np.random.default_rng(0),
                 X_val=x, y_val=x, patience=3)
    assert hist.stopped_early and hist.best_epoch == int(np.argmin(hist.val_loss)) > 0
    assert hist.epochs == hist.best_epoch + 1 + 3 < 50
    assert hist.val_loss[hist.best_epoch + 1] > hist.val_loss[hist.best_epoch]
    reference, _, _ = line()        # the same run, stopped by hand after the best epoch
    train(reference, x, 2 * x, loss="mse", lr=lr, epochs=hist.best_epoch + 1,
          rng=np.random.default_rng(0))
    for ours, best in zip(model.parameters(), reference.parameters()):
        np.testing.assert_array_equal(ours, best)
    assert np.mean((model.forward(x) - x) ** 2) == hist.val_loss[hist.best_epoch]


def test_without_patience_training_runs_all_epochs_but_records_the_best():
    model, x, lr = line()
    hist = train(model, x, 2 * x, loss="mse", lr=lr, epochs=20, rng=np.random.default_rng(0),
                 X_val=x, y_val=x)
    assert hist.epochs == 20 and not hist.stopped_early
    assert hist.best_epoch == int(np.argmin(hist.val_loss)) < 19


def diverging():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    return MLP([2, 8, 1], "tanh", "linear", rng=rng), X, X @ [1.0, -1.0]


@pytest.mark.filterwarnings("error")
def test_a_huge_learning_rate_sets_diverged_without_warnings():
    model, X, y = diverging()
    hist = train(model, X, y, loss="mse", lr=1e3, epochs=100, batch_size=5,
                 rng=np.random.default_rng(1))
    assert hist.diverged and hist.epochs < 100
    assert all(np.isfinite(hist.train_loss))


@pytest.mark.filterwarnings("error")
def test_raise_on_divergence_raises_training_diverged():
    model, X, y = diverging()
    with pytest.raises(TrainingDiverged, match="smaller learning rate"):
        train(model, X, y, loss="mse", lr=1e3, epochs=100, rng=np.random.default_rng(1),
              raise_on_divergence=True)
    assert issubclass(TrainingDiverged, ArithmeticError)


def test_a_sane_learning_rate_does_not_diverge():
    model, X, y = diverging()
    assert not train(model, X, y, loss="mse", lr=0.01, epochs=5,
                     rng=np.random.default_rng(1)).diverged


def test_accuracy_thresholds_one_output_and_takes_argmax_of_several():
    assert accuracy(np.array([[0.2], [0.5], [0.9], [0.4]]),
                    np.array([[0.0], [1.0], [0.0], [1.0]])) == 0.5
    assert accuracy(np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.3, 0.3, 0.4]]),
                    np.eye(3)[[1, 0, 0]]) == pytest.approx(2 / 3, rel=1e-15)


def test_history_accuracies_are_measured_on_the_right_outputs():
    rng = np.random.default_rng(3)
    X, X_val = rng.normal(size=(40, 2)), rng.normal(size=(30, 2))
    y, y_val = (X[:, :1] > 0) * 1.0, (X_val[:, :1] > 0) * 1.0
    model = MLP([2, 4, 1], "tanh", "sigmoid", rng=rng)
    before = model.forward(X)
    hist = train(model, X, y, lr=0.5, epochs=3, rng=rng, X_val=X_val, y_val=y_val)
    assert hist.train_acc[0] == accuracy(before, y)     # full batch: measured before the step
    assert hist.val_acc[-1] == accuracy(model.forward(X_val), y_val)
    assert len(hist.train_acc) == len(hist.val_acc) == hist.epochs == 3


def test_regression_records_no_accuracy():
    model, x, lr = line()
    hist = train(model, x, 2 * x, loss="mse", lr=lr, epochs=2, rng=np.random.default_rng(0))
    assert hist.train_acc == [] and hist.val_acc == [] and isinstance(hist, History)


def test_integer_labels_for_softmax_become_one_hot():
    rng = np.random.default_rng(4)
    X, labels = rng.normal(size=(12, 2)), rng.integers(3, size=12)
    histories = []
    for y in (labels, np.eye(3)[labels]):
        model = MLP([2, 5, 3], "relu", "softmax", rng=np.random.default_rng(5))
        histories.append(train(model, X, y, loss="cce", optimizer="adam", lr=0.01, epochs=3,
                               batch_size=5, rng=np.random.default_rng(6), X_val=X,
                               y_val=labels))
    assert histories[0] == histories[1] and histories[0].train_acc[0] > 0


def problem():
    rng = np.random.default_rng(0)
    return MLP([2, 3, 1], "tanh", "sigmoid", rng=rng), rng.normal(size=(6, 2)), np.ones(6)


@pytest.mark.parametrize("change, match", [
    (dict(model="mlp"), "model must be a lecture_code.network.MLP"),
    (dict(X=np.ones((6, 3))), r"X must have 2 column\(s\)"),
    (dict(X=np.ones((0, 2)), y=np.ones(0)), "X is empty"),
    (dict(X=np.full((6, 2), np.inf)), "X contains infinite"),
    (dict(y=np.ones(5)), "X and y must have the same number of rows"),
    (dict(y=np.full(6, np.nan)), "y contains NaN"),
    (dict(rng=0), "rng must be a numpy.random.Generator"),
    (dict(loss="hinge"), "unknown loss 'hinge'"),
    (dict(optimizer="lbfgs"), "unknown optimizer 'lbfgs'"),
    (dict(lr=0.0), "lr must be a number > 0"),
    (dict(lr=-1.0), "lr must be a number > 0"),
    (dict(epochs=0), "epochs must be a whole number >= 1"),
    (dict(batch_size=0), "batch_size must be a whole number >= 1"),
    (dict(patience=2), "patience .* needs a validation set"),
    (dict(penalty="l3"), "unknown penalty 'l3'"),
    (dict(lam=-0.1), "lam must be a number >= 0"),
    (dict(X_val=np.ones((3, 2)), y_val=np.ones(2)),
     "X_val and y_val must have the same number of rows"),
    (dict(accuracy="yes"), "accuracy must be True, False or None"),
    (dict(loss="mse", y=np.full(6, 0.5), accuracy=True), "accuracy=True needs class labels"),
])
def test_bad_arguments_name_the_argument(change, match):
    model, X, y = problem()
    kwargs = {**dict(model=model, X=X, y=y, rng=np.random.default_rng(0), epochs=2), **change}
    with pytest.raises(ValueError, match=match):
        train(kwargs.pop("model"), kwargs.pop("X"), kwargs.pop("y"), **kwargs)


@pytest.mark.parametrize("labels", [[0, 1, 3], [0, 1.5, 2], [-1, 0, 1]])
def test_bad_class_labels_name_the_argument(labels):
    model = MLP([2, 3], output="softmax", rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"y must hold class labels 0\.\.2"):
        train(model, np.ones((3, 2)), np.array(labels), loss="cce", rng=np.random.default_rng(0))


# -- meaning, not only shape (issue 13) --------------------------------------------------------
def test_reproduction_labels_0_1_2_do_not_train_a_sigmoid_bce_network():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 2))
    model = MLP([2, 4, 1], rng=rng)
    with pytest.raises(ValueError, match=r"y must hold labels in \[0, 1\] for 'bce'"):
        train(model, X, [0, 1, 2, 0, 1, 2], epochs=2, rng=rng)
    with pytest.raises(ValueError, match=r"y_val must hold labels in \[0, 1\]"):
        train(model, X, [0, 1, 1, 0, 1, 0], X_val=X, y_val=[0, 1, 2, 0, 1, 2], epochs=2, rng=rng)


def test_reproduction_the_output_must_fit_the_loss():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 2))
    with pytest.raises(ValueError, match="loss 'cce' needs a softmax output layer"):
        train(MLP([2, 1], output="sigmoid", rng=rng), X, np.ones(6), loss="cce", rng=rng)
    with pytest.raises(ValueError, match="loss 'bce' needs a sigmoid output layer"):
        train(MLP([2, 1], output="linear", rng=rng), X, np.ones(6), loss="bce", rng=rng)
    with pytest.raises(ValueError, match="y rows must be distributions"):
        train(MLP([2, 2], output="softmax", rng=rng), X, np.ones((6, 2)), loss="cce", rng=rng)


def test_reproduction_an_optimizer_of_another_network_is_refused():
    from lecture_code import optimizers
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 2)), np.array([0, 1, 1, 0, 1, 0])
    model, other = MLP([2, 3, 1], rng=rng), MLP([2, 3, 1], rng=rng)
    before = other.flat_params.copy()
    with pytest.raises(ValueError, match="optimizer must update this model's parameters"):
        train(model, X, y, optimizer=optimizers.Adam(other.parameters()), epochs=2, rng=rng)
    np.testing.assert_array_equal(other.flat_params, before)
    with pytest.raises(ValueError, match="optimizer must update this model's parameters"):
        train(model, X, y, optimizer=optimizers.SGD(model.copy_parameters()), epochs=2, rng=rng)
    # the model's own, per array or as the flat vector, train it
    for opt in (optimizers.Adam(model.parameters(), lr=0.1),
                optimizers.Adam([model.flat_params], lr=0.1)):
        start = model.flat_params.copy()
        train(model, X, y, optimizer=opt, epochs=2, rng=rng)
        assert not np.array_equal(model.flat_params, start)


def test_reproduction_accuracy_takes_lists_and_1d_arrays_and_names_bad_labels():
    assert accuracy([0.2, 0.7, 0.9], [0, 1, 0]) == pytest.approx(2 / 3)   # was AttributeError
    assert accuracy(np.array([0.2, 0.7]), np.array([0.0, 1.0])) == 1.0    # was IndexError
    assert accuracy([[0.1, 0.9], [0.8, 0.2]], [1, 1]) == 0.5             # class indices
    with pytest.raises(ValueError, match="y must hold class labels"):
        accuracy([0.2, 0.7], [0.5, 1.0])
    with pytest.raises(ValueError, match="output and y must have the same number of rows"):
        accuracy([0.2, 0.7], [0.0, 1.0, 1.0])
    with pytest.raises(TypeError, match="output must be an array of numbers"):
        accuracy(None, [1.0])


def test_the_recorded_loss_is_computed_from_the_logits():
    model = MLP([1, 1], output="sigmoid", rng=np.random.default_rng(0))
    model.set_parameters([np.array([[-60.0]]), np.array([0.0])])
    hist = train(model, [[1.0]], [1.0], optimizer="sgd", lr=1e-12, epochs=1,
                 X_val=[[1.0]], y_val=[1.0], rng=np.random.default_rng(0))
    assert hist.train_loss[0] == 60.0
    assert hist.val_loss[0] == pytest.approx(60.0, rel=1e-12)
