"""Backpropagation one number at a time: the lectures' worked examples, and what it costs.

:class:`~lecture_code.network.MLP` backpropagates whole batches with matrix products.
This module does the same arithmetic scalar by scalar for the two networks the lectures
work through, returning every intermediate value in a dict so the chapter can print the
chain rule factor by factor: :func:`sigmoid_221_example` (deck 003: inputs 0.05 and 0.1,
weights 0.14 ... 0.4, target 0.1, E = 1/2 (target - out)^2, one update) and
:func:`shallow_example` (deck 004: two hidden units in theta/phi notation, L = (y - y_bar)^2).
:func:`training_costs` counts what one forward and backward pass of a dense MLP store
and compute; :func:`counted_backprop` runs both passes and counts their products.
Why gradients shrink on the way back through a deep network is in
:mod:`lecture_code.vanishing`.

See chapter 6 (backpropagation).
"""
from __future__ import annotations

from . import _checks, activations, losses as _losses, network
from .vanishing import HIDDEN_ACTIVATIONS

__all__ = ["SLIDE_WEIGHTS", "sigmoid_221_example", "shallow_example", "training_costs",
           "counted_backprop"]

#: Deck 003's weights w1 to w6 (w1 and w2 into h1, w3 and w4 into h2, w5 and w6 into o1).
SLIDE_WEIGHTS = (0.14, 0.19, 0.24, 0.29, 0.35, 0.40)


def _forward_221(x, w, target) -> dict[str, float]:
    s = activations.sigmoid
    out = {}
    for unit, (wa, wb) in ((1, w[0:2]), (2, w[2:4])):
        out[f"net_h{unit}"] = x[0] * wa + x[1] * wb
        out[f"out_h{unit}"] = float(s(out[f"net_h{unit}"]))
    out["net_o1"] = w[4] * out["out_h1"] + w[5] * out["out_h2"]
    out["out_o1"] = float(s(out["net_o1"]))
    out["E"] = 0.5 * (target - out["out_o1"]) ** 2
    return out


def sigmoid_221_example(x=(0.05, 0.1), weights=SLIDE_WEIGHTS, target: float = 0.1,
                        lr: float = 1.0) -> dict[str, float]:
    """Deck 003's 2-2-1 sigmoid network, E = 1/2 (target - out)^2: both passes and one update.

    Forward: net_h1 = x1 w1 + x2 w2, net_h2 = x1 w3 + x2 w4, out_h = sigma(net_h),
    net_o1 = w5 out_h1 + w6 out_h2, out_o1 = sigma(net_o1); no biases.
    Backward, every gradient with the old weights:
    delta_o1 = dE/dnet_o1 = (out_o1 - target) out_o1 (1 - out_o1);
    dE/dw5 = delta_o1 out_h1, dE/dw6 = delta_o1 out_h2 (dnet_o1/dw5 is out_h1, not w5);
    delta_h1 = delta_o1 w5 out_h1 (1 - out_h1), dE/dw1 = delta_h1 x1, dE/dw2 = delta_h1 x2;
    delta_h2 = delta_o1 w6 out_h2 (1 - out_h2), dE/dw3 = delta_h2 x1, dE/dw4 = delta_h2 x2.
    Then w <- w - lr dE/dw for all six, and a second forward pass.

    Parameters
    ----------
    x : pair of float
        The inputs x1, x2.
    weights : six floats
        w1 ... w6, as on the slide.
    target, lr : float
        The desired output (the slide's o1) and the learning rate eta >= 0.

    Returns
    -------
    dict[str, float]
        Forward: ``net_h1, out_h1, net_h2, out_h2, net_o1, out_o1, E``. Output layer:
        ``dE_dout`` (out_o1 - target), ``dout_dnet`` (sigma'(net_o1)), ``delta_o1`` (their
        product), ``dnet_dw5`` (out_h1), ``dnet_dw6`` (out_h2), ``grad_w5, grad_w6``. Hidden
        layer: ``dout_dnet_h1, dout_dnet_h2`` (sigmoid slopes), ``delta_h1, delta_h2``,
        ``grad_w1`` ... ``grad_w4``. Update: ``new_w1`` ... ``new_w6, new_out_o1, new_E``.
    """
    x = _checks.as_array(x, "x", ndim=1)
    w = _checks.as_array(weights, "weights", ndim=1)
    if x.shape != (2,) or w.shape != (6,):
        raise ValueError(f"x must hold 2 inputs and weights 6 numbers, "
                         f"got shapes {x.shape} and {w.shape}")
    target = float(_checks.as_array(target, "target", ndim=0))
    lr = _checks.positive(lr, "lr", allow_zero=True)
    r = _forward_221(x, w, target)
    r["dE_dout"] = r["out_o1"] - target
    r["dout_dnet"] = r["out_o1"] * (1.0 - r["out_o1"])
    r["delta_o1"] = r["dE_dout"] * r["dout_dnet"]
    r["dnet_dw5"], r["dnet_dw6"] = r["out_h1"], r["out_h2"]
    r["grad_w5"], r["grad_w6"] = r["delta_o1"] * r["out_h1"], r["delta_o1"] * r["out_h2"]
    for unit, w_out, first in ((1, w[4], 1), (2, w[5], 3)):
        out_h = r[f"out_h{unit}"]
        r[f"dout_dnet_h{unit}"] = out_h * (1.0 - out_h)
        r[f"delta_h{unit}"] = r["delta_o1"] * w_out * r[f"dout_dnet_h{unit}"]
        r[f"grad_w{first}"] = r[f"delta_h{unit}"] * x[0]
        r[f"grad_w{first + 1}"] = r[f"delta_h{unit}"] * x[1]
    new_w = [w[i] - lr * r[f"grad_w{i + 1}"] for i in range(6)]
    r.update({f"new_w{i + 1}": float(v) for i, v in enumerate(new_w)})
    after = _forward_221(x, new_w, target)
    r["new_out_o1"], r["new_E"] = after["out_o1"], after["E"]
    return {k: float(v) for k, v in r.items()}


def shallow_example(x: float, theta, phi, y_bar: float,
                    activation: str = "relu") -> dict[str, float]:
    """Deck 004's shallow network with two hidden units and the squared error L = (y - y_bar)^2.

    f_i = theta_i1 x + theta_0i, h_i = a(f_i), y = phi_0 + phi_1 h_1 + phi_2 h_2;
    with Delta y = y - y_bar: dL/dphi_0 = 2 Delta y, dL/dphi_i = 2 Delta y h_i,
    dL/dtheta_i1 = 2 Delta y phi_i a'(f_i) x, dL/dtheta_0i = 2 Delta y phi_i a'(f_i).

    Parameters
    ----------
    x, y_bar : float
        The input and the ground truth (the deck's y-bar).
    theta : (2, 2) array
        Row i for hidden unit i+1, bias first as in the deck's dummy input 1:
        ``[[theta_01, theta_11], [theta_02, theta_21]]``.
    phi : 3 floats
        ``[phi_0, phi_1, phi_2]``: output bias and the two output weights.
    activation : str
        The hidden activation a (the deck uses ReLU), one of
        :data:`~lecture_code.vanishing.HIDDEN_ACTIVATIONS`.

    Returns
    -------
    dict[str, float]
        ``f1, h1, f2, h2, y, delta_y, L, dL_dy, a_prime_f1, a_prime_f2, dL_dphi0,
        dL_dphi1, dL_dphi2, dL_dtheta11, dL_dtheta01, dL_dtheta21, dL_dtheta02``.
    """
    x = float(_checks.as_array(x, "x", ndim=0))
    y_bar = float(_checks.as_array(y_bar, "y_bar", ndim=0))
    theta = _checks.as_array(theta, "theta", ndim=2)
    phi = _checks.as_array(phi, "phi", ndim=1)
    if theta.shape != (2, 2) or phi.shape != (3,):
        raise ValueError(f"theta must have shape (2, 2) and phi shape (3,), "
                         f"got {theta.shape} and {phi.shape}")
    act = activations.get(_checks.choice(activation, "activation", HIDDEN_ACTIVATIONS))
    r: dict[str, float] = {}
    for i in (1, 2):
        r[f"f{i}"] = theta[i - 1, 1] * x + theta[i - 1, 0]
        r[f"h{i}"] = float(act.forward(r[f"f{i}"]))
        r[f"a_prime_f{i}"] = float(act.derivative(r[f"f{i}"]))
    r["y"] = phi[0] + phi[1] * r["h1"] + phi[2] * r["h2"]
    r["delta_y"] = r["y"] - y_bar
    r["L"] = r["delta_y"] ** 2
    r["dL_dy"] = 2.0 * r["delta_y"]
    r["dL_dphi0"] = r["dL_dy"]
    for i in (1, 2):
        r[f"dL_dphi{i}"] = r["dL_dy"] * r[f"h{i}"]
        r[f"dL_dtheta0{i}"] = r["dL_dy"] * phi[i] * r[f"a_prime_f{i}"]
        r[f"dL_dtheta{i}1"] = r[f"dL_dtheta0{i}"] * x
    return {k: float(v) for k, v in r.items()}


def training_costs(sizes, batch_size: int) -> dict[str, int]:
    """What one forward and one backward pass of a dense MLP store and compute, counted exactly.

    For layer sizes d_0 ... d_K and a batch of n rows:
    parameters = sum_k (d_{k-1} + 1) d_k;  stored = 2 n sum_{k>=1} d_k (every layer's Z and A);
    forward = n sum_k d_{k-1} d_k multiply-adds (Z = A_prev W);
    backward = n sum_k d_{k-1} d_k (dW = A_prev^T dZ) + n sum_{k>=2} d_{k-1} d_k (dA_prev = dZ W^T,
    not needed for the input). Only the matrix products are counted; the elementwise work
    (activations, g'(Z), biases) is of the smaller order n sum_k d_k.

    Parameters
    ----------
    sizes : sequence of int, layer sizes ``[d_0, ..., d_K]``, input first.
    batch_size : int, the rows n of one batch.

    Returns
    -------
    dict with int values ``parameters, stored, forward, backward``.
    """
    d = _checks.layer_sizes(sizes)
    n = _checks.count(batch_size, "batch_size")
    products = [a * b for a, b in zip(d[:-1], d[1:])]
    return {"parameters": sum(p + b for p, b in zip(products, d[1:])),
            "stored": 2 * n * sum(d[1:]),
            "forward": n * sum(products),
            "backward": n * sum(products) + n * sum(products[1:])}


def counted_backprop(model: network.MLP, X, y, loss: str = "mse") -> dict:
    """Backpropagation with every matrix product's multiply-adds counted (an m x k by k x p product: m k p).

    Runs the forward pass (storing each layer's Z and A) and the backward pass
    dZ = dA * g'(Z), dW = A_prev^T dZ, db = row sums of dZ, dA_prev = dZ W^T (skipped
    for the first layer: nobody needs dL/dX). Where the output activation and the
    loss fuse (sigmoid with ``'bce'``, softmax with ``'cce'``), the output layer's
    dZ = (a - y) / n and the loss come from its logits, as in
    :meth:`~lecture_code.network.MLP.loss_and_grads`: exact however saturated the
    output, where (p - y) / (p (1 - p)) times sigma'(z) would divide by a rounded p.
    The model's parameters and caches are not touched.

    Parameters
    ----------
    model : MLP; X : (n, d_0) inputs; y : (n, d_K) targets; loss : a name from ``losses``.

    Returns
    -------
    dict with ``loss`` (float), ``grads`` (list ``[dW1, db1, dW2, ...]`` like ``model.gradients()``),
    ``stored`` (numbers in all Z and A), ``forward`` and ``backward`` (multiply-adds).
    """
    if not isinstance(model, network.MLP):
        raise ValueError(f"model must be a lecture_code.network.MLP, got {type(model).__name__}")
    loss_fn = _losses._get(loss)
    X = _checks.as_matrix(X, "X", columns=model.sizes[0])
    Y = _checks.as_matrix(y, "y", columns=model.sizes[-1])
    _checks.same_rows(X, Y, "X", "y")
    count = {"forward": 0, "backward": 0}

    def matmul(a, b, phase):
        count[phase] += a.shape[0] * a.shape[1] * b.shape[1]
        return a @ b

    cache, A = [], X
    for layer in model.layers:
        Z = matmul(A, layer.params["W"], "forward") + layer.params["b"]
        cache.append((A, Z, layer.activation.forward(Z)))
        A = cache[-1][2]
    last = model.layers[-1]
    fused = loss_fn.fused_with == last.activation.name
    dA, grads = (None if fused else loss_fn.kernel_grad(A, Y)), []
    for k in range(len(model.layers) - 1, -1, -1):
        (A_prev, Z, A_k), layer = cache[k], model.layers[k]
        if fused and layer is last:      # from the logits, as loss_and_grads: (a - y) / n
            dZ = loss_fn.logit_grad(Z, Y)
        else:
            dZ = layer.activation.backward(Z, A_k, dA)
        grads[:0] = [matmul(A_prev.T, dZ, "backward"), dZ.sum(axis=0)]
        if k > 0:
            dA = matmul(dZ, layer.params["W"].T, "backward")
    value = loss_fn.logit_kernel(cache[-1][1], Y) if fused else loss_fn.kernel(A, Y)
    return {"loss": float(value), "grads": grads,
            "stored": sum(Z.size + A_k.size for _, Z, A_k in cache), **count}
