"""From scratch to PyTorch: the same network, optimizer and training loop in torch.

``to_torch`` copies an ``MLP`` into a float64 ``nn.Sequential``,
``torch_optimizer`` builds the ``torch.optim`` twin of ``optimizers.make``, and
``train_torch`` is ``training.train`` written with ``zero_grad``, ``backward``
and ``step``: from the same weights both give the same losses to float64
rounding. ``conv2d`` is deck 003's image-kernel operation in numpy. torch is
imported inside the functions, so ``import lecture_code.bridge`` stays cheap.

See chapter 9 (from scratch to PyTorch).
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import inspect

import numpy as np

from . import _checks, losses as _losses, optimizers as _optimizers
from .network import MLP

__all__ = ["to_torch", "torch_optimizer", "train_torch", "one_torch_thread", "conv2d",
           "comparison_panel"]


def _activation_module(name: str):
    from torch import nn
    if name == "step":
        raise ValueError("activation 'step' has no gradient (its derivative is 0 wherever it "
                         "exists), so torch cannot train it; use 'sigmoid' or 'relu'")
    return {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "elu": nn.ELU,
            "linear": nn.Identity, "softmax": lambda: nn.Softmax(dim=1)}[name]()


def to_torch(model: MLP):
    """The ``MLP`` as ``nn.Sequential(Linear, activation, [Dropout], ..., Linear, output)``.

    Each ``Dense`` layer ``A = g(X W + b)`` becomes ``nn.Linear`` (float64, weight
    ``W.T`` of shape ``(d_out, d_in)``, bias ``b``) followed by the module for ``g``;
    hidden layers are followed by ``nn.Dropout(p)`` when the MLP has dropout.
    The parameters are copies: training one network leaves the other unchanged.

    Parameters
    ----------
    model : MLP

    Returns
    -------
    torch.nn.Sequential
        Computes ``model.forward(X)`` for a float64 tensor ``X`` of shape ``(n, d_in)``.
    """
    import torch
    from torch import nn
    if not isinstance(model, MLP):
        raise ValueError(f"model must be a lecture_code.network.MLP, got {type(model).__name__}")
    modules = []
    for i, layer in enumerate(model.layers):
        d_in, d_out = layer.shape
        # skip_init: no random initialisation, so torch's global generator is left untouched
        linear = nn.utils.skip_init(nn.Linear, d_in, d_out, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(layer.params["W"].T.copy()))
            linear.bias.copy_(torch.from_numpy(layer.params["b"].copy()))
        modules += [linear, _activation_module(layer.activation.name)]
        if i < len(model.dropouts) and model.dropouts[i].p > 0:
            modules.append(nn.Dropout(model.dropouts[i].p))
    return nn.Sequential(*modules)


def torch_optimizer(name: str, params, lr: float | None = None, **options):
    """The ``torch.optim`` optimizer that ``optimizers.make(name, ...)`` reproduces.

    Same names and defaults: ``'momentum'`` is ``SGD(momentum=0.9)``;
    ``'momentum_ema'`` (v <- alpha v + (1 - alpha) g; w <- w - eta v) is
    ``SGD(momentum=alpha, lr=eta (1 - alpha))``, since torch's buffer is v / (1 - alpha).

    Parameters
    ----------
    name : str
        One of :data:`lecture_code.optimizers.NAMES`.
    params : iterable of torch.Tensor
        Usually ``net.parameters()``.
    lr : float, optional
        Learning rate; ``None`` keeps the default of lecture_code's optimizer.
    **options
        Further keyword arguments of the optimizer (``alpha`` for ``'momentum_ema'``).

    Returns
    -------
    torch.optim.Optimizer
    """
    import torch
    key = _checks.choice(name, "optimizer", _optimizers.NAMES)
    ours = _optimizers._CLASSES[key]
    if lr is None:
        lr = inspect.signature(ours).parameters["lr"].default
    lr = _checks.positive(lr, "lr")
    if key == "momentum_ema":
        alpha = _checks.in_range(options.pop("alpha", 0.9), "alpha", 0.0, 1.0)
        return torch.optim.SGD(params, lr=lr * (1.0 - alpha), momentum=alpha, **options)
    if key == "momentum":
        options.setdefault("momentum", 0.9)
    cls = {"sgd": "SGD", "momentum": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop",
           "adadelta": "Adadelta", "adam": "Adam"}[key]
    return getattr(torch.optim, cls)(params, lr=lr, **options)


def _torch_loss(name: str, y, net):
    """Return ``(targets, body, loss)``: training minimises ``loss(body(X), targets)``.

    For ``'bce'`` and ``'cce'`` the body is ``net`` without its final
    ``nn.Sigmoid`` / ``nn.Softmax`` and the loss takes the logits
    (``binary_cross_entropy_with_logits``, ``cross_entropy``), as
    lecture_code's network computes them: the two agree also where the
    probabilities round to 0 or 1.
    """
    import torch
    from torch import nn
    F = nn.functional
    final = {"bce": nn.Sigmoid, "cce": nn.Softmax}.get(name)
    if final is None:
        fn = {"mse": F.mse_loss, "mae": F.l1_loss}[name]
        return torch.from_numpy(_losses.targets(name, y, name="y")), net, fn
    if not (isinstance(net, nn.Sequential) and len(net) > 1 and isinstance(net[-1], final)):
        raise ValueError(f"net must end in nn.{final.__name__} for loss {name!r} (as to_torch "
                         f"builds it): the loss is computed from the logits before it")
    linears = [m for m in net if isinstance(m, nn.Linear)]
    k = linears[-1].out_features if linears else None      # outputs, to read class labels
    if name == "cce" and np.ndim(y) == 1:
        labels = _losses.targets("cce", y, k, name="y").argmax(axis=1)
        return torch.from_numpy(labels), net[:-1], F.cross_entropy
    Y = torch.from_numpy(_losses.targets(name, y, k, name="y"))
    return Y, net[:-1], _bce_with_logits if name == "bce" else F.cross_entropy


def _bce_with_logits(z, y):
    """-mean[y log sigma(z) + (1 - y) log sigma(-z)]: torch's ``binary_cross_entropy_with_logits``.

    Written with ``F.logsigmoid``, whose backward pass is exact: it gives
    (1 - y) sigma(z) - y sigma(-z), as lecture_code does, where
    ``binary_cross_entropy_with_logits`` computes sigma(z) - y, which is 0
    instead of -4e-18 at z = 40, y = 1. RMSProp and Adam divide a gradient by
    its own size, so that rounding would become a full step of difference.
    """
    from torch.nn.functional import logsigmoid
    return -(y * logsigmoid(z) + (1.0 - y) * logsigmoid(-z)).mean()


@contextlib.contextmanager
def one_torch_thread():
    """Run torch on one thread inside the block (restored afterwards).

    The networks of the book are small: on a busy machine, torch's threads
    spend far longer waiting for each other than they save, and a live panel
    renders 10 to 20 times slower (see :mod:`lecture_code.fast.bench`).
    """
    import torch
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def train_torch(net, X, y, *, loss: str = "bce", optimizer: str = "adam",
                lr: float | None = None, epochs: int = 100, batch_size: int | None = None,
                order=None, **optimizer_options) -> list[float]:
    """Train a torch network in place with lecture_code's loop; return the per-epoch loss.

    Each step is ``opt.zero_grad(); loss(net(Xb), yb).backward(); opt.step()``.
    The recorded loss is the one of :func:`lecture_code.training.train`:
    sum over the epoch's minibatches of (batch loss x rows) / n, measured
    during the epoch. Training stops early, as ``train`` does, when that
    loss is not finite.

    Parameters
    ----------
    net : torch.nn.Module
        E.g. ``to_torch(model)``; trained in place (in ``train()`` mode).
    X, y : array
        Inputs ``(n, d_in)``, targets ``(n, d_out)`` (for ``'cce'`` also labels ``(n,)``).
    loss : str
        ``'bce'`` (``binary_cross_entropy_with_logits`` on the input of the final
        ``nn.Sigmoid``), ``'cce'`` (``cross_entropy`` on the input of the final
        ``nn.Softmax``), ``'mse'`` or ``'mae'``. Labels are checked as
        :func:`lecture_code.losses.targets` checks them.
    optimizer, lr, **optimizer_options
        As in :func:`torch_optimizer`.
    epochs, batch_size : int
        Passes over the data; rows per step (``None`` or ``>= n``: full batch).
    order : sequence of int arrays, optional
        With minibatches, ``order[e]`` is the permutation of the rows used in
        epoch ``e`` (pass ``rng.permutation(n)`` per epoch to reproduce
        ``train``); ``None`` keeps the rows in their given order.

    Returns
    -------
    list of float
        The training loss of every epoch.
    """
    import torch
    if not isinstance(net, torch.nn.Module) or not list(net.parameters()):
        raise ValueError(f"net must be a torch.nn.Module with parameters, got {net!r}")
    loss = _losses._get(loss).name
    dtype = next(net.parameters()).dtype
    Xt = torch.from_numpy(_checks.as_matrix(X, "X")).to(dtype)
    n = Xt.shape[0]
    Y, body, loss_fn = _torch_loss(loss, y, net)
    if Y.shape[0] != n:
        raise ValueError(f"X and y must have the same number of rows (examples), "
                         f"got {n} and {Y.shape[0]}")
    Y = Y.to(dtype) if Y.is_floating_point() else Y
    epochs = _checks.count(epochs, "epochs")
    batch = n if batch_size is None else min(_checks.count(batch_size, "batch_size"), n)
    if order is not None:
        if batch == n or len(order) < epochs:
            raise ValueError(f"order must hold one permutation per epoch ({epochs}) and is used "
                             f"only with minibatches (batch_size < n = {n}), got {len(order)}")
        order = [np.asarray(o) for o in order[:epochs]]
        for e, o in enumerate(order):
            if o.shape != (n,) or not np.array_equal(np.sort(o), np.arange(n)):
                raise ValueError(f"order[{e}] must be a permutation of 0..{n - 1}")
    opt = torch_optimizer(optimizer, net.parameters(), lr, **optimizer_options)
    net.train()
    history = []
    for e in range(epochs):
        idx = torch.from_numpy(order[e]) if order is not None else torch.arange(n)
        total = 0.0
        for start in range(0, n, batch):
            rows = idx[start:start + batch] if batch < n else slice(None)
            Xb, Yb = Xt[rows], Y[rows]
            opt.zero_grad()
            value = loss_fn(body(Xb), Yb)
            value.backward()
            opt.step()
            total += value.item() * Xb.shape[0]
        if not np.isfinite(total / n):
            break
        history.append(total / n)
    return history


def conv2d(image, kernel) -> np.ndarray:
    """Slide ``kernel`` over ``image``: out[i, j] = sum_{a, b} image[i + a, j + b] kernel[a, b].

    This is what ``torch.nn.functional.conv2d`` computes (strictly, a
    cross-correlation: the kernel is not flipped), with no padding and stride 1.

    Parameters
    ----------
    image : array, shape (H, W)
    kernel : array, shape (k_h, k_w), no larger than the image

    Returns
    -------
    numpy.ndarray, shape (H - k_h + 1, W - k_w + 1)
        The feature map.
    """
    image = _checks.as_array(image, "image", ndim=2)
    kernel = _checks.as_array(kernel, "kernel", ndim=2)
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError(f"kernel {kernel.shape} must not be larger than image {image.shape}")
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)
    return np.einsum("ijab,ab->ij", windows, kernel)


@functools.lru_cache(maxsize=None)
def _one_kernel(optimizer: str) -> dict:
    """``{"fused": True}`` for Adam where this torch has its one-kernel CPU Adam (torch 2.4
    and later): the same update as the default one, to rounding, and a quarter faster on
    the panel's small network; ``{}`` otherwise."""
    import torch
    if optimizer != "adam" or "fused" not in inspect.signature(torch.optim.Adam).parameters:
        return {}
    try:
        torch.optim.Adam([torch.zeros(1, dtype=torch.float64, requires_grad=True)], fused=True)
    except (RuntimeError, ValueError):       # a torch whose fused Adam is for GPUs only
        return {}
    return {"fused": True}


def comparison_panel(X, y, sizes=(2, 8, 8, 1), *, epochs: int = 100, seed: int = 0):
    """A live control: optimizer and learning rate -> the numpy and torch loss curves.

    Every setting builds ``MLP(sizes, 'tanh', 'sigmoid', rng=default_rng(seed))``
    and its :func:`to_torch` copy, trains both full batch on ``'bce'`` for
    ``epochs`` epochs and draws both per-epoch losses (they coincide) with the
    largest difference in the title. Beside it stands the difference between two
    numpy runs whose first weight is one ulp (one float64 step) apart: where
    training is chaotic (large learning rates), rounding alone moves the curve
    that far, and numpy and torch, which round differently, part as much. numpy
    (the fast path, ``train(..., fused=True)``, equal to the readable loop to
    rounding) and torch (for Adam, its one-kernel ``fused=True`` update) each
    run on one thread while it renders. Returns a :class:`lecture_code.panels.widgets.Panel`.
    """
    from . import playground, plotting, training
    from .panels import widgets
    from .fast import compiled_training
    compiled_training.warm_up()         # compile now, not on the first move
    figure = plotting.LossComparisonFigure()

    def update(optimizer, lr):
        def numpy_run(nudge: bool):
            model = MLP(list(sizes), "tanh", "sigmoid", rng=np.random.default_rng(seed))
            if nudge:       # the next double after the first weight: how chaotic is this run?
                model.flat_params[0] = np.nextafter(model.flat_params[0], np.inf)
            return model, training.train(model, X, y, loss="bce", optimizer=optimizer, lr=lr,
                                         epochs=epochs, rng=np.random.default_rng(seed),
                                         fused=True)
        with playground.one_blas_thread(), one_torch_thread():   # small products: one thread
            net = to_torch(MLP(list(sizes), "tanh", "sigmoid", rng=np.random.default_rng(seed)))
            # the numpy runs beside torch's: the compiled loop runs without holding the GIL
            with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
                ours = pool.submit(lambda: (numpy_run(False)[1], numpy_run(True)[1]))
                theirs = train_torch(net, X, y, loss="bce", optimizer=optimizer, lr=lr,
                                     epochs=epochs, **_one_kernel(optimizer))
                hist, nudged = ours.result()
        if hist.diverged or nudged.diverged or len(theirs) != hist.epochs:
            raise training.TrainingDiverged("training diverged")
        gap = np.max(np.abs(np.array(theirs) - hist.train_loss))
        chaos = np.max(np.abs(np.array(nudged.train_loss) - hist.train_loss))
        return figure.update(hist.train_loss, theirs,
                             title=f"{optimizer}, lr = {lr:g}: max |numpy − torch| = {gap:.1e}; "
                                   f"numpy, first weight nudged in its 16th digit: {chaos:.1e}")

    controls = {"optimizer": widgets.Choice("optimizer", _optimizers.NAMES, "adam"),
                "lr": widgets.Slider("learning rate", 1e-4, 10.0, 0.01, log=True)}
    panel = widgets.Panel(update, controls,                  # the site: one rate per decade
                          static_values={"lr": [10.0 ** k for k in range(-4, 2)]},
                          alt="Per-epoch training loss of one network in numpy "
                          "(thick) and torch (dashed, on top), and their difference (log scale).")
    panel.figures = (figure,)
    return panel
