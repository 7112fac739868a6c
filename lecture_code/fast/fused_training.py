"""Fused training: the same training step as :func:`lecture_code.training.train`, in fewer numpy calls.

The readable step (``MLP._loss_and_grads`` then ``Optimizer.step``) allocates
a new array for every intermediate result and walks through layers,
dropouts and optimizers as objects. That is the code the chapters show, and
it is the reference. A live panel retrains a small network on every slider
move, where each of the ~50 numpy calls of an epoch costs more in overhead
than in arithmetic, so the panels train with the same formulas written
*fused*: every intermediate array is allocated once per batch size and
reused (``out=`` arguments), constant work leaves the loop, and the
optimizer updates the flat parameter vector in a handful of in-place calls.

:class:`FusedStep` mirrors the readable names: ``loss_and_grads(X, Y)``
returns ``(data loss, output)`` like ``MLP._loss_and_grads``, ``step()``
updates the parameters like ``Optimizer.step``. ``training.train(...,
fused=True)`` uses it. Every operation is the readable one in the same
order, so the two paths give the same weights and losses to rounding; the
tests check it (to 1e-12) over every activation, loss, optimizer, penalty,
dropout, minibatch size, depth 0-6 and width 1-16.

See chapter 8 (the playground), whose panel trains this way.
"""
from __future__ import annotations

import numpy as np

from .. import optimizers as _optimizers, regularization
from ..network import MLP

__all__ = ["FusedStep"]


class _Buffers:
    """Every intermediate array of one step for a batch of ``rows`` rows, allocated once."""

    def __init__(self, model: MLP, rows: int):
        widths = model.sizes[1:]
        self.Z = [np.empty((rows, k)) for k in widths]        # pre-activations
        self.A = [np.empty((rows, k)) for k in widths]        # activations (ReLU writes here)
        self.dZ = [np.empty((rows, k)) for k in widths]
        self.dA = [np.empty((rows, k)) for k in widths[:-1]]  # dL/d(input of layer l + 1)
        self.active = [np.empty((rows, k), dtype=bool) for k in widths]
        self.ones = np.ones(rows)


class FusedStep:
    """One training step of ``model`` (forward, loss, backward, update) with reused buffers.

    Parameters
    ----------
    model : MLP
        The network; its flat parameters are updated in place.
    loss : lecture_code.losses.Loss
        The loss (already looked up by name).
    penalty, lam : str, float
        Validated weight penalty and strength (as ``training.train`` checks them).
    optimizer : lecture_code.optimizers.Optimizer
        The optimizer ``training.train`` built. SGD (with or without momentum),
        RMSprop and Adam over the flat parameter vector are fused; any other
        optimizer (or one over per-layer arrays) runs its own ``step``.
    """

    def __init__(self, model: MLP, loss, penalty: str, lam: float,
                 optimizer: _optimizers.Optimizer):
        self.model, self.loss, self.opt = model, loss, optimizer
        self.layers = model.layers
        self.W = [layer.params["W"] for layer in model.layers]
        self.b = [layer.params["b"] for layer in model.layers]
        self.gW = [layer.grads["W"] for layer in model.layers]
        self.gb = [layer.grads["b"] for layer in model.layers]
        self.WT = [W.T for W in self.W]                        # views: follow the updates
        self.kinds = [layer.activation.name for layer in model.layers]
        self.acts = [layer.activation for layer in model.layers]
        self.dropouts = [d if d.p > 0.0 else None for d in model.dropouts]
        self.penalty = penalty if penalty != "none" and lam > 0.0 else None
        self.lam = lam
        self.fused_output = loss.fused_with == self.kinds[-1]
        self._buffers: dict[int, _Buffers] = {}
        flat = len(optimizer.params) == 1 and optimizer.params[0] is model.flat_params
        self.step = self._choose_update(optimizer) if flat else self._object_step
        self._tmp = np.empty_like(model.flat_params)
        self._tmp2 = np.empty_like(model.flat_params)

    # -- forward, loss, backward ------------------------------------------------
    def loss_and_grads(self, X: np.ndarray, Y: np.ndarray):
        """Unchecked, like ``MLP._loss_and_grads``: returns (data loss, output), fills the gradients."""
        rows = X.shape[0]
        buf = self._buffers.get(rows)
        if buf is None:
            buf = self._buffers[rows] = _Buffers(self.model, rows)
        last = len(self.layers) - 1
        inputs, Zs, As = [], [], []
        A = X
        for i in range(last + 1):
            inputs.append(A)
            Z = buf.Z[i]
            np.matmul(A, self.W[i], out=Z)
            Z += self.b[i]
            kind = self.kinds[i]
            if kind == "relu":
                A = np.maximum(Z, 0.0, out=buf.A[i])
            elif kind == "linear":
                A = Z
            else:
                A = self.acts[i].forward(Z)
            Zs.append(Z)
            As.append(A)
            if i < last and self.dropouts[i] is not None:
                A = self.dropouts[i].forward(A, True)
        out = A
        if self.fused_output:       # loss and gradient from the logits, as MLP._loss
            value = self.loss.logit_kernel(Zs[last], Y)
            dZ = self.loss.logit_grad(Zs[last], Y)
        else:
            value = self.loss.kernel(out, Y)
            dZ = self.acts[last].backward(Zs[last], out, self.loss.kernel_grad(out, Y))
        for i in range(last, -1, -1):
            np.matmul(inputs[i].T, dZ, out=self.gW[i])
            np.matmul(buf.ones, dZ, out=self.gb[i])            # db = 1^T dZ, as Dense does
            if i == 0:
                break
            if dZ.shape[1] == 1:        # one unit: dZ W^T is an outer product, no sum to form
                dA = np.multiply(dZ, self.WT[i], out=buf.dA[i - 1])
            else:
                dA = np.matmul(dZ, self.WT[i], out=buf.dA[i - 1])
            if self.dropouts[i - 1] is not None:
                dA = self.dropouts[i - 1].backward(dA)
            if self.kinds[i - 1] == "relu":    # dA where z > 0, else 0 (even for dA = inf)
                active = np.greater(Zs[i - 1], 0.0, out=buf.active[i - 1])
                dZ = buf.dZ[i - 1]
                dZ.fill(0.0)
                np.copyto(dZ, dA, where=active)
            elif self.kinds[i - 1] == "linear":
                dZ = dA
            else:
                dZ = self.acts[i - 1].backward(Zs[i - 1], As[i - 1], dA)
        if self.penalty is not None:
            for W, gW in zip(self.W, self.gW):
                gW += regularization._penalty_grad(W, self.penalty, self.lam)
        return value, out

    # -- the update ---------------------------------------------------------------
    def _object_step(self) -> None:
        self.opt.step(self.model.gradients() if len(self.opt.params) > 1
                      else [self.model.flat_grads])

    def _choose_update(self, opt):
        kind = type(opt)
        if kind is _optimizers.Adam:
            return self._adam
        if kind is _optimizers.SGD:
            return self._sgd
        if kind is _optimizers.RMSprop and not opt.centered and not opt.momentum:
            return self._rmsprop
        return self._object_step

    def _gradient(self) -> np.ndarray:
        """The gradient the rule sees: g, or g + wd p with weight decay (as Optimizer.step)."""
        g, opt = self.model.flat_grads, self.opt
        opt.t += 1
        if not opt.weight_decay:
            return g
        decayed = np.multiply(opt.params[0], opt.weight_decay, out=self._tmp2)
        decayed += g
        return decayed

    def _sgd(self) -> None:
        opt, p, tmp = self.opt, self.opt.params[0], self._tmp
        g = self._gradient()
        if opt.momentum:
            if opt.buf[0] is None:
                opt.buf[0] = g.copy()
            else:
                opt.buf[0] *= opt.momentum
                opt.buf[0] += np.multiply(g, 1.0 - opt.dampening, out=tmp)
            if opt.nesterov:
                g = g + opt.momentum * opt.buf[0]
            else:
                g = opt.buf[0]
        p -= np.multiply(g, opt.lr, out=tmp)

    def _rmsprop(self) -> None:
        opt, p, tmp = self.opt, self.opt.params[0], self._tmp
        g = self._gradient()
        s = opt.s[0]
        s *= opt.alpha
        np.multiply(g, 1.0 - opt.alpha, out=tmp)
        tmp *= g
        s += tmp
        avg = np.sqrt(s)
        avg += opt.eps
        np.multiply(g, opt.lr, out=tmp)
        tmp /= avg
        p -= tmp

    def _adam(self) -> None:
        opt, p, tmp = self.opt, self.opt.params[0], self._tmp
        g = self._gradient()
        m, v = opt.m[0], opt.v[0]
        m *= opt.b1
        m += np.multiply(g, 1.0 - opt.b1, out=tmp)
        v *= opt.b2
        np.multiply(g, 1.0 - opt.b2, out=tmp)
        tmp *= g
        v += tmp
        step = opt.lr / (1.0 - opt.b1 ** opt.t)
        denom = np.sqrt(v)
        denom /= np.sqrt(1.0 - opt.b2 ** opt.t)
        denom += opt.eps
        np.multiply(m, step, out=tmp)
        tmp /= denom
        p -= tmp
