"""Compiled training: the whole training loop of :func:`lecture_code.training.train` as one
compiled function, when numba is installed.

numba is optional. Without it (or with the environment variable
``LECTURE_CODE_NUMBA=0``) ``training.train(..., fused=True)`` runs
:class:`lecture_code.fast.fused_training.FusedStep`, in numpy; with it, every
setting :func:`supports` accepts runs here instead, three to four times as
fast for the playground's networks. A live panel retrains on every slider
move, and a small network's epoch is mostly the overhead of numpy's ~30
calls; compiled, an epoch is a few loops over the points.

The loops are the readable formulas one number at a time, with the names
of :class:`~lecture_code.network.MLP`, :mod:`~lecture_code.activations`,
:mod:`~lecture_code.losses`, :mod:`~lecture_code.regularization` and
:mod:`~lecture_code.optimizers`: a forward pass, the loss and its gradient
(the cross-entropy from the logits, ``logaddexp`` as numpy computes it),
backpropagation and the optimizer's update, each in the reference's order
of operations. Only the sums over the points run in another order (vector
sums, as BLAS's products do), so the two agree to rounding; the tests check
weights and every per-epoch number to 1e-12, over every activation, loss,
optimizer, penalty, dropout rate, depth 0-6, width 1-16 and minibatch size.
The loop runs on one thread, and the random draws (minibatch orders,
dropout masks) are numpy's, drawn in the readable loop's order a chunk of
epochs ahead (``_chunks``).

What runs here: hidden and output activations ``relu``, ``tanh``,
``sigmoid``, ``elu``, ``linear`` and ``step``; the losses ``bce`` (one
sigmoid output), ``cce`` (a softmax output), ``mse`` and ``mae``; ``sgd``
and ``momentum`` (every option), ``rmsprop`` (not centered) and ``adam``;
penalties, dropout, minibatches, a validation set and early stopping. The
other optimizers and ``on_epoch`` run in numpy (:func:`supports` says why).
Compiling the loop takes several seconds, once per machine: numba caches
it on disk. Nobody waits for it: the first training of a session starts the
compile in another process (:func:`warm_up`; a panel does so when it is
created) and trains in fused numpy until the compiled loop is ready.

See chapter 8 (the playground) and :mod:`lecture_code.fast.bench`.
"""
from __future__ import annotations

import functools
import math
import os
import subprocess
import sys
import time
import warnings

import numpy as np

from .. import optimizers as _optimizers

try:
    import numba
except ImportError:          # the accelerator is optional: fused numpy runs instead
    numba = None

__all__ = ["available", "supports", "train", "warm_up", "ACTIVATIONS"]

#: Activations the compiled loop knows, by code.
ACTIVATIONS = {"linear": 0, "relu": 1, "tanh": 2, "sigmoid": 3, "elu": 4, "step": 5, "softmax": 6}
_LOSSES = {"bce": 0, "mse": 1, "mae": 2, "cce": 3}
_SGD, _RMSPROP, _ADAM = 0, 1, 2
_LOGE2 = math.log(2.0)

if numba is not None:
    _jit = numba.njit(cache=True, error_model="numpy", nogil=True)
else:                        # plain Python: the same code, never run by train() (too slow)
    def _jit(f):
        return f


#: The process compiling the loop into numba's cache while this one trains in numpy
#: (:func:`warm_up`), or None.
_compiling: subprocess.Popen | None = None


def _enabled() -> bool:
    return numba is not None and os.environ.get("LECTURE_CODE_NUMBA", "1") != "0"


def available() -> bool:
    """True when fast training runs compiled now (for the settings :func:`supports` accepts).

    It never waits for numba's compiler. The first call in a process loads
    the loop from numba's on-disk cache when the cache holds it (a fraction
    of a second). Otherwise it starts the compile in another process
    (:func:`warm_up`) and returns False: until that has finished, training
    runs in fused numpy, the same numbers to rounding (1e-12 per epoch), and
    the first call after it loads the loop from the cache. False as well
    without numba, with ``LECTURE_CODE_NUMBA=0``, or with a numba that cannot
    compile the loop (one warning, then numpy trains).
    """
    if not _enabled():
        return False
    if _compile_error.cache_info().currsize == 0:        # not loaded in this process yet
        warm_up()                   # starts the compile elsewhere, unless the cache holds the loop
        if _compiling is not None and _compiling.poll() is None:
            return False
    return _compile_error() is None


def _cached() -> bool:
    """Whether numba's on-disk cache holds the compiled loop for this machine and source.

    Read from the cache's index as numba reads it (its version, the source
    file's stamp, the CPU and the function's bytecode); a numba whose cache
    is laid out otherwise counts as no cache, and the loop compiles in the
    background.
    """
    try:
        cache = _train._cache
        codegen = _train.targetctx.codegen()
        return any(key[1:] == cache._index_key(key[0], codegen)[1:]
                   for key in cache._cache_file._load_index())
    except Exception:           # another numba's internals: no cache known
        return False


@functools.lru_cache(maxsize=None)
def _compile_error() -> str | None:
    """None once the loop runs compiled; otherwise the error of the numba installed."""
    try:
        _tiny_run()
    except Exception as error:      # a numba older or newer than the tested one: fall back
        warnings.warn(f"numba {numba.__version__} could not compile lecture_code's training "
                      f"loop, so training runs in numpy ({type(error).__name__}: {error})",
                      RuntimeWarning, stacklevel=3)
        return f"{type(error).__name__}: {error}"
    return None


def supports(model, loss, optimizer, *, on_epoch=None, accuracy: bool = False) -> str | None:
    """None if :func:`train` can run this setting; otherwise why it runs in numpy instead."""
    names = [layer.activation.name for layer in model.layers]
    unknown = [n for n in names if n not in ACTIVATIONS]
    if unknown:
        return f"activation {unknown[0]!r} is not compiled"
    if loss.name not in _LOSSES:
        return f"loss {loss.name!r} is not compiled"
    if model.sizes[-1] != 1 and loss.name == "bce":
        return "the compiled binary cross-entropy is for one output"
    if (names[-1] == "softmax") != (loss.name == "cce") or "softmax" in names[:-1]:
        return "a softmax is compiled as the output of the categorical cross-entropy only"
    if on_epoch is not None:
        return "on_epoch is a Python function, called between epochs"
    if len(optimizer.params) != 1 or optimizer.params[0] is not model.flat_params:
        return "the optimizer updates per-layer arrays"
    kind = type(optimizer)
    if kind is _optimizers.RMSprop and optimizer.centered:
        return "centered RMSprop is not compiled"
    if kind not in (_optimizers.SGD, _optimizers.RMSprop, _optimizers.Adam):
        return f"{kind.__name__} is not compiled"
    return None


# -- the compiled loops: one number at a time, in the readable code's order ----------------
@_jit
def _activate(kind, z):
    """g(z), as :mod:`lecture_code.activations` (NaN stays NaN)."""
    if kind == 1:                               # relu: np.maximum(z, 0)
        return z if (z > 0.0 or z != z) else 0.0
    if kind == 2:
        return math.tanh(z)
    if kind == 3:                               # sigmoid: 1 / (1 + e^-z)
        return 1.0 / (1.0 + math.exp(-z))
    if kind == 4:                               # elu: z, or expm1(min(z, 0))
        return z if z > 0.0 else 1.0 * math.expm1(0.0 if z >= 0.0 else z)
    if kind == 5:                               # step: 1 where z >= 0
        return 1.0 if z >= 0.0 else 0.0
    return z


@_jit
def _times(da, d):
    """da * d, exactly 0 where d is 0 (even for da = inf), as activations._times."""
    return 0.0 if d == 0.0 else da * d


@_jit
def _backward(kind, z, a, da):
    """dL/dz from dL/da, as the activation's ``backward``."""
    if kind == 1:                               # relu: da where z > 0
        return da if z > 0.0 else 0.0
    if kind == 2:                               # tanh' = 1 / cosh^2
        c = math.cosh(z)
        return _times(da, 1.0 / c / c)
    if kind == 3:                               # sigma' = a sigma(-z)
        return _times(da, a * (1.0 / (1.0 + math.exp(z))))
    if kind == 4:                               # elu' = 1, or e^min(z, 0)
        return _times(da, 1.0 if z > 0.0 else 1.0 * math.exp(0.0 if z >= 0.0 else z))
    if kind == 5:
        return 0.0
    return da


if numba is not None:
    _sum_jit = numba.njit(cache=True, error_model="numpy", nogil=True, fastmath={"reassoc"})
else:
    _sum_jit = _jit


@_sum_jit
def _dot(x, y, rows):
    """sum of x[r] y[r]: the one loop whose order may change (vector sums, as BLAS does)."""
    s = 0.0
    for r in range(rows):
        s += x[r] * y[r]
    return s


@_sum_jit
def _sum(x, rows):
    s = 0.0
    for r in range(rows):
        s += x[r]
    return s


@_jit
def _axpy1(z, w, x, rows, first):
    """z = w x (``first``) or z += w x, along the points."""
    if first:
        for r in range(rows):
            z[r] = w * x[r]
    else:
        for r in range(rows):
            z[r] += w * x[r]


@_jit
def _axpy(z, y, w, v, x, rows, first):
    """z (+)= w x and y (+)= v x along the points: two units from one read of x."""
    if first:
        for r in range(rows):
            z[r] = w * x[r]
            y[r] = v * x[r]
    else:
        for r in range(rows):
            z[r] += w * x[r]
            y[r] += v * x[r]


@_jit
def _forward(Xb, rows, sizes, offsets, kinds, p, Z, A, drop, keep, at):
    """Every layer's Z = A_prev W + b and A = g(Z), for the first ``rows`` points of ``Xb``.

    Arrays are stored units x points (``Z[layer, j, r]``): Z[j] += W[i, j] A_prev[i]
    runs along the points, in vector code, for two units j at a time; the bias
    and the activation follow in one pass. A hidden layer with dropout rate
    ``drop[layer] > 0`` multiplies A by its mask, 1 / (1 - p) where ``keep``
    (the draws, from position ``at``, row by row as numpy drew them) is 1 and 0
    elsewhere; pass ``drop`` all 0 for a pass without dropout.
    """
    for layer in range(sizes.shape[0] - 1):
        d_in, d_out, o = sizes[layer], sizes[layer + 1], offsets[layer]
        Ain = Xb if layer == 0 else A[layer - 1]
        for j in range(0, d_out - 1, 2):
            for i in range(d_in):
                _axpy(Z[layer, j], Z[layer, j + 1], p[o + i * d_out + j],
                      p[o + i * d_out + j + 1], Ain[i], rows, i == 0)
        if d_out % 2:
            for i in range(d_in):
                _axpy1(Z[layer, d_out - 1], p[o + i * d_out + d_out - 1], Ain[i], rows, i == 0)
        kind = kinds[layer]
        if kind == 6:                           # softmax: e^(z - max) / sum, point by point
            for j in range(d_out):
                z, b = Z[layer, j], p[o + d_in * d_out + j]
                for r in range(rows):
                    z[r] = z[r] + b
            for r in range(rows):
                m = Z[layer, 0, r]
                for j in range(1, d_out):       # np.max: NaN if any is NaN
                    v = Z[layer, j, r]
                    m = v if (v > m or v != v) else m
                    if v != v:
                        break
                total = 0.0
                for j in range(d_out):
                    A[layer, j, r] = math.exp(Z[layer, j, r] - m)
                    total += A[layer, j, r]
                for j in range(d_out):
                    A[layer, j, r] = A[layer, j, r] / total
            continue
        for j in range(d_out):
            z, a, b = Z[layer, j], A[layer, j], p[o + d_in * d_out + j]
            if kind == 1:                       # relu on its own: a loop of vector code
                for r in range(rows):
                    z[r] = z[r] + b
                    a[r] = z[r] if (z[r] > 0.0 or z[r] != z[r]) else 0.0
            else:
                for r in range(rows):
                    z[r] = z[r] + b
                    a[r] = _activate(kind, z[r])
        rate = drop[layer]
        if rate > 0.0:                          # inverted dropout, as regularization.Dropout
            scale = 1.0 / (1.0 - rate)
            for j in range(d_out):
                a = A[layer, j]
                for r in range(rows):
                    a[r] = a[r] * (scale if keep[at + r * d_out + j] else 0.0)
            at += rows * d_out
    return at


@_jit
def _loss(Yb, rows, k, last, out_kind, loss_kind, Z, A, D):
    """(data loss, right answers): the loss of the output, and dL/dZ of the output in ``D``.

    ``D`` is left alone when ``D.shape[0] == 0`` (the validation pass).
    """
    if loss_kind == 3:
        return _cce(Yb, rows, k, last, Z, D), _right(Yb, rows, k, last, A)
    size = rows * k
    grads = D.shape[0] > 0
    s1, s2, right = 0.0, 0.0, 0
    for j in range(k):
        for r in range(rows):
            z, a, y = Z[last, j, r], A[last, j, r], Yb[j, r]
            if loss_kind == 0:                  # bce from the logits: y softplus(-z) + (1-y) softplus(z)
                # np.logaddexp(0, +-z) is max(0, +-z) + log1p(e^-|z|) (log 2 at 0): one exp,
                # one log1p; sigma(z) = 1 / (1 + e^-z) and sigma(-z) share the same e^-|z|
                e = math.exp(-abs(z))
                soft = _LOGE2 if z == 0.0 else math.log1p(e)
                if z > 0.0:
                    s1 += y * soft
                    s2 += (1.0 - y) * (z + soft)
                    up, down = 1.0 / (1.0 + e), 1.0 / (1.0 + 1.0 / e)
                elif z <= 0.0:
                    s1 += y * (soft - z)
                    s2 += (1.0 - y) * soft
                    up, down = 1.0 / (1.0 + 1.0 / e), 1.0 / (1.0 + e)
                else:                           # NaN
                    s1 += y * z
                    s2 += (1.0 - y) * z
                    up, down = z, z
                if grads:                       # (1 - y) sigma(z) - y sigma(-z), over n
                    D[last, j, r] = ((1.0 - y) * up - y * down) / size
            else:
                diff = a - y
                if loss_kind == 1:
                    s1 += diff * diff
                    da = 2.0 * diff / size
                else:
                    s1 += abs(diff)
                    da = (1.0 if diff > 0.0 else (-1.0 if diff < 0.0 else diff * 0.0)) / size
                if grads:
                    D[last, j, r] = _backward(out_kind, z, a, da)
    return (s1 + s2) / size, _right(Yb, rows, k, last, A)


@_jit
def _argmax(M, r, k):
    """np.argmax of point r's k values in M (units x points): the first largest, or the
    first NaN."""
    top = 0
    for j in range(k):
        if M[j, r] != M[j, r]:
            return j
        if M[j, r] > M[top, r]:
            top = j
    return top


@_jit
def _right(Yb, rows, k, last, A):
    """Right answers, as training._accuracy: a and y on the same side of 0.5 for one
    output, the same argmax for several."""
    right = 0
    for r in range(rows):
        if k == 1:
            if (A[last, 0, r] >= 0.5) == (Yb[0, r] >= 0.5):
                right += 1
        elif _argmax(A[last], r, k) == _argmax(Yb, r, k):
            right += 1
    return right


@_jit
def _cce(Yb, rows, k, last, Z, D):
    """The cross-entropy of a softmax from its logits, and its gradient in ``D``, as
    losses._cce_logits: with m the largest logit and s the sum of e^(z_j - m) over the
    others, log p_j = z_j - m - log1p(s), and 1 - p = s / (1 + s) at the largest."""
    grads = D.shape[0] > 0
    total = 0.0
    for r in range(rows):
        top = _argmax(Z[last], r, k)
        m, rest = Z[last, top, r], 0.0
        for j in range(k):
            if j != top:
                rest += math.exp(Z[last, j, r] - m)
        log1p_rest = math.log1p(rest)
        for j in range(k):
            log_p = (Z[last, j, r] - m) - log1p_rest
            y = Yb[j, r]
            total += y * log_p
            if grads:                           # (1 - y) p - y (1 - p), over n
                q = rest / (1.0 + rest) if j == top else 1.0 - math.exp(log_p)
                D[last, j, r] = ((1.0 - y) * math.exp(log_p) - y * q) / rows
    return -total / rows


@_jit
def _gradients(Xb, rows, sizes, offsets, kinds, p, g, Z, A, D, penalty, lam, drop, keep, at):
    """Backpropagation from the output's dZ (in ``D``): every layer's gradient into ``g``.

    dW[i, j] = A_prev[i] . dZ[j] and db[j] = sum of dZ[j] (sums over the points);
    dA[i] = sum_j W[i, j] dZ[j], then dZ of the layer below, along the points.
    """
    for layer in range(sizes.shape[0] - 2, -1, -1):
        d_in, d_out, o = sizes[layer], sizes[layer + 1], offsets[layer]
        Ain = Xb if layer == 0 else A[layer - 1]
        for i in range(d_in):
            x = Ain[i]
            for j in range(d_out):
                g[o + i * d_out + j] = _dot(x, D[layer, j], rows)
        for j in range(d_out):
            g[o + d_in * d_out + j] = _sum(D[layer, j], rows)
        if penalty == 1:                        # l1: lam sign(W)
            for q in range(o, o + d_in * d_out):
                w = p[q]
                g[q] += lam * (1.0 if w > 0.0 else (-1.0 if w < 0.0 else w * 0.0))
        elif penalty == 2:                      # l2: 2 lam W
            for q in range(o, o + d_in * d_out):
                g[q] += 2.0 * lam * p[q]
        if layer == 0:
            break
        below = kinds[layer - 1]
        for i in range(0, d_in - 1, 2):         # dA = dZ W^T, two inputs at a time
            for j in range(d_out):
                _axpy(D[layer - 1, i], D[layer - 1, i + 1], p[o + i * d_out + j],
                      p[o + (i + 1) * d_out + j], D[layer, j], rows, j == 0)
        if d_in % 2:
            for j in range(d_out):
                _axpy1(D[layer - 1, d_in - 1], p[o + (d_in - 1) * d_out + j], D[layer, j], rows,
                       j == 0)
        rate = drop[layer - 1]
        if rate > 0.0:                          # dropout: the kept units, with the same scale
            scale, mask = 1.0 / (1.0 - rate), at
            for q in range(layer - 1):
                if drop[q] > 0.0:
                    mask += rows * sizes[q + 1]
            for i in range(d_in):
                da = D[layer - 1, i]
                for r in range(rows):
                    da[r] = da[r] * scale if keep[mask + r * d_in + i] else 0.0
        for i in range(d_in):                   # then dZ of the layer below
            da = D[layer - 1, i]
            z, a = Z[layer - 1, i], A[layer - 1, i]
            if below == 1:                      # relu: da where z > 0
                for r in range(rows):
                    da[r] = da[r] if z[r] > 0.0 else 0.0
            elif rate > 0.0:                    # A holds the dropped activation: g(z) again
                for r in range(rows):
                    da[r] = _backward(below, z[r], _activate(below, z[r]), da[r])
            else:
                for r in range(rows):
                    da[r] = _backward(below, z[r], a[r], da[r])


@_jit
def _update(opt_kind, h, p, g, s1, s2, t, started):
    """One optimizer step over the flat parameters, as ``Optimizer.step`` (state in s1, s2)."""
    lr, momentum, dampening, nesterov, alpha, eps, b1, b2, wd = (
        h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8])
    if opt_kind == _ADAM:
        step = lr / (1.0 - b1 ** float(t))         # float powers, as Python's b1 ** t
        root = math.sqrt(1.0 - b2 ** float(t))
    for q in range(p.shape[0]):
        gq = g[q]
        if wd != 0.0:
            gq = gq + wd * p[q]
        if opt_kind == _SGD:
            if momentum != 0.0:
                if not started:
                    s1[q] = gq
                else:
                    s1[q] = s1[q] * momentum + (1.0 - dampening) * gq
                gq = gq + momentum * s1[q] if nesterov != 0.0 else s1[q]
            p[q] -= lr * gq
        elif opt_kind == _RMSPROP:
            s1[q] = s1[q] * alpha + (1.0 - alpha) * gq * gq
            avg = math.sqrt(s1[q]) + eps
            if momentum != 0.0:
                s2[q] = s2[q] * momentum + gq / avg
                p[q] -= lr * s2[q]
            else:
                p[q] -= lr * gq / avg
        else:
            s1[q] = s1[q] * b1 + (1.0 - b1) * gq
            s2[q] = s2[q] * b2 + (1.0 - b2) * gq * gq
            p[q] -= step * s1[q] / (math.sqrt(s2[q]) / root + eps)


@_jit
def _train(X, Y, orders, batch, sizes, offsets, kinds, loss_kind, p, g, opt_kind, h, s1, s2,
           t, started, penalty, lam, drop, keep, X_val, Y_val, patience, best_p,
           train_loss, train_acc, val_loss, val_acc, first, best, best_epoch, waited):
    """A run of epochs of training.train, the epochs ``first``, ``first + 1``, ...;
    returns (epochs run, diverged, stopped early, best epoch, t, started, best
    validation loss, epochs waited).

    ``X``, ``Y`` (and the validation set) come transposed: one row per input or target.
    ``orders`` and ``keep`` hold this run's minibatch orders and dropout draws in the
    order numpy drew them; the output arrays are this run's slices. ``patience`` < 0
    is no early stopping, else ``best_p`` keeps the best epoch's parameters; ``best``,
    ``best_epoch`` and ``waited`` carry early stopping over from the previous run.
    """
    d, n, k = X.shape[0], X.shape[1], Y.shape[0]
    last, widest = sizes.shape[0] - 2, 1
    for q in range(1, sizes.shape[0]):
        widest = max(widest, sizes[q])
    rows_max = max(batch, X_val.shape[1])
    Z = np.empty((last + 1, widest, rows_max))
    A = np.empty((last + 1, widest, rows_max))
    D = np.empty((last + 1, widest, rows_max))
    nodes, no_drop = np.empty((0, 0, 0)), np.zeros_like(drop)
    at, stopped = 0, False
    Xb, Yb = (X, Y) if orders.shape[0] == 0 else (np.empty((d, batch)), np.empty((k, batch)))
    diverged, epochs = False, 0
    for e in range(train_loss.shape[0]):
        total, correct = 0.0, 0.0
        for start in range(0, n, batch):
            rows = min(batch, n - start)
            if orders.shape[0] > 0:             # the epoch's minibatch, gathered
                for r in range(rows):
                    src = orders[e, start + r]
                    for i in range(d):
                        Xb[i, r] = X[i, src]
                    for j in range(k):
                        Yb[j, r] = Y[j, src]
            after = _forward(Xb, rows, sizes, offsets, kinds, p, Z, A, drop, keep, at)
            value, right = _loss(Yb, rows, k, last, kinds[last], loss_kind, Z, A, D)
            _gradients(Xb, rows, sizes, offsets, kinds, p, g, Z, A, D, penalty, lam, drop, keep,
                       at)
            at = after
            total += value * rows
            correct += right / rows * rows
            t += 1
            _update(opt_kind, h, p, g, s1, s2, t, started)
            started = True
        loss = total / n
        if not math.isfinite(loss):
            diverged = True
            break
        train_loss[e], train_acc[e] = loss, correct / n
        epochs += 1
        if X_val.shape[1] > 0:
            rows = X_val.shape[1]
            _forward(X_val, rows, sizes, offsets, kinds, p, Z, A, no_drop, keep, 0)
            value, right = _loss(Y_val, rows, k, last, kinds[last], loss_kind, Z, A, nodes)
            val_loss[e], val_acc[e] = value, right / rows
            if value < best:
                best, best_epoch, waited = value, first + e, 0
                if patience >= 0:
                    best_p[:] = p
            elif patience >= 0:
                waited += 1
                if waited >= patience:
                    stopped = True
                    break
    return epochs, diverged, stopped, best_epoch, t, started, best, waited


# -- the Python side -------------------------------------------------------------------------
def _layout(model):
    sizes = np.asarray(model.sizes, dtype=np.int64)
    offsets = np.cumsum([0] + [(a + 1) * b for a, b in zip(model.sizes[:-1], model.sizes[1:])])
    kinds = np.array([ACTIVATIONS[layer.activation.name] for layer in model.layers], dtype=np.int64)
    return sizes, offsets[:-1].astype(np.int64), kinds


def _state(opt, size: int):
    """(kind, hyperparameters, state 1, state 2, started) of an optimizer the loop runs."""
    h = np.zeros(9)
    h[0], h[8] = opt.lr, opt.weight_decay
    if type(opt) is _optimizers.SGD:
        h[1], h[2], h[3] = opt.momentum, opt.dampening, float(opt.nesterov)
        started = opt.buf[0] is not None
        return _SGD, h, (opt.buf[0] if started else np.zeros(size)), np.zeros(0), started
    if type(opt) is _optimizers.RMSprop:
        h[1], h[4], h[5] = opt.momentum, opt.alpha, opt.eps
        return _RMSPROP, h, opt.s[0], opt.buf[0], opt.t > 0
    h[5], h[6], h[7] = opt.eps, opt.b1, opt.b2
    return _ADAM, h, opt.m[0], opt.v[0], opt.t > 0


def _draws(model, rng, n: int, batch: int, epochs: int):
    """The random draws of ``epochs`` epochs of the readable loop, in its order.

    Per epoch the minibatch order (``rng.permutation(n)``, with minibatches),
    then per step each dropout layer's mask (``layer rng.random((rows, units)) >= p``).
    Returns (orders, keep): one row per epoch, and every mask flattened, as bytes.
    """
    orders, keep = [], []
    drops = [(d, size) for d, size in zip(model.dropouts, model.sizes[1:]) if d.p > 0.0]
    for _ in range(epochs if batch < n or drops else 0):     # full batch, no dropout: none
        if batch < n:
            orders.append(rng.permutation(n))
        for start in range(0, n, batch):
            rows = min(batch, n - start)
            for d, units in drops:
                keep.append((d.rng.random((rows, units)) >= d.p).ravel())
    return (np.stack(orders) if orders else np.empty((0, n), dtype=np.int64),
            np.concatenate(keep).astype(np.uint8) if keep else np.zeros(1, dtype=np.uint8))


#: The first chunk of epochs whose random draws are made before they run; each next chunk
#: is twice as long, up to CHUNK_MAX, so an early stop draws at most about twice what it used.
CHUNK_FIRST, CHUNK_MAX = 4, 256


def _chunks(epochs: int):
    """(first epoch, epochs) of the chunks that cover ``epochs``: 4, 8, 16, ... up to CHUNK_MAX."""
    first, size = 0, CHUNK_FIRST
    while first < epochs:
        yield first, min(size, epochs - first)
        first, size = first + size, min(2 * size, CHUNK_MAX)


def train(model, X, Y, loss, opt, *, epochs: int, batch: int, rng, penalty: str, lam: float,
          X_val=None, Y_val=None, patience: int | None = None, accuracy: bool):
    """Run the epochs of :func:`lecture_code.training.train`'s loop, compiled.

    Unchecked: ``training.train`` validates the arguments, asks :func:`supports`
    and passes the targets as matrices. Returns the fields of a
    :class:`~lecture_code.training.History` as a dict, and under ``best_params``
    the best epoch's parameters with ``patience`` (else None), which
    ``training.train`` restores as the readable loop does, after its checks for
    divergence. The optimizer's state is updated in place. The random draws
    (minibatch orders, dropout masks) are made a chunk of epochs at a time,
    just before the chunk runs (``_chunks``), and drawn again up to the last
    epoch run if training stopped within a chunk, so the generators end where
    the readable loop leaves them, and time and memory follow the epochs run.
    """
    n = X.shape[0]
    generators = {id(g): g for g in [rng] + [d.rng for d in model.dropouts if d.p > 0.0]}
    sizes, offsets, kinds = _layout(model)
    kind, h, s1, s2, started = _state(opt, model.flat_params.size)
    has_val = X_val is not None
    def columns(M):             # one row per input (or target), contiguous
        return np.ascontiguousarray(np.asarray(M, dtype=np.float64).T)
    Xc, Yc = columns(X), columns(Y)
    X_val = columns(X_val) if has_val else np.empty((X.shape[1], 0))
    Y_val = columns(Y_val) if has_val else np.empty((Y.shape[1], 0))
    drop = np.array([d.p for d in model.dropouts] + [0.0])
    best_p = np.empty_like(model.flat_params)
    out = [np.full(epochs, np.nan) for _ in range(4)]
    t, started = opt.t, opt.t > 0 and started
    best, best_epoch, waited = np.inf, -1, 0
    done, diverged, stopped = 0, False, False
    for first, size in _chunks(epochs):
        states = {key: g.bit_generator.state for key, g in generators.items()}
        orders, keep = _draws(model, rng, n, batch, size)
        ran, diverged, stopped, best_epoch, t, started, best, waited = _train(
            Xc, Yc, orders, batch, sizes, offsets, kinds, _LOSSES[loss.name], model.flat_params,
            model.flat_grads, kind, h, s1, s2, t, started,
            {"none": 0, "l1": 1, "l2": 2}[penalty] if lam > 0.0 else 0, float(lam), drop, keep,
            X_val, Y_val, -1 if patience is None else int(patience), best_p,
            *(a[first:first + size] for a in out), first, best, best_epoch, waited)
        done += ran
        if diverged or stopped:
            drawn = ran + 1 if diverged else ran
            if drawn < size:                     # draw no more than the readable loop did
                for key, g in generators.items():
                    g.bit_generator.state = states[key]
                _draws(model, rng, n, batch, drawn)
            break
    opt.t = int(t)
    if kind == _SGD and h[1] != 0.0 and started:
        opt.buf[0] = s1
    best_params = None
    if patience is not None and best_epoch >= 0:  # restored by training.train, as the readable loop does
        reached = model.flat_params.copy()
        model.flat_params[:] = best_p
        best_params = model.copy_parameters()
        model.flat_params[:] = reached
    classify = accuracy
    lists = [a[:done].tolist() for a in out]
    return dict(train_loss=lists[0], train_acc=lists[1] if classify else [],
                val_loss=lists[2] if has_val else [],
                val_acc=lists[3] if has_val and classify else [],
                best_epoch=None if best_epoch < 0 else int(best_epoch), stopped_early=bool(stopped),
                diverged=bool(diverged), best_params=best_params)


def _tiny_run() -> None:
    """Train a 2-2-1 network for one epoch: compiles every part of the loop."""
    from .. import losses
    from ..network import MLP
    rng = np.random.default_rng(0)
    model = MLP([2, 2, 1], "relu", "sigmoid", rng=rng)
    X, Y = rng.normal(size=(4, 2)), np.array([[0.0], [1.0], [1.0], [0.0]])
    opt = _optimizers.make("adam", [model.flat_params], 0.01)
    train(model, X, Y, losses.get("bce"), opt, epochs=1, batch=2, rng=rng, penalty="l2",
          lam=0.1, X_val=X, Y_val=Y, accuracy=True)


def warm_up(wait: bool = False) -> float:
    """Have the loop compiled without making anyone wait; returns the seconds this call took.

    Panels call it when they are created, and :func:`available` at the first
    training of a process. By default numba compiles the loop in a separate
    Python process, into its on-disk cache, while this one goes on: training
    meanwhile runs in fused numpy, and switches to the compiled loop (loaded
    from the cache) once it is there. If the loop is loaded already, or the
    cache holds it, it does nothing. ``wait=True`` compiles (or loads) it here
    and now, after a compile already under way. Without numba it does nothing
    and returns 0.
    """
    global _compiling
    if not _enabled():
        return 0.0
    started = time.perf_counter()
    if wait:
        if _compiling is not None:
            _compiling.wait()           # a compile already under way fills the cache; load from it
        _compile_error()
    elif _compile_error.cache_info().currsize == 0 and _compiling is None and not _cached():
        _compiling = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


if __name__ == "__main__":      # what warm_up runs in its own process: fill numba's cache
    _tiny_run()
