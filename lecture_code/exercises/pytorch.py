"""Checks for chapter 9, from scratch to PyTorch. Each recomputes the answer with lecture_code.

The torch checks (:func:`cce_in_torch`, :func:`module_equal_to_numpy`) feed the
student's code tensors that require gradients and want a tensor with a
``grad_fn`` back, so an answer computed in numpy cannot pass; they import torch
when they run, so importing this module (and ``lecture_code``) stays light.
"""
from __future__ import annotations

import inspect

import numpy as np

from .. import activations, bridge, datasets, gradcheck, losses, network, optimizers
from . import exercise
from ._answers import Unusable, array, call, close, fresh
from ._guard import name_of, refusal

#: The lectures' momentum in ex-pytorch-ema-lr: v <- alpha v + (1 - alpha) g, w <- w - eta v.
EMA_LR, EMA_ALPHA = 0.03, 0.9
#: The network of ex-pytorch-count, as layer sizes: Linear(4, 16), Linear(16, 8), Linear(8, 3).
COUNT_SIZES = (4, 16, 8, 3)
#: The point of ex-pytorch-autograd, f(x, y) = x^2 y + tanh(x y).
AUTOGRAD_POINT = (1.5, -0.5)
#: ex-pytorch-module: the hidden and output activations a fresh MLP is drawn with.
MODULE_ACTIVATIONS, MODULE_OUTPUTS = ("relu", "tanh", "sigmoid"), ("sigmoid", "linear", "softmax")


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


def _torch_call(function, *args, name="your function"):
    """``call`` with a hint for numpy on a tensor that requires grad (it cannot read one)."""
    try:
        return call(function, *args, name=name)
    except Unusable as error:
        if "numpy" in str(error).lower():
            raise Unusable(f"{error}. The inputs require gradients, so numpy cannot read them: "
                           "compute with torch's functions (torch.log, F.nll_loss, ...)") from None
        raise


def _graph_scalar(torch, value, what="your function"):
    """``value`` as a torch scalar in autograd's graph, or the hint saying why it is not one."""
    if not isinstance(value, torch.Tensor):
        return None, (f"{what} should return a torch tensor computed from its input with torch's "
                      f"operations, so that .backward() can differentiate it; got "
                      f"{type(value).__name__}")
    if value.grad_fn is None:
        return None, (f"the tensor {what} returns is not in autograd's graph (no grad_fn): it was "
                      "computed outside torch (numpy, .item(), .detach() or torch.tensor(...) of "
                      "a result); compute it from the input tensor with torch's operations")
    return value, None


def _probability_cases(rng):
    """Fresh (P, labels): random sizes, one example, two classes, a confident row."""
    for n, k, scale in ((int(rng.integers(3, 12)), int(rng.integers(3, 7)), 1.0),
                        (1, int(rng.integers(2, 6)), 1.0), (int(rng.integers(2, 8)), 2, 1.0),
                        (int(rng.integers(2, 8)), int(rng.integers(2, 6)), 6.0)):
        yield activations.softmax(rng.normal(scale=scale, size=(n, k))), rng.integers(0, k, n)


@exercise("ex-pytorch-cce", points=2)
def cce_in_torch(loss_fn):
    """A torch function (probabilities (n, k), labels (n,)) -> lecture_code's 'cce' loss, differentiable."""
    import torch
    for P, labels in _probability_cases(fresh()):
        n, k = P.shape
        Y = datasets.one_hot(labels, k)
        p = torch.tensor(P, dtype=torch.float64, requires_grad=True)
        loss, hint = _graph_scalar(torch, _torch_call(loss_fn, p, torch.tensor(labels)))
        if hint:
            return hint
        if loss.numel() != 1:
            return f"the loss is one number, the mean over the n examples; got {loss.numel()} numbers"
        got, want = float(loss.detach().reshape(())), losses.categorical_cross_entropy(P, Y)
        if not close(got, want, rtol=1e-10):
            if close(got, losses.categorical_cross_entropy(activations.softmax(P), Y), rtol=1e-10):
                return ("CrossEntropyLoss expects scores (logits) and applies a softmax itself: on "
                        "probabilities it applies a second softmax")
            if close(got, -np.mean(P[np.arange(n), labels]), rtol=1e-10):
                return "NLLLoss expects log-probabilities: take torch.log of the probabilities first"
            if close(got, n * want, rtol=1e-10):
                return "that is the sum over the examples; the loss is their mean"
            return "the loss is -(1/n) sum_i log p_i[label_i]: the negative log-likelihood of log(p)"
        loss.backward()
        grad = None if p.grad is None else p.grad.detach().numpy()
        if grad is None or not close(grad, losses.categorical_cross_entropy_grad(P, Y), rtol=1e-8,
                                     atol=1e-12):
            return ("the value is right but its gradient with respect to p is not: compute the loss "
                    "from p itself with torch's operations, with nothing detached on the way")
    return None


def _kernel_cases(rng):
    """Fresh (image, kernel) pairs: random shapes and values, a kernel as large as the image, a 1x1 kernel."""
    h, w = (int(v) for v in rng.integers(4, 10, 2))
    kh, kw = int(rng.integers(2, 4)), int(rng.integers(2, 5))
    kernel = rng.integers(-3, 4, (kh, kw)).astype(float)
    while any(np.array_equal(kernel[::-1, ::-1], s * kernel) for s in (1, -1)):
        kernel = rng.integers(-3, 4, (kh, kw)).astype(float)   # turned, it is neither itself nor its negative,
    yield rng.normal(size=(h, w)), kernel                      # so a flipped kernel and flipped signs differ
    yield rng.normal(size=(kh, kw)), rng.normal(size=(kh, kw))
    yield rng.normal(size=(h, w)), rng.normal(size=(1, 1))
    yield np.round(rng.random((w, h)), 1), rng.normal(size=(3, 3))


@exercise("ex-pytorch-edge", points=2, writes=(bridge.conv2d,))
def edge_feature_map(function):
    """A function (image (H, W), kernel (k_h, k_w)) -> the feature map, as bridge.conv2d (no padding)."""
    for image, kernel in _kernel_cases(fresh()):
        want = bridge.conv2d(image, kernel)
        got = array(call(function, image, kernel), name="the feature map your function returns")
        if got.shape != want.shape:
            return (f"with no padding and stride 1 the kernel fits H - k_h + 1 times down and "
                    f"W - k_w + 1 times across: for an image {image.shape} and a kernel "
                    f"{kernel.shape} your function returned shape {got.shape}")
        if close(got, want, rtol=1e-10, atol=1e-12):
            continue
        if close(got, bridge.conv2d(image, kernel[::-1, ::-1]), rtol=1e-10, atol=1e-12):
            return ("your function flips the kernel (the convolution of signal processing); "
                    "torch, and the formula of the chapter, slide it over the image unflipped")
        if close(got, -want, rtol=1e-10, atol=1e-12):
            return "the signs are flipped: multiply the window by the kernel as it is"
        return (f"out[i, j] is the sum of the window image[i:i+k_h, j:j+k_w] times the kernel, "
                f"entry by entry; your function is wrong for an image {image.shape} and a kernel "
                f"{kernel.shape}")
    return None


def _hands_over(answer, functions) -> list[str]:
    """Package functions an answer's functions hold in their closure or globals (a wrapper that
    would hand the check the package's own work, even where it is called with other arguments)."""
    codes = {f.__code__: name_of(f) for f in functions}
    found = []
    for value in answer:
        if not inspect.isfunction(value):
            continue
        try:
            seen = inspect.getclosurevars(value)
        except (TypeError, ValueError):
            continue
        held_values = [*seen.nonlocals.values(), *seen.globals.values()]
        held_values += [getattr(v, name, None) for v in held_values if inspect.ismodule(v)
                        for name in seen.unbound]          # bridge.to_torch, read as an attribute
        for held in held_values:
            code = getattr(held, "__code__", None)
            if code in codes and codes[code] not in found:
                found.append(codes[code])
    return found


def _module_cases(rng):
    """Fresh network configurations (sizes, activation, output, rows): three with hidden layers,
    which use every hidden activation once, and one layer only; every output activation is drawn,
    and one configuration has a single row."""
    hidden = [str(a) for a in rng.permutation(MODULE_ACTIVATIONS)] + [None]
    outputs = [str(o) for o in rng.permutation(MODULE_OUTPUTS)] + [str(rng.choice(MODULE_OUTPUTS))]
    rows = [int(rng.integers(3, 9)), 1, int(rng.integers(3, 9)), int(rng.integers(2, 6))]
    for activation, output, n in zip(hidden, outputs, rows):
        depth = 0 if activation is None else int(rng.integers(1, 4))
        d_out = int(rng.integers(2, 5)) if output == "softmax" else int(rng.integers(1, 4))
        sizes = [int(d) for d in rng.integers(1, 7, depth + 1)] + [d_out]
        yield sizes, activation or "relu", output, n


def _net_check(torch, net, model):
    """A hint if ``net`` is not a float64 module with the MLP's number of parameters, else None."""
    if not isinstance(net, torch.nn.Module):
        return f"build should return a torch.nn.Module; got {type(net).__name__}"
    params = list(net.parameters())
    if not params:
        return ("your module has no parameters: make the layers nn.Linear (or the weights "
                "nn.Parameter), so that torch finds and trains them")
    if any(p.dtype != torch.float64 for p in params):
        return ("torch computes in float32 by default, lecture_code in float64: build the layers "
                "with dtype=torch.float64, or call .double() on the module")
    count = sum(p.numel() for p in params)
    if count != model.n_parameters():
        return (f"your module has {count} trainable numbers where the MLP {model.sizes} has "
                f"{model.n_parameters()}: one nn.Linear(d_in, d_out) per layer, with its biases")
    return None


def _one_module(build, copy, sizes, activation, output, rows, rng):
    import torch
    model = network.MLP(list(sizes), activation, output, rng=rng)
    net = _torch_call(build, list(sizes), activation, output, name="build")
    hint = _net_check(torch, net, model)
    if hint:
        return hint
    _torch_call(copy, model, net, name="copy_weights")
    X = rng.normal(size=(rows, sizes[0]))
    x = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    out, hint = _graph_scalar(torch, _torch_call(net, x, name="your module"), "your module")
    if hint:
        return hint
    want = model.forward(X)
    config = f"MLP({sizes}, {activation!r}, {output!r})"
    if tuple(out.shape) != want.shape:
        return f"for {config} on {rows} rows the output has shape {want.shape}, got {tuple(out.shape)}"
    got = out.detach().numpy()
    if not close(got, want, rtol=1e-10, atol=1e-12):
        if output != "linear" and close(got, model.layers[-1].Z, rtol=1e-10, atol=1e-12):
            return f"for {config} the output activation ({output!r}) is missing after the last layer"
        return (f"for {config} the outputs differ: torch's weight is W.T, of shape (d_out, d_in); the "
                "hidden layers use the activation, the last one the output activation")
    upstream = rng.normal(size=want.shape)
    (out * torch.from_numpy(upstream)).sum().backward()
    dX = model.backward(upstream)
    theirs = [p.grad for p in net.parameters()]
    if x.grad is None or any(g is None for g in theirs) or not (
            close(x.grad.numpy(), dX, rtol=1e-8, atol=1e-12) and close(
                np.sort(np.concatenate([g.numpy().ravel() for g in theirs])),
                np.sort(np.concatenate([g.ravel() for g in model.gradients()])), rtol=1e-8, atol=1e-12)):
        return (f"for {config} the outputs are right but their gradients are not: the forward pass "
                "must use the module's own parameters and torch's operations, nothing detached")
    return None


@exercise("ex-pytorch-module", points=3, writes=(bridge.to_torch,))
def module_equal_to_numpy(build, copy_weights):
    """build(sizes, activation, output) -> an nn.Module; copy_weights(model, net) copies an MLP
    into it: same outputs and gradients as lecture_code on fresh networks and inputs."""
    held = _hands_over((build, copy_weights), (bridge.to_torch,))
    if held:
        return refusal(held)
    rng = fresh()
    for sizes, activation, output, rows in _module_cases(rng):
        try:
            hint = _one_module(build, copy_weights, sizes, activation, output, rows, rng)
        except Unusable as error:    # returned, not raised: a call of to_torch is still noted
            return str(error)
        if hint:
            return hint
    return None
