"""The chapter 9 checks: a right answer passes, a typical wrong answer gets a hint."""
import numpy as np
import torch
import torch.nn.functional as F

from lecture_code.exercises import REGISTRY, load_all
from lecture_code.exercises import pytorch as ex

load_all()


def run(exercise_id, *answer):
    return REGISTRY[exercise_id].checker(*answer)


def test_all_five_are_registered_with_points():
    ids = {"ex-pytorch-ema-lr", "ex-pytorch-count", "ex-pytorch-autograd", "ex-pytorch-cce",
           "ex-pytorch-edge"}
    assert ids <= set(REGISTRY) and all(REGISTRY[i].points >= 1 for i in ids)


def test_ema_lr():
    assert run("ex-pytorch-ema-lr", 0.05 * (1 - 0.8)) is None
    assert "1/(1 - alpha)" in run("ex-pytorch-ema-lr", 0.05)
    assert "other way round" in run("ex-pytorch-ema-lr", 0.05 / (1 - 0.8))
    assert "v_t" in run("ex-pytorch-ema-lr", 0.02)
    assert "positive" in run("ex-pytorch-ema-lr", -0.01)


def test_ema_lr_answer_equals_torch_with_the_same_gradients():
    w = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.05 * (1 - 0.8), momentum=0.8)
    v, ours = np.zeros(3), np.zeros(3)
    for g in np.random.default_rng(5).normal(size=(8, 3)):
        w.grad = torch.from_numpy(g.copy())
        opt.step()
        v = 0.8 * v + 0.2 * g
        ours = ours - 0.05 * v
    np.testing.assert_allclose(w.detach().numpy(), ours, atol=1e-15)


def test_count():
    net = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 8),
                              torch.nn.ReLU(), torch.nn.Linear(8, 3), torch.nn.Softmax(dim=1))
    n = sum(p.numel() for p in net.parameters())
    assert run("ex-pytorch-count", n) is None
    assert "biases" in run("ex-pytorch-count", 4 * 16 + 16 * 8 + 8 * 3)
    assert "sum" in run("ex-pytorch-count", n + 1)


def test_autograd():
    x = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(-0.5, dtype=torch.float64, requires_grad=True)
    (x ** 2 * y + torch.tanh(x * y)).backward()
    assert run("ex-pytorch-autograd", x.grad.item(), y.grad.item()) is None
    assert "swapped" in run("ex-pytorch-autograd", y.grad.item(), x.grad.item())
    assert "tanh" in run("ex-pytorch-autograd", 2 * 1.5 * -0.5, y.grad.item())
    assert "backward" in run("ex-pytorch-autograd", 0.0, 0.0)


def test_cce():
    assert run("ex-pytorch-cce", lambda p, t: F.nll_loss(torch.log(p), t)) is None
    assert run("ex-pytorch-cce", lambda p, t: torch.nn.NLLLoss()(p.log(), t)) is None
    assert "logits" in run("ex-pytorch-cce", lambda p, t: F.cross_entropy(p, t))
    assert "log" in run("ex-pytorch-cce", lambda p, t: F.nll_loss(p, t))
    assert "negative log-likelihood" in run("ex-pytorch-cce", lambda p, t: (p * 0).sum())


def test_edge():
    image = torch.zeros(1, 1, 5, 5, dtype=torch.float64)
    image[0, 0, 2, 2] = 1.0
    kernel = torch.from_numpy(ex.EDGE_KERNEL)[None, None]
    right = F.conv2d(image, kernel)[0, 0].numpy()
    assert right[1, 1] == 8.0 and right[0, 0] == -1.0
    assert run("ex-pytorch-edge", right) is None
    assert "flipped" in run("ex-pytorch-edge", -right)
    assert "padding" in run("ex-pytorch-edge", np.zeros((5, 5)))
    assert "window" in run("ex-pytorch-edge", np.ones((3, 3)))
