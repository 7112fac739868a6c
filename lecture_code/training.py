"""Training: minibatch gradient descent with a per-epoch history and early stopping.

One epoch shuffles the training set, cuts it into minibatches of
``batch_size`` rows, and for each one runs forward, loss, backward and an
optimizer step. ``batch_size=None`` is full-batch gradient descent,
``batch_size=1`` is stochastic gradient descent.

See chapter 5 (gradient descent) and chapter 7 (regularization).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import _checks, losses as _losses, optimizers as _optimizers, regularization
from .network import MLP

__all__ = ["History", "TrainingDiverged", "train", "accuracy"]


class TrainingDiverged(ArithmeticError):
    """The loss became infinite or NaN: the steps were too large to converge."""


@dataclass
class History:
    """What happened, epoch by epoch.

    ``train_loss`` is the data loss (without the penalty) averaged over the
    epoch's minibatches, as measured during the epoch; ``val_loss`` is measured
    after it. Accuracies are empty for regression losses.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    best_epoch: int | None = None    # epoch (0-based) with the lowest validation loss
    stopped_early: bool = False
    diverged: bool = False

    @property
    def epochs(self) -> int:
        """Number of epochs run."""
        return len(self.train_loss)


def accuracy(output, y) -> float:
    """Fraction classified correctly: threshold 0.5 for one output, argmax for several.

    Parameters
    ----------
    output : array, shape (n, k)
        Network outputs (probabilities); a 1-D array is one output per row.
    y : array
        Labels 0/1 ``(n,)`` or ``(n, 1)`` for one output; one-hot rows ``(n, k)``
        or class indices ``(n,)`` for several.
    """
    output = _checks.as_matrix(output, "output")
    k = output.shape[1]
    if k > 1 and np.ndim(y) == 1:
        Y = _losses.targets("cce", y, k, "y")
    else:
        Y = _checks.as_matrix(y, "y", columns=k)
        if not np.all((Y == 0) | (Y == 1)):
            raise ValueError("y must hold class labels: 0 or 1 for one output, one-hot rows "
                             "(or class indices) for several")
        if k > 1 and not np.all(Y.sum(axis=1) == 1):
            raise ValueError("y must hold one-hot rows (a single 1 per row) for several outputs")
    _checks.same_rows(output, Y, "output", "y")
    return _accuracy(output, Y)


def _accuracy(output: np.ndarray, y: np.ndarray) -> float:
    if output.shape[1] == 1:
        right = (output >= 0.5) == (y >= 0.5)
    else:
        right = output.argmax(axis=1) == y.argmax(axis=1)
    return np.count_nonzero(right) / right.size    # counting is ~4x faster than np.mean here


def _targets(y, model: MLP, loss, name: str) -> np.ndarray:
    """Targets as an (n, d_out) matrix fitting the loss (see :func:`lecture_code.losses.targets`);
    integer class labels become one-hot for a softmax output."""
    k = model.sizes[-1]
    if loss.name != "cce" and k > 1 and np.ndim(y) == 1:   # labels for a softmax, other losses
        return _losses.targets("cce", y, k, name)
    return _losses.targets(loss, y, k, name)


def _own_optimizer(opt, model: MLP) -> list[np.ndarray]:
    """The gradients matching ``opt``'s parameters, which must be ``model``'s own."""
    if len(opt.params) == 1 and opt.params[0] is model.flat_params:
        return [model.flat_grads]
    params = model.parameters()
    if len(opt.params) != len(params) or any(a is not b for a, b in zip(opt.params, params)):
        raise ValueError("optimizer must update this model's parameters: build it with "
                         "model.parameters() (or pass the optimizer's name instead); "
                         "it holds other arrays, and training would change nothing here")
    return model.gradients()


def train(model: MLP, X, y, *, loss: str = "bce", optimizer="sgd", lr: float | None = None,
          epochs: int = 100, batch_size: int | None = None, rng: np.random.Generator,
          X_val=None, y_val=None, patience: int | None = None, penalty: str = "none",
          lam: float = 0.0, raise_on_divergence: bool = False, on_epoch=None,
          accuracy: bool | None = None, fused: bool = False, **optimizer_options) -> History:
    """Train ``model`` in place and return its :class:`History`.

    Parameters
    ----------
    model : MLP
        The network to train (its parameters are updated in place).
    X, y : array
        Training inputs ``(n, d_in)`` and targets ``(n, d_out)``; for a softmax
        output ``y`` may be integer labels ``(n,)``. Labels must fit the loss
        (in [0, 1] for ``'bce'``, distributions or class indices for ``'cce'``).
    loss : str
        ``'bce'`` (needs a sigmoid output), ``'cce'`` (a softmax output), ``'mse'``
        or ``'mae'``. The recorded cross-entropies are computed from the logits.
    optimizer : str or Optimizer
        A name from :data:`lecture_code.optimizers.NAMES` or a ready optimizer built
        on ``model.parameters()`` (or ``[model.flat_params]``).
    lr : float, optional
        Learning rate (default: torch's default for the optimizer).
    epochs : int
        Passes over the training set.
    batch_size : int, optional
        Rows per step; ``None``, or any size above the number of rows, means
        the whole training set.
    rng : numpy.random.Generator
        Shuffles the minibatches.
    X_val, y_val : array, optional
        Validation set, evaluated after every epoch.
    patience : int, optional
        Early stopping: stop after this many epochs without a lower validation
        loss, and restore the parameters of the best epoch.
    penalty, lam : str, float
        Weight penalty ``'none'``, ``'l1'`` or ``'l2'`` and its strength lambda.
    raise_on_divergence : bool
        Raise :class:`TrainingDiverged` instead of stopping with ``diverged=True``.
    on_epoch : callable, optional
        Called as ``on_epoch(epoch)`` (0-based) after each epoch's steps, for
        example to keep a copy of the weights (chapter 8 evaluates those copies
        on the test set afterwards, all epochs at once).
    accuracy : bool, optional
        Record the accuracies: by default for the cross-entropies; ``True`` also
        for a classifier trained on another loss (squared error on 0/1 labels).
    fused : bool
        The fast path the live panels use, equal to this loop to rounding:
        the whole loop compiled by numba (:mod:`lecture_code.fast.compiled_training`)
        where numba is installed, the setting allows it and the loop is
        compiled (the first fast training of a session starts the compile in
        the background), otherwise each step by
        :class:`lecture_code.fast.fused_training.FusedStep`, the same formulas
        in fewer numpy calls.

    Returns
    -------
    History
    """
    if not isinstance(model, MLP):
        raise ValueError(f"model must be a lecture_code.network.MLP, got {type(model).__name__}")
    loss_fn = _losses._get(loss)
    _losses.check_output(loss_fn, model.layers[-1].activation.name, model.sizes[-1])
    X = _checks.as_matrix(X, "X", columns=model.sizes[0])
    Y = _targets(y, model, loss_fn, "y")
    _checks.same_rows(X, Y, "X", "y")
    has_val = X_val is not None
    if has_val:
        X_val = _checks.as_matrix(X_val, "X_val", columns=model.sizes[0])
        Y_val = _targets(y_val, model, loss_fn, "y_val")
        _checks.same_rows(X_val, Y_val, "X_val", "y_val")
    elif y_val is not None:
        raise ValueError("y_val was given without X_val: pass both, or neither")
    if patience is not None:
        if not has_val:
            raise ValueError("patience (early stopping) needs a validation set: pass X_val, y_val")
        patience = _checks.count(patience, "patience")
    epochs = _checks.count(epochs, "epochs", each=1e3, of="work (an epoch each)")
    n = X.shape[0]
    batch = n if batch_size is None else min(_checks.count(batch_size, "batch_size"), n)
    _checks.generator(rng)
    penalty = _checks.choice(penalty, "penalty", regularization.PENALTIES)
    lam = _checks.positive(lam, "lam", allow_zero=True)
    if on_epoch is not None:
        _checks.function(on_epoch, "on_epoch")
    raise_on_divergence = _checks.flag(raise_on_divergence, "raise_on_divergence")
    fused = _checks.flag(fused, "fused")
    if accuracy is None:
        classify = loss_fn.name in ("bce", "cce")
    elif accuracy is True or accuracy is False:
        classify = accuracy
        if classify and not (np.all((Y == 0) | (Y == 1)) and (not has_val or np.all((Y_val == 0) | (Y_val == 1)))):
            raise ValueError("accuracy=True needs class labels: y (and y_val) must be 0 or 1, "
                             "or one-hot rows")
    else:
        raise ValueError(f"accuracy must be True, False or None (for the cross-entropies), got {accuracy!r}")
    if isinstance(optimizer, _optimizers.Optimizer):
        if lr is not None or optimizer_options:
            raise ValueError("lr and optimizer options belong to the optimizer's constructor "
                             "when a ready optimizer is passed")
        opt, grads = optimizer, _own_optimizer(optimizer, model)
    else:   # one flat vector: the same update, in one vectorised step
        opt = _optimizers._make(optimizer, [model.flat_params], lr, "optimizer",
                                **optimizer_options)
        grads = [model.flat_grads]
    if fused:
        from .fast import compiled_training
        if compiled_training.available() and compiled_training.supports(
                model, loss_fn, opt, on_epoch=on_epoch, accuracy=classify) is None:
            run = compiled_training.train(
                model, X, Y, loss_fn, opt, epochs=epochs, batch=batch, rng=rng,
                penalty=penalty, lam=lam, X_val=X_val if has_val else None,
                Y_val=Y_val if has_val else None, patience=patience, accuracy=classify)
            best_params = run.pop("best_params")
            return _finish(History(**run), model, raise_on_divergence, best_params)
        from .fast.fused_training import FusedStep
        fused = FusedStep(model, loss_fn, penalty, lam, opt)
    hist, best, best_params, waited = History(), np.inf, None, 0

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(epochs):
            order = rng.permutation(n) if batch < n else None
            total, correct = 0.0, 0.0
            for start in range(0, n, batch):
                idx = order[start:start + batch] if order is not None else slice(None)
                Xb, Yb = (X[idx], Y[idx]) if order is not None else (X, Y)
                if fused:
                    value, out = fused.loss_and_grads(Xb, Yb)
                else:
                    value, out = model._loss_and_grads(Xb, Yb, loss_fn, penalty, lam)
                rows = Xb.shape[0]
                total += value * rows
                if classify:
                    correct += _accuracy(out, Yb) * rows
                if fused:
                    fused.step()
                else:
                    opt.step(grads)
            train_loss = total / n
            if not np.isfinite(train_loss):
                hist.diverged = True
                break
            hist.train_loss.append(train_loss)
            if classify:
                hist.train_acc.append(correct / n)
            if on_epoch is not None:
                on_epoch(hist.epochs - 1)
            if has_val:
                value, out = model._loss(X_val, Y_val, loss_fn)
                hist.val_loss.append(value)
                if classify:
                    hist.val_acc.append(_accuracy(out, Y_val))
                if hist.val_loss[-1] < best:
                    best, hist.best_epoch, waited = hist.val_loss[-1], hist.epochs - 1, 0
                    if patience is not None:
                        best_params = model.copy_parameters()
                elif patience is not None:
                    waited += 1
                    if waited >= patience:
                        hist.stopped_early = True
                        break
    return _finish(hist, model, raise_on_divergence, best_params)


def _finish(hist: History, model: MLP, raise_on_divergence: bool, best_params) -> History:
    """The end of :func:`train`: a last overflow counts as divergence; restore the best weights."""
    if not hist.diverged and not all(np.isfinite(p).all() for p in model.parameters()):
        hist.diverged = True        # the very last step overflowed
    if hist.diverged and raise_on_divergence:
        raise TrainingDiverged("training diverged: try a smaller learning rate")
    if best_params is not None:
        model.set_parameters(best_params)
    return hist
