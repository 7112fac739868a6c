"""bridge: to_torch computes the same function, torch_optimizer the same updates, and
train_torch the same per-epoch losses as lecture_code.training.train, from the same weights."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from lecture_code import bridge, datasets, optimizers
from lecture_code.network import MLP
from lecture_code.training import train

# Both sides do the same float64 arithmetic, grouped a little differently (torch's
# autograd through log-sigmoid and log-softmax vs lecture_code's fused gradients): a few ulps
# per step, which Adam's division by sqrt(v) amplifies as the loss nears 0: the largest gap
# here is 1.5e-13 (relu-bce-adam-full, epoch 300); 1e-10 is the tolerance the chapter states.
TOL = 1e-10


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """These networks are tiny: with several threads on a busy machine torch spends its time
    waiting for its own threads. One thread for this module, then the setting is restored."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def data(loss, n, d, k, rng):
    X = rng.normal(size=(n, d))
    if loss == "bce":
        return X, (X[:, :1] * X[:, 1:2] > 0).astype(float)          # XOR-like labels
    if loss == "cce":
        angle = np.arctan2(X[:, 1], X[:, 0]) + np.pi                  # k sectors of the plane
        return X, np.minimum((angle / (2 * np.pi) * k).astype(int), k - 1)
    return X, np.sin(X.sum(axis=1, keepdims=True)) @ np.ones((1, k))


CONFIGS = {
    # name: sizes, hidden, output, loss, optimizer, lr, epochs, batch_size, options
    "relu-bce-adam-full": ([2, 16, 16, 1], "relu", "sigmoid", "bce", "adam", 0.01, 300, None, {}),
    "tanh-mse-momentum-full": ([2, 8, 8, 1], "tanh", "linear", "mse", "momentum", 0.05, 200,
                               None, {}),
    "softmax-cce-rmsprop-mini": ([2, 12, 3], "relu", "softmax", "cce", "rmsprop", 0.005, 40,
                                 16, {}),
    "elu-mae-adagrad-mini": ([2, 6, 2], "elu", "linear", "mae", "adagrad", 0.05, 30, 7, {}),
    "sigmoid-bce-ema-mini": ([2, 5, 1], "sigmoid", "sigmoid", "bce", "momentum_ema", 0.5, 30, 10,
                             {"alpha": 0.8}),
    "tanh-mse-adadelta-full": ([2, 5, 2], "tanh", "linear", "mse", "adadelta", None, 50, None, {}),
    "relu-cce-sgd-full": ([2, 5, 3], "relu", "softmax", "cce", "sgd", 0.5, 50, None, {}),
}


def run_both(name, n=60, seed=0):
    sizes, hidden, output, loss, opt, lr, epochs, batch, options = CONFIGS[name]
    rng = np.random.default_rng(seed)
    X, y = data(loss, n, sizes[0], sizes[-1], rng)
    model = MLP(sizes, hidden, output, rng=rng)
    net = bridge.to_torch(model)                       # the same starting weights
    hist = train(model, X, y, loss=loss, optimizer=opt, lr=lr, epochs=epochs, batch_size=batch,
                 rng=np.random.default_rng(seed + 1), **options)
    order = None
    if batch is not None and batch < n:      # train draws one permutation per epoch
        perm_rng = np.random.default_rng(seed + 1)
        order = [perm_rng.permutation(n) for _ in range(epochs)]
    losses = bridge.train_torch(net, X, y, loss=loss, optimizer=opt, lr=lr, epochs=epochs,
                                batch_size=batch, order=order, **options)
    return model, net, hist, losses


@pytest.mark.parametrize("name", CONFIGS)
def test_train_torch_gives_the_same_losses_epoch_by_epoch(name):
    model, net, hist, losses = run_both(name)
    assert len(losses) == hist.epochs == CONFIGS[name][6]
    np.testing.assert_allclose(losses, hist.train_loss, rtol=0, atol=TOL)
    assert hist.train_loss[-1] < hist.train_loss[0]                # it learned something
    # and the trained weights agree too (torch's Linear weight is our W transposed)
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    for layer, lin in zip(model.layers, linears):
        np.testing.assert_allclose(lin.weight.detach().numpy().T, layer.params["W"], atol=1e-9)
        np.testing.assert_allclose(lin.bias.detach().numpy(), layer.params["b"], atol=1e-9)


def test_a_wrong_permutation_breaks_the_agreement():
    """The minibatch test can fail: another epoch order gives other losses."""
    sizes, hidden, output, loss, opt, lr, epochs, batch, _ = CONFIGS["softmax-cce-rmsprop-mini"]
    rng = np.random.default_rng(0)
    X, y = data(loss, 60, 2, 3, rng)
    model = MLP(sizes, hidden, output, rng=rng)
    net = bridge.to_torch(model)
    hist = train(model, X, y, loss=loss, optimizer=opt, lr=lr, epochs=5, batch_size=batch,
                 rng=np.random.default_rng(1))
    other = np.random.default_rng(2)
    losses = bridge.train_torch(net, X, y, loss=loss, optimizer=opt, lr=lr, epochs=5,
                                batch_size=batch, order=[other.permutation(60) for _ in range(5)])
    assert np.max(np.abs(np.array(losses) - hist.train_loss)) > 1e-6


@pytest.mark.parametrize("hidden", ["relu", "tanh", "sigmoid", "elu", "linear"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax", "linear", "tanh"])
def test_to_torch_computes_the_same_function(hidden, output):
    rng = np.random.default_rng(3)
    model = MLP([3, 4, 5, 2], hidden, output, rng=rng, init="torch")
    X = rng.normal(size=(6, 3))
    net = bridge.to_torch(model)
    assert all(p.dtype == torch.float64 for p in net.parameters())
    assert sum(p.numel() for p in net.parameters()) == model.n_parameters()
    with torch.no_grad():
        out = net(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(out, model.forward(X), rtol=1e-14, atol=1e-15)


def test_to_torch_layout_copies_and_dropout():
    model = MLP([2, 3, 1], "relu", "sigmoid", rng=np.random.default_rng(0), dropout=0.25)
    net = bridge.to_torch(model)
    kinds = [type(m).__name__ for m in net]
    assert kinds == ["Linear", "ReLU", "Dropout", "Linear", "Sigmoid"]
    assert net[2].p == 0.25
    assert net[0].weight.shape == (3, 2)                      # (d_out, d_in): W transposed
    with torch.no_grad():
        net[0].weight += 1.0                                  # a copy, not a view
    np.testing.assert_array_less(model.layers[0].params["W"].T, net[0].weight.detach().numpy())
    no_drop = bridge.to_torch(MLP([2, 3, 1], rng=np.random.default_rng(0)))
    assert not any(isinstance(m, torch.nn.Dropout) for m in no_drop)
    assert isinstance(bridge.to_torch(MLP([2, 2], output="linear",
                                          rng=np.random.default_rng(0)))[1], torch.nn.Identity)


def test_to_torch_leaves_torch_global_generator_alone():
    state = torch.get_rng_state()
    bridge.to_torch(MLP([2, 8, 1], rng=np.random.default_rng(0)))
    assert torch.equal(state, torch.get_rng_state())


def test_step_activation_and_non_mlp_are_rejected():
    with pytest.raises(ValueError, match="step"):
        bridge.to_torch(MLP([2, 3, 1], "step", rng=np.random.default_rng(0)))
    with pytest.raises(ValueError, match="step"):
        bridge.to_torch(MLP([2, 1], output="step", rng=np.random.default_rng(0)))
    with pytest.raises(ValueError, match="model"):
        bridge.to_torch("not a network")


@pytest.mark.parametrize("name", optimizers.NAMES)
def test_torch_optimizer_has_lecture_code_defaults(name):
    w = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    theirs = bridge.torch_optimizer(name, [w])
    ours = optimizers.make(name, [np.zeros(2)])
    group = theirs.param_groups[0]
    if name == "momentum_ema":
        assert isinstance(theirs, torch.optim.SGD)
        assert group["momentum"] == ours.alpha
        assert group["lr"] == pytest.approx(ours.lr * (1 - ours.alpha), rel=1e-15)
    else:
        assert type(theirs).__name__.lower() == type(ours).__name__.lower()
        assert group["lr"] == ours.lr
    if name == "momentum":
        assert group["momentum"] == ours.momentum == 0.9


def test_momentum_ema_steps_equal_torch_sgd_with_scaled_lr():
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(20, 3))
    w = np.zeros(3)
    ours = optimizers.make("momentum_ema", [w], lr=0.1, alpha=0.7)
    t = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    theirs = bridge.torch_optimizer("momentum_ema", [t], lr=0.1, alpha=0.7)
    for g in grads:
        ours.step([g])
        t.grad = torch.from_numpy(g.copy())
        theirs.step()
        np.testing.assert_allclose(t.detach().numpy(), w, rtol=0, atol=1e-14)


def test_integer_labels_and_one_hot_give_the_same_cce_losses():
    rng = np.random.default_rng(0)
    X, y = data("cce", 30, 2, 3, rng)
    model = MLP([2, 4, 3], "tanh", "softmax", rng=rng)
    a = bridge.train_torch(bridge.to_torch(model), X, y, loss="cce", lr=0.01, epochs=5)
    b = bridge.train_torch(bridge.to_torch(model), X, datasets.one_hot(y, 3), loss="cce",
                           lr=0.01, epochs=5)
    np.testing.assert_allclose(a, b, rtol=1e-13)
    assert a[-1] < a[0]


def test_divergence_stops_recording_like_train():
    model = MLP([1, 1], output="linear", rng=np.random.default_rng(0))
    x = np.linspace(-1, 1, 5)
    hist = train(model, x, 3 * x, loss="mse", lr=1e150, epochs=10, rng=np.random.default_rng(0))
    losses = bridge.train_torch(bridge.to_torch(MLP([1, 1], output="linear",
                                                    rng=np.random.default_rng(0))),
                                x, 3 * x, loss="mse", optimizer="sgd", lr=1e150, epochs=10)
    assert hist.diverged and len(losses) == hist.epochs < 10


def test_bad_arguments_raise_value_errors_naming_them():
    model = MLP([2, 3, 1], rng=np.random.default_rng(0))
    net, X, y = bridge.to_torch(model), np.zeros((4, 2)), np.zeros(4)
    with pytest.raises(ValueError, match="net"):
        bridge.train_torch(model, X, y)
    with pytest.raises(ValueError, match="loss"):
        bridge.train_torch(net, X, y, loss="hinge")
    with pytest.raises(ValueError, match="optimizer"):
        bridge.train_torch(net, X, y, optimizer="lbfgs")
    with pytest.raises(ValueError, match="lr"):
        bridge.torch_optimizer("sgd", net.parameters(), lr=-1.0)
    with pytest.raises(ValueError, match="rows"):
        bridge.train_torch(net, X, np.zeros(5))
    with pytest.raises(ValueError, match="order"):
        bridge.train_torch(net, X, y, order=[np.arange(4)])           # full batch
    with pytest.raises(ValueError, match="order"):
        bridge.train_torch(net, X, y, batch_size=2, epochs=2, order=[np.arange(4)])
    with pytest.raises(ValueError, match=r"order\[0\]"):
        bridge.train_torch(net, X, y, batch_size=2, epochs=1, order=[np.zeros(4, int)])
    with pytest.raises(ValueError, match="epochs"):
        bridge.train_torch(net, X, y, epochs=0)


def test_importing_bridge_does_not_import_torch():
    code = ("import json, sys; import lecture_code.bridge; "
            "print(json.dumps('torch' in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert json.loads(out.stdout) is False


def test_conv2d_equals_torch_conv2d_without_flipping_the_kernel():
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(7, 9)), rng.normal(size=(3, 2))   # asymmetric kernel
    theirs = torch.nn.functional.conv2d(torch.from_numpy(image)[None, None],
                                        torch.from_numpy(kernel)[None, None])[0, 0].numpy()
    ours = bridge.conv2d(image, kernel)
    assert ours.shape == (5, 8)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-14)
    assert ours[2, 3] == pytest.approx(np.sum(image[2:5, 3:5] * kernel), rel=1e-14)


def test_edge_kernel_is_zero_on_flat_regions():
    edge = np.full((3, 3), -1.0)
    edge[1, 1] = 8.0
    image = np.zeros((6, 6))
    image[:, 3:] = 1.0                                           # a vertical edge
    out = bridge.conv2d(image, edge)
    np.testing.assert_array_equal(out[:, [0, 3]], 0.0)           # flat on both sides
    np.testing.assert_array_equal(out[:, 1], -3.0)               # dark side of the edge
    np.testing.assert_array_equal(out[:, 2], 3.0)                # bright side


def test_conv2d_rejects_bad_shapes():
    with pytest.raises(ValueError, match="kernel"):
        bridge.conv2d(np.zeros((2, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="image"):
        bridge.conv2d(np.zeros(4), np.zeros((1, 1)))


def test_comparison_panel_renders_every_extreme_and_the_curves_coincide():
    rng = np.random.default_rng(0)
    X, y = datasets.moons(40, rng=rng, noise=0.2)
    panel = bridge.comparison_panel(X, y, epochs=20)
    assert list(panel.controls) == ["optimizer", "lr"]
    assert panel.controls["optimizer"].options == optimizers.NAMES
    for name, control in panel.controls.items():
        for value in control.extremes():
            png, message = panel.render(**{name: value})
            assert (png is not None and png.startswith(b"\x89PNG")) or message
    png, message = panel.render()
    assert message is None
    # what the default frame draws: the two curves agree to float64 rounding
    model = MLP([2, 8, 8, 1], "tanh", "sigmoid", rng=np.random.default_rng(0))
    hist = train(model, X, y, loss="bce", optimizer="adam", lr=0.01, epochs=20,
                 rng=np.random.default_rng(0))
    theirs = bridge.train_torch(bridge.to_torch(MLP([2, 8, 8, 1], "tanh", "sigmoid",
                                                    rng=np.random.default_rng(0))),
                                X, y, optimizer="adam", lr=0.01, epochs=20)
    np.testing.assert_allclose(theirs, hist.train_loss, rtol=0, atol=TOL)


def test_comparison_panel_shows_a_plain_message_for_data_it_cannot_train_on():
    X = np.zeros((10, 2))
    panel = bridge.comparison_panel(X, np.zeros(7), epochs=5)          # 10 rows, 7 labels
    png, message = panel.render()
    assert png is None and "rows" in message


# -- saturated outputs (issue 13) ---------------------------------------------------------------
def saturating_run(epochs):
    """Chapter 9's panel network on the moons, RMSProp at lr 1: the outputs saturate at once."""
    X, y = datasets.moons(100, rng=np.random.default_rng(0), noise=0.2)
    model = MLP([2, 8, 8, 1], "tanh", "sigmoid", rng=np.random.default_rng(0))
    net = bridge.to_torch(model)
    hist = train(model, X, y, loss="bce", optimizer="rmsprop", lr=1.0, epochs=epochs,
                 rng=np.random.default_rng(0))
    theirs = bridge.train_torch(net, X, y, loss="bce", optimizer="rmsprop", lr=1.0,
                                epochs=epochs)
    return X, y, model, net, hist, theirs


def test_reproduction_the_losses_agree_where_the_outputs_saturate():
    X, y, model, net, hist, theirs = saturating_run(3)
    # the outputs are far beyond the point (|z| > 36.7) where sigmoid(z) rounds to 0 or 1 ...
    assert np.max(np.abs(model.layers[-1].Z)) > 45
    # ... where a clipped probability-space loss (the package's 1e-12, torch's BCELoss at
    # log >= -100) made 4.7 of one and 13.4 of the other
    np.testing.assert_allclose(theirs, hist.train_loss, rtol=1e-13, atol=0)


def test_the_bridge_loss_and_its_gradient_equal_lecture_code_at_saturation():
    X, y, model, _, hist, _ = saturating_run(2)
    net = bridge.to_torch(model)                      # the very same (saturated) weights
    Y, body, loss_fn = bridge._torch_loss("bce", y, net)
    value = loss_fn(body(torch.from_numpy(X)), Y)
    value.backward()
    ours = model.loss_and_grads(X, y, "bce", training=False)
    assert value.item() == pytest.approx(ours, rel=1e-15)
    logits = body(torch.from_numpy(X)).detach()
    assert value.item() == pytest.approx(torch.nn.functional.binary_cross_entropy_with_logits(
        logits, Y).item(), rel=1e-14)
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    theirs = np.concatenate([g for m in linears
                             for g in (m.weight.grad.numpy().T.ravel(), m.bias.grad.numpy())])
    # torch's tanh backward, 1 - a^2, cancels at the saturated hidden units: entries far
    # below the largest differ there by the rounding of numbers of the largest's size
    np.testing.assert_allclose(theirs, model.flat_grads, rtol=1e-12,
                               atol=1e-15 * np.max(np.abs(model.flat_grads)))


def test_train_torch_needs_the_final_sigmoid_or_softmax_to_take_the_logits():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5, 2)), np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    body = bridge.to_torch(MLP([2, 3, 1], "tanh", "sigmoid", rng=rng))[:-1]
    with pytest.raises(ValueError, match="net must end in nn.Sigmoid for loss 'bce'"):
        bridge.train_torch(body, X, y, loss="bce", epochs=1)
    with pytest.raises(ValueError, match=r"y must hold labels in \[0, 1\] for 'bce'"):
        bridge.train_torch(bridge.to_torch(MLP([2, 1], rng=rng)), X, 2 * y, loss="bce", epochs=1)


def test_comparison_panel_holds_torch_to_one_thread_while_it_renders(monkeypatch):
    seen = []
    real = bridge.train_torch

    def spy(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return real(*args, **kwargs)

    monkeypatch.setattr(bridge, "train_torch", spy)
    X, y = datasets.moons(30, rng=np.random.default_rng(0), noise=0.2)
    panel = bridge.comparison_panel(X, y, epochs=3)
    torch.set_num_threads(2)
    try:
        png, message = panel.render()
        assert message is None and seen == [1]
        assert torch.get_num_threads() == 2              # restored afterwards
    finally:
        torch.set_num_threads(1)
