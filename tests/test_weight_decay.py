"""weight_decay: lecture_code's L2 penalty in torch, by parameter groups and by gradient hooks,
gives the same training as training.train(penalty='l2') to float64 rounding, including the
digits model of chapter 10 (the chapter's numpy-torch comparison)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from lecture_code import bridge, datasets, digits, weight_decay
from lecture_code.network import MLP
from lecture_code.training import train

# Same float64 operations in a slightly different grouping: a few ulps per step (the largest
# gap below is of the order of 1e-15); 1e-12 is the bound chapter 10 states.
TOL = 1e-12


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def blobs(n=60):
    X, y = datasets.blobs(n, rng=np.random.default_rng(0), centers=3, noise=0.8)
    return X, y


def test_groups_hold_every_weight_with_twice_lambda_and_the_biases_with_none():
    net = bridge.to_torch(MLP([2, 5, 4, 3], "tanh", "softmax", rng=np.random.default_rng(0)))
    decayed, plain = weight_decay.weight_decay_groups(net, 0.01)
    assert decayed["weight_decay"] == 0.02 and plain["weight_decay"] == 0.0
    assert [tuple(p.shape) for p in decayed["params"]] == [(5, 2), (4, 5), (3, 4)]
    assert [tuple(p.shape) for p in plain["params"]] == [(5,), (4,), (3,)]


def torch_twin(model):
    """``model`` (tanh hidden layers) as Linear and Tanh modules giving the scores (logits),
    written out here so that this test does not depend on how bridge builds its networks."""
    from torch import nn
    modules = []
    for layer in model.layers:
        linear = nn.Linear(*layer.shape, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(layer.params["W"].T.copy()))
            linear.bias.copy_(torch.from_numpy(layer.params["b"].copy()))
        modules += [linear, nn.Tanh()]
    return nn.Sequential(*modules[:-1])


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_groups_train_as_lecture_code_with_the_l2_penalty(optimizer):
    """torch.optim with the groups, full batch, against train(penalty='l2')."""
    X, y = blobs()
    model = MLP([2, 8, 3], "tanh", "softmax", rng=np.random.default_rng(1))
    net = torch_twin(model)
    lam, lr, epochs = 0.05, 0.05, 40
    hist = train(model, X, y, loss="cce", optimizer=optimizer, lr=lr, epochs=epochs,
                 rng=np.random.default_rng(0), penalty="l2", lam=lam)
    opt = bridge.torch_optimizer(optimizer, weight_decay.weight_decay_groups(net, lam), lr)
    Xt, labels = torch.from_numpy(X), torch.from_numpy(y)
    losses = []
    for _ in range(epochs):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(Xt), labels)   # softmax and -log p
        loss.backward()
        opt.step()
        losses.append(loss.item())
    np.testing.assert_allclose(losses, hist.train_loss, rtol=0, atol=TOL)
    theirs = [p.detach().numpy() for p in net.parameters()]
    ours = [p.T if p.ndim == 2 else p for p in model.parameters()]
    for a, b in zip(theirs, ours):
        np.testing.assert_allclose(a, b, rtol=0, atol=TOL)


def test_hooks_make_train_torch_train_with_the_penalty_on_minibatches():
    X, y = blobs(90)
    model = MLP([2, 8, 3], "relu", "softmax", rng=np.random.default_rng(2))
    net = bridge.to_torch(model)
    weight_decay.penalise_weights(net, 0.02)
    hist = train(model, X, y, loss="cce", optimizer="adam", lr=0.01, epochs=15, batch_size=32,
                 rng=np.random.default_rng(3), penalty="l2", lam=0.02)
    replay = np.random.default_rng(3)
    order = [replay.permutation(90) for _ in range(15)]
    theirs = bridge.train_torch(net, X, y, loss="cce", optimizer="adam", lr=0.01, epochs=15,
                                batch_size=32, order=order)
    np.testing.assert_allclose(theirs, hist.train_loss, rtol=0, atol=TOL)


def test_without_the_hooks_the_two_differ_and_removing_them_restores_plain_training():
    """The comparison above can fail: without the penalty on one side the losses part."""
    X, y = blobs()
    penalised = MLP([2, 8, 3], "tanh", "softmax", rng=np.random.default_rng(4))
    net = bridge.to_torch(penalised)
    hist = train(penalised, X, y, loss="cce", optimizer="sgd", lr=0.5, epochs=30,
                 rng=np.random.default_rng(0), penalty="l2", lam=0.05)
    for handle in weight_decay.penalise_weights(net, 0.05):
        handle.remove()
    theirs = bridge.train_torch(net, X, y, loss="cce", optimizer="sgd", lr=0.5, epochs=30)
    assert np.max(np.abs(np.array(theirs) - hist.train_loss)) > 1e-4
    assert weight_decay.penalise_weights(net, 0.0) == []


def test_the_digits_model_of_chapter_10_is_the_same_in_torch():
    """digits.fit and its torch twin from the same generator: same per-epoch losses, same
    weights, same predictions (on a third of the training set, for speed)."""
    X, y = digits.load()
    data = digits.split(X, y, rng=np.random.default_rng(0))
    data = data._replace(X_train=data.X_train[:360], y_train=data.y_train[:360])
    model, hist = digits.fit(data, 16, 4, 1e-3, rng=np.random.default_rng(7))
    rng = np.random.default_rng(7)
    net = bridge.to_torch(digits.network(16, rng=rng))
    order = [rng.permutation(360) for _ in range(4)]
    weight_decay.penalise_weights(net, 1e-3)
    theirs = bridge.train_torch(net, data.X_train, data.y_train, loss="cce", optimizer="adam",
                                lr=0.01, epochs=4, batch_size=64, order=order)
    np.testing.assert_allclose(theirs, hist.train_loss, rtol=0, atol=TOL)
    W1 = net[0].weight.detach().numpy().T
    np.testing.assert_allclose(W1, model.parameters()[0], rtol=0, atol=TOL)
    with torch.no_grad():
        scores = net(torch.from_numpy(data.X_test)).numpy()
    np.testing.assert_array_equal(scores.argmax(axis=1), digits.predict(model, data.X_test))


def test_bad_arguments_are_refused():
    with pytest.raises(TypeError, match="torch.nn.Module"):
        weight_decay.penalise_weights([1.0], 0.1)
    with pytest.raises(ValueError, match="nn.Linear"):
        weight_decay.weight_decay_groups(torch.nn.ReLU(), 0.1)
    net = torch.nn.Linear(2, 1)
    with pytest.raises(ValueError, match="lam"):
        weight_decay.penalise_weights(net, -1.0)
