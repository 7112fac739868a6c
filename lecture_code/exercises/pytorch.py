"""Checks for chapter 9, from scratch to PyTorch. Each recomputes the answer with lecture_code.

Only :func:`cce_in_torch` needs torch (it calls the student's torch function), and it
imports torch when it runs, so importing this module stays light.
"""
from __future__ import annotations

import numpy as np

from .. import activations, bridge, gradcheck, losses, network, optimizers
from . import exercise

#: The lectures' momentum in ex-pytorch-ema-lr: v <- alpha v + (1 - alpha) g, w <- w - eta v.
EMA_LR, EMA_ALPHA = 0.05, 0.8
#: The network of ex-pytorch-count, as layer sizes: Linear(4, 16), Linear(16, 8), Linear(8, 3).
COUNT_SIZES = (4, 16, 8, 3)
#: The point of ex-pytorch-autograd, f(x, y) = x^2 y + tanh(x y).
AUTOGRAD_POINT = (1.5, -0.5)
#: ex-pytorch-edge: the deck's edge kernel on a 5x5 image with one bright pixel at (2, 2).
EDGE_KERNEL = np.array([[-1.0, -1.0, -1.0], [-1.0, 8.0, -1.0], [-1.0, -1.0, -1.0]])


def _close(got, want, atol=1e-9) -> bool:
    got = np.asarray(got, dtype=float)
    return got.shape == np.shape(want) and bool(np.allclose(got, want, rtol=0, atol=atol))


def _momentum_path(opt, grads) -> np.ndarray:
    w = opt.params[0]
    path = []
    for g in grads:
        opt.step([g])
        path.append(w.copy())
    return np.array(path)


@exercise("ex-pytorch-ema-lr", points=2)
def ema_lr(lr_torch):
    """torch SGD(momentum=alpha, lr=?) taking the same steps as MomentumEMA(lr=eta, alpha)."""
    lr_torch = float(lr_torch)
    if lr_torch <= 0:
        return "a learning rate is positive"
    grads = np.random.default_rng(0).normal(size=(10, 3))
    ours = _momentum_path(optimizers.MomentumEMA([np.zeros(3)], lr=EMA_LR, alpha=EMA_ALPHA), grads)
    theirs = _momentum_path(optimizers.SGD([np.zeros(3)], lr=lr_torch, momentum=EMA_ALPHA), grads)
    if np.allclose(ours, theirs, rtol=1e-9, atol=0):
        return None
    if np.isclose(lr_torch, EMA_LR):
        return ("torch's buffer b <- alpha b + g has no (1 - alpha) in front of g, so it is "
                "1/(1 - alpha) times the lectures' v: the same eta makes steps that are too large")
    if np.isclose(lr_torch, EMA_LR / (1 - EMA_ALPHA)):
        return ("the other way round: torch's buffer is larger than v, "
                "so its learning rate is smaller")
    return ("write v_t = (1 - alpha) b_t and compare the two updates "
            "w <- w - eta v and w <- w - lr b")


@exercise("ex-pytorch-count", points=1)
def parameter_count(n_params):
    """Trainable numbers of Linear(4, 16), ReLU, Linear(16, 8), ReLU, Linear(8, 3), Softmax."""
    model = network.MLP(list(COUNT_SIZES), "relu", "softmax", rng=np.random.default_rng(0))
    want = model.n_parameters()
    if n_params == want:
        return None
    weights_only = sum(model.layers[i].shape[0] * model.layers[i].shape[1]
                       for i in range(len(model.layers)))
    if n_params == weights_only:
        return "each Linear(d_in, d_out) also has d_out biases"
    return "sum d_in * d_out + d_out over the three Linear layers; ReLU and Softmax have none"


def _f(v: np.ndarray) -> float:
    x, y = v
    return float(x * x * y + activations.tanh(x * y))


@exercise("ex-pytorch-autograd", points=2)
def autograd_gradient(df_dx, df_dy):
    """Gradient of f(x, y) = x^2 y + tanh(x y) at (1.5, -0.5), e.g. from loss.backward()."""
    want = gradcheck.numerical_gradient(_f, np.array(AUTOGRAD_POINT))
    got = np.array([float(df_dx), float(df_dy)])
    if np.allclose(got, want, rtol=0, atol=1e-6):
        return None
    if np.allclose(got[::-1], want, rtol=0, atol=1e-6):
        return "the two derivatives are swapped: x.grad holds df/dx"
    if np.isclose(got[0], 2 * AUTOGRAD_POINT[0] * AUTOGRAD_POINT[1], atol=1e-6):
        return "df/dx also has a term from tanh(x y): (1 - tanh^2(x y)) y"
    return ("make x and y tensors with requires_grad=True, compute f from them, call "
            "f.backward() and read x.grad and y.grad")


@exercise("ex-pytorch-cce", points=2)
def cce_in_torch(loss_fn):
    """A torch function (probabilities (n, k), labels (n,)) -> lecture_code's 'cce' loss."""
    import torch
    rng = np.random.default_rng(1)
    P = activations.softmax(rng.normal(size=(6, 4)))
    labels = np.array([0, 3, 1, 2, 3, 0])
    want = losses.categorical_cross_entropy(P, np.eye(4)[labels])
    got = loss_fn(torch.tensor(P), torch.tensor(labels))
    got = float(got.item() if hasattr(got, "item") else got)
    if np.isclose(got, want, rtol=1e-12, atol=0):
        return None
    if np.isclose(got, losses.categorical_cross_entropy(activations.softmax(P), np.eye(4)[labels])):
        return ("CrossEntropyLoss expects scores (logits) and applies a softmax itself: on "
                "probabilities it applies a second softmax")
    if np.isclose(got, -np.mean(P[np.arange(6), labels])):
        return "NLLLoss expects log-probabilities: take torch.log of the probabilities first"
    return "the loss is -(1/n) sum_i log p_i[label_i]: the negative log-likelihood of log(p)"


@exercise("ex-pytorch-edge", points=1)
def edge_feature_map(feature_map):
    """The 3x3 feature map of deck 003's edge kernel on a 5x5 image with one bright pixel."""
    image = np.zeros((5, 5))
    image[2, 2] = 1.0
    want = bridge.conv2d(image, EDGE_KERNEL)
    got = np.asarray(feature_map, dtype=float)
    if got.shape != want.shape:
        return (f"with no padding a 3x3 kernel fits {want.shape[0]} x {want.shape[1]} times "
                f"into a 5x5 image, got shape {got.shape}")
    if _close(got, want):
        return None
    if _close(got, -want):
        return "the signs are flipped: the centre weight +8 lands on the bright pixel"
    return "each output is the sum of the 3x3 window times the kernel; only one pixel is not 0"
