"""lecture_code.vanishing: per-layer gradient norms against torch autograd, slopes, steps, the panel."""
import numpy as np
import pytest
import torch

from lecture_code import vanishing

torch.set_default_dtype(torch.float64)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_layer_gradient_norms_match_torch_autograd(activation):
    depth, seed = 4, 3
    model, X, y = vanishing.deep_mlp(depth, activation, rng=np.random.default_rng(seed), width=6, n=5)
    params = [torch.tensor(p, requires_grad=True) for p in model.parameters()]
    A = torch.tensor(X)
    for k in range(0, len(params) - 2, 2):
        A = getattr(torch, activation)(A @ params[k] + params[k + 1])
    out = A @ params[-2] + params[-1]
    torch.mean((out - torch.tensor(y)) ** 2).backward()
    want = [torch.linalg.norm(params[k].grad).item() for k in range(0, len(params), 2)]
    got = vanishing.deep_gradient_norms(depth, activation, rng=np.random.default_rng(seed), width=6, n=5)
    assert got.shape == (depth + 1,)
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_sigmoid_gradients_vanish_and_relu_gradients_do_not():
    sig = vanishing.deep_gradient_norms(12, "sigmoid", rng=np.random.default_rng(0))
    relu = vanishing.deep_gradient_norms(12, "relu", rng=np.random.default_rng(0))
    assert sig[0] / sig[-1] < 1e-5
    assert np.all(np.diff(np.log(sig[:-1])) > 0)          # every hidden layer back: smaller
    assert relu[0] / relu[-1] > 1e-2


def test_max_slope():
    assert vanishing.max_slope("sigmoid") == 0.25
    assert vanishing.max_slope("tanh") == 1.0 and vanishing.max_slope("relu") == 1.0


def test_steps_to_move():
    assert vanishing.steps_to_move(0.5, -0.2, 1e-10) == 7_000_000_000
    assert vanishing.steps_to_move(0.5, -0.2, 1e-10, lr=10.0) == 700_000_000
    for start, target, g, lr in [(0.0, 1.0, 0.3, 1.0), (2.0, -1.0, -0.7, 0.5), (0.0, 0.9, 0.3, 1.0)]:
        w, steps = start, 0
        while abs(w - target) > 1e-12 and (w - target) * (start - target) > 0:
            w -= lr * abs(g) * np.sign(start - target)
            steps += 1
        assert vanishing.steps_to_move(start, target, g, lr) == steps


@pytest.mark.parametrize("call, name", [
    (lambda: vanishing.deep_gradient_norms(0, rng=np.random.default_rng(0)), "depth"),
    (lambda: vanishing.deep_gradient_norms(3, rng=0), "rng"),
    (lambda: vanishing.steps_to_move(0.5, -0.2, 0.0), "gradient"),
    (lambda: vanishing.steps_to_move(0.5, -0.2, 1e-3, lr=0), "lr"),
])
def test_bad_arguments_raise_value_error_naming_them(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_panel_renders_every_extreme():
    panel = vanishing.vanishing_gradient_panel()
    for depth in panel.controls["depth"].extremes():
        for activation in panel.controls["activation"].extremes():
            png, message = panel.render(depth=depth, activation=activation)
            assert message is None and png.startswith(b"\x89PNG")
