"""Chapter 9's exercise checks: the right answer passes, typical mistakes get a hint."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from support import exercise_tests

from lecture_code import bridge
from lecture_code.exercises import pytorch as ex  # noqa: F401  (registers the checks)


def cce(p, labels):
    return F.nll_loss(torch.log(p), labels)


def feature_map(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out


ACTIVATION = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "linear": nn.Identity,
              "softmax": lambda: nn.Softmax(dim=1)}


def build(sizes, activation, output, dtype=torch.float64, last=True):
    layers = []
    for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        name = output if i == len(sizes) - 2 else activation
        layers += [nn.Linear(d_in, d_out, dtype=dtype)]
        if last or i < len(sizes) - 2:
            layers += [ACTIVATION[name]()]
    return nn.Sequential(*layers)


def copy_weights(model, net, transpose=True):
    linears = [m for m in net if isinstance(m, nn.Linear)]
    with torch.no_grad():
        for linear, layer in zip(linears, model.layers):
            W = layer.params["W"]
            linear.weight.copy_(torch.from_numpy(W.T if transpose else W.T[::-1].copy()))
            linear.bias.copy_(torch.from_numpy(layer.params["b"]))


class NumpyInside(nn.Module):
    """Copies the MLP itself and runs it in numpy: the outputs are right, autograd sees nothing."""

    def __init__(self, sizes, activation, output):
        super().__init__()
        self.inner = build(sizes, activation, output)

    def forward(self, x):
        return torch.from_numpy(self.model.forward(x.detach().numpy()))


def copy_model(model, net):
    copy_weights(model, net.inner)
    net.model = model


class Disguised(NumpyInside):
    """The same, with x * 0 added so that the result has a grad_fn."""

    def forward(self, x):
        return super().forward(x) + 0 * x.sum()


RIGHT = {
    "ex-pytorch-ema-lr": (0.03 * (1 - 0.9),),
    "ex-pytorch-count": ((4 * 16 + 16) + (16 * 8 + 8) + (8 * 3 + 3),),
    "ex-pytorch-autograd": (None,),   # filled in below from torch's autograd
    "ex-pytorch-cce": (cce,),
    "ex-pytorch-edge": (feature_map,),
    "ex-pytorch-module": (build, copy_weights),
}


def _autograd_answer():
    x = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(-0.5, dtype=torch.float64, requires_grad=True)
    (x ** 2 * y + torch.tanh(x * y)).backward()
    return x.grad.item(), y.grad.item()


RIGHT["ex-pytorch-autograd"] = _autograd_answer()
DX, DY = RIGHT["ex-pytorch-autograd"]

WRONG = [
    ("ex-pytorch-ema-lr", (0.03,), "1/(1 - alpha)"),
    ("ex-pytorch-ema-lr", (0.03 / (1 - 0.9),), "other way round"),
    ("ex-pytorch-ema-lr", (0.02,), "v_t"),
    ("ex-pytorch-ema-lr", (-0.01,), "positive"),
    ("ex-pytorch-count", (4 * 16 + 16 * 8 + 8 * 3,), "biases"),
    ("ex-pytorch-count", (RIGHT["ex-pytorch-count"][0] + 1,), "sum"),
    ("ex-pytorch-autograd", (DY, DX), "swapped"),
    ("ex-pytorch-autograd", (2 * 1.5 * -0.5, DY), "tanh"),
    ("ex-pytorch-autograd", (0.0, 0.0), "backward"),
    ("ex-pytorch-cce", (lambda p, t: F.cross_entropy(p, t),), "logits"),
    ("ex-pytorch-cce", (lambda p, t: F.nll_loss(p, t),), "log-probabilities"),
    ("ex-pytorch-cce", (lambda p, t: F.nll_loss(torch.log(p), t, reduction="sum"),), "mean"),
    ("ex-pytorch-cce", (lambda p, t: (p * 0).sum(),), "negative log-likelihood"),
    # numpy where torch is asked: it cannot read p, or its value has no gradient
    ("ex-pytorch-cce", (lambda p, t: -np.mean(np.log(p[np.arange(len(t)), t])),), "torch's functions"),
    ("ex-pytorch-cce", (lambda p, t: cce(p, t).item(),), "torch tensor"),
    ("ex-pytorch-cce", (lambda p, t: torch.tensor(cce(p, t).item()),), "grad_fn"),
    ("ex-pytorch-cce", (lambda p, t: cce(p.detach(), t) + 0 * p.sum(),), "gradient"),
    ("ex-pytorch-edge", (lambda im, k: feature_map(im, k[::-1, ::-1]),), "flips the kernel"),
    ("ex-pytorch-edge", (lambda im, k: -feature_map(im, k),), "signs"),
    ("ex-pytorch-edge", (lambda im, k: feature_map(np.pad(im, 1), k),), "no padding"),
    # right except for a 1x1 kernel, an edge case every check draws
    ("ex-pytorch-edge", (lambda im, k: feature_map(im, k) + 0.5 * (k.shape == (1, 1)),), "window"),
    ("ex-pytorch-module", (NumpyInside, copy_model), "grad_fn"),
    ("ex-pytorch-module", (Disguised, copy_model), "gradients are not"),
    ("ex-pytorch-module", (lambda s, a, o: build(s, a, o, dtype=torch.float32), copy_weights),
     "float32"),
    ("ex-pytorch-module", (lambda s, a, o: build(s, a, o, last=False), copy_weights),
     "output activation"),
    ("ex-pytorch-module", (build, lambda m, n: copy_weights(m, n, transpose=False)), "W.T"),
    ("ex-pytorch-module", (build, lambda m, n: None), "outputs differ"),
    ("ex-pytorch-module", (lambda s, a, o: build(s[:-1] + [s[-1] + 1], a, o), copy_weights),
     "trainable numbers"),
    ("ex-pytorch-module", (lambda s, a, o: bridge.to_torch(s), copy_weights), "yourself"),
    ("ex-pytorch-module", (build, lambda m, n: n.load_state_dict(bridge.to_torch(m).state_dict())),
     "yourself"),
]

globals().update(exercise_tests("ex-pytorch-", RIGHT, WRONG))


def test_ema_lr_answer_equals_torch_with_the_same_gradients():
    w = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=RIGHT["ex-pytorch-ema-lr"][0], momentum=0.9)
    v, ours = np.zeros(3), np.zeros(3)
    for g in np.random.default_rng(5).normal(size=(8, 3)):
        w.grad = torch.from_numpy(g.copy())
        opt.step()
        v = 0.9 * v + 0.1 * g
        ours = ours - 0.03 * v
    np.testing.assert_allclose(w.detach().numpy(), ours, atol=1e-15)


def test_count_is_torchs():
    net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 8), nn.ReLU(),
                        nn.Linear(8, 3), nn.Softmax(dim=1))
    assert RIGHT["ex-pytorch-count"][0] == sum(p.numel() for p in net.parameters())


def test_feature_map_solution_is_torchs_conv2d():
    rng = np.random.default_rng(2)
    image, kernel = rng.normal(size=(7, 6)), rng.normal(size=(3, 2))
    theirs = F.conv2d(torch.from_numpy(image)[None, None], torch.from_numpy(kernel)[None, None])
    np.testing.assert_allclose(feature_map(image, kernel), theirs[0, 0].numpy(), rtol=1e-13)


def test_importing_the_checks_does_not_import_torch():
    import subprocess
    import sys
    code = ("import sys, lecture_code.exercises.pytorch, lecture_code; "
            "from lecture_code.exercises import load_all; load_all(); print('torch' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"
